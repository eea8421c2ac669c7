/*
 * hvf_arm64.h - the hvf-arm64 backend: hv.h's operations on Apple's
 * Hypervisor.framework, for arm64 guests on Apple silicon.
 *
 * Runs: userspace (the VMM) on macOS 11+ (Apple silicon); the Linux boot
 * needs macOS 15+ (the framework's GICv3).  On Linux it is compiled
 * against hvf_decls.h and never run (hvf.mk: hvf-check).
 * Spec: Apple's Hypervisor framework reference (see hvf_decls.h); Arm
 * DEN0022 (PSCI, which the framework leaves to the VMM); Arm ARM
 * "ESR_EL2" (hvf_arm64_decode.h).
 */
#ifndef BACKENDS_HVF_ARM64_H
#define BACKENDS_HVF_ARM64_H

#include "hv.h"
#include "hvf_decls.h"

extern const struct hyp_ops hvf_arm64_ops;

/* Where the framework keeps one of the core's registers: a general
 * register (hv_vcpu_get_reg) or a system register (_get_sys_reg). */
struct hvf_reg_ref {
	bool sys;
	hv_reg_t reg;
	hv_sys_reg_t sys_reg;
};
/* 0, or -EINVAL for a register an arm64 vCPU does not have (x86's). */
int hvf_reg_ref(enum hyp_reg reg, struct hvf_reg_ref *ref);

/* A framework error as -errno (HV_BAD_ARGUMENT -> -EINVAL, HV_DENIED ->
 * -EPERM, ...): the core prints strerror(-err) after err_call. */
int hvf_errno(hv_return_t ret);

/* The backend's exit codes (hyp_exit.reason), below the core's count. */
enum hvf_reason {
	HVF_REASON_CANCELED,  /* hv_vcpus_exit or a kick: nothing to do */
	HVF_REASON_MMIO,      /* data abort with ISV: a device access */
	HVF_REASON_HVC,	      /* HVC in the forwarded range */
	HVF_REASON_SMC,	      /* SMC in the forwarded range */
	HVF_REASON_PSCI,      /* PSCI SYSTEM_OFF or SYSTEM_RESET */
	HVF_REASON_WFI,	      /* WFI with no interrupt controller */
	HVF_REASON_EXCEPTION, /* a syndrome the VMM cannot act on */
	HVF_REASON_SYSREG,    /* MSR/MRS to a register we do not emulate */
	HVF_REASON_UNKNOWN,   /* HV_EXIT_REASON_UNKNOWN, or a new reason */
	HVF_REASONS
};
const char *hvf_exit_name(uint32_t reason);

/* Does the machine's GICv3 fit the framework's?  NULL if so, else what
 * does not (for err_call).  Sizes and alignments as hv_gic_get_* report
 * them; nr_irqs counts the 32 private interrupts too. */
struct hvf_gic_limits {
	size_t dist_size, dist_align;
	size_t redist_region_size, redist_align;
	uint32_t spi_base, spi_count;
};
const char *hvf_gic_check(const struct hyp_config *cfg,
			  const struct hvf_gic_limits *lim);

#endif
