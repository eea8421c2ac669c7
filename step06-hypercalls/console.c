/*
 * console.c - everything the VMM prints: the guest's console output and the
 * VMM's own lines, errors included.
 *
 * Runs: userspace (the VMM); the host unit tests include this file directly.
 * Spec: none.  The rules are the VMM's own: its lines start with "vmm: ",
 * an error names the call that failed, and bad input exits with status 2.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"

static bool console_mid_line; /* the guest's last byte was not a newline */

/* The guest's bytes, as it sent them to the console port. */
void console_guest(const uint8_t *bytes, size_t len)
{
	fwrite(bytes, 1, len, stdout);
	if (len)
		console_mid_line = bytes[len - 1] != '\n';
}

/* What the VMM says starts a line, even where the guest stopped mid-line. */
static void console_end_line(void)
{
	if (console_mid_line)
		putchar('\n');
	console_mid_line = false;
}

static void vmm_vsay(FILE *out, const char *fmt, va_list ap)
{
	fputs("vmm: ", out);
	vfprintf(out, fmt, ap);
	fputc('\n', out);
}

/* One line of the VMM's own: "vmm: " and the message. */
void vmm_say(const char *fmt, ...)
{
	va_list ap;

	console_end_line();
	va_start(ap, fmt);
	vmm_vsay(stdout, fmt, ap);
	va_end(ap);
}

/* book:begin die */
/* One way to fail: say which call failed and why, then exit. */
void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	vmm_vsay(stderr, fmt, ap);
	va_end(ap);
	exit(EXIT_FAILURE);
}

void die_perror(const char *call)
{
	die("%s: %s", call, strerror(errno));
}
/* book:end die */

/* Bad input: nothing has run yet; exit 2 like any command-line tool. */
void bad_input(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	vmm_vsay(stderr, fmt, ap);
	va_end(ap);
	fputs("Try 'vmm --help'.\n", stderr);
	exit(EXIT_BAD_INPUT);
}
