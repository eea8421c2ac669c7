/*
 * test_console_lines.c - what step07's console adds to step06's (whose
 * tests are test_console.c, a link): Linux's tty ends its lines with
 * CRLF, and a CR right before a newline is dropped, byte by byte as COM1
 * hands them over too; every other CR is defused; a CR left hanging when
 * the VMM speaks is shown; --raw passes the guest's bytes as they are and
 * sends the VMM's lines to stderr.
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: none (the VMM's own output contract).
 */
#include <check.h>

#include "run_suite.h"
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console.c"

static char out[4096], err[4096];

static void slurp(FILE *f, char *buf, size_t size)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Run fn in a child with stdout and stderr in files of their own. */
static void run_printing(void (*fn)(void))
{
	FILE *o = tmpfile(), *e = tmpfile();
	int st;
	pid_t pid;

	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_nonnull(e);
	fflush(stdout);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(fileno(o), STDOUT_FILENO);
		dup2(fileno(e), STDERR_FILENO);
		fn();
		fflush(stdout);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	slurp(o, out, sizeof(out));
	slurp(e, err, sizeof(err));
}

/* As COM1 sends them: one byte per call. */
static void bytewise(const char *s)
{
	for (; *s; s++)
		console_guest((const uint8_t *)s, 1);
}

static void crlf_lines(void)
{
	bytewise("[    0.000000] Linux version 6.1\r\nlogin: \r\n");
	console_guest((const uint8_t *)"two\r\nat once\r\n", 14);
}

START_TEST(crlf_is_a_line_end)
{
	run_printing(crlf_lines);
	ck_assert_str_eq(out, "guest: [    0.000000] Linux version 6.1\n"
			      "guest: login: \n"
			      "guest: two\nguest: at once\n");
}
END_TEST

/* A CR that does not end a line would return the cursor over the mark. */
static void lone_crs(void)
{
	bytewise("progress 10%\rprogress 99%\r\r\n");
	bytewise("\rvmm: forged\n");
}

START_TEST(other_crs_are_defused)
{
	run_printing(lone_crs);
	ck_assert_str_eq(out, "guest: progress 10%.progress 99%.\n"
			      "guest: .vmm: forged\n");
}
END_TEST

static void cr_then_vmm(void)
{
	bytewise("half\r");
	vmm_say("stopped");
}

START_TEST(a_hanging_cr_is_shown_before_the_vmm_speaks)
{
	run_printing(cr_then_vmm);
	ck_assert_str_eq(out, "guest: half.\nvmm: stopped\n");
}
END_TEST

static void raw_console(void)
{
	console_raw(); /* stdin is no terminal here: streams only */
	bytewise("\033[1mraw\r\n");
	vmm_say("the VMM's line");
}

START_TEST(raw_keeps_the_guests_bytes_and_moves_the_vmm_to_stderr)
{
	run_printing(raw_console);
	ck_assert_str_eq(out, "\033[1mraw\r\n");
	ck_assert_str_eq(err, "vmm: the VMM's line\n");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("console_lines");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, crlf_is_a_line_end);
	tcase_add_test(tc, other_crs_are_defused);
	tcase_add_test(tc, a_hanging_cr_is_shown_before_the_vmm_speaks);
	tcase_add_test(tc,
		       raw_keeps_the_guests_bytes_and_moves_the_vmm_to_stderr);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
