// SPDX-License-Identifier: GPL-2.0
/*
 * test_vmx_errors.c - Check unit tests for step02's VM-instruction error
 * names (step02-vmxon/vmx_errors.c).
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
	ck_assert_str_eq(vmx_instruction_error_name(VMXERR_VMXON_IN_VMX_ROOT_OPERATION),
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

START_TEST(every_defined_number_has_its_own_name)
{
	static const unsigned int defined[] = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
		15, 16, 17, 18, 19, 20, 22, 23, 24, 25, 26, 28,
	};
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(defined); i++) {
		const char *name = vmx_instruction_error_name(defined[i]);

		ck_assert_str_ne(name, "reserved");
		ck_assert_int_eq(strncmp(name, "VMXERR_", 7), 0);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(name,
					 vmx_instruction_error_name(defined[j]));
	}
}
END_TEST

START_TEST(reserved_and_out_of_range_numbers)
{
	/* A hostile or garbage number must never index past the table. */
	static const unsigned int reserved[] = { 0, 14, 21, 27, 29, 64,
						 0xffffffffu };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(reserved); i++)
		ck_assert_str_eq(vmx_instruction_error_name(reserved[i]),
				 "reserved");
}
END_TEST

static Suite *vmx_errors_suite(void)
{
	Suite *s = suite_create("step02 vmx_errors");
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
