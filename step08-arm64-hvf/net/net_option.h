/*
 * net_option.h - the VMM's --net option: which tap the guest's network
 * card is wired to, and its MAC address.
 *
 *	--net tap            a new tap whose name the kernel chooses (printed)
 *	--net tap=NAME       the tap NAME: an existing one (made with
 *	                     `ip tuntap add` or busybox `tunctl -t NAME`, and
 *	                     configured beforehand), or a new one
 *	... ,mac=XX:XX:XX:XX:XX:XX   the card's address (default: derived
 *	                     from the interface's name, net_mac_from_name)
 *	... ,offload=off     offer the guest no checksum or TSO offload
 *	                     (default on: the tap does that work)
 *
 * Runs: userspace (the VMM), while it reads its command line (cli.c).
 * Spec: IEEE 802 MAC addresses (the I/G and U/L bits of the first
 * octet); Linux's interface-name rules (dev_valid_name: at most
 * IFNAMSIZ - 1 bytes, no '/', ':' or white space).
 */
#ifndef NET_OPTION_H
#define NET_OPTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/if_ether.h>
#include <net/if.h>

struct net_option {
	char ifname[IF_NAMESIZE]; /* "": the kernel chooses */
	bool mac_given;
	uint8_t mac[ETH_ALEN];
	bool no_offloads; /* offload=off */
};

int net_option_parse(const char *text, struct net_option *opt, char *err,
		     size_t err_size);
void net_mac_from_name(const char *ifname, uint8_t mac[ETH_ALEN]);

#endif
