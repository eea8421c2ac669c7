/*
 * test_virtq.c - unit tests of the split virtqueue, device side: the
 * layout checks of QueueReady, each way a hostile driver can break a
 * chain (and the exact error it earns), indirect tables, the used ring,
 * 16-bit index wrap-around and notification suppression.
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: virtio 1.x, "Split Virtqueues" and its subsections, "Message
 * Framing".
 */
#include <check.h>

#include "run_suite.h"

#include "guest_mem.c"
#include "virtio/queue.c"

#include "vdriver.h"

#define RAM	  0x40000ULL
#define NUM	  8
#define NUM_MAX	  16
#define U64_MAX	  0xffffffffffffffffULL
#define F_INDIR	  (1ULL << VIRTIO_RING_F_INDIRECT_DESC)
#define F_EVENT	  (1ULL << VIRTIO_RING_F_EVENT_IDX)
#define W	  VRING_DESC_F_WRITE
#define DESC_SIZE sizeof(struct vring_desc)

static struct vd_ram ram;
static struct vd_ring ring;
static struct virtq q;
static struct virtq_chain chain;

static void setup(void)
{
	vd_ram_init(&ram, RAM);
	vd_ring_init(&ring, &ram, NUM, VD_RING_BASE);
	virtq_init(&q, NUM_MAX);
}

static void teardown(void)
{
	vd_ram_free(&ram);
}

/* Configure q from the driver's ring, as the transport would. */
static enum virtq_error enable(uint64_t features)
{
	q.num = ring.num;
	q.desc_gpa = ring.desc;
	q.avail_gpa = ring.avail;
	q.used_gpa = ring.used;
	return virtq_enable(&q, &ram.mem, features);
}

/* Make one chain of n buffers available; return its head. */
static uint16_t offer(const struct vd_buf *bufs, unsigned int n)
{
	uint16_t head = vd_add_chain(&ring, bufs, n);

	vd_make_available(&ring, head);
	return head;
}

/* The queue broke with why, and took nothing. */
static void assert_broken(enum virtq_error why)
{
	ck_assert_int_eq(virtq_pop(&q, &chain), -1);
	ck_assert_int_eq(q.error, why);
	ck_assert_uint_eq(q.last_avail, 0);
	ck_assert_uint_eq(vd_used_idx(&ring), 0);
}

START_TEST(enable_accepts_a_good_layout)
{
	ck_assert_int_eq(enable(0), VIRTQ_OK);
	ck_assert(q.ready);
	ck_assert_ptr_eq(q.desc, vd_ptr(&ram, ring.desc));
	ck_assert_ptr_eq(q.avail, vd_ptr(&ram, ring.avail));
	ck_assert_ptr_eq(q.used, vd_ptr(&ram, ring.used));
	ck_assert_int_eq(virtq_pop(&q, &chain), 0); /* nothing yet */
}
END_TEST

START_TEST(queue_size_not_a_power_of_two)
{
	vd_ring_init(&ring, &ram, 6, VD_RING_BASE);
	ck_assert_int_eq(enable(0), VIRTQ_ERR_SIZE);
	ck_assert(!q.ready);
	ck_assert_int_eq(q.error, VIRTQ_ERR_SIZE);
}
END_TEST

START_TEST(queue_size_zero_or_above_the_maximum)
{
	vd_ring_init(&ring, &ram, 0, VD_RING_BASE);
	ck_assert_int_eq(enable(0), VIRTQ_ERR_SIZE);
	virtq_init(&q, NUM_MAX);
	vd_ring_init(&ring, &ram, NUM_MAX * 2, VD_RING_BASE);
	ck_assert_int_eq(enable(0), VIRTQ_ERR_SIZE);
	ck_assert(!q.ready);
	virtq_init(&q, NUM_MAX);
	vd_ring_init(&ring, &ram, NUM_MAX, VD_RING_BASE); /* the maximum */
	ck_assert_int_eq(enable(0), VIRTQ_OK);
}
END_TEST

START_TEST(misaligned_rings)
{
	static const uint64_t shift[3][3] = {
		{ 8, 0, 0 }, /* the descriptor table wants 16 */
		{ 0, 1, 0 }, /* the available ring wants 2 */
		{ 0, 0, 2 }, /* the used ring wants 4 */
	};

	for (int i = 0; i < 3; i++) {
		virtq_init(&q, NUM_MAX);
		q.num = NUM;
		q.desc_gpa = ring.desc + shift[i][0];
		q.avail_gpa = ring.avail + shift[i][1];
		q.used_gpa = ring.used + shift[i][2];
		ck_assert_int_eq(virtq_enable(&q, &ram.mem, 0),
				 VIRTQ_ERR_ALIGN);
		ck_assert(!q.ready);
	}
}
END_TEST

/* Each part, with its event field, must lie wholly inside RAM. */
START_TEST(rings_outside_ram)
{
	uint64_t used_size = 4 + 8 * NUM + 2, avail_size = 4 + 2 * NUM + 2;
	const uint64_t bad[][3] = {
		{ RAM - DESC_SIZE * NUM + DESC_SIZE, ring.avail, ring.used },
		{ ring.desc, RAM - avail_size + 2, ring.used },
		{ ring.desc, ring.avail,
		  RAM - used_size + 2 },		 /* no avail_event */
		{ ring.desc, ring.avail, 0xd0000000 },	 /* a device */
		{ U64_MAX - 15, ring.avail, ring.used }, /* wraps */
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		virtq_init(&q, NUM_MAX);
		q.num = NUM;
		q.desc_gpa = bad[i][0];
		q.avail_gpa = bad[i][1];
		q.used_gpa = bad[i][2];
		ck_assert_int_eq(virtq_enable(&q, &ram.mem, 0),
				 VIRTQ_ERR_RING_RANGE);
		ck_assert(!q.ready);
	}
	/* The same parts at the very end of RAM (as alignment allows) fit. */
	virtq_init(&q, NUM_MAX);
	q.num = NUM;
	q.desc_gpa = RAM - DESC_SIZE * NUM;
	q.avail_gpa = RAM - avail_size;
	q.used_gpa = RAM - used_size - 2;
	ck_assert_int_eq(virtq_enable(&q, &ram.mem, 0), VIRTQ_OK);
}
END_TEST

START_TEST(pop_a_request_and_push_its_answer)
{
	uint64_t hdr = vd_alloc(&ram, 16), out = vd_alloc(&ram, 100),
		 in = vd_alloc(&ram, 512);
	const struct vd_buf bufs[] = { { hdr, 16, 0 },
				       { out, 100, 0 },
				       { in, 512, W } };
	uint16_t head;

	ck_assert_int_eq(enable(0), VIRTQ_OK);
	head = offer(bufs, 3);
	ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	ck_assert_uint_eq(chain.head, head);
	ck_assert_uint_eq(chain.nr_readable, 2);
	ck_assert_uint_eq(chain.nr_writable, 1);
	ck_assert_uint_eq(chain.readable_bytes, 116);
	ck_assert_uint_eq(chain.writable_bytes, 512);
	ck_assert_ptr_eq(chain.iov[0].iov_base, vd_ptr(&ram, hdr));
	ck_assert_ptr_eq(chain.iov[2].iov_base, vd_ptr(&ram, in));
	ck_assert_uint_eq(chain.iov[2].iov_len, 512);
	ck_assert_int_eq(virtq_pop(&q, &chain), 0); /* only one */

	virtq_push(&q, &chain, 300);
	ck_assert_uint_eq(vd_used_idx(&ring), 1);
	ck_assert_uint_eq(vd_used_id(&ring, 0), head);
	ck_assert_uint_eq(vd_used_len(&ring, 0), 300);
}
END_TEST

/* A device cannot claim to have written more than the chain holds. */
START_TEST(used_length_clipped_to_the_writable_part)
{
	const struct vd_buf bufs[] = { { vd_alloc(&ram, 8), 8, W } };

	ck_assert_int_eq(enable(0), VIRTQ_OK);
	offer(bufs, 1);
	ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	virtq_push(&q, &chain, 9999);
	ck_assert_uint_eq(vd_used_len(&ring, 0), 8);
}
END_TEST

START_TEST(avail_idx_moved_by_more_than_the_queue_size)
{
	const struct vd_buf bufs[] = { { vd_alloc(&ram, 8), 8, 0 } };

	ck_assert_int_eq(enable(0), VIRTQ_OK);
	offer(bufs, 1);
	vd_avail(&ring)->idx = htole16(NUM + 1);
	assert_broken(VIRTQ_ERR_AVAIL_IDX);
}
END_TEST

START_TEST(avail_idx_moved_by_exactly_the_queue_size)
{
	const struct vd_buf bufs[] = { { vd_alloc(&ram, 8), 8, 0 } };

	ck_assert_int_eq(enable(0), VIRTQ_OK);
	for (int i = 0; i < NUM; i++)
		offer(bufs, 1);
	for (int i = 0; i < NUM; i++)
		ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	ck_assert_int_eq(virtq_pop(&q, &chain), 0);
	ck_assert_int_eq(q.error, VIRTQ_OK);
}
END_TEST

START_TEST(head_out_of_range)
{
	ck_assert_int_eq(enable(0), VIRTQ_OK);
	vd_set_desc(&ring, 0, vd_alloc(&ram, 8), 8, 0, 0);
	vd_make_available(&ring, NUM);
	assert_broken(VIRTQ_ERR_HEAD_RANGE);
}
END_TEST

START_TEST(next_out_of_range)
{
	ck_assert_int_eq(enable(0), VIRTQ_OK);
	vd_set_desc(&ring, 0, vd_alloc(&ram, 8), 8, VRING_DESC_F_NEXT, NUM);
	vd_make_available(&ring, 0);
	assert_broken(VIRTQ_ERR_NEXT_RANGE);
}
END_TEST

START_TEST(chain_that_loops)
{
	uint64_t buf = vd_alloc(&ram, 8);

	ck_assert_int_eq(enable(0), VIRTQ_OK);
	vd_set_desc(&ring, 2, buf, 8, VRING_DESC_F_NEXT, 5);
	vd_set_desc(&ring, 5, buf, 8, VRING_DESC_F_NEXT, 2);
	vd_make_available(&ring, 2);
	assert_broken(VIRTQ_ERR_LOOP);
}
END_TEST

START_TEST(descriptor_that_points_at_itself)
{
	ck_assert_int_eq(enable(0), VIRTQ_OK);
	vd_set_desc(&ring, 3, vd_alloc(&ram, 8), 8, VRING_DESC_F_NEXT, 3);
	vd_make_available(&ring, 3);
	assert_broken(VIRTQ_ERR_LOOP);
}
END_TEST

/* A chain as long as the queue uses every descriptor once: no loop. */
START_TEST(chain_as_long_as_the_queue)
{
	struct vd_buf bufs[NUM];

	for (int i = 0; i < NUM; i++)
		bufs[i] =
			(struct vd_buf){ vd_alloc(&ram, 4), 4, i < 3 ? 0 : W };
	ck_assert_int_eq(enable(0), VIRTQ_OK);
	offer(bufs, NUM);
	ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	ck_assert_uint_eq(chain.nr_readable, 3);
	ck_assert_uint_eq(chain.nr_writable, NUM - 3);
}
END_TEST

START_TEST(zero_length_descriptor)
{
	const struct vd_buf bufs[] = { { vd_alloc(&ram, 8), 8, 0 },
				       { vd_alloc(&ram, 8), 0, W } };

	ck_assert_int_eq(enable(0), VIRTQ_OK);
	offer(bufs, 2);
	assert_broken(VIRTQ_ERR_ZERO_LEN);
}
END_TEST

START_TEST(buffer_past_the_end_of_ram)
{
	const struct vd_buf bufs[] = { { RAM - 8, 16, W } };

	ck_assert_int_eq(enable(0), VIRTQ_OK);
	offer(bufs, 1);
	assert_broken(VIRTQ_ERR_BUF_RANGE);
}
END_TEST

START_TEST(buffer_whose_end_wraps_around)
{
	const struct vd_buf bufs[] = { { U64_MAX - 15, 0x20, 0 } };

	ck_assert_int_eq(enable(0), VIRTQ_OK);
	offer(bufs, 1);
	assert_broken(VIRTQ_ERR_BUF_RANGE);
}
END_TEST

START_TEST(buffer_ending_at_the_end_of_ram)
{
	const struct vd_buf bufs[] = { { RAM - 16, 16, W } };

	ck_assert_int_eq(enable(0), VIRTQ_OK);
	offer(bufs, 1);
	ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	ck_assert_ptr_eq(chain.iov[0].iov_base, vd_ptr(&ram, RAM - 16));
}
END_TEST

START_TEST(readable_after_writable)
{
	const struct vd_buf bufs[] = { { vd_alloc(&ram, 8), 8, 0 },
				       { vd_alloc(&ram, 8), 8, W },
				       { vd_alloc(&ram, 8), 8, 0 } };

	ck_assert_int_eq(enable(0), VIRTQ_OK);
	offer(bufs, 3);
	assert_broken(VIRTQ_ERR_READ_AFTER_WRITE);
}
END_TEST

/* "Drivers MUST NOT add a descriptor chain longer than 2^32 bytes". */
START_TEST(chain_of_four_gigabytes)
{
	enum { NBUF = 256, BIG = 0x1000000 }; /* 256 x 16 MiB = 2^32 */
	struct vd_buf bufs[NBUF];

	vd_ram_free(&ram);
	vd_ram_init(&ram, BIG);
	vd_ring_init(&ring, &ram, NBUF, VD_RING_BASE);
	virtq_init(&q, NBUF);
	for (int i = 0; i < NBUF; i++)
		bufs[i] = (struct vd_buf){ 0, BIG, W }; /* all of RAM, each */
	ck_assert_int_eq(enable(0), VIRTQ_OK);
	offer(bufs, NBUF);
	assert_broken(VIRTQ_ERR_CHAIN_BYTES);
}
END_TEST

START_TEST(indirect_table_without_the_feature)
{
	uint64_t table = vd_alloc(&ram, 16);
	const struct vd_buf in[] = { { vd_alloc(&ram, 8), 8, W } };
	const struct vd_buf bufs[] = { { table, 16, VRING_DESC_F_INDIRECT } };

	vd_write_table(&ram, table, in, 1);
	ck_assert_int_eq(enable(0), VIRTQ_OK);
	offer(bufs, 1);
	assert_broken(VIRTQ_ERR_INDIRECT_FEATURE);
}
END_TEST

/*
 * Zero or more direct descriptors, then one indirect table ("The device
 * MUST handle the case of zero or more normal chained descriptors
 * followed by a single descriptor with flags&VIRTQ_DESC_F_INDIRECT");
 * the table need not be aligned, and the WRITE flag of the descriptor
 * naming it is ignored ("The device MUST ignore the write-only flag").
 */
START_TEST(indirect_table_after_direct_descriptors)
{
	uint64_t hdr = vd_alloc(&ram, 16), table = vd_alloc(&ram, 64) + 3;
	const struct vd_buf in[] = { { vd_alloc(&ram, 32), 32, 0 },
				     { vd_alloc(&ram, 512), 512, W },
				     { vd_alloc(&ram, 1), 1, W } };
	const struct vd_buf bufs[] = {
		{ hdr, 16, 0 }, { table, 3 * 16, VRING_DESC_F_INDIRECT | W }
	};

	vd_write_table(&ram, table, in, 3);
	ck_assert_int_eq(enable(F_INDIR), VIRTQ_OK);
	offer(bufs, 2);
	ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	ck_assert_uint_eq(chain.nr_readable, 2);
	ck_assert_uint_eq(chain.nr_writable, 2);
	ck_assert_uint_eq(chain.readable_bytes, 48);
	ck_assert_uint_eq(chain.writable_bytes, 513);
	ck_assert_ptr_eq(chain.iov[1].iov_base, vd_ptr(&ram, in[0].gpa));
	ck_assert_ptr_eq(chain.iov[3].iov_base, vd_ptr(&ram, in[2].gpa));
}
END_TEST

START_TEST(indirect_descriptor_with_next)
{
	uint64_t table = vd_alloc(&ram, 16);
	const struct vd_buf in[] = { { vd_alloc(&ram, 8), 8, W } };

	vd_write_table(&ram, table, in, 1);
	ck_assert_int_eq(enable(F_INDIR), VIRTQ_OK);
	vd_set_desc(&ring, 0, table, 16,
		    VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
	vd_set_desc(&ring, 1, vd_alloc(&ram, 8), 8, W, 0);
	vd_make_available(&ring, 0);
	assert_broken(VIRTQ_ERR_INDIRECT_NEXT);
}
END_TEST

START_TEST(indirect_table_inside_an_indirect_table)
{
	uint64_t outer = vd_alloc(&ram, 16), inner = vd_alloc(&ram, 16);
	const struct vd_buf in[] = { { vd_alloc(&ram, 8), 8, W } };
	const struct vd_buf nest[] = { { inner, 16, VRING_DESC_F_INDIRECT } };
	const struct vd_buf bufs[] = { { outer, 16, VRING_DESC_F_INDIRECT } };

	vd_write_table(&ram, inner, in, 1);
	vd_write_table(&ram, outer, nest, 1);
	ck_assert_int_eq(enable(F_INDIR), VIRTQ_OK);
	offer(bufs, 1);
	assert_broken(VIRTQ_ERR_INDIRECT_NESTED);
}
END_TEST

static void check_indirect_len(uint32_t len)
{
	uint64_t table = vd_alloc(&ram, 257 * 16);
	struct vd_buf in[257];
	const struct vd_buf bufs[] = { { table, len, VRING_DESC_F_INDIRECT } };

	for (int i = 0; i < 257; i++)
		in[i] = (struct vd_buf){ vd_alloc(&ram, 4), 4, W };
	vd_write_table(&ram, table, in, 257);
	ck_assert_int_eq(enable(F_INDIR), VIRTQ_OK);
	offer(bufs, 1);
	assert_broken(VIRTQ_ERR_INDIRECT_LEN);
}

START_TEST(indirect_table_of_length_0)
{
	check_indirect_len(0);
}
END_TEST

START_TEST(indirect_table_not_a_multiple_of_16)
{
	check_indirect_len(24);
}
END_TEST

START_TEST(indirect_table_longer_than_the_maximum)
{
	check_indirect_len(257 * 16);
}
END_TEST

START_TEST(indirect_table_outside_ram)
{
	const struct vd_buf bufs[] = { { RAM - 16, 32,
					 VRING_DESC_F_INDIRECT } };

	ck_assert_int_eq(enable(F_INDIR), VIRTQ_OK);
	offer(bufs, 1);
	assert_broken(VIRTQ_ERR_INDIRECT_RANGE);
}
END_TEST

/* Inside a table, next is checked against the table's own size. */
START_TEST(indirect_next_out_of_range)
{
	uint64_t table = vd_alloc(&ram, 32), buf = vd_alloc(&ram, 8);
	struct vring_desc *t = vd_ptr(&ram, table);
	const struct vd_buf bufs[] = { { table, 32, VRING_DESC_F_INDIRECT } };

	t[0] = (struct vring_desc){ htole64(buf), htole32(8),
				    htole16(VRING_DESC_F_NEXT), htole16(2) };
	ck_assert_int_eq(enable(F_INDIR), VIRTQ_OK);
	offer(bufs, 1);
	assert_broken(VIRTQ_ERR_NEXT_RANGE);
}
END_TEST

START_TEST(indirect_chain_that_loops)
{
	uint64_t table = vd_alloc(&ram, 32), buf = vd_alloc(&ram, 8);
	struct vring_desc *t = vd_ptr(&ram, table);
	const struct vd_buf bufs[] = { { table, 32, VRING_DESC_F_INDIRECT } };

	t[0] = (struct vring_desc){ htole64(buf), htole32(8),
				    htole16(VRING_DESC_F_NEXT), htole16(1) };
	t[1] = (struct vring_desc){ htole64(buf), htole32(8),
				    htole16(VRING_DESC_F_NEXT), htole16(0) };
	ck_assert_int_eq(enable(F_INDIR), VIRTQ_OK);
	offer(bufs, 1);
	assert_broken(VIRTQ_ERR_LOOP);
}
END_TEST

/* The order rule holds across the switch into the table. */
START_TEST(indirect_readable_after_direct_writable)
{
	uint64_t table = vd_alloc(&ram, 16);
	const struct vd_buf in[] = { { vd_alloc(&ram, 8), 8, 0 } };
	const struct vd_buf bufs[] = { { vd_alloc(&ram, 8), 8, W },
				       { table, 16, VRING_DESC_F_INDIRECT } };

	vd_write_table(&ram, table, in, 1);
	ck_assert_int_eq(enable(F_INDIR), VIRTQ_OK);
	offer(bufs, 2);
	assert_broken(VIRTQ_ERR_READ_AFTER_WRITE);
}
END_TEST

/* Direct buffers plus a full table: more than VIRTQ_SIZE_MAX buffers. */
START_TEST(chain_with_too_many_buffers)
{
	uint64_t table = vd_alloc(&ram, VIRTQ_SIZE_MAX * 16);
	struct vd_buf in[VIRTQ_SIZE_MAX];
	const struct vd_buf bufs[] = { { vd_alloc(&ram, 8), 8, 0 },
				       { table, VIRTQ_SIZE_MAX * 16,
					 VRING_DESC_F_INDIRECT } };

	for (int i = 0; i < VIRTQ_SIZE_MAX; i++)
		in[i] = (struct vd_buf){ vd_alloc(&ram, 4), 4, W };
	vd_write_table(&ram, table, in, VIRTQ_SIZE_MAX);
	ck_assert_int_eq(enable(F_INDIR), VIRTQ_OK);
	offer(bufs, 2);
	assert_broken(VIRTQ_ERR_TOO_LONG);
}
END_TEST

/* Once broken, a queue reads and writes nothing until re-enabled. */
START_TEST(broken_queue_stays_broken)
{
	const struct vd_buf good[] = { { vd_alloc(&ram, 8), 8, W } };
	struct virtq_chain old;

	ck_assert_int_eq(enable(0), VIRTQ_OK);
	vd_set_desc(&ring, 0, vd_alloc(&ram, 8), 0, W, 0);
	vd_make_available(&ring, 0);
	ck_assert_int_eq(virtq_pop(&q, &chain), -1);
	ck_assert_int_eq(q.error, VIRTQ_ERR_ZERO_LEN);
	vd_set_desc(&ring, 0, good[0].gpa, 8, W, 0); /* repaired: too late */
	ck_assert_int_eq(virtq_pop(&q, &chain), -1);
	memset(&old, 0, sizeof(old));
	old.writable_bytes = 8;
	virtq_push(&q, &old, 8);
	ck_assert_uint_eq(vd_used_idx(&ring), 0);
	ck_assert(!virtq_should_signal(&q));
	virtq_set_broken(&q, VIRTQ_ERR_LOOP); /* the first reason stays */
	ck_assert_int_eq(q.error, VIRTQ_ERR_ZERO_LEN);
}
END_TEST

/* avail.idx and used.idx are free-running 16-bit counters. */
START_TEST(indices_wrap_around)
{
	const struct vd_buf bufs[] = { { vd_alloc(&ram, 8), 8, W } };

	ck_assert_int_eq(enable(0), VIRTQ_OK);
	q.last_avail = q.used_idx = 0xfffe;
	ring.avail_idx = 0xfffe;
	for (int i = 0; i < 3; i++)
		offer(bufs, 1);
	ck_assert_uint_eq(le16toh(vd_avail(&ring)->idx), 1);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(virtq_pop(&q, &chain), 1);
		ck_assert_uint_eq(chain.head, i);
		virtq_push(&q, &chain, 8);
	}
	ck_assert_int_eq(virtq_pop(&q, &chain), 0);
	ck_assert_uint_eq(q.last_avail, 1);
	ck_assert_uint_eq(vd_used_idx(&ring), 1);
	ck_assert_uint_eq(vd_used_id(&ring, 0xffff), 1);
	ck_assert_uint_eq(vd_used_id(&ring, 0), 2);
}
END_TEST

START_TEST(interrupt_unless_the_driver_says_no)
{
	const struct vd_buf bufs[] = { { vd_alloc(&ram, 8), 8, W } };

	ck_assert_int_eq(enable(0), VIRTQ_OK);
	ck_assert(!virtq_should_signal(&q)); /* nothing pushed */
	offer(bufs, 1);
	ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	virtq_push(&q, &chain, 0);
	ck_assert(virtq_should_signal(&q));
	ck_assert(!virtq_should_signal(&q)); /* consumed */
	vd_avail(&ring)->flags = htole16(VRING_AVAIL_F_NO_INTERRUPT);
	offer(bufs, 1);
	ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	virtq_push(&q, &chain, 0);
	ck_assert(!virtq_should_signal(&q));
}
END_TEST

/* With EVENT_IDX, only the push that reaches used_event interrupts. */
START_TEST(event_idx_interrupts_when_used_event_is_crossed)
{
	const struct vd_buf bufs[] = { { vd_alloc(&ram, 8), 8, W } };
	bool signalled[4];

	ck_assert_int_eq(enable(F_EVENT), VIRTQ_OK);
	vd_avail(&ring)->ring[NUM] = htole16(2); /* used_event */
	for (int i = 0; i < 4; i++) {
		offer(bufs, 1);
		ck_assert_int_eq(virtq_pop(&q, &chain), 1);
		virtq_push(&q, &chain, 0);
		signalled[i] = virtq_should_signal(&q);
	}
	ck_assert(signalled[0]);  /* the first interrupt is always sent */
	ck_assert(!signalled[1]); /* used.idx 2: used_event 2 not passed */
	ck_assert(signalled[2]);  /* used.idx 3: passed entry 2 */
	ck_assert(!signalled[3]);
}
END_TEST

/* With EVENT_IDX, going idle asks for a kick at the next slot. */
START_TEST(event_idx_publishes_avail_event_when_idle)
{
	const struct vd_buf bufs[] = { { vd_alloc(&ram, 8), 8, W } };
	uint16_t *avail_event_field = (uint16_t *)&vd_used(&ring)->ring[NUM];

	ck_assert_int_eq(enable(F_EVENT), VIRTQ_OK);
	offer(bufs, 1);
	offer(bufs, 1);
	*avail_event_field = htole16(0x1234);
	ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	ck_assert_uint_eq(le16toh(*avail_event_field), 0x1234); /* busy */
	ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	ck_assert_int_eq(virtq_pop(&q, &chain), 0);
	ck_assert_uint_eq(le16toh(*avail_event_field), 2);
}
END_TEST

/* A chain put back is taken again, first, and nothing is used. */
START_TEST(unpop_gives_the_chain_back)
{
	const struct vd_buf a[] = { { vd_alloc(&ram, 64), 64, W } };
	const struct vd_buf b[] = { { vd_alloc(&ram, 32), 32, W } };
	uint16_t head_a = offer(a, 1), head_b = offer(b, 1);

	ck_assert_int_eq(enable(0), VIRTQ_OK);
	ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	ck_assert_uint_eq(chain.head, head_a);
	ck_assert_uint_eq(virtq_unpop(&q, 1), 1);
	ck_assert_uint_eq(q.last_avail, 0);
	ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	ck_assert_uint_eq(chain.head, head_a);
	ck_assert_uint_eq(chain.writable_bytes, 64);
	ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	ck_assert_uint_eq(chain.head, head_b);
	ck_assert_uint_eq(virtq_unpop(&q, 2), 2);
	ck_assert_uint_eq(q.last_avail, 0);
	ck_assert_uint_eq(vd_used_idx(&ring), 0);
	ck_assert(!virtq_should_signal(&q)); /* nothing was pushed */
}
END_TEST

/* Only chains taken and not pushed can go back. */
START_TEST(unpop_is_clipped_to_the_chains_not_pushed)
{
	const struct vd_buf bufs[] = { { vd_alloc(&ram, 8), 8, W } };

	ck_assert_int_eq(enable(0), VIRTQ_OK);
	ck_assert_uint_eq(virtq_unpop(&q, 1), 0); /* nothing taken */
	offer(bufs, 1);
	offer(bufs, 1);
	ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	virtq_push(&q, &chain, 8);
	ck_assert_uint_eq(virtq_unpop(&q, 1), 0); /* already used */
	ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	ck_assert_uint_eq(virtq_unpop(&q, 5), 1);
	ck_assert_uint_eq(q.last_avail, 1);
	ck_assert_uint_eq(vd_used_idx(&ring), 1);
}
END_TEST

/* The chain is walked again when taken again: a driver that broke it
 * in between is caught. */
START_TEST(unpop_checks_the_chain_again)
{
	uint64_t buf = vd_alloc(&ram, 8);
	const struct vd_buf bufs[] = { { buf, 8, W } };
	uint16_t head = offer(bufs, 1);

	ck_assert_int_eq(enable(0), VIRTQ_OK);
	ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	ck_assert_uint_eq(virtq_unpop(&q, 1), 1);
	vd_set_desc(&ring, head, buf, 0, W, 0);
	ck_assert_int_eq(virtq_pop(&q, &chain), -1);
	ck_assert_int_eq(q.error, VIRTQ_ERR_ZERO_LEN);
	ck_assert_uint_eq(virtq_unpop(&q, 1), 0); /* broken: nothing */
	ck_assert_uint_eq(q.last_avail, 0);
}
END_TEST

/* With EVENT_IDX: found empty, then a chain given back, the driver is
 * still asked to kick at the slot after the last one it made available. */
START_TEST(unpop_keeps_the_kick_request)
{
	const struct vd_buf bufs[] = { { vd_alloc(&ram, 8), 8, W } };
	uint16_t *avail_event_field = (uint16_t *)&vd_used(&ring)->ring[NUM];
	uint16_t head = offer(bufs, 1);

	ck_assert_int_eq(enable(F_EVENT), VIRTQ_OK);
	ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	ck_assert_int_eq(virtq_pop(&q, &chain), 0); /* idle: kick at 1 */
	ck_assert_uint_eq(le16toh(*avail_event_field), 1);
	ck_assert_uint_eq(virtq_unpop(&q, 1), 1);
	ck_assert_uint_eq(le16toh(*avail_event_field), 1);
	ck_assert(vring_need_event(le16toh(*avail_event_field), 2, 1));
	ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	ck_assert_uint_eq(chain.head, head);
}
END_TEST

/* A header split over two buffers reads as one; slices cross buffers. */
START_TEST(chain_copies_cross_buffer_boundaries)
{
	uint64_t a = vd_alloc(&ram, 8), b = vd_alloc(&ram, 8),
		 c = vd_alloc(&ram, 4), d = vd_alloc(&ram, 4);
	const struct vd_buf bufs[] = {
		{ a, 8, 0 }, { b, 8, 0 }, { c, 4, W }, { d, 4, W }
	};
	uint8_t hdr[16], out[6] = "ABCDEF";
	struct iovec slice[VIRTQ_SIZE_MAX];

	memcpy(vd_ptr(&ram, a), "01234567", 8);
	memcpy(vd_ptr(&ram, b), "89abcdef", 8);
	ck_assert_int_eq(enable(0), VIRTQ_OK);
	offer(bufs, 4);
	ck_assert_int_eq(virtq_pop(&q, &chain), 1);
	ck_assert_uint_eq(virtq_chain_read(&chain, 0, hdr, 16), 16);
	ck_assert_int_eq(memcmp(hdr, "0123456789abcdef", 16), 0);
	ck_assert_uint_eq(virtq_chain_read(&chain, 12, hdr, 16), 4);
	ck_assert_uint_eq(virtq_chain_write(&chain, 1, out, 6), 6);
	ck_assert_int_eq(memcmp(vd_ptr(&ram, c), "\0ABC", 4), 0);
	ck_assert_int_eq(memcmp(vd_ptr(&ram, d), "DEF\0", 4), 0);
	ck_assert_uint_eq(virtq_chain_slice(&chain, false, 6, 4, slice), 2);
	ck_assert_ptr_eq(slice[0].iov_base, vd_ptr(&ram, a + 6));
	ck_assert_uint_eq(slice[0].iov_len, 2);
	ck_assert_ptr_eq(slice[1].iov_base, vd_ptr(&ram, b));
	ck_assert_uint_eq(slice[1].iov_len, 2);
}
END_TEST

START_TEST(every_error_has_a_name)
{
	for (int e = 0; e < VIRTQ_ERR_COUNT; e++) {
		ck_assert_ptr_nonnull(virtq_error_names[e]);
		for (int f = 0; f < e; f++)
			ck_assert_str_ne(virtq_error_name(e),
					 virtq_error_name(f));
	}
	ck_assert_str_eq(virtq_error_name(VIRTQ_ERR_COUNT), "unknown");
	ck_assert_str_eq(virtq_error_name(VIRTQ_ERR_LOOP),
			 "a descriptor chain loops");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("virtq");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, enable_accepts_a_good_layout);
	tcase_add_test(tc, queue_size_not_a_power_of_two);
	tcase_add_test(tc, queue_size_zero_or_above_the_maximum);
	tcase_add_test(tc, misaligned_rings);
	tcase_add_test(tc, rings_outside_ram);
	tcase_add_test(tc, pop_a_request_and_push_its_answer);
	tcase_add_test(tc, used_length_clipped_to_the_writable_part);
	tcase_add_test(tc, avail_idx_moved_by_more_than_the_queue_size);
	tcase_add_test(tc, avail_idx_moved_by_exactly_the_queue_size);
	tcase_add_test(tc, head_out_of_range);
	tcase_add_test(tc, next_out_of_range);
	tcase_add_test(tc, chain_that_loops);
	tcase_add_test(tc, descriptor_that_points_at_itself);
	tcase_add_test(tc, chain_as_long_as_the_queue);
	tcase_add_test(tc, zero_length_descriptor);
	tcase_add_test(tc, buffer_past_the_end_of_ram);
	tcase_add_test(tc, buffer_whose_end_wraps_around);
	tcase_add_test(tc, buffer_ending_at_the_end_of_ram);
	tcase_add_test(tc, readable_after_writable);
	tcase_add_test(tc, chain_of_four_gigabytes);
	tcase_add_test(tc, indirect_table_without_the_feature);
	tcase_add_test(tc, indirect_table_after_direct_descriptors);
	tcase_add_test(tc, indirect_descriptor_with_next);
	tcase_add_test(tc, indirect_table_inside_an_indirect_table);
	tcase_add_test(tc, indirect_table_of_length_0);
	tcase_add_test(tc, indirect_table_not_a_multiple_of_16);
	tcase_add_test(tc, indirect_table_longer_than_the_maximum);
	tcase_add_test(tc, indirect_table_outside_ram);
	tcase_add_test(tc, indirect_next_out_of_range);
	tcase_add_test(tc, indirect_chain_that_loops);
	tcase_add_test(tc, indirect_readable_after_direct_writable);
	tcase_add_test(tc, chain_with_too_many_buffers);
	tcase_add_test(tc, broken_queue_stays_broken);
	tcase_add_test(tc, indices_wrap_around);
	tcase_add_test(tc, interrupt_unless_the_driver_says_no);
	tcase_add_test(tc, event_idx_interrupts_when_used_event_is_crossed);
	tcase_add_test(tc, event_idx_publishes_avail_event_when_idle);
	tcase_add_test(tc, unpop_gives_the_chain_back);
	tcase_add_test(tc, unpop_is_clipped_to_the_chains_not_pushed);
	tcase_add_test(tc, unpop_checks_the_chain_again);
	tcase_add_test(tc, unpop_keeps_the_kick_request);
	tcase_add_test(tc, chain_copies_cross_buffer_boundaries);
	tcase_add_test(tc, every_error_has_a_name);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
