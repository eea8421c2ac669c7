/*
 * console.c - everything the VMM prints: the guest's console output and the
 * VMM's own lines, errors included.
 *
 * Runs: userspace (the VMM); the host unit tests include this file directly.
 * Spec: none.  The rules are the VMM's own, and they hold by construction,
 * whatever bytes the guest sends:
 *   - every line of the guest's starts with "guest: ", which the VMM
 *     writes; every line of the VMM's starts with "vmm: ", on a line of its
 *     own even where the guest stopped mid-line.  No guest line can pass
 *     for the VMM's.
 *   - the guest's bytes reach the terminal sanitized: printable ASCII, tab
 *     and newline pass, anything else (ESC, CR, ...) becomes '.'.
 *   - a guest line holds at most CONSOLE_COLUMNS bytes; a longer one goes
 *     on on a new "guest: " line, so whoever reads this output a line at a
 *     time never has to cut one.
 *   - names from the command line are shown escaped (console_shown);
 *   - an error names the call that failed; bad input exits with status 2.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"

#define GUEST_PREFIX	"guest: "
#define CONSOLE_COLUMNS 256 /* the longest guest line, in bytes */
#define HEX_ESCAPE_LEN	4   /* \xNN */

static size_t guest_column; /* bytes on the guest's current line; 0: none */

/*
 * Finish the guest's unfinished line, so that what comes next starts a
 * line; flush, because the VMM's errors go to stderr, which often shares
 * the terminal or the log with stdout.
 */
static void end_guest_line(void)
{
	if (guest_column)
		putchar('\n');
	guest_column = 0;
	fflush(stdout);
}

/* book:begin console_guest */
/* Printable ASCII, tab and newline: what may reach the host's terminal. */
static bool console_printable(uint8_t c)
{
	return c == '\n' || c == '\t' || (c >= ' ' && c <= '~');
}

/*
 * The guest's bytes, as it sent them: marked, sanitized, in short lines,
 * and on their way at once (flushed), not when a buffer happens to fill.
 */
void console_guest(const uint8_t *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = console_printable(bytes[i]) ? (char)bytes[i] : '.';

		if (guest_column == CONSOLE_COLUMNS && c != '\n')
			end_guest_line(); /* full: go on on a new line */
		if (guest_column == 0)
			fputs(GUEST_PREFIX, stdout);
		putchar(c);
		guest_column = c == '\n' ? 0 : guest_column + 1;
	}
	fflush(stdout);
}
/* book:end console_guest */

/*
 * A name or value from the command line, fit to print in a message: what
 * is not printable ASCII (ESC, CR, a newline, ...) written as \xNN, so a
 * file name cannot send the terminal escape sequences or start a line of
 * its own.  Cut, with "...", to fit SHOWN_MAX.  Returns dst.
 */
const char *console_shown(char dst[SHOWN_MAX], const char *src)
{
	static const char ellipsis[] = "...";
	size_t len = 0, room = SHOWN_MAX - sizeof(ellipsis);

	for (; *src && len < room; src++) {
		uint8_t c = (uint8_t)*src;

		if (c >= ' ' && c <= '~')
			dst[len++] = (char)c;
		else if (len + HEX_ESCAPE_LEN <= room)
			len += (size_t)snprintf(dst + len, SHOWN_MAX - len,
						"\\x%02x", c);
		else
			break;
	}
	if (*src) { /* cut */
		memcpy(dst + len, ellipsis, sizeof(ellipsis) - 1);
		len += sizeof(ellipsis) - 1;
	}
	dst[len] = '\0';
	return dst;
}

static void vmm_vsay(FILE *out, const char *fmt, va_list ap)
{
	end_guest_line();
	fputs("vmm: ", out);
	vfprintf(out, fmt, ap);
	fputc('\n', out);
	fflush(out);
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
