/*
 * x86_cpu.h - the x86 vCPU a Linux kernel expects to boot on: CPUID that
 * says who it is, the MSRs a firmware leaves set, the local APIC's LINT
 * pins wired as on a PC.
 *
 * Runs: userspace (the VMM), after KVM_CREATE_VCPU and before the first
 * KVM_RUN.  The builders are pure functions over the <linux/kvm.h>
 * structures (unit-tested); x86_vcpu_setup() makes the ioctls.
 * Spec: Intel SDM Vol. 2A "CPUID" (leaves 01H, 0BH, 1FH), AMD APM Vol. 3
 * "CPUID" (Fn8000_001E); SDM Vol. 3A "Local Vector Table", "Memory Type
 * Range Registers (MTRRs)", Vol. 4 "Model-Specific Registers";
 * Documentation/virt/kvm/api.rst: KVM_GET_SUPPORTED_CPUID, KVM_SET_CPUID2,
 * KVM_SET_MSRS, KVM_GET_LAPIC / KVM_SET_LAPIC.
 */
#ifndef X86_CPU_H
#define X86_CPU_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>

/* One MSR the vCPU starts with, and its name for error messages. */
struct x86_msr {
	uint32_t index;
	uint64_t value;
	const char *name;
};

struct kvm_cpuid2 *x86_supported_cpuid(int kvm_fd);
struct kvm_cpuid2 *x86_cpuid_for_vcpu(const struct kvm_cpuid2 *supported,
				      uint32_t apic_id, uint32_t vcpu_count,
				      bool tsc_deadline);
const struct x86_msr *x86_boot_msrs(unsigned int *count);
void x86_lapic_lint_setup(struct kvm_lapic_state *lapic);
uint32_t x86_lapic_reg(const struct kvm_lapic_state *lapic, unsigned int reg);
int x86_vcpu_setup(int kvm_fd, int vcpu_fd, uint32_t apic_id,
		   uint32_t vcpu_count, const char **failed);

#endif
