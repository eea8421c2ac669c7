/*
 * test_rtc_cmos.c - unit tests of the MC146818 RTC: the date and time of
 * a fixed clock in BCD, binary and 12-hour forms, the status registers a
 * driver polls (UIP never set, VRT always), CMOS RAM, and the read
 * sequence of Linux's mc146818_get_time().
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: MC146818A datasheet; drivers/rtc/rtc-mc146818-lib.c.
 */
#include <check.h>

#include "run_suite.h"

#include "devices/rtc_cmos.c"

#define SUNDAY_2026_11_29_164507 1795970707 /* UTC */
#define FRIDAY_1999_12_31_000509 946598709

static struct rtc_cmos rtc;
static time_t fixed_now = SUNDAY_2026_11_29_164507;

static time_t fixed_clock(void *opaque)
{
	ck_assert_ptr_eq(opaque, &fixed_now);
	return fixed_now;
}

static void setup(void)
{
	fixed_now = SUNDAY_2026_11_29_164507;
	rtc_cmos_init(&rtc, fixed_clock, &fixed_now);
}

static void teardown(void)
{
	rtc_cmos_destroy(&rtc);
}

/* CMOS_READ(reg) and CMOS_WRITE(val, reg): index, then data. */
static uint8_t cmos_read(uint8_t reg)
{
	uint8_t v = 0x5a;

	rtc_cmos_index_access(&rtc, 0, &reg, 1, true);
	rtc_cmos_data_access(&rtc, 0, &v, 1, false);
	return v;
}

static void cmos_write(uint8_t val, uint8_t reg)
{
	rtc_cmos_index_access(&rtc, 0, &reg, 1, true);
	rtc_cmos_data_access(&rtc, 0, &val, 1, true);
}

START_TEST(time_and_date_in_bcd)
{
	ck_assert_uint_eq(cmos_read(0x00), 0x07); /* seconds */
	ck_assert_uint_eq(cmos_read(0x02), 0x45); /* minutes */
	ck_assert_uint_eq(cmos_read(0x04), 0x16); /* hours, 24-hour */
	ck_assert_uint_eq(cmos_read(0x06), 0x01); /* Sunday */
	ck_assert_uint_eq(cmos_read(0x07), 0x29);
	ck_assert_uint_eq(cmos_read(0x08), 0x11);
	ck_assert_uint_eq(cmos_read(0x09), 0x26);
	ck_assert_uint_eq(cmos_read(0x32), 0x20); /* century */
}
END_TEST

START_TEST(time_and_date_in_binary)
{
	cmos_write(0x06, 0x0b); /* DM binary | 24-hour */
	ck_assert_uint_eq(cmos_read(0x0b), 0x06);
	ck_assert_uint_eq(cmos_read(0x00), 7);
	ck_assert_uint_eq(cmos_read(0x02), 45);
	ck_assert_uint_eq(cmos_read(0x04), 16);
	ck_assert_uint_eq(cmos_read(0x07), 29);
	ck_assert_uint_eq(cmos_read(0x09), 26);
	ck_assert_uint_eq(cmos_read(0x32), 20);
}
END_TEST

/* 12-hour mode: 16:45 is 4 PM; 00:05 is 12 AM. */
START_TEST(hours_in_12_hour_mode)
{
	cmos_write(0x00, 0x0b); /* BCD, 12-hour */
	ck_assert_uint_eq(cmos_read(0x04), 0x84);
	fixed_now = FRIDAY_1999_12_31_000509;
	ck_assert_uint_eq(cmos_read(0x04), 0x12);
	ck_assert_uint_eq(cmos_read(0x06), 0x06); /* Friday */
	ck_assert_uint_eq(cmos_read(0x09), 0x99);
	ck_assert_uint_eq(cmos_read(0x32), 0x19);
}
END_TEST

/* The clock moves with the host: each read is taken at that moment. */
START_TEST(reads_follow_the_clock)
{
	ck_assert_uint_eq(cmos_read(0x00), 0x07);
	fixed_now += 60;
	ck_assert_uint_eq(cmos_read(0x00), 0x07);
	ck_assert_uint_eq(cmos_read(0x02), 0x46);
}
END_TEST

START_TEST(status_registers)
{
	ck_assert_uint_eq(cmos_read(0x0a), 0x26); /* UIP 0, 32 kHz, 1 kHz */
	ck_assert_uint_eq(cmos_read(0x0b), 0x02);
	ck_assert_uint_eq(cmos_read(0x0c), 0x00);
	ck_assert_uint_eq(cmos_read(0x0d), 0x80); /* VRT */
	cmos_write(0xa6, 0x0a);			  /* UIP is read-only */
	ck_assert_uint_eq(cmos_read(0x0a), 0x26);
	cmos_write(0xff, 0x0c);
	cmos_write(0x00, 0x0d);
	ck_assert_uint_eq(cmos_read(0x0c), 0x00);
	ck_assert_uint_eq(cmos_read(0x0d), 0x80);
}
END_TEST

/* Setting the clock changes nothing: it follows the host. */
START_TEST(time_registers_ignore_writes)
{
	cmos_write(0x59, 0x00);
	cmos_write(0x01, 0x09);
	ck_assert_uint_eq(cmos_read(0x00), 0x07);
	ck_assert_uint_eq(cmos_read(0x09), 0x26);
}
END_TEST

/* Alarms and user RAM hold what is written; bit 7 of the index is NMI. */
START_TEST(cmos_ram_and_alarms_hold_bytes)
{
	cmos_write(0x30, 0x01); /* seconds alarm */
	ck_assert_uint_eq(cmos_read(0x01), 0x30);
	for (unsigned int r = 0x0e; r < 0x80; r++)
		if (r != 0x32)
			cmos_write((uint8_t)(r ^ 0xa5), (uint8_t)r);
	for (unsigned int r = 0x0e; r < 0x80; r++)
		if (r != 0x32)
			ck_assert_uint_eq(cmos_read((uint8_t)r), r ^ 0xa5);
	ck_assert_uint_eq(cmos_read(0x80 | 0x10), 0x10 ^ 0xa5);
	ck_assert(rtc.nmi_disabled);
	ck_assert_uint_eq(cmos_read(0x10), 0x10 ^ 0xa5);
	ck_assert(!rtc.nmi_disabled);
}
END_TEST

START_TEST(index_port_reads_float)
{
	uint8_t v = 0;

	rtc_cmos_index_access(&rtc, 0, &v, 1, false);
	ck_assert_uint_eq(v, 0xff);
}
END_TEST

/* book:begin test_mc146818_get_time */
/*
 * mc146818_avoid_UIP(): seconds, then REG_A & UIP (must be clear at
 * once), then the fields, REG_B for the format, seconds again (the same:
 * no update happened in between).
 */
START_TEST(linux_mc146818_get_time)
{
	uint8_t sec = cmos_read(0x00);
	uint8_t min, hour, mday, mon, year, ctrl;

	ck_assert_uint_eq(cmos_read(0x0a) & 0x80, 0);
	min = cmos_read(0x02);
	hour = cmos_read(0x04);
	mday = cmos_read(0x07);
	mon = cmos_read(0x08);
	year = cmos_read(0x09);
	ctrl = cmos_read(0x0b);
	ck_assert_uint_eq(cmos_read(0x0a) & 0x80, 0);
	ck_assert_uint_eq(cmos_read(0x00), sec);
	ck_assert_uint_eq(ctrl & 0x04, 0); /* BCD */
	ck_assert_uint_eq(sec, 0x07);
	ck_assert_uint_eq(min, 0x45);
	ck_assert_uint_eq(hour, 0x16);
	ck_assert_uint_eq(mday, 0x29);
	ck_assert_uint_eq(mon, 0x11);
	ck_assert_uint_eq(year, 0x26);
}
END_TEST
/* book:end test_mc146818_get_time */

int main(void)
{
	Suite *s = suite_create("rtc_cmos");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, time_and_date_in_bcd);
	tcase_add_test(tc, time_and_date_in_binary);
	tcase_add_test(tc, hours_in_12_hour_mode);
	tcase_add_test(tc, reads_follow_the_clock);
	tcase_add_test(tc, status_registers);
	tcase_add_test(tc, time_registers_ignore_writes);
	tcase_add_test(tc, cmos_ram_and_alarms_hold_bytes);
	tcase_add_test(tc, index_port_reads_float);
	tcase_add_test(tc, linux_mc146818_get_time);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
