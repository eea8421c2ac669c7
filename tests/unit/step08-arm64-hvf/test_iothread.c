/*
 * test_iothread.c - unit tests of the I/O thread on its own (sources,
 * wanted(), stop, the signal mask) and with virtio-net attached: a
 * packet reaches the guest with no guest exit at all, a kick that KVM
 * would signal through an eventfd (KVM_IOEVENTFD) is served, a vCPU's
 * QueueNotify write is handed over, and a packet that waits for buffers
 * stops the thread from reading the tap until the driver kicks.
 *
 * Runs: on the host, no KVM, no privileges (Check); threads, so it is
 * also worth running under -fsanitize=thread.  The guest's side waits
 * for the device's interrupt, with a generous bound so that a broken
 * device fails the test instead of hanging it: a liveness check, not a
 * measurement.  Includes the units under test.
 * Spec: poll(2), eventfd(2); virtio 1.x "Network Device".
 */
#include <check.h>

#include "run_suite.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include "guest_mem.c"
#include "iothread.c"
#include "virtio/mmio.c"
#include "virtio/net.c"
#include "virtio/queue.c"

#include "vdriver.h"

#define RAM	  0x400000ULL
#define NUM	  256
#define W	  VRING_DESC_F_WRITE
#define HDR	  VIRTIO_NET_HDR_SIZE
#define RX_BUF	  (HDR + ETH_HLEN + 1500)
#define WAIT_MS	  10000 /* "never", for a liveness check */
#define SLICE_MS  10
#define FEATURES  ((1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_NET_F_MAC))
#define EVENT_IDX (1ULL << VIRTIO_RING_F_EVENT_IDX)

static const uint8_t mac[ETH_ALEN] = { 0x02, 1, 2, 3, 4, 5 };
static struct iothread io;
static struct vdev vd;
static struct virtio_net net;
static struct vd_ring *rxq = &vd.rings[VIRTIO_NET_RXQ];
static struct vd_ring *txq = &vd.rings[VIRTIO_NET_TXQ];
static int peer = -1;
static int irq_fd = -1; /* signalled when the line goes high */
static uint8_t got[HDR + VIRTIO_NET_PACKET_MAX];

/* The interrupt line, seen from the guest's side of the test. */
static void irq_set_level_test(struct irq_line *line, bool level)
{
	(void)line;
	if (level)
		eventfd_write(irq_fd, 1);
}

static void setup_io(void)
{
	ck_assert_int_eq(iothread_init(&io), 0);
}

static void teardown_io(void)
{
	iothread_exit(&io);
}

/* A device brought up by the driver before the thread is attached. */
static void setup_net(uint64_t features)
{
	int sv[2];

	signal(SIGPIPE, SIG_IGN);
	setup_io();
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	peer = sv[1];
	irq_fd = eventfd(0, EFD_CLOEXEC);
	memset(&vd, 0, sizeof(vd));
	vd_ram_init(&vd.ram, RAM);
	vd.irq.set_level = irq_set_level_test;
	ck_assert_int_eq(
		virtio_net_init(&net, sv[0], mac, true, &vd.ram.mem, &vd.irq),
		0);
	vd.t = &net.mmio;
	vd_bring_up(&vd, features, VIRTIO_NET_QUEUES, NUM);
}

static void setup(void)
{
	setup_net(FEATURES);
}

static void setup_event_idx(void)
{
	setup_net(FEATURES | EVENT_IDX);
}

static void teardown(void)
{
	teardown_io(); /* first: the thread uses the device */
	virtio_net_exit(&net);
	close(peer);
	close(irq_fd);
	vd_ram_free(&vd.ram);
}

static void start(void)
{
	ck_assert_int_eq(virtio_net_attach(&net, &io), 0);
	ck_assert_int_eq(iothread_start(&io), 0);
}

/* As a guest would: wait for an interrupt, acknowledge it, look at the
 * used ring; until n entries are used (or WAIT_MS pass). */
static void wait_used(struct vd_ring *g, uint16_t n)
{
	struct pollfd p = { .fd = irq_fd, .events = POLLIN };
	eventfd_t count;

	for (int ms = 0; vd_used_idx(g) < n && ms < WAIT_MS; ms += SLICE_MS)
		if (poll(&p, 1, SLICE_MS) == 1) {
			eventfd_read(irq_fd, &count);
			vd_ack(&vd);
		}
	ck_assert_uint_eq(vd_used_idx(g), n);
}

/* What the tap gave the host: one packet, within WAIT_MS. */
static ssize_t peer_wait(void)
{
	struct pollfd p = { .fd = peer, .events = POLLIN };

	ck_assert_int_eq(poll(&p, 1, WAIT_MS), 1);
	return recv(peer, got, sizeof(got), MSG_DONTWAIT);
}

static void peer_send(size_t len, uint8_t seed)
{
	uint8_t packet[HDR + ETH_HLEN + 1500] = { 0 };

	ck_assert_uint_le(len, sizeof(packet) - HDR);
	for (size_t i = 0; i < len; i++)
		packet[HDR + i] = (uint8_t)(seed + i);
	ck_assert_int_eq(send(peer, packet, HDR + len, 0),
			 (ssize_t)(HDR + len));
}

static uint16_t post_rx(uint64_t *gpa)
{
	const struct vd_buf bufs[] = { { vd_alloc(&vd.ram, RX_BUF), RX_BUF,
					 W } };
	uint16_t head = vd_add_chain(rxq, bufs, 1);

	*gpa = bufs[0].gpa;
	vd_make_available(rxq, head);
	return head;
}

/* A transmit chain [header][len bytes], offered, not kicked. */
static void offer_tx(size_t len, uint8_t seed)
{
	uint64_t gpa = vd_alloc(&vd.ram, HDR + len);
	const struct vd_buf bufs[] = { { gpa, (uint32_t)(HDR + len), 0 } };
	uint8_t *p = vd_ptr(&vd.ram, gpa + HDR);

	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i);
	vd_make_available(txq, vd_add_chain(txq, bufs, 1));
}

/* Plain sources: an eventfd each, a counter, a switch for wanted(). */
struct probe {
	int fd;
	int done_fd;	      /* written after each ready() */
	unsigned int runs;    /* ready() calls (the thread's) */
	bool want;	      /* what wanted() says */
	bool sigalrm_blocked; /* in the thread, at ready() */
};

static bool probe_wanted(void *opaque)
{
	struct probe *p = opaque;

	return __atomic_load_n(&p->want, __ATOMIC_ACQUIRE);
}

static void probe_ready(void *opaque)
{
	struct probe *p = opaque;
	eventfd_t count;
	sigset_t mask;

	eventfd_read(p->fd, &count);
	pthread_sigmask(SIG_BLOCK, NULL, &mask);
	p->sigalrm_blocked = sigismember(&mask, SIGALRM);
	__atomic_add_fetch(&p->runs, 1, __ATOMIC_RELEASE);
	eventfd_write(p->done_fd, 1);
}

static void probe_init(struct probe *p, int done_fd, bool want)
{
	memset(p, 0, sizeof(*p));
	p->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	p->done_fd = done_fd;
	p->want = want;
}

static void wait_done(int done_fd)
{
	struct pollfd p = { .fd = done_fd, .events = POLLIN };
	eventfd_t count;

	ck_assert_int_eq(poll(&p, 1, WAIT_MS), 1);
	eventfd_read(done_fd, &count);
}

static bool no_fn(void *opaque)
{
	(void)opaque;
	return true;
}

static void nop(void *opaque)
{
	(void)opaque;
}

START_TEST(add_refuses_what_it_cannot_wait_on)
{
	int fd = eventfd(0, EFD_NONBLOCK);

	ck_assert_int_eq(iothread_add(&io, -1, NULL, nop, NULL, "bad"), -EBADF);
	for (int i = 0; i < IOTHREAD_SOURCES_MAX; i++)
		ck_assert_int_eq(iothread_add(&io, fd, no_fn, nop, NULL, "x"),
				 0);
	ck_assert_int_eq(iothread_add(&io, fd, NULL, nop, NULL, "one more"),
			 -ENOSPC);
	io.count = 0;
	ck_assert_int_eq(iothread_start(&io), 0);
	ck_assert_int_eq(iothread_add(&io, fd, NULL, nop, NULL, "late"),
			 -EBUSY);
	ck_assert_int_eq(iothread_start(&io), -EBUSY);
	iothread_stop(&io);
	ck_assert(!io.running);
	iothread_stop(&io); /* twice: harmless */
	close(fd);
}
END_TEST

/* A ready source's handler runs on the thread, which blocks SIGALRM (the
 * VMM's time budget must interrupt a vCPU, not this thread). */
START_TEST(runs_the_handler_of_a_ready_source)
{
	int done = eventfd(0, EFD_CLOEXEC | EFD_SEMAPHORE);
	struct probe p;

	probe_init(&p, done, true);
	ck_assert_int_eq(
		iothread_add(&io, p.fd, probe_wanted, probe_ready, &p, "probe"),
		0);
	ck_assert_int_eq(iothread_start(&io), 0);
	eventfd_write(p.fd, 1);
	wait_done(done);
	iothread_stop(&io);
	ck_assert_uint_eq(p.runs, 1);
	ck_assert_uint_eq(io.sources[0].wakeups, 1);
	ck_assert(p.sigalrm_blocked);
	ck_assert_int_eq(io.error, 0);
	close(p.fd);
	close(done);
}
END_TEST

/* A source not wanted is not waited on, though it is readable; it is
 * again once wanted() says so (checked before every wait). */
START_TEST(a_source_not_wanted_is_not_waited_on)
{
	int done = eventfd(0, EFD_CLOEXEC | EFD_SEMAPHORE);
	struct probe idle, busy;

	probe_init(&idle, done, false);
	probe_init(&busy, done, true);
	iothread_add(&io, idle.fd, probe_wanted, probe_ready, &idle, "idle");
	iothread_add(&io, busy.fd, probe_wanted, probe_ready, &busy, "busy");
	ck_assert_int_eq(iothread_start(&io), 0);
	eventfd_write(idle.fd, 1);
	eventfd_write(busy.fd, 1);
	wait_done(done);
	ck_assert_uint_eq(__atomic_load_n(&idle.runs, __ATOMIC_ACQUIRE), 0);
	__atomic_store_n(&idle.want, true, __ATOMIC_RELEASE);
	eventfd_write(busy.fd, 1); /* the thread looks at wanted() again */
	wait_done(done);
	wait_done(done);
	iothread_stop(&io);
	ck_assert_uint_eq(idle.runs, 1);
	ck_assert_uint_eq(busy.runs, 2);
	close(idle.fd);
	close(busy.fd);
	close(done);
}
END_TEST

/* The point of the thread: buffers posted, a packet arrives, and the
 * guest has it with no notification of its own. */
START_TEST(packet_reaches_the_guest_with_no_guest_exit)
{
	uint64_t gpa;
	uint16_t head = post_rx(&gpa);

	start();
	peer_send(100, 1);
	wait_used(rxq, 1);
	ck_assert_uint_eq(vd_used_id(rxq, 0), head);
	ck_assert_uint_eq(vd_used_len(rxq, 0), HDR + 100);
	ck_assert_uint_eq(*(uint8_t *)vd_ptr(&vd.ram, gpa + HDR + 99),
			  (uint8_t)(1 + 99));
	ck_assert_uint_ge(io.sources[0].wakeups, 1); /* the backend's */
}
END_TEST

/* KVM_IOEVENTFD signals kick_fd[TXQ] for a QueueNotify of 1: the thread
 * sends the packet; the vCPU never ran device code. */
START_TEST(transmit_kick_through_the_eventfd)
{
	start();
	offer_tx(60, 2);
	eventfd_write(net.kick_fd[VIRTIO_NET_TXQ], 1);
	ck_assert_int_eq(peer_wait(), HDR + 60);
	ck_assert_uint_eq(got[HDR + 59], (uint8_t)(2 + 59));
	wait_used(txq, 1);
}
END_TEST

/* Without KVM_IOEVENTFD the kick is a QueueNotify write on a vCPU; the
 * transport calls the device, which hands the work to the thread. */
START_TEST(queue_notify_write_is_handed_to_the_thread)
{
	start();
	offer_tx(70, 3);
	vd_kick(&vd, VIRTIO_NET_TXQ);
	ck_assert_int_eq(peer_wait(), HDR + 70);
	wait_used(txq, 1);
	ck_assert_uint_eq(net.stats.tx_packets, 1);
}
END_TEST

/* More than a batch in one kick: the thread kicks itself for the rest. */
START_TEST(transmit_more_than_a_batch)
{
	const unsigned int n = VIRTIO_NET_TX_BATCH + 10;

	start();
	for (unsigned int i = 0; i < n; i++)
		offer_tx(60, (uint8_t)i);
	eventfd_write(net.kick_fd[VIRTIO_NET_TXQ], 1);
	for (unsigned int i = 0; i < n; i++) {
		ck_assert_int_eq(peer_wait(), HDR + 60);
		ck_assert_uint_eq(got[HDR], (uint8_t)i);
	}
	wait_used(txq, (uint16_t)n);
}
END_TEST

/* The packet waiting in the device, read under its lock. */
static uint32_t pending_len(void)
{
	uint32_t len;

	virtio_mmio_lock(&net.mmio);
	len = net.rx_len;
	virtio_mmio_unlock(&net.mmio);
	return len;
}

/* A packet with no buffer waits, and the tap is left alone; the
 * driver's kick (here with EVENT_IDX: asked for when the device found
 * the ring empty) brings it in, and the next one after it. */
START_TEST(waiting_packet_resumes_on_the_receive_kick)
{
	struct vring_used *used = vd_used(rxq);
	uint16_t *avail_event = (uint16_t *)&used->ring[NUM];
	uint64_t a, b;

	start();
	peer_send(200, 4);
	peer_send(300, 5);
	for (int ms = 0; pending_len() == 0 && ms < WAIT_MS; ms += SLICE_MS)
		poll(NULL, 0, SLICE_MS);
	virtio_mmio_lock(&net.mmio); /* the thread is not in the device */
	ck_assert_uint_eq(net.rx_len, HDR + 200);
	ck_assert(!backend_wanted(&net));
	ck_assert_uint_eq(le16toh(*avail_event), 0); /* kick me at slot 0 */
	virtio_mmio_unlock(&net.mmio);
	post_rx(&a);
	post_rx(&b);
	vd_kick(&vd, VIRTIO_NET_RXQ);
	wait_used(rxq, 2);
	ck_assert_uint_eq(vd_used_len(rxq, 0), HDR + 200);
	ck_assert_uint_eq(vd_used_len(rxq, 1), HDR + 300);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("iothread");
	TCase *alone = tcase_create("alone");
	TCase *with_net = tcase_create("virtio-net");
	TCase *with_event_idx = tcase_create("virtio-net, EVENT_IDX");

	tcase_add_checked_fixture(alone, setup_io, teardown_io);
	tcase_add_test(alone, add_refuses_what_it_cannot_wait_on);
	tcase_add_test(alone, runs_the_handler_of_a_ready_source);
	tcase_add_test(alone, a_source_not_wanted_is_not_waited_on);
	suite_add_tcase(s, alone);
	tcase_add_checked_fixture(with_net, setup, teardown);
	tcase_add_test(with_net, packet_reaches_the_guest_with_no_guest_exit);
	tcase_add_test(with_net, transmit_kick_through_the_eventfd);
	tcase_add_test(with_net, queue_notify_write_is_handed_to_the_thread);
	tcase_add_test(with_net, transmit_more_than_a_batch);
	suite_add_tcase(s, with_net);
	tcase_add_checked_fixture(with_event_idx, setup_event_idx, teardown);
	tcase_add_test(with_event_idx,
		       waiting_packet_resumes_on_the_receive_kick);
	suite_add_tcase(s, with_event_idx);
	return run_suite(s);
}
