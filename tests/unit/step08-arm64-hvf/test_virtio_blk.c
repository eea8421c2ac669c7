/*
 * test_virtio_blk.c - unit tests of virtio-blk over a real image file,
 * through the transport and the queue: reads, writes, flushes and the
 * device ID, then every malformed request a hostile driver can send and
 * the exact answer it gets (status byte, used length, the file left
 * untouched, the count of requests served, DEVICE_NEEDS_RESET).
 *
 * Runs: on the host, no KVM (Check); the image lives in a fresh
 * directory under $TMPDIR (or /tmp).  Includes the units under test.
 * Spec: virtio 1.x, "Block Device" ("Device configuration layout",
 * "Device Operation"), "Message Framing".
 */
#include <check.h>

#include "run_suite.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest_mem.c"
#include "virtio/blk.c"
#include "virtio/mmio.c"
#include "virtio/queue.c"

#include "vdriver.h"

#define RAM	    0x800000ULL /* 8 MiB: room for a 1 MiB segment */
#define NUM	    256
#define SECTORS	    8192 /* a 4 MiB image ... */
#define TAIL	    100	 /* ... and a partial sector the guest cannot see */
#define PATTERN	    64	 /* sectors with known content */
#define U64_MAX	    0xffffffffffffffffULL
#define W	    VRING_DESC_F_WRITE
#define UNTOUCHED   0xEE
#define F_VERSION_1 (1ULL << VIRTIO_F_VERSION_1)
#define F_INDIRECT  (1ULL << VIRTIO_RING_F_INDIRECT_DESC)
#define F_FLUSH	    (1ULL << VIRTIO_BLK_F_FLUSH)
#define F_LIMITS                                                               \
	((1ULL << VIRTIO_BLK_F_SEG_MAX) | (1ULL << VIRTIO_BLK_F_SIZE_MAX))
#define F_RO	    (1ULL << VIRTIO_BLK_F_RO)
#define FEATURES    (F_VERSION_1 | F_INDIRECT | F_FLUSH | F_LIMITS)
#define SECTOR	    BLK_SECTOR_SIZE
#define STATUS_LIVE 0x0f /* ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK */
#define CONFIG_FIELD(f)                                                        \
	(VIRTIO_MMIO_CONFIG + offsetof(struct virtio_blk_config, f))
#define CONFIG_CAPACITY CONFIG_FIELD(capacity)

static char dir[64], path[96];
static struct vdev vd;
static struct virtio_blk blk;
static struct vd_ring *ring = &vd.rings[0];

/* The known content of byte i of sector s. */
static uint8_t pattern(uint64_t s, uint64_t i)
{
	return (uint8_t)(s * 7 + i);
}

static void make_image(void)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	uint8_t sector[SECTOR];
	int fd;

	snprintf(dir, sizeof(dir), "%s/vblk-XXXXXX", tmp);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/disk.img", dir);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, SECTORS * SECTOR + TAIL), 0);
	for (uint64_t s = 0; s < PATTERN; s++) {
		for (uint64_t i = 0; i < SECTOR; i++)
			sector[i] = pattern(s, i);
		ck_assert_int_eq(pwrite(fd, sector, SECTOR, s * SECTOR),
				 SECTOR);
	}
	close(fd);
}

/* Open the image as a disk and bring the device up with features. */
static void open_disk(bool read_only, uint64_t features)
{
	ck_assert_int_eq(
		virtio_blk_init(&blk, path, read_only, &vd.ram.mem, &vd.irq),
		0);
	vd.t = &blk.mmio;
	vd_bring_up(&vd, features, 1, NUM);
}

static void setup(void)
{
	make_image();
	vd_init(&vd, RAM);
	open_disk(false, FEATURES);
}

static void teardown(void)
{
	virtio_blk_exit(&blk);
	unlink(path);
	rmdir(dir);
	vd_ram_free(&vd.ram);
}

/* A request as the driver lays it out. */
struct req {
	uint64_t hdr, data, status;
	uint16_t head;
};

static uint64_t header(uint32_t type, uint64_t sector)
{
	uint64_t gpa = vd_alloc(&vd.ram, 16);
	struct virtio_blk_outhdr *h = vd_ptr(&vd.ram, gpa);

	h->type = htole32(type);
	h->ioprio = 0;
	h->sector = htole64(sector);
	return gpa;
}

static uint64_t buffer(uint64_t len, uint8_t fill)
{
	uint64_t gpa = vd_alloc(&vd.ram, len);

	memset(vd_ptr(&vd.ram, gpa), fill, len);
	return gpa;
}

/* Offer the chain and kick; the device serves it before this returns. */
static uint16_t send(const struct vd_buf *bufs, unsigned int n)
{
	uint16_t head = vd_add_chain(ring, bufs, n);

	vd_make_available(ring, head);
	vd_kick(&vd, 0);
	return head;
}

/* The usual three buffers: header, data (if any), status. */
static struct req request(uint32_t type, uint64_t sector, uint32_t len,
			  bool data_writable, uint8_t fill)
{
	struct req r = { header(type, sector), 0, buffer(1, UNTOUCHED), 0 };
	struct vd_buf bufs[3] = { { r.hdr, 16, 0 } };
	unsigned int n = 1;

	if (len) {
		r.data = buffer(len, fill);
		bufs[n++] =
			(struct vd_buf){ r.data, len, data_writable ? W : 0 };
	}
	bufs[n++] = (struct vd_buf){ r.status, 1, W };
	r.head = send(bufs, n);
	return r;
}

static uint8_t status_of(const struct req *r)
{
	return *(uint8_t *)vd_ptr(&vd.ram, r->status);
}

/* Used entry i is this head with this length. */
static void assert_used(uint16_t i, uint16_t head, uint32_t len)
{
	ck_assert_uint_gt(vd_used_idx(ring), i);
	ck_assert_uint_eq(vd_used_id(ring, i), head);
	ck_assert_uint_eq(vd_used_len(ring, i), len);
}

/* Sector s of the image holds its pattern (or, if fill, only fill). */
static void assert_sector(uint64_t s, int fill)
{
	uint8_t sector[SECTOR];
	int fd = open(path, O_RDONLY);

	ck_assert_int_eq(pread(fd, sector, SECTOR, s * SECTOR), SECTOR);
	close(fd);
	for (int i = 0; i < SECTOR; i++)
		ck_assert_uint_eq(sector[i], fill < 0 ? pattern(s, i) : fill);
}

static void assert_pattern_in(uint64_t gpa, uint64_t sector, uint64_t len)
{
	const uint8_t *p = vd_ptr(&vd.ram, gpa);

	for (uint64_t i = 0; i < len; i++)
		ck_assert_uint_eq(p[i],
				  pattern(sector + i / SECTOR, i % SECTOR));
}

static off_t image_size(void)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_size;
}

START_TEST(init_refuses_what_is_not_a_disk)
{
	struct virtio_blk other;
	char missing[128];

	snprintf(missing, sizeof(missing), "%s/missing.img", dir);
	ck_assert_int_eq(
		virtio_blk_init(&other, missing, false, &vd.ram.mem, NULL),
		-ENOENT);
	ck_assert_int_eq(virtio_blk_init(&other, dir, true, &vd.ram.mem, NULL),
			 -EISDIR);
	ck_assert_int_eq(other.fd, -1); /* nothing left open */
	ck_assert_int_eq(
		virtio_blk_init(&other, "/dev/null", true, &vd.ram.mem, NULL),
		-EINVAL);
}
END_TEST

/* A FIFO is no disk, and opening one read-only must not wait for a
 * writer that never comes: refused at once. */
START_TEST(init_refuses_a_fifo_without_waiting)
{
	struct virtio_blk other;
	char fifo[128];

	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(virtio_blk_init(&other, fifo, true, &vd.ram.mem, NULL),
			 -EINVAL);
	ck_assert_int_eq(
		virtio_blk_init(&other, fifo, false, &vd.ram.mem, NULL),
		-EINVAL);
	ck_assert_int_eq(other.fd, -1);
	unlink(fifo);
}
END_TEST

/* Two writers on one image would corrupt it: the second is refused. */
START_TEST(init_refuses_an_image_in_use)
{
	struct virtio_blk other;

	ck_assert_int_eq(
		virtio_blk_init(&other, path, false, &vd.ram.mem, NULL),
		-EBUSY);
	ck_assert_int_eq(virtio_blk_init(&other, path, true, &vd.ram.mem, NULL),
			 -EBUSY);
}
END_TEST

START_TEST(identity_features_and_config)
{
	uint64_t offered = vd_device_features(&vd);

	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	ck_assert_uint_eq(offered,
			  FEATURES | (1ULL << VIRTIO_RING_F_EVENT_IDX));
	ck_assert_uint_eq(vd_r32(&vd, CONFIG_CAPACITY) |
				  (uint64_t)vd_r32(&vd, CONFIG_CAPACITY + 4)
					  << 32,
			  SECTORS);
	ck_assert_uint_eq(vd_r32(&vd, CONFIG_FIELD(size_max)), BLK_SIZE_MAX);
	ck_assert_uint_eq(vd_r32(&vd, CONFIG_FIELD(seg_max)), NUM - 2);
	ck_assert_uint_eq(vd_read(&vd, CONFIG_FIELD(geometry), 2), 0);
	ck_assert_str_eq(blk.id, "disk.img");
}
END_TEST

START_TEST(read_sectors)
{
	struct req r = request(VIRTIO_BLK_T_IN, 3, 3 * SECTOR, true, 0);

	ck_assert_uint_eq(status_of(&r), VIRTIO_BLK_S_OK);
	assert_used(0, r.head, 3 * SECTOR + 1);
	assert_pattern_in(r.data, 3, 3 * SECTOR);
	ck_assert_uint_eq(blk.stats.requests, 1);
	ck_assert_uint_eq(blk.stats.status_ok, 1);
	ck_assert_uint_eq(blk.stats.bytes_read, 3 * SECTOR);
	ck_assert(vd.level);
}
END_TEST

/* Data scattered over buffers of odd sizes, status in its own. */
START_TEST(read_into_scattered_buffers)
{
	uint64_t a = buffer(100, 0), b = buffer(700, 0), c = buffer(224, 0);
	struct req r = { .hdr = header(VIRTIO_BLK_T_IN, 5),
			 .status = buffer(1, UNTOUCHED) };
	const struct vd_buf bufs[] = {
		{ r.hdr, 16, 0 }, { a, 100, W },      { b, 700, W },
		{ c, 224, W },	  { r.status, 1, W },
	};

	r.head = send(bufs, 5);
	ck_assert_uint_eq(status_of(&r), VIRTIO_BLK_S_OK);
	assert_used(0, r.head, 2 * SECTOR + 1);
	assert_pattern_in(a, 5, 100);
	ck_assert_uint_eq(*(uint8_t *)vd_ptr(&vd.ram, b), pattern(5, 100));
	ck_assert_uint_eq(*(uint8_t *)vd_ptr(&vd.ram, c + 223),
			  pattern(6, SECTOR - 1));
}
END_TEST

START_TEST(write_sectors)
{
	struct req r = request(VIRTIO_BLK_T_OUT, 10, 2 * SECTOR, false, 'W');

	ck_assert_uint_eq(status_of(&r), VIRTIO_BLK_S_OK);
	assert_used(0, r.head, 1);
	assert_sector(9, -1);
	assert_sector(10, 'W');
	assert_sector(11, 'W');
	assert_sector(12, -1);
	ck_assert_uint_eq(blk.stats.bytes_written, 2 * SECTOR);
	ck_assert_uint_eq(blk.stats.syncs, 0); /* FLUSH negotiated */
}
END_TEST

/* "Message Framing": the header and data may share a buffer, as may the
 * data and the status; the header may be split. */
START_TEST(requests_in_any_layout)
{
	uint64_t out = vd_alloc(&vd.ram, 16 + SECTOR),
		 in = buffer(SECTOR + 1, 0);
	uint64_t h1 = vd_alloc(&vd.ram, 8), h2 = vd_alloc(&vd.ram, 8);
	const struct vd_buf write[] = { { out, 16 + SECTOR, 0 },
					{ buffer(1, UNTOUCHED), 1, W } };
	const struct vd_buf read[] = { { h1, 8, 0 },
				       { h2, 8, 0 },
				       { in, SECTOR + 1, W } };

	uint16_t head;

	memcpy(vd_ptr(&vd.ram, out),
	       vd_ptr(&vd.ram, header(VIRTIO_BLK_T_OUT, 20)), 16);
	memset(vd_ptr(&vd.ram, out + 16), 'A', SECTOR);
	head = send(write, 2);
	assert_used(0, head, 1);
	ck_assert_uint_eq(*(uint8_t *)vd_ptr(&vd.ram, write[1].gpa),
			  VIRTIO_BLK_S_OK);
	assert_sector(20, 'A');

	memcpy(vd_ptr(&vd.ram, h1), vd_ptr(&vd.ram, header(VIRTIO_BLK_T_IN, 7)),
	       8);
	memcpy(vd_ptr(&vd.ram, h2),
	       (uint8_t *)vd_ptr(&vd.ram, header(VIRTIO_BLK_T_IN, 7)) + 8, 8);
	head = send(read, 3);
	assert_pattern_in(in, 7, SECTOR);
	ck_assert_uint_eq(*(uint8_t *)vd_ptr(&vd.ram, in + SECTOR),
			  VIRTIO_BLK_S_OK);
	assert_used(1, head, SECTOR + 1);
}
END_TEST

/* Linux's layout when VIRTIO_RING_F_INDIRECT_DESC is negotiated. */
START_TEST(request_in_an_indirect_table)
{
	uint64_t table = vd_alloc(&vd.ram, 3 * 16);
	struct req r = { .hdr = header(VIRTIO_BLK_T_IN, 1),
			 .data = buffer(SECTOR, 0),
			 .status = buffer(1, UNTOUCHED) };
	const struct vd_buf in[] = { { r.hdr, 16, 0 },
				     { r.data, SECTOR, W },
				     { r.status, 1, W } };
	const struct vd_buf bufs[] = { { table, 48, VRING_DESC_F_INDIRECT } };

	vd_write_table(&vd.ram, table, in, 3);
	r.head = send(bufs, 1);
	ck_assert_uint_eq(status_of(&r), VIRTIO_BLK_S_OK);
	assert_used(0, r.head, SECTOR + 1);
	assert_pattern_in(r.data, 1, SECTOR);
}
END_TEST

/* FLUSH: fdatasync before the status is written. */
START_TEST(flush)
{
	struct req r = request(VIRTIO_BLK_T_FLUSH, 0, 0, false, 0);

	ck_assert_uint_eq(status_of(&r), VIRTIO_BLK_S_OK);
	assert_used(0, r.head, 1);
	ck_assert_uint_eq(blk.stats.syncs, 1);
}
END_TEST

/* A driver that cannot flush gets every write synced before it completes
 * ("a write becomes stable once it is completed and ... neither
 * VIRTIO_BLK_F_CONFIG_WCE nor VIRTIO_BLK_F_FLUSH feature were negotiated,
 * but VIRTIO_BLK_F_FLUSH was offered by the device"). */
START_TEST(writes_sync_when_flush_is_not_negotiated)
{
	struct req r;

	vd_bring_up(&vd, F_VERSION_1, 1, NUM);
	r = request(VIRTIO_BLK_T_OUT, 2, SECTOR, false, 'S');
	ck_assert_uint_eq(status_of(&r), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(blk.stats.syncs, 1);
	assert_sector(2, 'S');
}
END_TEST

START_TEST(get_id)
{
	struct req r = request(VIRTIO_BLK_T_GET_ID, 0, VIRTIO_BLK_ID_BYTES,
			       true, UNTOUCHED);
	const char want[VIRTIO_BLK_ID_BYTES] = "disk.img";

	ck_assert_uint_eq(status_of(&r), VIRTIO_BLK_S_OK);
	assert_used(0, r.head, VIRTIO_BLK_ID_BYTES + 1);
	ck_assert_int_eq(memcmp(vd_ptr(&vd.ram, r.data), want, sizeof(want)),
			 0);
}
END_TEST

static void check_get_id_refused(uint32_t len)
{
	struct req r = request(VIRTIO_BLK_T_GET_ID, 0, len, true, UNTOUCHED);
	const uint8_t *data = vd_ptr(&vd.ram, r.data);

	ck_assert_uint_eq(status_of(&r), VIRTIO_BLK_S_IOERR);
	assert_used(0, r.head, 1);
	for (uint32_t i = 0; i < len; i++)
		ck_assert_uint_eq(data[i], UNTOUCHED);
	ck_assert_uint_eq(blk.stats.status_ioerr, 1);
}

/* "The length of data MUST be 20 bytes for VIRTIO_BLK_T_GET_ID". */
START_TEST(get_id_into_a_short_buffer)
{
	check_get_id_refused(8);
}
END_TEST

START_TEST(get_id_into_a_long_buffer)
{
	check_get_id_refused(40);
}
END_TEST

START_TEST(unknown_request_types)
{
	const uint32_t types[] = { 99, VIRTIO_BLK_T_SCSI_CMD,
				   VIRTIO_BLK_T_DISCARD,
				   VIRTIO_BLK_T_OUT | VIRTIO_BLK_T_BARRIER };

	for (unsigned int i = 0; i < 4; i++) {
		struct req r = request(types[i], 0, SECTOR, false, 'U');

		ck_assert_uint_eq(status_of(&r), VIRTIO_BLK_S_UNSUPP);
		assert_used(i, r.head, 1);
	}
	assert_sector(0, -1);
	ck_assert_uint_eq(blk.stats.status_unsupp, 4);
}
END_TEST

/* "A device MUST set the status byte to VIRTIO_BLK_S_IOERR for a write
 * request if the VIRTIO_BLK_F_RO feature if offered, and MUST NOT write
 * any data." */
START_TEST(read_only_disk_refuses_writes)
{
	struct req w, r;

	virtio_blk_exit(&blk);
	open_disk(true, FEATURES | F_RO);
	ck_assert_uint_eq(vd_device_features(&vd) & F_RO, F_RO);
	ck_assert_int_eq(fcntl(blk.fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	w = request(VIRTIO_BLK_T_OUT, 4, SECTOR, false, 'X');
	ck_assert_uint_eq(status_of(&w), VIRTIO_BLK_S_IOERR);
	assert_used(0, w.head, 1);
	assert_sector(4, -1);
	r = request(VIRTIO_BLK_T_IN, 4, SECTOR, true, 0);
	ck_assert_uint_eq(status_of(&r), VIRTIO_BLK_S_OK);
	assert_pattern_in(r.data, 4, SECTOR);
	ck_assert_uint_eq(blk.stats.bytes_written, 0);
}
END_TEST

START_TEST(sectors_past_the_capacity)
{
	struct req a = request(VIRTIO_BLK_T_IN, SECTORS, SECTOR, true, 0);
	struct req b =
		request(VIRTIO_BLK_T_IN, SECTORS - 1, 2 * SECTOR, true, 0);
	struct req c = request(VIRTIO_BLK_T_OUT, SECTORS, SECTOR, false, 'P');
	struct req d = request(VIRTIO_BLK_T_IN, SECTORS - 1, SECTOR, true, 0);

	ck_assert_uint_eq(status_of(&a), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(status_of(&b), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(status_of(&c), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(status_of(&d), VIRTIO_BLK_S_OK); /* the last one */
	assert_used(0, a.head, 1);
	assert_used(1, b.head, 1);
	ck_assert_int_eq(image_size(), SECTORS * SECTOR + TAIL); /* no growth */
	ck_assert_uint_eq(blk.stats.requests, 4);
	ck_assert_uint_eq(blk.stats.status_ioerr, 3);
}
END_TEST

/* sector * 512 and sector + count wrap around 2^64: still refused. */
START_TEST(sector_arithmetic_that_overflows)
{
	struct req a =
		request(VIRTIO_BLK_T_OUT, 1ULL << 55, SECTOR, false, 'O');
	struct req b = request(VIRTIO_BLK_T_OUT, U64_MAX, SECTOR, false, 'O');
	struct req c =
		request(VIRTIO_BLK_T_IN, U64_MAX - 1, 2 * SECTOR, true, 0);

	ck_assert_uint_eq(status_of(&a), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(status_of(&b), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(status_of(&c), VIRTIO_BLK_S_IOERR);
	assert_sector(0, -1); /* 2^55 * 512 is 0 modulo 2^64 */
	assert_sector(SECTORS - 1, 0);
	ck_assert_uint_eq(blk.stats.status_ioerr, 3);
}
END_TEST

START_TEST(data_not_a_multiple_of_512)
{
	struct req a = request(VIRTIO_BLK_T_IN, 0, 100, true, UNTOUCHED);
	struct req b = request(VIRTIO_BLK_T_OUT, 0, SECTOR + 1, false, 'M');

	ck_assert_uint_eq(status_of(&a), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(status_of(&b), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(*(uint8_t *)vd_ptr(&vd.ram, a.data), UNTOUCHED);
	assert_sector(0, -1);
}
END_TEST

/* A header shorter than 16 bytes (or none): IOERR, nothing read. */
START_TEST(short_request_headers)
{
	uint64_t hdr = header(VIRTIO_BLK_T_IN, 0);
	uint64_t data = buffer(SECTOR, UNTOUCHED), st[3];
	const uint32_t hdr_len[] = { 8, 15 };

	for (int i = 0; i < 3; i++)
		st[i] = buffer(1, UNTOUCHED);
	for (int i = 0; i < 2; i++) {
		const struct vd_buf bufs[] = { { hdr, hdr_len[i], 0 },
					       { data, SECTOR, W },
					       { st[i], 1, W } };
		send(bufs, 3);
	}
	const struct vd_buf none[] = { { st[2], 1, W } };
	send(none, 1);
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_eq(*(uint8_t *)vd_ptr(&vd.ram, st[i]),
				  VIRTIO_BLK_S_IOERR);
		ck_assert_uint_eq(vd_used_len(ring, i), 1);
	}
	ck_assert_uint_eq(*(uint8_t *)vd_ptr(&vd.ram, data), UNTOUCHED);
	ck_assert_uint_eq(blk.stats.status_ioerr, 3);
}
END_TEST

/* The device broke the queue: NEEDS_RESET, a config interrupt, nothing
 * used, nothing counted. */
static void assert_needs_reset(enum virtq_error why)
{
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_STATUS),
			  STATUS_LIVE | VIRTIO_CONFIG_S_NEEDS_RESET);
	ck_assert_int_eq(blk.mmio.error, why);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_INTERRUPT_STATUS),
			  VIRTIO_MMIO_INT_CONFIG);
	ck_assert_uint_eq(vd_used_idx(ring), 0);
	ck_assert_uint_eq(blk.stats.requests, 0);
}

/* No writable byte to put the status in: nothing can be answered. */
START_TEST(status_in_a_read_only_descriptor)
{
	uint64_t st = buffer(1, UNTOUCHED);
	const struct vd_buf bufs[] = { { header(VIRTIO_BLK_T_OUT, 30), 16, 0 },
				       { buffer(SECTOR, 'R'), SECTOR, 0 },
				       { st, 1, 0 } };

	send(bufs, 3);
	assert_needs_reset(VIRTQ_ERR_FRAMING);
	ck_assert_uint_eq(*(uint8_t *)vd_ptr(&vd.ram, st), UNTOUCHED);
	assert_sector(30, -1); /* the write was not done */
}
END_TEST

START_TEST(status_of_length_zero)
{
	const struct vd_buf bufs[] = { { header(VIRTIO_BLK_T_FLUSH, 0), 16, 0 },
				       { buffer(1, UNTOUCHED), 0, W } };

	send(bufs, 2);
	assert_needs_reset(VIRTQ_ERR_ZERO_LEN);
	ck_assert_uint_eq(blk.stats.syncs, 0);
}
END_TEST

/* A ring the driver corrupts (here avail.idx runs ahead) breaks the
 * device the same way, through the whole stack. */
START_TEST(ring_violation_needs_reset)
{
	struct req r = request(VIRTIO_BLK_T_IN, 0, SECTOR, true, 0);

	ck_assert_uint_eq(status_of(&r), VIRTIO_BLK_S_OK);
	vd_avail(ring)->idx = htole16(1 + NUM + 1);
	vd_kick(&vd, 0);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_STATUS),
			  STATUS_LIVE | VIRTIO_CONFIG_S_NEEDS_RESET);
	ck_assert_int_eq(blk.mmio.error, VIRTQ_ERR_AVAIL_IDX);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_INTERRUPT_STATUS),
			  VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG);
	ck_assert_uint_eq(vd_used_idx(ring), 1);
	ck_assert_uint_eq(blk.stats.requests, 1);
}
END_TEST

/* A read of n segments: header, n - 1 buffers of 512, the last 512
 * sharing its buffer with the status: n + 1 buffers in all. */
static struct req read_in_segments(unsigned int n)
{
	struct vd_buf bufs[NUM];
	struct req r = { .hdr = header(VIRTIO_BLK_T_IN, 0) };

	bufs[0] = (struct vd_buf){ r.hdr, 16, 0 };
	for (unsigned int i = 1; i < n; i++)
		bufs[i] = (struct vd_buf){ buffer(SECTOR, 0), SECTOR, W };
	r.status = buffer(SECTOR + 1, UNTOUCHED) + SECTOR;
	bufs[n] = (struct vd_buf){ r.status - SECTOR, SECTOR + 1, W };
	r.head = send(bufs, n + 1);
	return r;
}

/* We offer seg_max = 254 (VIRTIO_BLK_F_SEG_MAX): 255 is one too many. */
START_TEST(too_many_segments)
{
	struct req ok = read_in_segments(BLK_SEG_MAX);
	struct req bad = read_in_segments(BLK_SEG_MAX + 1);

	ck_assert_uint_eq(status_of(&ok), VIRTIO_BLK_S_OK);
	assert_used(0, ok.head, BLK_SEG_MAX * SECTOR + 1);
	ck_assert_uint_eq(status_of(&bad), VIRTIO_BLK_S_IOERR);
	assert_used(1, bad.head, 1);
}
END_TEST

/* We offer size_max = 1 MiB (VIRTIO_BLK_F_SIZE_MAX). */
START_TEST(segment_larger_than_size_max)
{
	struct req ok = request(VIRTIO_BLK_T_IN, 0, BLK_SIZE_MAX, true, 0);
	struct req bad = request(VIRTIO_BLK_T_IN, 0, BLK_SIZE_MAX + SECTOR,
				 true, UNTOUCHED);

	ck_assert_uint_eq(status_of(&ok), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(status_of(&bad), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(*(uint8_t *)vd_ptr(&vd.ram, bad.data), UNTOUCHED);
	assert_used(1, bad.head, 1);
}
END_TEST

/* Several requests, one kick: all served, in order, one interrupt. */
START_TEST(batch_of_requests_one_interrupt)
{
	uint16_t heads[3];

	for (int i = 0; i < 3; i++) {
		struct req r = { .hdr = header(VIRTIO_BLK_T_IN, i),
				 .data = buffer(SECTOR, 0),
				 .status = buffer(1, UNTOUCHED) };
		const struct vd_buf bufs[] = { { r.hdr, 16, 0 },
					       { r.data, SECTOR, W },
					       { r.status, 1, W } };

		heads[i] = vd_add_chain(ring, bufs, 3);
		vd_make_available(ring, heads[i]);
	}
	vd_kick(&vd, 0);
	for (int i = 0; i < 3; i++)
		assert_used(i, heads[i], SECTOR + 1);
	ck_assert_uint_eq(vd_used_idx(ring), 3);
	ck_assert_uint_eq(vd.raises, 1);
	ck_assert_uint_eq(blk.stats.requests, 3);
}
END_TEST

/*
 * With several vCPUs, one vCPU can keep a queue full while another's
 * kick serves it, and the serving loop would never end; so it also ends
 * when the run is ending (the VMM's stop flag, virtio_mmio.stop),
 * checked before every chain.  Three requests made available: with the
 * flag set the kick serves none of them (the VMM is stopping: nothing
 * more is owed), with it clear, all three.
 */
START_TEST(a_kick_serves_nothing_once_the_run_is_ending)
{
	bool stop = true;
	uint16_t heads[3];

	blk.mmio.stop = &stop;
	for (int i = 0; i < 3; i++) {
		struct req r = { .hdr = header(VIRTIO_BLK_T_IN, i),
				 .data = buffer(SECTOR, 0),
				 .status = buffer(1, UNTOUCHED) };
		const struct vd_buf bufs[] = { { r.hdr, 16, 0 },
					       { r.data, SECTOR, W },
					       { r.status, 1, W } };

		heads[i] = vd_add_chain(ring, bufs, 3);
		vd_make_available(ring, heads[i]);
	}
	vd_kick(&vd, 0);
	ck_assert_uint_eq(blk.stats.requests, 0);
	ck_assert_uint_eq(vd_used_idx(ring), 0);
	ck_assert_int_eq(blk.mmio.error, VIRTQ_OK); /* nothing broken */
	stop = false;
	vd_kick(&vd, 0);
	for (int i = 0; i < 3; i++)
		assert_used(i, heads[i], SECTOR + 1);
	ck_assert_uint_eq(blk.stats.requests, 3);
}
END_TEST

/* The image shrank behind our back: a read past its new end fails. */
START_TEST(image_shrunk_under_the_device)
{
	struct req r;

	ck_assert_int_eq(truncate(path, PATTERN * SECTOR), 0);
	r = request(VIRTIO_BLK_T_IN, PATTERN, SECTOR, true, 0);
	ck_assert_uint_eq(status_of(&r), VIRTIO_BLK_S_IOERR);
	assert_used(0, r.head, 1);
}
END_TEST

/* After DEVICE_NEEDS_RESET the driver resets, and the disk works. */
START_TEST(device_works_again_after_reset)
{
	const struct vd_buf bad[] = { { header(VIRTIO_BLK_T_IN, 0), 16, 0 } };
	struct req r;

	send(bad, 1);
	assert_needs_reset(VIRTQ_ERR_FRAMING);
	vd_bring_up(&vd, FEATURES, 1, NUM);
	r = request(VIRTIO_BLK_T_IN, 2, SECTOR, true, 0);
	ck_assert_uint_eq(status_of(&r), VIRTIO_BLK_S_OK);
	assert_pattern_in(r.data, 2, SECTOR);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("virtio_blk");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, init_refuses_what_is_not_a_disk);
	tcase_add_test(tc, init_refuses_a_fifo_without_waiting);
	tcase_add_test(tc, init_refuses_an_image_in_use);
	tcase_add_test(tc, identity_features_and_config);
	tcase_add_test(tc, read_sectors);
	tcase_add_test(tc, read_into_scattered_buffers);
	tcase_add_test(tc, write_sectors);
	tcase_add_test(tc, requests_in_any_layout);
	tcase_add_test(tc, request_in_an_indirect_table);
	tcase_add_test(tc, flush);
	tcase_add_test(tc, writes_sync_when_flush_is_not_negotiated);
	tcase_add_test(tc, get_id);
	tcase_add_test(tc, get_id_into_a_short_buffer);
	tcase_add_test(tc, get_id_into_a_long_buffer);
	tcase_add_test(tc, unknown_request_types);
	tcase_add_test(tc, read_only_disk_refuses_writes);
	tcase_add_test(tc, sectors_past_the_capacity);
	tcase_add_test(tc, sector_arithmetic_that_overflows);
	tcase_add_test(tc, data_not_a_multiple_of_512);
	tcase_add_test(tc, short_request_headers);
	tcase_add_test(tc, status_in_a_read_only_descriptor);
	tcase_add_test(tc, status_of_length_zero);
	tcase_add_test(tc, ring_violation_needs_reset);
	tcase_add_test(tc, too_many_segments);
	tcase_add_test(tc, segment_larger_than_size_max);
	tcase_add_test(tc, batch_of_requests_one_interrupt);
	tcase_add_test(tc, a_kick_serves_nothing_once_the_run_is_ending);
	tcase_add_test(tc, image_shrunk_under_the_device);
	tcase_add_test(tc, device_works_again_after_reset);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
