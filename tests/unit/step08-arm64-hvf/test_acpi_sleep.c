/*
 * test_acpi_sleep.c - unit tests of the sleep control and status
 * registers: Linux's power-off sequence ends in one power_off() call;
 * other sleep requests, reserved bits, wide and stray accesses are
 * harmless and read back what the spec says.
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: ACPI 6.5 "Sleep Control and Status Registers"; ACPICA's
 * acpi_hw_extended_sleep() for the order of Linux's writes.
 */
#include <check.h>

#include "run_suite.h"

#include "devices/acpi_sleep.c"

#define CONTROL 0 /* offsets from MACHINE_ACPI_SLEEP_CONTROL_PORT */
#define STATUS	1

/* SLP_TYP = 5 (our \_S5), SLP_EN: what Linux writes to power off. */
#define S5_WRITE                                                               \
	(ACPI_SLEEP_TYPE_S5 << ACPI_SLEEP_CONTROL_SLP_TYP_SHIFT |              \
	 ACPI_SLEEP_CONTROL_SLP_EN)

static unsigned int power_offs;
static void *power_off_opaque;

static void power_off(void *opaque)
{
	power_offs++;
	power_off_opaque = opaque;
}

static struct acpi_sleep dev;
static int vm = 42; /* stands for the VMM's machine */

static void setup(void)
{
	power_offs = 0;
	power_off_opaque = NULL;
	acpi_sleep_init(&dev, power_off, &vm);
}

static void outb(uint64_t offset, uint8_t value)
{
	acpi_sleep_access(&dev, offset, &value, 1, true);
}

static uint8_t inb(uint64_t offset)
{
	uint8_t value = 0xee;

	acpi_sleep_access(&dev, offset, &value, 1, false);
	return value;
}

START_TEST(s5_write_is_0x34)
{
	ck_assert_uint_eq(S5_WRITE, 0x34); /* (5 << 2) | 0x20 */
}
END_TEST

/* acpi_hw_extended_sleep(): clear WAK_STS, write SLP_TYP|SLP_EN, then
 * poll WAK_STS.  The middle write powers off, exactly once. */
START_TEST(linux_poweroff_sequence_powers_off_once)
{
	outb(STATUS, ACPI_SLEEP_STATUS_WAK_STS);
	ck_assert_uint_eq(power_offs, 0);
	outb(CONTROL, S5_WRITE);
	ck_assert_uint_eq(power_offs, 1);
	ck_assert_ptr_eq(power_off_opaque, &vm);
	ck_assert_uint_eq(dev.s5, 1);
	ck_assert_uint_eq(inb(STATUS), 0); /* no wake: the VM is ending */
	ck_assert_uint_eq(dev.other, 0);
}
END_TEST

/* Without SLP_EN nothing happens; SLP_TYP reads back, SLP_EN reads 0. */
START_TEST(slp_typ_without_slp_en_does_nothing)
{
	outb(CONTROL, ACPI_SLEEP_TYPE_S5 << ACPI_SLEEP_CONTROL_SLP_TYP_SHIFT);
	ck_assert_uint_eq(power_offs, 0);
	ck_assert_uint_eq(inb(CONTROL), 0x14);
	outb(CONTROL, S5_WRITE);
	ck_assert_uint_eq(inb(CONTROL), 0x14);
	ck_assert_uint_eq(power_offs, 1);
}
END_TEST

/* S3 (or any type but ours) is not offered: the device "wakes" at once,
 * so an OS polling WAK_STS returns instead of spinning for ever. */
START_TEST(other_sleep_types_wake_at_once)
{
	outb(CONTROL, 3 << ACPI_SLEEP_CONTROL_SLP_TYP_SHIFT |
			      ACPI_SLEEP_CONTROL_SLP_EN); /* 0x2c */
	ck_assert_uint_eq(power_offs, 0);
	ck_assert_uint_eq(dev.other, 1);
	ck_assert_uint_eq(inb(STATUS), ACPI_SLEEP_STATUS_WAK_STS);
	outb(STATUS, 0x7f); /* zeros in bit 7 clear nothing */
	ck_assert_uint_eq(inb(STATUS), 0x80);
	outb(STATUS, ACPI_SLEEP_STATUS_WAK_STS); /* write 1 to clear */
	ck_assert_uint_eq(inb(STATUS), 0);
}
END_TEST

/* Reserved bits (0-1, 6-7 of control) are ignored and read as 0. */
START_TEST(reserved_bits_are_ignored)
{
	outb(CONTROL, 0xc3);
	ck_assert_uint_eq(inb(CONTROL), 0);
	ck_assert_uint_eq(power_offs, 0);
	outb(CONTROL, 0xc3 | S5_WRITE); /* S5 with reserved bits set */
	ck_assert_uint_eq(power_offs, 1);
	ck_assert_uint_eq(inb(CONTROL), 0x14);
}
END_TEST

/* A 16- or 32-bit access is split into bytes, lowest port first; bytes
 * past the two registers read 0 and are dropped on write. */
START_TEST(wide_and_stray_accesses)
{
	uint8_t wide[4] = { S5_WRITE, ACPI_SLEEP_STATUS_WAK_STS, 0xff, 0xff };
	uint8_t got[4];

	acpi_sleep_access(&dev, CONTROL, wide, 4, true);
	ck_assert_uint_eq(power_offs, 1);
	acpi_sleep_access(&dev, CONTROL, got, 4, false);
	ck_assert_mem_eq(got, ((const uint8_t[]){ 0x14, 0, 0, 0 }), 4);
	outb(7, S5_WRITE); /* beyond the registers */
	ck_assert_uint_eq(power_offs, 1);
	ck_assert_uint_eq(inb(7), 0);
}
END_TEST

/* A machine without a callback still counts the request, and survives. */
START_TEST(no_callback_is_harmless)
{
	acpi_sleep_init(&dev, NULL, NULL);
	outb(CONTROL, S5_WRITE);
	ck_assert_uint_eq(dev.s5, 1);
	ck_assert_uint_eq(power_offs, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("acpi_sleep");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, s5_write_is_0x34);
	tcase_add_test(tc, linux_poweroff_sequence_powers_off_once);
	tcase_add_test(tc, slp_typ_without_slp_en_does_nothing);
	tcase_add_test(tc, other_sleep_types_wake_at_once);
	tcase_add_test(tc, reserved_bits_are_ignored);
	tcase_add_test(tc, wide_and_stray_accesses);
	tcase_add_test(tc, no_callback_is_harmless);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
