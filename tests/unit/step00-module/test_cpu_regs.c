// SPDX-License-Identifier: GPL-2.0
/*
 * test_cpu_regs.c — unit tests of the register-bit decoding (cpu_regs.c).
 *
 * Host, Check. Includes the step's cpu_regs.c itself, compiled against the
 * userspace shims of the kernel headers (tests/unit/kshim). The file is the
 * same in steps 00-04: the later steps' tests are this file, through a
 * link, compiled against their own copy.
 */
#include <check.h>

#include "run_suite.h"
#include <string.h>

#include "cpu_regs.c"

static char buf[160];

/* CR0 of a running x86_64 Linux kernel, as ring0.c reads it in the lab. */
START_TEST(cr0_of_linux_names_its_bits)
{
	format_reg_bits(buf, sizeof(buf), 0x80050033, cr0_bits);
	ck_assert_str_eq(buf, "PE MP ET NE WP AM PG");
}
END_TEST

START_TEST(cr4_vmxe_is_named)
{
	format_reg_bits(buf, sizeof(buf), X86_CR4_PAE | X86_CR4_VMXE, cr4_bits);
	ck_assert_str_eq(buf, "PAE VMXE");
}
END_TEST

START_TEST(efer_of_long_mode)
{
	format_reg_bits(buf, sizeof(buf), 0xd01, efer_bits);
	ck_assert_str_eq(buf, "SCE LME LMA NXE");
}
END_TEST

START_TEST(efer_svme_is_named)
{
	format_reg_bits(buf, sizeof(buf), EFER_SVME, efer_bits);
	ck_assert_str_eq(buf, "SVME");
}
END_TEST

/* Bits without a name are not dropped: they are shown as one hex remainder. */
START_TEST(unnamed_bits_are_shown_in_hex)
{
	format_reg_bits(buf, sizeof(buf), X86_CR0_PE | (1ULL << 40), cr0_bits);
	ck_assert_str_eq(buf, "PE +0x10000000000");
}
END_TEST

START_TEST(zero_prints_nothing)
{
	ck_assert_int_eq(format_reg_bits(buf, sizeof(buf), 0, cr0_bits), 0);
	ck_assert_str_eq(buf, "");
}
END_TEST

/* A small buffer truncates and stays NUL-terminated; size 0 writes nothing. */
START_TEST(small_buffer_truncates_safely)
{
	char small[6];

	memset(small, 'x', sizeof(small));
	format_reg_bits(small, sizeof(small), 0x80050033, cr0_bits);
	ck_assert_str_eq(small, "PE MP");
	ck_assert_int_eq(format_reg_bits(small, 0, 0x1, cr0_bits), 0);
	ck_assert_str_eq(small, "PE MP");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cpu_regs");
	TCase *tc = tcase_create("format_reg_bits");

	tcase_add_test(tc, cr0_of_linux_names_its_bits);
	tcase_add_test(tc, cr4_vmxe_is_named);
	tcase_add_test(tc, efer_of_long_mode);
	tcase_add_test(tc, efer_svme_is_named);
	tcase_add_test(tc, unnamed_bits_are_shown_in_hex);
	tcase_add_test(tc, zero_prints_nothing);
	tcase_add_test(tc, small_buffer_truncates_safely);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
