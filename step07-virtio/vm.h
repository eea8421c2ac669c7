/*
 * vm.h - one virtual machine: its file descriptors, its memory, the page it
 * shares with KVM, its hypercall state, and what the VMM counts while it
 * runs.
 *
 * Runs: userspace (the VMM).
 * Spec: Documentation/virt/kvm/api.rst, "General description" (the system,
 * VM and vCPU file descriptors), "The kvm_run structure".
 */
#ifndef VM_H
#define VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/kvm.h>

#include "cli.h"
#include "hypercalls.h"
#include "x86_modes.h"

#define EXIT_REASONS_COUNTED 64 /* KVM_EXIT_* values we keep statistics for */

struct vm {
	const struct options *opts; /* what the command line asked for */
	int kvm_fd;		    /* /dev/kvm: system ioctls */
	int vm_fd;		    /* KVM_CREATE_VM: VM ioctls */
	int vcpu_fd;		    /* KVM_CREATE_VCPU: vCPU ioctls */
	struct kvm_run *run;	    /* shared with KVM: why KVM_RUN returned */
	size_t run_size;
	uint8_t *mem; /* guest-physical 0 is mem[0] */
	uint64_t mem_size;
	uint64_t exits[EXIT_REASONS_COUNTED]; /* how many of each KVM_EXIT_* */
	bool mmio_seen;	     /* the guest wrote GUEST_MMIO_RESULT ... */
	uint64_t mmio_value; /* ... this value */
	unsigned int index;  /* this VM: 1..opts->vm_count */
	unsigned int notes;  /* notes about single exits so far */
	struct hc_vm hc;     /* the hypercalls' view of this VM */
};

void guest_memory_load(struct vm *vm);
void kvm_open(struct vm *vm);
void vm_create(struct vm *vm);
int vm_run(struct vm *vm, FILE *report);

#endif
