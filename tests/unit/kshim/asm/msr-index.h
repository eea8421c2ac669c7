/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim <asm/msr-index.h> - the MSR numbers and bits the steps' pure files
 * use, with the kernel's names (arch/x86/include/asm/msr-index.h), for host
 * unit tests. Values: Intel SDM Vol. 4, "Model-Specific Registers".
 */
#ifndef KSHIM_ASM_MSR_INDEX_H
#define KSHIM_ASM_MSR_INDEX_H

#define MSR_EFER	0xc0000080 /* extended feature enable register */
#define _EFER_SCE	0  /* SYSCALL/SYSRET */
#define _EFER_LME	8  /* long mode enable */
#define _EFER_LMA	10 /* long mode active (read-only) */
#define _EFER_NX	11 /* no-execute enable */
#define _EFER_SVME	12 /* AMD: enable virtualization */
#define EFER_SCE	(1 << _EFER_SCE)
#define EFER_LME	(1 << _EFER_LME)
#define EFER_LMA	(1 << _EFER_LMA)
#define EFER_NX		(1 << _EFER_NX)
#define EFER_SVME	(1 << _EFER_SVME)

#endif /* KSHIM_ASM_MSR_INDEX_H */
