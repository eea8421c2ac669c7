// SPDX-License-Identifier: GPL-2.0
/*
 * cpu_regs.c — turn a control-register value into the names of its set bits.
 *
 * Kernel (ring0.c logs with it) and host: the unit tests of every step that
 * has this file (tests/unit/<step>/test_cpu_regs.c) compile it unchanged.
 * Intel SDM Vol. 3A, "Control Registers" (CR0, CR4) and "Extended Feature
 * Enable Register" (IA32_EFER); AMD APM Vol. 2, "Extended Feature Enable
 * Register (EFER)" for SVME.
 */
#include <linux/kernel.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>

#include "cpu_regs.h"

/* book:begin bit-tables */
const struct reg_bit cr0_bits[] = {
	{ X86_CR0_PE, "PE" }, /* protection enable: protected mode */
	{ X86_CR0_MP, "MP" }, /* monitor coprocessor */
	{ X86_CR0_EM, "EM" }, /* x87 emulation */
	{ X86_CR0_TS, "TS" }, /* task switched: lazy FPU state */
	{ X86_CR0_ET, "ET" }, /* extension type, always 1 */
	{ X86_CR0_NE, "NE" }, /* native FPU error reporting */
	{ X86_CR0_WP, "WP" }, /* ring 0 honours read-only pages */
	{ X86_CR0_AM, "AM" }, /* alignment checks allowed */
	{ X86_CR0_NW, "NW" }, /* not write-through */
	{ X86_CR0_CD, "CD" }, /* cache disable */
	{ X86_CR0_PG, "PG" }, /* paging */
	{ 0, NULL },
};

const struct reg_bit cr4_bits[] = {
	{ X86_CR4_VME, "VME" },
	{ X86_CR4_PVI, "PVI" },
	{ X86_CR4_TSD, "TSD" },
	{ X86_CR4_DE, "DE" },
	{ X86_CR4_PSE, "PSE" },
	{ X86_CR4_PAE, "PAE" }, /* physical address extension: 64-bit PTEs */
	{ X86_CR4_MCE, "MCE" },
	{ X86_CR4_PGE, "PGE" },
	{ X86_CR4_PCE, "PCE" },
	{ X86_CR4_OSFXSR, "OSFXSR" },
	{ X86_CR4_OSXMMEXCPT, "OSXMMEXCPT" },
	{ X86_CR4_UMIP, "UMIP" },
	{ X86_CR4_LA57, "LA57" },
	{ X86_CR4_VMXE, "VMXE" }, /* VMX enable: VMXON is allowed */
	{ X86_CR4_SMXE, "SMXE" },
	{ X86_CR4_FSGSBASE, "FSGSBASE" },
	{ X86_CR4_PCIDE, "PCIDE" },
	{ X86_CR4_OSXSAVE, "OSXSAVE" },
	{ X86_CR4_SMEP, "SMEP" },
	{ X86_CR4_SMAP, "SMAP" },
	{ X86_CR4_PKE, "PKE" },
	{ 0, NULL },
};

const struct reg_bit efer_bits[] = {
	{ EFER_SCE, "SCE" },   /* SYSCALL/SYSRET */
	{ EFER_LME, "LME" },   /* long mode enable */
	{ EFER_LMA, "LMA" },   /* long mode active */
	{ EFER_NX, "NXE" },    /* no-execute pages */
	{ EFER_SVME, "SVME" }, /* AMD SVM enable: VMRUN is allowed */
	{ 0, NULL },
};
/* book:end bit-tables */

/*
 * Write the names of the bits set in @value, separated by spaces, into @buf;
 * set bits the table does not name are shown once, as "+0x...". Returns the
 * length written (always NUL-terminated, truncated to fit @size).
 */
int format_reg_bits(char *buf, size_t size, u64 value,
		    const struct reg_bit *bits)
{
	u64 unnamed = value;
	int len = 0;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	for (; bits->name; bits++) {
		if (!(value & bits->mask))
			continue;
		unnamed &= ~bits->mask;
		len += scnprintf(buf + len, size - len, "%s%s", len ? " " : "",
				 bits->name);
	}
	if (unnamed)
		len += scnprintf(buf + len, size - len, "%s+0x%llx",
				 len ? " " : "", (unsigned long long)unnamed);
	return len;
}
