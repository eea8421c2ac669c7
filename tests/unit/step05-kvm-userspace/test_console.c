/*
 * test_console.c - unit tests of what the VMM prints: its own lines start
 * a line even where the guest stopped mid-line, errors included
 * (console.c, the same in step05 and step06: step06's tests are this file,
 * through a link).
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
	ck_assert_str_eq(printed, "hello\nvmm: exits: 3\n");
}
END_TEST

START_TEST(vmm_lines_start_a_line_after_an_unfinished_one)
{
	run_printing(guest_mid_line_then_vmm);
	ck_assert_str_eq(printed, "no newline\nvmm: KVM_EXIT_SHUTDOWN\n");
}
END_TEST

START_TEST(die_starts_a_line_too)
{
	run_printing(guest_mid_line_then_die);
	ck_assert_str_eq(printed, "half a line\nvmm: KVM_RUN: Bad address\n");
	ck_assert_int_eq(exit_status, EXIT_GUEST_FAILED);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("console");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, vmm_lines_follow_a_finished_guest_line);
	tcase_add_test(tc, vmm_lines_start_a_line_after_an_unfinished_one);
	tcase_add_test(tc, die_starts_a_line_too);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
