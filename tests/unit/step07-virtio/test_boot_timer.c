/*
 * test_boot_timer.c - unit tests of the boot timer: the first write of
 * each mark is reported once, with the device's clock at that moment,
 * never with anything the guest wrote; repeats are only counted; reads
 * return 0; a guest writing in a loop gets at most 256 reports.
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: none; the ABI is in devices/boot_timer.h.
 */
#include <check.h>

#include "run_suite.h"

#include "devices/boot_timer.c"

#define MAX_REPORTS 300

static uint64_t clock_now; /* the test's clock */
static unsigned int reports;
static uint8_t marks[MAX_REPORTS];
static uint64_t times[MAX_REPORTS];
static void *mark_opaque;
static int vm = 3;

static uint64_t fake_now(void)
{
	return clock_now;
}

static void on_mark(void *opaque, uint8_t mark, uint64_t ns)
{
	ck_assert_uint_lt(reports, MAX_REPORTS);
	marks[reports] = mark;
	times[reports] = ns;
	mark_opaque = opaque;
	reports++;
}

static struct boot_timer dev;

static void setup(void)
{
	clock_now = 1000;
	reports = 0;
	mark_opaque = NULL;
	boot_timer_init(&dev, fake_now, on_mark, &vm);
}

static void write_mark(uint8_t mark)
{
	boot_timer_access(&dev, 0, &mark, 1, true);
}

START_TEST(first_write_of_a_mark_is_timed_by_the_vmm)
{
	clock_now = 12345678;
	write_mark(BOOT_TIMER_MARK_INIT);
	ck_assert_uint_eq(reports, 1);
	ck_assert_uint_eq(marks[0], 1);
	ck_assert_uint_eq(times[0], 12345678);
	ck_assert_ptr_eq(mark_opaque, &vm);
	ck_assert_uint_eq(dev.writes, 1);
}
END_TEST

/* A repeat is counted, not reported: the first time is the time. */
START_TEST(repeats_are_counted_not_reported)
{
	write_mark(1);
	clock_now = 5000;
	write_mark(1);
	write_mark(1);
	ck_assert_uint_eq(reports, 1);
	ck_assert_uint_eq(times[0], 1000);
	ck_assert_uint_eq(dev.writes, 3);
	write_mark(2);
	ck_assert_uint_eq(reports, 2);
	ck_assert_uint_eq(marks[1], 2);
	ck_assert_uint_eq(times[1], 5000);
}
END_TEST

/* Every mark once, in a loop of 10 rounds: 256 reports, not 2560. */
START_TEST(a_loop_of_writes_gets_256_reports)
{
	for (int round = 0; round < 10; round++)
		for (int m = 0; m < BOOT_TIMER_MARKS; m++)
			write_mark((uint8_t)m);
	ck_assert_uint_eq(reports, 256);
	ck_assert_uint_eq(marks[0], 0);
	ck_assert_uint_eq(marks[255], 255);
	ck_assert_uint_eq(dev.writes, 2560);
}
END_TEST

START_TEST(reads_return_zero_and_report_nothing)
{
	uint8_t value = 0xee;

	boot_timer_access(&dev, 0, &value, 1, false);
	ck_assert_uint_eq(value, 0);
	ck_assert_uint_eq(reports, 0);
	ck_assert_uint_eq(dev.writes, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("boot_timer");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, first_write_of_a_mark_is_timed_by_the_vmm);
	tcase_add_test(tc, repeats_are_counted_not_reported);
	tcase_add_test(tc, a_loop_of_writes_gets_256_reports);
	tcase_add_test(tc, reads_return_zero_and_report_nothing);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
