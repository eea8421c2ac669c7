/*
 * devices.h - the flat guests' two devices, the console port and the
 * result register; and the exits every device is reached through.
 *
 * Runs: userspace (the VMM).
 * Spec: Documentation/virt/kvm/api.rst, "The kvm_run structure"
 * (KVM_EXIT_IO, KVM_EXIT_MMIO); the addresses are in layout.h.
 */
#ifndef DEVICES_H
#define DEVICES_H

#include "vm.h"

void devices_register(struct vm *vm);
void handle_io(struct vm *vm, struct kvm_run *run);
void handle_mmio(struct vm *vm, struct kvm_run *run);

#endif
