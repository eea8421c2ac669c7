// SPDX-License-Identifier: GPL-2.0
/*
 * vmxon.c - enter and leave VMX root operation on every CPU.
 *
 * Kernel (ring 0, 64-bit mode), called from the module's init and exit. Puts
 * every online CPU into VMX root operation: IA32_FEATURE_CONTROL checked (and
 * enabled when unlocked), CR0/CR4 fixed bits checked, CR4.VMXE set, a VMXON
 * region of its own, VMXON. If one CPU fails, the CPUs already in VMX
 * operation leave it again. While the module is loaded, a CPU that goes
 * offline leaves VMX operation first and one that comes online enters it
 * (CPU hotplug). On unload: VMXOFF and CR4.VMXE cleared, then the regions
 * are freed.
 *
 * Spec: Intel SDM Vol. 3, Chapter "Introduction to Virtual Machine
 * Extensions": Sections "Enabling and Entering VMX Operation", "Restrictions
 * on VMX Operation"; Chapter "Virtual Machine Control Structures": Section
 * "VMXON Region"; "VMXOFF - Leave VMX Operation"; "VMM Setup & Tear Down".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/cpumask.h>
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
 * For the lab: give this CPU a VMXON region with a wrong revision identifier,
 * so that its VMXON really fails (VMfailInvalid) and the rollback of the CPUs
 * that did enter VMX operation can be watched (-1: off).
 */
static int fail_on_cpu = -1;
module_param(fail_on_cpu, int, 0444);
MODULE_PARM_DESC(fail_on_cpu,
		 "make VMXON fail on this CPU, to show the rollback (-1: off)");

/* -1, or a CPU that is online: anything else fails the load with -EINVAL. */
static int fail_on_cpu_check(void)
{
	if (fail_on_cpu == -1 ||
	    (fail_on_cpu >= 0 && fail_on_cpu < nr_cpu_ids &&
	     cpu_online(fail_on_cpu)))
		return 0;
	pr_err("fail_on_cpu=%d is not -1 or an online CPU (online: %*pbl)\n",
	       fail_on_cpu, cpumask_pr_args(cpu_online_mask));
	return -EINVAL;
}
/* book:end fail_on_cpu */

static atomic_t vmxon_count = ATOMIC_INIT(0);
static atomic_t vmxoff_count = ATOMIC_INIT(0);

/* Kept for the CPUs that come online after the load (CPU hotplug). */
static struct vmx_caps vmxon_caps;
static enum cpuhp_state vmxon_hp_state;

/*
 * One zeroed page per possible CPU (a CPU may come online later), on the
 * CPU's own NUMA node, with the revision identifier in its first 4 bytes.
 */
static int vmxon_regions_alloc(const struct vmx_caps *caps)
{
	/* IA32_VMX_BASIC bit 48 set: VMX addresses are limited to 32 bits. */
	gfp_t gfp = GFP_KERNEL | __GFP_ZERO |
		    (caps->basic & VMX_BASIC_64 ? __GFP_DMA32 : 0);
	u32 revision_id = vmx_basic_revision_id(caps->basic);
	struct vmxon_region *region;
	struct page *page;
	int cpu;

	if (vmx_basic_region_size(caps->basic) > sizeof(struct vmxon_region)) {
		pr_err("VMXON region of %u bytes does not fit a page\n",
		       vmx_basic_region_size(caps->basic));
		return -EINVAL;
	}
	for_each_possible_cpu (cpu) {
		page = alloc_pages_node(cpu_to_node(cpu), gfp, 0);
		if (!page) {
			pr_err("cpu%d: no page for its VMXON region\n", cpu);
			return -ENOMEM;
		}
		region = page_address(page);
		region->revision_id = revision_id;
		if (cpu == fail_on_cpu) {
			region->revision_id ^= 1; /* any other value will do */
			pr_info("cpu%d: fail_on_cpu=%d: VMXON region with revision identifier 0x%x, not 0x%x\n",
				cpu, cpu, region->revision_id, revision_id);
		}
		per_cpu(vmx_cpu, cpu).vmxon_page = page;
	}
	return 0;
}

/*
 * Free the regions, but never one a CPU still owns: if VMXOFF failed there,
 * the CPU may still write to it, so it is left allocated (and said so).
 */
static void vmxon_regions_free(void)
{
	struct vmx_cpu *vc;
	int cpu;

	for_each_possible_cpu (cpu) {
		vc = per_cpu_ptr(&vmx_cpu, cpu);
		if (vc->in_vmx_operation) {
			pr_err("cpu%d: still in VMX operation: its VMXON region is not freed\n",
			       cpu);
			continue;
		}
		if (vc->vmxon_page)
			__free_page(vc->vmxon_page);
		vc->vmxon_page = NULL;
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
/*
 * Runs on each CPU through on_each_cpu(), or through the hotplug callback on
 * a CPU coming online; interrupts off.
 */
static void vmxon_this_cpu(void *unused)
{
	const struct vmx_caps *caps = &vmxon_caps;
	int cpu = smp_processor_id();
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);
	unsigned long cr4 = __read_cr4();

	if (cr4 & X86_CR4_VMXE) {
		pr_err("cpu%d: CR4.VMXE is already set: another hypervisor (kvm_intel?) owns VMX on this CPU\n",
		       cpu);
		vc->err = -EBUSY;
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
		/* VMXON failed: the CPU is not in VMX operation. */
		cr4_clear_bits_irqsoff(X86_CR4_VMXE);
		pr_err("cpu%d: VMXON failed, CR4.VMXE cleared again\n", cpu);
		return;
	}
	vc->in_vmx_operation = true;
	atomic_inc(&vmxon_count);
	pr_info("cpu%d: VMXON ok, now in VMX root operation (CR4 0x%lx)\n", cpu,
		__read_cr4());
}

/*
 * The reverse, on each CPU that this module put into VMX operation. If
 * VMXOFF fails (VMfailInvalid/VMfailValid) the CPU is still in VMX operation:
 * clearing CR4.VMXE would then raise #GP, so it stays set. A fault (#UD)
 * means the CPU was no longer in VMX operation: nothing to leave.
 */
static void vmxoff_this_cpu(void *unused)
{
	int cpu = smp_processor_id();
	struct vmx_cpu *vc = this_cpu_ptr(&vmx_cpu);
	enum vmx_insn_status status;

	if (!vc->in_vmx_operation)
		return;
	status = vmx_vmxoff();
	if (vmx_insn_failed("VMXOFF", status) && status != VMX_FAULT) {
		pr_err("cpu%d: still in VMX operation; CR4.VMXE stays set\n",
		       cpu);
		return;
	}
	if (status == VMX_SUCCEED)
		atomic_inc(&vmxoff_count);
	cr4_clear_bits_irqsoff(X86_CR4_VMXE);
	vc->in_vmx_operation = false;
	pr_info("cpu%d: VMXOFF, CR4.VMXE cleared (CR4 0x%lx)\n", cpu,
		__read_cr4());
}
/* book:end vmxon_this_cpu */

/* book:begin hotplug */
/*
 * CPU hotplug, while the module is loaded: a CPU going offline leaves VMX
 * operation first (INIT is blocked in VMX root operation, so it could not be
 * started again, and unload reaches online CPUs only); a CPU coming online
 * enters it. The callbacks run on that CPU, with interrupts on.
 */
static int vmxon_cpu_online(unsigned int cpu)
{
	local_irq_disable();
	vmxon_this_cpu(NULL);
	local_irq_enable();
	return per_cpu(vmx_cpu, cpu).err;
}

static int vmxoff_cpu_offline(unsigned int cpu)
{
	local_irq_disable();
	vmxoff_this_cpu(NULL);
	local_irq_enable();
	return 0;
}
/* book:end hotplug */

/* book:begin vmxon_all */
/* The first error of the online CPUs, 0 if each is in VMX operation. */
static int vmxon_first_error(void)
{
	int cpu;

	for_each_online_cpu (cpu) {
		if (per_cpu(vmx_cpu, cpu).err)
			return per_cpu(vmx_cpu, cpu).err;
	}
	return 0;
}

/*
 * VMXON on every online CPU. The CPU hotplug lock keeps the set of online
 * CPUs fixed while we work; the hotplug callbacks take over from there. If
 * any CPU fails, every CPU that made it leaves VMX operation again, so a
 * failed load leaves no trace.
 */
int vmxon_all_cpus(const struct vmx_caps *caps)
{
	int err;

	vmxon_caps = *caps;
	cpus_read_lock();
	err = fail_on_cpu_check();
	if (err)
		goto err_unlock;
	err = vmxon_regions_alloc(caps);
	if (err)
		goto err_free;

	on_each_cpu(vmxon_this_cpu, NULL, 1);
	err = vmxon_first_error();
	if (err)
		goto err_vmxoff;
	err = cpuhp_setup_state_nocalls_cpuslocked(
		CPUHP_AP_ONLINE_DYN, KBUILD_MODNAME ":vmxon", vmxon_cpu_online,
		vmxoff_cpu_offline);
	if (err < 0)
		goto err_vmxoff;
	vmxon_hp_state = err;
	pr_info("result cpus=%u vmxon=%d\n", num_online_cpus(),
		atomic_read(&vmxon_count));
	cpus_read_unlock();
	return 0;

err_vmxoff:
	on_each_cpu(vmxoff_this_cpu, NULL, 1);
	pr_err("VMXON failed (%d); every CPU is back out of VMX operation\n",
	       err);
err_free:
	vmxon_regions_free();
err_unlock:
	cpus_read_unlock();
	return err;
}
/* book:end vmxon_all */

/* book:begin vmxoff_all */
void vmxoff_all_cpus(void)
{
	cpus_read_lock();
	cpuhp_remove_state_nocalls_cpuslocked(vmxon_hp_state);
	on_each_cpu(vmxoff_this_cpu, NULL, 1);
	vmxon_regions_free(); /* only after VMXOFF */
	cpus_read_unlock();
	pr_info("result vmxoff=%d\n", atomic_read(&vmxoff_count));
}
/* book:end vmxoff_all */
