/*
 * smp.h - several vCPUs for Linux: one thread each, started and stopped
 * together.
 *
 * Runs: userspace (the VMM).
 * Spec: Documentation/virt/kvm/api.rst, "KVM_CREATE_VCPU", "KVM_RUN",
 * "KVM_GET_MP_STATE", "The kvm_run structure" (immediate_exit).
 */
#ifndef SMP_H
#define SMP_H

#include "vm.h"

/*
 * --cpus: at most 255.  The xAPIC's ID is 8 bits and 0xff is its
 * broadcast address, so APIC IDs 0..254; the MADT's Processor Local APIC
 * entry and CPUID leaf 01H EBX[31:24] hold 8 bits too.  More would need
 * x2APIC entries and IDs, which this machine does not describe.  KVM may
 * allow fewer (KVM_CAP_MAX_VCPUS): smp_create() asks it.
 */
#define SMP_CPUS_MAX 255

void smp_create(struct vm *vm);
enum run_end smp_run(struct vm *vm);
void smp_kick_all(struct vm *vm);

#endif
