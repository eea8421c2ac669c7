// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu.c - a virtual CPU for a guest with its own physical memory (EPT),
 * that starts in real mode (unrestricted guest), and one trip into it and
 * back (VMLAUNCH, a VM exit, the host's state put back). With the
 * `guest=hlt` parameter the module stops there: the guest is one HLT.
 * Otherwise the exit loop (exit_loop.c) runs the full guest (guest.asm),
 * whose EPT violations ept_violation.c handles.
 *
 * Runs in the kernel module, VMX root operation, on one CPU with preemption
 * off, and interrupts off in the host while the guest runs.
 *
 * Spec: Intel SDM Vol. 3, "VM Entries" ("Checks on VMX Controls and
 * Host-State Area", "Checks on the Guest State Area", "VM-Entry Failures
 * During or After Loading Guest State"), "VM Exits" ("Loading Host State":
 * "Loading Host Segment and Descriptor-Table Registers", "Loading Host
 * Control Registers, Debug Registers, MSRs"), "Guest-State Area",
 * "Unrestricted Guests", "EPT Translation Mechanism", "Invalidating Cached
 * Translation Information".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/gfp.h>
#include <linux/irqflags.h>
#include <linux/kvm_para.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/vmx.h>

#include "ept.h"
#include "exit_loop.h"
#include "vcpu.h"
#include "vmx_insn.h"

/* book:begin guests */
/* Linked in from guest_image.S: the guests' code (guest_hlt.asm, guest.asm). */
extern const u8 guest_hlt_image_start[], guest_hlt_image_end[];
extern const u8 guest_image_start[], guest_image_end[];

/*
 * The guests this module runs (the `guest` parameter): how each one runs,
 * and the controls that needs on top of the guest's own.
 */
struct guest_image {
	const char *name;
	const u8 *start, *end;
	int (*run)(struct vcpu *vcpu);
	const struct vmx_controls *run_controls;
};

static int vcpu_launch_once(struct vcpu *vcpu);

static const struct guest_image guest_images[] = {
	{ "hlt", guest_hlt_image_start, guest_hlt_image_end, vcpu_launch_once,
	  NULL },
	{ "full", guest_image_start, guest_image_end, exit_loop_run,
	  &exit_loop_controls },
};

static char *guest = "full";
module_param(guest, charp, 0444);
MODULE_PARM_DESC(guest, "hlt (one VMLAUNCH, one exit) | full (the exit loop)");
/* book:end guests */

/* A deliberately broken VMCS, to see how the CPU refuses it. */
static char *break_state = "none";
module_param(break_state, charp, 0444);
MODULE_PARM_DESC(break_state,
		 "none | guest (clear RFLAGS bit 1) | host (null HOST_CS)");

/* DR7 bit 10 always reads as 1 ("Debug Control Register (DR7)"). */
#define DR7_FIXED_1 0x400
/* Real-mode segments: 64 KiB. */
#define SEG_LIMIT_REAL_MODE 0xffff
/* Segment types ("Code- and Data-Segment Types"), accessed bit set. */
#define SEG_TYPE_DATA_RW_ACCESSED 0x3
#define SEG_TYPE_CODE_XR_ACCESSED 0xb

#define AR_PRESENT_DPL0_S (VMX_AR_P_MASK | VMX_AR_S_MASK)
#define AR_CODE16	  (AR_PRESENT_DPL0_S | SEG_TYPE_CODE_XR_ACCESSED)
#define AR_DATA16	  (AR_PRESENT_DPL0_S | SEG_TYPE_DATA_RW_ACCESSED)
#define AR_TSS32_BUSY	  (VMX_AR_P_MASK | VMX_AR_TYPE_BUSY_32_TSS)

/* book:begin guest_state */
/*
 * The guest starts like a PC after its boot sector was loaded: real mode,
 * CS:IP = 0000:7C00, paging and protection off, every segment a 64 KiB
 * window at 0, and an EFER of its own (0). Only unrestricted guest makes
 * this state legal: it exempts CR0.PE and CR0.PG from IA32_VMX_CR0_FIXED0;
 * every other fixed bit (CR0.NE, CR4.VMXE) still applies.
 */
static void guest_state_real_mode(const struct vmx_caps *caps,
				  struct vmcs_guest_state *gs)
{
	const struct vmcs_segment code = {
		.limit = SEG_LIMIT_REAL_MODE,
		.ar = AR_CODE16,
	};
	const struct vmcs_segment data = {
		.limit = SEG_LIMIT_REAL_MODE,
		.ar = AR_DATA16,
	};
	const struct vmcs_segment unusable = { .ar = VMX_AR_UNUSABLE_MASK };
	/* VM entry wants a usable, busy TSS even in real mode. */
	const struct vmcs_segment tss = {
		.limit = SEG_LIMIT_REAL_MODE,
		.ar = AR_TSS32_BUSY,
	};
	u64 cr0_fixed0 = caps->cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);
	unsigned int i;

	memset(gs, 0, sizeof(*gs));
	gs->cr0 = vmx_fixed_apply(X86_CR0_ET, cr0_fixed0, caps->cr0_fixed1);
	gs->cr3 = 0;
	gs->cr4 = vmx_fixed_apply(0, caps->cr4_fixed0, caps->cr4_fixed1);
	gs->dr7 = DR7_FIXED_1;
	gs->efer = 0;
	gs->rip = GUEST_LOAD_ADDR;
	gs->rsp = GUEST_STACK_TOP;
	gs->rflags = X86_EFLAGS_FIXED;
	gs->gdtr_limit = SEG_LIMIT_REAL_MODE;
	gs->idtr_limit = SEG_LIMIT_REAL_MODE;

	for (i = 0; i < VMCS_NR_SEGS; i++)
		gs->seg[i] = data;
	gs->seg[VMCS_SEG_CS] = code;
	gs->seg[VMCS_SEG_LDTR] = unusable;
	gs->seg[VMCS_SEG_TR] = tss;
}
/* book:end guest_state */

/* book:begin controls */
/*
 * What this guest needs to run at all, and its one way back: HLT exits.
 * New in step04: EPT (the guest's physical memory is ours to map) and
 * unrestricted guest (real mode runs natively); the guest's EFER is loaded
 * on entry and the host's on exit, since they differ now. We return to a
 * 64-bit host. The exit loop adds its own (exit_loop_controls).
 */
static const struct vmx_controls vcpu_controls = {
	.proc = CPU_BASED_HLT_EXITING,
	.proc2 = SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_UNRESTRICTED_GUEST,
	.exit = VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_LOAD_IA32_EFER,
	.entry = VM_ENTRY_LOAD_IA32_EFER,
};
/* book:end controls */

static void vmx_controls_add(struct vmx_controls *to,
			     const struct vmx_controls *more)
{
	to->pin |= more->pin;
	to->proc |= more->proc;
	to->proc2 |= more->proc2;
	to->exit |= more->exit;
	to->entry |= more->entry;
}

/* The guest image the `guest` parameter names, after checking both. */
static int check_params(const struct guest_image **gi)
{
	unsigned int i;

	if (strcmp(break_state, "none") && strcmp(break_state, "guest") &&
	    strcmp(break_state, "host")) {
		pr_err("break_state=%s: not none, guest or host\n",
		       break_state);
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(guest_images); i++) {
		if (!strcmp(guest, guest_images[i].name)) {
			*gi = &guest_images[i];
			return 0;
		}
	}
	pr_err("guest=%s: not hlt or full\n", guest);
	return -EINVAL;
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

/* book:begin host_extra */
/*
 * What a VM exit changes in the host and the host-state area has no field
 * for, or holds as null (vmcs.c): LDTR (left null), the DS, ES, FS and GS
 * selectors of the current process, the GDTR and IDTR limits (set to
 * 0xffff), DR7 (set to 0x400), IA32_DEBUGCTL (cleared). ("Loading Host
 * State": "Loading Host Segment and Descriptor-Table Registers", "Loading
 * Host Control Registers, Debug Registers, MSRs".) A guest could also
 * SWAPGS: IA32_KERNEL_GS_BASE, the process's own GS base, is not switched.
 * The TR limit becomes 0x67 too, which hides the TSS's I/O bitmap: the
 * kernel has invalidate_tss_limit() for exactly this (KVM calls it), so the
 * limit is reloaded before a task that uses ioperm() runs on this CPU.
 */
struct host_extra_state {
	u16 ldt, ds, es, fs, gs;
	u64 fs_base, kernel_gs_base;
	struct desc_ptr gdt, idt;
	unsigned long dr7;
	u64 debugctl;
};

static void host_extra_save(struct host_extra_state *h)
{
	store_ldt(h->ldt);
	savesegment(ds, h->ds);
	savesegment(es, h->es);
	savesegment(fs, h->fs);
	savesegment(gs, h->gs);
	rdmsrl(MSR_FS_BASE, h->fs_base);
	rdmsrl(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	native_store_gdt(&h->gdt);
	store_idt(&h->idt);
	get_debugreg(h->dr7, 7);
	rdmsrl(MSR_IA32_DEBUGCTLMSR, h->debugctl);
}

/*
 * LDTR before the selectors that may point into the LDT, as KVM does
 * (vmx_prepare_switch_to_host(), which reloads the GDT last). The
 * descriptor tables can come first here: after the exit the GDTR limit is
 * 0xffff, so LLDT finds its descriptor either way. Loading a selector
 * reloads its segment's base from the descriptor: the saved bases are
 * written back.
 */
static void host_extra_restore(const struct host_extra_state *h)
{
	native_load_gdt(&h->gdt);
	native_load_idt(&h->idt);
	if (h->ldt)
		asm volatile("lldt %0" : : "rm"(h->ldt));
	loadsegment(ds, h->ds);
	loadsegment(es, h->es);
	if (h->fs) {
		loadsegment(fs, h->fs);
		wrmsrl(MSR_FS_BASE, h->fs_base);
	}
	if (h->gs)
		load_gs_index(h->gs);
	wrmsrl(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	if (h->dr7 != DR7_FIXED_1)
		set_debugreg(h->dr7, 7);
	if (h->debugctl)
		wrmsrl(MSR_IA32_DEBUGCTLMSR, h->debugctl);
	invalidate_tss_limit();
}
/* book:end host_extra */

/* book:begin entry_failure */
/*
 * VMLAUNCH/VMRESUME can fail in two ways. If a check on the controls or the
 * host state fails, the instruction fails (VMfailValid, with a VM-instruction
 * error number) and the guest never starts. If a check on the guest state
 * fails, the CPU reports a VM exit whose reason has bit 31 set.
 */
static int report_entry_failure(const char *insn, int status, u32 reason)
{
	u32 basic = reason & VMX_EXIT_REASON_BASIC_MASK;
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
	       insn, reason, vmx_exit_reason_name(reason), basic);
	if (basic == EXIT_REASON_INVALID_STATE)
		pr_err("%s: exit qualification %llu = %s: %s\n", insn, qual,
		       vmx_entry_failure_name(qual),
		       vmx_entry_failure_meaning(qual));
	else
		pr_err("%s: exit qualification 0x%llx\n", insn, qual);
	pr_err("guest-state area as the CPU saw it:\n");
	vmcs_dump_guest_state();
	return -EINVAL;
}
/* book:end entry_failure */

/* book:begin enter */
int vcpu_enter(struct vcpu *vcpu, u32 *reason)
{
	const char *insn = vcpu->launched ? "VMRESUME" : "VMLAUNCH";
	struct host_extra_state host;
	u32 basic;
	int status;

	host_extra_save(&host);
	status = __vmx_enter_guest(&vcpu->regs, vcpu->launched);
	host_extra_restore(&host);

	*reason = status == VMX_ENTRY_EXITED ? vmcs_read(VM_EXIT_REASON) : 0;
	if (status != VMX_ENTRY_EXITED ||
	    (*reason & VMX_EXIT_REASONS_FAILED_VMENTRY))
		return report_entry_failure(insn, status, *reason);
	vcpu->launched = true;
	vcpu->nr_exits++;
	basic = *reason & VMX_EXIT_REASON_BASIC_MASK;
	if (basic < VMX_NR_EXIT_REASONS)
		vcpu->exits[basic]++;
	return 0;
}
/* book:end enter */

/* book:begin launch */
/*
 * guest=hlt: one VMLAUNCH, one VM exit, back. Host interrupts stay off
 * meanwhile and wait in the local APIC (no external-interrupt exiting
 * here): this guest runs for one instruction.
 */
static int vcpu_launch_once(struct vcpu *vcpu)
{
	unsigned long flags;
	u32 reason;
	int err;

	local_irq_save(flags);
	err = vcpu_enter(vcpu, &reason);
	local_irq_restore(flags);
	if (err)
		return err;
	pr_info("exit %u: %s (%u) at rip 0x%llx: back in VMX root operation\n",
		vcpu->nr_exits, vmx_exit_reason_name(reason),
		reason & VMX_EXIT_REASON_BASIC_MASK, vmcs_read(GUEST_RIP));
	return 0;
}
/* book:end launch */

static int vcpu_setup(struct vcpu *vcpu, const struct vmx_caps *caps,
		      const struct guest_image *gi)
{
	const struct vmcs_field_value eptp =
		VMCS_FIELD(EPT_POINTER, vcpu->mem.eptp);
	struct vmx_controls want = vcpu_controls;
	struct vmcs_guest_state gs;

	if (gi->run_controls)
		vmx_controls_add(&want, gi->run_controls);
	guest_state_real_mode(caps, &gs);
	apply_break_state(&gs);
	return vmcs_setup_controls(caps, &want) ?: vmcs_write_fields(&eptp, 1) ?:
	       vmcs_setup_host_state() ?: vmcs_setup_guest_state(&gs) ?:
	       apply_break_state_host();
}

/* book:begin memory */
/*
 * Guest-physical memory at the start: GUEST_RAM_SIZE bytes of RAM from GPA
 * 0 with the image at GUEST_LOAD_ADDR. The demand region and the device
 * are left unmapped on purpose.
 */
static int vcpu_create_memory(struct vcpu *vcpu, const struct vmx_caps *caps,
			      const struct guest_image *gi)
{
	size_t image_size = gi->end - gi->start;
	u64 gpa;
	int err;

	err = guest_memory_create(&vcpu->mem, caps);
	for (gpa = GUEST_RAM_BASE;
	     !err && gpa < GUEST_RAM_BASE + GUEST_RAM_SIZE;
	     gpa += EPT_PAGE_SIZE)
		err = guest_memory_map(&vcpu->mem, gpa, VMX_EPT_RWX_MASK,
				       GFP_KERNEL);
	if (!err)
		err = guest_memory_write(&vcpu->mem, GUEST_LOAD_ADDR, gi->start,
					 image_size);
	if (err)
		return err;
	pr_info("guest RAM: GPA 0x%x-0x%x in %u pages (%u EPT tables), image of %zu bytes at GPA 0x%x\n",
		GUEST_RAM_BASE, GUEST_RAM_BASE + GUEST_RAM_SIZE - 1,
		vcpu->mem.nr_pages, vcpu->mem.nr_tables, image_size,
		GUEST_LOAD_ADDR);
	pr_info("not mapped: demand region GPA 0x%x (%u pages), console device GPA 0x%x\n",
		GUEST_DEMAND_BASE, GUEST_DEMAND_PAGES, GUEST_DEVICE_BASE);
	return 0;
}
/* book:end memory */

/* What the guest did, for the log and lab.sh: the hypervisor reports. */
static void vcpu_report(const struct vcpu *vcpu)
{
	char result[24] = "none";

	if (vcpu->has_result)
		snprintf(result, sizeof(result), "0x%llx", vcpu->result);
	pr_info("console: %u reads of CONSOLE_STATUS and %u writes to CONSOLE_DATA emulated\n",
		vcpu->console.reads, vcpu->console.writes);
	pr_info("result ept_violations=%u demand_pages=%u console=\"%s\" result=%s\n",
		vcpu->ept_violations, vcpu->demand_pages, vcpu->console.text,
		result);
}

/* book:begin run_guest */
int vcpu_run_guest(const struct vmx_caps *caps)
{
	const struct guest_image *gi;
	struct vcpu *vcpu;
	int err;

	BUILD_BUG_ON(VMX_ENTRY_HOST_RSP != HOST_RSP);
	BUILD_BUG_ON(GUEST_CPUID_SIGNATURE_LEAF != KVM_CPUID_SIGNATURE);
	BUILD_BUG_ON(GUEST_PAGE_SIZE != EPT_PAGE_SIZE);

	err = check_params(&gi);
	if (err)
		return err;
	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL);
	if (!vcpu)
		return -ENOMEM;
	err = vcpu_create_memory(vcpu, caps, gi)
		      ?: vmcs_create(&vcpu->vmcs, caps);
	if (err)
		goto out;

	/* From VMCLEAR/VMPTRLD to the last VMCLEAR: this CPU, no other. */
	preempt_disable();
	err = vmcs_load(&vcpu->vmcs);
	if (!err) {
		pr_info("guest=%s: %zu-byte image at GPA 0x%x\n", gi->name,
			gi->end - gi->start, GUEST_LOAD_ADDR);
		/*
		 * Our PML4 page may have been an earlier EPT's root, with
		 * translations still cached on this CPU under the same EPTP.
		 */
		err = guest_memory_invalidate(&vcpu->mem) ?:
		      vcpu_setup(vcpu, caps, gi) ?: gi->run(vcpu);
		err = vmcs_unload(&vcpu->vmcs) ?: err;
		/* Nothing cached from this EPT may outlive its pages. */
		err = guest_memory_invalidate(&vcpu->mem) ?: err;
	}
	preempt_enable();
	if (!err)
		vcpu_report(vcpu);
out:
	vmcs_destroy(&vcpu->vmcs);
	guest_memory_destroy(&vcpu->mem);
	kfree(vcpu);
	return err;
}
/* book:end run_guest */
