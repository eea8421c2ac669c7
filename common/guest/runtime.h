/*
 * runtime.h - the guest runtime: what a C guest can call.
 *
 * Runs: inside the VM (freestanding C, 64-bit long mode, no libc).
 * Spec: the hypercall ABI in common/include/hypercall.h; C11 7.21.6
 * "Formatted input/output functions" (the subset printf implements).
 *
 * Every function is a thin layer over one hypercall; printf formats into a
 * buffer and hands it to the VMM in one PUTS.
 */
#ifndef RUNTIME_H
#define RUNTIME_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "hypercall.h"

_Noreturn void exit(int code);
int putchar(int c);
int64_t puts_n(const char *s, size_t len);
uint64_t gettime_ns(void);
int64_t vminfo(struct hc_vminfo *info);

/* %d %i %u %x %p %s %c %%, with l/ll/z, a width and the 0 flag. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
size_t strlen(const char *s);

#endif
