// SPDX-License-Identifier: GPL-2.0
/*
 * vmx_caps.c - decode the VMX capability MSRs; the allowed-0/allowed-1
 * adjustment of VMX controls; the CR0/CR4 fixed bits.
 *
 * Pure functions on recorded MSR values: runs in the kernel module and in the
 * host's Check unit tests (tests/unit/<step>/test_vmx_caps.c), never touches
 * the CPU.
 *
 * Spec: Intel SDM Vol. 3, Appendix A "VMX Capability Reporting Facility":
 * A.1 "Basic VMX Information", A.3 "VM-Execution Controls", A.4 "VM-Exit
 * Controls", A.5 "VM-Entry Controls", A.7/A.8 "VMX-Fixed Bits in CR0/CR4",
 * A.10 "VPID and EPT Capabilities"; Section "Enabling and Entering VMX
 * Operation" for IA32_FEATURE_CONTROL.
 */
#include <linux/kernel.h>
#include <linux/types.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>

#include "vmx_caps.h"

/* book:begin feature_control */
enum vmx_feature_control_state vmx_feature_control_state(u64 feature_control)
{
	if (!(feature_control & FEAT_CTL_LOCKED))
		return VMX_FC_UNLOCKED;
	if (feature_control & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)
		return VMX_FC_LOCKED_ENABLED;
	return VMX_FC_LOCKED_DISABLED;
}
/* book:end feature_control */

/* book:begin basic */
u32 vmx_basic_revision_id(u64 basic)
{
	return vmx_basic_vmcs_revision_id(basic); /* bits 30:0 */
}

u32 vmx_basic_region_size(u64 basic)
{
	return vmx_basic_vmcs_size(basic); /* bits 44:32 */
}

unsigned int vmx_basic_memory_type(u64 basic)
{
	return (basic & VMX_BASIC_MEM_TYPE_MASK) >> VMX_BASIC_MEM_TYPE_SHIFT;
}

bool vmx_basic_has_true_ctls(u64 basic)
{
	return basic & VMX_BASIC_TRUE_CTLS; /* bit 55 */
}
/* book:end basic */

/*
 * The memory type for the VMCS and VMXON region (A.1): the SDM's memory-type
 * encodings, the same numbers an EPTP uses, so Linux's VMX_EPTP_MT_UC (0)
 * names uncacheable; 6 is write-back.
 */
const char *vmx_memory_type_name(unsigned int type)
{
	switch (type) {
	case VMX_EPTP_MT_UC:
		return "UC";
	case VMX_BASIC_MEM_TYPE_WB:
		return "WB";
	default:
		return "reserved";
	}
}

/* One named bit; clang-format would spread this one line over four. */
/* clang-format off */
#define NAMED(bit)	{ (bit), #bit }
/* clang-format on */

static const struct vmx_named_bit pin_bits[] = {
	NAMED(PIN_BASED_EXT_INTR_MASK),	       /* external interrupts exit */
	NAMED(PIN_BASED_NMI_EXITING),	       /* NMIs exit */
	NAMED(PIN_BASED_VIRTUAL_NMIS),	       /* NMI blocking, virtualized */
	NAMED(PIN_BASED_VMX_PREEMPTION_TIMER), /* a timer that exits */
	NAMED(PIN_BASED_POSTED_INTR),	       /* interrupts without exits */
};

static const struct vmx_named_bit proc_bits[] = {
	NAMED(CPU_BASED_INTR_WINDOW_EXITING),
	NAMED(CPU_BASED_USE_TSC_OFFSETTING),
	NAMED(CPU_BASED_HLT_EXITING),
	NAMED(CPU_BASED_INVLPG_EXITING),
	NAMED(CPU_BASED_MWAIT_EXITING),
	NAMED(CPU_BASED_RDPMC_EXITING),
	NAMED(CPU_BASED_RDTSC_EXITING),
	NAMED(CPU_BASED_CR3_LOAD_EXITING),
	NAMED(CPU_BASED_CR3_STORE_EXITING),
	NAMED(CPU_BASED_ACTIVATE_TERTIARY_CONTROLS),
	NAMED(CPU_BASED_CR8_LOAD_EXITING),
	NAMED(CPU_BASED_CR8_STORE_EXITING),
	NAMED(CPU_BASED_TPR_SHADOW),
	NAMED(CPU_BASED_NMI_WINDOW_EXITING),
	NAMED(CPU_BASED_MOV_DR_EXITING),
	NAMED(CPU_BASED_UNCOND_IO_EXITING),
	NAMED(CPU_BASED_USE_IO_BITMAPS),
	NAMED(CPU_BASED_MONITOR_TRAP_FLAG),
	NAMED(CPU_BASED_USE_MSR_BITMAPS),
	NAMED(CPU_BASED_MONITOR_EXITING),
	NAMED(CPU_BASED_PAUSE_EXITING),
	NAMED(CPU_BASED_ACTIVATE_SECONDARY_CONTROLS),
};

static const struct vmx_named_bit proc2_bits[] = {
	NAMED(SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES),
	NAMED(SECONDARY_EXEC_ENABLE_EPT),
	NAMED(SECONDARY_EXEC_DESC),
	NAMED(SECONDARY_EXEC_ENABLE_RDTSCP),
	NAMED(SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE),
	NAMED(SECONDARY_EXEC_ENABLE_VPID),
	NAMED(SECONDARY_EXEC_WBINVD_EXITING),
	NAMED(SECONDARY_EXEC_UNRESTRICTED_GUEST),
	NAMED(SECONDARY_EXEC_APIC_REGISTER_VIRT),
	NAMED(SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY),
	NAMED(SECONDARY_EXEC_PAUSE_LOOP_EXITING),
	NAMED(SECONDARY_EXEC_RDRAND_EXITING),
	NAMED(SECONDARY_EXEC_ENABLE_INVPCID),
	NAMED(SECONDARY_EXEC_ENABLE_VMFUNC),
	NAMED(SECONDARY_EXEC_SHADOW_VMCS),
	NAMED(SECONDARY_EXEC_ENCLS_EXITING),
	NAMED(SECONDARY_EXEC_RDSEED_EXITING),
	NAMED(SECONDARY_EXEC_ENABLE_PML),
	NAMED(SECONDARY_EXEC_PT_CONCEAL_VMX),
	NAMED(SECONDARY_EXEC_XSAVES),
	NAMED(SECONDARY_EXEC_MODE_BASED_EPT_EXEC),
	NAMED(SECONDARY_EXEC_PT_USE_GPA),
	NAMED(SECONDARY_EXEC_TSC_SCALING),
	NAMED(SECONDARY_EXEC_ENABLE_USR_WAIT_PAUSE),
	NAMED(SECONDARY_EXEC_BUS_LOCK_DETECTION),
	NAMED(SECONDARY_EXEC_NOTIFY_VM_EXITING),
};

static const struct vmx_named_bit exit_bits[] = {
	NAMED(VM_EXIT_SAVE_DEBUG_CONTROLS),
	NAMED(VM_EXIT_HOST_ADDR_SPACE_SIZE),
	NAMED(VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL),
	NAMED(VM_EXIT_ACK_INTR_ON_EXIT),
	NAMED(VM_EXIT_SAVE_IA32_PAT),
	NAMED(VM_EXIT_LOAD_IA32_PAT),
	NAMED(VM_EXIT_SAVE_IA32_EFER),
	NAMED(VM_EXIT_LOAD_IA32_EFER),
	NAMED(VM_EXIT_SAVE_VMX_PREEMPTION_TIMER),
	NAMED(VM_EXIT_CLEAR_BNDCFGS),
	NAMED(VM_EXIT_PT_CONCEAL_PIP),
	NAMED(VM_EXIT_CLEAR_IA32_RTIT_CTL),
};

static const struct vmx_named_bit entry_bits[] = {
	NAMED(VM_ENTRY_LOAD_DEBUG_CONTROLS),
	NAMED(VM_ENTRY_IA32E_MODE),
	NAMED(VM_ENTRY_SMM),
	NAMED(VM_ENTRY_DEACT_DUAL_MONITOR),
	NAMED(VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL),
	NAMED(VM_ENTRY_LOAD_IA32_PAT),
	NAMED(VM_ENTRY_LOAD_IA32_EFER),
	NAMED(VM_ENTRY_LOAD_BNDCFGS),
	NAMED(VM_ENTRY_PT_CONCEAL_PIP),
	NAMED(VM_ENTRY_LOAD_IA32_RTIT_CTL),
};

/* book:begin ctl_classes */
const struct vmx_ctl_class vmx_ctl_classes[VMX_NR_CTL_KINDS] = {
	[VMX_CTL_PIN] = { "pin-based VM-execution controls",
			  MSR_IA32_VMX_PINBASED_CTLS,
			  MSR_IA32_VMX_TRUE_PINBASED_CTLS, pin_bits,
			  ARRAY_SIZE(pin_bits) },
	[VMX_CTL_PROC] = { "primary processor-based VM-execution controls",
			   MSR_IA32_VMX_PROCBASED_CTLS,
			   MSR_IA32_VMX_TRUE_PROCBASED_CTLS, proc_bits,
			   ARRAY_SIZE(proc_bits) },
	[VMX_CTL_PROC2] = { "secondary processor-based VM-execution controls",
			    MSR_IA32_VMX_PROCBASED_CTLS2, 0, proc2_bits,
			    ARRAY_SIZE(proc2_bits) },
	[VMX_CTL_EXIT] = { "VM-exit controls", MSR_IA32_VMX_EXIT_CTLS,
			   MSR_IA32_VMX_TRUE_EXIT_CTLS, exit_bits,
			   ARRAY_SIZE(exit_bits) },
	[VMX_CTL_ENTRY] = { "VM-entry controls", MSR_IA32_VMX_ENTRY_CTLS,
			    MSR_IA32_VMX_TRUE_ENTRY_CTLS, entry_bits,
			    ARRAY_SIZE(entry_bits) },
};

/*
 * A CPU that sets IA32_VMX_BASIC bit 55 reports in the TRUE_* MSRs which of
 * the "default1" controls may in fact be 0; the old MSRs keep reporting them
 * as fixed to 1 for software written before they existed.
 */
u32 vmx_ctl_msr_index(enum vmx_ctl_kind kind, u64 basic)
{
	const struct vmx_ctl_class *class = &vmx_ctl_classes[kind];

	if (class->true_msr && vmx_basic_has_true_ctls(basic))
		return class->true_msr;
	return class->msr;
}
/* book:end ctl_classes */

/* book:begin adjust */
struct vmx_ctl vmx_ctl_from_msr(u64 msr_value)
{
	struct vmx_ctl ctl = {
		.allowed0 = lower_32_bits(msr_value), /* 1 = must be 1 */
		.allowed1 = upper_32_bits(msr_value), /* 0 = must be 0 */
	};
	return ctl;
}

enum vmx_ctl_setting vmx_ctl_setting(struct vmx_ctl ctl, u32 bit)
{
	if (ctl.allowed0 & bit)
		return VMX_CTL_MUST_BE_1;
	if (ctl.allowed1 & bit)
		return VMX_CTL_EITHER;
	return VMX_CTL_MUST_BE_0;
}

u32 vmx_ctl_adjust(struct vmx_ctl ctl, u32 want, u32 *refused)
{
	if (refused)
		*refused = want & ~ctl.allowed1;
	return (want | ctl.allowed0) & ctl.allowed1;
}
/* book:end adjust */

const char *vmx_ctl_setting_name(enum vmx_ctl_setting setting)
{
	switch (setting) {
	case VMX_CTL_MUST_BE_0:
		return "unsupported (must be 0)";
	case VMX_CTL_EITHER:
		return "optional (0 or 1)";
	case VMX_CTL_MUST_BE_1:
		return "required (must be 1)";
	}
	return "?";
}

/* book:begin fixed */
/*
 * IA32_VMX_CRn_FIXED0: a 1 bit must be 1 in CRn; IA32_VMX_CRn_FIXED1: a 0
 * bit must be 0 in CRn (A.7 "VMX-Fixed Bits in CR0", A.8 "... in CR4").
 */
u64 vmx_fixed_apply(u64 value, u64 fixed0, u64 fixed1)
{
	return (value | fixed0) & fixed1;
}

u64 vmx_fixed_violations(u64 value, u64 fixed0, u64 fixed1)
{
	return value ^ vmx_fixed_apply(value, fixed0, fixed1);
}
/* book:end fixed */

/*
 * EPT is usable when the primary controls can activate the secondary ones
 * and the secondary controls can enable EPT; same for unrestricted guest.
 */
static bool vmx_caps_proc2_allows(const struct vmx_caps *caps, u32 bit)
{
	if (!(caps->ctl[VMX_CTL_PROC].allowed1 &
	      CPU_BASED_ACTIVATE_SECONDARY_CONTROLS))
		return false;
	return caps->ctl[VMX_CTL_PROC2].allowed1 & bit;
}

bool vmx_caps_has_ept(const struct vmx_caps *caps)
{
	return vmx_caps_proc2_allows(caps, SECONDARY_EXEC_ENABLE_EPT);
}

bool vmx_caps_has_unrestricted_guest(const struct vmx_caps *caps)
{
	return vmx_caps_proc2_allows(caps, SECONDARY_EXEC_UNRESTRICTED_GUEST);
}

/* IA32_VMX_EPT_VPID_CAP: EPT bits in 31:0, VPID bits in 63:32. */
#define VPID_CAP_SHIFT 32
/* clang-format off */
#define VPID_CAP(bit)	{ (u64)(bit) << VPID_CAP_SHIFT, #bit }
/* clang-format on */

const struct vmx_named_bit vmx_ept_vpid_bits[] = {
	NAMED(VMX_EPT_EXECUTE_ONLY_BIT),
	NAMED(VMX_EPT_PAGE_WALK_4_BIT),
	NAMED(VMX_EPT_PAGE_WALK_5_BIT),
	NAMED(VMX_EPTP_UC_BIT),
	NAMED(VMX_EPTP_WB_BIT),
	NAMED(VMX_EPT_2MB_PAGE_BIT),
	NAMED(VMX_EPT_1GB_PAGE_BIT),
	NAMED(VMX_EPT_INVEPT_BIT),
	NAMED(VMX_EPT_AD_BIT),
	NAMED(VMX_EPT_EXTENT_CONTEXT_BIT),
	NAMED(VMX_EPT_EXTENT_GLOBAL_BIT),
	VPID_CAP(VMX_VPID_INVVPID_BIT),
	VPID_CAP(VMX_VPID_EXTENT_INDIVIDUAL_ADDR_BIT),
	VPID_CAP(VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT),
	VPID_CAP(VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT),
	VPID_CAP(VMX_VPID_EXTENT_SINGLE_NON_GLOBAL_BIT),
};
const unsigned int vmx_nr_ept_vpid_bits = ARRAY_SIZE(vmx_ept_vpid_bits);
