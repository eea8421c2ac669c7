/*
 * test_console.c - unit tests of what the VMM prints: the guest's lines
 * marked, sanitized and bounded, the VMM's own lines starting a line even
 * where the guest stopped mid-line, errors included (console.c, the same in
 * step05 and step06: step06's tests are this file, through a link).
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

static char printed[4096];
static int exit_status;

/*
 * Run fn in a child process whose stdout and stderr are one file, as on a
 * terminal or in a log; keep what it printed and how it exited.
 */
static void run_printing(void (*fn)(void))
{
	FILE *f = tmpfile();
	size_t n;
	int st;
	pid_t pid;

	ck_assert_ptr_nonnull(f);
	fflush(stdout);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(fileno(f), STDOUT_FILENO);
		dup2(fileno(f), STDERR_FILENO);
		fn();
		fflush(stdout);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	exit_status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	rewind(f);
	n = fread(printed, 1, sizeof(printed) - 1, f);
	printed[n] = '\0';
	fclose(f);
}

static void guest_line_then_vmm(void)
{
	console_guest((const uint8_t *)"hello\n", 6);
	vmm_say("exits: %d", 3);
}

static void guest_mid_line_then_vmm(void)
{
	console_guest((const uint8_t *)"no newline", 10);
	vmm_say("KVM_EXIT_SHUTDOWN");
}

static void guest_mid_line_then_die(void)
{
	console_guest((const uint8_t *)"half a line", 11);
	die("KVM_RUN: %s", "Bad address");
}

START_TEST(vmm_lines_follow_a_finished_guest_line)
{
	run_printing(guest_line_then_vmm);
	ck_assert_str_eq(printed, "guest: hello\nvmm: exits: 3\n");
}
END_TEST

START_TEST(vmm_lines_start_a_line_after_an_unfinished_one)
{
	run_printing(guest_mid_line_then_vmm);
	ck_assert_str_eq(printed,
			 "guest: no newline\nvmm: KVM_EXIT_SHUTDOWN\n");
}
END_TEST

START_TEST(die_starts_a_line_too)
{
	run_printing(guest_mid_line_then_die);
	ck_assert_str_eq(printed,
			 "guest: half a line\nvmm: KVM_RUN: Bad address\n");
	ck_assert_int_eq(exit_status, EXIT_GUEST_FAILED);
}
END_TEST

/* A line that imitates the VMM's, hidden behind "erase line" and CR. */
static void guest_forges_a_vmm_line(void)
{
	const char text[] = "ok\n\033[2K\rvmm: hypercalls: 9\x7f\x80\n";

	console_guest((const uint8_t *)text, sizeof(text) - 1);
}

START_TEST(guest_lines_are_marked_and_sanitized)
{
	run_printing(guest_forges_a_vmm_line);
	ck_assert_str_eq(printed,
			 "guest: ok\nguest: .[2K.vmm: hypercalls: 9..\n");
}
END_TEST

/* 600 bytes and no newline: 256 + 256 + 88, each on a "guest: " line. */
static void guest_prints_a_long_line(void)
{
	uint8_t text[600];

	memset(text, 'x', sizeof(text));
	memcpy(text + 2 * CONSOLE_COLUMNS, "vmm: forged", 11);
	console_guest(text, sizeof(text));
	vmm_say("done");
}

START_TEST(long_guest_lines_go_on_on_marked_lines)
{
	char want[sizeof(printed)], *p = want;

	run_printing(guest_prints_a_long_line);
	for (int line = 0; line < 3; line++) {
		size_t n =
			line < 2 ? CONSOLE_COLUMNS : 600 - 2 * CONSOLE_COLUMNS;

		p += sprintf(p, "guest: ");
		memset(p, 'x', n);
		if (line == 2)
			memcpy(p, "vmm: forged", 11);
		p += n;
		*p++ = '\n';
	}
	strcpy(p, "vmm: done\n");
	ck_assert_str_eq(printed, want);
}
END_TEST

/* Names from the command line: \xNN for what is not printable ASCII. */
START_TEST(names_are_escaped_for_messages)
{
	char shown[SHOWN_MAX];

	ck_assert_str_eq(console_shown(shown, "build/long.bin"),
			 "build/long.bin");
	ck_assert_str_eq(console_shown(shown, "evil\033[2J\r\n.bin"),
			 "evil\\x1b[2J\\x0d\\x0a.bin");
	ck_assert_str_eq(console_shown(shown, "\xff\x7f\t"), "\\xff\\x7f\\x09");
}
END_TEST

/* A long name is cut, visibly, to fit; never past the buffer. */
START_TEST(long_names_are_cut_to_fit)
{
	char name[2 * SHOWN_MAX], shown[SHOWN_MAX];

	memset(name, '\033', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	console_shown(shown, name);
	ck_assert_uint_eq(strlen(shown), SHOWN_MAX - 1);
	ck_assert_str_eq(shown + strlen(shown) - 3, "...");
	ck_assert_int_eq(strncmp(shown, "\\x1b\\x1b", 8), 0);
}
END_TEST

/* A line of exactly CONSOLE_COLUMNS bytes stays one line: no empty one. */
static void guest_prints_a_full_line(void)
{
	uint8_t text[CONSOLE_COLUMNS + 1];

	memset(text, 'y', CONSOLE_COLUMNS);
	text[CONSOLE_COLUMNS] = '\n';
	console_guest(text, sizeof(text));
	console_guest((const uint8_t *)"z\n", 2);
}

START_TEST(a_full_line_is_not_followed_by_an_empty_one)
{
	char want[sizeof(printed)];

	run_printing(guest_prints_a_full_line);
	strcpy(want, "guest: ");
	memset(want + 7, 'y', CONSOLE_COLUMNS);
	strcpy(want + 7 + CONSOLE_COLUMNS, "\nguest: z\n");
	ck_assert_str_eq(printed, want);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("console");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, vmm_lines_follow_a_finished_guest_line);
	tcase_add_test(tc, vmm_lines_start_a_line_after_an_unfinished_one);
	tcase_add_test(tc, die_starts_a_line_too);
	tcase_add_test(tc, guest_lines_are_marked_and_sanitized);
	tcase_add_test(tc, long_guest_lines_go_on_on_marked_lines);
	tcase_add_test(tc, a_full_line_is_not_followed_by_an_empty_one);
	tcase_add_test(tc, names_are_escaped_for_messages);
	tcase_add_test(tc, long_names_are_cut_to_fit);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
