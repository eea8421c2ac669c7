/*
 * test_guest_mem.c - unit tests of the guest-pointer check: every boundary
 * of [0, mem_size), and ranges whose end wraps around 2^64.
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: none; see guest_mem.c.
 */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>

#include "guest_mem.c"

#define MEM	0x200000ULL
#define U64_MAX 0xffffffffffffffffULL

START_TEST(ranges_inside_ram)
{
	ck_assert(gpa_range_ok(0, MEM, MEM)); /* all of it */
	ck_assert(gpa_range_ok(0, 1, MEM));
	ck_assert(gpa_range_ok(MEM - 1, 1, MEM)); /* the last byte */
	ck_assert(gpa_range_ok(MEM, 0, MEM));	  /* empty, at the end */
	ck_assert(gpa_range_ok(0, 0, MEM));
}
END_TEST

START_TEST(ranges_at_and_past_the_end)
{
	ck_assert(!gpa_range_ok(MEM, 1, MEM));	   /* first byte after RAM */
	ck_assert(!gpa_range_ok(MEM - 1, 2, MEM)); /* straddles the end */
	ck_assert(!gpa_range_ok(0, MEM + 1, MEM));
	ck_assert(!gpa_range_ok(MEM + 1, 0, MEM)); /* empty, but outside */
	ck_assert(!gpa_range_ok(0, 1, 0));	   /* no RAM at all */
}
END_TEST

/* gpa + len overflows 2^64 and comes out small: a naive check passes these. */
START_TEST(ranges_that_wrap_around)
{
	ck_assert(!gpa_range_ok(U64_MAX, 2, MEM));	/* wraps to 1 */
	ck_assert(!gpa_range_ok(U64_MAX - 7, 80, MEM)); /* wraps to 72 */
	ck_assert(!gpa_range_ok(1, U64_MAX, MEM));	/* wraps to 0 */
	ck_assert(!gpa_range_ok(U64_MAX, U64_MAX, MEM));
	ck_assert(!gpa_range_ok(0x1000, U64_MAX - 0xfff, MEM)); /* = 2^64 */
	ck_assert(!gpa_range_ok(U64_MAX, 0, MEM));
}
END_TEST

START_TEST(translation_to_host_addresses)
{
	uint8_t *ram = calloc(1, MEM);
	struct guest_mem mem = { .base = ram, .size = MEM };

	ck_assert_ptr_eq(gpa_to_hva(&mem, 0, 1), ram);
	ck_assert_ptr_eq(gpa_to_hva(&mem, 0x1234, 16), ram + 0x1234);
	ck_assert_ptr_eq(gpa_to_hva(&mem, MEM - 1, 1), ram + MEM - 1);
	ck_assert_ptr_null(gpa_to_hva(&mem, MEM, 1));
	ck_assert_ptr_null(gpa_to_hva(&mem, U64_MAX, 2));
	free(ram);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("guest_mem");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, ranges_inside_ram);
	tcase_add_test(tc, ranges_at_and_past_the_end);
	tcase_add_test(tc, ranges_that_wrap_around);
	tcase_add_test(tc, translation_to_host_addresses);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
