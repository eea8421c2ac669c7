/*
 * vcpu.h - the x86 vCPU: created by the backend, put into a CPU mode or
 * at Linux's entry point, run until the guest stops.
 *
 * Runs: userspace (the VMM).
 * Spec: hv.h (vcpu_create, run); Documentation/virt/kvm/api.rst,
 * "KVM_CREATE_VCPU", "KVM_RUN".
 */
#ifndef VCPU_H
#define VCPU_H

#include "vm.h"

/*
 * One vCPU as its run loop sees it: the backend's vCPU (its calls from
 * one thread only: the one that created it) and the exit it last
 * returned.  A flat guest's one vCPU, and Linux's vCPU 0, are vm->vcpu
 * and vm->exit; Linux's others are smp.c's.
 */
struct vcpu {
	struct vm *vm;
	unsigned int id; /* the vCPU's index, and the APIC ID: 0 is the BSP */
	struct hyp_vcpu *hv;   /* the backend's vCPU */
	struct hyp_exit *exit; /* why run() returned last */
	uint64_t exits; /* its exits to the VMM (its own thread counts) */
};

void vcpu_create(struct vm *vm);
void vcpu_open(struct vcpu *cpu);
void vcpu_check(const struct vcpu *cpu, int err);
void vcpu_setup(struct vm *vm);
void vcpu_setup_linux(struct vm *vm, uint64_t entry, uint64_t boot_params);
enum run_end vcpu_run(struct vm *vm);
enum run_end vcpu_loop(struct vcpu *cpu);
void vcpu_dump(struct vm *vm);

#endif
