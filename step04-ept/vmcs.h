/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmcs.h - one VMCS: its region, its three areas that software fills
 * (controls, host state, guest state), written through tables of named
 * fields.
 *
 * Runs in the kernel module, VMX root operation, on the CPU that owns the
 * VMCS (preemption off between VMPTRLD and VMCLEAR).
 *
 * Spec: Intel SDM Vol. 3, "Virtual Machine Control Structures" ("Format of
 * the VMCS Region", "Organization of VMCS Data", "Guest-State Area",
 * "Host-State Area", "VM-Execution Control Fields", "VM-Exit Control
 * Fields", "VM-Entry Control Fields"), Appendix B "Field Encoding in VMCS".
 */
#ifndef VMCS_H
#define VMCS_H

#include <linux/types.h>
#include <asm/vmx.h>

#include "vmx_caps.h"

/* A VMCS field and the value to write into it, named for the log. */
struct vmcs_field_value {
	u32 field; /* enum vmcs_field in <asm/vmx.h> */
	const char *name;
	u64 value;
};
/* clang-format off */
#define VMCS_FIELD(f, v)	{ (f), #f, (v) }
/* clang-format on */

/* The VM-execution, VM-exit and VM-entry controls a VMM asks for. */
struct vmx_controls {
	u32 pin;   /* PIN_BASED_* */
	u32 proc;  /* CPU_BASED_* */
	u32 proc2; /* SECONDARY_EXEC_*, 0 = no secondary controls */
	u32 exit;  /* VM_EXIT_* */
	u32 entry; /* VM_ENTRY_* */
};

/* One segment register as the guest-state area holds it. */
struct vmcs_segment {
	u16 selector;
	u64 base;
	u32 limit;
	u32 ar; /* access rights: VMX_AR_*, the descriptor's bits 8-15, 20-23 */
};

enum vmcs_segment_index {
	VMCS_SEG_ES,
	VMCS_SEG_CS,
	VMCS_SEG_SS,
	VMCS_SEG_DS,
	VMCS_SEG_FS,
	VMCS_SEG_GS,
	VMCS_SEG_LDTR,
	VMCS_SEG_TR,
	VMCS_NR_SEGS
};

/* The guest's registers that live in the guest-state area. */
struct vmcs_guest_state {
	u64 cr0, cr3, cr4, dr7, efer;
	u64 rsp, rip, rflags;
	struct vmcs_segment seg[VMCS_NR_SEGS];
	u64 gdtr_base, idtr_base;
	u32 gdtr_limit, idtr_limit;
};

/*
 * The first 8 bytes of a VMCS region ("Format of the VMCS Region"); the
 * rest is the CPU's, in a layout it does not disclose.
 */
struct vmcs_region_header {
	u32 revision_id; /* bits 30:0; bit 31 = shadow VMCS (0 here) */
	u32 abort;	 /* the VMX-abort indicator */
};

struct vmcs {
	struct vmcs_region_header *region; /* IA32_VMX_BASIC[44:32] bytes */
	phys_addr_t pa;
};

/*
 * The life of a VMCS: create (allocate; may sleep), load on this CPU
 * (VMCLEAR, VMPTRLD), use, unload (VMCLEAR), destroy (free). Everything from
 * load to unload runs on one CPU with preemption off.
 */
int vmcs_create(struct vmcs *vmcs, const struct vmx_caps *caps);
int vmcs_load(struct vmcs *vmcs);
int vmcs_unload(struct vmcs *vmcs);
void vmcs_destroy(struct vmcs *vmcs);

int vmcs_write_fields(const struct vmcs_field_value *fields, unsigned int n);
u64 vmcs_read(u32 field);

int vmcs_setup_controls(const struct vmx_caps *caps,
			const struct vmx_controls *want);
int vmcs_setup_host_state(void);
int vmcs_setup_guest_state(const struct vmcs_guest_state *gs);
void vmcs_dump_guest_state(void);

/* The TSS base of the CPU we run on (for HOST_TR_BASE). */
u64 cpu_tss_base(void);

#endif /* VMCS_H */
