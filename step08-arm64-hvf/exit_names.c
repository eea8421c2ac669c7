/*
 * exit_names.c - printable names for why KVM_RUN returned.
 *
 * Runs: userspace (the VMM) and the host unit tests (included directly).
 *
 * Spec: Documentation/virt/kvm/api.rst, "struct kvm_run" (exit_reason,
 * internal.suberror, fail_entry.hardware_entry_failure_reason); Intel SDM
 * Vol. 3C, "Basic VM-Exit Information" and appendix "VMX Basic Exit
 * Reasons"; AMD APM Vol. 2, appendix "SVM Intercept Exit Codes".
 *
 * Every name comes from a UAPI header: KVM_EXIT_* and KVM_INTERNAL_ERROR_*
 * from <linux/kvm.h>, and the vendors' own tables VMX_EXIT_REASONS and
 * SVM_EXIT_REASONS from <asm/vmx.h> and <asm/svm.h>.
 */
#include <stddef.h>
#include <string.h>
#include <linux/kvm.h>
#include <asm/vmx.h>
#include <asm/svm.h>

#include "exit_names.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NAME(x)	      [x] = #x

/* Bits 15:0 of the VMX exit reason: "Basic VM-Exit Information". */
#define VMX_EXIT_REASON_BASIC_MASK 0xffffULL

static const char *const kvm_exit_names[] = {
	NAME(KVM_EXIT_UNKNOWN),
	NAME(KVM_EXIT_EXCEPTION),
	NAME(KVM_EXIT_IO),
	NAME(KVM_EXIT_HYPERCALL),
	NAME(KVM_EXIT_DEBUG),
	NAME(KVM_EXIT_HLT),
	NAME(KVM_EXIT_MMIO),
	NAME(KVM_EXIT_IRQ_WINDOW_OPEN),
	NAME(KVM_EXIT_SHUTDOWN),
	NAME(KVM_EXIT_FAIL_ENTRY),
	NAME(KVM_EXIT_INTR),
	NAME(KVM_EXIT_SET_TPR),
	NAME(KVM_EXIT_TPR_ACCESS),
	NAME(KVM_EXIT_NMI),
	NAME(KVM_EXIT_INTERNAL_ERROR),
	NAME(KVM_EXIT_SYSTEM_EVENT),
	NAME(KVM_EXIT_IOAPIC_EOI),
	NAME(KVM_EXIT_HYPERV),
	NAME(KVM_EXIT_X86_RDMSR),
	NAME(KVM_EXIT_X86_WRMSR),
	NAME(KVM_EXIT_DIRTY_RING_FULL),
	NAME(KVM_EXIT_AP_RESET_HOLD),
	NAME(KVM_EXIT_X86_BUS_LOCK),
	NAME(KVM_EXIT_XEN),
	NAME(KVM_EXIT_NOTIFY),
};

static const char *const internal_error_names[] = {
	NAME(KVM_INTERNAL_ERROR_EMULATION),
	NAME(KVM_INTERNAL_ERROR_SIMUL_EX),
	NAME(KVM_INTERNAL_ERROR_DELIVERY_EV),
	NAME(KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON),
};

struct code_name {
	uint64_t code;
	const char *name;
};

static const struct code_name vmx_exit_reasons[] = { VMX_EXIT_REASONS };
static const struct code_name svm_exit_codes[] = { SVM_EXIT_REASONS };

static const char *lookup(const char *const *names, size_t count,
			  uint32_t index)
{
	if (index < count && names[index])
		return names[index];
	return "unknown";
}

const char *kvm_exit_name(uint32_t reason)
{
	return lookup(kvm_exit_names, ARRAY_SIZE(kvm_exit_names), reason);
}

const char *internal_error_name(uint32_t suberror)
{
	return lookup(internal_error_names, ARRAY_SIZE(internal_error_names),
		      suberror);
}

static const char *code_lookup(const struct code_name *table, size_t count,
			       uint64_t code)
{
	for (size_t i = 0; i < count; i++)
		if (table[i].code == code)
			return table[i].name;
	return "unknown";
}

/* book:begin entry_failure */
/*
 * KVM_EXIT_FAIL_ENTRY passes the hardware's own reason through.  On Intel,
 * when the VM entry failed, the VMX exit reason with bit 31 set ("VM-entry
 * failure"; the basic reason is usually INVALID_STATE); when VMLAUNCH or
 * VMRESUME failed before entering (VMfail), the VM-instruction error
 * number, bit 31 clear, an entry of the SDM's "VM-Instruction Error
 * Numbers" and no exit reason.  On AMD, the VMCB exit code VMEXIT_INVALID,
 * -1, which <asm/svm.h> calls "invalid_guest_state"; a KVM that keeps the
 * exit code in 32 bits (Linux 6.1, the lab's, does) passes 0xffffffff.
 */
const char *entry_failure_name(uint64_t reason, enum cpu_vendor vendor)
{
	switch (vendor) {
	case VENDOR_INTEL:
		if (!(reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
			return "VM-instruction error";
		return code_lookup(vmx_exit_reasons,
				   ARRAY_SIZE(vmx_exit_reasons),
				   reason & VMX_EXIT_REASON_BASIC_MASK);
	case VENDOR_AMD:
		if (reason == (uint32_t)SVM_EXIT_ERR) /* 32 bits of -1 */
			reason = (uint64_t)SVM_EXIT_ERR;
		return code_lookup(svm_exit_codes, ARRAY_SIZE(svm_exit_codes),
				   reason);
	default:
		return "unknown";
	}
}
/* book:end entry_failure */

/* The vendor string of CPUID leaf 0 (EBX, EDX, ECX). */
enum cpu_vendor vendor_from_cpuid(const char vendor[CPUID_VENDOR_LEN])
{
	if (memcmp(vendor, "GenuineIntel", CPUID_VENDOR_LEN) == 0)
		return VENDOR_INTEL;
	if (memcmp(vendor, "AuthenticAMD", CPUID_VENDOR_LEN) == 0 ||
	    memcmp(vendor, "HygonGenuine", CPUID_VENDOR_LEN) == 0)
		return VENDOR_AMD;
	return VENDOR_OTHER;
}
