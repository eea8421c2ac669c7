// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu.c - step04's virtual CPU: a guest with its own physical memory (EPT)
 * that starts in real mode (unrestricted guest); its EPT violations are
 * resolved by demand paging, emulated as a console device, or refused.
 *
 * Runs in the kernel module, VMX root operation, on one CPU with preemption
 * and interrupts off while the guest runs (see vcpu_run() for interrupts).
 *
 * Spec: Intel SDM Vol. 3, "VMX Non-Root Operation" ("Instructions That
 * Cause VM Exits"), "VM Entries" ("Checks on the Guest State Area",
 * "VM-Entry Failures During or After Loading Guest State"), "VM Exits"
 * ("Basic VM-Exit Information", "Loading Host State"), "VM-Execution
 * Control Fields" ("Pin-Based VM-Execution Controls": external-interrupt
 * and NMI exiting; "Secondary Processor-Based VM-Execution Controls": enable
 * EPT, unrestricted guest), "EPT Violations", "Unrestricted Guests".
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

#include "ept.h"
#include "mmio.h"
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

/* Linked in from guest_image.S: the guest's flat binary (guest.asm). */
extern const u8 guest_image_start[], guest_image_end[];

/* DR7 bit 10 always reads as 1 ("Debug Control Register (DR7)"). */
#define DR7_FIXED_1		0x400
/* Real-mode segments: 64 KiB. */
#define SEG_LIMIT_REAL_MODE	0xffff
/* Segment types ("Code- and Data-Segment Types"), accessed bit set. */
#define SEG_TYPE_DATA_RW_ACCESSED	0x3
#define SEG_TYPE_CODE_XR_ACCESSED	0xb

#define AR_PRESENT_DPL0_S	(VMX_AR_P_MASK | VMX_AR_S_MASK)
#define AR_CODE16	(AR_PRESENT_DPL0_S | SEG_TYPE_CODE_XR_ACCESSED)
#define AR_DATA16	(AR_PRESENT_DPL0_S | SEG_TYPE_DATA_RW_ACCESSED)
#define AR_TSS32_BUSY	(VMX_AR_P_MASK | VMX_AR_TYPE_BUSY_32_TSS)

/* The return contract of every exit handler. */
enum exit_action {
	EXIT_STOP_GUEST = 0,	/* the guest is done: leave the run loop */
	EXIT_RESUME_GUEST = 1,	/* VMRESUME it */
	/* < 0: -errno, something went wrong: stop */
};

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
	const struct vmcs_segment code = { 0, 0, SEG_LIMIT_REAL_MODE, AR_CODE16 };
	const struct vmcs_segment data = { 0, 0, SEG_LIMIT_REAL_MODE, AR_DATA16 };
	const struct vmcs_segment unusable = { 0, 0, 0, VMX_AR_UNUSABLE_MASK };
	const struct vmcs_segment tss = { 0, 0, SEG_LIMIT_REAL_MODE, AR_TSS32_BUSY };
	unsigned int i;

	memset(gs, 0, sizeof(*gs));
	gs->cr0 = vmx_fixed_apply(X86_CR0_ET,
				  caps->cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG),
				  caps->cr0_fixed1);
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
	gs->seg[VMCS_SEG_TR] = tss;	/* VM entry wants a usable, busy TSS */
}
/* book:end guest_state */

/* book:begin controls */
/*
 * Exits we ask for: external interrupts and NMIs (the host keeps its
 * interrupts while the guest runs), HLT (the guest's way to stop), all I/O
 * instructions. CPUID and VMCALL exit unconditionally. New in step04: EPT
 * (the guest's physical memory is ours to map) and unrestricted guest (real
 * mode runs natively); the guest's EFER is loaded on entry and the host's
 * on exit, since they differ now. We return to a 64-bit host.
 */
static const struct vmx_controls step04_controls = {
	.pin = PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING,
	.proc = CPU_BASED_HLT_EXITING | CPU_BASED_UNCOND_IO_EXITING,
	.proc2 = SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_UNRESTRICTED_GUEST,
	.exit = VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_LOAD_IA32_EFER,
	.entry = VM_ENTRY_LOAD_IA32_EFER,
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
static int skip_instruction_len(u64 len)
{
	const struct vmcs_field_value rip = VMCS_FIELD(GUEST_RIP,
		vmcs_read(GUEST_RIP) + len);

	return vmcs_write_fields(&rip, 1) ?: EXIT_RESUME_GUEST;
}

static int skip_instruction(void)
{
	return skip_instruction_len(vmcs_read(VM_EXIT_INSTRUCTION_LEN));
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
		pr_info("  VMCALL HC_REPORT_RESULT: 0x%llx\n", vcpu->result);
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

/* book:begin demand */
static bool gpa_in(u64 gpa, u64 base, u64 size)
{
	return gpa >= base && gpa - base < size;
}

/*
 * Demand paging: the guest touched a page of its demand region for the first
 * time. Give it a fresh zeroed page, drop stale cached translations, and let
 * it retry the same instruction (GUEST_RIP is left alone).
 */
static int demand_page(struct vcpu *vcpu, u64 gpa, enum ept_access access)
{
	u64 page = gpa & ~(EPT_PAGE_SIZE - 1);
	int err;

	err = guest_memory_map(&vcpu->mem, page,
			       VMX_EPT_READABLE_MASK | VMX_EPT_WRITABLE_MASK,
			       GFP_ATOMIC) ?:
	      guest_memory_invalidate(&vcpu->mem);
	if (err)
		return err;
	vcpu->demand_pages++;
	pr_info("exit %u: EPT_VIOLATION, %s at GPA 0x%llx: demand page %u of %u mapped\n",
		vcpu->nr_exits, ept_access_name(access), gpa,
		vcpu->demand_pages, GUEST_DEMAND_PAGES);
	return EXIT_RESUME_GUEST;
}
/* book:end demand */

/*
 * mmio_decode() knows 32-bit addressing only (in 16-bit code the same
 * ModRM bytes mean other addresses and lengths), and we read the
 * instruction by guest-physical address: so the guest must be in protected
 * mode, without paging, running 32-bit code.
 */
static bool guest_in_32bit_mode_without_paging(void)
{
	u64 cr0 = vmcs_read(GUEST_CR0);

	return (cr0 & X86_CR0_PE) && !(cr0 & X86_CR0_PG) &&
	       (vmcs_read(GUEST_CS_AR_BYTES) & VMX_AR_DB_MASK);
}

/* book:begin console */
/*
 * The console device: there is no memory behind it, so the VMM performs the
 * access the guest attempted. The exit qualification gives the direction
 * and the GPA; the instruction at the guest's RIP gives the register and
 * the length (read through EPT: the guest runs without paging, so its
 * linear address is a guest-physical address). Anything else: refused.
 */
static int emulate_console(struct vcpu *vcpu, u64 gpa, enum ept_access access)
{
	unsigned long *gpr = vcpu->regs.gpr;
	u64 linear = vmcs_read(GUEST_CS_BASE) + vmcs_read(GUEST_RIP);
	u8 insn[MMIO_INSN_MAX_LEN], value;
	struct mmio_insn mi;

	if (!guest_in_32bit_mode_without_paging() ||
	    guest_memory_read(&vcpu->mem, linear, insn, sizeof(insn)) ||
	    !mmio_decode(insn, sizeof(insn), &mi) ||
	    mi.write != (access == EPT_ACCESS_WRITE))
		return -EOPNOTSUPP;

	if (mi.write && gpa == CONSOLE_DATA) {
		value = gpr[mi.reg];	/* mi.reg < 4: AL, CL, DL or BL */
		if (vcpu->console_len < CONSOLE_MAX) {
			char *c = &vcpu->console[vcpu->console_len++];

			*c = value;
			guest_text_sanitize(c, 1, "\"\\");
		}
	} else if (!mi.write && gpa == CONSOLE_STATUS) {
		value = CONSOLE_STATUS_READY;
		gpr[mi.reg] = (gpr[mi.reg] & ~0xfful) | value;
	} else {
		return -EOPNOTSUPP;	/* no such register */
	}
	if (!vcpu->console_accesses[mi.write]++)
		pr_info("exit %u: EPT_VIOLATION, %s at GPA 0x%llx: console %s, emulated %02x %02x (%s) %s 0x%02x\n",
			vcpu->nr_exits, ept_access_name(access), gpa,
			mi.write ? "CONSOLE_DATA" : "CONSOLE_STATUS",
			insn[0], insn[1],
			mi.write ? "mov [reg], r8" : "mov r8, [reg]",
			mi.write ? "wrote" : "read", value);
	return skip_instruction_len(mi.len);
}
/* book:end console */

/* book:begin ept_violation */
/*
 * EPT_VIOLATION: the guest used a GPA our EPT does not map, or not for that
 * kind of access. Three answers: map RAM on demand, emulate the console,
 * or refuse (and stop the guest) — e.g. executing from the device.
 */
static int handle_ept_violation(struct vcpu *vcpu)
{
	u64 qual = vmcs_read(EXIT_QUALIFICATION);
	u64 gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
	enum ept_access access = ept_violation_access(qual);
	int ret = -EOPNOTSUPP;

	vcpu->ept_violations++;
	if (access != EPT_ACCESS_FETCH &&
	    gpa_in(gpa, GUEST_DEMAND_BASE, GUEST_DEMAND_PAGES * EPT_PAGE_SIZE))
		ret = demand_page(vcpu, gpa, access);
	else if (access != EPT_ACCESS_FETCH &&
		 gpa_in(gpa, GUEST_DEVICE_BASE, GUEST_DEVICE_SIZE))
		ret = emulate_console(vcpu, gpa, access);
	if (ret != -EOPNOTSUPP)
		return ret;

	pr_info("exit %u: EPT_VIOLATION, %s at GPA 0x%llx (exit qualification 0x%llx, entry allowed %c%c%c): refused, guest stopped\n",
		vcpu->nr_exits, ept_access_name(access), gpa, qual,
		ept_violation_allowed(qual) & VMX_EPT_READABLE_MASK ? 'r' : '-',
		ept_violation_allowed(qual) & VMX_EPT_WRITABLE_MASK ? 'w' : '-',
		ept_violation_allowed(qual) & VMX_EPT_EXECUTABLE_MASK ? 'x' : '-');
	vcpu->refused = true;
	return EXIT_STOP_GUEST;
}
/* book:end ept_violation */

typedef int (*exit_handler_t)(struct vcpu *vcpu);

static const exit_handler_t exit_handlers[VMX_NR_EXIT_REASONS] = {
	[EXIT_REASON_EXCEPTION_NMI] = handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_external_interrupt,
	[EXIT_REASON_CPUID] = handle_cpuid,
	[EXIT_REASON_HLT] = handle_hlt,
	[EXIT_REASON_VMCALL] = handle_vmcall,
	[EXIT_REASON_EPT_VIOLATION] = handle_ept_violation,
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
	/* EPT violations are many: their handler logs the interesting ones. */
	if (basic != EXIT_REASON_EXTERNAL_INTERRUPT &&
	    basic != EXIT_REASON_EPT_VIOLATION)
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
	const struct vmcs_field_value eptp = VMCS_FIELD(EPT_POINTER, vcpu->mem.eptp);
	struct vmcs_guest_state gs;

	guest_state_real_mode(caps, &gs);
	apply_break_state(&gs);
	return vmcs_setup_controls(caps, &step04_controls) ?:
	       vmcs_write_fields(&eptp, 1) ?:
	       vmcs_setup_host_state() ?:
	       vmcs_setup_guest_state(&gs) ?:
	       apply_break_state_host();
}

/* book:begin memory */
/*
 * Guest-physical memory at the start: GUEST_RAM_SIZE bytes of RAM from GPA
 * 0 with the image at GUEST_LOAD_ADDR. The demand region and the device
 * are left unmapped on purpose.
 */
static int vcpu_create_memory(struct vcpu *vcpu, const struct vmx_caps *caps)
{
	size_t image_size = guest_image_end - guest_image_start;
	u64 gpa;
	int err;

	err = guest_memory_create(&vcpu->mem, caps);
	for (gpa = GUEST_RAM_BASE; !err && gpa < GUEST_RAM_BASE + GUEST_RAM_SIZE;
	     gpa += EPT_PAGE_SIZE)
		err = guest_memory_map(&vcpu->mem, gpa, VMX_EPT_RWX_MASK,
				       GFP_KERNEL);
	if (!err)
		err = guest_memory_write(&vcpu->mem, GUEST_LOAD_ADDR,
					 guest_image_start, image_size);
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

/* book:begin run_guest */
int vcpu_run_guest(const struct vmx_caps *caps)
{
	struct vcpu *vcpu;
	int err;

	BUILD_BUG_ON(VMX_ENTRY_HOST_RSP != HOST_RSP);
	BUILD_BUG_ON(GUEST_CPUID_SIGNATURE_LEAF != KVM_CPUID_SIGNATURE);
	BUILD_BUG_ON(GUEST_PAGE_SIZE != EPT_PAGE_SIZE);

	err = check_break_state();
	if (err)
		return err;
	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL);
	if (!vcpu)
		return -ENOMEM;
	err = vcpu_create_memory(vcpu, caps) ?: vmcs_create(&vcpu->vmcs, caps);
	if (err)
		goto out;

	/* From VMCLEAR/VMPTRLD to the last VMCLEAR: this CPU, no other. */
	preempt_disable();
	err = vmcs_load(&vcpu->vmcs);
	if (!err) {
		/*
		 * Our PML4 page may have been an earlier EPT's root, with
		 * translations still cached on this CPU under the same EPTP.
		 */
		err = guest_memory_invalidate(&vcpu->mem) ?:
		      vcpu_setup(vcpu, caps) ?: vcpu_run(vcpu);
		err = vmcs_unload(&vcpu->vmcs) ?: err;
		/* Nothing cached from this EPT may outlive its pages. */
		err = guest_memory_invalidate(&vcpu->mem) ?: err;
	}
	preempt_enable();

	if (!err && (!vcpu->has_result || !vcpu->refused))
		err = -EPROTO;
	if (!err)
		pr_info("console: %u reads of CONSOLE_STATUS and %u writes to CONSOLE_DATA emulated\n",
			vcpu->console_accesses[0], vcpu->console_accesses[1]);
	if (!err)
		pr_info("result ept_violations=%u demand_pages=%u console=\"%s\" result=0x%llx\n",
			vcpu->ept_violations, vcpu->demand_pages,
			vcpu->console, vcpu->result);
out:
	vmcs_destroy(&vcpu->vmcs);
	guest_memory_destroy(&vcpu->mem);
	kfree(vcpu);
	return err;
}
/* book:end run_guest */
