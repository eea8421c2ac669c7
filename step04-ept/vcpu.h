/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcpu.h - one virtual CPU: its VMCS, its registers, what its exits did.
 *
 * Runs in the kernel module, VMX root operation.
 *
 * Spec: Intel SDM Vol. 3, "VMX Non-Root Operation", "VM Entries", "VM Exits".
 */
#ifndef VCPU_H
#define VCPU_H

#include <linux/types.h>

#include "vmx_caps.h"
#include "guest_memory.h"
#include "vmcs.h"
#include "vmx_entry.h"
#include "vmx_exit_names.h"
#include "guest_abi.h"

#define SIGNATURE_LEN	12	/* CPUID returns it in EBX, ECX, EDX */
#define CONSOLE_MAX	64	/* characters of console output we keep */

struct vcpu {
	struct vmcs vmcs;
	struct guest_regs regs;
	bool launched;		/* VMLAUNCH done: the next entry is VMRESUME */
	struct guest_memory mem;	/* its physical memory, through EPT */

	unsigned int exits[VMX_NR_EXIT_REASONS];	/* by basic exit reason */
	unsigned int nr_exits;
	char signature_seen[SIGNATURE_LEN + 1];	/* what the guest got */
	u64 result;				/* what the guest computed */
	bool has_result;

	unsigned int ept_violations;
	unsigned int demand_pages;		/* pages mapped on first touch */
	unsigned int console_accesses[2];	/* [0] reads, [1] writes */
	char console[CONSOLE_MAX + 1];		/* what the guest printed */
	unsigned int console_len;
	bool refused;				/* an access was refused */
};

/*
 * Create a vCPU on this CPU (in VMX root operation), run the guest to its
 * end, log the result line, destroy the vCPU. 0 or -errno.
 */
int vcpu_run_guest(const struct vmx_caps *caps);

#endif /* VCPU_H */
