/*
 * test_input.c - unit tests of the size parser and the image loader: the
 * checks that turn bad input into exit status 2 before KVM is touched
 * (input.c; step06's copy adds parse_count, tested in its own
 * test_input_counts.c, and runs these tests through a link).
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: none (the VMM's own command-line and image contract).
 */
#include <check.h>

#include "run_suite.h"
#include <stdio.h>
#include <string.h>

#include "input.c"

static uint64_t size_of(const char *text)
{
	uint64_t size = 0;

	ck_assert_int_eq(parse_size(text, &size), NUMBER_OK);
	return size;
}

static enum number_error size_error(const char *text)
{
	uint64_t size = 0xdead;
	enum number_error err = parse_size(text, &size);

	ck_assert_uint_eq(size, 0xdead); /* untouched on error */
	return err;
}

START_TEST(sizes_in_every_form_help_lists)
{
	ck_assert_uint_eq(size_of("2M"), 0x200000);
	ck_assert_uint_eq(size_of("64K"), 0x10000);
	ck_assert_uint_eq(size_of("2097152"), 0x200000);
	ck_assert_uint_eq(size_of("0x200000"), 0x200000);
	ck_assert_uint_eq(size_of("0X200000"), 0x200000);
	ck_assert_uint_eq(size_of("0x1fF000"), 0x1ff000);
	ck_assert_uint_eq(size_of("0x800K"), 0x200000);
	ck_assert_uint_eq(size_of("4096K"), 0x400000);
	ck_assert_uint_eq(size_of("512M"), GUEST_MEM_MAX);
}
END_TEST

START_TEST(sizes_that_are_not_sizes)
{
	ck_assert_int_eq(size_error(""), NUMBER_MALFORMED);
	ck_assert_int_eq(size_error("M"), NUMBER_MALFORMED);
	ck_assert_int_eq(size_error("3X"), NUMBER_MALFORMED);
	ck_assert_int_eq(size_error("2MB"), NUMBER_MALFORMED);
	ck_assert_int_eq(size_error("2m"), NUMBER_MALFORMED);
	ck_assert_int_eq(size_error("-1"), NUMBER_MALFORMED);
	ck_assert_int_eq(size_error("+2M"), NUMBER_MALFORMED);
	ck_assert_int_eq(size_error(" 2M"), NUMBER_MALFORMED);
	ck_assert_int_eq(size_error("0x"), NUMBER_MALFORMED);
	ck_assert_int_eq(size_error("0x0x200000"), NUMBER_MALFORMED);
	ck_assert_int_eq(size_error("0xg"), NUMBER_MALFORMED);
	ck_assert_int_eq(size_error("69632K1"), NUMBER_MALFORMED);
	ck_assert_int_eq(size_error("4097"), NUMBER_OUT_OF_RANGE);
	ck_assert_int_eq(size_error("69633"), NUMBER_NOT_PAGES);
}
END_TEST

/* strtoull(text, NULL, 0) reads 010000000 as octal: 2 MiB, not 10 MB. */
START_TEST(sizes_with_a_leading_zero)
{
	ck_assert_int_eq(size_error("010000000"), NUMBER_LEADING_ZERO);
	ck_assert_int_eq(size_error("00"), NUMBER_LEADING_ZERO);
	ck_assert_int_eq(size_error("02M"), NUMBER_LEADING_ZERO);
	ck_assert_int_eq(size_error("0"), NUMBER_OUT_OF_RANGE); /* just 0 */
	ck_assert_int_eq(size_error("0K"), NUMBER_OUT_OF_RANGE);
}
END_TEST

START_TEST(sizes_out_of_range_and_overflow)
{
	ck_assert_int_eq(size_error("32K"), NUMBER_OUT_OF_RANGE);
	ck_assert_int_eq(size_error("1G"), NUMBER_OUT_OF_RANGE);
	ck_assert_int_eq(size_error("513M"), NUMBER_OUT_OF_RANGE);
	/* 2^64 / 1024 + 1 would wrap to a small number when shifted */
	ck_assert_int_eq(size_error("18014398509481985K"), NUMBER_OUT_OF_RANGE);
	ck_assert_int_eq(size_error("18446744073709551616"),
			 NUMBER_OUT_OF_RANGE); /* 2^64 */
	ck_assert_int_eq(size_error("0x10000000000000000"),
			 NUMBER_OUT_OF_RANGE);
	ck_assert_int_eq(size_error("99999999999999999999999"),
			 NUMBER_OUT_OF_RANGE);
}
END_TEST

START_TEST(number_errors_have_words)
{
	ck_assert_str_eq(number_error_text(NUMBER_LEADING_ZERO),
			 "a leading zero, which C reads as octal");
	ck_assert_str_eq(number_error_text(NUMBER_MALFORMED),
			 "not a number of the forms --help lists");
	ck_assert_str_eq(number_error_text(NUMBER_OUT_OF_RANGE),
			 "out of range");
	ck_assert_str_eq(number_error_text(NUMBER_NOT_PAGES),
			 "not a whole number of 4K pages");
}
END_TEST

static char path[64];

static void write_file(size_t size)
{
	FILE *f;

	strcpy(path, "/tmp/test_input.XXXXXX");
	ck_assert_int_ge(mkstemp(path), 0);
	f = fopen(path, "w");
	for (size_t i = 0; i < size; i++)
		fputc((int)(i & 0xff), f);
	fclose(f);
}

START_TEST(image_fits_exactly)
{
	uint8_t dst[16] = { 0 };
	size_t size = 0;

	write_file(16);
	ck_assert_int_eq(image_load(path, dst, sizeof(dst), &size), 0);
	ck_assert_uint_eq(size, 16);
	ck_assert_uint_eq(dst[15], 15);
	unlink(path);
}
END_TEST

START_TEST(image_one_byte_too_large)
{
	uint8_t dst[16] = { 0 };
	size_t size = 0;

	write_file(17);
	ck_assert_int_eq(image_load(path, dst, sizeof(dst), &size), -EFBIG);
	ck_assert_uint_eq(size, 17);
	ck_assert_uint_eq(dst[0], 0); /* nothing copied */
	unlink(path);
}
END_TEST

START_TEST(image_empty_missing_directory)
{
	uint8_t dst[16];
	size_t size = 1;

	write_file(0);
	ck_assert_int_eq(image_load(path, dst, sizeof(dst), &size), -ENODATA);
	ck_assert_uint_eq(size, 0);
	unlink(path);
	ck_assert_int_eq(image_load(path, dst, sizeof(dst), &size), -ENOENT);
	ck_assert_int_eq(image_load("/tmp", dst, sizeof(dst), &size), -EINVAL);
}
END_TEST

/* A FIFO is not an image; opening one must not wait for a writer. */
START_TEST(image_that_is_a_fifo_does_not_block)
{
	char dir[] = "/tmp/test_input.XXXXXX", fifo[64];
	uint8_t dst[16];
	size_t size = 0;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(image_load(fifo, dst, sizeof(dst), &size), -EINVAL);
	ck_assert_int_eq(image_load("/dev/null", dst, sizeof(dst), &size),
			 -EINVAL);
	unlink(fifo);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("input");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, sizes_in_every_form_help_lists);
	tcase_add_test(tc, sizes_that_are_not_sizes);
	tcase_add_test(tc, sizes_with_a_leading_zero);
	tcase_add_test(tc, sizes_out_of_range_and_overflow);
	tcase_add_test(tc, number_errors_have_words);
	tcase_add_test(tc, image_fits_exactly);
	tcase_add_test(tc, image_one_byte_too_large);
	tcase_add_test(tc, image_empty_missing_directory);
	tcase_add_test(tc, image_that_is_a_fifo_does_not_block);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
