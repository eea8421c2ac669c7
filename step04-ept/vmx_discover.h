/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_discover.h - is VMX there, and what does this CPU's VMX offer?
 *
 * Kernel (ring 0). Spec: Intel SDM Vol. 3, "Discovering Support for VMX",
 * Appendix A "VMX Capability Reporting Facility".
 */
#ifndef VMX_DISCOVER_H
#define VMX_DISCOVER_H

#include "vmx_caps.h"

/*
 * Ask CPUID for VMX, read IA32_FEATURE_CONTROL and the capability MSRs into
 * @caps, and report them in the kernel log. Returns -ENODEV (with a log line
 * saying why) when the CPU has no VMX, -EIO when an MSR cannot be read.
 */
int vmx_discover(struct vmx_caps *caps);

#endif /* VMX_DISCOVER_H */
