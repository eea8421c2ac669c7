/*
 * net.h - virtio-net: a network card for the guest whose wire is a tap
 * device on the host (net/tap.h), or any file descriptor that carries one
 * packet per read and per write, each behind a 12-byte struct
 * virtio_net_hdr_v1 (a socketpair, in the tests and the fuzzer).
 *
 * Runs: userspace (the VMM), under the device's lock (virtio/mmio.h,
 * "Locking").  With an I/O thread attached (virtio_net_attach), all of
 * the device's work runs there: it reads the backend when it has
 * packets, and it serves the driver's notifications, which reach it
 * through two eventfds (kick_fd[]) that KVM signals directly
 * (KVM_IOEVENTFD, kvm_eventfd.h) or that a vCPU's QueueNotify write
 * signals.  Without one, the device works on the thread that delivers a
 * notification, and reads the backend only then.
 *
 * Spec: virtio 1.x, "Network Device": "Virtqueues", "Feature bits",
 * "Device configuration layout", "Device Operation" ("Packet
 * Transmission", "Setting Up Receive Buffers", "Processing of Incoming
 * Packets").  Constants and layouts come from <linux/virtio_net.h>.
 *
 * The VMM creates one for --net (machine.c: net_device, machine_start_io):
 *
 *	fd = tap_open(...);                     (net/tap.h)
 *	err = virtio_net_init(&net, fd, mac, true, &mem, &irq);
 *	bus_register(&mmio_bus, base, VIRTIO_MMIO_SIZE, virtio_mmio_access,
 *		     &net.mmio, "virtio-net");
 *	kvm_ioeventfd_assign(...net.kick_fd[q]...) for q = RXQ, TXQ;
 *	virtio_net_attach(&net, &io);  iothread_start(&io);
 */
#ifndef VIRTIO_NET_H
#define VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include <linux/if_ether.h>
#include <linux/virtio_net.h>

#include "iothread.h"
#include "mmio.h"

/* receiveq1 and transmitq1 ("Virtqueues"); no controlq, no MQ. */
#define VIRTIO_NET_RXQ	  0
#define VIRTIO_NET_TXQ	  1
#define VIRTIO_NET_QUEUES 2

/*
 * The header before every packet, both ways.  With VIRTIO_F_VERSION_1 it
 * is always 12 bytes, num_buffers included, whatever else was negotiated
 * ("Legacy Interface: Device Operation": only legacy devices left it
 * out).  The tap is told to use the same size (TUNSETVNETHDRSZ).
 */
#define VIRTIO_NET_HDR_SIZE sizeof(struct virtio_net_hdr_v1)

/*
 * The largest packet either way, header excluded ("Setting Up Receive
 * Buffers": 14 bytes of Ethernet header, 40 of IPv6 header, 65535 of
 * IPv6 payload).  Without offloads no packet comes near it, but the host
 * may give its tap any MTU up to ETH_MAX_MTU.
 */
#define VIRTIO_NET_IPV6_HDR_LEN 40 /* RFC 8200, "IPv6 Header Format" */
#define VIRTIO_NET_PACKET_MAX	(ETH_HLEN + VIRTIO_NET_IPV6_HDR_LEN + ETH_MAX_MTU)

/* Work done in one go before the lock is let go (the I/O thread comes
 * back for the rest): bounds the time a vCPU waits for the lock. */
#define VIRTIO_NET_RX_BATCH 64
#define VIRTIO_NET_TX_BATCH 64

struct virtio_net_stats {
	uint64_t tx_packets;	/* written to the backend */
	uint64_t tx_bytes;	/* their bytes, headers excluded */
	uint64_t tx_csum;	/* of them, checksum left to the host */
	uint64_t tx_gso;	/* of them, segmented by the host (TSO) */
	uint64_t tx_bad_header; /* an offload not negotiated: dropped */
	uint64_t tx_runts;	/* shorter than an Ethernet header: dropped */
	uint64_t tx_oversize;	/* longer than VIRTIO_NET_PACKET_MAX: dropped */
	uint64_t tx_errors;	/* the backend refused them: dropped */
	uint64_t rx_packets;	/* put into the guest's receive buffers */
	uint64_t rx_bytes;	/* their bytes, headers excluded */
	uint64_t rx_csum;	/* of them, checksum left to the guest */
	uint64_t rx_gso;	/* of them, not segmented (GUEST_TSO) */
	uint64_t rx_bad_header; /* an offload the guest did not take: dropped */
	uint64_t rx_too_big;	/* larger than the receive buffer: dropped */
	uint64_t rx_runts;	/* from the backend, too short: dropped */
	uint64_t rx_oversize;	/* from the backend, too long: dropped */
	uint64_t rx_waits;	/* a packet waited for receive buffers */
	uint64_t backend_errors; /* the backend failed or closed */
};

/* The offloads in force: negotiated, each with the one it requires. */
struct virtio_net_offloads {
	bool tx_csum, tx_tso4, tx_tso6; /* the host finishes the guest's */
	bool rx_csum, rx_tso4, rx_tso6; /* the guest takes them unfinished */
};

struct virtio_net {
	struct virtio_mmio mmio; /* the transport: put it on the bus */
	int backend_fd;		 /* the tap: non-blocking, ours */
	bool backend_gone;	 /* it failed: no more reading */
	uint8_t mac[ETH_ALEN];
	bool offloads; /* offer them (NET_OFFLOAD_FEATURES) */
	struct virtio_net_offloads offload; /* in force since DRIVER_OK */
	int kick_fd[VIRTIO_NET_QUEUES]; /* eventfds: QueueNotify, per queue */
	bool iothread;			/* attached: work runs there */

	/*
	 * Receive: the packet read from the backend, header first, waiting
	 * for a receive buffer (rx_len 0: none).  While one waits the
	 * backend is not read, so a guest without buffers leaves packets
	 * queued in the tap, where the host's stack sees its queue full.
	 */
	uint32_t rx_len;
	struct virtq_chain rx_chain;
	struct virtq_chain tx_chain;
	struct iovec tx_iov[VIRTQ_SIZE_MAX + 1]; /* our header + the data */
	struct virtio_net_hdr_v1 tx_hdr;	 /* the header the tap gets */
	struct virtio_net_stats stats;
	/* One byte more than the largest packet: a longer one is caught. */
	uint8_t rx_packet[VIRTIO_NET_HDR_SIZE + VIRTIO_NET_PACKET_MAX + 1];
};

int virtio_net_init(struct virtio_net *net, int backend_fd,
		    const uint8_t mac[ETH_ALEN], bool offloads,
		    const struct guest_mem *mem, struct irq_line *irq);
unsigned int virtio_net_tun_offloads(const struct virtio_net_offloads *o);
int virtio_net_attach(struct virtio_net *net, struct iothread *io);
void virtio_net_exit(struct virtio_net *net);

#endif
