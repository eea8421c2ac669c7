/*
 * test_net_option.c - unit tests of the --net option: the forms the VMM
 * accepts (tap, tap=NAME, mac=), the exact error each malformed one
 * earns, and the default MAC address derived from the interface name.
 *
 * Runs: on the host (Check); opens nothing.  Includes the unit under
 * test.
 * Spec: IEEE 802 addresses (I/G and U/L bits); Linux's dev_valid_name().
 */
#include <check.h>

#include "run_suite.h"

#include "net/net_option.c"

static struct net_option opt;
static char err[160];

static int parse(const char *text)
{
	memset(err, 0, sizeof(err));
	return net_option_parse(text, &opt, err, sizeof(err));
}

static void assert_refused(const char *text, const char *why)
{
	ck_assert_int_eq(parse(text), -EINVAL);
	ck_assert_str_eq(err, why);
}

START_TEST(tap_with_a_name_the_kernel_chooses)
{
	ck_assert_int_eq(parse("tap"), 0);
	ck_assert_str_eq(opt.ifname, "");
	ck_assert(!opt.mac_given);
}
END_TEST

START_TEST(tap_with_a_name)
{
	ck_assert_int_eq(parse("tap=vmtap0"), 0);
	ck_assert_str_eq(opt.ifname, "vmtap0");
	ck_assert_int_eq(parse("tap=abcdefghijklmno"), 0); /* 15: the most */
	ck_assert_str_eq(opt.ifname, "abcdefghijklmno");
}
END_TEST

START_TEST(tap_with_a_mac)
{
	static const uint8_t want[ETH_ALEN] = { 0x52, 0x54, 0x00,
						0xab, 0xcd, 0xef };

	ck_assert_int_eq(parse("tap=t1,mac=52:54:00:AB:cd:eF"), 0);
	ck_assert_str_eq(opt.ifname, "t1");
	ck_assert(opt.mac_given);
	ck_assert_int_eq(memcmp(opt.mac, want, ETH_ALEN), 0);
	ck_assert_int_eq(parse("tap,mac=02:00:00:00:00:01"), 0);
	ck_assert_str_eq(opt.ifname, "");
	ck_assert_uint_eq(opt.mac[5], 1);
}
END_TEST

START_TEST(other_backends_are_refused)
{
	assert_refused("user",
		       "'user': the only backend is a tap (tap or tap=NAME)");
	assert_refused("", "'': the only backend is a tap (tap or tap=NAME)");
	assert_refused("tapx",
		       "'tapx': the only backend is a tap (tap or tap=NAME)");
	assert_refused(
		"bridge=br0",
		"'bridge=br0': the only backend is a tap (tap or tap=NAME)");
}
END_TEST

START_TEST(bad_interface_names)
{
	assert_refused(
		"tap=",
		"the interface name is empty (for a name the kernel chooses, say tap)");
	assert_refused(
		"tap=abcdefghijklmnop",
		"interface name 'abcdefghijklmnop' is longer than 15 characters");
	assert_refused("tap=..", "'..' is not an interface name");
	assert_refused(
		"tap=a/b",
		"interface name 'a/b' holds '/' (not allowed: / : % and spaces)");
	assert_refused(
		"tap=eth0:1",
		"interface name 'eth0:1' holds ':' (not allowed: / : % and spaces)");
	assert_refused(
		"tap=tap%d",
		"interface name 'tap%d' holds '%' (not allowed: / : % and spaces)");
	assert_refused(
		"tap=a b",
		"interface name 'a b' holds ' ' (not allowed: / : % and spaces)");
}
END_TEST

/* The offloads are on unless offload=off. */
START_TEST(tap_with_or_without_offloads)
{
	ck_assert_int_eq(parse("tap=t0"), 0);
	ck_assert(!opt.no_offloads);
	ck_assert_int_eq(parse("tap=t0,offload=off,mac=02:00:00:00:00:07"), 0);
	ck_assert(opt.no_offloads);
	ck_assert_uint_eq(opt.mac[5], 7);
	ck_assert_int_eq(parse("tap,offload=on"), 0);
	ck_assert(!opt.no_offloads);
}
END_TEST

START_TEST(bad_macs)
{
	assert_refused(
		"tap,mac=02:00:00:00:00",
		"mac '02:00:00:00:00' is not six hexadecimal octets separated by ':'");
	assert_refused(
		"tap,mac=02-00-00-00-00-01",
		"mac '02-00-00-00-00-01' is not six hexadecimal octets separated by ':'");
	assert_refused(
		"tap,mac=2:0:0:0:0:1:00",
		"mac '2:0:0:0:0:1:00' is not six hexadecimal octets separated by ':'");
	assert_refused(
		"tap,mac=02:00:00:00:00:0g",
		"mac '02:00:00:00:00:0g' is not six hexadecimal octets separated by ':'");
	assert_refused(
		"tap,mac=01:00:5e:00:00:01",
		"mac 01:00:5e:00:00:01 is a multicast address, not a card's");
	assert_refused(
		"tap,mac=ff:ff:ff:ff:ff:ff",
		"mac ff:ff:ff:ff:ff:ff is a multicast address, not a card's");
	assert_refused("tap,mac=00:00:00:00:00:00",
		       "mac 00:00:00:00:00:00 is not an address");
}
END_TEST

START_TEST(bad_settings)
{
	assert_refused("tap,vhost=on",
		       "unknown setting 'vhost=on' (known: mac=, offload=)");
	assert_refused("tap,", "an empty setting after ','");
	assert_refused("tap,mac=02:00:00:00:00:01,mac=02:00:00:00:00:02",
		       "mac= is given twice");
	assert_refused("tap,offload=no", "offload='no': on or off");
	assert_refused("tap,offload=off,offload=on", "offload= is given twice");
}
END_TEST

START_TEST(option_too_long)
{
	char text[NET_OPTION_MAX + 2];

	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_refused(text, "longer than 128 characters");
}
END_TEST

/* The same name, the same MAC: locally administered, unicast; another
 * name, another MAC. */
START_TEST(default_mac_from_the_name)
{
	uint8_t a[ETH_ALEN], b[ETH_ALEN], c[ETH_ALEN];

	net_mac_from_name("tap0", a);
	net_mac_from_name("tap0", b);
	net_mac_from_name("tap1", c);
	ck_assert_int_eq(memcmp(a, b, ETH_ALEN), 0);
	ck_assert_int_ne(memcmp(a, c, ETH_ALEN), 0);
	ck_assert_uint_eq(a[0], MAC_LOCAL);
	ck_assert_uint_eq(a[0] & MAC_GROUP, 0);
	/* FNV-1a-64("") is the offset basis: its low five octets. */
	net_mac_from_name("", a);
	ck_assert_uint_eq(a[1], 0x25);
	ck_assert_uint_eq(a[5], 0xe4);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("net_option");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, tap_with_a_name_the_kernel_chooses);
	tcase_add_test(tc, tap_with_a_name);
	tcase_add_test(tc, tap_with_a_mac);
	tcase_add_test(tc, other_backends_are_refused);
	tcase_add_test(tc, bad_interface_names);
	tcase_add_test(tc, tap_with_or_without_offloads);
	tcase_add_test(tc, bad_macs);
	tcase_add_test(tc, bad_settings);
	tcase_add_test(tc, option_too_long);
	tcase_add_test(tc, default_mac_from_the_name);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
