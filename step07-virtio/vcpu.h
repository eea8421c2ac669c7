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

/*
 * One vCPU as its run loop sees it: the file descriptor its ioctls go to
 * (from one thread only: the one that created it) and the kvm_run page it
 * shares with KVM.  A flat guest's one vCPU is vm->vcpu_fd and vm->run;
 * Linux's are smp.c's, vCPU 0 the same as vm->vcpu_fd and vm->run.
 */
struct vcpu {
	struct vm *vm;
	unsigned int id; /* KVM's vcpu_id, and the APIC ID: 0 is the BSP */
	int fd;
	struct kvm_run *run;
	uint64_t exits; /* its exits to the VMM (its own thread counts) */
};

void vcpu_create(struct vm *vm);
void vcpu_open(struct vm *vm, struct vcpu *cpu, unsigned int id);
void vcpu_setup(struct vm *vm);
void vcpu_setup_linux(struct vm *vm, uint64_t entry, uint64_t boot_params);
enum run_end vcpu_run(struct vm *vm);
enum run_end vcpu_loop(struct vcpu *cpu);
void vcpu_dump(struct vm *vm);

#endif
