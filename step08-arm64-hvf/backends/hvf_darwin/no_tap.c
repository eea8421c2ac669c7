/*
 * no_tap.c - --net on macOS: refused.  The network card's host side is a
 * Linux tap (/dev/net/tun, net/tap.c) served by an I/O thread that polls
 * eventfds (iothread.c, virtio/net.c); macOS has neither.  Its own way,
 * vmnet.framework, is not written.  The macOS build links this file in
 * their place (backends/hvf.mk): --net's option still parses, and the
 * tap cannot be opened, which is bad input (exit status 2) before any VM
 * exists, as on Linux for a tap the VMM may not open.  The I/O thread
 * and the card are then never set up: their functions here only refuse.
 *
 * Runs: userspace (the arm64 VMM on macOS); never linked on Linux
 * (hvf-check compiles it there, to keep it honest).
 * Spec: none: net/tap.h, iothread.h and virtio/net.h are what it stands
 * in for.
 */
#define _GNU_SOURCE /* IFNAMSIZ in <net/if.h> (net/tap.h) */
#include <errno.h>
#include <stddef.h>

#include "iothread.h"
#include "net/tap.h"
#include "virtio/net.h"

int tap_open(const char *name, struct tap *tap, const char **failed)
{
	(void)name;
	(void)tap;
	*failed = "a tap";
	return -ENOSYS;
}

const char *tap_hint(int err, const char *failed)
{
	(void)err;
	(void)failed;
	return " (macOS has no /dev/net/tun: --net is Linux's; vmnet.framework, macOS's way, is not written)";
}

int iothread_init(struct iothread *io)
{
	(void)io;
	return -ENOSYS;
}

int iothread_start(struct iothread *io)
{
	(void)io;
	return -ENOSYS;
}

void iothread_stop(struct iothread *io)
{
	(void)io;
}

int virtio_net_init(struct virtio_net *net, int backend_fd,
		    const uint8_t mac[ETH_ALEN], bool offloads,
		    const struct guest_mem *mem, struct irq_line *irq)
{
	(void)net;
	(void)backend_fd;
	(void)mac;
	(void)offloads;
	(void)mem;
	(void)irq;
	return -ENOSYS;
}

int virtio_net_attach(struct virtio_net *net, struct iothread *io)
{
	(void)net;
	(void)io;
	return -ENOSYS;
}
