/*
 * doorbell.h - the guest's way to call the VMM: port HC_PORT.
 *
 * Runs: userspace (the VMM).
 * Spec: the ABI in common/include/hypercall.h.
 */
#ifndef DOORBELL_H
#define DOORBELL_H

#include <stdint.h>

#include "vm.h"

void doorbell_init(struct vm *vm);
void doorbell_exit(struct vm *vm, const struct hyp_io *io);

#endif
