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
 * What we offer: VIRTIO_NET_F_MAC; and, unless the VMM says otherwise
 * (virtio_net_init's offloads), the offloads a tap can do for us: the
 * checksum and TCP segmentation (TSO) of the guest's packets
 * (VIRTIO_NET_F_CSUM, HOST_TSO4, HOST_TSO6) and of the guest's incoming
 * ones (VIRTIO_NET_F_GUEST_CSUM, GUEST_TSO4, GUEST_TSO6).  Not UFO, USO
 * or ECN; no mergeable receive buffers (a guest that takes GUEST_TSO
 * posts buffers big enough for 64 KiB packets, Linux's "big packets");
 * no control queue.  The transport adds VERSION_1, INDIRECT_DESC and
 * EVENT_IDX.  An offload counts only with the one it requires ("Feature
 * bit requirements": HOST_TSO4 requires CSUM, GUEST_TSO4 GUEST_CSUM...).
 *
 * The 12-byte header in front of every packet is how the offloads travel,
 * and the tap speaks it too (IFF_VNET_HDR), so it is mostly passed on;
 * but never unread:
 * - transmit: the guest's header is copied and checked (below); the tap
 *   gets our copy, with only what was negotiated: NEEDS_CSUM and its two
 *   offsets, the GSO type and size, hdr_len no longer than the packet,
 *   num_buffers 0.  Flag bits we do not act on are dropped ("The device
 *   MUST ignore flag bits that it does not recognize"): a guest cannot
 *   tell the host that a checksum is valid (DATA_VALID) and be believed.
 * - receive: at DRIVER_OK the tap is told which offloads the guest takes
 *   (TUNSETOFFLOAD); its header then asks for nothing more.  The guest
 *   gets it with flags and GSO fields as negotiated ("If
 *   VIRTIO_NET_F_GUEST_CSUM is not negotiated, the device MUST set flags
 *   to zero") and num_buffers 1 ("If VIRTIO_NET_F_MRG_RXBUF has not been
 *   negotiated, the device MUST set num_buffers to 1").  A packet read
 *   before a renegotiation that asks for more is dropped (rx_bad_header).
 * With no offload negotiated every packet is a plain, checksummed
 * Ethernet frame and both headers are all zeros but num_buffers.
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
 * - a transmit header asking for an offload not negotiated
 *   (VIRTIO_NET_HDR_F_NEEDS_CSUM without CSUM: "If VIRTIO_NET_F_CSUM is
 *   not negotiated, the driver MUST set flags to zero"; a GSO type
 *   without its HOST_TSO feature: "otherwise the driver MUST NOT set
 *   gso_type"), or one that cannot be done: a checksum to be stored past
 *   the packet's end, GSO without NEEDS_CSUM or with gso_size 0, a GSO
 *   type we never offer (UDP, ECN): its packet would leave with a wrong
 *   checksum or larger than the MTU; dropped and counted (tx_bad_header);
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
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <linux/virtio_ids.h>

#include "net.h"

_Static_assert(sizeof(struct virtio_net_hdr_v1) == 12,
	       "with VIRTIO_F_VERSION_1 the header is 12 bytes");

#define NET_OFFLOAD_FEATURES                                                   \
	((1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) |     \
	 (1ULL << VIRTIO_NET_F_HOST_TSO4) | (1ULL << VIRTIO_NET_F_HOST_TSO6) | \
	 (1ULL << VIRTIO_NET_F_GUEST_TSO4) |                                   \
	 (1ULL << VIRTIO_NET_F_GUEST_TSO6))

/* The checksum's own size: csum_offset points at 16 bits. */
#define NET_CSUM_LEN sizeof(uint16_t)

static uint64_t net_features(void *dev)
{
	struct virtio_net *net = dev;

	return (1ULL << VIRTIO_NET_F_MAC) |
	       (net->offloads ? NET_OFFLOAD_FEATURES : 0);
}

static bool has(uint64_t features, unsigned int bit)
{
	return features & (1ULL << bit);
}

/* book:begin net_offloads */
/* What the negotiated features allow, each offload only with the one it
 * requires ("Feature bit requirements"). */
static struct virtio_net_offloads offloads_of(uint64_t f)
{
	bool csum = has(f, VIRTIO_NET_F_CSUM);
	bool guest_csum = has(f, VIRTIO_NET_F_GUEST_CSUM);

	return (struct virtio_net_offloads){
		.tx_csum = csum,
		.tx_tso4 = csum && has(f, VIRTIO_NET_F_HOST_TSO4),
		.tx_tso6 = csum && has(f, VIRTIO_NET_F_HOST_TSO6),
		.rx_csum = guest_csum,
		.rx_tso4 = guest_csum && has(f, VIRTIO_NET_F_GUEST_TSO4),
		.rx_tso6 = guest_csum && has(f, VIRTIO_NET_F_GUEST_TSO6),
	};
}

/* What the tap may hand us (TUNSETOFFLOAD): what the guest takes. */
unsigned int virtio_net_tun_offloads(const struct virtio_net_offloads *o)
{
	return (o->rx_csum ? TUN_F_CSUM : 0) | (o->rx_tso4 ? TUN_F_TSO4 : 0) |
	       (o->rx_tso6 ? TUN_F_TSO6 : 0);
}
/* book:end net_offloads */

/* Tell the tap.  A backend that is no tap (a socketpair) has no such
 * setting: its peer is the test, which sends what it likes. */
static void backend_set_offloads(struct virtio_net *net)
{
	unsigned int flags = virtio_net_tun_offloads(&net->offload);

	if (ioctl(net->backend_fd, TUNSETOFFLOAD, flags) < 0 && errno != ENOTTY)
		net->stats.backend_errors++;
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

/* Is GSO type gso one the guest takes? */
static bool rx_gso_ok(const struct virtio_net_offloads *o, uint8_t gso)
{
	return gso == VIRTIO_NET_HDR_GSO_NONE ||
	       (gso == VIRTIO_NET_HDR_GSO_TCPV4 && o->rx_tso4) ||
	       (gso == VIRTIO_NET_HDR_GSO_TCPV6 && o->rx_tso6);
}

/*
 * The tap's header, made the guest's: flags and GSO as negotiated, one
 * buffer.  Returns false for a packet the guest did not agree to take
 * (read before a renegotiation): it cannot be delivered.
 */
static bool rx_header(struct virtio_net *net)
{
	const struct virtio_net_offloads *o = &net->offload;
	struct virtio_net_hdr_v1 hdr;

	memcpy(&hdr, net->rx_packet, sizeof(hdr));
	if (((hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && !o->rx_csum) ||
	    !rx_gso_ok(o, hdr.gso_type))
		return false;
	hdr.flags &= o->rx_csum ? VIRTIO_NET_HDR_F_NEEDS_CSUM |
					  VIRTIO_NET_HDR_F_DATA_VALID
				: 0;
	if (!(hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		hdr.csum_start = hdr.csum_offset = 0;
	if (hdr.gso_type == VIRTIO_NET_HDR_GSO_NONE)
		hdr.hdr_len = hdr.gso_size = 0;
	hdr.num_buffers = htole16(1);
	memcpy(net->rx_packet, &hdr, sizeof(hdr));
	return true;
}

static void count_offloads(uint64_t *csum, uint64_t *gso,
			   const struct virtio_net_hdr_v1 *hdr)
{
	if (hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
		(*csum)++;
	if (hdr->gso_type != VIRTIO_NET_HDR_GSO_NONE)
		(*gso)++;
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
	struct virtio_net_hdr_v1 hdr;

	if (!rx_header(net)) {
		net->stats.rx_bad_header++;
		return true;
	}
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
	virtq_chain_write(chain, 0, net->rx_packet, net->rx_len);
	virtq_push(q, chain, net->rx_len);
	memcpy(&hdr, net->rx_packet, sizeof(hdr));
	count_offloads(&net->stats.rx_csum, &net->stats.rx_gso, &hdr);
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

/* Is GSO type gso one the guest may ask of us? */
static bool tx_gso_ok(const struct virtio_net_offloads *o, uint8_t gso)
{
	return (gso == VIRTIO_NET_HDR_GSO_TCPV4 && o->tx_tso4) ||
	       (gso == VIRTIO_NET_HDR_GSO_TCPV6 && o->tx_tso6);
}

/* Does the checksum NEEDS_CSUM asks for end inside the packet? */
static bool csum_fits(const struct virtio_net_hdr_v1 *hdr, uint64_t len)
{
	uint64_t end = (uint64_t)le16toh(hdr->csum_start) +
		       le16toh(hdr->csum_offset) + NET_CSUM_LEN;

	return end <= len;
}

/*
 * Check the guest's header (our copy) for a packet of len bytes, and
 * make it the tap's: only what was negotiated and can be done.  Returns
 * false if the packet must be dropped.
 */
static bool tx_header(const struct virtio_net *net,
		      struct virtio_net_hdr_v1 *hdr, uint64_t len)
{
	const struct virtio_net_offloads *o = &net->offload;
	bool csum = hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM;
	bool gso = hdr->gso_type != VIRTIO_NET_HDR_GSO_NONE;

	if (csum && (!o->tx_csum || !csum_fits(hdr, len)))
		return false;
	if (gso && (!tx_gso_ok(o, hdr->gso_type) || !csum ||
		    le16toh(hdr->gso_size) == 0))
		return false;
	hdr->flags &= VIRTIO_NET_HDR_F_NEEDS_CSUM;
	if (!csum)
		hdr->csum_start = hdr->csum_offset = 0;
	if (!gso)
		hdr->hdr_len = hdr->gso_size = 0;
	if (le16toh(hdr->hdr_len) > len)
		hdr->hdr_len = htole16((uint16_t)len);
	hdr->num_buffers = 0;
	return true;
}

/* book:begin net_transmit */
/*
 * Send the packet of one transmit chain: the header is checked (a copy:
 * the guest can change its own while we look), the packet goes straight
 * from guest memory to the backend behind our checked copy.
 */
static void tx_packet(struct virtio_net *net, const struct virtq_chain *chain)
{
	uint64_t len = chain->readable_bytes - VIRTIO_NET_HDR_SIZE;
	struct virtio_net_hdr_v1 hdr;
	unsigned int n;

	virtq_chain_read(chain, 0, &hdr, sizeof(hdr));
	if (!tx_header(net, &hdr, len)) {
		net->stats.tx_bad_header++;
		return;
	}
	if (len < ETH_HLEN || len > VIRTIO_NET_PACKET_MAX) {
		if (len < ETH_HLEN)
			net->stats.tx_runts++;
		else
			net->stats.tx_oversize++;
		return;
	}
	net->tx_hdr = hdr;
	net->tx_iov[0].iov_base = &net->tx_hdr;
	net->tx_iov[0].iov_len = VIRTIO_NET_HDR_SIZE;
	n = virtq_chain_slice(chain, false, VIRTIO_NET_HDR_SIZE, len,
			      net->tx_iov + 1);
	if (backend_write(net, net->tx_iov, n + 1, VIRTIO_NET_HDR_SIZE + len)) {
		net->stats.tx_errors++;
		return;
	}
	count_offloads(&net->stats.tx_csum, &net->stats.tx_gso, &hdr);
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

/* Live: the offloads are settled, and a packet that waited can go. */
static void net_driver_ok(void *dev, uint64_t features)
{
	struct virtio_net *net = dev;

	net->offload = offloads_of(features & net_features(net));
	backend_set_offloads(net);
	if (net->iothread)
		kick_iothread(net, VIRTIO_NET_RXQ);
	else
		rx_work(net);
}

/* No offload until renegotiated; a waiting packet stays for later. */
static void net_reset(void *dev)
{
	struct virtio_net *net = dev;

	memset(&net->offload, 0, sizeof(net->offload));
	backend_set_offloads(net);
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
 * with the MAC address the guest will use, offering the tap's offloads
 * if offloads (net/tap.c leaves them off until DRIVER_OK says which the
 * guest takes).  The device makes the
 * descriptor non-blocking and, on success, owns it: virtio_net_exit
 * closes it.  Returns 0 or -errno.
 */
int virtio_net_init(struct virtio_net *net, int backend_fd,
		    const uint8_t mac[ETH_ALEN], bool offloads,
		    const struct guest_mem *mem, struct irq_line *irq)
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
	net->offloads = offloads;
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
