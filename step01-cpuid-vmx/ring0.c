// SPDX-License-Identifier: GPL-2.0
/*
 * ring0.c — the module: its parameter, and an init function that calls each
 * mechanism of the course so far, one line each.
 *
 * Kernel module (ring 0, 64-bit mode). step00's part is here: on load it
 * reads CR0, CR4 and IA32_EFER on one CPU (the `cpu` parameter; a value that
 * is not an online CPU fails the load with -EINVAL) and logs their named
 * bits. Then VMX discovery (vmx_discover.c): without VMX the load fails with
 * -ENODEV. Intel SDM Vol. 3A, "Control Registers", "Extended Feature Enable
 * Register", "Privilege Levels"; Vol. 3C, "Discovering Support for VMX".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/smp.h>
#include <linux/cpumask.h>
#include <asm/special_insns.h>
#include <asm/msr.h>
#include <asm/processor-flags.h>
#include <asm/segment.h>

#include "cpu_regs.h"
#include "vmx_discover.h"

/* book:begin param */
static int cpu = -1;
module_param(cpu, int, 0444);
MODULE_PARM_DESC(cpu, "CPU whose registers to read (default: the loading CPU)");
/* book:end param */

struct cpu_regs {
	int cpu;
	unsigned int cpl;
	unsigned long cr0, cr4;
	u64 efer;
};

/* book:begin read-regs */
/*
 * Runs on the chosen CPU with interrupts off (smp_call_function_single):
 * control registers and MSRs are per CPU, so where we read them matters.
 */
static void read_regs(void *info)
{
	struct cpu_regs *r = info;
	u16 cs;

	r->cpu = smp_processor_id();
	asm volatile("mov %%cs, %0" : "=r"(cs));
	r->cpl = cs & SEGMENT_RPL_MASK; /* the current privilege level */
	r->cr0 = read_cr0();
	r->cr4 = __read_cr4();
	rdmsrl(MSR_EFER, r->efer);
}
/* book:end read-regs */

static void print_reg(const char *name, u64 value, const struct reg_bit *bits)
{
	char names[160];

	format_reg_bits(names, sizeof(names), value, bits);
	pr_info("%-4s = 0x%016llx  %s\n", name, value, names);
}

/*
 * Read CR0, CR4 and IA32_EFER on CPU @target (-1: the CPU running this
 * code) and log them by name. -EINVAL if @target is not an online CPU.
 */
static int report_cpu_regs(int target)
{
	struct cpu_regs r;
	int err;

	/* book:begin validate */
	if (target == -1) {
		/* The CPU running this code, ours until put_cpu(). */
		target = get_cpu();
		put_cpu();
	} else if (target < 0 || target >= nr_cpu_ids || !cpu_online(target)) {
		pr_err("cpu=%d is not an online CPU (online: %*pbl)\n", target,
		       cpumask_pr_args(cpu_online_mask));
		return -EINVAL;
	}
	/* book:end validate */

	err = smp_call_function_single(target, read_regs, &r, 1);
	if (err) {
		pr_err("cannot run on CPU %d: %d\n", target, err);
		return err;
	}
	pr_info("loaded: running in ring 0 (CPL %u), registers read on CPU %d\n",
		r.cpl, r.cpu);
	print_reg("CR0", r.cr0, cr0_bits);
	print_reg("CR4", r.cr4, cr4_bits);
	print_reg("EFER", r.efer, efer_bits);
	pr_info("CR4.VMXE=%d EFER.SVME=%d (1: a hypervisor has this CPU's virtualization on)\n",
		!!(r.cr4 & X86_CR4_VMXE), !!(r.efer & EFER_SVME));
	return 0;
}

/* book:begin init */
/* One line per mechanism: each step adds the line of its own. */
static int __init ring0_init(void)
{
	struct vmx_caps caps;
	int err;

	err = report_cpu_regs(cpu); /* step00: ring 0 */
	if (err)
		return err;
	return vmx_discover(&caps); /* step01: what VMX offers */
}
/* book:end init */

static void __exit ring0_exit(void)
{
	pr_info("unloaded\n");
}

module_init(ring0_init);
module_exit(ring0_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("step01: ring 0; VMX discovery");
