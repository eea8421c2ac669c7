/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ept.h - extended page tables: the entry formats, the EPT pointer, and the
 * exit qualification of an EPT violation.
 *
 * Pure functions: run in the kernel module and in the host's unit tests.
 *
 * Spec: Intel SDM Vol. 3, "EPT Translation Mechanism" ("Format of the
 * Extended-Page-Table Pointer", "Formats of EPT Paging-Structure Entries"),
 * "EPT Violations", "Exit Qualification for EPT Violations" (in "Basic
 * VM-Exit Information"), Appendix A.10 "VPID and EPT Capabilities".
 */
#ifndef EPT_H
#define EPT_H

#include <linux/types.h>

/* A 4-level walk of 9 bits per level over 4 KiB pages: 48-bit GPAs. */
#define EPT_LEVELS     4
#define EPT_LEVEL_BITS 9
#define EPT_ENTRIES    (1 << EPT_LEVEL_BITS)
#define EPT_PAGE_SHIFT 12
#define EPT_PAGE_SIZE  (1ull << EPT_PAGE_SHIFT)
/* Bits 51:12 of an entry: the physical address of a table or a page. */
#define EPT_ADDR_MASK 0x000ffffffffff000ull

/* A 4-level walk translates GPA bits 47:0; it cannot map anything above. */
#define EPT_GPA_BITS (EPT_PAGE_SHIFT + EPT_LEVELS * EPT_LEVEL_BITS)
bool ept_gpa_valid(u64 gpa);

/* The entry of @level (4 = PML4 ... 1 = page table) that maps @gpa. */
unsigned int ept_index(u64 gpa, int level);

/* An entry pointing to the next table: the leaf decides the access rights. */
u64 ept_table_entry(u64 table_pa);
/* A 4 KiB leaf: @rwx (VMX_EPT_*_MASK bits), write-back memory type. */
u64 ept_page_entry(u64 page_pa, u64 rwx);
bool ept_entry_present(u64 entry);
u64 ept_entry_addr(u64 entry);

/*
 * The EPT pointer for a 4-level hierarchy rooted at @pml4_pa, with the
 * paging structures' memory type the CPU supports (write-back if it can).
 * False if IA32_VMX_EPT_VPID_CAP does not offer a 4-level walk or any
 * usable memory type.
 */
bool ept_build_eptp(u64 ept_vpid_cap, u64 pml4_pa, u64 *eptp);

/*
 * The INVEPT type to use after changing mappings: single-context
 * (VMX_EPT_EXTENT_CONTEXT) if supported, else all-context
 * (VMX_EPT_EXTENT_GLOBAL), 0 if INVEPT is not supported at all.
 */
int ept_invept_type(u64 ept_vpid_cap);

/* What the guest tried to do, from an EPT violation's exit qualification. */
enum ept_access {
	EPT_ACCESS_READ,
	EPT_ACCESS_WRITE,
	EPT_ACCESS_FETCH,
};
enum ept_access ept_violation_access(u64 qualification);
/* "read", "write", "instruction fetch" */
const char *ept_access_name(enum ept_access access);
/* The entry's permissions at the time (VMX_EPT_*_MASK bits, 0: not present). */
u64 ept_violation_allowed(u64 qualification);

#endif /* EPT_H */
