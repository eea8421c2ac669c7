; start.asm - the guest runtime's boot stub: from the VMM's long-mode entry
; state to main().
;
; Runs: inside the VM, first instruction of every C guest, in 64-bit long
; mode.  The VMM has already done what a boot loader would (GDT, identity-
; mapped page tables, EFER.LME, CR0.PG: setup_long_mode() in the step's
; x86_modes.c) and starts us at GUEST_LOAD_ADDR with interrupts off.
; Spec: System V AMD64 ABI, "Process Initialization" (a 16-byte aligned
; stack at the call) and "Stack Frame"; Intel SDM Vol. 2, "STOS".
;
; What C needs that the VMM did not give: a stack of our own and a zeroed
; .bss.  Then main(), and exit() with what it returned.

%include "layout.inc"

STACK_SIZE	equ 16384

	bits 64
	default rel

	section .text.start progbits alloc exec nowrite align=16
	global _start
	extern main, exit, __bss_start, __bss_end

; book:begin start
_start:
	lea rsp, [stack_top]		; 16-byte aligned
	lea rdi, [__bss_start]		; zero .bss (the stack is in it too,
	lea rcx, [__bss_end]		; but it is empty yet)
	sub rcx, rdi
	xor eax, eax
	rep stosb
	call main
	mov edi, eax
	call exit			; the EXIT hypercall: never returns
.halt:	hlt
	jmp .halt
; book:end start

	section .bss nobits alloc noexec write align=16
stack:		resb STACK_SIZE
stack_top:
