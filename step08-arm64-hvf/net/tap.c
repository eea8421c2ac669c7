/*
 * tap.c - open a tap device for virtio-net: attach to the interface NAME
 * (created if it does not exist, and then gone when the VMM exits) or to
 * one whose name the kernel chooses, and set it up to carry exactly what
 * a virtio-net queue carries: a 12-byte struct virtio_net_hdr_v1, then an
 * Ethernet frame.
 *
 * Runs: userspace (the VMM), at start-up, with CAP_NET_ADMIN.
 *
 * Spec: Documentation/networking/tuntap.rst ("Network device allocation",
 * "Frame format"), <linux/if_tun.h>; virtio 1.x "Network Device",
 * "Device Operation" for the header.
 *
 * Why these settings:
 * - IFF_TAP: Ethernet frames (a tun device carries IP packets; a guest's
 *   network card sends Ethernet).  IFF_NO_PI: no 4-byte packet-info
 *   prefix.  IFF_VNET_HDR: each frame comes with a virtio-net header,
 *   which is how a tap passes checksum and segmentation work between the
 *   host and a VMM; virtio-net (virtio/net.c) writes and reads it.
 * - TUNSETVNETHDRSZ 12: the header of VIRTIO_F_VERSION_1, num_buffers
 *   included (the tap's default, 10, is the legacy header).
 * - TUNSETVNETLE: virtio 1.x headers are little-endian; the tap's default
 *   is the host's order, which on a big-endian host is not.
 * - TUNSETOFFLOAD 0: until the guest has negotiated offloads (virtio/net.c
 *   tells the tap which at DRIVER_OK), the tap must hand us only complete
 *   frames: every checksum computed, no segment larger than the MTU.
 * - O_NONBLOCK: the I/O thread reads until EAGAIN and never waits on a
 *   read or a write while it holds the device's lock.
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include "tap.h"

#define TUN_DEVICE  "/dev/net/tun"
#define TAP_FLAGS   (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR)
#define TAP_HDR_LEN ((int)sizeof(struct virtio_net_hdr_v1))

/* After TUNSETIFF: the header's size and byte order, and no offloads. */
static int tap_configure(int fd, const char **failed)
{
	int hdr_len = TAP_HDR_LEN, little_endian = 1;

	*failed = "TUNSETVNETHDRSZ";
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr_len) < 0)
		return -errno;
	*failed = "TUNSETVNETLE";
	if (ioctl(fd, TUNSETVNETLE, &little_endian) < 0)
		return -errno;
	*failed = "TUNSETOFFLOAD";
	if (ioctl(fd, TUNSETOFFLOAD, 0) < 0)
		return -errno;
	*failed = NULL;
	return 0;
}

/* book:begin tap_open */
/*
 * Attach to the tap NAME, creating it if there is none (an empty NAME:
 * the kernel picks "tapN").  On success tap->fd is non-blocking and
 * tap->name holds the interface's name; returns 0.  Else returns -errno
 * and *failed names the call: -ENAMETOOLONG (NAME has IFNAMSIZ bytes or
 * more, nothing opened), or "open /dev/net/tun" (-ENOENT: no tun module;
 * -EACCES), or "TUNSETIFF" (-EPERM: no CAP_NET_ADMIN; -EBUSY: another
 * program has that tap; -EINVAL: NAME is an interface but no tap), or
 * one of the set-up ioctls.  Nothing stays open on failure.
 */
int tap_open(const char *name, struct tap *tap, const char **failed)
{
	struct ifreq ifr;
	int err;

	memset(tap, 0, sizeof(*tap));
	tap->fd = -1;
	*failed = "the interface name";
	if (strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	*failed = "open " TUN_DEVICE;
	tap->fd = open(TUN_DEVICE, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (tap->fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = TAP_FLAGS;
	memcpy(ifr.ifr_name, name, strlen(name));
	*failed = "TUNSETIFF";
	if (ioctl(tap->fd, TUNSETIFF, &ifr) < 0) {
		err = -errno;
		goto err_close;
	}
	memcpy(tap->name, ifr.ifr_name, IFNAMSIZ - 1);
	err = tap_configure(tap->fd, failed);
	if (err)
		goto err_close;
	return 0;

err_close:
	close(tap->fd);
	tap->fd = -1;
	return err;
}
/* book:end tap_open */

/* A word of advice for the VMM's error message, or "" if none. */
const char *tap_hint(int err, const char *failed)
{
	bool tunsetiff = failed && strcmp(failed, "TUNSETIFF") == 0;

	if (err == -ENOENT && !tunsetiff)
		return " (is the tun module loaded? modprobe tun)";
	if (err == -EPERM || err == -EACCES)
		return " (a tap needs CAP_NET_ADMIN: run as root)";
	if (err == -EBUSY && tunsetiff)
		return " (another program has this tap open)";
	if (err == -EINVAL && tunsetiff)
		return " (an interface of that name exists and is not a tap)";
	return "";
}
