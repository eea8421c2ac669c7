/*
 * console.c - everything the VMM prints: the guest's console output and the
 * VMM's own lines, errors included.
 *
 * Runs: userspace (the VMM); the host unit tests include this file directly.
 * Spec: none.  The rules are the VMM's own: its lines start with "vmm: "
 * and start a line of their own, even where the guest stopped mid-line; an
 * error names the call that failed; bad input exits with status 2.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"

static bool guest_mid_line; /* the guest's last byte was not a newline */

/* The guest's bytes, as it sent them to the console port. */
void console_guest(const uint8_t *bytes, size_t len)
{
	fwrite(bytes, 1, len, stdout);
	if (len)
		guest_mid_line = bytes[len - 1] != '\n';
}

/*
 * Finish the guest's unfinished line, so that what the VMM says next
 * starts a line, on stdout as on stderr (the two often share a terminal
 * or a log).
 */
static void end_guest_line(void)
{
	if (guest_mid_line)
		putchar('\n');
	guest_mid_line = false;
	fflush(stdout);
}

static void vmm_vsay(FILE *out, const char *fmt, va_list ap)
{
	end_guest_line();
	fputs("vmm: ", out);
	vfprintf(out, fmt, ap);
	fputc('\n', out);
}

/* One line of the VMM's own: "vmm: " and the message. */
void vmm_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmm_vsay(stdout, fmt, ap);
	va_end(ap);
}

/* book:begin die */
/* One way to fail: say which call failed and why, then exit. */
void die(const char *fmt, ...)
{
	va_list ap;

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

	va_start(ap, fmt);
	vmm_vsay(stderr, fmt, ap);
	va_end(ap);
	fputs("Try 'vmm --help'.\n", stderr);
	exit(EXIT_BAD_INPUT);
}
