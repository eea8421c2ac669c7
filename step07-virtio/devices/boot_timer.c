/*
 * boot_timer.c - the boot timer: the first write of each mark is timed
 * and handed to the VMM; repeats are only counted.
 *
 * Runs: userspace (the VMM), on a vCPU thread, for each access the bus
 * hands it; the host unit tests include this file directly.
 * Spec: none; the ABI is in boot_timer.h.
 *
 * The time is taken here, by the VMM's clock, when the write arrives: the
 * guest says only *that* it got somewhere, never *when*, so nothing it
 * writes can change the number the VMM reports.  A guest that writes
 * marks in a loop gets at most BOOT_TIMER_MARKS reports, by construction.
 */
#include <string.h>

#include "boot_timer.h"

#define SEEN_BITS 64 /* marks per word of seen[] */

void boot_timer_init(struct boot_timer *dev, uint64_t (*now_ns)(void),
		     boot_timer_mark_fn mark, void *opaque)
{
	*dev = (struct boot_timer){ .now_ns = now_ns,
				    .mark = mark,
				    .opaque = opaque };
}

/* book:begin boot_timer_access */
void boot_timer_access(void *opaque, uint64_t offset, uint8_t *data,
		       uint32_t len, bool is_write)
{
	struct boot_timer *dev = opaque;
	uint64_t now = dev->now_ns(), bit;
	uint8_t mark = data[0];

	(void)offset;
	if (!is_write) {
		memset(data, 0, len);
		return;
	}
	dev->writes++;
	bit = 1ULL << (mark % SEEN_BITS);
	if (dev->seen[mark / SEEN_BITS] & bit)
		return;
	dev->seen[mark / SEEN_BITS] |= bit;
	if (dev->mark)
		dev->mark(dev->opaque, mark, now);
}
/* book:end boot_timer_access */
