// SPDX-License-Identifier: GPL-2.0
/*
 * test_ept.c - Check unit tests for step04's EPT builders and decoders
 * (step04-ept/ept.c): the walk's reach and indices, PML4E/PDPTE/PDE and
 * PTE entries, the EPT pointer from IA32_VMX_EPT_VPID_CAP, the INVEPT type, and the exit
 * qualification of an EPT violation.
 *
 * Runs on the host (userspace), no VMX needed. IA32_VMX_EPT_VPID_CAP =
 * 0x00000f0106334141 is the value of both recorded CPUs of step01's tests
 * (Bochs 2.7 corei7_skylake_x and an Intel Core i7-5600U, see
 * tests/unit/step01-cpuid-vmx/test_vmx_caps.c); the EPTP and qualification
 * values are the ones the step04 guest produced in the lab
 * (book/output/step04-ept.txt).
 *
 * Spec: Intel SDM Vol. 3, "Format of the Extended-Page-Table Pointer",
 * "Formats of EPT Paging-Structure Entries", "Exit Qualification for EPT
 * Violations", Appendix A.10 "VPID and EPT Capabilities".
 */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>

#include "ept.c"

#define RECORDED_EPT_VPID_CAP 0x00000f0106334141ULL

START_TEST(a_gpa_splits_into_four_9_bit_indices)
{
	/* 0x0000_7fff_d000_0000 = PML4 0xff, PDPT 0x1ff, PD 0x80, PT 0 */
	u64 gpa = 0x00007fffd0000000ull;

	ck_assert_uint_eq(ept_index(gpa, 4), 0xff);
	ck_assert_uint_eq(ept_index(gpa, 3), 0x1ff);
	ck_assert_uint_eq(ept_index(gpa, 2), 0x80);
	ck_assert_uint_eq(ept_index(gpa, 1), 0);
	/* The step04 guest's first demand page, 1 MiB: PD 0, PT 0x100. */
	ck_assert_uint_eq(ept_index(0x100000, 2), 0);
	ck_assert_uint_eq(ept_index(0x100000, 1), 0x100);
	/* Its console, 0xd0000000: PDPT 3, PD 0x80, PT 0; offsets are ignored. */
	ck_assert_uint_eq(ept_index(0xd0000004, 3), 3);
	ck_assert_uint_eq(ept_index(0xd0000004, 2), 0x80);
	ck_assert_uint_eq(ept_index(0xd0000004, 1), 0);
}
END_TEST

START_TEST(only_48_bit_gpas_can_be_mapped)
{
	ck_assert_uint_eq(EPT_GPA_BITS, 48);
	ck_assert(ept_gpa_valid(0));
	ck_assert(ept_gpa_valid(0xd0000004));
	ck_assert(ept_gpa_valid(0x0000ffffffffffffull));
	/* Bit 48 would alias GPA 0 in a 4-level walk: refused. */
	ck_assert(!ept_gpa_valid(0x0001000000000000ull));
	ck_assert(!ept_gpa_valid(~0ull));
}
END_TEST

START_TEST(table_entries_grant_everything)
{
	ck_assert_uint_eq(ept_table_entry(0x2ac9000), 0x2ac9007);
	/* Bits outside 51:12 never leak into the entry. */
	ck_assert_uint_eq(ept_table_entry(0xfff0000000123fffull),
			  0x0000000000123007ull);
	ck_assert(ept_entry_present(ept_table_entry(0x1000)));
	ck_assert_uint_eq(ept_entry_addr(ept_table_entry(0x2ac9000)),
			  0x2ac9000);
}
END_TEST

START_TEST(page_entries_carry_rights_and_write_back)
{
	/* RWX guest RAM: 7 | WB (6) << 3 = 0x37. */
	ck_assert_uint_eq(ept_page_entry(0x3000, VMX_EPT_RWX_MASK), 0x3037);
	/* A demand page: read and write, no execute. */
	ck_assert_uint_eq(ept_page_entry(0x3000, VMX_EPT_READABLE_MASK |
							 VMX_EPT_WRITABLE_MASK),
			  0x3033);
	/* Rights outside RWX are not rights. */
	ck_assert_uint_eq(ept_page_entry(0x3000, 0xff), 0x3037);
	/* A leaf with no rights is not present: touching it faults. */
	ck_assert(!ept_entry_present(ept_page_entry(0x3000, 0)));
	ck_assert_uint_eq(ept_entry_addr(ept_page_entry(0xabcde000, 1)),
			  0xabcde000);
}
END_TEST

START_TEST(the_eptp_of_the_recorded_cpus)
{
	u64 eptp = 0;

	/* The lab printed "EPTP 0x2ac901e (4-level walk, write-back)". */
	ck_assert(ept_build_eptp(RECORDED_EPT_VPID_CAP, 0x2ac9000, &eptp));
	ck_assert_uint_eq(eptp, 0x2ac901e);
	ck_assert_uint_eq(eptp & VMX_EPTP_PWL_MASK, VMX_EPTP_PWL_4);
	ck_assert_uint_eq(eptp & VMX_EPTP_MT_MASK, VMX_EPTP_MT_WB);
	ck_assert_uint_eq(eptp & VMX_EPTP_AD_ENABLE_BIT, 0);
}
END_TEST

START_TEST(the_eptp_falls_back_or_refuses)
{
	u64 eptp = 0;

	/* No write-back for paging structures: uncacheable. */
	ck_assert(ept_build_eptp(RECORDED_EPT_VPID_CAP & ~VMX_EPTP_WB_BIT,
				 0x5000, &eptp));
	ck_assert_uint_eq(eptp, 0x5018);
	/* No memory type at all, or no 4-level walk: no EPTP. */
	ck_assert(!ept_build_eptp(RECORDED_EPT_VPID_CAP &
					  ~(VMX_EPTP_WB_BIT | VMX_EPTP_UC_BIT),
				  0x5000, &eptp));
	ck_assert(!ept_build_eptp(RECORDED_EPT_VPID_CAP &
					  ~VMX_EPT_PAGE_WALK_4_BIT,
				  0x5000, &eptp));
	ck_assert(!ept_build_eptp(0, 0x5000, &eptp));
}
END_TEST

START_TEST(invept_type)
{
	ck_assert_int_eq(ept_invept_type(RECORDED_EPT_VPID_CAP),
			 VMX_EPT_EXTENT_CONTEXT);
	ck_assert_int_eq(
		ept_invept_type(VMX_EPT_INVEPT_BIT | VMX_EPT_EXTENT_GLOBAL_BIT),
		VMX_EPT_EXTENT_GLOBAL);
	ck_assert_int_eq(ept_invept_type(VMX_EPT_INVEPT_BIT), 0);
	ck_assert_int_eq(
		ept_invept_type(RECORDED_EPT_VPID_CAP & ~VMX_EPT_INVEPT_BIT),
		0);
}
END_TEST

START_TEST(violation_qualifications)
{
	/* The lab's refused fetch at 0xd0000000: qualification 0x184. */
	ck_assert_int_eq(ept_violation_access(0x184), EPT_ACCESS_FETCH);
	ck_assert_uint_eq(ept_violation_allowed(0x184), 0);
	ck_assert_str_eq(ept_access_name(ept_violation_access(0x184)),
			 "instruction fetch");
	ck_assert_int_eq(ept_violation_access(EPT_VIOLATION_ACC_READ),
			 EPT_ACCESS_READ);
	ck_assert_int_eq(ept_violation_access(EPT_VIOLATION_ACC_WRITE),
			 EPT_ACCESS_WRITE);
	/* A read-modify-write (add [mem], eax) may report both: a write. */
	ck_assert_int_eq(ept_violation_access(EPT_VIOLATION_ACC_READ |
					      EPT_VIOLATION_ACC_WRITE),
			 EPT_ACCESS_WRITE);
	ck_assert_str_eq(ept_access_name(EPT_ACCESS_READ), "read");
	ck_assert_str_eq(ept_access_name(EPT_ACCESS_WRITE), "write");
	/* A write to a read-only, executable page: the entry allowed r-x. */
	ck_assert_uint_eq(ept_violation_allowed(EPT_VIOLATION_ACC_WRITE | 0x28),
			  VMX_EPT_READABLE_MASK | VMX_EPT_EXECUTABLE_MASK);
}
END_TEST

static Suite *ept_suite(void)
{
	Suite *s = suite_create("ept");
	TCase *tc = tcase_create("ept");

	tcase_add_test(tc, a_gpa_splits_into_four_9_bit_indices);
	tcase_add_test(tc, only_48_bit_gpas_can_be_mapped);
	tcase_add_test(tc, table_entries_grant_everything);
	tcase_add_test(tc, page_entries_carry_rights_and_write_back);
	tcase_add_test(tc, the_eptp_of_the_recorded_cpus);
	tcase_add_test(tc, the_eptp_falls_back_or_refuses);
	tcase_add_test(tc, invept_type);
	tcase_add_test(tc, violation_qualifications);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(ept_suite());
}
