// SPDX-License-Identifier: GPL-2.0
/*
 * vmxon.c - enter and leave VMX root operation on every CPU.
 *
 * Kernel (ring 0, 64-bit mode), called from the module's init and exit. Puts
 * every online CPU into VMX root operation: IA32_FEATURE_CONTROL checked (and
 * enabled when unlocked), CR0/CR4 fixed bits checked, CR4.VMXE set, a VMXON
 * region of its own, VMXON. If one CPU fails, the CPUs already in VMX
 * operation leave it again. On unload: VMXOFF and CR4.VMXE cleared.
 *
 * Spec: Intel SDM Vol. 3, Chapter "Introduction to Virtual Machine
 * Extensions": Sections "Enabling and Entering VMX Operation", "Restrictions
 * on VMX Operation", "VMXON Region", "Leaving VMX Operation".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/smp.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

#include "vmx_caps.h"
#include "vmx_insn.h"
#include "vmxon.h"

/* book:begin vmxon_region */
/*
 * The VMXON region: memory the CPU owns while in VMX operation. Software
 * writes only the VMCS revision identifier into its first 4 bytes (bit 31
 * clear) and never touches it again. It must be 4 KiB aligned; we give each
 * CPU a whole page, which covers any region size IA32_VMX_BASIC reports.
 */
struct vmxon_region {
	u32 revision_id;
	u8 owned_by_cpu[PAGE_SIZE - sizeof(u32)];
};
static_assert(sizeof(struct vmxon_region) == PAGE_SIZE);

/* What this module did on one CPU, so that unload can undo exactly that. */
struct vmx_cpu {
	struct page *vmxon_page;
	bool in_vmx_operation;
	int err;
};
static DEFINE_PER_CPU(struct vmx_cpu, vmx_cpu);
/* book:end vmxon_region */

/* book:begin fail_on_cpu */
/*
 * For the lab: pretend that VMXON failed on this CPU, so that the rollback of
 * the CPUs that did enter VMX operation can be watched (-1: off).
 */
static int fail_on_cpu = -1;
module_param(fail_on_cpu, int, 0444);
MODULE_PARM_DESC(fail_on_cpu, "refuse VMXON on this CPU, to show the rollback on the others (default: -1, off)");
/* book:end fail_on_cpu */

static atomic_t vmxon_count = ATOMIC_INIT(0);
static atomic_t vmxoff_count = ATOMIC_INIT(0);

static int vmxon_regions_alloc(const struct vmx_caps *caps)
{
	/* IA32_VMX_BASIC bit 48 set: VMX addresses are limited to 32 bits. */
	gfp_t gfp = GFP_KERNEL | __GFP_ZERO |
		    (caps->basic & VMX_BASIC_64 ? __GFP_DMA32 : 0);
	struct vmxon_region *region;
	struct page *page;
	int cpu;

	if (vmx_basic_region_size(caps->basic) > sizeof(struct vmxon_region)) {
		pr_err("VMXON region of %u bytes does not fit a page\n",
		       vmx_basic_region_size(caps->basic));
		return -EINVAL;
	}
	for_each_online_cpu(cpu) {
		page = alloc_pages_node(cpu_to_node(cpu), gfp, 0);
		if (!page)
			return -ENOMEM;
		region = page_address(page);
		region->revision_id = vmx_basic_revision_id(caps->basic);
		per_cpu(vmx_cpu, cpu).vmxon_page = page;
	}
	return 0;
}

static void vmxon_regions_free(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		if (per_cpu(vmx_cpu, cpu).vmxon_page)
			__free_page(per_cpu(vmx_cpu, cpu).vmxon_page);
		per_cpu(vmx_cpu, cpu).vmxon_page = NULL;
	}
}

/* book:begin feature_control_enable */
/*
 * VMXON outside SMX needs IA32_FEATURE_CONTROL locked with bit 2 set. Firmware
 * (or Linux at boot) normally locks it; if it is still unlocked we enable VMX
 * and lock it ourselves. Locked with VMX off means only a reset can help.
 */
static int feature_control_enable_vmx(int cpu)
{
	u64 fc;

	rdmsrl(MSR_IA32_FEAT_CTL, fc);
	switch (vmx_feature_control_state(fc)) {
	case VMX_FC_LOCKED_ENABLED:
		return 0;
	case VMX_FC_LOCKED_DISABLED:
		pr_err("cpu%d: IA32_FEATURE_CONTROL = 0x%llx is locked with VMX outside SMX disabled: enable VT-x in the firmware setup\n",
		       cpu, fc);
		return -EOPNOTSUPP;
	case VMX_FC_UNLOCKED:
		fc |= FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX | FEAT_CTL_LOCKED;
		wrmsrl(MSR_IA32_FEAT_CTL, fc);
		pr_info("cpu%d: IA32_FEATURE_CONTROL was unlocked: enabled VMX outside SMX and locked it (0x%llx)\n",
			cpu, fc);
		return 0;
	}
	return -EINVAL;
}
/* book:end feature_control_enable */

/* book:begin check_cr */
/*
 * The CR0/CR4 fixed bits: the only change we make is CR4.VMXE (the kernel
 * owns the rest of CR0 and CR4). Any other bit that VMX wants different is a
 * reason to refuse, with the bits named by mask.
 */
static int check_fixed_bits(const struct vmx_caps *caps, int cpu,
			    unsigned long cr4_with_vmxe)
{
	u64 bad_cr0 = vmx_fixed_violations(read_cr0(), caps->cr0_fixed0,
					   caps->cr0_fixed1);
	u64 bad_cr4 = vmx_fixed_violations(cr4_with_vmxe, caps->cr4_fixed0,
					   caps->cr4_fixed1);

	if (bad_cr0 || bad_cr4) {
		pr_err("cpu%d: CR0 bits 0x%llx and CR4 bits 0x%llx violate the VMX fixed bits\n",
		       cpu, bad_cr0, bad_cr4);
		return -EIO;
	}
	return 0;
}
/* book:end check_cr */

/* book:begin vmxon_this_cpu */
/* Runs on each CPU through on_each_cpu(), interrupts off; @info: the caps. */
static void vmxon_this_cpu(void *info)
{
	const struct vmx_caps *caps = info;
	int cpu = smp_processor_id();
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);
	unsigned long cr4 = __read_cr4();

	if (cr4 & X86_CR4_VMXE) {
		pr_err("cpu%d: CR4.VMXE is already set: another hypervisor (kvm_intel?) owns VMX on this CPU\n",
		       cpu);
		vc->err = -EBUSY;
		return;
	}
	if (cpu == fail_on_cpu) {
		pr_err("cpu%d: fail_on_cpu=%d: refusing VMXON here\n", cpu, cpu);
		vc->err = -EIO;
		return;
	}
	vc->err = feature_control_enable_vmx(cpu);
	if (!vc->err)
		vc->err = check_fixed_bits(caps, cpu, cr4 | X86_CR4_VMXE);
	if (vc->err)
		return;

	cr4_set_bits_irqsoff(X86_CR4_VMXE);
	vc->err = vmx_insn_failed("VMXON",
				  vmx_vmxon(page_to_phys(vc->vmxon_page)));
	if (vc->err) {
		cr4_clear_bits_irqsoff(X86_CR4_VMXE);
		return;
	}
	vc->in_vmx_operation = true;
	atomic_inc(&vmxon_count);
	pr_info("cpu%d: VMXON ok, now in VMX root operation (CR4 0x%lx)\n",
		cpu, __read_cr4());
}

/* The reverse, on each CPU that this module put into VMX operation. */
static void vmxoff_this_cpu(void *unused)
{
	int cpu = smp_processor_id();
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);

	if (!vc->in_vmx_operation)
		return;
	if (vmx_insn_failed("VMXOFF", vmx_vmxoff()))
		pr_err("cpu%d: still in VMX operation\n", cpu);
	else
		atomic_inc(&vmxoff_count);
	cr4_clear_bits_irqsoff(X86_CR4_VMXE);
	vc->in_vmx_operation = false;
	pr_info("cpu%d: VMXOFF, CR4.VMXE cleared (CR4 0x%lx)\n", cpu,
		__read_cr4());
}
/* book:end vmxon_this_cpu */

/* book:begin vmxon_all */
/*
 * VMXON on every online CPU. The CPU hotplug lock keeps the set of online
 * CPUs fixed while we work. If any CPU fails, every CPU that made it leaves
 * VMX operation again, so a failed load leaves no trace.
 */
int vmxon_all_cpus(const struct vmx_caps *caps)
{
	int cpu, err = 0;

	cpus_read_lock();
	err = vmxon_regions_alloc(caps);
	if (!err) {
		on_each_cpu(vmxon_this_cpu, (void *)caps, 1);
		for_each_online_cpu(cpu) {
			if (per_cpu(vmx_cpu, cpu).err && !err)
				err = per_cpu(vmx_cpu, cpu).err;
		}
	}
	if (err) {
		on_each_cpu(vmxoff_this_cpu, NULL, 1);
		vmxon_regions_free();
	}
	cpus_read_unlock();
	if (err) {
		pr_err("VMXON failed (%d); every CPU is back out of VMX operation\n",
		       err);
		return err;
	}
	pr_info("result cpus=%u vmxon=%d\n", num_online_cpus(),
		atomic_read(&vmxon_count));
	return 0;
}
/* book:end vmxon_all */

/* book:begin vmxoff_all */
void vmxoff_all_cpus(void)
{
	cpus_read_lock();
	on_each_cpu(vmxoff_this_cpu, NULL, 1);
	cpus_read_unlock();
	vmxon_regions_free();
	pr_info("result vmxoff=%d\n", atomic_read(&vmxoff_count));
}
/* book:end vmxoff_all */
