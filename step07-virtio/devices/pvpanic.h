/*
 * pvpanic.h - the pvpanic device: how a guest tells its VMM that it
 * panicked, so that the VMM reports a panic instead of waiting on a
 * machine that will never say anything again.
 *
 * Runs: userspace (the VMM), on the vCPU thread of the guest's IN or OUT.
 * Spec: QEMU's docs/specs/pvpanic.rst (the device QEMU defined and Linux
 * drives: one byte register; a read returns the events the device
 * supports, a write reports events), the event bits of <misc/pvpanic.h>.
 * The guest's driver is Linux's pvpanic-mmio (drivers/misc/pvpanic/),
 * which binds to the ACPI device "QEMU0001" and takes its register from
 * the _CRS, here one I/O port (boot/acpi.c).  Registration, by the VMM:
 *
 *	bus_register(&pio, MACHINE_PVPANIC_PORT, PVPANIC_PORTS,
 *		     pvpanic_access, &dev, "pvpanic");
 */
#ifndef DEVICES_PVPANIC_H
#define DEVICES_PVPANIC_H

#include <stdbool.h>
#include <stdint.h>
#include <misc/pvpanic.h>

#define PVPANIC_PORTS 1 /* one byte register */

/* The events this device reports, read back by the driver at probe. */
#define PVPANIC_EVENTS (PVPANIC_PANICKED | PVPANIC_CRASH_LOADED)

struct pvpanic {
	/*
	 * The guest panicked (PVPANIC_PANICKED written).  Called on the vCPU
	 * thread that wrote it, once per such write: the VMM stops the VM.
	 */
	void (*panicked)(void *opaque);
	void *opaque;
	unsigned int panics;	   /* PVPANIC_PANICKED events */
	unsigned int crash_loaded; /* PVPANIC_CRASH_LOADED: a kdump kernel
				      takes over; the VM goes on */
};

void pvpanic_init(struct pvpanic *dev, void (*panicked)(void *opaque),
		  void *opaque);
void pvpanic_access(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		    bool is_write);

#endif
