// SPDX-License-Identifier: GPL-2.0
/*
 * exit_loop.c - the second half of a VMM: enter the guest, take its VM
 * exit, hand it to the handler of its exit reason, VMRESUME, until the
 * guest is done or out of budget. The handlers here are the ones the step03
 * guest needed: CPUID, VMCALL, HLT, and the host's interrupts and NMIs; the
 * table also sends EPT violations to ept_violation.c.
 *
 * Runs in the kernel module, VMX root operation, on one CPU with preemption
 * off and, from the first entry to the last exit, interrupts off in the
 * host (see exit_loop_run()).
 *
 * Spec: Intel SDM Vol. 3, "VMX Non-Root Operation" ("Instructions That
 * Cause VM Exits Unconditionally", "... Conditionally"), "VM Exits" ("Basic
 * VM-Exit Information": exit reason, exit qualification, instruction
 * length), "VM-Execution Control Fields" ("Pin-Based VM-Execution
 * Controls": external-interrupt and NMI exiting), "Guest Non-Register
 * State" (blocking by STI).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/ctype.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/kvm_para.h>
#include <linux/string.h>
#include <asm/irq_vectors.h>
#include <asm/processor.h>
#include <asm/vmx.h>

#include "ept_violation.h"
#include "exit_loop.h"
#include "vcpu.h"

/* The 12 bytes our CPUID leaf 0x40000000 returns (KVM's is "KVMKVMKVM"). */
static const char hv_signature[SIGNATURE_LEN + 1] = "CourseHVisor";

/* book:begin budget */
/*
 * A guest must never keep the host: after this many VM exits, or this much
 * time, the guest is stopped. A guest that spins without exiting still
 * exits on each host timer interrupt (external-interrupt exiting), so the
 * time check runs; the limit stays far below the kernel's soft-lockup
 * (20 s) and RCU-stall (21 s) warnings, since this CPU runs nothing else
 * meanwhile.
 */
static unsigned int exit_budget = 1000;
module_param(exit_budget, uint, 0444);
MODULE_PARM_DESC(exit_budget, "VM exits after which the guest is stopped");
#define GUEST_TIME_BUDGET_MS 2000
/* book:end budget */

/* book:begin controls */
/*
 * Exits the loop asks for, on top of the guest's own (vcpu.c): external
 * interrupts and NMIs (the host keeps its interrupts while the guest runs),
 * all I/O instructions (a ring-0 guest stays away from the host's devices).
 * CPUID and VMCALL exit unconditionally.
 */
const struct vmx_controls exit_loop_controls = {
	.pin = PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING,
	.proc = CPU_BASED_UNCOND_IO_EXITING,
};
/* book:end controls */

int skip_instruction(u64 len)
{
	const struct vmcs_field_value rip =
		VMCS_FIELD(GUEST_RIP, vmcs_read(GUEST_RIP) + len);

	return vmcs_write_fields(&rip, 1) ?: EXIT_RESUME_GUEST;
}

void guest_text_sanitize(char *text, size_t len, const char *forbidden)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isascii(text[i]) || !isprint(text[i]) ||
		    strchr(forbidden, text[i]))
			text[i] = '.';
}

/* CPUID and VMCALL: the CPU reports how long the instruction was. */
static int skip_exiting_instruction(void)
{
	return skip_instruction(vmcs_read(VM_EXIT_INSTRUCTION_LEN));
}

static int handle_cpuid(struct vcpu *vcpu)
{
	unsigned long *gpr = vcpu->regs.gpr;
	u32 leaf = gpr[GPR_RAX], subleaf = gpr[GPR_RCX];
	u32 eax, ebx, ecx, edx, ebx_ecx_edx[3];

	static_assert(sizeof(ebx_ecx_edx) == SIGNATURE_LEN);
	if (leaf == GUEST_CPUID_SIGNATURE_LEAF) {
		memcpy(ebx_ecx_edx, hv_signature, SIGNATURE_LEN);
		eax = GUEST_CPUID_SIGNATURE_LEAF; /* highest leaf we answer */
		ebx = ebx_ecx_edx[0];
		ecx = ebx_ecx_edx[1];
		edx = ebx_ecx_edx[2];
	} else {
		cpuid_count(leaf, subleaf, &eax, &ebx, &ecx, &edx);
	}
	pr_info("  CPUID leaf 0x%x -> eax 0x%x ebx 0x%x ecx 0x%x edx 0x%x\n",
		leaf, eax, ebx, ecx, edx);
	gpr[GPR_RAX] = eax; /* CPUID zero-extends into the 64-bit registers */
	gpr[GPR_RBX] = ebx;
	gpr[GPR_RCX] = ecx;
	gpr[GPR_RDX] = edx;
	return skip_exiting_instruction();
}

/* book:begin vmcall */
static int handle_vmcall(struct vcpu *vcpu)
{
	unsigned long *gpr = vcpu->regs.gpr;
	u32 sig[3] = { gpr[GPR_RBX], gpr[GPR_RCX], gpr[GPR_RDX] };

	static_assert(sizeof(sig) == SIGNATURE_LEN);
	switch (gpr[GPR_RAX]) {
	case HC_REPORT_SIGNATURE:
		memcpy(vcpu->signature_seen, sig, SIGNATURE_LEN);
		guest_text_sanitize(vcpu->signature_seen, SIGNATURE_LEN,
				    " \"\\");
		pr_info("  VMCALL HC_REPORT_SIGNATURE: the guest saw \"%s\"\n",
			vcpu->signature_seen);
		gpr[GPR_RAX] = 0;
		break;
	case HC_REPORT_RESULT:
		vcpu->result = gpr[GPR_RBX];
		vcpu->has_result = true;
		pr_info("  VMCALL HC_REPORT_RESULT: 0x%llx\n", vcpu->result);
		gpr[GPR_RAX] = 0;
		break;
	default:
		pr_info("  VMCALL %lu: no such hypercall\n", gpr[GPR_RAX]);
		gpr[GPR_RAX] = -KVM_ENOSYS;
	}
	return skip_exiting_instruction();
}
/* book:end vmcall */

static int handle_hlt(struct vcpu *vcpu)
{
	pr_info("  HLT: the guest is done\n");
	return EXIT_STOP_GUEST;
}

/* book:begin external_interrupt */
/*
 * An interrupt arrived for the host while the guest ran. It is still
 * pending (we did not ask the exit to acknowledge it): opening the host's
 * interrupt window for a moment lets the host's own handler take it. STI
 * blocks interrupts until the end of the next instruction, so one
 * instruction must come between STI and CLI, or the window never opens
 * and the guest's next entry exits again at once, for ever.
 */
static int handle_external_interrupt(struct vcpu *vcpu)
{
	local_irq_enable();
	asm volatile("nop"); /* the instruction in the STI shadow */
	local_irq_disable();
	return EXIT_RESUME_GUEST;
}
/* book:end external_interrupt */

/*
 * With NMI exiting, an NMI that arrives in the guest causes this exit and is
 * then gone: hand it to the host's NMI handler ourselves, the way KVM did for
 * years. Exceptions do not exit here (EXCEPTION_BITMAP = 0).
 */
static int handle_exception_nmi(struct vcpu *vcpu)
{
	u32 info = vmcs_read(VM_EXIT_INTR_INFO);

	if ((info & INTR_INFO_VALID_MASK) &&
	    (info & INTR_INFO_INTR_TYPE_MASK) == INTR_TYPE_NMI_INTR) {
		asm volatile("int %[vector]" : : [vector] "i"(NMI_VECTOR));
		return EXIT_RESUME_GUEST;
	}
	pr_err("  unexpected exception exit, interruption info 0x%x\n", info);
	return -EIO;
}

/* book:begin table */
typedef int (*exit_handler_t)(struct vcpu *vcpu);

static const exit_handler_t exit_handlers[VMX_NR_EXIT_REASONS] = {
	[EXIT_REASON_EXCEPTION_NMI] = handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_external_interrupt,
	[EXIT_REASON_CPUID] = handle_cpuid,
	[EXIT_REASON_HLT] = handle_hlt,
	[EXIT_REASON_VMCALL] = handle_vmcall,
	[EXIT_REASON_EPT_VIOLATION] = handle_ept_violation,
};
/* book:end table */

/* book:begin dispatch */
/* Log the exit and call its handler: returns an enum exit_action. */
static int dispatch_exit(struct vcpu *vcpu, u32 reason)
{
	u32 basic = reason & VMX_EXIT_REASON_BASIC_MASK;

	if (basic >= VMX_NR_EXIT_REASONS || !exit_handlers[basic]) {
		pr_err("exit %u: %s (%u), exit qualification 0x%llx, at rip 0x%llx: not handled, stopping the guest\n",
		       vcpu->nr_exits, vmx_exit_reason_name(reason), basic,
		       vmcs_read(EXIT_QUALIFICATION), vmcs_read(GUEST_RIP));
		return -EIO;
	}
	/* EPT violations are many: their handler logs the interesting ones. */
	if (basic != EXIT_REASON_EXTERNAL_INTERRUPT &&
	    basic != EXIT_REASON_EPT_VIOLATION)
		pr_info("exit %u: %s (%u) at rip 0x%llx\n", vcpu->nr_exits,
			vmx_exit_reason_name(reason), basic,
			vmcs_read(GUEST_RIP));
	return exit_handlers[basic](vcpu);
}
/* book:end dispatch */

/* EXIT_RESUME_GUEST while the guest has budget left, else -ETIMEDOUT. */
static int check_budget(struct vcpu *vcpu, unsigned long deadline)
{
	if (vcpu->nr_exits >= exit_budget) {
		pr_err("exit budget used up: %u VM exits (exit_budget=%u), stopping the guest\n",
		       vcpu->nr_exits, exit_budget);
		return -ETIMEDOUT;
	}
	if (time_after(jiffies, deadline)) {
		pr_err("time budget used up: %u ms and %u VM exits, stopping the guest\n",
		       GUEST_TIME_BUDGET_MS, vcpu->nr_exits);
		return -ETIMEDOUT;
	}
	return EXIT_RESUME_GUEST;
}

/* book:begin run */
/*
 * Interrupts stay off in the host from the first entry to the end: the
 * guest runs with external-interrupt and NMI exiting, so a host interrupt
 * forces a VM exit, and handle_external_interrupt() lets the host take it
 * between two entries. With preemption off (our caller) nothing moves us
 * away from this CPU, whose current VMCS this is. Every exit is charged
 * against the guest's budget.
 */
int exit_loop_run(struct vcpu *vcpu)
{
	unsigned long deadline =
		jiffies + msecs_to_jiffies(GUEST_TIME_BUDGET_MS);
	unsigned long flags;
	u32 reason;
	int ret;

	local_irq_save(flags);
	do {
		ret = vcpu_enter(vcpu, &reason);
		if (ret)
			break;
		ret = dispatch_exit(vcpu, reason);
		if (ret == EXIT_RESUME_GUEST)
			ret = check_budget(vcpu, deadline);
	} while (ret == EXIT_RESUME_GUEST);
	local_irq_restore(flags);
	return ret; /* EXIT_STOP_GUEST (0) or -errno */
}
/* book:end run */
