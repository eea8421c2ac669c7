/*
 * rtc_cmos.h - the PC's real-time clock and CMOS RAM (a Motorola
 * MC146818): the date and time a kernel reads at boot, from the host's
 * clock.
 *
 * Runs: userspace (the VMM).  Two ports on the port bus: the index
 * register (0x70) and the data register (0x71), each with its own bus
 * handler.  Without it, Linux's rtc-cmos driver polls the absent chip for
 * an "update in progress" that never ends (thousands of exits).
 *
 * Spec: Motorola MC146818A datasheet ("Address Map", "Register A" to
 * "Register D", "Time, Calendar and Alarm Locations"); IBM PC/AT
 * Technical Reference (CMOS RAM: the century byte at 0x32).  Register
 * names as Linux spells them (include/linux/mc146818rtc.h, not UAPI).
 */
#ifndef DEVICES_RTC_CMOS_H
#define DEVICES_RTC_CMOS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define RTC_CMOS_SIZE 128 /* registers 0x00-0x0d, then 114 bytes of RAM */

/* The wall clock the RTC shows: seconds since the epoch, UTC. */
typedef time_t (*rtc_clock_fn)(void *opaque);

struct rtc_cmos {
	pthread_mutex_t lock;
	rtc_clock_fn clock;
	void *opaque;
	uint8_t index;	   /* the register the next data access reaches */
	bool nmi_disabled; /* bit 7 of the index port: the NMI mask */
	uint8_t ram[RTC_CMOS_SIZE];
};

void rtc_cmos_init(struct rtc_cmos *rtc, rtc_clock_fn clock, void *opaque);
void rtc_cmos_destroy(struct rtc_cmos *rtc);
void rtc_cmos_index_access(void *opaque, uint64_t offset, uint8_t *data,
			   uint32_t len, bool is_write);
void rtc_cmos_data_access(void *opaque, uint64_t offset, uint8_t *data,
			  uint32_t len, bool is_write);

#endif
