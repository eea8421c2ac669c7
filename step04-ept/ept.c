// SPDX-License-Identifier: GPL-2.0
/*
 * ept.c - build EPT entries and the EPT pointer; decode EPT violations.
 *
 * Pure functions on numbers: run in the kernel module and in the host's
 * Check unit tests (tests/unit/step04-ept). The bit names are Linux's
 * (VMX_EPT_*, VMX_EPTP_*, EPT_VIOLATION_* in <asm/vmx.h>).
 *
 * Spec: Intel SDM Vol. 3, "EPT Translation Mechanism": "Format of the
 * Extended-Page-Table Pointer", "Formats of EPT Paging-Structure Entries"
 * (tables "Format of an EPT PML4 Entry (PML4E)", ..., "Format of an EPT
 * Page-Table Entry"); "Exit Qualification for EPT Violations"; Appendix
 * A.10 "VPID and EPT Capabilities".
 */
#include <linux/kernel.h>
#include <linux/types.h>
#include <asm/vmx.h>

#include "ept.h"

/* book:begin entries */
bool ept_gpa_valid(u64 gpa)
{
	return !(gpa >> EPT_GPA_BITS);
}

unsigned int ept_index(u64 gpa, int level)
{
	int shift = EPT_PAGE_SHIFT + (level - 1) * EPT_LEVEL_BITS;

	return (gpa >> shift) & (EPT_ENTRIES - 1);
}

u64 ept_table_entry(u64 table_pa)
{
	return (table_pa & EPT_ADDR_MASK) | VMX_EPT_RWX_MASK;
}

u64 ept_page_entry(u64 page_pa, u64 rwx)
{
	return (page_pa & EPT_ADDR_MASK) | (rwx & VMX_EPT_RWX_MASK) |
	       (VMX_EPTP_MT_WB << VMX_EPT_MT_EPTE_SHIFT);
}

/* An entry with none of R, W, X is "not present" to the walk. */
bool ept_entry_present(u64 entry)
{
	return entry & VMX_EPT_RWX_MASK;
}

u64 ept_entry_addr(u64 entry)
{
	return entry & EPT_ADDR_MASK;
}
/* book:end entries */

/* book:begin eptp */
bool ept_build_eptp(u64 ept_vpid_cap, u64 pml4_pa, u64 *eptp)
{
	u64 memtype;

	if (!(ept_vpid_cap & VMX_EPT_PAGE_WALK_4_BIT))
		return false;
	if (ept_vpid_cap & VMX_EPTP_WB_BIT)
		memtype = VMX_EPTP_MT_WB;
	else if (ept_vpid_cap & VMX_EPTP_UC_BIT)
		memtype = VMX_EPTP_MT_UC;
	else
		return false;
	/* Bits 2:0 memory type, 5:3 walk length - 1, no accessed/dirty flags. */
	*eptp = (pml4_pa & EPT_ADDR_MASK) | VMX_EPTP_PWL_4 | memtype;
	return true;
}
/* book:end eptp */

int ept_invept_type(u64 ept_vpid_cap)
{
	if (!(ept_vpid_cap & VMX_EPT_INVEPT_BIT))
		return 0;
	if (ept_vpid_cap & VMX_EPT_EXTENT_CONTEXT_BIT)
		return VMX_EPT_EXTENT_CONTEXT;
	if (ept_vpid_cap & VMX_EPT_EXTENT_GLOBAL_BIT)
		return VMX_EPT_EXTENT_GLOBAL;
	return 0;
}

/* book:begin violation */
/*
 * Bits 0-2 of the qualification say what the access was (a read-modify-
 * write sets the write bit, and on some CPUs the read bit too: we call it a
 * write); bits 3-5 what the walk allowed, each the AND of that right over
 * the entries used (all 0 here: the GPA was not mapped at all).
 */
enum ept_access ept_violation_access(u64 qualification)
{
	if (qualification & EPT_VIOLATION_ACC_INSTR)
		return EPT_ACCESS_FETCH;
	if (qualification & EPT_VIOLATION_ACC_WRITE)
		return EPT_ACCESS_WRITE;
	return EPT_ACCESS_READ;
}

const char *ept_access_name(enum ept_access access)
{
	switch (access) {
	case EPT_ACCESS_READ:
		return "read";
	case EPT_ACCESS_WRITE:
		return "write";
	case EPT_ACCESS_FETCH:
		return "instruction fetch";
	}
	return "?";
}

u64 ept_violation_allowed(u64 qualification)
{
	u64 rwx = qualification & EPT_VIOLATION_RWX_MASK;

	return rwx >> EPT_VIOLATION_RWX_SHIFT;
}
/* book:end violation */
