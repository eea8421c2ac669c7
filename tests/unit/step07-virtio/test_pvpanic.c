/*
 * test_pvpanic.c - unit tests of the pvpanic device: the driver's probe
 * reads the events we report; a PVPANIC_PANICKED write calls panicked()
 * once per write; PVPANIC_CRASH_LOADED is counted and stops nothing;
 * other bits do nothing.
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: QEMU's docs/specs/pvpanic.rst; <misc/pvpanic.h>; Linux's
 * drivers/misc/pvpanic (the capability read at probe, the event write).
 */
#include <check.h>

#include "run_suite.h"

#include "devices/pvpanic.c"

static unsigned int panics;
static void *panic_opaque;

static void panicked(void *opaque)
{
	panics++;
	panic_opaque = opaque;
}

static struct pvpanic dev;
static int vm = 7; /* stands for the VMM's machine */

static void setup(void)
{
	panics = 0;
	panic_opaque = NULL;
	pvpanic_init(&dev, panicked, &vm);
}

static void outb(uint8_t value)
{
	pvpanic_access(&dev, 0, &value, 1, true);
}

static uint8_t inb(void)
{
	uint8_t value = 0xee;

	pvpanic_access(&dev, 0, &value, 1, false);
	return value;
}

/* Linux keeps only the events the device says it supports. */
START_TEST(read_returns_the_events_we_report)
{
	ck_assert_uint_eq(inb(), 0x03);
	ck_assert_uint_eq(inb(), PVPANIC_PANICKED | PVPANIC_CRASH_LOADED);
	ck_assert_uint_eq(panics, 0);
}
END_TEST

START_TEST(panicked_write_calls_panicked)
{
	outb(PVPANIC_PANICKED);
	ck_assert_uint_eq(panics, 1);
	ck_assert_ptr_eq(panic_opaque, &vm);
	ck_assert_uint_eq(dev.panics, 1);
	outb(PVPANIC_PANICKED); /* a guest may write it again */
	ck_assert_uint_eq(panics, 2);
	ck_assert_uint_eq(dev.panics, 2);
}
END_TEST

/* A kdump kernel is about to run: the VM goes on. */
START_TEST(crash_loaded_is_counted_not_a_panic)
{
	outb(PVPANIC_CRASH_LOADED);
	ck_assert_uint_eq(panics, 0);
	ck_assert_uint_eq(dev.crash_loaded, 1);
	outb(PVPANIC_PANICKED | PVPANIC_CRASH_LOADED);
	ck_assert_uint_eq(panics, 1);
	ck_assert_uint_eq(dev.crash_loaded, 2);
}
END_TEST

START_TEST(other_bits_do_nothing)
{
	outb(0);
	outb(0xfc); /* every bit but the two events */
	ck_assert_uint_eq(panics, 0);
	ck_assert_uint_eq(dev.panics, 0);
	ck_assert_uint_eq(dev.crash_loaded, 0);
}
END_TEST

/* Made without a callback (a unit of its own), a panic is only counted. */
START_TEST(no_callback_counts_only)
{
	pvpanic_init(&dev, NULL, NULL);
	outb(PVPANIC_PANICKED);
	ck_assert_uint_eq(dev.panics, 1);
	ck_assert_uint_eq(panics, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pvpanic");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, read_returns_the_events_we_report);
	tcase_add_test(tc, panicked_write_calls_panicked);
	tcase_add_test(tc, crash_loaded_is_counted_not_a_panic);
	tcase_add_test(tc, other_bits_do_nothing);
	tcase_add_test(tc, no_callback_counts_only);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
