/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_exit_names.h - printable names for VM exits: the basic exit reason,
 * the VM-entry failure bit, and the exit qualification of a failed entry.
 *
 * Pure functions: run in the kernel module and in the host's unit tests.
 *
 * Spec: Intel SDM Vol. 3, "Basic VM-Exit Information" (Exit Reason, Exit
 * Qualification), Appendix C "VMX Basic Exit Reasons", "VM-Entry Failures
 * During or After Loading Guest State".
 */
#ifndef VMX_EXIT_NAMES_H
#define VMX_EXIT_NAMES_H

#include <linux/types.h>
#include <asm/vmx.h>

/* Exit reason field: bits 15:0 = basic exit reason, bit 31 = entry failed. */
#define VMX_EXIT_REASON_BASIC_MASK 0xffffu

/* "CPUID", "VMCALL", ...; "UNKNOWN" for a number this table does not know. */
const char *vmx_exit_reason_name(u32 exit_reason);

/* Exit reasons 0..VMX_NR_EXIT_REASONS-1 can be counted in an array. */
#define VMX_NR_EXIT_REASONS (EXIT_REASON_NOTIFY + 1)

/*
 * The exit qualification of a VM-entry failure with basic reason
 * EXIT_REASON_INVALID_STATE, by name (ENTRY_FAIL_*), and what it means.
 */
const char *vmx_entry_failure_name(u64 qualification);
const char *vmx_entry_failure_meaning(u64 qualification);

#endif /* VMX_EXIT_NAMES_H */
