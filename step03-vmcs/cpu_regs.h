/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpu_regs.h — names for the bits of CR0, CR4 and IA32_EFER.
 *
 * Kernel and host (unit tests). Intel SDM Vol. 3A, "Control Registers" and
 * "Extended Feature Enable Register"; the bit names are Linux's
 * (X86_CR0_*, X86_CR4_*, EFER_*).
 */
#ifndef STEP00_CPU_REGS_H
#define STEP00_CPU_REGS_H

#include <linux/types.h>

/* One named bit of a register. */
struct reg_bit {
	u64 mask;
	const char *name;
};

extern const struct reg_bit cr0_bits[];
extern const struct reg_bit cr4_bits[];
extern const struct reg_bit efer_bits[];

int format_reg_bits(char *buf, size_t size, u64 value,
		    const struct reg_bit *bits);

#endif
