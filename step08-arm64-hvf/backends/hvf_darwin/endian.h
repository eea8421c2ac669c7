/*
 * endian.h - glibc's <endian.h> byte-order conversions for the macOS
 * build of the arm64 VMM (backends/hvf.mk puts this folder on the include
 * path there only; see hvf_darwin.h).  Apple silicon is little-endian, as
 * virtio's fields are: every conversion is the value itself.
 *
 * Runs: the arm64 VMM on macOS.  UNVERIFIED: not compiled on a Mac.
 * Spec: glibc's endian(3) names; virtio 1.2 "Little-endian".
 */
#ifndef BACKENDS_HVF_DARWIN_ENDIAN_H
#define BACKENDS_HVF_DARWIN_ENDIAN_H

#include <stdint.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "hvf_darwin/endian.h is for little-endian hosts (Apple silicon)"
#endif

#define le16toh(x) ((uint16_t)(x))
#define le32toh(x) ((uint32_t)(x))
#define le64toh(x) ((uint64_t)(x))
#define htole16(x) ((uint16_t)(x))
#define htole32(x) ((uint32_t)(x))
#define htole64(x) ((uint64_t)(x))

#endif
