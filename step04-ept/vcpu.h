/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vcpu.h - one virtual CPU: its VMCS, its registers, and one trip into the
 * guest and back (vcpu.c); what the exit loop (exit_loop.c) learns about it.
 *
 * Runs in the kernel module, VMX root operation.
 *
 * Spec: Intel SDM Vol. 3, "VMX Non-Root Operation", "VM Entries", "VM Exits".
 */
#ifndef VCPU_H
#define VCPU_H

#include <linux/types.h>

#include "vmx_caps.h"
#include "console.h"
#include "guest_memory.h"
#include "vmcs.h"
#include "vmx_entry.h"
#include "vmx_exit_names.h"
#include "guest_abi.h"

#define SIGNATURE_LEN 12 /* CPUID returns it in EBX, ECX, EDX */

struct vcpu {
	struct vmcs vmcs;
	struct guest_regs regs;	 /* RAX..R15: RSP and RIP live in the VMCS */
	bool launched;		 /* VMLAUNCH done: the next entry is VMRESUME */
	struct guest_memory mem; /* its physical memory, through EPT */

	/* Every VM exit, counted where it happens (vcpu_enter). */
	unsigned int exits[VMX_NR_EXIT_REASONS]; /* by basic exit reason */
	unsigned int nr_exits;

	/* What the guest told the exit loop. */
	char signature_seen[SIGNATURE_LEN + 1];
	u64 result;
	bool has_result;

	/* What its EPT violations were (ept_violation.c, console.c). */
	unsigned int ept_violations;
	unsigned int demand_pages; /* pages mapped on first touch */
	struct console console;	   /* the emulated device */
};

/*
 * One trip into the guest and back: VMLAUNCH the first time, VMRESUME after,
 * until the next VM exit, with the host's state as it was before. 0 with
 * the exit reason in *@reason, or -errno if the entry failed (logged: the
 * guest never ran). Interrupts off, preemption off, the VMCS current.
 */
int vcpu_enter(struct vcpu *vcpu, u32 *reason);

/*
 * Create a vCPU on this CPU (in VMX root operation), run the guest the
 * `guest` module parameter names to its end, log what it reported,
 * destroy the vCPU. 0 or -errno.
 */
int vcpu_run_guest(const struct vmx_caps *caps);

#endif /* VCPU_H */
