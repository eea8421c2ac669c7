/*
 * rtc_cmos.c - the MC146818 real-time clock: date and time from the host,
 * the status registers a driver checks, and the CMOS RAM.
 *
 * Runs: userspace (the VMM), on a vCPU thread that exits on port 0x70 or
 * 0x71.  The host unit tests include this file.
 *
 * Spec: Motorola MC146818A datasheet: "Address Map" (time, alarm, status
 * registers, user RAM), "Register A" (UIP, divider, rate), "Register B"
 * (SET, interrupt enables, DM: binary or BCD, 24/12), "Register C"
 * (interrupt flags), "Register D" (VRT); IBM PC/AT Technical Reference
 * (index port 0x70 with the NMI mask in bit 7, data port 0x71, the
 * century at 0x32).  Linux reads it in drivers/rtc/rtc-mc146818-lib.c
 * (mc146818_get_time, mc146818_avoid_UIP) and rtc-cmos.c.
 *
 * The time is the host's, computed at each read, so no update cycle is
 * ever in progress (UIP reads 0) and the registers always agree.  What
 * this machine leaves out: the periodic, alarm and update interrupts
 * (IRQ 8; Register C reads 0), and setting the clock (writes to the time
 * registers are ignored: the guest's clock follows the host's).
 */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#include <string.h>

#include "rtc_cmos.h"

/* The address map (Linux: linux/mc146818rtc.h). */
#define RTC_SECONDS	   0x00
#define RTC_SECONDS_ALARM  0x01
#define RTC_MINUTES	   0x02
#define RTC_MINUTES_ALARM  0x03
#define RTC_HOURS	   0x04
#define RTC_HOURS_ALARM	   0x05
#define RTC_DAY_OF_WEEK	   0x06
#define RTC_DAY_OF_MONTH   0x07
#define RTC_MONTH	   0x08
#define RTC_YEAR	   0x09
#define RTC_REG_A	   0x0a
#define RTC_REG_B	   0x0b
#define RTC_REG_C	   0x0c
#define RTC_REG_D	   0x0d
#define RTC_CENTURY	   0x32 /* the PC/AT's choice of user RAM byte */
#define RTC_INDEX_MASK	   0x7f
#define RTC_NMI_DISABLE	   0x80 /* bit 7 of port 0x70 */
#define RTC_FREQ_SELECT	   RTC_REG_A
#define RTC_UIP		   0x80 /* Register A: update in progress */
#define RTC_DIV_32KHZ	   0x20 /* Register A: 32.768 kHz time base */
#define RTC_RATE_1024HZ	   0x06 /* Register A: periodic rate */
#define RTC_CONTROL	   RTC_REG_B
#define RTC_DM_BINARY	   0x04 /* Register B: binary, not BCD */
#define RTC_24H		   0x02 /* Register B: 24-hour mode */
#define RTC_VALID	   RTC_REG_D
#define RTC_VRT		   0x80 /* Register D: valid RAM and time */
#define RTC_PM		   0x80 /* hours in 12-hour mode: PM */
#define TM_YEAR_BASE	   1900
#define YEARS_PER_CENTURY  100
#define HOURS_PER_HALF_DAY 12

static uint8_t to_bcd(unsigned int v)
{
	return (uint8_t)((v / 10) << 4 | v % 10);
}

/* A value as the guest has asked to see numbers: BCD, or binary. */
static uint8_t rtc_number(const struct rtc_cmos *rtc, unsigned int v)
{
	return rtc->ram[RTC_CONTROL] & RTC_DM_BINARY ? (uint8_t)v : to_bcd(v);
}

/* Hours, in 24-hour mode or as 1-12 with the PM bit. */
static uint8_t rtc_hours(const struct rtc_cmos *rtc, unsigned int h)
{
	unsigned int h12;

	if (rtc->ram[RTC_CONTROL] & RTC_24H)
		return rtc_number(rtc, h);
	h12 = h % HOURS_PER_HALF_DAY ? h % HOURS_PER_HALF_DAY
				     : HOURS_PER_HALF_DAY;
	return rtc_number(rtc, h12) | (h >= HOURS_PER_HALF_DAY ? RTC_PM : 0);
}

/* book:begin rtc_time_read */
/* A time or date register, from the host's clock at this moment (UTC). */
static uint8_t rtc_time_read(const struct rtc_cmos *rtc, uint8_t reg)
{
	time_t now = rtc->clock(rtc->opaque);
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (reg) {
	case RTC_SECONDS:
		return rtc_number(rtc, (unsigned int)tm.tm_sec);
	case RTC_MINUTES:
		return rtc_number(rtc, (unsigned int)tm.tm_min);
	case RTC_HOURS:
		return rtc_hours(rtc, (unsigned int)tm.tm_hour);
	case RTC_DAY_OF_WEEK: /* 1 = Sunday */
		return rtc_number(rtc, (unsigned int)tm.tm_wday + 1);
	case RTC_DAY_OF_MONTH:
		return rtc_number(rtc, (unsigned int)tm.tm_mday);
	case RTC_MONTH:
		return rtc_number(rtc, (unsigned int)tm.tm_mon + 1);
	case RTC_YEAR:
		return rtc_number(rtc,
				  (unsigned int)(tm.tm_year + TM_YEAR_BASE) %
					  YEARS_PER_CENTURY);
	default: /* RTC_CENTURY */
		return rtc_number(rtc,
				  (unsigned int)(tm.tm_year + TM_YEAR_BASE) /
					  YEARS_PER_CENTURY);
	}
}
/* book:end rtc_time_read */

static bool is_time_register(uint8_t reg)
{
	switch (reg) {
	case RTC_SECONDS:
	case RTC_MINUTES:
	case RTC_HOURS:
	case RTC_DAY_OF_WEEK:
	case RTC_DAY_OF_MONTH:
	case RTC_MONTH:
	case RTC_YEAR:
	case RTC_CENTURY:
		return true;
	default:
		return false;
	}
}

static uint8_t rtc_read(const struct rtc_cmos *rtc, uint8_t reg)
{
	if (is_time_register(reg))
		return rtc_time_read(rtc, reg);
	switch (reg) {
	case RTC_REG_A: /* UIP stays 0: the time is read, never updated */
		return rtc->ram[RTC_REG_A] & ~RTC_UIP;
	case RTC_REG_C: /* no interrupt flags: no interrupts here */
		return 0;
	case RTC_REG_D:
		return RTC_VRT;
	default: /* alarms, Register B, user RAM */
		return rtc->ram[reg];
	}
}

static void rtc_write(struct rtc_cmos *rtc, uint8_t reg, uint8_t val)
{
	if (is_time_register(reg) || reg == RTC_REG_C || reg == RTC_REG_D)
		return; /* read-only here, or read-only on the chip */
	if (reg == RTC_REG_A)
		val &= ~RTC_UIP;
	rtc->ram[reg] = val;
}

/*
 * Port 0x70: select a register (bit 7 masks NMI on a PC; KVM delivers
 * NMIs through the LAPIC's LINT1, so the mask is only remembered).  Write
 * only: a read floats.
 */
void rtc_cmos_index_access(void *opaque, uint64_t offset, uint8_t *data,
			   uint32_t len, bool is_write)
{
	struct rtc_cmos *rtc = opaque;

	(void)offset;
	(void)len;
	pthread_mutex_lock(&rtc->lock);
	if (is_write) {
		rtc->index = data[0] & RTC_INDEX_MASK;
		rtc->nmi_disabled = data[0] & RTC_NMI_DISABLE;
	} else {
		data[0] = 0xff;
	}
	pthread_mutex_unlock(&rtc->lock);
}

/* Port 0x71: read or write the selected register. */
void rtc_cmos_data_access(void *opaque, uint64_t offset, uint8_t *data,
			  uint32_t len, bool is_write)
{
	struct rtc_cmos *rtc = opaque;

	(void)offset;
	(void)len;
	pthread_mutex_lock(&rtc->lock);
	if (is_write)
		rtc_write(rtc, rtc->index, data[0]);
	else
		data[0] = rtc_read(rtc, rtc->index);
	pthread_mutex_unlock(&rtc->lock);
}

/* As a BIOS leaves it: 32.768 kHz base, 1024 Hz rate, BCD, 24-hour. */
void rtc_cmos_init(struct rtc_cmos *rtc, rtc_clock_fn clock, void *opaque)
{
	memset(rtc, 0, sizeof(*rtc));
	pthread_mutex_init(&rtc->lock, NULL);
	rtc->clock = clock;
	rtc->opaque = opaque;
	rtc->ram[RTC_REG_A] = RTC_DIV_32KHZ | RTC_RATE_1024HZ;
	rtc->ram[RTC_REG_B] = RTC_24H;
}

void rtc_cmos_destroy(struct rtc_cmos *rtc)
{
	pthread_mutex_destroy(&rtc->lock);
}
