/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_caps.h - what this CPU's VMX offers, decoded from its capability MSRs.
 *
 * Runs in the kernel module (ring 0) and, unchanged, in the host's Check unit
 * tests: nothing here touches hardware. The module reads the MSRs; these
 * functions only interpret the values.
 *
 * Spec: Intel SDM Vol. 3, Appendix A "VMX Capability Reporting Facility"
 * (A.1 Basic VMX Information, A.3-A.5 VM-Execution/VM-Exit/VM-Entry Controls,
 * A.6 Miscellaneous Data, A.7-A.8 VMX-Fixed Bits in CR0/CR4, A.10 VPID and
 * EPT Capabilities) and Section "Discovering Support for VMX".
 */
#ifndef VMX_CAPS_H
#define VMX_CAPS_H

#include <linux/types.h>

/*
 * One VMX control class as its capability MSR reports it: bits 31:0 are the
 * "allowed 0-settings" (a 1 there means the control MUST be 1), bits 63:32
 * the "allowed 1-settings" (a 0 there means the control MUST be 0).
 */
struct vmx_ctl {
	u32 allowed0;
	u32 allowed1;
};

enum vmx_ctl_kind {
	VMX_CTL_PIN,   /* pin-based VM-execution controls */
	VMX_CTL_PROC,  /* primary processor-based VM-execution controls */
	VMX_CTL_PROC2, /* secondary processor-based VM-execution controls */
	VMX_CTL_EXIT,  /* VM-exit controls */
	VMX_CTL_ENTRY, /* VM-entry controls */
	VMX_NR_CTL_KINDS
};

struct vmx_named_bit {
	u64 mask;
	const char *name;
};

/* A control class: its title, where its capability lives, its bit names. */
struct vmx_ctl_class {
	const char *title;
	u32 msr;      /* MSR_IA32_VMX_*_CTLS */
	u32 true_msr; /* MSR_IA32_VMX_TRUE_*_CTLS, 0 if none */
	const struct vmx_named_bit *bits;
	unsigned int nr_bits;
};

extern const struct vmx_ctl_class vmx_ctl_classes[VMX_NR_CTL_KINDS];

/* What a capability MSR says about one control bit. */
enum vmx_ctl_setting {
	VMX_CTL_MUST_BE_0, /* allowed1 = 0 */
	VMX_CTL_EITHER,	   /* allowed0 = 0, allowed1 = 1 */
	VMX_CTL_MUST_BE_1, /* allowed0 = 1 (then allowed1 = 1 too) */
};

/* Everything step01 reads, as raw MSR values. */
struct vmx_caps {
	u64 feature_control; /* MSR_IA32_FEAT_CTL */
	u64 basic;	     /* MSR_IA32_VMX_BASIC */
	struct vmx_ctl ctl[VMX_NR_CTL_KINDS];
	u64 misc; /* MSR_IA32_VMX_MISC */
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u64 ept_vpid_cap; /* MSR_IA32_VMX_EPT_VPID_CAP, 0 if absent */
};

/* IA32_FEATURE_CONTROL: may software execute VMXON (outside SMX)? */
enum vmx_feature_control_state {
	VMX_FC_LOCKED_ENABLED,	/* firmware/kernel locked it with VMX on */
	VMX_FC_LOCKED_DISABLED, /* locked with VMX off: only a reset helps */
	VMX_FC_UNLOCKED,	/* we may set VMX-outside-SMX and lock it */
};
enum vmx_feature_control_state vmx_feature_control_state(u64 feature_control);

/* IA32_VMX_BASIC fields (A.1 "Basic VMX Information"). */
u32 vmx_basic_revision_id(u64 basic);
u32 vmx_basic_region_size(u64 basic);
unsigned int vmx_basic_memory_type(u64 basic);
const char *vmx_memory_type_name(unsigned int type);
bool vmx_basic_has_true_ctls(u64 basic);

/* Which MSR reports control class @kind, given IA32_VMX_BASIC. */
u32 vmx_ctl_msr_index(enum vmx_ctl_kind kind, u64 basic);
struct vmx_ctl vmx_ctl_from_msr(u64 msr_value);
enum vmx_ctl_setting vmx_ctl_setting(struct vmx_ctl ctl, u32 bit);
const char *vmx_ctl_setting_name(enum vmx_ctl_setting setting);

/*
 * The allowed-0/allowed-1 adjustment: the control value to write into the
 * VMCS given the controls we @want. Bits the CPU forces to 1 are added; bits
 * it cannot set are dropped and returned in *@refused (may be NULL).
 */
u32 vmx_ctl_adjust(struct vmx_ctl ctl, u32 want, u32 *refused);

/* CR0/CR4 fixed bits (A.7, A.8): the value VMX operation requires. */
u64 vmx_fixed_apply(u64 value, u64 fixed0, u64 fixed1);
/* The bits of @value that break the fixed bits (0 = VMX can live with it). */
u64 vmx_fixed_violations(u64 value, u64 fixed0, u64 fixed1);

/* Summary answers the later steps depend on. */
bool vmx_caps_has_ept(const struct vmx_caps *caps);
bool vmx_caps_has_unrestricted_guest(const struct vmx_caps *caps);

/* EPT and VPID capabilities (A.10), as a table of named bits. */
extern const struct vmx_named_bit vmx_ept_vpid_bits[];
extern const unsigned int vmx_nr_ept_vpid_bits;

#endif /* VMX_CAPS_H */
