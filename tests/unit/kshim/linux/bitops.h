/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim <linux/bitops.h> - for host unit tests: the bit macros, plus the
 * WARN_ON_ONCE() that arch/x86/include/asm/vmx.h uses without including
 * <linux/bug.h> itself.
 */
#ifndef KSHIM_LINUX_BITOPS_H
#define KSHIM_LINUX_BITOPS_H

#include <linux/bits.h>
#include <linux/bug.h>

#endif /* KSHIM_LINUX_BITOPS_H */
