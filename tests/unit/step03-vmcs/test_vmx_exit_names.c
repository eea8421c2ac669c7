// SPDX-License-Identifier: GPL-2.0
/*
 * test_vmx_exit_names.c - Check unit tests for the VM-exit names
 * (vmx_exit_names.c): basic exit reasons by name, the VM-entry failure bit,
 * the exit qualification of a failed entry. The file is the same in steps
 * 03-04: step04's tests are this file, through a link, compiled against its
 * own copy. (The VM-instruction errors a failed VMLAUNCH reports are
 * vmx_errors.c's: test_vmx_errors.c.)
 *
 * Runs on the host (userspace), no VMX needed. The numbers are the ones the
 * step03 guest produced in the lab (book/output/step03-vmcs.txt): exits 10,
 * 18, 12; a broken guest state gave exit reason 0x80000021 with exit
 * qualification 0.
 *
 * Spec: Intel SDM Vol. 3, Appendix C "VMX Basic Exit Reasons", "Basic
 * VM-Exit Information", "VM-Entry Failures During or After Loading Guest
 * State".
 */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>

#include "vmx_exit_names.c"

START_TEST(the_exits_of_the_step03_guest)
{
	ck_assert_str_eq(vmx_exit_reason_name(10), "CPUID");
	ck_assert_str_eq(vmx_exit_reason_name(18), "VMCALL");
	ck_assert_str_eq(vmx_exit_reason_name(12), "HLT");
	ck_assert_str_eq(vmx_exit_reason_name(EXIT_REASON_EXTERNAL_INTERRUPT),
			 "EXTERNAL_INTERRUPT");
	ck_assert_str_eq(vmx_exit_reason_name(EXIT_REASON_EXCEPTION_NMI),
			 "EXCEPTION_NMI");
	ck_assert_str_eq(vmx_exit_reason_name(48), "EPT_VIOLATION");
	ck_assert_str_eq(vmx_exit_reason_name(49), "EPT_MISCONFIG");
}
END_TEST

START_TEST(the_entry_failure_bit_does_not_hide_the_reason)
{
	/* What the lab printed for break_state=guest. */
	ck_assert_str_eq(vmx_exit_reason_name(0x80000021), "INVALID_STATE");
	ck_assert_int_eq(0x80000021 & VMX_EXIT_REASONS_FAILED_VMENTRY,
			 VMX_EXIT_REASONS_FAILED_VMENTRY);
	ck_assert_str_eq(vmx_exit_reason_name(VMX_EXIT_REASONS_FAILED_VMENTRY |
					      EXIT_REASON_MSR_LOAD_FAIL),
			 "MSR_LOAD_FAIL");
	ck_assert_str_eq(vmx_exit_reason_name(VMX_EXIT_REASONS_FAILED_VMENTRY |
					      EXIT_REASON_MCE_DURING_VMENTRY),
			 "MCE_DURING_VMENTRY");
}
END_TEST

START_TEST(unknown_reasons_are_named_unknown)
{
	/* 35, 38 and 42 are not assigned by the SDM; 0xffff is not a reason. */
	ck_assert_str_eq(vmx_exit_reason_name(35), "UNKNOWN");
	ck_assert_str_eq(vmx_exit_reason_name(38), "UNKNOWN");
	ck_assert_str_eq(vmx_exit_reason_name(42), "UNKNOWN");
	ck_assert_str_eq(vmx_exit_reason_name(0xffff), "UNKNOWN");
	ck_assert_str_eq(vmx_exit_reason_name(VMX_NR_EXIT_REASONS), "UNKNOWN");
	/* Bits above 15 are not part of the basic reason. */
	ck_assert_str_eq(vmx_exit_reason_name(0x7fff0000 | 10), "CPUID");
}
END_TEST

START_TEST(every_named_reason_fits_the_counting_array)
{
	unsigned int i;

	ck_assert_uint_eq(VMX_NR_EXIT_REASONS, 76);
	for (i = 0; i < ARRAY_SIZE(vmx_exit_reason_names); i++)
		ck_assert_uint_lt(vmx_exit_reason_names[i].reason,
				  VMX_NR_EXIT_REASONS);
}
END_TEST

START_TEST(failed_entry_qualifications)
{
	ck_assert_str_eq(vmx_entry_failure_name(0), "ENTRY_FAIL_DEFAULT");
	ck_assert_str_eq(vmx_entry_failure_meaning(0),
			 "a check on the guest-state area failed");
	ck_assert_str_eq(vmx_entry_failure_name(2), "ENTRY_FAIL_PDPTE");
	ck_assert_str_eq(vmx_entry_failure_name(3), "ENTRY_FAIL_NMI");
	ck_assert_str_eq(vmx_entry_failure_name(4), "ENTRY_FAIL_VMCS_LINK_PTR");
	ck_assert_str_eq(vmx_entry_failure_name(1), "UNKNOWN");
	ck_assert_str_eq(vmx_entry_failure_meaning(1),
			 "reserved qualification");
	ck_assert_str_eq(vmx_entry_failure_name(~0ull), "UNKNOWN");
}
END_TEST

static Suite *vmx_exit_names_suite(void)
{
	Suite *s = suite_create("vmx_exit_names");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, the_exits_of_the_step03_guest);
	tcase_add_test(tc, the_entry_failure_bit_does_not_hide_the_reason);
	tcase_add_test(tc, unknown_reasons_are_named_unknown);
	tcase_add_test(tc, every_named_reason_fits_the_counting_array);
	tcase_add_test(tc, failed_entry_qualifications);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(vmx_exit_names_suite());
}
