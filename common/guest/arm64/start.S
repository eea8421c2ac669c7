/*
 * arm64/start.S - the guest runtime's boot stub on arm64: from the VMM's entry
 * state to main().  The arm64 twin of common/guest/start.asm.
 *
 * Runs: inside the VM, the first instruction of a C guest, at EL1 with the
 * MMU off (every data access is then Device memory: the C code is built
 * -mstrict-align, as unaligned accesses would fault), interrupts masked
 * (PSTATE.DAIF, as the VMM enters every guest).  The VMM starts it at
 * MACHINE_GUEST_LOAD_ADDR.
 * Spec: Arm "Procedure Call Standard for the Arm 64-bit Architecture"
 * (AAPCS64, "The Stack": SP 16-byte aligned; "Parameter Passing": the
 * result in W0); Arm ARM, "STP", "B.cond", "BL".
 *
 * What C needs that the VMM did not give: a stack of its own and a zeroed
 * .bss.  Then main(), and exit() with what it returned.
 */
#define STACK_SIZE 16384

	.section .text.start, "ax"
	.global _start
_start:
	ldr	x0, =stack_top
	mov	sp, x0			/* 16-byte aligned: see .balign below */
	ldr	x0, =__bss_start	/* zero .bss, 16 bytes at a time (the */
	ldr	x1, =__bss_end		/* linker script aligns both ends) */
1:	cmp	x0, x1
	b.hs	2f
	stp	xzr, xzr, [x0], #16
	b	1b
2:	bl	main
	bl	exit			/* the EXIT hypercall: never returns */
3:	wfi
	b	3b

	.section .bss
	.balign 16
stack:	.skip	STACK_SIZE
stack_top:
