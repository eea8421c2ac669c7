// SPDX-License-Identifier: GPL-2.0
/*
 * vmcs.c - create a VMCS and fill its three areas: the controls (through
 * the allowed-0/allowed-1 adjustment), the host state (read from the CPU
 * we run on), and the guest state (given by the caller).
 *
 * Runs in the kernel module, VMX root operation, preemption off: a VMCS is
 * current on one CPU only.
 *
 * Spec: Intel SDM Vol. 3, "Virtual Machine Control Structures" ("Format of
 * the VMCS Region", "Guest-State Area", "Host-State Area", "VM-Execution
 * Control Fields", "VM-Exit Control Fields", "VM-Entry Control Fields"),
 * "Checks on Host Control Registers, MSRs, and SSP", "Checks on Host
 * Segment and Descriptor-Table Registers", Appendix A.1 "Basic VMX
 * Information" (the region's size), A.3-A.5 (allowed settings of the
 * controls), Appendix B "Field Encoding in VMCS".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/gfp.h>
#include <linux/smp.h>
#include <asm/cpu_entry_area.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/vmx.h>

#include "vmcs.h"
#include "vmx_caps.h"
#include "vmx_entry.h"
#include "vmx_insn.h"

/* book:begin create */
/*
 * A VMCS region is IA32_VMX_BASIC[44:32] bytes (at most 4 KiB: Bochs says
 * 4096, a Broadwell 1024), 4 KiB aligned, and starts with the VMCS
 * revision identifier. One zeroed page holds any of them; below 4 GiB if
 * IA32_VMX_BASIC[48] limits VMX addresses to 32 bits. Allocating it may
 * sleep, so it happens before we pin ourselves to a CPU.
 */
int vmcs_create(struct vmcs *vmcs, const struct vmx_caps *caps)
{
	gfp_t gfp = GFP_KERNEL | (caps->basic & VMX_BASIC_64 ? __GFP_DMA32 : 0);
	u32 size = vmx_basic_region_size(caps->basic);

	if (size < sizeof(*vmcs->region) || size > PAGE_SIZE) {
		pr_err("IA32_VMX_BASIC: a VMCS region of %u bytes\n", size);
		return -EOPNOTSUPP;
	}
	vmcs->region = (void *)get_zeroed_page(gfp);
	if (!vmcs->region)
		return -ENOMEM;
	vmcs->region->revision_id = vmx_basic_revision_id(caps->basic);
	vmcs->pa = __pa(vmcs->region);
	return 0;
}

/*
 * VMCLEAR puts the region in the "clear" launch state, VMPTRLD makes it the
 * current VMCS of this CPU: every VMREAD/VMWRITE/VMLAUNCH refers to it.
 * From here to vmcs_unload() we must not leave this CPU.
 */
int vmcs_load(struct vmcs *vmcs)
{
	int err;

	err = vmx_insn_failed("VMCLEAR", vmx_vmclear(vmcs->pa));
	if (!err)
		err = vmx_insn_failed("VMPTRLD", vmx_vmptrld(vmcs->pa));
	if (err)
		return err;
	pr_info("VMCS at physical 0x%llx: VMCLEAR, VMPTRLD ok on cpu%d (revision 0x%x)\n",
		(u64)vmcs->pa, smp_processor_id(), vmcs->region->revision_id);
	return 0;
}
/* book:end create */

/*
 * VMCLEAR writes the CPU's cached copy of the VMCS back to the region and
 * makes it not current: only then may the page go back to the allocator.
 * If VMCLEAR fails the CPU may still write the page later, so we leak it.
 */
int vmcs_unload(struct vmcs *vmcs)
{
	int err = vmx_insn_failed("VMCLEAR", vmx_vmclear(vmcs->pa));

	if (err) {
		pr_err("VMCS at physical 0x%llx: leaked, not freed\n",
		       (u64)vmcs->pa);
		vmcs->region = NULL;
	}
	return err;
}

void vmcs_destroy(struct vmcs *vmcs)
{
	free_page((unsigned long)vmcs->region); /* no-op for NULL */
	vmcs->region = NULL;
}

/* Write each field; stop at the first failure and name the field. */
int vmcs_write_fields(const struct vmcs_field_value *fields, unsigned int n)
{
	const struct vmcs_field_value *f;
	enum vmx_insn_status status;

	for (f = fields; f < fields + n; f++) {
		status = vmx_vmwrite(f->field, f->value);
		if (vmx_insn_failed("VMWRITE", status)) {
			pr_err("... writing %s (encoding 0x%x) = 0x%llx\n",
			       f->name, f->field, f->value);
			return -EIO;
		}
	}
	return 0;
}

u64 vmcs_read(u32 field)
{
	unsigned long value = 0;

	vmx_insn_failed("VMREAD", vmx_vmread(field, &value));
	return value;
}

/* book:begin controls */
/* Controls this course never uses, written as 0 rather than left as found. */
static const struct vmcs_field_value unused_controls[] = {
	VMCS_FIELD(EXCEPTION_BITMAP, 0), /* no exception causes an exit */
	VMCS_FIELD(PAGE_FAULT_ERROR_CODE_MASK, 0),
	VMCS_FIELD(PAGE_FAULT_ERROR_CODE_MATCH, 0),
	VMCS_FIELD(CR3_TARGET_COUNT, 0),
	VMCS_FIELD(VM_EXIT_MSR_STORE_COUNT, 0), /* no MSR lists */
	VMCS_FIELD(VM_EXIT_MSR_LOAD_COUNT, 0),
	VMCS_FIELD(VM_ENTRY_MSR_LOAD_COUNT, 0),
	VMCS_FIELD(VM_ENTRY_INTR_INFO_FIELD, 0), /* no event to inject */
	VMCS_FIELD(CR0_GUEST_HOST_MASK, 0), /* the guest owns CR0 and CR4 */
	VMCS_FIELD(CR4_GUEST_HOST_MASK, 0),
	VMCS_FIELD(CR0_READ_SHADOW, 0),
	VMCS_FIELD(CR4_READ_SHADOW, 0),
};

/*
 * Each control word = what we want, plus what the CPU requires (allowed-0
 * bits), checked against what it can do (allowed-1 bits): a control we need
 * that the CPU cannot set is an error, not something to drop silently.
 */
int vmcs_setup_controls(const struct vmx_caps *caps,
			const struct vmx_controls *want)
{
	u32 proc2_on = want->proc2 ? CPU_BASED_ACTIVATE_SECONDARY_CONTROLS : 0;
	u32 proc = want->proc | proc2_on;
	const struct {
		enum vmx_ctl_kind kind;
		struct vmcs_field_value fv; /* .value = what we want */
	} ctls[] = {
		{ VMX_CTL_PIN,
		  VMCS_FIELD(PIN_BASED_VM_EXEC_CONTROL, want->pin) },
		{ VMX_CTL_PROC, VMCS_FIELD(CPU_BASED_VM_EXEC_CONTROL, proc) },
		{ VMX_CTL_PROC2,
		  VMCS_FIELD(SECONDARY_VM_EXEC_CONTROL, want->proc2) },
		{ VMX_CTL_EXIT, VMCS_FIELD(VM_EXIT_CONTROLS, want->exit) },
		{ VMX_CTL_ENTRY, VMCS_FIELD(VM_ENTRY_CONTROLS, want->entry) },
	};
	struct vmcs_field_value fv;
	unsigned int i;
	u32 refused;

	for (i = 0; i < ARRAY_SIZE(ctls); i++) {
		if (ctls[i].kind == VMX_CTL_PROC2 && !want->proc2)
			continue; /* secondary controls not activated */
		fv = ctls[i].fv;
		fv.value = vmx_ctl_adjust(caps->ctl[ctls[i].kind], fv.value,
					  &refused);
		if (refused) {
			pr_err("%s: this CPU cannot set 0x%08x in %s\n",
			       vmx_ctl_classes[ctls[i].kind].title, refused,
			       fv.name);
			return -EOPNOTSUPP;
		}
		if (vmcs_write_fields(&fv, 1))
			return -EIO;
		pr_info("%-26s = 0x%08llx (asked 0x%08llx)\n", fv.name,
			fv.value, ctls[i].fv.value);
	}
	return vmcs_write_fields(unused_controls, ARRAY_SIZE(unused_controls));
}
/* book:end controls */

/*
 * The base of the TSS this CPU uses now: Linux maps each CPU's TSS in its
 * cpu_entry_area, and TR's descriptor points there (KVM writes the same).
 */
u64 cpu_tss_base(void)
{
	struct cpu_entry_area *cea = get_cpu_entry_area(smp_processor_id());

	return (unsigned long)&cea->tss.x86_tss;
}

/* book:begin host_selectors */
/*
 * A host selector must have RPL 0 and TI 0 ("Checks on Host Segment and
 * Descriptor-Table Registers"). The kernel's CS, SS and TR do. DS, ES, FS
 * and GS hold what the current process loaded: null in a 64-bit process,
 * which passes, but a selector the process loaded itself has RPL 3 (and
 * TI 1 if it points into its LDT). Such a selector is written as null here,
 * and vcpu.c loads it again after each exit, as KVM does. There is no field
 * for LDTR at all: an exit leaves it null.
 */
static u16 host_selector(u16 selector)
{
	return selector & (SEGMENT_RPL_MASK | SEGMENT_TI_MASK) ? 0 : selector;
}
/* book:end host_selectors */

/*
 * What the CPU loads on every VM exit: this CPU's kernel state as it is now,
 * with the FS and GS bases of the current task (GS: the kernel's per-CPU
 * data). HOST_RSP is written by __vmx_enter_guest on each entry.
 */
int vmcs_setup_host_state(void)
{
	u64 fs_base, gs_base, sysenter_cs, sysenter_esp, sysenter_eip, efer;
	u16 ds_sel, es_sel, fs_sel, gs_sel;
	struct desc_ptr gdt, idt;

	savesegment(ds, ds_sel);
	savesegment(es, es_sel);
	savesegment(fs, fs_sel);
	savesegment(gs, gs_sel);
	native_store_gdt(&gdt);
	store_idt(&idt);
	rdmsrl(MSR_FS_BASE, fs_base);
	rdmsrl(MSR_GS_BASE, gs_base);
	rdmsrl(MSR_IA32_SYSENTER_CS, sysenter_cs);
	rdmsrl(MSR_IA32_SYSENTER_ESP, sysenter_esp);
	rdmsrl(MSR_IA32_SYSENTER_EIP, sysenter_eip);
	rdmsrl(MSR_EFER, efer);
	{
		const struct vmcs_field_value host[] = {
			VMCS_FIELD(HOST_CR0, read_cr0()),
			VMCS_FIELD(HOST_CR3, __read_cr3()),
			VMCS_FIELD(HOST_CR4, __read_cr4()),
			VMCS_FIELD(HOST_CS_SELECTOR, __KERNEL_CS),
			VMCS_FIELD(HOST_SS_SELECTOR, __KERNEL_DS),
			VMCS_FIELD(HOST_DS_SELECTOR, host_selector(ds_sel)),
			VMCS_FIELD(HOST_ES_SELECTOR, host_selector(es_sel)),
			VMCS_FIELD(HOST_FS_SELECTOR, host_selector(fs_sel)),
			VMCS_FIELD(HOST_GS_SELECTOR, host_selector(gs_sel)),
			VMCS_FIELD(HOST_TR_SELECTOR, native_store_tr()),
			VMCS_FIELD(HOST_FS_BASE, fs_base),
			VMCS_FIELD(HOST_GS_BASE, gs_base), /* per-CPU data */
			VMCS_FIELD(HOST_TR_BASE, cpu_tss_base()),
			VMCS_FIELD(HOST_GDTR_BASE, gdt.address),
			VMCS_FIELD(HOST_IDTR_BASE, idt.address),
			VMCS_FIELD(HOST_IA32_SYSENTER_CS, sysenter_cs),
			VMCS_FIELD(HOST_IA32_SYSENTER_ESP, sysenter_esp),
			VMCS_FIELD(HOST_IA32_SYSENTER_EIP, sysenter_eip),
			VMCS_FIELD(HOST_IA32_EFER, efer),
			VMCS_FIELD(HOST_RIP, (unsigned long)vmx_exit_stub),
		};

		return vmcs_write_fields(host, ARRAY_SIZE(host));
	}
}

/* book:begin guest_state */
/* The four VMCS fields of each segment register, one row per register. */
struct vmcs_segment_fields {
	const char *name;
	u32 selector, base, limit, ar;
};

/* clang-format off */
#define SEG_FIELDS(s)	{ #s, GUEST_##s##_SELECTOR, GUEST_##s##_BASE, \
			  GUEST_##s##_LIMIT, GUEST_##s##_AR_BYTES }
/* clang-format on */

static const struct vmcs_segment_fields vmcs_segment_fields[VMCS_NR_SEGS] = {
	[VMCS_SEG_ES] = SEG_FIELDS(ES),	    [VMCS_SEG_CS] = SEG_FIELDS(CS),
	[VMCS_SEG_SS] = SEG_FIELDS(SS),	    [VMCS_SEG_DS] = SEG_FIELDS(DS),
	[VMCS_SEG_FS] = SEG_FIELDS(FS),	    [VMCS_SEG_GS] = SEG_FIELDS(GS),
	[VMCS_SEG_LDTR] = SEG_FIELDS(LDTR), [VMCS_SEG_TR] = SEG_FIELDS(TR),
};

/* An all-ones link pointer: no shadow VMCS ("VMCS Link Pointer"). */
#define VMCS_LINK_POINTER_NONE (~0ull)

static int vmcs_write_segment(const struct vmcs_segment_fields *f,
			      const struct vmcs_segment *s)
{
	const struct vmcs_field_value seg[] = {
		{ f->selector, f->name, s->selector },
		{ f->base, f->name, s->base },
		{ f->limit, f->name, s->limit },
		{ f->ar, f->name, s->ar },
	};

	return vmcs_write_fields(seg, ARRAY_SIZE(seg));
}

int vmcs_setup_guest_state(const struct vmcs_guest_state *gs)
{
	const struct vmcs_field_value regs[] = {
		VMCS_FIELD(GUEST_CR0, gs->cr0),
		VMCS_FIELD(GUEST_CR3, gs->cr3),
		VMCS_FIELD(GUEST_CR4, gs->cr4),
		VMCS_FIELD(GUEST_DR7, gs->dr7),
		VMCS_FIELD(GUEST_RSP, gs->rsp),
		VMCS_FIELD(GUEST_RIP, gs->rip),
		VMCS_FIELD(GUEST_RFLAGS, gs->rflags),
		VMCS_FIELD(GUEST_GDTR_BASE, gs->gdtr_base),
		VMCS_FIELD(GUEST_GDTR_LIMIT, gs->gdtr_limit),
		VMCS_FIELD(GUEST_IDTR_BASE, gs->idtr_base),
		VMCS_FIELD(GUEST_IDTR_LIMIT, gs->idtr_limit),
		VMCS_FIELD(GUEST_IA32_DEBUGCTL, 0),
		VMCS_FIELD(GUEST_SYSENTER_CS, 0),
		VMCS_FIELD(GUEST_SYSENTER_ESP, 0),
		VMCS_FIELD(GUEST_SYSENTER_EIP, 0),
		VMCS_FIELD(GUEST_IA32_EFER, gs->efer),
		VMCS_FIELD(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE),
		VMCS_FIELD(GUEST_INTERRUPTIBILITY_INFO, 0),
		VMCS_FIELD(GUEST_PENDING_DBG_EXCEPTIONS, 0),
		VMCS_FIELD(VMCS_LINK_POINTER, VMCS_LINK_POINTER_NONE),
	};
	unsigned int i;
	int err;

	err = vmcs_write_fields(regs, ARRAY_SIZE(regs));
	for (i = 0; !err && i < VMCS_NR_SEGS; i++)
		err = vmcs_write_segment(&vmcs_segment_fields[i], &gs->seg[i]);
	return err;
}
/* book:end guest_state */

/* A VMCS field by name, for the dump. */
struct vmcs_field_name {
	u32 field;
	const char *name;
};
/* clang-format off */
#define VMCS_FIELD_NAME(f)	{ (f), #f }
/* clang-format on */

/*
 * After a failed VM entry the CPU says only "invalid guest state": print
 * the guest-state area as the CPU sees it, to compare with the checks in
 * "Checks on the Guest State Area".
 */
void vmcs_dump_guest_state(void)
{
	static const struct vmcs_field_name regs[] = {
		VMCS_FIELD_NAME(GUEST_CR0),
		VMCS_FIELD_NAME(GUEST_CR3),
		VMCS_FIELD_NAME(GUEST_CR4),
		VMCS_FIELD_NAME(GUEST_DR7),
		VMCS_FIELD_NAME(GUEST_RSP),
		VMCS_FIELD_NAME(GUEST_RIP),
		VMCS_FIELD_NAME(GUEST_RFLAGS),
		VMCS_FIELD_NAME(GUEST_GDTR_BASE),
		VMCS_FIELD_NAME(GUEST_GDTR_LIMIT),
		VMCS_FIELD_NAME(GUEST_IDTR_BASE),
		VMCS_FIELD_NAME(GUEST_IDTR_LIMIT),
		VMCS_FIELD_NAME(GUEST_ACTIVITY_STATE),
		VMCS_FIELD_NAME(GUEST_INTERRUPTIBILITY_INFO),
		VMCS_FIELD_NAME(VMCS_LINK_POINTER),
		VMCS_FIELD_NAME(VM_ENTRY_CONTROLS),
		VMCS_FIELD_NAME(GUEST_IA32_EFER),
	};
	const struct vmcs_segment_fields *f;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(regs); i++)
		pr_info("  %-28s 0x%llx\n", regs[i].name,
			vmcs_read(regs[i].field));
	for (f = vmcs_segment_fields; f < vmcs_segment_fields + VMCS_NR_SEGS;
	     f++)
		pr_info("  %-4s selector 0x%04llx base 0x%llx limit 0x%llx ar 0x%llx\n",
			f->name, vmcs_read(f->selector), vmcs_read(f->base),
			vmcs_read(f->limit), vmcs_read(f->ar));
}
