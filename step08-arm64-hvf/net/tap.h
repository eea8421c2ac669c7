/*
 * tap.h - the host's end of the guest's network card: a tap device.
 *
 * A tap is an Ethernet interface of the host kernel whose wire is a file
 * descriptor: a frame the host sends out of the interface comes out of
 * read(), a frame written to the descriptor enters the host's network
 * stack as if it had arrived on the interface.  The guest's virtio-net
 * card (virtio/net.h) sits at the other end of that wire.
 *
 * Runs: userspace (the VMM), once, before the VM starts; needs
 * CAP_NET_ADMIN (root) and /dev/net/tun (the tun module).
 *
 * Spec: Linux's Documentation/networking/tuntap.rst and <linux/if_tun.h>:
 * TUNSETIFF with IFF_TAP (Ethernet frames), IFF_NO_PI (no packet-info
 * prefix) and IFF_VNET_HDR (a struct virtio_net_hdr before each frame,
 * both ways: the same header virtio-net puts before each packet),
 * TUNSETVNETHDRSZ, TUNSETVNETLE, TUNSETOFFLOAD.
 */
#ifndef TAP_H
#define TAP_H

#include <net/if.h>

struct tap {
	int fd;		     /* non-blocking, close-on-exec */
	char name[IFNAMSIZ]; /* the interface, e.g. "tap0" */
};

int tap_open(const char *name, struct tap *tap, const char **failed);
const char *tap_hint(int err, const char *failed);

#endif
