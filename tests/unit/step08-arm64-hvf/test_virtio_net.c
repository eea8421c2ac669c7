/*
 * test_virtio_net.c - unit tests of virtio-net through the transport and
 * the queue, with one end of a socketpair as its tap: packets both ways,
 * the headers the guest and the tap see, packets that wait for receive
 * buffers without taking one, and every malformed chain or packet a
 * hostile driver (or backend) can send with the exact outcome it gets
 * (what reaches the other side, the used length, the counter, or
 * DEVICE_NEEDS_RESET).
 *
 * Runs: on the host, no KVM, no privileges (Check).  No I/O thread here:
 * the device works when the test kicks a queue, so every outcome is
 * there when the kick returns (test_iothread.c runs it on its thread).
 * Includes the units under test.
 * Spec: virtio 1.x, "Network Device" ("Device configuration layout",
 * "Device Operation", "Packet Transmission", "Setting Up Receive
 * Buffers", "Processing of Incoming Packets"), "Message Framing".
 */
#include <check.h>

#include "run_suite.h"

#include <signal.h>
#include <sys/socket.h>

#include "guest_mem.c"
#include "iothread.c"
#include "virtio/mmio.c"
#include "virtio/net.c"
#include "virtio/queue.c"

#include "vdriver.h"

#define RAM	    0x800000ULL /* 8 MiB: room for 64 KiB packets */
#define NUM	    256
#define W	    VRING_DESC_F_WRITE
#define UNTOUCHED   0xEE
#define HDR	    VIRTIO_NET_HDR_SIZE
#define MTU_FRAME   (ETH_HLEN + 1500)
#define RX_BUF	    (HDR + MTU_FRAME) /* what Linux posts: 1526 bytes */
#define F_VERSION_1 (1ULL << VIRTIO_F_VERSION_1)
#define F_INDIRECT  (1ULL << VIRTIO_RING_F_INDIRECT_DESC)
#define F_EVENT_IDX (1ULL << VIRTIO_RING_F_EVENT_IDX)
#define F_MAC	    (1ULL << VIRTIO_NET_F_MAC)
#define FEATURES    (F_VERSION_1 | F_INDIRECT | F_MAC)
#define F(bit)	    (1ULL << VIRTIO_NET_F_##bit)
#define F_OFFLOADS                                                             \
	(F(CSUM) | F(GUEST_CSUM) | F(HOST_TSO4) | F(HOST_TSO6) |               \
	 F(GUEST_TSO4) | F(GUEST_TSO6))
#define BIG_BUF	    (HDR + 65550)   /* Linux's "big packets" buffer */
#define TCP_CSUM_AT 16		    /* the checksum in a TCP header */
#define IPV4_TCP    (ETH_HLEN + 20) /* where TCP starts after IPv4 */
#define STATUS_LIVE 0x0f /* ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK */
#define CONFIG_MAC                                                             \
	(VIRTIO_MMIO_CONFIG + offsetof(struct virtio_net_config, mac))

static const uint8_t mac[ETH_ALEN] = { 0x02, 0x68, 0x76, 0x63, 0x6f, 0x01 };
static const uint8_t peer_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };
static struct vdev vd;
static struct virtio_net net;
static struct vd_ring *rxq = &vd.rings[VIRTIO_NET_RXQ];
static struct vd_ring *txq = &vd.rings[VIRTIO_NET_TXQ];
static int peer = -1; /* the host's end of the "tap" */
static int sv_other[2];
static uint8_t frame[VIRTIO_NET_PACKET_MAX + 2], got[2 * 65536 + 64];

/* An Ethernet frame of len bytes: to the guest, byte i of the payload
 * is seed + i. */
static uint8_t *make_frame(size_t len, uint8_t seed)
{
	struct ethhdr *eth = (struct ethhdr *)frame;

	ck_assert_uint_le(len, sizeof(frame));
	memcpy(eth->h_dest, mac, ETH_ALEN);
	memcpy(eth->h_source, peer_mac, ETH_ALEN);
	eth->h_proto = htobe16(ETH_P_802_EX1);
	for (size_t i = ETH_HLEN; i < len; i++)
		frame[i] = (uint8_t)(seed + i);
	return frame;
}

static void setup(void)
{
	int sv[2];

	signal(SIGPIPE, SIG_IGN); /* a closed peer: EPIPE, not death */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	peer = sv[1];
	vd_init(&vd, RAM);
	ck_assert_int_eq(
		virtio_net_init(&net, sv[0], mac, true, &vd.ram.mem, &vd.irq),
		0);
	vd.t = &net.mmio;
	vd_bring_up(&vd, FEATURES, VIRTIO_NET_QUEUES, NUM);
}

static void teardown(void)
{
	virtio_net_exit(&net);
	close(peer);
	vd_ram_free(&vd.ram);
}

/* The host sends [header][frame] into the tap. */
static void peer_send_hdr(const struct virtio_net_hdr_v1 *hdr,
			  const uint8_t *data, size_t len)
{
	struct iovec iov[2] = { { (void *)hdr, HDR }, { (void *)data, len } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	int size = 4 * BIG_BUF;

	setsockopt(peer, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	ck_assert_int_eq(sendmsg(peer, &msg, 0), (ssize_t)(HDR + len));
}

static void peer_send(const uint8_t *data, size_t len, uint8_t flags)
{
	struct virtio_net_hdr_v1 hdr = { .flags = flags };

	peer_send_hdr(&hdr, data, len);
}

/* What the tap gave the host, or -1 if nothing. */
static ssize_t peer_recv(void)
{
	return recv(peer, got, sizeof(got), MSG_DONTWAIT);
}

static void assert_nothing_sent(void)
{
	ck_assert_int_eq(peer_recv(), -1);
	ck_assert_int_eq(errno, EAGAIN);
}

static uint64_t buffer(uint64_t len, uint8_t fill)
{
	uint64_t gpa = vd_alloc(&vd.ram, len);

	memset(vd_ptr(&vd.ram, gpa), fill, len);
	return gpa;
}

/* A transmit chain of n buffers, offered and kicked. */
static uint16_t transmit(const struct vd_buf *bufs, unsigned int n)
{
	uint16_t head = vd_add_chain(txq, bufs, n);

	vd_make_available(txq, head);
	vd_kick(&vd, VIRTIO_NET_TXQ);
	return head;
}

/* The usual transmit chain: header, then the frame, in two buffers. */
static uint16_t transmit_frame(const struct virtio_net_hdr_v1 *h,
			       const uint8_t *data, size_t len)
{
	uint64_t hdr = buffer(HDR, 0), body = buffer(len, 0);
	const struct vd_buf bufs[] = { { hdr, HDR, 0 },
				       { body, (uint32_t)len, 0 } };

	memcpy(vd_ptr(&vd.ram, hdr), h, HDR);
	memcpy(vd_ptr(&vd.ram, body), data, len);
	return transmit(bufs, 2);
}

/* One writable receive buffer of len bytes, offered (not kicked). */
static uint16_t post_rx(uint64_t *gpa, uint32_t len)
{
	const struct vd_buf bufs[] = { { buffer(len, UNTOUCHED), len, W } };
	uint16_t head = vd_add_chain(rxq, bufs, 1);

	*gpa = bufs[0].gpa;
	vd_make_available(rxq, head);
	return head;
}

static void assert_used(struct vd_ring *g, uint16_t i, uint16_t head,
			uint32_t len)
{
	ck_assert_uint_gt(vd_used_idx(g), i);
	ck_assert_uint_eq(vd_used_id(g, i), head);
	ck_assert_uint_eq(vd_used_len(g, i), len);
}

/* The guest's buffer at gpa holds the header we promise and frame. */
static void assert_received(uint64_t gpa, const uint8_t *data, size_t len)
{
	struct virtio_net_hdr_v1 want = { .num_buffers = htole16(1) };

	ck_assert_int_eq(memcmp(vd_ptr(&vd.ram, gpa), &want, HDR), 0);
	ck_assert_int_eq(memcmp(vd_ptr(&vd.ram, gpa + HDR), data, len), 0);
}

/* The tap got [12 zero bytes][frame]. */
static void assert_sent(const uint8_t *data, size_t len)
{
	static const uint8_t zero[HDR];

	ck_assert_int_eq(peer_recv(), (ssize_t)(HDR + len));
	ck_assert_int_eq(memcmp(got, zero, HDR), 0);
	ck_assert_int_eq(memcmp(got + HDR, data, len), 0);
}

/* The device broke queue index: NEEDS_RESET, a config interrupt. */
static void assert_needs_reset(enum virtq_error why)
{
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_STATUS),
			  STATUS_LIVE | VIRTIO_CONFIG_S_NEEDS_RESET);
	ck_assert_int_eq(net.mmio.error, why);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_INTERRUPT_STATUS) &
				  VIRTIO_MMIO_INT_CONFIG,
			  VIRTIO_MMIO_INT_CONFIG);
}

START_TEST(identity_features_and_config)
{
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET);
	ck_assert_uint_eq(vd_device_features(&vd), F_VERSION_1 | F_INDIRECT |
							   F_EVENT_IDX | F_MAC |
							   F_OFFLOADS);
	for (unsigned int i = 0; i < ETH_ALEN; i++)
		ck_assert_uint_eq(vd_read(&vd, CONFIG_MAC + i, 1), mac[i]);
	ck_assert_uint_eq(
		vd_read(&vd,
			VIRTIO_MMIO_CONFIG +
				offsetof(struct virtio_net_config, status),
			2),
		0); /* no VIRTIO_NET_F_STATUS */
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_QUEUE_NUM_MAX), NUM);
}
END_TEST

START_TEST(init_makes_the_backend_non_blocking)
{
	struct virtio_net other;

	ck_assert_int_eq(fcntl(net.backend_fd, F_GETFL) & O_NONBLOCK,
			 O_NONBLOCK);
	ck_assert_int_ge(net.kick_fd[VIRTIO_NET_RXQ], 0);
	ck_assert_int_ge(net.kick_fd[VIRTIO_NET_TXQ], 0);
	ck_assert_int_eq(
		virtio_net_init(&other, -1, mac, true, &vd.ram.mem, NULL),
		-EBADF);
}
END_TEST

START_TEST(transmit_a_packet)
{
	const struct virtio_net_hdr_v1 hdr = { 0 };
	uint16_t head = transmit_frame(&hdr, make_frame(60, 1), 60);

	assert_sent(frame, 60);
	assert_used(txq, 0, head, 0);
	ck_assert_uint_eq(net.stats.tx_packets, 1);
	ck_assert_uint_eq(net.stats.tx_bytes, 60);
	ck_assert(vd.level);
	ck_assert_uint_eq(vd_ack(&vd), VIRTIO_MMIO_INT_VRING);
}
END_TEST

/* "Message Framing": the header may be split, and share a buffer with
 * the frame; or everything sits in an indirect table. */
START_TEST(transmit_in_any_layout)
{
	uint64_t a = buffer(5, 0), b = buffer(HDR - 5 + 100, 0);
	uint64_t table = vd_alloc(&vd.ram, 2 * sizeof(struct vring_desc));
	uint64_t h = buffer(HDR, 0), body = buffer(200, 0);
	const struct vd_buf split[] = { { a, 5, 0 }, { b, HDR - 5 + 100, 0 } };
	const struct vd_buf in_table[] = { { h, HDR, 0 }, { body, 200, 0 } };
	const struct vd_buf indirect[] = { { table, 32,
					     VRING_DESC_F_INDIRECT } };

	memcpy(vd_ptr(&vd.ram, b + HDR - 5), make_frame(100, 7), 100);
	transmit(split, 2);
	assert_sent(frame, 100);
	memcpy(vd_ptr(&vd.ram, body), make_frame(200, 9), 200);
	vd_write_table(&vd.ram, table, in_table, 2);
	transmit(indirect, 1);
	assert_sent(frame, 200);
	ck_assert_uint_eq(net.stats.tx_packets, 2);
	ck_assert_uint_eq(vd_used_idx(txq), 2);
}
END_TEST

/* The guest's header is checked, never forwarded: flags the device does
 * not act on are ignored ("The device MUST ignore flag bits that it does
 * not recognize"), and the tap gets a header of zeros. */
START_TEST(transmit_header_is_not_forwarded)
{
	const struct virtio_net_hdr_v1 hdr = {
		.flags = VIRTIO_NET_HDR_F_DATA_VALID | 0x80,
		.hdr_len = htole16(0x1234),
		.gso_size = htole16(0x5678),
		.csum_start = htole16(3),
		.csum_offset = htole16(4),
		.num_buffers = htole16(9),
	};

	transmit_frame(&hdr, make_frame(64, 2), 64);
	assert_sent(frame, 64);
	ck_assert_uint_eq(net.stats.tx_bad_header, 0);
}
END_TEST

/* "If VIRTIO_NET_F_CSUM is not negotiated, the driver MUST set flags to
 * zero": a packet whose checksum is left to us leaves with a wrong one,
 * so it does not leave. */
START_TEST(transmit_needs_csum_without_the_feature)
{
	const struct virtio_net_hdr_v1 hdr = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.csum_start = htole16(ETH_HLEN),
	};
	uint16_t head = transmit_frame(&hdr, make_frame(80, 3), 80);

	assert_nothing_sent();
	assert_used(txq, 0, head, 0);
	ck_assert_uint_eq(net.stats.tx_bad_header, 1);
	ck_assert_uint_eq(net.stats.tx_packets, 0);
}
END_TEST

/* Without VIRTIO_NET_F_HOST_TSO4/6 or UFO, "the driver MUST NOT set
 * gso_type" to them: GSO packets are dropped. */
START_TEST(transmit_gso_without_the_feature)
{
	const uint8_t types[] = { VIRTIO_NET_HDR_GSO_TCPV4,
				  VIRTIO_NET_HDR_GSO_UDP,
				  VIRTIO_NET_HDR_GSO_TCPV6,
				  VIRTIO_NET_HDR_GSO_ECN };

	for (unsigned int i = 0; i < 4; i++) {
		struct virtio_net_hdr_v1 hdr = { .gso_type = types[i],
						 .gso_size = htole16(1448) };
		uint16_t head = transmit_frame(&hdr, make_frame(1514, 4), 1514);

		assert_used(txq, (uint16_t)i, head, 0);
	}
	assert_nothing_sent();
	ck_assert_uint_eq(net.stats.tx_bad_header, 4);
}
END_TEST

/* Shorter than an Ethernet header: dropped.  Exactly one: sent. */
START_TEST(transmit_runt)
{
	const struct virtio_net_hdr_v1 hdr = { 0 };
	uint16_t head =
		transmit_frame(&hdr, make_frame(ETH_HLEN, 5), ETH_HLEN - 1);

	assert_used(txq, 0, head, 0);
	assert_nothing_sent();
	ck_assert_uint_eq(net.stats.tx_runts, 1);
	transmit_frame(&hdr, frame, ETH_HLEN);
	assert_sent(frame, ETH_HLEN);
}
END_TEST

/* A header and nothing after it: a packet of length 0, a runt. */
START_TEST(transmit_header_only)
{
	const struct vd_buf bufs[] = { { buffer(HDR, 0), HDR, 0 } };
	uint16_t head = transmit(bufs, 1);

	assert_used(txq, 0, head, 0);
	assert_nothing_sent();
	ck_assert_uint_eq(net.stats.tx_runts, 1);
}
END_TEST

/* VIRTIO_NET_PACKET_MAX is sent; one byte more is dropped. */
START_TEST(transmit_oversize)
{
	const struct virtio_net_hdr_v1 hdr = { 0 };
	int size = 4 * VIRTIO_NET_PACKET_MAX;

	ck_assert_int_eq(setsockopt(net.backend_fd, SOL_SOCKET, SO_SNDBUF,
				    &size, sizeof(size)),
			 0);
	make_frame(VIRTIO_NET_PACKET_MAX + 1, 6);
	transmit_frame(&hdr, frame, VIRTIO_NET_PACKET_MAX + 1);
	assert_nothing_sent();
	ck_assert_uint_eq(net.stats.tx_oversize, 1);
	transmit_frame(&hdr, frame, VIRTIO_NET_PACKET_MAX);
	assert_sent(frame, VIRTIO_NET_PACKET_MAX);
	ck_assert_uint_eq(net.stats.tx_bytes, VIRTIO_NET_PACKET_MAX);
}
END_TEST

/* Writable buffers in a transmit chain are not read, nor written. */
START_TEST(transmit_ignores_writable_buffers)
{
	uint64_t out = buffer(HDR + 70, 0), in = buffer(64, UNTOUCHED);
	const struct vd_buf bufs[] = { { out, HDR + 70, 0 }, { in, 64, W } };
	uint16_t head;

	memcpy(vd_ptr(&vd.ram, out + HDR), make_frame(70, 8), 70);
	head = transmit(bufs, 2);
	assert_sent(frame, 70);
	assert_used(txq, 0, head, 0);
	ck_assert_uint_eq(*(uint8_t *)vd_ptr(&vd.ram, in), UNTOUCHED);
	ck_assert_uint_eq(*(uint8_t *)vd_ptr(&vd.ram, in + 63), UNTOUCHED);
}
END_TEST

/* Less than a header: nothing can be understood; the queue breaks. */
START_TEST(transmit_short_header_needs_reset)
{
	const struct vd_buf bufs[] = { { buffer(HDR - 1, 0), HDR - 1, 0 } };

	transmit(bufs, 1);
	assert_needs_reset(VIRTQ_ERR_FRAMING);
	assert_nothing_sent();
	ck_assert_uint_eq(vd_used_idx(txq), 0);
	ck_assert_uint_eq(net.stats.tx_packets + net.stats.tx_runts, 0);
}
END_TEST

START_TEST(transmit_chain_of_writable_buffers_needs_reset)
{
	const struct vd_buf bufs[] = { { buffer(100, 0), 100, W } };

	transmit(bufs, 1);
	assert_needs_reset(VIRTQ_ERR_FRAMING);
	assert_nothing_sent();
}
END_TEST

/* A chain out of range breaks the queue in the queue layer: nothing of
 * it is sent, not even the part inside RAM. */
START_TEST(transmit_chain_out_of_range)
{
	const struct vd_buf bufs[] = { { buffer(HDR, 0), HDR, 0 },
				       { RAM - 10, 60, 0 } };

	transmit(bufs, 2);
	assert_needs_reset(VIRTQ_ERR_BUF_RANGE);
	assert_nothing_sent();
	ck_assert_uint_eq(vd_used_idx(txq), 0);
}
END_TEST

/* The backend refuses (its other end closed): counted, chain used. */
START_TEST(transmit_backend_error)
{
	const struct virtio_net_hdr_v1 hdr = { 0 };
	uint16_t head;

	close(peer);
	peer = socket(AF_UNIX, SOCK_SEQPACKET, 0); /* for teardown */
	head = transmit_frame(&hdr, make_frame(60, 1), 60);
	assert_used(txq, 0, head, 0);
	ck_assert_uint_eq(net.stats.tx_errors, 1);
	ck_assert_uint_eq(net.stats.tx_packets, 0);
}
END_TEST

START_TEST(receive_a_packet)
{
	uint64_t gpa;
	uint16_t head = post_rx(&gpa, RX_BUF);

	/* The tap may say DATA_VALID; without GUEST_CSUM the guest gets
	 * flags 0 ("the device MUST set flags to zero"). */
	peer_send(make_frame(MTU_FRAME, 10), MTU_FRAME,
		  VIRTIO_NET_HDR_F_DATA_VALID);
	vd_kick(&vd, VIRTIO_NET_RXQ);
	assert_used(rxq, 0, head, RX_BUF);
	assert_received(gpa, frame, MTU_FRAME);
	ck_assert_uint_eq(net.stats.rx_packets, 1);
	ck_assert_uint_eq(net.stats.rx_bytes, MTU_FRAME);
	ck_assert(vd.level);
}
END_TEST

/* The key rule of the receive side: a guest buffer is never taken when
 * the tap has nothing; and a packet that finds no buffer waits for one,
 * without reading the tap further. */
START_TEST(receive_takes_no_buffer_when_the_tap_is_empty)
{
	uint64_t a, b;
	uint16_t head_a = post_rx(&a, RX_BUF), head_b = post_rx(&b, RX_BUF);

	vd_kick(&vd, VIRTIO_NET_RXQ);
	vd_kick(&vd, VIRTIO_NET_RXQ);
	ck_assert_uint_eq(vd_used_idx(rxq), 0);
	ck_assert_uint_eq(net.mmio.queues[VIRTIO_NET_RXQ].last_avail, 0);
	ck_assert_uint_eq(*(uint8_t *)vd_ptr(&vd.ram, a), UNTOUCHED);
	peer_send(make_frame(100, 11), 100, 0);
	peer_send(make_frame(100, 12), 100, 0);
	vd_kick(&vd, VIRTIO_NET_RXQ);
	assert_used(rxq, 0, head_a, HDR + 100);
	assert_used(rxq, 1, head_b, HDR + 100);
	assert_received(b, frame, 100);
}
END_TEST

START_TEST(receive_waits_for_a_buffer)
{
	uint64_t gpa;
	uint16_t head;

	peer_send(make_frame(200, 13), 200, 0);
	peer_send(make_frame(300, 14), 300, 0);
	vd_kick(&vd, VIRTIO_NET_RXQ); /* no buffer: the first waits */
	ck_assert_uint_eq(net.rx_len, HDR + 200);
	ck_assert_uint_eq(net.stats.rx_waits, 1);
	ck_assert(!backend_wanted(&net)); /* the tap is not read on */
	head = post_rx(&gpa, RX_BUF);
	vd_kick(&vd, VIRTIO_NET_RXQ);
	assert_used(rxq, 0, head, HDR + 200);
	ck_assert_uint_eq(*(uint8_t *)vd_ptr(&vd.ram, gpa + HDR + 199),
			  (uint8_t)(13 + 199));
	ck_assert_uint_eq(net.rx_len, HDR + 300); /* the next one waits */
	ck_assert_uint_eq(net.stats.rx_packets, 1);
}
END_TEST

/* Too big for the buffer: dropped and counted, not cut short; the
 * buffer is put back and takes the next packet. */
START_TEST(receive_packet_larger_than_the_buffer)
{
	uint64_t gpa;
	uint16_t head = post_rx(&gpa, HDR + 100);

	peer_send(make_frame(101, 15), 101, 0);
	peer_send(make_frame(100, 16), 100, 0);
	vd_kick(&vd, VIRTIO_NET_RXQ);
	ck_assert_uint_eq(net.stats.rx_too_big, 1);
	assert_used(rxq, 0, head, HDR + 100);
	ck_assert_uint_eq(vd_used_idx(rxq), 1);
	assert_received(gpa, frame, 100);
	ck_assert_uint_eq(net.stats.rx_packets, 1);
}
END_TEST

/* Not even room for the header: the queue breaks. */
START_TEST(receive_buffer_shorter_than_the_header_needs_reset)
{
	uint64_t gpa;

	post_rx(&gpa, HDR - 1);
	peer_send(make_frame(60, 17), 60, 0);
	vd_kick(&vd, VIRTIO_NET_RXQ);
	assert_needs_reset(VIRTQ_ERR_FRAMING);
	ck_assert_uint_eq(vd_used_idx(rxq), 0);
	ck_assert_uint_eq(*(uint8_t *)vd_ptr(&vd.ram, gpa), UNTOUCHED);
}
END_TEST

/* The header split over buffers, the frame over more ("Message
 * Framing"); device-readable buffers in front are left alone. */
START_TEST(receive_into_scattered_buffers)
{
	uint64_t r = buffer(16, UNTOUCHED), a = buffer(5, 0), b = buffer(9, 0),
		 c = buffer(1000, 0);
	const struct vd_buf bufs[] = {
		{ r, 16, 0 }, { a, 5, W }, { b, 9, W }, { c, 1000, W }
	};
	uint16_t head = vd_add_chain(rxq, bufs, 4);
	uint8_t hdr[HDR];
	struct virtio_net_hdr_v1 want = { .num_buffers = htole16(1) };

	vd_make_available(rxq, head);
	peer_send(make_frame(500, 18), 500, 0);
	vd_kick(&vd, VIRTIO_NET_RXQ);
	assert_used(rxq, 0, head, HDR + 500);
	memcpy(hdr, vd_ptr(&vd.ram, a), 5);
	memcpy(hdr + 5, vd_ptr(&vd.ram, b), HDR - 5);
	ck_assert_int_eq(memcmp(hdr, &want, HDR), 0);
	ck_assert_int_eq(memcmp(vd_ptr(&vd.ram, b + HDR - 5), frame, 2), 0);
	ck_assert_int_eq(memcmp(vd_ptr(&vd.ram, c), frame + 2, 498), 0);
	ck_assert_uint_eq(*(uint8_t *)vd_ptr(&vd.ram, r), UNTOUCHED);
}
END_TEST

/* A receive buffer outside RAM breaks the queue when a packet needs
 * it; the packet waits, nothing is written anywhere. */
START_TEST(receive_chain_out_of_range)
{
	const struct vd_buf bufs[] = { { RAM - 100, RX_BUF, W } };

	vd_make_available(rxq, vd_add_chain(rxq, bufs, 1));
	peer_send(make_frame(60, 39), 60, 0);
	vd_kick(&vd, VIRTIO_NET_RXQ);
	assert_needs_reset(VIRTQ_ERR_BUF_RANGE);
	ck_assert_uint_eq(vd_used_idx(rxq), 0);
	ck_assert_uint_eq(net.rx_len, HDR + 60);
	ck_assert_uint_eq(net.stats.rx_packets, 0);
}
END_TEST

/* What the backend itself gets wrong: a read shorter than a header and
 * an Ethernet header, or longer than any packet; neither reaches the
 * guest nor takes its buffer. */
START_TEST(receive_runt_and_oversize_from_the_backend)
{
	static uint8_t big[HDR + VIRTIO_NET_PACKET_MAX + 1];
	int size = 4 * (int)sizeof(big);
	uint64_t gpa;

	post_rx(&gpa, RX_BUF);
	ck_assert_int_eq(
		setsockopt(peer, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)),
		0);
	ck_assert_int_eq(send(peer, big, HDR + ETH_HLEN - 1, 0),
			 HDR + ETH_HLEN - 1);
	ck_assert_int_eq(send(peer, big, sizeof(big), 0), sizeof(big));
	vd_kick(&vd, VIRTIO_NET_RXQ);
	ck_assert_uint_eq(net.stats.rx_runts, 1);
	ck_assert_uint_eq(net.stats.rx_oversize, 1);
	ck_assert_uint_eq(vd_used_idx(rxq), 0);
	ck_assert_uint_eq(net.mmio.queues[VIRTIO_NET_RXQ].last_avail, 0);
}
END_TEST

/* One kick moves at most a batch; the rest waits for the next turn. */
START_TEST(receive_in_batches)
{
	const unsigned int n = VIRTIO_NET_RX_BATCH + 6;
	uint64_t gpa;

	for (unsigned int i = 0; i < n; i++) {
		post_rx(&gpa, RX_BUF);
		peer_send(make_frame(60, (uint8_t)i), 60, 0);
	}
	vd_kick(&vd, VIRTIO_NET_RXQ);
	ck_assert_uint_eq(vd_used_idx(rxq), VIRTIO_NET_RX_BATCH);
	ck_assert_uint_eq(vd.raises, 1);
	vd_kick(&vd, VIRTIO_NET_RXQ);
	ck_assert_uint_eq(vd_used_idx(rxq), n);
	ck_assert_uint_eq(net.stats.rx_packets, n);
}
END_TEST

/* Without an I/O thread, any notification looks at the tap: a packet
 * arrives when the guest transmits. */
START_TEST(receive_on_a_transmit_kick)
{
	const struct virtio_net_hdr_v1 hdr = { 0 };
	uint64_t gpa;
	uint16_t head = post_rx(&gpa, RX_BUF);

	peer_send(make_frame(90, 19), 90, 0);
	transmit_frame(&hdr, make_frame(60, 20), 60);
	assert_used(rxq, 0, head, HDR + 90);
	ck_assert_uint_eq(net.stats.tx_packets, 1);
}
END_TEST

/* A packet read before the driver is ready waits, through a reset. */
START_TEST(packet_waits_until_the_device_is_live)
{
	uint64_t gpa;
	uint16_t head;

	vd_w32(&vd, VIRTIO_MMIO_STATUS, 0);
	peer_send(make_frame(120, 21), 120, 0);
	vd_bring_up(&vd, FEATURES, VIRTIO_NET_QUEUES, NUM); /* reads it */
	ck_assert_uint_eq(net.rx_len, HDR + 120);
	vd_w32(&vd, VIRTIO_MMIO_STATUS, 0);
	vd_bring_up(&vd, FEATURES, VIRTIO_NET_QUEUES, NUM);
	head = post_rx(&gpa, RX_BUF);
	vd_kick(&vd, VIRTIO_NET_RXQ);
	assert_used(rxq, 0, head, HDR + 120);
	assert_received(gpa, frame, 120);
}
END_TEST

/* The other end closed: not read again, counted once. */
START_TEST(backend_closed)
{
	uint64_t gpa;

	post_rx(&gpa, RX_BUF);
	close(peer);
	peer = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	vd_kick(&vd, VIRTIO_NET_RXQ);
	vd_kick(&vd, VIRTIO_NET_RXQ);
	ck_assert(net.backend_gone);
	ck_assert(!backend_wanted(&net));
	ck_assert_uint_eq(net.stats.backend_errors, 1);
	ck_assert_uint_eq(vd_used_idx(rxq), 0);
}
END_TEST

/* Both ways at once, many packets: every byte arrives, in order. */
START_TEST(traffic_both_ways)
{
	const struct virtio_net_hdr_v1 hdr = { 0 };
	uint64_t gpa[32];

	for (unsigned int i = 0; i < 32; i++) {
		post_rx(&gpa[i], RX_BUF);
		peer_send(make_frame(60 + i * 40, (uint8_t)i), 60 + i * 40, 0);
	}
	for (unsigned int i = 0; i < 32; i++) {
		transmit_frame(&hdr, make_frame(1514 - i, (uint8_t)(i + 100)),
			       1514 - i);
		assert_sent(frame, 1514 - i);
	}
	ck_assert_uint_eq(vd_used_idx(rxq), 32);
	for (unsigned int i = 0; i < 32; i++) {
		make_frame(60 + i * 40, (uint8_t)i);
		assert_received(gpa[i], frame, 60 + i * 40);
		assert_used(rxq, (uint16_t)i, (uint16_t)i, HDR + 60 + i * 40);
	}
}
END_TEST

/* Without offloads the device offers only the MAC. */
START_TEST(no_offloads_when_the_vmm_says_so)
{
	virtio_net_exit(&net);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv_other), 0);
	ck_assert_int_eq(virtio_net_init(&net, sv_other[0], mac, false,
					 &vd.ram.mem, &vd.irq),
			 0);
	close(sv_other[1]);
	ck_assert_uint_eq(vd_device_features(&vd),
			  F_VERSION_1 | F_INDIRECT | F_EVENT_IDX | F_MAC);
}
END_TEST

/* The tap is told to hand over only what the guest takes, and TSO only
 * with the checksum it needs ("Feature bit requirements"). */
START_TEST(tap_offloads_follow_what_the_guest_takes)
{
	struct virtio_net_offloads all = offloads_of(F_OFFLOADS);
	struct virtio_net_offloads tso_alone =
		offloads_of(F(GUEST_TSO4) | F(HOST_TSO4) | F(HOST_TSO6));
	struct virtio_net_offloads csum_only = offloads_of(F(GUEST_CSUM));

	ck_assert_uint_eq(virtio_net_tun_offloads(&all),
			  TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6);
	ck_assert(all.tx_csum && all.tx_tso4 && all.tx_tso6);
	ck_assert_uint_eq(virtio_net_tun_offloads(&tso_alone), 0);
	ck_assert(!tso_alone.tx_tso4 && !tso_alone.tx_tso6);
	ck_assert_uint_eq(virtio_net_tun_offloads(&csum_only), TUN_F_CSUM);
	ck_assert_uint_eq(virtio_net_tun_offloads(&net.offload), 0); /* none */
}
END_TEST

static void setup_offloads(void)
{
	setup();
	vd_bring_up(&vd, FEATURES | F_OFFLOADS, VIRTIO_NET_QUEUES, NUM);
}

/* A TCP/IPv4 packet's header: checksum at IPV4_TCP + 16. */
static struct virtio_net_hdr_v1 tcp_hdr(uint8_t gso_type, uint16_t gso_size)
{
	return (struct virtio_net_hdr_v1){
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = gso_type,
		.hdr_len = htole16(IPV4_TCP + 20),
		.gso_size = htole16(gso_size),
		.csum_start = htole16(IPV4_TCP),
		.csum_offset = htole16(TCP_CSUM_AT),
	};
}

/* The tap got this header (field by field) and frame. */
static void assert_sent_hdr(const struct virtio_net_hdr_v1 *want,
			    const uint8_t *data, size_t len)
{
	ck_assert_int_eq(peer_recv(), (ssize_t)(HDR + len));
	ck_assert_int_eq(memcmp(got, want, HDR), 0);
	ck_assert_int_eq(memcmp(got + HDR, data, len), 0);
}

/* CSUM: the header goes to the tap with its offsets; DATA_VALID and
 * num_buffers do not. */
START_TEST(transmit_partial_checksum)
{
	struct virtio_net_hdr_v1 hdr = tcp_hdr(VIRTIO_NET_HDR_GSO_NONE, 0);
	struct virtio_net_hdr_v1 want = hdr;

	hdr.flags |= VIRTIO_NET_HDR_F_DATA_VALID;
	hdr.num_buffers = htole16(3);
	want.hdr_len = want.gso_size = 0; /* no GSO: no GSO fields */
	transmit_frame(&hdr, make_frame(200, 30), 200);
	assert_sent_hdr(&want, frame, 200);
	ck_assert_uint_eq(net.stats.tx_csum, 1);
	ck_assert_uint_eq(net.stats.tx_gso, 0);
}
END_TEST

/* HOST_TSO4: a 20000-byte TCP packet, for the host to cut into 1448s. */
START_TEST(transmit_tso4_larger_than_the_mtu)
{
	const struct virtio_net_hdr_v1 hdr =
		tcp_hdr(VIRTIO_NET_HDR_GSO_TCPV4, 1448);

	transmit_frame(&hdr, make_frame(20000, 31), 20000);
	assert_sent_hdr(&hdr, frame, 20000);
	ck_assert_uint_eq(net.stats.tx_gso, 1);
	ck_assert_uint_eq(net.stats.tx_bytes, 20000);
}
END_TEST

/* hdr_len is a hint we do not trust: never past the packet's end. */
START_TEST(transmit_hdr_len_longer_than_the_packet)
{
	struct virtio_net_hdr_v1 hdr = tcp_hdr(VIRTIO_NET_HDR_GSO_TCPV6, 1428);
	struct virtio_net_hdr_v1 want = hdr;

	hdr.hdr_len = htole16(60000);
	want.hdr_len = htole16(1000);
	transmit_frame(&hdr, make_frame(1000, 32), 1000);
	assert_sent_hdr(&want, frame, 1000);
}
END_TEST

/* Offload requests that cannot be done: each dropped, counted. */
START_TEST(transmit_impossible_offloads)
{
	struct virtio_net_hdr_v1 bad[5];
	const size_t len = 1000;

	for (int i = 0; i < 5; i++)
		bad[i] = tcp_hdr(VIRTIO_NET_HDR_GSO_TCPV4, 1448);
	bad[0].flags = 0; /* GSO without a checksum to finish */
	bad[1].gso_size = 0;
	bad[2].gso_type = VIRTIO_NET_HDR_GSO_UDP; /* never offered */
	bad[3].gso_type =
		VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN; /* nor ECN */
	bad[4].csum_start =
		htole16(len - TCP_CSUM_AT - 1); /* ends at len + 1 */
	for (int i = 0; i < 5; i++) {
		uint16_t head =
			transmit_frame(&bad[i], make_frame(len, 33), len);

		assert_used(txq, (uint16_t)i, head, 0);
	}
	assert_nothing_sent();
	ck_assert_uint_eq(net.stats.tx_bad_header, 5);
	bad[4].csum_start = htole16(len - TCP_CSUM_AT - 2); /* ends at len */
	transmit_frame(&bad[4], frame, len);
	ck_assert_int_eq(peer_recv(), (ssize_t)(HDR + len));
}
END_TEST

/* HOST_TSO4 without CSUM, which it requires: no TSO, no checksum. */
START_TEST(transmit_tso_without_csum_negotiated)
{
	const struct virtio_net_hdr_v1 tso =
		tcp_hdr(VIRTIO_NET_HDR_GSO_TCPV4, 1448);
	const struct virtio_net_hdr_v1 csum =
		tcp_hdr(VIRTIO_NET_HDR_GSO_NONE, 0);

	vd_bring_up(&vd, FEATURES | F(HOST_TSO4), VIRTIO_NET_QUEUES, NUM);
	transmit_frame(&tso, make_frame(3000, 34), 3000);
	transmit_frame(&csum, make_frame(300, 34), 300);
	assert_nothing_sent();
	ck_assert_uint_eq(net.stats.tx_bad_header, 2);
}
END_TEST

/* GUEST_CSUM, GUEST_TSO4: the tap's header reaches the guest as it is,
 * with num_buffers 1, into a buffer big enough for 64 KiB. */
START_TEST(receive_gso_packet)
{
	struct virtio_net_hdr_v1 hdr = tcp_hdr(VIRTIO_NET_HDR_GSO_TCPV4, 1448);
	struct virtio_net_hdr_v1 want = hdr;
	uint64_t gpa;
	uint16_t head = post_rx(&gpa, BIG_BUF);

	hdr.flags |= VIRTIO_NET_HDR_F_DATA_VALID;
	want.flags |= VIRTIO_NET_HDR_F_DATA_VALID;
	want.num_buffers = htole16(1);
	peer_send_hdr(&hdr, make_frame(60000, 35), 60000);
	vd_kick(&vd, VIRTIO_NET_RXQ);
	assert_used(rxq, 0, head, HDR + 60000);
	ck_assert_int_eq(memcmp(vd_ptr(&vd.ram, gpa), &want, HDR), 0);
	ck_assert_int_eq(memcmp(vd_ptr(&vd.ram, gpa + HDR), frame, 60000), 0);
	ck_assert_uint_eq(net.stats.rx_gso, 1);
	ck_assert_uint_eq(net.stats.rx_csum, 1);
}
END_TEST

/* A GSO type the guest did not take: dropped, its buffer kept. */
START_TEST(receive_gso_the_guest_did_not_take)
{
	const struct virtio_net_hdr_v1 v6 =
		tcp_hdr(VIRTIO_NET_HDR_GSO_TCPV6, 1428);
	uint64_t gpa;
	uint16_t head;

	vd_bring_up(&vd, FEATURES | F(GUEST_CSUM) | F(GUEST_TSO4),
		    VIRTIO_NET_QUEUES, NUM);
	head = post_rx(&gpa, BIG_BUF);
	peer_send_hdr(&v6, make_frame(5000, 36), 5000);
	peer_send(make_frame(100, 37), 100, 0);
	vd_kick(&vd, VIRTIO_NET_RXQ);
	ck_assert_uint_eq(net.stats.rx_bad_header, 1);
	assert_used(rxq, 0, head, HDR + 100);
}
END_TEST

/* Read while the guest took checksums, delivered after it stopped: the
 * packet still needs one, so it is dropped. */
START_TEST(receive_after_renegotiation_without_offloads)
{
	const struct virtio_net_hdr_v1 hdr =
		tcp_hdr(VIRTIO_NET_HDR_GSO_NONE, 0);
	uint64_t gpa;

	peer_send_hdr(&hdr, make_frame(300, 38), 300);
	vd_kick(&vd, VIRTIO_NET_RXQ); /* no buffer: it waits */
	ck_assert_uint_eq(net.rx_len, HDR + 300);
	vd_bring_up(&vd, FEATURES, VIRTIO_NET_QUEUES, NUM);
	post_rx(&gpa, RX_BUF);
	vd_kick(&vd, VIRTIO_NET_RXQ);
	ck_assert_uint_eq(net.stats.rx_bad_header, 1);
	ck_assert_uint_eq(vd_used_idx(rxq), 0);
	ck_assert_uint_eq(*(uint8_t *)vd_ptr(&vd.ram, gpa), UNTOUCHED);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("virtio_net");
	TCase *tc = tcase_create("core");
	TCase *offloads = tcase_create("offloads");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, identity_features_and_config);
	tcase_add_test(tc, init_makes_the_backend_non_blocking);
	tcase_add_test(tc, transmit_a_packet);
	tcase_add_test(tc, transmit_in_any_layout);
	tcase_add_test(tc, transmit_header_is_not_forwarded);
	tcase_add_test(tc, transmit_needs_csum_without_the_feature);
	tcase_add_test(tc, transmit_gso_without_the_feature);
	tcase_add_test(tc, transmit_runt);
	tcase_add_test(tc, transmit_header_only);
	tcase_add_test(tc, transmit_oversize);
	tcase_add_test(tc, transmit_ignores_writable_buffers);
	tcase_add_test(tc, transmit_short_header_needs_reset);
	tcase_add_test(tc, transmit_chain_of_writable_buffers_needs_reset);
	tcase_add_test(tc, transmit_chain_out_of_range);
	tcase_add_test(tc, transmit_backend_error);
	tcase_add_test(tc, receive_a_packet);
	tcase_add_test(tc, receive_takes_no_buffer_when_the_tap_is_empty);
	tcase_add_test(tc, receive_waits_for_a_buffer);
	tcase_add_test(tc, receive_packet_larger_than_the_buffer);
	tcase_add_test(tc, receive_buffer_shorter_than_the_header_needs_reset);
	tcase_add_test(tc, receive_into_scattered_buffers);
	tcase_add_test(tc, receive_chain_out_of_range);
	tcase_add_test(tc, receive_runt_and_oversize_from_the_backend);
	tcase_add_test(tc, receive_in_batches);
	tcase_add_test(tc, receive_on_a_transmit_kick);
	tcase_add_test(tc, packet_waits_until_the_device_is_live);
	tcase_add_test(tc, backend_closed);
	tcase_add_test(tc, traffic_both_ways);
	tcase_add_test(tc, no_offloads_when_the_vmm_says_so);
	tcase_add_test(tc, tap_offloads_follow_what_the_guest_takes);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(offloads, setup_offloads, teardown);
	tcase_add_test(offloads, transmit_partial_checksum);
	tcase_add_test(offloads, transmit_tso4_larger_than_the_mtu);
	tcase_add_test(offloads, transmit_hdr_len_longer_than_the_packet);
	tcase_add_test(offloads, transmit_impossible_offloads);
	tcase_add_test(offloads, transmit_tso_without_csum_negotiated);
	tcase_add_test(offloads, receive_gso_packet);
	tcase_add_test(offloads, receive_gso_the_guest_did_not_take);
	tcase_add_test(offloads, receive_after_renegotiation_without_offloads);
	suite_add_tcase(s, offloads);
	return run_suite(s);
}
