/*
 * console.h - everything the VMM prints: the guest's console output and the
 * VMM's own lines, errors included.
 *
 * Runs: userspace (the VMM) and the host unit tests.
 * Spec: none; see console.c.
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#define EXIT_GUEST_FAILED 1 /* the guest faulted or computed the wrong value */
#define EXIT_BAD_INPUT	  2 /* bad command line or image: nothing ran */

#define SHOWN_MAX 512 /* a name in a message, escaped, with its NUL */

void console_guest(const uint8_t *bytes, size_t len);
void console_raw(void);
const char *console_shown(char dst[SHOWN_MAX], const char *src);
void vmm_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void die_perror(const char *call);
_Noreturn void bad_input(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif
