/*
 * net_iothread.c - what virtio-net's I/O thread buys, measured on the
 * host without KVM: the device and its transport as they are, a fake
 * guest driver (tests/unit/step07-virtio/vdriver.h) on the main thread
 * standing in for a vCPU, and a socketpair standing in for the tap.
 *
 * Runs: userspace, on the host; no KVM, no privileges.  Build and run
 * with `make -f bench/net_iothread.mk bench-net` from step07-virtio/.
 * Spec: virtio 1.x "Network Device" (the driver side as Linux's
 * virtio_net does it: receive buffers refilled after use, kicks only
 * when "Available Buffer Notification Suppression" asks for them).
 *
 * Two ways to serve the device:
 *   iothread  the design of virtio/net.c: an I/O thread polls the tap
 *             and the kick eventfds (which KVM_IOEVENTFD would signal);
 *             the "vCPU" only writes an eventfd to kick.
 *   vcpu      no I/O thread: the device works on the thread that kicks,
 *             and reads the tap only then.  A guest that does not kick
 *             never receives; to give this design its best case, the
 *             fake guest kicks the receive queue whenever it has
 *             nothing else to do (a guest spinning in exits).
 * Measurements, each design:
 *   rx-lat      one 64-byte packet at a time, host send() to the packet
 *               in the guest's used ring, the guest polling the ring;
 *   rx-idle     the same, the guest asleep until the device interrupts
 *               (poll() on the line): how an idle guest receives.  The
 *               vcpu design cannot: nothing would ever arrive ("-");
 *   rx-pps      packets of 64 and of 1514 bytes from a host thread as
 *               fast as it can, received, buffers refilled;
 *   tx-pps      packets of 1514 bytes sent by the guest, drained by a
 *               host thread;
 *   kick-us     the guest's time inside its kicks (QueueNotify exits,
 *               or eventfd writes: where a vCPU is out of the guest),
 *               per packet sent, and kicks per packet.
 * Percentiles and medians over REPEATS runs of each.
 * Nothing here is asserted: the numbers are printed, for the chapter.
 * It runs as one Check test, in the test's own process, because the
 * fake driver (vdriver.h) checks its own steps with ck_assert.
 */
#define _GNU_SOURCE 1
#include <check.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>

#include "guest_mem.c"
#include "iothread.c"
#include "virtio/mmio.c"
#include "virtio/net.c"
#include "virtio/queue.c"

#include "vdriver.h"

#define RAM	      0x1000000ULL /* 16 MiB */
#define NUM	      256
#define HDR	      VIRTIO_NET_HDR_SIZE
#define RX_BUF	      (HDR + ETH_HLEN + 1500)
#define SMALL	      64
#define LARGE	      (ETH_HLEN + 1500)
#define LAT_ROUNDS    20000
#define STREAM_COUNT  100000
#define REPEATS	      5
#define SOCKET_BUFFER (4 << 20)
#define NS_PER_SEC    1000000000ULL
#define FEATURES                                                               \
	((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_NET_F_MAC) |           \
	 (1ULL << VIRTIO_RING_F_EVENT_IDX))

static const uint8_t mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 1 };

struct bench {
	struct vdev vd;
	struct virtio_net net;
	struct iothread io;
	bool iothread;
	int peer;
	uint64_t rx_gpa[NUM]; /* receive buffer behind each descriptor */
	uint64_t tx_gpa;      /* the one transmit buffer, reused */
	uint16_t rx_seen;     /* receive used entries the guest has taken */
	int irq_fd;	      /* written when the line goes high */
	uint64_t kicks, kick_ns;
};

static struct bench b;

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* The interrupt line: a rising edge wakes a guest asleep in rx_sleep. */
static void line_set_level(struct irq_line *line, bool level)
{
	(void)line;
	if (level)
		eventfd_write(b.irq_fd, 1);
}

/* A device brought up by the fake guest, with NUM receive buffers. */
static void bench_start(bool iothread)
{
	int sv[2], size = SOCKET_BUFFER;
	struct vd_ring *rxq = &b.vd.rings[VIRTIO_NET_RXQ];

	memset(&b, 0, sizeof(b));
	b.iothread = iothread;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv))
		abort();
	for (int i = 0; i < 2; i++) {
		setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
		setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
	b.peer = sv[1];
	vd_ram_init(&b.vd.ram, RAM);
	b.vd.irq.set_level = line_set_level;
	b.irq_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (virtio_net_init(&b.net, sv[0], mac, true, &b.vd.ram.mem, &b.vd.irq))
		abort();
	b.vd.t = &b.net.mmio;
	vd_bring_up(&b.vd, FEATURES, VIRTIO_NET_QUEUES, NUM);
	for (unsigned int i = 0; i < NUM; i++) {
		struct vd_buf buf = { vd_alloc(&b.vd.ram, RX_BUF), RX_BUF,
				      VRING_DESC_F_WRITE };
		uint16_t head = vd_add_chain(rxq, &buf, 1);

		b.rx_gpa[head] = buf.gpa;
		vd_make_available(rxq, head);
	}
	b.tx_gpa = vd_alloc(&b.vd.ram, HDR + LARGE);
	if (iothread &&
	    (iothread_init(&b.io) || virtio_net_attach(&b.net, &b.io) ||
	     iothread_start(&b.io)))
		abort();
}

static void bench_stop(void)
{
	if (b.iothread)
		iothread_exit(&b.io);
	virtio_net_exit(&b.net);
	close(b.peer);
	close(b.irq_fd);
	vd_ram_free(&b.vd.ram);
}

/* The guest kicks queue index: an eventfd (KVM_IOEVENTFD's way) with an
 * I/O thread, a QueueNotify exit into the device without. */
static void kick(unsigned int index)
{
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);

	if (b.iothread)
		eventfd_write(b.net.kick_fd[index], 1);
	else
		vd_kick(&b.vd, index);
	b.kick_ns += now_ns(CLOCK_MONOTONIC) - t0;
	b.kicks++;
}

/* Does the device want a kick for the buffers made available from old
 * to avail_idx ("Available Buffer Notification Suppression")? */
static bool kick_needed(struct vd_ring *g, uint16_t old)
{
	uint16_t event;

	/* Our avail.idx store before the device's avail_event load, as
	 * the device does the other way round (virtio/queue.c). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	event = le16toh(__atomic_load_n((uint16_t *)&vd_used(g)->ring[g->num],
					__ATOMIC_RELAXED));
	return vring_need_event(event, g->avail_idx, old);
}

/* Take what the device used on the receive queue and offer it again, as
 * Linux's virtnet_poll and try_fill_recv do.  Returns how many. */
static unsigned int rx_reap(void)
{
	uint16_t *seen = &b.rx_seen;
	struct vd_ring *g = &b.vd.rings[VIRTIO_NET_RXQ];
	uint16_t used = vd_used_idx(g), old = g->avail_idx, n = used - *seen;

	for (; *seen != used; (*seen)++)
		vd_make_available(g, (uint16_t)vd_used_id(g, *seen));
	if (n && kick_needed(g, old))
		kick(VIRTIO_NET_RXQ);
	return n;
}

/* Wait for the next packet: poll the ring; without an I/O thread the
 * device moves only when kicked, so kick while there is nothing. */
static unsigned int rx_wait(void)
{
	unsigned int n;

	while ((n = rx_reap()) == 0)
		if (!b.iothread)
			kick(VIRTIO_NET_RXQ);
	return n;
}

static int cmp_u64(const void *a, const void *b2)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b2;

	return x < y ? -1 : x > y;
}

/* Asleep until the device interrupts: ask for an interrupt at the next
 * used entry (used_event, as virtqueue_enable_cb does), acknowledge what
 * is pending, look once more, wait for the line, take the packet. */
static unsigned int rx_sleep(void)
{
	struct vd_ring *g = &b.vd.rings[VIRTIO_NET_RXQ];
	struct pollfd p = { .fd = b.irq_fd, .events = POLLIN };
	eventfd_t count;
	unsigned int n;

	while ((n = rx_reap()) == 0) {
		vd_avail(g)->ring[g->num] = htole16(b.rx_seen);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		vd_ack(&b.vd); /* the line low: the next push raises it */
		if ((n = rx_reap()) != 0)
			break;
		poll(&p, 1, -1);
		eventfd_read(b.irq_fd, &count);
	}
	return n;
}

/* rx-lat and rx-idle: send one packet, see it used; the median and the
 * 99th percentile. */
static void rx_latency(bool sleep, uint64_t *median, uint64_t *p99)
{
	static uint64_t lat[LAT_ROUNDS];
	uint8_t packet[HDR + SMALL] = { 0 };

	for (unsigned int i = 0; i < LAT_ROUNDS; i++) {
		uint64_t t0 = now_ns(CLOCK_MONOTONIC);

		if (send(b.peer, packet, sizeof(packet), 0) < 0)
			abort();
		if (sleep)
			rx_sleep();
		else
			rx_wait();
		lat[i] = now_ns(CLOCK_MONOTONIC) - t0;
	}
	qsort(lat, LAT_ROUNDS, sizeof(lat[0]), cmp_u64);
	*median = lat[LAT_ROUNDS / 2];
	*p99 = lat[LAT_ROUNDS * 99 / 100];
}

struct flood {
	size_t len;
	unsigned int count;
};

static void *host_sender(void *arg)
{
	struct flood *f = arg;
	static uint8_t packet[HDR + LARGE];

	for (unsigned int i = 0; i < f->count; i++)
		if (send(b.peer, packet, HDR + f->len, 0) < 0)
			abort();
	return NULL;
}

/* rx-stream: packets per second into the guest. */
static double rx_stream(size_t len)
{
	struct flood f = { len, STREAM_COUNT };
	unsigned int got = 0;
	pthread_t sender;
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);

	pthread_create(&sender, NULL, host_sender, &f);
	while (got < STREAM_COUNT)
		got += rx_wait();
	pthread_join(sender, NULL);
	return (double)STREAM_COUNT * NS_PER_SEC /
	       (double)(now_ns(CLOCK_MONOTONIC) - t0);
}

static void *host_drain(void *arg)
{
	unsigned int *count = arg;
	static uint8_t packet[HDR + LARGE];

	for (unsigned int i = 0; i < *count; i++)
		if (recv(b.peer, packet, sizeof(packet), 0) <= 0)
			abort();
	return NULL;
}

/* Offer one transmit chain (header + len bytes, the same buffer each
 * time: the device is done with it once used) and kick if asked to. */
static void tx_one(size_t len)
{
	struct vd_ring *g = &b.vd.rings[VIRTIO_NET_TXQ];
	struct vd_buf buf = { b.tx_gpa, (uint32_t)(HDR + len), 0 };
	uint16_t old = g->avail_idx;

	vd_make_available(g, vd_add_chain(g, &buf, 1));
	if (kick_needed(g, old))
		kick(VIRTIO_NET_TXQ);
}

/* tx-pps: packets per second out of the guest, at most NUM in flight as
 * a real ring allows; and the guest's time in kicks per packet. */
static double tx_stream(size_t len, double *kick_ns, double *kicks)
{
	struct vd_ring *g = &b.vd.rings[VIRTIO_NET_TXQ];
	unsigned int count = STREAM_COUNT;
	pthread_t drain;
	uint64_t t0;

	pthread_create(&drain, NULL, host_drain, &count);
	b.kicks = b.kick_ns = 0;
	t0 = now_ns(CLOCK_MONOTONIC);
	for (unsigned int sent = 0; sent < count; sent++) {
		while ((uint16_t)(g->avail_idx - vd_used_idx(g)) >= NUM)
			if (!b.iothread)
				kick(VIRTIO_NET_TXQ);
		tx_one(len);
	}
	while (vd_used_idx(g) != g->avail_idx)
		if (!b.iothread)
			kick(VIRTIO_NET_TXQ);
	pthread_join(drain, NULL);
	*kick_ns = (double)b.kick_ns / count;
	*kicks = (double)b.kicks / count;
	return (double)count * NS_PER_SEC /
	       (double)(now_ns(CLOCK_MONOTONIC) - t0);
}

static int cmp_double(const void *a, const void *b2)
{
	double x = *(const double *)a, y = *(const double *)b2;

	return x < y ? -1 : x > y;
}

static double median(double *v)
{
	qsort(v, REPEATS, sizeof(double), cmp_double);
	return v[REPEATS / 2];
}

/* One design, REPEATS times; the medians of each measurement. */
static void run(bool iothread)
{
	double lat[REPEATS], p99[REPEATS], idle[REPEATS], idle99[REPEATS],
		rx_small[REPEATS], rx_large[REPEATS], tx[REPEATS],
		kick_ns[REPEATS], kicks[REPEATS];
	uint64_t m, q;

	for (int r = 0; r < REPEATS; r++) {
		bench_start(iothread);
		rx_latency(false, &m, &q);
		lat[r] = m / 1e3;
		p99[r] = q / 1e3;
		idle[r] = idle99[r] = 0;
		if (iothread) {
			rx_latency(true, &m, &q);
			idle[r] = m / 1e3;
			idle99[r] = q / 1e3;
		}
		rx_small[r] = rx_stream(SMALL);
		rx_large[r] = rx_stream(LARGE);
		tx[r] = tx_stream(LARGE, &kick_ns[r], &kicks[r]);
		bench_stop();
	}
	printf("%-8s %6.1f/%-6.1f ", iothread ? "iothread" : "vcpu",
	       median(lat), median(p99));
	if (iothread)
		printf("%6.1f/%-6.1f ", median(idle), median(idle99));
	else
		printf("%13s ", "-");
	printf("%8.0f %8.0f %8.0f %7.2f %6.3f\n", median(rx_small),
	       median(rx_large), median(tx), median(kick_ns) / 1e3,
	       median(kicks));
}

START_TEST(bench_net_iothread)
{
	signal(SIGPIPE, SIG_IGN);
	printf("virtio-net, socketpair as the tap, fake guest on the main thread; medians of %d runs\n",
	       REPEATS);
	printf("%-8s %13s %13s %8s %8s %8s %7s %6s\n", "design", "rx-lat-us",
	       "rx-idle-us", "rx-pps", "rx-pps", "tx-pps", "kick-us", "kicks");
	printf("%-8s %13s %13s %8s %8s %8s %7s %6s\n", "", "median/p99",
	       "median/p99", "64 B", "1514 B", "1514 B", "/packet", "/pkt");
	run(true);
	run(false);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bench");
	TCase *tc = tcase_create("net_iothread");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 0); /* as long as it takes */
	tcase_add_test(tc, bench_net_iothread);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
