/*
 * net.c - virtio-net over a tap: packets from the guest's transmit queue
 * to the backend, packets from the backend into the guest's receive
 * buffers, each checked before it moves.
 *
 * Runs: userspace (the VMM), under the device's lock: on the I/O thread
 * (iothread.c) when one is attached, else on the thread that delivers a
 * notification.  Host unit tests and the fuzzer include this file.
 *
 * Spec: virtio 1.x, "Network Device": "Feature bits", "Device
 * configuration layout", "Device Operation" (struct virtio_net_hdr),
 * "Packet Transmission" and its driver and device requirements, "Setting
 * Up Receive Buffers", "Processing of Incoming Packets"; "Message
 * Framing".
 *
 * What we offer: VIRTIO_NET_F_MAC and nothing else of the network
 * device's (the transport adds VERSION_1, INDIRECT_DESC, EVENT_IDX).  No
 * checksum or segmentation offload, no mergeable receive buffers, no
 * control queue.  So every packet is a plain Ethernet frame of at most
 * the guest's MTU plus its Ethernet header, checksummed by whoever made
 * it, and the 12-byte header in front of it says nothing:
 * - transmit: the tap is told to expect a header (IFF_VNET_HDR, size 12),
 *   and gets one we write ourselves, all zeros ("no checksum to finish,
 *   not GSO").  The guest's header is read and checked, never forwarded:
 *   its fields are the guest's to fill only for offloads we did not
 *   offer.
 * - receive: the tap puts a header in front of each packet; the tap was
 *   told we take no offload (TUNSETOFFLOAD 0), so it finished every
 *   checksum and segment itself, and at most it says DATA_VALID.  The
 *   guest gets a header we write: flags 0 ("If VIRTIO_NET_F_GUEST_CSUM
 *   is not negotiated, the device MUST set flags to zero"), gso_type
 *   NONE, num_buffers 1 ("If VIRTIO_NET_F_MRG_RXBUF has not been
 *   negotiated, the device MUST set num_buffers to 1").
 *
 * What a hostile or broken driver gets (the spec says what a driver must
 * not do; what the device answers is ours to decide):
 * - a transmit chain whose readable part is shorter than the 12-byte
 *   header, or a receive chain whose writable part is ("If
 *   VIRTIO_NET_F_MRG_RXBUF is negotiated, each buffer MUST be at least
 *   size of struct virtio_net_hdr", and without it a buffer must hold the
 *   header and a packet): nothing in it can be understood or answered;
 *   the queue is broken (VIRTQ_ERR_FRAMING) and the device needs a
 *   reset, as QEMU's virtio-net does ("virtio-net header incorrect");
 * - a transmit header asking for an offload we did not offer
 *   (VIRTIO_NET_HDR_F_NEEDS_CSUM: "If VIRTIO_NET_F_CSUM is not
 *   negotiated, the driver MUST set flags to zero"; a gso_type other than
 *   VIRTIO_NET_HDR_GSO_NONE: "otherwise the driver MUST NOT set
 *   gso_type"): its packet would leave with a wrong checksum or larger
 *   than the MTU; dropped and counted (tx_offload).  Flag bits we do not
 *   act on are ignored ("The device MUST ignore flag bits that it does
 *   not recognize");
 * - a packet shorter than an Ethernet header, or longer than
 *   VIRTIO_NET_PACKET_MAX: dropped and counted (tx_runts, tx_oversize);
 *   the chain is used, with length 0, like every transmit chain;
 * - a receive buffer too small for the packet at hand: the packet is
 *   dropped and counted (rx_too_big), not cut short; the buffer is put
 *   back (virtq_unpop) for the next packet, which may fit;
 * - device-writable buffers in a transmit chain and device-readable ones
 *   in a receive chain are ignored, as virtio-console ignores them.
 * Ring-level violations (buffers out of range, loops, ...) break the
 * queue in virtio/queue.c before any of this runs.
 */
#define _DEFAULT_SOURCE 1
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <linux/virtio_ids.h>

#include "net.h"

_Static_assert(sizeof(struct virtio_net_hdr_v1) == 12,
	       "with VIRTIO_F_VERSION_1 the header is 12 bytes");

static uint64_t net_features(void *dev)
{
	(void)dev;
	return 1ULL << VIRTIO_NET_F_MAC;
}

/* mac: valid since VIRTIO_NET_F_MAC is offered; the rest only exists
 * with features we do not offer, and reads as 0. */
static void net_config_read(void *dev, uint8_t *config)
{
	struct virtio_net *net = dev;
	struct virtio_net_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.mac, net->mac, ETH_ALEN);
	memcpy(config, &cfg, sizeof(cfg));
}

/* Wake the I/O thread to serve queue index (as KVM's ioeventfd does). */
static void kick_iothread(struct virtio_net *net, unsigned int index)
{
	eventfd_write(net->kick_fd[index], 1);
}

/* What a read of the backend found. */
enum backend_read {
	BACKEND_EMPTY,	 /* nothing now */
	BACKEND_PACKET,	 /* a packet, in rx_packet */
	BACKEND_DROPPED, /* something too short or too long: dropped */
	BACKEND_GONE,	 /* the backend failed or closed: not read again */
};

/* Read one packet from the backend into rx_packet. */
static enum backend_read backend_read(struct virtio_net *net)
{
	ssize_t n;

	do
		n = read(net->backend_fd, net->rx_packet,
			 sizeof(net->rx_packet));
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return BACKEND_EMPTY;
	if (n <= 0) { /* an error, or the other end closed */
		net->backend_gone = true;
		net->stats.backend_errors++;
		return BACKEND_GONE;
	}
	if ((size_t)n < VIRTIO_NET_HDR_SIZE + ETH_HLEN) {
		net->stats.rx_runts++;
		return BACKEND_DROPPED;
	}
	if ((size_t)n == sizeof(net->rx_packet)) {
		net->stats.rx_oversize++;
		return BACKEND_DROPPED;
	}
	net->rx_len = (uint32_t)n;
	return BACKEND_PACKET;
}

/* The header the guest sees: no offload, one buffer. */
static void rx_header(struct virtio_net *net)
{
	struct virtio_net_hdr_v1 hdr;

	memset(&hdr, 0, sizeof(hdr));
	hdr.gso_type = VIRTIO_NET_HDR_GSO_NONE;
	hdr.num_buffers = htole16(1);
	memcpy(net->rx_packet, &hdr, sizeof(hdr));
}

/* book:begin net_receive */
/*
 * Put the waiting packet into the next receive buffer.  Returns true if
 * the packet is done with (delivered, or dropped as too big for the
 * buffer, which is put back), false if it has to wait: no buffer yet,
 * or the queue just broke.
 */
static bool rx_deliver(struct virtio_net *net, struct virtq *q)
{
	struct virtq_chain *chain = &net->rx_chain;

	if (virtq_pop(q, chain) <= 0)
		return false;
	if (chain->writable_bytes < VIRTIO_NET_HDR_SIZE) {
		virtq_set_broken(q, VIRTQ_ERR_FRAMING);
		return false;
	}
	if (chain->writable_bytes < net->rx_len) {
		virtq_unpop(q, 1);
		net->stats.rx_too_big++;
		return true;
	}
	rx_header(net);
	virtq_chain_write(chain, 0, net->rx_packet, net->rx_len);
	virtq_push(q, chain, net->rx_len);
	net->stats.rx_packets++;
	net->stats.rx_bytes += net->rx_len - VIRTIO_NET_HDR_SIZE;
	return true;
}

/*
 * Move packets from the backend to the guest until the backend has none,
 * the guest has no buffer, or a batch is done.  A packet that finds no
 * buffer (or a device that is not live) waits in rx_packet, and the
 * backend is not read until the driver kicks the receive queue.
 */
static void rx_work(struct virtio_net *net)
{
	struct virtq *q = virtio_mmio_live_queue(&net->mmio, VIRTIO_NET_RXQ);

	for (unsigned int i = 0; i < VIRTIO_NET_RX_BATCH; i++) {
		if (net->rx_len == 0) {
			enum backend_read got = net->backend_gone
							? BACKEND_GONE
							: backend_read(net);

			if (got == BACKEND_DROPPED)
				continue;
			if (got != BACKEND_PACKET)
				return;
		}
		if (!q || !rx_deliver(net, q)) {
			net->stats.rx_waits++;
			return;
		}
		net->rx_len = 0;
	}
}
/* book:end net_receive */

/* writev, again if a signal cut in; the backend takes all or nothing. */
static int backend_write(struct virtio_net *net, const struct iovec *iov,
			 unsigned int n, uint64_t len)
{
	ssize_t done;

	do
		done = writev(net->backend_fd, iov, (int)n);
	while (done < 0 && errno == EINTR);
	return done == (ssize_t)len ? 0 : -1;
}

/* Is the guest's header one we can honour without offloads? */
static bool tx_header_ok(const struct virtio_net_hdr_v1 *hdr)
{
	return !(hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	       hdr->gso_type == VIRTIO_NET_HDR_GSO_NONE;
}

/* book:begin net_transmit */
/*
 * Send the packet of one transmit chain: the header is checked (a copy:
 * the guest can change its own while we look), the packet goes straight
 * from guest memory to the backend behind our own header.
 */
static void tx_packet(struct virtio_net *net, const struct virtq_chain *chain)
{
	uint64_t len = chain->readable_bytes - VIRTIO_NET_HDR_SIZE;
	struct virtio_net_hdr_v1 hdr;
	unsigned int n;

	virtq_chain_read(chain, 0, &hdr, sizeof(hdr));
	if (!tx_header_ok(&hdr)) {
		net->stats.tx_offload++;
		return;
	}
	if (len < ETH_HLEN || len > VIRTIO_NET_PACKET_MAX) {
		if (len < ETH_HLEN)
			net->stats.tx_runts++;
		else
			net->stats.tx_oversize++;
		return;
	}
	net->tx_iov[0].iov_base = &net->tx_hdr;
	net->tx_iov[0].iov_len = VIRTIO_NET_HDR_SIZE;
	n = virtq_chain_slice(chain, false, VIRTIO_NET_HDR_SIZE, len,
			      net->tx_iov + 1);
	if (backend_write(net, net->tx_iov, n + 1, VIRTIO_NET_HDR_SIZE + len)) {
		net->stats.tx_errors++;
		return;
	}
	net->stats.tx_packets++;
	net->stats.tx_bytes += len;
}
/* book:end net_transmit */

/*
 * Send everything the driver made available, a batch at a time.  With an
 * I/O thread, what is left after a batch is a kick to ourselves, so the
 * receive side gets its turn; without one, the kick's thread does all.
 */
static void tx_work(struct virtio_net *net, struct virtq *q)
{
	struct virtq_chain *chain = &net->tx_chain;

	for (unsigned int sent = 0;; sent++) {
		if (net->iothread && sent == VIRTIO_NET_TX_BATCH) {
			kick_iothread(net, VIRTIO_NET_TXQ);
			return;
		}
		if (virtq_pop(q, chain) <= 0)
			return;
		if (chain->readable_bytes < VIRTIO_NET_HDR_SIZE) {
			virtq_set_broken(q, VIRTQ_ERR_FRAMING);
			return;
		}
		tx_packet(net, chain);
		virtq_push(q, chain, 0); /* the device wrote nothing */
	}
}

/*
 * The driver kicked a queue.  With an I/O thread the work goes there:
 * this is a vCPU's QueueNotify write that KVM did not turn into an
 * eventfd itself.  Without one, do it now, and look at the backend too:
 * a notification is then the only time it is read.
 */
static void net_notify(void *dev, struct virtq *q, unsigned int index)
{
	struct virtio_net *net = dev;

	if (net->iothread) {
		kick_iothread(net, index);
		return;
	}
	if (index == VIRTIO_NET_TXQ)
		tx_work(net, q);
	rx_work(net);
}

/* Live: a packet that waited for the driver can go. */
static void net_driver_ok(void *dev, uint64_t features)
{
	struct virtio_net *net = dev;

	(void)features;
	if (net->iothread)
		kick_iothread(net, VIRTIO_NET_RXQ);
	else
		rx_work(net);
}

/* Nothing negotiated to forget; a waiting packet stays for later. */
static void net_reset(void *dev)
{
	(void)dev;
}

static const struct virtio_device_ops virtio_net_ops = {
	.name = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.num_queues = VIRTIO_NET_QUEUES,
	.queue_num_max = VIRTQ_SIZE_MAX,
	.config_size = sizeof(struct virtio_net_config),
	.features = net_features,
	.config_read = net_config_read,
	.driver_ok = net_driver_ok,
	.notify = net_notify,
	.reset = net_reset,
};

/* I/O thread handlers: the backend has packets; the driver kicked. */
static bool backend_wanted(void *opaque)
{
	struct virtio_net *net = opaque;

	return net->rx_len == 0 && !net->backend_gone;
}

static void backend_ready(void *opaque)
{
	struct virtio_net *net = opaque;

	virtio_mmio_lock(&net->mmio);
	rx_work(net);
	virtio_mmio_unlock(&net->mmio);
}

static void rx_kicked(void *opaque)
{
	struct virtio_net *net = opaque;
	eventfd_t count;

	eventfd_read(net->kick_fd[VIRTIO_NET_RXQ], &count);
	backend_ready(net);
}

static void tx_kicked(void *opaque)
{
	struct virtio_net *net = opaque;
	struct virtq *q;
	eventfd_t count;

	eventfd_read(net->kick_fd[VIRTIO_NET_TXQ], &count);
	virtio_mmio_lock(&net->mmio);
	q = virtio_mmio_live_queue(&net->mmio, VIRTIO_NET_TXQ);
	if (q)
		tx_work(net, q);
	virtio_mmio_unlock(&net->mmio);
}

/*
 * From now on the device's work runs on io's thread, which waits on the
 * backend and on both kick eventfds.  Before iothread_start and before
 * any vCPU runs.  Returns 0 or -errno from iothread_add.
 */
int virtio_net_attach(struct virtio_net *net, struct iothread *io)
{
	int err;

	err = iothread_add(io, net->backend_fd, backend_wanted, backend_ready,
			   net, "virtio-net backend");
	if (!err)
		err = iothread_add(io, net->kick_fd[VIRTIO_NET_RXQ], NULL,
				   rx_kicked, net, "virtio-net rx kick");
	if (!err)
		err = iothread_add(io, net->kick_fd[VIRTIO_NET_TXQ], NULL,
				   tx_kicked, net, "virtio-net tx kick");
	if (!err)
		net->iothread = true;
	return err;
}

static void close_kick_fds(struct virtio_net *net)
{
	for (unsigned int i = 0; i < VIRTIO_NET_QUEUES; i++) {
		if (net->kick_fd[i] >= 0)
			close(net->kick_fd[i]);
		net->kick_fd[i] = -1;
	}
}

/*
 * Set up the device on backend_fd (a tap, or one end of a socketpair),
 * with the MAC address the guest will use.  The device makes the
 * descriptor non-blocking and, on success, owns it: virtio_net_exit
 * closes it.  Returns 0 or -errno.
 */
int virtio_net_init(struct virtio_net *net, int backend_fd,
		    const uint8_t mac[ETH_ALEN], const struct guest_mem *mem,
		    struct irq_line *irq)
{
	int flags = fcntl(backend_fd, F_GETFL), err;

	memset(net, 0, sizeof(*net));
	net->kick_fd[VIRTIO_NET_RXQ] = net->kick_fd[VIRTIO_NET_TXQ] = -1;
	if (flags < 0 || fcntl(backend_fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	for (unsigned int i = 0; i < VIRTIO_NET_QUEUES; i++) {
		net->kick_fd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (net->kick_fd[i] < 0) {
			err = -errno;
			goto err_close;
		}
	}
	net->backend_fd = backend_fd;
	memcpy(net->mac, mac, ETH_ALEN);
	err = virtio_mmio_init(&net->mmio, &virtio_net_ops, net, mem, irq);
	if (err)
		goto err_close;
	return 0;

err_close:
	close_kick_fds(net);
	return err;
}

/* After the I/O thread stopped. */
void virtio_net_exit(struct virtio_net *net)
{
	virtio_mmio_exit(&net->mmio);
	close_kick_fds(net);
	close(net->backend_fd);
	net->backend_fd = -1;
}
