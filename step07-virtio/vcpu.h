/*
 * vcpu.h - the vCPU: created, put into a CPU mode or at Linux's entry
 * point, run until the guest stops.
 *
 * Runs: userspace (the VMM).
 * Spec: Documentation/virt/kvm/api.rst, "KVM_CREATE_VCPU", "KVM_RUN".
 */
#ifndef VCPU_H
#define VCPU_H

#include "vm.h"

void vcpu_create(struct vm *vm);
void vcpu_setup(struct vm *vm);
void vcpu_setup_linux(struct vm *vm, uint64_t entry, uint64_t boot_params);
enum run_end vcpu_run(struct vm *vm);
void vcpu_dump(struct vm *vm);

#endif
