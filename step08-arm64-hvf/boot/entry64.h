/*
 * entry64.h - the CPU state Linux's 64-bit entry point expects.
 *
 * Runs: userspace (the VMM), before the first KVM_RUN; pure functions over
 * guest memory and the register structures of <linux/kvm.h>.
 * Spec: Documentation/arch/x86/boot.rst, "64-bit Boot Protocol"; Intel SDM
 * Vol. 3A, "Segment Descriptors", "4-Level Paging", "Initializing IA-32e
 * Mode".
 */
#ifndef BOOT_ENTRY64_H
#define BOOT_ENTRY64_H

#include <stdint.h>
#include <linux/kvm.h>

#include "guest_mem.h"

/*
 * The selectors the protocol names, as Linux defines them
 * (arch/x86/include/asm/segment.h, not UAPI): GDT entries 2 and 3.
 */
#define GDT_ENTRY_BOOT_CS 2
#define GDT_ENTRY_BOOT_DS 3
#define BOOT_GDT_ENTRIES  4
#define __BOOT_CS	  (GDT_ENTRY_BOOT_CS * 8)
#define __BOOT_DS	  (GDT_ENTRY_BOOT_DS * 8)

void entry64_gdt_build(uint64_t gdt[BOOT_GDT_ENTRIES]);
struct kvm_segment entry64_segment(unsigned int index);
int entry64_page_tables_build(const struct guest_mem *mem, uint64_t *cr3);
int entry64_setup(const struct guest_mem *mem, uint64_t entry,
		  uint64_t boot_params, struct kvm_sregs *sregs,
		  struct kvm_regs *regs);

#endif
