/*
 * bus.h - the I/O bus: guest port and MMIO ranges -> the device behind them.
 *
 * Runs: userspace (the VMM).  The exit loop hands every KVM_EXIT_IO and
 * KVM_EXIT_MMIO to bus_access(); a device registers the ranges it decodes,
 * with one function that handles an access (kvmtool's ioport__register and
 * kvm__register_mmio, QEMU's MemoryRegionOps).  Devices never see KVM:
 * only the bus, guest memory (guest_mem.h) and their interrupt line
 * (irq.h), which is what lets step08 reuse them on every backend.
 *
 * Spec: none; x86 has two address spaces a device can decode, the 16-bit
 * I/O port space (IN/OUT) and physical memory (MMIO), hence two buses.
 */
#ifndef BUS_H
#define BUS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * One access, as the device sees it: offset from the start of its range,
 * len bytes (1, 2, 4 or 8) at data, little-endian.  For a read the device
 * fills data; for a write it reads data.  The handler must accept any
 * offset and length inside its range: the guest chooses them.
 */
typedef void (*bus_access_fn)(void *opaque, uint64_t offset, uint8_t *data,
			      uint32_t len, bool is_write);

struct bus_range {
	uint64_t base;
	uint64_t len;
	bus_access_fn access;
	void *opaque;	   /* the device */
	const char *name;  /* for notes and the chapter's memory map */
	uint64_t accesses; /* how many it decoded (--stats) */
};

#define BUS_RANGES_MAX 32

struct bus {
	const char *name; /* "pio" or "mmio" */
	unsigned int count;
	struct bus_range ranges[BUS_RANGES_MAX];
};

/*
 * Add [base, base + len) to the bus.  Returns 0, -EINVAL for an empty or
 * wrapping range, -EEXIST if it overlaps a range already there, -ENOSPC if
 * the bus is full.  Registration happens before any vCPU runs; the table
 * does not change afterwards, so lookups need no lock (the counters are
 * atomic).
 */
int bus_register(struct bus *bus, uint64_t base, uint64_t len,
		 bus_access_fn access, void *opaque, const char *name);

/*
 * Dispatch one access.  Returns true if a device decoded it (and counts
 * it in the range's accesses).  When none did, a read returns all ones (a
 * bus with nothing on it floats high) and a write is dropped; the caller
 * decides whether to note it.
 */
bool bus_access(struct bus *bus, uint64_t addr, uint8_t *data, uint32_t len,
		bool is_write);

#endif
