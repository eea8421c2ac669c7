/*
 * net_option.c - read the --net option (net_option.h) into a struct
 * net_option, or say in one line what is wrong with it; and the MAC
 * address a card gets when the user names none.
 *
 * Runs: userspace (the VMM), on its main thread, before anything is
 * opened.  Host unit tests include this file.
 *
 * Spec: IEEE 802 addressing (the first octet's bit 0 is I/G, a group
 * address; bit 1 is U/L, locally administered); Linux's rules for an
 * interface name (net/core/dev.c, dev_valid_name()).
 *
 * Why both --net tap and --net tap=NAME: a tap made by the VMM with a
 * name the kernel picks is the quickest way to a network (the VMM prints
 * the name, you configure it after the VMM started); a named tap is what
 * a script wants: it can exist beforehand, already configured, or it is
 * made with that name.  Either way the VMM needs CAP_NET_ADMIN to attach
 * (TUNSETIFF).  Only tap backends exist.
 *
 * The default MAC is a function of the interface's name, so a VM wired
 * to the same tap keeps its address from run to run (its neighbours'
 * ARP caches and DHCP leases stay valid): the first octet is 0x02
 * (locally administered, unicast), the other five are the name's 64-bit
 * FNV-1a hash.
 */
#define _DEFAULT_SOURCE 1
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "net_option.h"

#define NET_OPTION_MAX	128  /* longer than any valid option */
#define MAC_GROUP	0x01 /* I/G: a multicast (group) address */
#define MAC_LOCAL	0x02 /* U/L: locally administered */
#define MAC_TEXT_LEN	(3 * ETH_ALEN - 1) /* "xx:xx:xx:xx:xx:xx" */
#define FNV1A_64_OFFSET 0xcbf29ce484222325ULL
#define FNV1A_64_PRIME	0x100000001b3ULL
#define BACKEND_TAP	"tap"
#define SETTING_MAC	"mac="
#define SETTING_OFFLOAD "offload="

static int refuse(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* dev_valid_name(): 1 to IFNAMSIZ - 1 bytes, not "." or "..", and no
 * '/', ':' or white space; and no '%', which asks the kernel to pick. */
static int check_ifname(const char *name, char *err, size_t err_size)
{
	if (!*name)
		return refuse(
			err, err_size,
			"the interface name is empty (for a name the kernel chooses, say tap)");
	if (strlen(name) >= IFNAMSIZ)
		return refuse(
			err, err_size,
			"interface name '%s' is longer than %d characters",
			name, IFNAMSIZ - 1);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return refuse(err, err_size, "'%s' is not an interface name",
			      name);
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ':' || *p == '%' ||
		    isspace((unsigned char)*p))
			return refuse(
				err, err_size,
				"interface name '%s' holds '%c' (not allowed: / : %% and spaces)",
				name, *p);
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Exactly six two-digit hexadecimal octets separated by ':'. */
static int parse_mac(const char *text, uint8_t mac[ETH_ALEN], char *err,
		     size_t err_size)
{
	bool zero = true;

	if (strlen(text) != MAC_TEXT_LEN)
		goto bad;
	for (int i = 0; i < ETH_ALEN; i++) {
		int hi = hex_digit(text[3 * i]),
		    lo = hex_digit(text[3 * i + 1]);

		if (hi < 0 || lo < 0 ||
		    (i < ETH_ALEN - 1 && text[3 * i + 2] != ':'))
			goto bad;
		mac[i] = (uint8_t)(hi << 4 | lo);
		zero = zero && mac[i] == 0;
	}
	if (mac[0] & MAC_GROUP)
		return refuse(err, err_size,
			      "mac %s is a multicast address, not a card's",
			      text);
	if (zero)
		return refuse(err, err_size, "mac %s is not an address", text);
	return 0;
bad:
	return refuse(err, err_size,
		      "mac '%s' is not six hexadecimal octets separated by ':'",
		      text);
}

/* "tap" or "tap=NAME". */
static int parse_backend(const char *text, struct net_option *opt, char *err,
			 size_t err_size)
{
	size_t len = strlen(BACKEND_TAP);

	if (strncmp(text, BACKEND_TAP, len) != 0 ||
	    (text[len] != '\0' && text[len] != '='))
		return refuse(
			err, err_size,
			"'%s': the only backend is a tap (tap or tap=NAME)",
			text);
	if (text[len] == '\0')
		return 0;
	if (check_ifname(text + len + 1, err, err_size))
		return -EINVAL;
	strcpy(opt->ifname, text + len + 1);
	return 0;
}

/* offload=on or offload=off. */
static int parse_offload(const char *value, struct net_option *opt, char *err,
			 size_t err_size)
{
	if (strcmp(value, "on") && strcmp(value, "off"))
		return refuse(err, err_size, "offload='%s': on or off", value);
	opt->no_offloads = !strcmp(value, "off");
	return 0;
}

/* A setting after the backend: mac=XX:XX:XX:XX:XX:XX or offload=on|off,
 * each once. */
static int parse_setting(const char *text, struct net_option *opt,
			 unsigned int *seen, char *err, size_t err_size)
{
	static const char *const names[] = { SETTING_MAC, SETTING_OFFLOAD };

	for (unsigned int i = 0; i < 2; i++) {
		size_t len = strlen(names[i]);

		if (strncmp(text, names[i], len) != 0)
			continue;
		if (*seen & (1u << i))
			return refuse(err, err_size, "%s is given twice",
				      names[i]);
		*seen |= 1u << i;
		if (i == 0) {
			opt->mac_given = true;
			return parse_mac(text + len, opt->mac, err, err_size);
		}
		return parse_offload(text + len, opt, err, err_size);
	}
	if (!*text)
		return refuse(err, err_size, "an empty setting after ','");
	return refuse(err, err_size,
		      "unknown setting '%s' (known: mac=, offload=)", text);
}

/* book:begin net_option_parse */
/*
 * Parse the text of one --net option.  Returns 0 with *opt filled, or
 * -EINVAL with a one-line reason in err (the VMM prints it after
 * "--net TEXT: " and exits with status 2).  Opens nothing.
 */
int net_option_parse(const char *text, struct net_option *opt, char *err,
		     size_t err_size)
{
	char copy[NET_OPTION_MAX + 1], *rest, *item;
	unsigned int seen = 0;
	int res;

	memset(opt, 0, sizeof(*opt));
	if (strlen(text) > NET_OPTION_MAX)
		return refuse(err, err_size, "longer than %d characters",
			      NET_OPTION_MAX);
	strcpy(copy, text);
	rest = copy;
	item = strsep(&rest, ",");
	res = parse_backend(item, opt, err, err_size);
	while (res == 0 && rest) {
		item = strsep(&rest, ",");
		res = parse_setting(item, opt, &seen, err, err_size);
	}
	return res;
}
/* book:end net_option_parse */

/* The default address: 02 and five octets of FNV-1a(ifname). */
void net_mac_from_name(const char *ifname, uint8_t mac[ETH_ALEN])
{
	uint64_t hash = FNV1A_64_OFFSET;

	for (const char *p = ifname; *p; p++) {
		hash ^= (uint8_t)*p;
		hash *= FNV1A_64_PRIME;
	}
	mac[0] = MAC_LOCAL;
	for (int i = 1; i < ETH_ALEN; i++)
		mac[i] = (uint8_t)(hash >> (8 * (i - 1)));
}
