/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim <linux/bug.h> - WARN_ON/WARN_ON_ONCE for host unit tests: print to
 * stderr and evaluate to the condition, as in the kernel.
 */
#ifndef KSHIM_LINUX_BUG_H
#define KSHIM_LINUX_BUG_H

#include <stdio.h>

#define WARN_ON(cond)                                                          \
	({                                                                     \
		int __c = !!(cond);                                            \
		if (__c)                                                       \
			fprintf(stderr, "WARNING: %s:%d: %s\n", __FILE__,      \
				__LINE__, #cond);                              \
		__c;                                                           \
	})
#define WARN_ON_ONCE(cond) WARN_ON(cond)

#endif /* KSHIM_LINUX_BUG_H */
