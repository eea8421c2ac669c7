/*
 * test_tap.c - unit tests of the tap backend that need no privilege: a
 * name too long is refused before anything is opened, and each error the
 * VMM can meet gets its hint.  Opening a real tap needs CAP_NET_ADMIN and
 * the tun module: the lab test does that (lab.sh), with a real guest.
 *
 * Runs: on the host (Check).  Includes the unit under test.
 * Spec: Documentation/networking/tuntap.rst; <linux/if_tun.h>.
 */
#include <check.h>

#include "run_suite.h"

#include "net/tap.c"

START_TEST(name_too_long_opens_nothing)
{
	struct tap tap;
	const char *failed = NULL;

	ck_assert_int_eq(tap_open("abcdefghijklmnop", &tap, &failed),
			 -ENAMETOOLONG);
	ck_assert_str_eq(failed, "the interface name");
	ck_assert_int_eq(tap.fd, -1);
}
END_TEST

START_TEST(hints_for_each_failure)
{
	ck_assert_str_eq(tap_hint(-ENOENT, "open " TUN_DEVICE),
			 " (is the tun module loaded? modprobe tun)");
	ck_assert_str_eq(tap_hint(-EPERM, "TUNSETIFF"),
			 " (a tap needs CAP_NET_ADMIN: run as root)");
	ck_assert_str_eq(tap_hint(-EACCES, "open " TUN_DEVICE),
			 " (a tap needs CAP_NET_ADMIN: run as root)");
	ck_assert_str_eq(tap_hint(-EBUSY, "TUNSETIFF"),
			 " (another program has this tap open)");
	ck_assert_str_eq(
		tap_hint(-EINVAL, "TUNSETIFF"),
		" (an interface of that name exists and is not a tap)");
	ck_assert_str_eq(tap_hint(-EINVAL, "TUNSETOFFLOAD"), "");
	ck_assert_str_eq(tap_hint(-ENAMETOOLONG, "the interface name"), "");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tap");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, name_too_long_opens_nothing);
	tcase_add_test(tc, hints_for_each_failure);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
