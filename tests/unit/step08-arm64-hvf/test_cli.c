/*
 * test_cli.c - unit tests of the VMM's command line where it concerns
 * the machine's size: --cpus N, the vCPUs Linux gets (1..SMP_CPUS_MAX,
 * default 1, Linux only); a bad value ends the VMM with status 2.
 *
 * Runs: on the host, no KVM (Check; each test in a child process, so an
 * exit status can be asserted).  Includes the unit under test and what
 * it calls (the console, the number parser, --net's parser, the CPU
 * modes' names).
 * Spec: none (the VMM's own options; `vmm --help`).
 */
#include <check.h>

#include "run_suite.h"

/* cli.c defines it too; the tests are built with it on the command line */
#undef _GNU_SOURCE
#include "cli.c"
#include "console.c"
#include "input.c"
#include "net/net_option.c"
#include "x86_modes.c"

/* cli_parse() on a command line of up to 8 words. */
static void parse(struct options *o, const char *const *words)
{
	char *argv[9] = { "vmm" };
	int argc = 1;

	for (; words[argc - 1]; argc++)
		argv[argc] = (char *)words[argc - 1];
	optind = 1; /* getopt's state, fresh for each parse */
	cli_parse(argc, argv, o);
}

START_TEST(cpus_default_to_one)
{
	const char *const words[] = { "--kernel", "bzImage", NULL };
	struct options o;

	parse(&o, words);
	ck_assert_uint_eq(o.cpus, 1);
}
END_TEST

START_TEST(cpus_takes_1_to_255)
{
	static const char *const values[] = { "1", "2", "8", "64", "255" };
	static const unsigned int want[] = { 1, 2, 8, 64, 255 };

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *const words[] = { "--kernel", "bzImage", "--cpus",
					      values[i], NULL };
		struct options o;

		parse(&o, words);
		ck_assert_uint_eq(o.cpus, want[i]);
	}
	ck_assert_uint_eq(SMP_CPUS_MAX, 255); /* APIC IDs 0..254 */
}
END_TEST

/* Each of these must end the VMM with EXIT_BAD_INPUT (2). */
static const char *const bad_cpus[][5] = {
	{ "--kernel", "bzImage", "--cpus", "0", NULL },
	{ "--kernel", "bzImage", "--cpus", "256", NULL },
	{ "--kernel", "bzImage", "--cpus", "two", NULL },
	{ "--kernel", "bzImage", "--cpus", "-1", NULL },
	{ "--kernel", "bzImage", "--cpus", "02", NULL },
	{ "--kernel", "bzImage", "--cpus", NULL },
	{ "--cpus", "2", "hlt.bin", NULL }, /* a flat guest has one vCPU */
};

START_TEST(bad_cpus_exit_2)
{
	struct options o;

	parse(&o, bad_cpus[_i]);
	ck_abort_msg("cli_parse accepted a bad --cpus");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, cpus_default_to_one);
	tcase_add_test(tc, cpus_takes_1_to_255);
	tcase_add_loop_exit_test(tc, bad_cpus_exit_2, EXIT_BAD_INPUT, 0,
				 sizeof(bad_cpus) / sizeof(bad_cpus[0]));
	suite_add_tcase(s, tc);
	return run_suite(s);
}
