/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_entry.h - the interface between one trip into the guest in C
 * (vcpu_enter() in vcpu.c) and the assembly that enters the guest and
 * receives its VM exits (vmx_entry.S).
 *
 * Included by C and by assembly, so it holds only #defines (and, for C, the
 * prototypes). Runs in the kernel module, VMX root operation.
 *
 * Spec: Intel SDM Vol. 3, "VM Entries" (VMLAUNCH/VMRESUME), "VM Exits"
 * ("Loading Host State": RSP and RIP come from the host-state area).
 */
#ifndef VMX_ENTRY_H
#define VMX_ENTRY_H

/*
 * The guest's general-purpose registers, indexed in the order x86 numbers
 * them (the ModRM reg field: 0 = RAX, 1 = RCX, ...). A VM exit saves RSP and
 * RIP in the VMCS but none of the others: vmx_exit_stub saves them here.
 */
#define GPR_RAX	 0
#define GPR_RCX	 1
#define GPR_RDX	 2
#define GPR_RBX	 3
#define GPR_RSP	 4 /* unused: the guest's RSP lives in GUEST_RSP */
#define GPR_RBP	 5
#define GPR_RSI	 6
#define GPR_RDI	 7
#define GPR_R8	 8
#define GPR_R9	 9
#define GPR_R10	 10
#define GPR_R11	 11
#define GPR_R12	 12
#define GPR_R13	 13
#define GPR_R14	 14
#define GPR_R15	 15
#define NR_GPRS	 16
#define GPR_SIZE 8

/*
 * The VMCS encoding of HOST_RSP (enum vmcs_field in <asm/vmx.h>, which the
 * assembler cannot read); vcpu.c checks at build time that they agree.
 */
#define VMX_ENTRY_HOST_RSP 0x00006c14

/* What __vmx_enter_guest() returns. */
#define VMX_ENTRY_EXITED       0 /* the guest ran and a VM exit came back */
#define VMX_ENTRY_FAIL_INVALID 1 /* VMLAUNCH/VMRESUME: VMfailInvalid */
#define VMX_ENTRY_FAIL_VALID   2 /* ... VMfailValid: see VM_INSTRUCTION_ERROR */
/* Or'ed into a FAIL_* status: the VMWRITE of HOST_RSP failed, not the entry. */
#define VMX_ENTRY_FAIL_IN_VMWRITE 4

#ifndef __ASSEMBLY__
struct guest_regs {
	unsigned long gpr[NR_GPRS];
};

/*
 * Load the guest's registers from @regs and VMLAUNCH (@launched false) or
 * VMRESUME it. Returns VMX_ENTRY_EXITED after the next VM exit, with the
 * guest's registers saved back into @regs, or VMX_ENTRY_FAIL_* when the
 * instruction itself failed (the guest never ran; with
 * VMX_ENTRY_FAIL_IN_VMWRITE if it was the VMWRITE of HOST_RSP before it).
 * Interrupts must be off.
 */
int __vmx_enter_guest(struct guest_regs *regs, bool launched);

/* Where a VM exit lands (HOST_RIP). Not callable from C. */
void vmx_exit_stub(void);
#endif

#endif /* VMX_ENTRY_H */
