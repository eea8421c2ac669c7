/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_insn.h - the VMX instructions this step uses, each checked.
 *
 * Kernel only (ring 0, 64-bit mode). Every VMX instruction reports its outcome
 * in RFLAGS: VMsucceed (CF=0, ZF=0), VMfailInvalid (CF=1: no current VMCS to
 * hold an error number) or VMfailValid (ZF=1: the error number is in the
 * current VMCS's VM_INSTRUCTION_ERROR field). It can also fault (#UD, #GP)
 * when the CPU is not in a state that allows it; we catch that through the
 * kernel's exception table instead of crashing.
 *
 * Spec: Intel SDM Vol. 3, Section "Conventions" and "VMX Instruction
 * Reference" (VMXON, VMXOFF, VMREAD, VMCLEAR, VMPTRLD, VMWRITE, INVEPT),
 * "VM Instruction Error Numbers".
 */
#ifndef VMX_INSN_H
#define VMX_INSN_H

#include <linux/types.h>

enum vmx_insn_status {
	VMX_SUCCEED,
	VMX_FAIL_INVALID, /* CF=1 */
	VMX_FAIL_VALID,	  /* ZF=1, number in VM_INSTRUCTION_ERROR */
	VMX_FAULT,	  /* the instruction raised #UD or #GP */
};

enum vmx_insn_status vmx_vmxon(phys_addr_t vmxon_region);
enum vmx_insn_status vmx_vmxoff(void);
enum vmx_insn_status vmx_vmread(unsigned long field, unsigned long *value);
enum vmx_insn_status vmx_vmclear(phys_addr_t vmcs);
enum vmx_insn_status vmx_vmptrld(phys_addr_t vmcs);
enum vmx_insn_status vmx_vmwrite(unsigned long field, unsigned long value);
enum vmx_insn_status vmx_invept(unsigned long type, u64 eptp);

/*
 * Log a failed VMX instruction: VMfailInvalid, or VMfailValid with the
 * VM-instruction error number and name, or the fault. Returns -EIO.
 */
int vmx_insn_failed(const char *insn, enum vmx_insn_status status);

#endif /* VMX_INSN_H */
