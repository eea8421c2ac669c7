/*
 * x86_modes.h - the three x86 CPU modes a fresh vCPU can be put into.
 *
 * Runs: userspace (the VMM), and in the host unit tests.
 * Spec: Intel SDM Vol. 3A, "Mode Switching" (real-address mode, protected
 * mode, IA-32e mode), "Segment Descriptors", "4-Level Paging".
 */
#ifndef X86_MODES_H
#define X86_MODES_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

enum cpu_mode { MODE_REAL, MODE_PROTECTED, MODE_LONG, MODE_COUNT };

/* The GDT the VMM writes at GUEST_GDT_ADDR (protected and long mode). */
enum gdt_index { GDT_NULL, GDT_CODE32, GDT_DATA, GDT_CODE64, GDT_ENTRIES };
#define GDT_SELECTOR(index) ((uint16_t)((index) << 3)) /* TI=0 (GDT), RPL=0 */

const char *mode_name(enum cpu_mode mode);
int mode_parse(const char *name, enum cpu_mode *mode);
size_t mode_result_width(enum cpu_mode mode);

uint64_t gdt_encode(const struct kvm_segment *seg);
struct kvm_segment gdt_decode(uint64_t desc, uint16_t selector);
void gdt_build(uint64_t gdt[GDT_ENTRIES]);
uint64_t page_tables_build(uint8_t *mem);

void setup_real_mode(struct kvm_sregs *sregs, struct kvm_regs *regs);
void setup_protected_mode(uint8_t *mem, struct kvm_sregs *sregs,
			  struct kvm_regs *regs);
void setup_long_mode(uint8_t *mem, struct kvm_sregs *sregs,
		     struct kvm_regs *regs);

#endif
