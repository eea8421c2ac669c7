/*
 * test_exit_names.c - unit tests of the exit, internal-error and
 * entry-failure names (exit_names.c, the same in step05 and step06:
 * step06's tests are this file, through a link).
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: Documentation/virt/kvm/api.rst, "The kvm_run structure"; Intel SDM
 * "VMX Basic Exit Reasons"; AMD APM "SVM Intercept Exit Codes".
 */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>

#include "exit_names.c"

START_TEST(kvm_exits_by_name)
{
	ck_assert_str_eq(kvm_exit_name(KVM_EXIT_IO), "KVM_EXIT_IO");
	ck_assert_str_eq(kvm_exit_name(KVM_EXIT_HLT), "KVM_EXIT_HLT");
	ck_assert_str_eq(kvm_exit_name(KVM_EXIT_SHUTDOWN), "KVM_EXIT_SHUTDOWN");
	ck_assert_str_eq(kvm_exit_name(KVM_EXIT_INTERNAL_ERROR),
			 "KVM_EXIT_INTERNAL_ERROR");
	ck_assert_str_eq(kvm_exit_name(KVM_EXIT_S390_SIEIC), "unknown");
	ck_assert_str_eq(kvm_exit_name(0xffffffff), "unknown");
}
END_TEST

START_TEST(internal_error_suberrors)
{
	ck_assert_str_eq(internal_error_name(KVM_INTERNAL_ERROR_EMULATION),
			 "KVM_INTERNAL_ERROR_EMULATION");
	ck_assert_str_eq(internal_error_name(KVM_INTERNAL_ERROR_DELIVERY_EV),
			 "KVM_INTERNAL_ERROR_DELIVERY_EV");
	ck_assert_str_eq(internal_error_name(0), "unknown");
	ck_assert_str_eq(internal_error_name(1000), "unknown");
}
END_TEST

START_TEST(entry_failures_decoded_per_vendor)
{
	/* Intel: bit 31 "VM-entry failure" + basic reason 33 */
	ck_assert_str_eq(entry_failure_name(0x80000021ULL, VENDOR_INTEL),
			 "INVALID_STATE");
	ck_assert_str_eq(entry_failure_name(0x80000022ULL, VENDOR_INTEL),
			 "MSR_LOAD_FAIL");
	/* Intel VMfail: VM-instruction error 7, not exit reason 7 */
	ck_assert_str_eq(entry_failure_name(7, VENDOR_INTEL),
			 "VM-instruction error");
	/* AMD: VMEXIT_INVALID is -1 in the 64-bit exit code ... */
	ck_assert_str_eq(entry_failure_name(~0ULL, VENDOR_AMD),
			 "invalid_guest_state");
	/* ... and 0xffffffff from a KVM that keeps it in 32 bits (6.1) */
	ck_assert_str_eq(entry_failure_name(0xffffffffULL, VENDOR_AMD),
			 "invalid_guest_state");
	ck_assert_str_eq(entry_failure_name(0x78, VENDOR_AMD), "hlt");
	ck_assert_str_eq(entry_failure_name(0x21, VENDOR_OTHER), "unknown");
}
END_TEST

START_TEST(vendors_from_cpuid)
{
	ck_assert_int_eq(vendor_from_cpuid("GenuineIntel"), VENDOR_INTEL);
	ck_assert_int_eq(vendor_from_cpuid("AuthenticAMD"), VENDOR_AMD);
	ck_assert_int_eq(vendor_from_cpuid("HygonGenuine"), VENDOR_AMD);
	ck_assert_int_eq(vendor_from_cpuid("CentaurHauls"), VENDOR_OTHER);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("exit_names");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, kvm_exits_by_name);
	tcase_add_test(tc, internal_error_suberrors);
	tcase_add_test(tc, entry_failures_decoded_per_vendor);
	tcase_add_test(tc, vendors_from_cpuid);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
