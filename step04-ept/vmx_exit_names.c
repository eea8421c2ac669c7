// SPDX-License-Identifier: GPL-2.0
/*
 * vmx_exit_names.c - printable names for VM exits and failed VM entries.
 *
 * Pure functions on numbers the CPU reported: run in the kernel module and
 * in the host's Check unit tests (tests/unit/<step>/test_vmx_exit_names.c).
 * The names are Linux's (EXIT_REASON_* and its VMX_EXIT_REASONS table in
 * the UAPI header <asm/vmx.h>, ENTRY_FAIL_* in the kernel's <asm/vmx.h>).
 *
 * Spec: Intel SDM Vol. 3, Appendix C "VMX Basic Exit Reasons", "Basic
 * VM-Exit Information", "VM-Entry Failures During or After Loading Guest
 * State".
 */
#include <linux/kernel.h>
#include <linux/types.h>
#include <asm/vmx.h>

#include "vmx_exit_names.h"

/* book:begin exit_names */
static const struct {
	u32 reason;
	const char *name;
} vmx_exit_reason_names[] = { VMX_EXIT_REASONS };

const char *vmx_exit_reason_name(u32 exit_reason)
{
	u32 basic = exit_reason & VMX_EXIT_REASON_BASIC_MASK;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmx_exit_reason_names); i++)
		if (vmx_exit_reason_names[i].reason == basic)
			return vmx_exit_reason_names[i].name;
	return "UNKNOWN";
}
/* book:end exit_names */

/* book:begin entry_failure */
static const struct {
	u64 qualification;
	const char *name;
	const char *meaning;
} vmx_entry_failures[] = {
	{ ENTRY_FAIL_DEFAULT, "ENTRY_FAIL_DEFAULT",
	  "a check on the guest-state area failed" },
	{ ENTRY_FAIL_PDPTE, "ENTRY_FAIL_PDPTE",
	  "loading the guest's PAE PDPTEs failed" },
	{ ENTRY_FAIL_NMI, "ENTRY_FAIL_NMI",
	  "NMI injection while NMIs are blocked" },
	{ ENTRY_FAIL_VMCS_LINK_PTR, "ENTRY_FAIL_VMCS_LINK_PTR",
	  "invalid VMCS link pointer" },
};

static int vmx_entry_failure_index(u64 qualification)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmx_entry_failures); i++)
		if (vmx_entry_failures[i].qualification == qualification)
			return i;
	return -1;
}

const char *vmx_entry_failure_name(u64 qualification)
{
	int i = vmx_entry_failure_index(qualification);

	return i < 0 ? "UNKNOWN" : vmx_entry_failures[i].name;
}

const char *vmx_entry_failure_meaning(u64 qualification)
{
	int i = vmx_entry_failure_index(qualification);

	return i < 0 ? "reserved qualification" : vmx_entry_failures[i].meaning;
}
/* book:end entry_failure */
