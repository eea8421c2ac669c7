// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu.c - step03's virtual CPU: set up a VMCS for a 64-bit guest that runs
 * on the host's page tables, VMLAUNCH it, dispatch its VM exits, VMRESUME it
 * until it halts.
 *
 * Runs in the kernel module, VMX root operation, on one CPU with preemption
 * and interrupts off while the guest runs (see vcpu_run() for interrupts).
 *
 * Spec: Intel SDM Vol. 3, "VMX Non-Root Operation" ("Instructions That
 * Cause VM Exits"), "VM Entries" ("Checks on the Guest State Area",
 * "VM-Entry Failures During or After Loading Guest State"), "VM Exits"
 * ("Basic VM-Exit Information", "Loading Host State"), "VM-Execution
 * Control Fields" ("Pin-Based VM-Execution Controls": external-interrupt
 * and NMI exiting).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/ctype.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/kvm_para.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/kvm_para.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/vmx.h>

#include "vcpu.h"
#include "vmx_insn.h"

/* The 12 bytes our CPUID leaf 0x40000000 returns (KVM's is "KVMKVMKVM"). */
static const char hv_signature[SIGNATURE_LEN + 1] = "CourseHVisor";

/* A deliberately broken VMCS, to see how the CPU refuses it. */
static char *break_state = "none";
module_param(break_state, charp, 0444);
MODULE_PARM_DESC(break_state,
		 "none | guest (clear RFLAGS bit 1 in the guest state) | host (zero HOST_CS_SELECTOR)");

/* book:begin budget */
/*
 * A guest must never keep the host: after this many VM exits, or this much
 * time, the guest is stopped. A guest that spins without exiting still
 * exits on each host timer interrupt (external-interrupt exiting), so the
 * time check runs; the limit stays far below the kernel's soft-lockup and
 * RCU-stall warnings (20 s), since this CPU runs nothing else meanwhile.
 */
static unsigned int exit_budget = 1000;
module_param(exit_budget, uint, 0444);
MODULE_PARM_DESC(exit_budget, "VM exits after which the guest is stopped (default 1000)");
#define GUEST_TIME_BUDGET_MS	2000
/* book:end budget */

/* Linked in from guest_image.S: the guest's code (guest.asm). */
extern const u8 guest_image_start[], guest_image_end[];

/* DR7 bit 10 always reads as 1 ("Debug Control Register (DR7)"). */
#define DR7_FIXED_1		0x400
/* Flat segments: limit 4 GiB - 1 with 4 KiB granularity. */
#define SEG_LIMIT_FLAT		0xffffffffu
/* The smallest limit of a 64-bit TSS ("Task-State Segment (TSS)"). */
#define TSS_LIMIT_MIN		0x67
/* Segment types ("Code- and Data-Segment Types"), accessed bit set. */
#define SEG_TYPE_DATA_RW_ACCESSED	0x3
#define SEG_TYPE_CODE_XR_ACCESSED	0xb

#define AR_PRESENT_DPL0_S	(VMX_AR_P_MASK | VMX_AR_S_MASK)
#define AR_CODE64	(AR_PRESENT_DPL0_S | SEG_TYPE_CODE_XR_ACCESSED | \
			 VMX_AR_L_MASK | VMX_AR_G_MASK)
#define AR_DATA		(AR_PRESENT_DPL0_S | SEG_TYPE_DATA_RW_ACCESSED | \
			 VMX_AR_DB_MASK | VMX_AR_G_MASK)
#define AR_TSS64_BUSY	(VMX_AR_P_MASK | VMX_AR_TYPE_BUSY_64_TSS)

/* The return contract of every exit handler. */
enum exit_action {
	EXIT_STOP_GUEST = 0,	/* the guest is done: leave the run loop */
	EXIT_RESUME_GUEST = 1,	/* VMRESUME it */
	/* < 0: -errno, something went wrong: stop */
};

/* book:begin guest_state */
/*
 * The guest is this kernel's twin at the moment of VMLAUNCH: same CR0, CR3
 * (the host's page tables), CR4, code segment, GDT; but its own RIP (the
 * guest image), its own stack, interrupts off (RFLAGS.IF = 0), and an empty
 * IDT: any exception in the guest becomes a triple fault, i.e. a VM exit.
 */
static void guest_state_64bit(struct vcpu *vcpu, struct vmcs_guest_state *gs)
{
	const struct vmcs_segment code = { __KERNEL_CS, 0, SEG_LIMIT_FLAT, AR_CODE64 };
	const struct vmcs_segment data = { __KERNEL_DS, 0, SEG_LIMIT_FLAT, AR_DATA };
	const struct vmcs_segment unusable = { 0, 0, 0, VMX_AR_UNUSABLE_MASK };
	struct desc_ptr gdt;

	native_store_gdt(&gdt);
	memset(gs, 0, sizeof(*gs));
	gs->cr0 = read_cr0();
	gs->cr3 = __read_cr3();
	gs->cr4 = __read_cr4();
	gs->dr7 = DR7_FIXED_1;
	gs->rip = (unsigned long)guest_image_start;
	gs->rsp = (unsigned long)vcpu->stack + GUEST_STACK_SIZE;
	gs->rflags = X86_EFLAGS_FIXED;
	gs->gdtr_base = gdt.address;
	gs->gdtr_limit = gdt.size;
	gs->idtr_base = 0;
	gs->idtr_limit = 0;

	gs->seg[VMCS_SEG_CS] = code;
	gs->seg[VMCS_SEG_SS] = data;
	gs->seg[VMCS_SEG_DS] = data;
	gs->seg[VMCS_SEG_ES] = data;
	gs->seg[VMCS_SEG_FS] = unusable;
	gs->seg[VMCS_SEG_GS] = unusable;
	gs->seg[VMCS_SEG_LDTR] = unusable;
	gs->seg[VMCS_SEG_TR] = (struct vmcs_segment){ native_store_tr(), cpu_tss_base(),
						      TSS_LIMIT_MIN, AR_TSS64_BUSY };
}
/* book:end guest_state */

/* book:begin controls */
/*
 * Exits we ask for: external interrupts and NMIs (the host keeps its
 * interrupts while the guest runs), HLT (the guest's way to stop), all I/O
 * instructions. CPUID and VMCALL exit unconditionally. The guest is a 64-bit
 * guest (IA-32e mode), and we return to a 64-bit host.
 */
static const struct vmx_controls step03_controls = {
	.pin = PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING,
	.proc = CPU_BASED_HLT_EXITING | CPU_BASED_UNCOND_IO_EXITING,
	.exit = VM_EXIT_HOST_ADDR_SPACE_SIZE,
	.entry = VM_ENTRY_IA32E_MODE,
};
/* book:end controls */

static int check_break_state(void)
{
	if (strcmp(break_state, "none") && strcmp(break_state, "guest") &&
	    strcmp(break_state, "host")) {
		pr_err("break_state=%s: not none, guest or host\n", break_state);
		return -EINVAL;
	}
	return 0;
}

static void apply_break_state(struct vmcs_guest_state *gs)
{
	if (!strcmp(break_state, "guest")) {
		gs->rflags &= ~X86_EFLAGS_FIXED;
		pr_info("break_state=guest: GUEST_RFLAGS bit 1 cleared (reserved, must be 1)\n");
	}
}

static int apply_break_state_host(void)
{
	const struct vmcs_field_value bad = VMCS_FIELD(HOST_CS_SELECTOR, 0);

	if (strcmp(break_state, "host"))
		return 0;
	pr_info("break_state=host: HOST_CS_SELECTOR = 0 (must not be null)\n");
	return vmcs_write_fields(&bad, 1);
}

/* Move GUEST_RIP past the instruction that caused this exit. */
static int skip_instruction(void)
{
	const struct vmcs_field_value rip = VMCS_FIELD(GUEST_RIP,
		vmcs_read(GUEST_RIP) + vmcs_read(VM_EXIT_INSTRUCTION_LEN));

	return vmcs_write_fields(&rip, 1) ?: EXIT_RESUME_GUEST;
}

/*
 * Bytes the guest chose end up in the kernel log and in the verdict line,
 * where a blank or a quote would end the value: anything but printable
 * ASCII becomes '.', and so does every character in @forbidden.
 */
static void guest_text_sanitize(char *text, size_t len, const char *forbidden)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isascii(text[i]) || !isprint(text[i]) ||
		    strchr(forbidden, text[i]))
			text[i] = '.';
}

/* book:begin handlers */
static int handle_cpuid(struct vcpu *vcpu)
{
	unsigned long *gpr = vcpu->regs.gpr;
	u32 leaf = gpr[GPR_RAX], subleaf = gpr[GPR_RCX];
	u32 eax, ebx, ecx, edx;

	if (leaf == GUEST_CPUID_SIGNATURE_LEAF) {
		eax = GUEST_CPUID_SIGNATURE_LEAF;	/* highest leaf we answer */
		memcpy(&ebx, hv_signature + 0, 4);
		memcpy(&ecx, hv_signature + 4, 4);
		memcpy(&edx, hv_signature + 8, 4);
	} else {
		cpuid_count(leaf, subleaf, &eax, &ebx, &ecx, &edx);
	}
	pr_info("  CPUID leaf 0x%x -> eax 0x%x ebx 0x%x ecx 0x%x edx 0x%x\n",
		leaf, eax, ebx, ecx, edx);
	gpr[GPR_RAX] = eax;	/* CPUID zero-extends into the 64-bit registers */
	gpr[GPR_RBX] = ebx;
	gpr[GPR_RCX] = ecx;
	gpr[GPR_RDX] = edx;
	return skip_instruction();
}

static int handle_vmcall(struct vcpu *vcpu)
{
	unsigned long *gpr = vcpu->regs.gpr;
	u32 sig[3] = { gpr[GPR_RBX], gpr[GPR_RCX], gpr[GPR_RDX] };

	switch (gpr[GPR_RAX]) {
	case HC_REPORT_SIGNATURE:
		memcpy(vcpu->signature_seen, sig, SIGNATURE_LEN);
		guest_text_sanitize(vcpu->signature_seen, SIGNATURE_LEN, " \"\\");
		pr_info("  VMCALL HC_REPORT_SIGNATURE: the guest saw \"%s\"\n",
			vcpu->signature_seen);
		gpr[GPR_RAX] = 0;
		break;
	case HC_REPORT_RESULT:
		vcpu->result = gpr[GPR_RBX];
		vcpu->has_result = true;
		pr_info("  VMCALL HC_REPORT_RESULT: %llu\n", vcpu->result);
		gpr[GPR_RAX] = 0;
		break;
	default:
		pr_info("  VMCALL %lu: no such hypercall\n", gpr[GPR_RAX]);
		gpr[GPR_RAX] = -KVM_ENOSYS;
	}
	return skip_instruction();
}

static int handle_hlt(struct vcpu *vcpu)
{
	pr_info("  HLT: the guest is done\n");
	return EXIT_STOP_GUEST;
}

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
	asm volatile("nop");	/* the instruction in the STI shadow */
	local_irq_disable();
	return EXIT_RESUME_GUEST;
}

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
		asm volatile("int $2");
		return EXIT_RESUME_GUEST;
	}
	pr_err("  unexpected exception exit, interruption info 0x%x\n", info);
	return -EIO;
}

typedef int (*exit_handler_t)(struct vcpu *vcpu);

static const exit_handler_t exit_handlers[VMX_NR_EXIT_REASONS] = {
	[EXIT_REASON_EXCEPTION_NMI] = handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_external_interrupt,
	[EXIT_REASON_CPUID] = handle_cpuid,
	[EXIT_REASON_HLT] = handle_hlt,
	[EXIT_REASON_VMCALL] = handle_vmcall,
};
/* book:end handlers */

/* book:begin dispatch */
/* Count the exit, log it, call its handler: returns an enum exit_action. */
static int dispatch_exit(struct vcpu *vcpu, u32 reason)
{
	u32 basic = reason & VMX_EXIT_REASON_BASIC_MASK;

	vcpu->nr_exits++;
	if (basic >= VMX_NR_EXIT_REASONS || !exit_handlers[basic]) {
		pr_err("exit %u: %s (%u), exit qualification 0x%llx, at rip 0x%llx: not handled, stopping the guest\n",
		       vcpu->nr_exits, vmx_exit_reason_name(reason), basic,
		       vmcs_read(EXIT_QUALIFICATION), vmcs_read(GUEST_RIP));
		return -EIO;
	}
	vcpu->exits[basic]++;
	if (basic != EXIT_REASON_EXTERNAL_INTERRUPT)
		pr_info("exit %u: %s (%u) at rip 0x%llx\n", vcpu->nr_exits,
			vmx_exit_reason_name(reason), basic, vmcs_read(GUEST_RIP));
	return exit_handlers[basic](vcpu);
}
/* book:end dispatch */

/* book:begin entry_failure */
/*
 * VMLAUNCH/VMRESUME can fail in two ways. If a check on the controls or the
 * host state fails, the instruction fails (VMfailValid, with a VM-instruction
 * error number) and the guest never starts. If a check on the guest state
 * fails, the CPU reports a VM exit whose reason has bit 31 set.
 */
static int report_entry_failure(const char *insn, int status, u32 reason)
{
	u64 qual;

	if (status & VMX_ENTRY_FAIL_IN_VMWRITE)
		insn = "VMWRITE of HOST_RSP";
	status &= ~VMX_ENTRY_FAIL_IN_VMWRITE;
	if (status == VMX_ENTRY_FAIL_INVALID)
		return vmx_insn_failed(insn, VMX_FAIL_INVALID);
	if (status == VMX_ENTRY_FAIL_VALID)
		return vmx_insn_failed(insn, VMX_FAIL_VALID);

	qual = vmcs_read(EXIT_QUALIFICATION);
	pr_err("%s: VM-entry failure: exit reason 0x%08x = VMX_EXIT_REASONS_FAILED_VMENTRY | %s (%u)\n",
	       insn, reason, vmx_exit_reason_name(reason),
	       reason & VMX_EXIT_REASON_BASIC_MASK);
	if ((reason & VMX_EXIT_REASON_BASIC_MASK) == EXIT_REASON_INVALID_STATE)
		pr_err("%s: exit qualification %llu = %s: %s\n", insn, qual,
		       vmx_entry_failure_name(qual), vmx_entry_failure_meaning(qual));
	else
		pr_err("%s: exit qualification 0x%llx\n", insn, qual);
	pr_err("guest-state area as the CPU saw it:\n");
	vmcs_dump_guest_state();
	return -EINVAL;
}
/* book:end entry_failure */

/* book:begin host_extra */
/*
 * What a VM exit changes in the host and the host-state area has no field
 * for: DS and ES (loaded with our null HOST_DS/ES_SELECTOR), the GDTR and
 * IDTR limits (set to 0xffff), DR7 (set to 0x400), IA32_DEBUGCTL (cleared).
 * ("Loading Host State": "Loading Host Segment and Descriptor-Table
 * Registers", "Loading Host Control Registers, Debug Registers, MSRs".)
 * The TR limit becomes 0x67 too, which hides the TSS's I/O bitmap: the
 * kernel has invalidate_tss_limit() for exactly this (KVM calls it), so the
 * limit is reloaded before a task that uses ioperm() runs on this CPU.
 */
struct host_extra_state {
	u16 ds, es;
	struct desc_ptr gdt, idt;
	unsigned long dr7;
	u64 debugctl;
};

static void host_extra_save(struct host_extra_state *h)
{
	savesegment(ds, h->ds);
	savesegment(es, h->es);
	native_store_gdt(&h->gdt);
	store_idt(&h->idt);
	get_debugreg(h->dr7, 7);
	rdmsrl(MSR_IA32_DEBUGCTLMSR, h->debugctl);
}

static void host_extra_restore(const struct host_extra_state *h)
{
	loadsegment(ds, h->ds);
	loadsegment(es, h->es);
	native_load_gdt(&h->gdt);
	native_load_idt(&h->idt);
	if (h->dr7 != DR7_FIXED_1)
		set_debugreg(h->dr7, 7);
	if (h->debugctl)
		wrmsrl(MSR_IA32_DEBUGCTLMSR, h->debugctl);
	invalidate_tss_limit();
}
/* book:end host_extra */

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
 * The VMRESUME loop. Interrupts stay off in the host from VMLAUNCH to the
 * end: the guest runs with external-interrupt and NMI exiting, so a host
 * interrupt forces a VM exit, and handle_external_interrupt() lets the host
 * take it between two entries. With preemption off (our caller) nothing
 * moves us away from this CPU, whose current VMCS this is. Every exit is
 * charged against the guest's budget.
 */
static int vcpu_run(struct vcpu *vcpu)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(GUEST_TIME_BUDGET_MS);
	struct host_extra_state host;
	unsigned long flags;
	int status, ret;
	u32 reason;

	local_irq_save(flags);
	host_extra_save(&host);
	do {
		const char *insn = vcpu->launched ? "VMRESUME" : "VMLAUNCH";

		status = __vmx_enter_guest(&vcpu->regs, vcpu->launched);
		reason = status == VMX_ENTRY_EXITED ? vmcs_read(VM_EXIT_REASON) : 0;
		if (status != VMX_ENTRY_EXITED ||
		    (reason & VMX_EXIT_REASONS_FAILED_VMENTRY)) {
			ret = report_entry_failure(insn, status, reason);
			break;
		}
		vcpu->launched = true;
		ret = dispatch_exit(vcpu, reason);
		if (ret == EXIT_RESUME_GUEST)
			ret = check_budget(vcpu, deadline);
	} while (ret == EXIT_RESUME_GUEST);
	host_extra_restore(&host);
	local_irq_restore(flags);
	return ret;
}
/* book:end run */

static int vcpu_setup(struct vcpu *vcpu, const struct vmx_caps *caps)
{
	struct vmcs_guest_state gs;

	guest_state_64bit(vcpu, &gs);
	apply_break_state(&gs);
	return vmcs_setup_controls(caps, &step03_controls) ?:
	       vmcs_setup_host_state() ?:
	       vmcs_setup_guest_state(&gs) ?:
	       apply_break_state_host();
}

/* book:begin run_guest */
int vcpu_run_guest(const struct vmx_caps *caps)
{
	struct vcpu *vcpu;
	int err;

	BUILD_BUG_ON(VMX_ENTRY_HOST_RSP != HOST_RSP);
	BUILD_BUG_ON(GUEST_CPUID_SIGNATURE_LEAF != KVM_CPUID_SIGNATURE);

	err = check_break_state();
	if (err)
		return err;
	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL);
	if (!vcpu)
		return -ENOMEM;
	vcpu->stack = (void *)__get_free_page(GFP_KERNEL);
	err = vcpu->stack ? vmcs_create(&vcpu->vmcs, caps) : -ENOMEM;
	if (err)
		goto out;

	/* From VMCLEAR/VMPTRLD to the last VMCLEAR: this CPU, no other. */
	preempt_disable();
	err = vmcs_load(&vcpu->vmcs);
	if (!err) {
		pr_info("guest: %zu bytes of code at 0x%px, stack at 0x%px\n",
			guest_image_end - guest_image_start, guest_image_start,
			vcpu->stack);
		err = vcpu_setup(vcpu, caps) ?: vcpu_run(vcpu);
		err = vmcs_unload(&vcpu->vmcs) ?: err;
	}
	preempt_enable();

	if (!err && !vcpu->has_result)
		err = -EPROTO;
	if (!err)
		pr_info("result exits=cpuid:%u,vmcall:%u,hlt:%u result=%llu signature=%s\n",
			vcpu->exits[EXIT_REASON_CPUID],
			vcpu->exits[EXIT_REASON_VMCALL],
			vcpu->exits[EXIT_REASON_HLT], vcpu->result,
			vcpu->signature_seen);
out:
	vmcs_destroy(&vcpu->vmcs);
	free_page((unsigned long)vcpu->stack);
	kfree(vcpu);
	return err;
}
/* book:end run_guest */
