/*
 * bus.c - the I/O bus: find the device that decodes a guest access.
 *
 * Runs: userspace (the VMM).  Ranges are registered while the machine is
 * built; afterwards every KVM_EXIT_IO and KVM_EXIT_MMIO comes through
 * bus_access(), on any vCPU thread, without a lock (the table no longer
 * changes; its counters are atomic).  The host unit tests include this file directly.
 *
 * Spec: none; see bus.h.  The rules are those of a real bus: one device
 * answers an address or none does, and a read nobody answers sees the
 * data lines float high (all ones), which is how a driver probing for a
 * device it does not find learns that it is absent.
 */
#include <errno.h>
#include <string.h>

#include "bus.h"

/* The last address of a non-empty range; never wraps for a valid range. */
static uint64_t range_last(uint64_t base, uint64_t len)
{
	return base + (len - 1);
}

/* book:begin bus_register */
/*
 * A range is [base, base + len).  It must hold at least one address and
 * must not run past 2^64 (base + len - 1 would wrap below base); ranges may
 * touch but not share an address, so that each address has at most one
 * device.  Checked in that order: a malformed range is -EINVAL whatever the
 * table holds.
 */
int bus_register(struct bus *bus, uint64_t base, uint64_t len,
		 bus_access_fn access, void *opaque, const char *name)
{
	uint64_t last;

	if (len == 0 || !access)
		return -EINVAL;
	last = range_last(base, len);
	if (last < base)
		return -EINVAL;
	for (unsigned int i = 0; i < bus->count; i++) {
		const struct bus_range *r = &bus->ranges[i];

		if (base <= range_last(r->base, r->len) && r->base <= last)
			return -EEXIST;
	}
	if (bus->count == BUS_RANGES_MAX)
		return -ENOSPC;
	bus->ranges[bus->count++] = (struct bus_range){
		.base = base,
		.len = len,
		.access = access,
		.opaque = opaque,
		.name = name,
	};
	return 0;
}
/* book:end bus_register */

/*
 * The range that holds all of [addr, addr + len), or NULL.  An access that
 * starts inside a range but runs past its end belongs to no device: the
 * handler is promised offsets and lengths inside its range only.
 */
static struct bus_range *bus_find(struct bus *bus, uint64_t addr, uint32_t len)
{
	uint64_t last = addr + (len - 1);

	if (len == 0 || last < addr)
		return NULL;
	for (unsigned int i = 0; i < bus->count; i++) {
		struct bus_range *r = &bus->ranges[i];

		if (addr >= r->base && last <= range_last(r->base, r->len))
			return r;
	}
	return NULL;
}

/* book:begin bus_access */
bool bus_access(struct bus *bus, uint64_t addr, uint8_t *data, uint32_t len,
		bool is_write)
{
	struct bus_range *r = bus_find(bus, addr, len);

	if (!r) {
		if (!is_write)
			memset(data, 0xff, len); /* nothing answers: all ones */
		return false;
	}
	__atomic_fetch_add(&r->accesses, 1, __ATOMIC_RELAXED);
	r->access(r->opaque, addr - r->base, data, len, is_write);
	return true;
}
/* book:end bus_access */
