/*
 * pvpanic.c - the pvpanic device: a guest's panic notifier writes
 * PVPANIC_PANICKED here, and the VMM stops the VM and says so.
 *
 * Runs: userspace (the VMM), on a vCPU thread, for each port access the
 * bus hands it; the host unit tests include this file directly.
 * Spec: QEMU's docs/specs/pvpanic.rst; <misc/pvpanic.h>.
 *
 * What the guest can do, and what it gets:
 *   read                    -> PVPANIC_EVENTS: the events we report
 *                              (Linux's driver keeps only those)
 *   write PVPANIC_PANICKED  -> panicked() is called
 *   write PVPANIC_CRASH_LOADED -> counted: the guest's kdump kernel will
 *                              run, and the VM with it
 *   other bits              -> ignored
 * The bus decodes one port only, so every access is one byte.
 */
#include <stddef.h>

#include "pvpanic.h"

void pvpanic_init(struct pvpanic *dev, void (*panicked)(void *opaque),
		  void *opaque)
{
	*dev = (struct pvpanic){ .panicked = panicked, .opaque = opaque };
}

/* book:begin pvpanic_access */
void pvpanic_access(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		    bool is_write)
{
	struct pvpanic *dev = opaque;

	(void)offset;
	if (!is_write) {
		for (uint32_t i = 0; i < len; i++)
			data[i] = i == 0 ? PVPANIC_EVENTS : 0;
		return;
	}
	if (data[0] & PVPANIC_CRASH_LOADED)
		dev->crash_loaded++;
	if (data[0] & PVPANIC_PANICKED) {
		dev->panics++;
		if (dev->panicked)
			dev->panicked(dev->opaque);
	}
}
/* book:end pvpanic_access */
