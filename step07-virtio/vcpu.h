/*
 * vcpu.h - the vCPU: created, put into a CPU mode, run until the guest
 * stops.
 *
 * Runs: userspace (the VMM).
 * Spec: Documentation/virt/kvm/api.rst, "KVM_CREATE_VCPU", "KVM_RUN".
 */
#ifndef VCPU_H
#define VCPU_H

#include "vm.h"

/* Why the run loop ended. */
enum run_end { GUEST_HALTED, GUEST_FAILED, GUEST_EXITED, GUEST_OVER_BUDGET };

void vcpu_create(struct vm *vm);
void vcpu_setup(struct vm *vm);
enum run_end vcpu_run(struct vm *vm);

#endif
