/*
 * exit_names.h - printable names for why KVM_RUN returned.
 *
 * Runs: userspace (the VMM) and the host unit tests.
 * Spec: Documentation/virt/kvm/api.rst, "struct kvm_run"; Intel SDM Vol. 3C
 * appendix "VMX Basic Exit Reasons"; AMD APM Vol. 2 appendix "SVM Intercept
 * Exit Codes".
 */
#ifndef EXIT_NAMES_H
#define EXIT_NAMES_H

#include <stdint.h>

enum cpu_vendor { VENDOR_OTHER, VENDOR_INTEL, VENDOR_AMD };

#define CPUID_LEAF_VENDOR 0  /* CPUID leaf 0: the vendor string ... */
#define CPUID_VENDOR_LEN  12 /* ... in EBX, EDX, ECX: 12 bytes */

const char *kvm_exit_name(uint32_t reason);
const char *internal_error_name(uint32_t suberror);
const char *entry_failure_name(uint64_t reason, enum cpu_vendor vendor);
enum cpu_vendor vendor_from_cpuid(const char vendor[CPUID_VENDOR_LEN]);

#endif
