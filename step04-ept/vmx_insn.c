// SPDX-License-Identifier: GPL-2.0
/*
 * vmx_insn.c - VMXON, VMXOFF, VMREAD, VMCLEAR, VMPTRLD, VMWRITE and INVEPT,
 * each with its outcome checked.
 *
 * Kernel only (ring 0, 64-bit mode). The pattern is the same for every VMX
 * instruction: execute it, branch on CF (VMfailInvalid) and ZF (VMfailValid),
 * and let an exception-table entry turn a fault into a return value. VMXON
 * shows it written out; VMX_INSN() is the same for the instructions after.
 *
 * Spec: Intel SDM Vol. 3, "VMX Instruction Reference": Section "Conventions"
 * (VMsucceed, VMfailInvalid, VMfailValid), "VMXON - Enter VMX Operation",
 * "VMXOFF - Leave VMX Operation", "VMREAD - Read Field from Virtual-Machine
 * Control Structure", "VMCLEAR - Clear Virtual-Machine Control Structure",
 * "VMPTRLD - Load Pointer to Virtual-Machine Control Structure", "VMWRITE -
 * Write Field to Virtual-Machine Control Structure", "INVEPT - Invalidate
 * Translations Derived from EPT", "VM Instruction Error Numbers".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/printk.h>
#include <asm/asm.h>
#include <asm/vmx.h>

#include "vmx_errors.h"
#include "vmx_insn.h"

/* book:begin vmxon */
/* VMXON takes a memory operand holding the VMXON region's physical address. */
enum vmx_insn_status vmx_vmxon(phys_addr_t vmxon_region)
{
	u64 pa = vmxon_region;

	/* clang-format would split %l[...] inside _ASM_EXTABLE: */
	/* clang-format off */
	asm goto("1: vmxon %[pa]\n\t"
		 "jc %l[fail_invalid]\n\t"
		 "jz %l[fail_valid]\n\t"
		 _ASM_EXTABLE(1b, %l[fault])
		 : : [pa] "m"(pa) : "cc", "memory"
		 : fail_invalid, fail_valid, fault);
	/* clang-format on */
	return VMX_SUCCEED;
fail_invalid:
	return VMX_FAIL_INVALID;
fail_valid:
	return VMX_FAIL_VALID;
fault:
	return VMX_FAULT;
}
/* book:end vmxon */

/* book:begin vmx_insn */
/*
 * Every VMX instruction after VMXON ends the way VMXON does: CF set
 * (VMfailInvalid), ZF set (VMfailValid) or a fault, each its own return
 * value. VMX_INSN() writes that pattern once, as the body of a function
 * returning enum vmx_insn_status: @insn is the instruction with its
 * operands, the rest is the asm's ": outputs : inputs : clobbers".
 */
/* clang-format off */
#define VMX_INSN(insn, ...)						\
	asm goto("1: " insn "\n\t"					\
		 "jc %l[fail_invalid]\n\t"				\
		 "jz %l[fail_valid]\n\t"				\
		 _ASM_EXTABLE(1b, %l[fault])				\
		 __VA_ARGS__						\
		 : fail_invalid, fail_valid, fault);			\
	return VMX_SUCCEED;						\
fail_invalid:								\
	return VMX_FAIL_INVALID;					\
fail_valid:								\
	return VMX_FAIL_VALID;						\
fault:									\
	return VMX_FAULT
/* clang-format on */

enum vmx_insn_status vmx_vmxoff(void)
{
	VMX_INSN("vmxoff", : : : "cc", "memory");
}

/* VMREAD of a field of the current VMCS: field encoding in, value out. */
enum vmx_insn_status vmx_vmread(unsigned long field, unsigned long *value)
{
	VMX_INSN("vmread %[field], %[value]",
		 : [value] "=rm"(*value)
		 : [field] "r"(field)
		 : "cc");
}
/* book:end vmx_insn */

/* book:begin vmcs_insns */
/* VMCLEAR and VMPTRLD take a memory operand holding the VMCS's address. */
enum vmx_insn_status vmx_vmclear(phys_addr_t vmcs)
{
	u64 pa = vmcs;

	VMX_INSN("vmclear %[pa]", : : [pa] "m"(pa) : "cc", "memory");
}

enum vmx_insn_status vmx_vmptrld(phys_addr_t vmcs)
{
	u64 pa = vmcs;

	VMX_INSN("vmptrld %[pa]", : : [pa] "m"(pa) : "cc", "memory");
}

/* VMWRITE of a field of the current VMCS: field encoding, then the value. */
enum vmx_insn_status vmx_vmwrite(unsigned long field, unsigned long value)
{
	VMX_INSN("vmwrite %[value], %[field]",
		 :
		 : [value] "rm"(value), [field] "r"(field)
		 : "cc");
}
/* book:end vmcs_insns */

/* book:begin invept */
/*
 * INVEPT: the type in a register (single-context or all-context), a 128-bit
 * descriptor in memory holding the EPTP whose cached translations go.
 */
enum vmx_insn_status vmx_invept(unsigned long type, u64 eptp)
{
	struct {
		u64 eptp;
		u64 reserved; /* must be 0 */
	} desc = { eptp, 0 };

	VMX_INSN("invept %[desc], %[type]",
		 :
		 : [desc] "m"(desc), [type] "r"(type)
		 : "cc", "memory");
}
/* book:end invept */

/* book:begin insn_failed */
int vmx_insn_failed(const char *insn, enum vmx_insn_status status)
{
	unsigned long number;

	switch (status) {
	case VMX_SUCCEED:
		return 0;
	case VMX_FAIL_INVALID:
		pr_err("%s: VMfailInvalid (CF=1; no current VMCS, so no error number)\n",
		       insn);
		break;
	case VMX_FAIL_VALID:
		if (vmx_vmread(VM_INSTRUCTION_ERROR, &number) != VMX_SUCCEED) {
			pr_err("%s: VMfailValid (ZF=1), and VMREAD of VM_INSTRUCTION_ERROR failed\n",
			       insn);
			break;
		}
		pr_err("%s: VMfailValid (ZF=1), VM-instruction error %lu %s\n",
		       insn, number, vmx_instruction_error_name(number));
		break;
	case VMX_FAULT:
		pr_err("%s: faulted (#UD or #GP): the CPU refused the instruction in its current state\n",
		       insn);
		break;
	}
	return -EIO;
}
/* book:end insn_failed */
