/*
 * test_cmdline.c - unit tests of the command line the VMM hands Linux:
 * console= appended for the device --console names, unless the user
 * named a console; words found only where they start.
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: Documentation/admin-guide/kernel-parameters.rst.
 */
#include <check.h>
#include <stdlib.h>

#include "run_suite.h"

#include "boot/cmdline.c"

static void ck_cmdline(const char *user, enum console_device c,
		       const char *want)
{
	char *got = cmdline_build(user, c);

	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(console_appended_for_the_device)
{
	ck_cmdline(NULL, CONSOLE_SERIAL, "console=ttyS0");
	ck_cmdline("", CONSOLE_VIRTIO, "console=hvc0");
	ck_cmdline("quiet panic=-1", CONSOLE_SERIAL,
		   "quiet panic=-1 console=ttyS0");
	ck_cmdline("quiet", CONSOLE_VIRTIO, "quiet console=hvc0");
}
END_TEST

/* The user's console= wins, whatever --console says. */
START_TEST(a_console_of_the_users_is_kept)
{
	ck_cmdline("console=hvc0", CONSOLE_SERIAL, "console=hvc0");
	ck_cmdline("quiet console=ttyS0,115200 x", CONSOLE_VIRTIO,
		   "quiet console=ttyS0,115200 x");
	ck_cmdline("\tconsole=tty0", CONSOLE_SERIAL, "\tconsole=tty0");
}
END_TEST

/* "netconsole=" or "xconsole=" is another parameter. */
START_TEST(param_found_only_at_the_start_of_a_word)
{
	ck_assert(cmdline_has_param("a console=x", "console="));
	ck_assert(!cmdline_has_param("netconsole=x", "console="));
	ck_assert(!cmdline_has_param("a xconsole=y b", "console="));
	ck_assert(!cmdline_has_param("", "console="));
	ck_assert(!cmdline_has_param("   ", "console="));
	ck_cmdline("netconsole=@/,@1.2.3.4/", CONSOLE_SERIAL,
		   "netconsole=@/,@1.2.3.4/ console=ttyS0");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, console_appended_for_the_device);
	tcase_add_test(tc, a_console_of_the_users_is_kept);
	tcase_add_test(tc, param_found_only_at_the_start_of_a_word);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
