/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim <linux/kernel.h> - the few helpers of the kernel's <linux/kernel.h>
 * that the steps' pure files use (ARRAY_SIZE, upper_32_bits,
 * lower_32_bits), for host unit tests.
 */
#ifndef KSHIM_LINUX_KERNEL_H
#define KSHIM_LINUX_KERNEL_H

#include <linux/types.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* The halves of a 64-bit number, as the kernel names them. */
#define upper_32_bits(n) ((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n) ((u32)(n))

#include <stdarg.h>
#include <stdio.h>

/* scnprintf: like snprintf, but returns what was written, never more. */
static inline int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (size == 0)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	return (size_t)n >= size ? (int)size - 1 : n;
}

#endif /* KSHIM_LINUX_KERNEL_H */
