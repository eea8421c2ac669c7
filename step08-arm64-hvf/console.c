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
 *     and newline pass, a CR right before a newline is dropped (a tty's
 *     CRLF line end), anything else (ESC, any other CR, ...) becomes '.'.
 *   - a guest line holds at most CONSOLE_COLUMNS bytes; a longer one goes
 *     on on a new "guest: " line, so whoever reads this output a line at a
 *     time never has to cut one.
 *   - names from the command line are shown escaped (console_shown);
 *   - an error names the call that failed; bad input exits with status 2.
 * With --raw (console_raw(), for a person at a terminal) the rules change
 * by construction too: the guest has stdout to itself, its bytes as it
 * sent them, and the VMM's lines go to stderr; a terminal on stdin is put
 * in non-canonical mode without echo (the guest echoes), and restored
 * however the VMM ends.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"

#define GUEST_PREFIX	"guest: "
#define CONSOLE_COLUMNS 256 /* the longest guest line, in bytes */
#define HEX_ESCAPE_LEN	4   /* \xNN */

/*
 * The line state below and the order of what reaches stdout: with
 * several vCPUs, COM1 and virtio-console print from any vCPU thread and
 * the VMM's lines come from any thread too.  A leaf: nothing else is
 * taken while it is held.  (die() takes it too: it is never called with
 * it held.)
 */
static pthread_mutex_t console_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t guest_column; /* bytes on the guest's current line; 0: none */
static bool guest_cr;	    /* the guest's last byte was a CR, held back */
static bool raw;	    /* --raw: guest bytes to stdout as they are */

/* One sanitized character of the guest's, in a marked, short line. */
static void guest_char(char c)
{
	if (guest_column == CONSOLE_COLUMNS && c != '\n') {
		putchar('\n'); /* full: go on on a new line */
		guest_column = 0;
	}
	if (guest_column == 0)
		fputs(GUEST_PREFIX, stdout);
	putchar(c);
	guest_column = c == '\n' ? 0 : guest_column + 1;
}

/*
 * Finish the guest's unfinished line, so that what comes next starts a
 * line; flush, because the VMM's errors go to stderr, which often shares
 * the terminal or the log with stdout.  A CR held back is shown, defused.
 */
static void end_guest_line(void)
{
	if (guest_cr)
		guest_char('.');
	guest_cr = false;
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
 * A CR right before a newline is a terminal's line end (Linux's tty sends
 * CRLF) and is dropped; any other CR could send the cursor back over
 * the mark, so it becomes '.', like every other control byte.
 */
void console_guest(const uint8_t *bytes, size_t len)
{
	pthread_mutex_lock(&console_lock);
	if (raw) {
		fwrite(bytes, 1, len, stdout);
		fflush(stdout);
		pthread_mutex_unlock(&console_lock);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (guest_cr && bytes[i] != '\n')
			guest_char('.');
		guest_cr = bytes[i] == '\r';
		if (!guest_cr)
			guest_char(console_printable(bytes[i]) ? (char)bytes[i]
							       : '.');
	}
	fflush(stdout);
	pthread_mutex_unlock(&console_lock);
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
	pthread_mutex_lock(&console_lock);
	end_guest_line();
	fputs("vmm: ", out);
	vfprintf(out, fmt, ap);
	fputc('\n', out);
	fflush(out);
	pthread_mutex_unlock(&console_lock);
}

/* One line of the VMM's own: "vmm: " and the message. */
void vmm_say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmm_vsay(raw ? stderr : stdout, fmt, ap);
	va_end(ap);
}

/* book:begin console_raw */
static struct termios terminal_saved; /* stdin's terminal, as we found it */

static void terminal_restore(void)
{
	tcsetattr(STDIN_FILENO, TCSANOW, &terminal_saved);
}

/* Killed by a signal: restore the terminal, then die of that signal. */
static void terminal_restore_and_die(int sig)
{
	terminal_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * --raw: from now on the guest's bytes go to stdout unchanged and the
 * VMM's lines to stderr.  A terminal on stdin stops collecting lines and
 * echoing (the guest does both), but keeps its signal keys: Ctrl-C stops
 * the VMM, and the terminal is restored on every way out.
 */
void console_raw(void)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct termios t;

	raw = true;
	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &t) < 0)
		return;
	terminal_saved = t;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0)
		die_perror("tcsetattr stdin");
	atexit(terminal_restore);
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		signal(signals[i], terminal_restore_and_die);
}
/* book:end console_raw */

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
