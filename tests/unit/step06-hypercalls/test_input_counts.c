/*
 * test_input_counts.c - unit tests of parse_count, the parser of --vms and
 * --timeout that step06 adds to input.c (the rest of input.c is tested by
 * test_input.c, step05's tests through a link).
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: none (the VMM's own command-line contract).
 */
#include <check.h>

#include "run_suite.h"

#include "input.c"

START_TEST(counts_for_vms_and_timeout)
{
	unsigned int n = 0;

	ck_assert_int_eq(parse_count("2", 16, &n), NUMBER_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(parse_count("16", 16, &n), NUMBER_OK);
	ck_assert_uint_eq(n, 16);
	n = 7;
	ck_assert_int_eq(parse_count("17", 16, &n), NUMBER_OUT_OF_RANGE);
	ck_assert_int_eq(parse_count("0", 16, &n), NUMBER_OUT_OF_RANGE);
	ck_assert_int_eq(parse_count("02", 16, &n), NUMBER_LEADING_ZERO);
	ck_assert_int_eq(parse_count("00", 16, &n), NUMBER_LEADING_ZERO);
	ck_assert_int_eq(parse_count("-1", 16, &n), NUMBER_MALFORMED);
	ck_assert_int_eq(parse_count("2x", 16, &n), NUMBER_MALFORMED);
	ck_assert_int_eq(parse_count("0x2", 16, &n), NUMBER_MALFORMED);
	ck_assert_int_eq(parse_count("", 16, &n), NUMBER_MALFORMED);
	ck_assert_int_eq(parse_count(" 2", 16, &n), NUMBER_MALFORMED);
	ck_assert_int_eq(parse_count("99999999999999999999", 16, &n),
			 NUMBER_OUT_OF_RANGE);
	ck_assert_int_eq(parse_count("4294967298", 16, &n),
			 NUMBER_OUT_OF_RANGE); /* 2^32 + 2: not 2 */
	ck_assert_uint_eq(n, 7);	       /* untouched on error */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("input_counts");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, counts_for_vms_and_timeout);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
