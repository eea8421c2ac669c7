/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim <linux/types.h> - the kernel's fixed-width types for host unit tests.
 *
 * Host userspace only: lets a step's pure .c file (capability decoding, names
 * tables, EPT builders) compile unchanged under Check. Keep it minimal.
 */
#ifndef KSHIM_LINUX_TYPES_H
#define KSHIM_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef u64 phys_addr_t;

/*
 * The kernel force-includes its compiler attributes into every file
 * (include/linux/compiler_attributes.h); kernel headers rely on them.
 */
#define __aligned(x) __attribute__((__aligned__(x)))
#define __packed     __attribute__((__packed__))

#endif /* KSHIM_LINUX_TYPES_H */
