/*
 * test_virtio_console.c - unit tests of virtio-console through the
 * transport and the queue: guest output reaches the callback, VMM input
 * reaches the guest's receive buffers without costing it a buffer it did
 * not need and without blocking, input waits (bounded) for buffers, and
 * input fed from another thread while the guest runs arrives whole and
 * in order.
 *
 * Runs: on the host, no KVM (Check); one test runs two threads.
 * Includes the units under test.
 * Spec: virtio 1.x, "Console Device" ("Virtqueues", "Device configuration
 * layout", "Device Operation").
 */
#include <check.h>

#include "run_suite.h"

#include <pthread.h>
#include <sched.h>

#include "guest_mem.c"
#include "virtio/console.c"
#include "virtio/mmio.c"
#include "virtio/queue.c"

#include "vdriver.h"

#define RAM	    0x100000ULL
#define NUM	    16
#define RX	    VIRTIO_CONSOLE_RECEIVEQ
#define TX	    VIRTIO_CONSOLE_TRANSMITQ
#define W	    VRING_DESC_F_WRITE
#define F_VERSION_1 (1ULL << VIRTIO_F_VERSION_1)
#define INPUT_MAX   VIRTIO_CONSOLE_INPUT_MAX

static struct vdev vd;
static struct virtio_console con;
static char out[8192]; /* what output() received */
static size_t out_len;
static unsigned int out_calls;

static void capture(void *opaque, const uint8_t *buf, size_t len)
{
	ck_assert_ptr_eq(opaque, &out_calls);
	ck_assert_uint_le(out_len + len, sizeof(out));
	memcpy(out + out_len, buf, len);
	out_len += len;
	out_calls++;
}

static void setup(void)
{
	out_len = 0;
	out_calls = 0;
	vd_init(&vd, RAM);
	ck_assert_int_eq(virtio_console_init(&con, capture, &out_calls,
					     &vd.ram.mem, &vd.irq),
			 0);
	vd.t = &con.mmio;
}

static void teardown(void)
{
	virtio_console_exit(&con);
	vd_ram_free(&vd.ram);
}

static void bring_up(void)
{
	vd_bring_up(&vd, F_VERSION_1, VIRTIO_CONSOLE_QUEUES, NUM);
}

/* Post one receive buffer of len bytes; return its guest address. */
static uint64_t post_rx(uint32_t len)
{
	uint64_t gpa = vd_alloc(&vd.ram, len);
	const struct vd_buf buf = { gpa, len, W };

	vd_make_available(&vd.rings[RX], vd_add_chain(&vd.rings[RX], &buf, 1));
	return gpa;
}

static size_t input(const char *s)
{
	return virtio_console_input(&con, s, strlen(s));
}

static const char *rx_data(uint64_t gpa)
{
	return vd_ptr(&vd.ram, gpa);
}

START_TEST(identity_and_config)
{
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_DEVICE_ID),
			  VIRTIO_ID_CONSOLE);
	ck_assert_uint_eq(vd_device_features(&vd),
			  F_VERSION_1 | VIRTQ_FEATURES); /* no console bits */
	for (int off = 0; off < 12; off += 4)
		ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_CONFIG + off), 0);
	ck_assert_uint_eq(con.mmio.stats.bad_accesses, 0);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_CONFIG + 12), 0);
	ck_assert_uint_eq(con.mmio.stats.bad_accesses, 1); /* past the end */
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_SEL, 2); /* no control queues */
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
}
END_TEST

START_TEST(output_goes_to_the_callback)
{
	struct vd_ring *tx = &vd.rings[TX];
	uint64_t a = vd_alloc(&vd.ram, 3), b = vd_alloc(&vd.ram, 2);
	const struct vd_buf bufs[] = { { a, 3, 0 }, { b, 2, 0 } };
	uint16_t head;

	bring_up();
	memcpy(vd_ptr(&vd.ram, a), "hel", 3);
	memcpy(vd_ptr(&vd.ram, b), "lo", 2);
	head = vd_add_chain(tx, bufs, 2);
	vd_make_available(tx, head);
	vd_kick(&vd, TX);
	ck_assert_uint_eq(out_len, 5);
	ck_assert_int_eq(memcmp(out, "hello", 5), 0);
	ck_assert_uint_eq(out_calls, 2);
	ck_assert_uint_eq(vd_used_idx(tx), 1);
	ck_assert_uint_eq(vd_used_id(tx, 0), head);
	ck_assert_uint_eq(vd_used_len(tx, 0), 0);
	ck_assert_uint_eq(con.stats.tx_bytes, 5);
	ck_assert_uint_eq(con.stats.tx_chains, 1);
	ck_assert(vd.level);
}
END_TEST

/* "The driver MUST NOT put a device-writable buffer in a transmitq." */
START_TEST(writable_buffers_in_a_transmit_chain_are_ignored)
{
	struct vd_ring *tx = &vd.rings[TX];
	uint64_t a = vd_alloc(&vd.ram, 2), b = vd_alloc(&vd.ram, 8);
	const struct vd_buf bufs[] = { { a, 2, 0 }, { b, 8, W } };

	bring_up();
	memcpy(vd_ptr(&vd.ram, a), "ok", 2);
	memcpy(vd_ptr(&vd.ram, b), "ignored!", 8);
	vd_make_available(tx, vd_add_chain(tx, bufs, 2));
	vd_kick(&vd, TX);
	ck_assert_uint_eq(out_len, 2);
	ck_assert_int_eq(memcmp(out, "ok", 2), 0);
	ck_assert_uint_eq(vd_used_len(tx, 0), 0);
	ck_assert_int_eq(memcmp(vd_ptr(&vd.ram, b), "ignored!", 8), 0);
}
END_TEST

START_TEST(input_waits_for_a_receive_buffer)
{
	uint64_t buf;

	bring_up();
	ck_assert_uint_eq(input("abc"), 3);
	ck_assert_uint_eq(vd_used_idx(&vd.rings[RX]), 0);
	ck_assert(!vd.level);
	buf = post_rx(16);
	vd_kick(&vd, RX);
	ck_assert_uint_eq(vd_used_idx(&vd.rings[RX]), 1);
	ck_assert_uint_eq(vd_used_len(&vd.rings[RX], 0), 3);
	ck_assert_int_eq(memcmp(rx_data(buf), "abc", 3), 0);
	ck_assert_uint_eq(con.input_len, 0);
	ck_assert(vd.level);
}
END_TEST

/* No input, no chain taken: the guest's buffers stay on the ring. */
START_TEST(receive_buffers_wait_for_input)
{
	uint64_t first, second;

	bring_up();
	first = post_rx(8);
	second = post_rx(8);
	vd_kick(&vd, RX);
	ck_assert_uint_eq(vd_used_idx(&vd.rings[RX]), 0);
	ck_assert_uint_eq(con.mmio.queues[RX].last_avail, 0);
	ck_assert(!vd.level);
	ck_assert_uint_eq(input("x"), 1);
	ck_assert_uint_eq(vd_used_idx(&vd.rings[RX]), 1);
	ck_assert_uint_eq(vd_used_len(&vd.rings[RX], 0), 1);
	ck_assert_int_eq(rx_data(first)[0], 'x');
	ck_assert_uint_eq(con.mmio.queues[RX].last_avail, 1); /* one left */
	ck_assert_int_eq(rx_data(second)[0], 0);
}
END_TEST

START_TEST(input_spans_receive_buffers)
{
	uint64_t buf[3];

	bring_up();
	for (int i = 0; i < 3; i++)
		buf[i] = post_rx(4);
	ck_assert_uint_eq(input("0123456789"), 10);
	ck_assert_uint_eq(vd_used_idx(&vd.rings[RX]), 3);
	ck_assert_uint_eq(vd_used_len(&vd.rings[RX], 0), 4);
	ck_assert_uint_eq(vd_used_len(&vd.rings[RX], 1), 4);
	ck_assert_uint_eq(vd_used_len(&vd.rings[RX], 2), 2);
	ck_assert_int_eq(memcmp(rx_data(buf[0]), "0123", 4), 0);
	ck_assert_int_eq(memcmp(rx_data(buf[1]), "4567", 4), 0);
	ck_assert_int_eq(memcmp(rx_data(buf[2]), "89", 2), 0);
	ck_assert_uint_eq(con.stats.rx_bytes, 10);
	ck_assert_uint_eq(vd.raises, 1);
}
END_TEST

/* Without buffers, input waits here up to INPUT_MAX bytes, no more. */
START_TEST(input_waiting_is_bounded)
{
	static char big[INPUT_MAX + 1000];

	bring_up();
	memset(big, 'b', sizeof(big));
	ck_assert_uint_eq(virtio_console_input(&con, big, sizeof(big)),
			  INPUT_MAX);
	ck_assert_uint_eq(input("y"), 0);
	ck_assert_uint_eq(con.input_len, INPUT_MAX);
	post_rx(1000);
	vd_kick(&vd, RX);
	ck_assert_uint_eq(input("yz"), 2); /* room again */
	ck_assert_uint_eq(con.input_len, INPUT_MAX - 1000 + 2);
}
END_TEST

/* The byte ring wraps around; order survives. */
START_TEST(input_ring_wraps_around)
{
	static char sent[7000], got[7000];
	uint64_t bufs[7];
	size_t n = 0;

	bring_up();
	for (size_t i = 0; i < sizeof(sent); i++)
		sent[i] = (char)(i * 13 + i / 256);
	ck_assert_uint_eq(virtio_console_input(&con, sent, 4000), 4000);
	for (int i = 0; i < 3; i++)
		bufs[i] = post_rx(1000);
	vd_kick(&vd, RX);
	ck_assert_uint_eq(virtio_console_input(&con, sent + 4000, 3000), 3000);
	for (int i = 3; i < 7; i++)
		bufs[i] = post_rx(1000);
	vd_kick(&vd, RX);
	ck_assert_uint_eq(vd_used_idx(&vd.rings[RX]), 7);
	for (int i = 0; i < 7; i++) {
		memcpy(got + n, rx_data(bufs[i]),
		       vd_used_len(&vd.rings[RX], i));
		n += vd_used_len(&vd.rings[RX], i);
	}
	ck_assert_uint_eq(n, sizeof(sent));
	ck_assert_int_eq(memcmp(got, sent, sizeof(sent)), 0);
}
END_TEST

/* Buffers posted (and kicked) before DRIVER_OK get the input that
 * waited, once the driver sets DRIVER_OK. */
START_TEST(input_before_driver_ok_arrives_at_driver_ok)
{
	uint64_t buf;

	vd_negotiate(&vd, F_VERSION_1);
	ck_assert_uint_eq(vd_setup_queue(&vd, RX, NUM), 1);
	ck_assert_uint_eq(vd_setup_queue(&vd, TX, NUM), 1);
	buf = post_rx(8);
	vd_kick(&vd, RX); /* dropped: not live yet */
	ck_assert_uint_eq(input("hi"), 2);
	ck_assert_uint_eq(vd_used_idx(&vd.rings[RX]), 0);
	vd_add_status(&vd, VIRTIO_CONFIG_S_DRIVER_OK);
	ck_assert_uint_eq(vd_used_idx(&vd.rings[RX]), 1);
	ck_assert_int_eq(memcmp(rx_data(buf), "hi", 2), 0);
	ck_assert(vd.level);
}
END_TEST

/* "The driver MUST NOT put a device-readable buffer in a receiveq": a
 * chain without a writable byte is used with length 0; input waits on. */
START_TEST(receive_chain_without_room)
{
	struct vd_ring *rx = &vd.rings[RX];
	const struct vd_buf ro = { vd_alloc(&vd.ram, 8), 8, 0 };
	uint64_t good;

	bring_up();
	vd_make_available(rx, vd_add_chain(rx, &ro, 1));
	ck_assert_uint_eq(input("z"), 1);
	ck_assert_uint_eq(vd_used_idx(rx), 1);
	ck_assert_uint_eq(vd_used_len(rx, 0), 0);
	ck_assert_uint_eq(con.stats.rx_unusable, 1);
	ck_assert_uint_eq(con.input_len, 1);
	good = post_rx(4);
	vd_kick(&vd, RX);
	ck_assert_uint_eq(vd_used_len(rx, 1), 1);
	ck_assert_int_eq(rx_data(good)[0], 'z');
	ck_assert_uint_eq(con.mmio.status & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
}
END_TEST

/* Typed input is the user's, not device state: it survives a reset. */
START_TEST(input_survives_a_reset)
{
	uint64_t buf;

	bring_up();
	ck_assert_uint_eq(input("keep"), 4);
	bring_up(); /* resets first */
	buf = post_rx(8);
	vd_kick(&vd, RX);
	ck_assert_int_eq(memcmp(rx_data(buf), "keep", 4), 0);
}
END_TEST

struct feeder {
	const char *data;
	size_t len;
	unsigned int retries;
};

/* The VMM's input thread: offer everything, retrying what did not fit. */
static void *feed(void *arg)
{
	struct feeder *f = arg;
	size_t done = 0;

	while (done < f->len) {
		size_t chunk = f->len - done < 100 ? f->len - done : 100;
		size_t taken =
			virtio_console_input(&con, f->data + done, chunk);

		done += taken;
		if (taken < chunk) {
			f->retries++;
			sched_yield();
		}
	}
	return NULL;
}

START_TEST(input_from_another_thread)
{
	struct feeder f = { "from a thread", 13, 0 };
	pthread_t thread;
	uint64_t buf;

	bring_up();
	buf = post_rx(32);
	vd_kick(&vd, RX);
	ck_assert_int_eq(pthread_create(&thread, NULL, feed, &f), 0);
	ck_assert_int_eq(pthread_join(thread, NULL), 0);
	ck_assert_uint_eq(vd_used_len(&vd.rings[RX], 0), 13);
	ck_assert_int_eq(memcmp(rx_data(buf), "from a thread", 13), 0);
	ck_assert(vd.level);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_INTERRUPT_STATUS),
			  VIRTIO_MMIO_INT_VRING);
}
END_TEST

/*
 * The input thread feeds 20000 bytes while this thread plays the guest:
 * it takes used receive buffers, keeps their bytes, posts them again and
 * kicks.  Both sides run the device under its lock; the rings are shared
 * without one.  Every byte must arrive once, in order.
 */
START_TEST(input_while_the_guest_consumes)
{
	enum { TOTAL = 20000, BUF = 64 };
	static char sent[TOTAL], got[TOTAL];
	struct feeder f = { sent, TOTAL, 0 };
	struct vd_ring *rx = &vd.rings[RX];
	uint16_t seen = 0;
	size_t n = 0;
	pthread_t thread;

	bring_up();
	for (size_t i = 0; i < TOTAL; i++)
		sent[i] = (char)(i * 13 + i / 256);
	for (int i = 0; i < NUM; i++)
		post_rx(BUF); /* descriptor i -> its own buffer */
	vd_kick(&vd, RX);
	ck_assert_int_eq(pthread_create(&thread, NULL, feed, &f), 0);
	while (n < TOTAL) {
		uint16_t used = vd_used_idx(rx);

		for (; seen != used; seen++) {
			uint32_t id = vd_used_id(rx, seen);
			uint32_t len = vd_used_len(rx, seen);

			ck_assert_uint_le(n + len, TOTAL);
			memcpy(got + n,
			       vd_ptr(&vd.ram, le64toh(vd_desc(rx, id)->addr)),
			       len);
			n += len;
			vd_make_available(rx, (uint16_t)id);
		}
		vd_kick(&vd, RX);
	}
	ck_assert_int_eq(pthread_join(thread, NULL), 0);
	ck_assert_int_eq(memcmp(got, sent, TOTAL), 0);
	ck_assert_uint_eq(con.stats.rx_bytes, TOTAL);
	ck_assert_uint_eq(con.input_len, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("virtio_console");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, identity_and_config);
	tcase_add_test(tc, output_goes_to_the_callback);
	tcase_add_test(tc, writable_buffers_in_a_transmit_chain_are_ignored);
	tcase_add_test(tc, input_waits_for_a_receive_buffer);
	tcase_add_test(tc, receive_buffers_wait_for_input);
	tcase_add_test(tc, input_spans_receive_buffers);
	tcase_add_test(tc, input_waiting_is_bounded);
	tcase_add_test(tc, input_ring_wraps_around);
	tcase_add_test(tc, input_before_driver_ok_arrives_at_driver_ok);
	tcase_add_test(tc, receive_chain_without_room);
	tcase_add_test(tc, input_survives_a_reset);
	tcase_add_test(tc, input_from_another_thread);
	tcase_add_test(tc, input_while_the_guest_consumes);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
