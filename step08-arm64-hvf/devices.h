/*
 * devices.h - the flat guests' two devices, the console port and the
 * result register; and the exits every device is reached through.
 *
 * Runs: userspace (the VMM).
 * Spec: hv.h (struct hyp_io); the addresses are in layout.h.
 */
#ifndef DEVICES_H
#define DEVICES_H

#include "vm.h"

void devices_register(struct vm *vm);
void handle_io(struct vm *vm, const struct hyp_io *io);
void handle_mmio(struct vm *vm, const struct hyp_io *io);

#endif
