/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_entry.S - enter the guest (VMLAUNCH/VMRESUME) and come back from it.
 *
 * Runs in the kernel module, 64-bit mode, VMX root operation, interrupts off.
 * A VM exit does not return to the instruction after VMLAUNCH: the CPU loads
 * RSP and RIP from the host-state area (HOST_RSP, HOST_RIP) and the guest's
 * general-purpose registers are still in the registers. So the entry code
 * pushes what the host needs, records that stack pointer in HOST_RSP, and
 * vmx_exit_stub (HOST_RIP) saves the guest's registers and unwinds the same
 * stack, returning to the C caller of __vmx_enter_guest as if it were an
 * ordinary function call.
 *
 * Spec: Intel SDM Vol. 3, "VM Entries", "VM Exits" ("Loading Host State"),
 * "VMLAUNCH/VMRESUME - Launch/Resume Virtual Machine" (Vol. 3, Chapter
 * "VMX Instruction Reference"), "Conventions" (VMfailInvalid: CF = 1,
 * VMfailValid: ZF = 1).
 */
#include <linux/linkage.h>
#include "vmx_entry.h"

#define REG(n)	((n) * GPR_SIZE)

	.text
/* book:begin enter */
/* int __vmx_enter_guest(struct guest_regs *regs (%rdi), bool launched (%sil)) */
SYM_FUNC_START(__vmx_enter_guest)
	/* The host's callee-saved registers: the guest will clobber them. */
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	/* @regs, found again at 0(%rsp) by vmx_exit_stub. */
	push	%rdi

	/* A VM exit will resume with exactly this stack. */
	mov	$VMX_ENTRY_HOST_RSP, %rax
	vmwrite	%rsp, %rax
	jbe	.Lvmwrite_failed

	/* Load the guest's registers; mov leaves the flags alone. */
	test	%sil, %sil
	mov	REG(GPR_RAX)(%rdi), %rax
	mov	REG(GPR_RCX)(%rdi), %rcx
	mov	REG(GPR_RDX)(%rdi), %rdx
	mov	REG(GPR_RBX)(%rdi), %rbx
	mov	REG(GPR_RBP)(%rdi), %rbp
	mov	REG(GPR_RSI)(%rdi), %rsi
	mov	REG(GPR_R8)(%rdi), %r8
	mov	REG(GPR_R9)(%rdi), %r9
	mov	REG(GPR_R10)(%rdi), %r10
	mov	REG(GPR_R11)(%rdi), %r11
	mov	REG(GPR_R12)(%rdi), %r12
	mov	REG(GPR_R13)(%rdi), %r13
	mov	REG(GPR_R14)(%rdi), %r14
	mov	REG(GPR_R15)(%rdi), %r15
	mov	REG(GPR_RDI)(%rdi), %rdi	/* last: it held @regs */

	jnz	.Lresume
	vmlaunch
	jmp	.Lentry_failed
.Lresume:
	vmresume

	/*
	 * Only reached when VMLAUNCH/VMRESUME (or the VMWRITE of HOST_RSP)
	 * failed: the CPU stayed in VMX root operation and the guest never
	 * ran. CF = 1: VMfailInvalid; ZF = 1: VMfailValid. cmov and mov do
	 * not touch the flags.
	 */
.Lentry_failed:
	mov	$VMX_ENTRY_FAIL_VALID, %eax
	mov	$VMX_ENTRY_FAIL_INVALID, %ecx
	cmovc	%ecx, %eax
	pop	%rdi
	jmp	.Lreturn_to_host
.Lvmwrite_failed:
	mov	$(VMX_ENTRY_FAIL_VALID | VMX_ENTRY_FAIL_IN_VMWRITE), %eax
	mov	$(VMX_ENTRY_FAIL_INVALID | VMX_ENTRY_FAIL_IN_VMWRITE), %ecx
	cmovc	%ecx, %eax
	pop	%rdi
	jmp	.Lreturn_to_host
SYM_FUNC_END(__vmx_enter_guest)
/* book:end enter */

/* book:begin exit */
/*
 * HOST_RIP. The CPU arrives here on every VM exit with RSP = HOST_RSP (the
 * stack __vmx_enter_guest built), interrupts off, and the guest's
 * general-purpose registers still loaded.
 */
SYM_CODE_START(vmx_exit_stub)
	push	%rdi			/* the guest's RDI, to free a register */
	mov	GPR_SIZE(%rsp), %rdi	/* @regs */
	mov	%rax, REG(GPR_RAX)(%rdi)
	mov	%rcx, REG(GPR_RCX)(%rdi)
	mov	%rdx, REG(GPR_RDX)(%rdi)
	mov	%rbx, REG(GPR_RBX)(%rdi)
	mov	%rbp, REG(GPR_RBP)(%rdi)
	mov	%rsi, REG(GPR_RSI)(%rdi)
	mov	%r8, REG(GPR_R8)(%rdi)
	mov	%r9, REG(GPR_R9)(%rdi)
	mov	%r10, REG(GPR_R10)(%rdi)
	mov	%r11, REG(GPR_R11)(%rdi)
	mov	%r12, REG(GPR_R12)(%rdi)
	mov	%r13, REG(GPR_R13)(%rdi)
	mov	%r14, REG(GPR_R14)(%rdi)
	mov	%r15, REG(GPR_R15)(%rdi)
	pop	REG(GPR_RDI)(%rdi)
	pop	%rdi			/* drop @regs */
	mov	$VMX_ENTRY_EXITED, %eax

.Lreturn_to_host:
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret
	int3
SYM_CODE_END(vmx_exit_stub)
/* book:end exit */
