// SPDX-License-Identifier: GPL-2.0
/*
 * vmx_discover.c - is VMX there, and what does this CPU's VMX offer?
 *
 * Kernel (ring 0, 64-bit mode), called from the module's init. Asks CPUID
 * whether the CPU implements VMX, reads IA32_FEATURE_CONTROL and the VMX
 * capability MSRs, and writes a readable report to the kernel log. It changes
 * nothing: no CR4.VMXE, no VMXON (vmxon.c does that, from step02 on). The
 * decoding itself is in vmx_caps.c, which the host's unit tests compile too.
 *
 * Spec: Intel SDM Vol. 3, Chapter "Introduction to Virtual Machine
 * Extensions", Section "Discovering Support for VMX", Section "Enabling and
 * Entering VMX Operation" (IA32_FEATURE_CONTROL), Appendix A "VMX Capability
 * Reporting Facility". CPUID: SDM Vol. 2, "CPUID - CPU Identification".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/special_insns.h>
#include <asm/vmx.h>

#include "vmx_caps.h"
#include "vmx_discover.h"

static bool report = true;
module_param(report, bool, 0444);
MODULE_PARM_DESC(report, "log the full VMX capability report (default: yes)");

/* book:begin cpuid */
/* CPUID leaf 1 reports VMX in ECX bit 5; Linux calls the bit X86_FEATURE_VMX. */
#define CPUID_LEAF_VENDOR   0
#define CPUID_LEAF_FEATURES 1
#define CPUID_1_ECX_VMX	    BIT(X86_FEATURE_VMX % 32)

/* The vendor string: 12 characters in EBX, EDX, ECX of CPUID leaf 0. */
#define CPU_VENDOR_LEN 12

static void cpu_vendor(char vendor[CPU_VENDOR_LEN + 1])
{
	u32 max_leaf, ebx_edx_ecx[3];

	static_assert(sizeof(ebx_edx_ecx) == CPU_VENDOR_LEN);
	cpuid(CPUID_LEAF_VENDOR, &max_leaf, &ebx_edx_ecx[0], &ebx_edx_ecx[2],
	      &ebx_edx_ecx[1]);
	memcpy(vendor, ebx_edx_ecx, CPU_VENDOR_LEN);
	vendor[CPU_VENDOR_LEN] = '\0';
}

static bool cpu_has_vmx(void)
{
	return cpuid_ecx(CPUID_LEAF_FEATURES) & CPUID_1_ECX_VMX;
}
/* book:end cpuid */

/* book:begin read_caps */
/*
 * Read every capability MSR step01 reports. The secondary controls exist only
 * if the primary controls can activate them, the EPT/VPID capability MSR only
 * if the secondary controls can enable EPT or VPID (A.3.3, A.10).
 */
static int vmx_caps_read(struct vmx_caps *caps)
{
	struct {
		u32 msr;
		u64 *value;
	} fixed[] = {
		{ MSR_IA32_FEAT_CTL, &caps->feature_control },
		{ MSR_IA32_VMX_BASIC, &caps->basic },
		{ MSR_IA32_VMX_MISC, &caps->misc },
		{ MSR_IA32_VMX_CR0_FIXED0, &caps->cr0_fixed0 },
		{ MSR_IA32_VMX_CR0_FIXED1, &caps->cr0_fixed1 },
		{ MSR_IA32_VMX_CR4_FIXED0, &caps->cr4_fixed0 },
		{ MSR_IA32_VMX_CR4_FIXED1, &caps->cr4_fixed1 },
	};
	enum vmx_ctl_kind kind;
	unsigned int i;
	u64 value;
	u32 msr;

	memset(caps, 0, sizeof(*caps));
	for (i = 0; i < ARRAY_SIZE(fixed); i++) {
		if (rdmsrl_safe(fixed[i].msr, fixed[i].value)) {
			pr_err("reading MSR 0x%x faulted\n", fixed[i].msr);
			return -EIO;
		}
	}
	for (kind = 0; kind < VMX_NR_CTL_KINDS; kind++) {
		if (kind == VMX_CTL_PROC2 &&
		    !(caps->ctl[VMX_CTL_PROC].allowed1 &
		      CPU_BASED_ACTIVATE_SECONDARY_CONTROLS))
			continue;
		msr = vmx_ctl_msr_index(kind, caps->basic);
		if (rdmsrl_safe(msr, &value)) {
			pr_err("reading MSR 0x%x faulted\n", msr);
			return -EIO;
		}
		caps->ctl[kind] = vmx_ctl_from_msr(value);
	}
	if ((caps->ctl[VMX_CTL_PROC2].allowed1 &
	     (SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID)) &&
	    rdmsrl_safe(MSR_IA32_VMX_EPT_VPID_CAP, &caps->ept_vpid_cap)) {
		pr_err("reading IA32_VMX_EPT_VPID_CAP faulted\n");
		return -EIO;
	}
	return 0;
}
/* book:end read_caps */

static const char *feature_control_text(u64 feature_control)
{
	switch (vmx_feature_control_state(feature_control)) {
	case VMX_FC_LOCKED_ENABLED:
		return "locked, VMX outside SMX enabled";
	case VMX_FC_LOCKED_DISABLED:
		return "locked, VMX outside SMX DISABLED (firmware setting; VMXON would #GP)";
	case VMX_FC_UNLOCKED:
		return "unlocked (a VMM may enable VMX and lock it)";
	}
	return "?";
}

static void report_basic(const struct vmx_caps *caps)
{
	pr_info("IA32_FEATURE_CONTROL = 0x%llx: %s\n", caps->feature_control,
		feature_control_text(caps->feature_control));
	pr_info("IA32_VMX_BASIC = 0x%016llx: VMCS revision 0x%x, region %u bytes, memory type %s, true controls %s\n",
		caps->basic, vmx_basic_revision_id(caps->basic),
		vmx_basic_region_size(caps->basic),
		vmx_memory_type_name(vmx_basic_memory_type(caps->basic)),
		vmx_basic_has_true_ctls(caps->basic) ? "yes" : "no");
	pr_info("IA32_VMX_MISC = 0x%016llx\n", caps->misc);
}

/* book:begin report_ctl */
/* One line per named control, then the unnamed bits the CPU forces to 1. */
static void report_ctl(const struct vmx_caps *caps, enum vmx_ctl_kind kind)
{
	const struct vmx_ctl_class *class = &vmx_ctl_classes[kind];
	struct vmx_ctl ctl = caps->ctl[kind];
	enum vmx_ctl_setting setting;
	u32 named = 0;
	unsigned int i;

	pr_info("%s (MSR 0x%x): allowed-0 0x%08x allowed-1 0x%08x\n",
		class->title, vmx_ctl_msr_index(kind, caps->basic),
		ctl.allowed0, ctl.allowed1);
	for (i = 0; i < class->nr_bits; i++) {
		setting = vmx_ctl_setting(ctl, class->bits[i].mask);
		named |= class->bits[i].mask;
		pr_info("  %-40s %s\n", class->bits[i].name,
			vmx_ctl_setting_name(setting));
	}
	if (ctl.allowed0 & ~named)
		pr_info("  %-40s 0x%08x\n", "reserved bits that must be 1",
			ctl.allowed0 & ~named);
}
/* book:end report_ctl */

static void report_ept_vpid(const struct vmx_caps *caps)
{
	unsigned int i;
	bool has;

	pr_info("IA32_VMX_EPT_VPID_CAP = 0x%016llx\n", caps->ept_vpid_cap);
	for (i = 0; i < vmx_nr_ept_vpid_bits; i++) {
		has = caps->ept_vpid_cap & vmx_ept_vpid_bits[i].mask;
		pr_info("  %-40s %s\n", vmx_ept_vpid_bits[i].name,
			has ? "yes" : "no");
	}
}

/* book:begin report_fixed */
static void report_fixed(const char *reg, u64 value, u64 fixed0, u64 fixed1)
{
	u64 bad = vmx_fixed_violations(value, fixed0, fixed1);
	const char *verdict =
		bad ? "VMX needs these bits changed:" : "fine for VMX, changes";

	pr_info("%s = 0x%llx: fixed0 0x%llx (must be 1) fixed1 0x%llx (may be 1): %s 0x%llx\n",
		reg, value, fixed0, fixed1, verdict, bad);
}
/* book:end report_fixed */

static void vmx_report(const struct vmx_caps *caps)
{
	enum vmx_ctl_kind kind;

	report_basic(caps);
	for (kind = 0; kind < VMX_NR_CTL_KINDS; kind++)
		report_ctl(caps, kind);
	report_ept_vpid(caps);
	report_fixed("CR0", read_cr0(), caps->cr0_fixed0, caps->cr0_fixed1);
	report_fixed("CR4", __read_cr4(), caps->cr4_fixed0, caps->cr4_fixed1);
}

/* book:begin discover */
int vmx_discover(struct vmx_caps *caps)
{
	char vendor[CPU_VENDOR_LEN + 1];
	bool locked, enabled;
	int err;

	cpu_vendor(vendor);
	if (!cpu_has_vmx()) {
		pr_err("CPU vendor %s: CPUID.1:ECX.VMX[bit 5] = 0, this CPU does not implement VMX (AMD CPUs have SVM instead; an emulator may not offer VMX)\n",
		       vendor);
		return -ENODEV;
	}
	pr_info("CPU vendor %s: CPUID.1:ECX.VMX[bit 5] = 1\n", vendor);

	err = vmx_caps_read(caps);
	if (err)
		return err;
	if (report)
		vmx_report(caps);

	/* One machine-readable line; lab.sh turns it into the verdict. */
	locked = caps->feature_control & FEAT_CTL_LOCKED;
	enabled = caps->feature_control & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX;
	pr_info("result vmx=1 feature_control=%s,%s vmcs_revision=0x%x ept=%d unrestricted_guest=%d\n",
		locked ? "locked" : "unlocked",
		enabled ? "enabled" : "disabled",
		vmx_basic_revision_id(caps->basic), vmx_caps_has_ept(caps),
		vmx_caps_has_unrestricted_guest(caps));
	return 0;
}
/* book:end discover */
