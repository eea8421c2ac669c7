/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim "vmx-ept.h" - the rest of the kernel's
 * arch/x86/include/asm/vmx.h that steps 03-04 use and kshim <asm/vmx.h>
 * does not define: failed VM-entry qualifications, EPT entry and EPTP bits,
 * INVEPT types, EPT-violation qualification bits. Same names, same values
 * (Linux 6.1). kshim <asm/vmx.h> includes it at its end.
 *
 * Host userspace only. Spec: Intel SDM Vol. 3, "VM-Entry Failures During or
 * After Loading Guest State", "Format of the Extended-Page-Table Pointer",
 * "Formats of EPT Paging-Structure Entries", "Exit Qualification for EPT
 * Violations", "INVEPT - Invalidate Translations Derived from EPT".
 */
#ifndef KSHIM_ASM_VMX_EPT_H
#define KSHIM_ASM_VMX_EPT_H

/* Exit qualifications for entry failure during or after loading guest state */
enum vm_entry_failure_code {
	ENTRY_FAIL_DEFAULT = 0,
	ENTRY_FAIL_PDPTE = 2,
	ENTRY_FAIL_NMI = 3,
	ENTRY_FAIL_VMCS_LINK_PTR = 4,
};

#ifndef VMX_EPT_READABLE_MASK
#define VMX_EPT_EXTENT_CONTEXT	1
#define VMX_EPT_EXTENT_GLOBAL	2
#define VMX_EPT_MT_EPTE_SHIFT	3
#define VMX_EPTP_PWL_MASK	0x38ull
#define VMX_EPTP_PWL_4		0x18ull
#define VMX_EPTP_PWL_5		0x20ull
#define VMX_EPTP_MT_MASK	0x7ull
#define VMX_EPT_READABLE_MASK	0x1ull
#define VMX_EPT_WRITABLE_MASK	0x2ull
#define VMX_EPT_EXECUTABLE_MASK 0x4ull
#define VMX_EPT_RWX_MASK                                                       \
	(VMX_EPT_READABLE_MASK | VMX_EPT_WRITABLE_MASK |                       \
	 VMX_EPT_EXECUTABLE_MASK)
#define VMX_EPT_MT_MASK (7ull << VMX_EPT_MT_EPTE_SHIFT)
#endif

#ifndef EPT_VIOLATION_ACC_READ
#define EPT_VIOLATION_ACC_READ_BIT	 0
#define EPT_VIOLATION_ACC_WRITE_BIT	 1
#define EPT_VIOLATION_ACC_INSTR_BIT	 2
#define EPT_VIOLATION_RWX_SHIFT		 3
#define EPT_VIOLATION_GVA_IS_VALID_BIT	 7
#define EPT_VIOLATION_GVA_TRANSLATED_BIT 8
#define EPT_VIOLATION_ACC_READ		 (1 << EPT_VIOLATION_ACC_READ_BIT)
#define EPT_VIOLATION_ACC_WRITE		 (1 << EPT_VIOLATION_ACC_WRITE_BIT)
#define EPT_VIOLATION_ACC_INSTR		 (1 << EPT_VIOLATION_ACC_INSTR_BIT)
#define EPT_VIOLATION_RWX_MASK		 (VMX_EPT_RWX_MASK << EPT_VIOLATION_RWX_SHIFT)
#define EPT_VIOLATION_GVA_IS_VALID	 (1 << EPT_VIOLATION_GVA_IS_VALID_BIT)
#define EPT_VIOLATION_GVA_TRANSLATED	 (1 << EPT_VIOLATION_GVA_TRANSLATED_BIT)
#endif

#endif /* KSHIM_ASM_VMX_EPT_H */
