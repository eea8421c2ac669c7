// SPDX-License-Identifier: GPL-2.0
/*
 * test_vmx_errors.c - Check unit tests for the VM-instruction error names
 * (vmx_errors.c). The file is the same in steps 02-04: the later steps'
 * tests are this file, through a link, compiled against their own copy.
 *
 * Runs on the host (userspace), no VMX needed.
 *
 * Spec: Intel SDM Vol. 3, Section "VM Instruction Error Numbers": numbers
 * 1-13, 15-20, 22-26 and 28 are defined; 0, 14, 21, 27 and everything above
 * 28 are not.
 */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>
#include <string.h>

#include "vmx_errors.c"

START_TEST(names_of_the_errors_a_vmm_meets_first)
{
	ck_assert_str_eq(
		vmx_instruction_error_name(VMXERR_VMXON_IN_VMX_ROOT_OPERATION),
		"VMXERR_VMXON_IN_VMX_ROOT_OPERATION");
	ck_assert_str_eq(vmx_instruction_error_name(15),
			 "VMXERR_VMXON_IN_VMX_ROOT_OPERATION");
	ck_assert_str_eq(vmx_instruction_error_name(7),
			 "VMXERR_ENTRY_INVALID_CONTROL_FIELD");
	ck_assert_str_eq(vmx_instruction_error_name(8),
			 "VMXERR_ENTRY_INVALID_HOST_STATE_FIELD");
	ck_assert_str_eq(vmx_instruction_error_name(4),
			 "VMXERR_VMLAUNCH_NONCLEAR_VMCS");
	ck_assert_str_eq(vmx_instruction_error_name(11),
			 "VMXERR_VMPTRLD_INCORRECT_VMCS_REVISION_ID");
	ck_assert_str_eq(vmx_instruction_error_name(12),
			 "VMXERR_UNSUPPORTED_VMCS_COMPONENT");
	ck_assert_str_eq(vmx_instruction_error_name(28),
			 "VMXERR_INVALID_OPERAND_TO_INVEPT_INVVPID");
}
END_TEST

/* The SDM defines 1-13, 15-20, 22-26 and 28. */
#define VMXERR_LAST 28
static bool defined_by_the_sdm(unsigned int n)
{
	return n >= 1 && n <= VMXERR_LAST && n != 14 && n != 21 && n != 27;
}

START_TEST(every_defined_number_has_its_own_name)
{
	unsigned int n, m;

	for (n = 1; n <= VMXERR_LAST; n++) {
		const char *name = vmx_instruction_error_name(n);

		if (!defined_by_the_sdm(n))
			continue;
		ck_assert_str_ne(name, "reserved");
		ck_assert_int_eq(strncmp(name, "VMXERR_", 7), 0);
		for (m = 1; m < n; m++)
			if (defined_by_the_sdm(m))
				ck_assert_str_ne(name,
						 vmx_instruction_error_name(m));
	}
}
END_TEST

START_TEST(reserved_and_out_of_range_numbers)
{
	unsigned int n;

	/* A hostile or garbage number must never index past the table. */
	for (n = 0; n <= 2 * VMXERR_LAST; n++)
		if (!defined_by_the_sdm(n))
			ck_assert_str_eq(vmx_instruction_error_name(n),
					 "reserved");
	ck_assert_str_eq(vmx_instruction_error_name(0xffffffffu), "reserved");
}
END_TEST

static Suite *vmx_errors_suite(void)
{
	Suite *s = suite_create("vmx_errors");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, names_of_the_errors_a_vmm_meets_first);
	tcase_add_test(tc, every_defined_number_has_its_own_name);
	tcase_add_test(tc, reserved_and_out_of_range_numbers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(vmx_errors_suite());
}
