/*
 * boot_timer.h - the boot timer: a port the guest writes to say "I got
 * this far", so that the VMM, not the guest, measures how long it took.
 *
 * Runs: userspace (the VMM), on the vCPU thread of the guest's write.
 * Spec: none; ours, after Firecracker's boot-timer device (a guest write
 * there stops the VMM's boot clock).  The ABI, which the guest's /init
 * uses through /dev/mem (busybox devmem: guests/linux/init):
 *   one byte at MACHINE_BOOT_TIMER_ADDR; the guest writes a mark, a
 *   number 0..255; the first write of each mark is timed by the VMM's
 *   clock and reported; BOOT_TIMER_MARK_INIT means "init has started";
 *   reads return 0.
 * Registration, by the VMM:
 *
 *	bus_register(&mmio, MACHINE_BOOT_TIMER_ADDR, BOOT_TIMER_SIZE,
 *		     boot_timer_access, &dev, "boot timer");
 */
#ifndef DEVICES_BOOT_TIMER_H
#define DEVICES_BOOT_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define BOOT_TIMER_SIZE	     1	 /* one byte register */
#define BOOT_TIMER_MARKS     256 /* a mark is one byte */
#define BOOT_TIMER_MARK_INIT 1	 /* the guest's init has started */

/* A mark, the first time it is written; ns is the device's clock then. */
typedef void (*boot_timer_mark_fn)(void *opaque, uint8_t mark, uint64_t ns);

struct boot_timer {
	uint64_t (*now_ns)(void); /* the VMM's monotonic clock */
	boot_timer_mark_fn mark;
	void *opaque;
	uint64_t seen[BOOT_TIMER_MARKS / 64]; /* marks written so far */
	uint64_t writes;		      /* all writes, repeats too */
};

void boot_timer_init(struct boot_timer *dev, uint64_t (*now_ns)(void),
		     boot_timer_mark_fn mark, void *opaque);
void boot_timer_access(void *opaque, uint64_t offset, uint8_t *data,
		       uint32_t len, bool is_write);

#endif
