/*
 * gen_seeds.c - write the seed corpus of the virtio fuzz target: short
 * programs in its language (fuzz_ops.h) that bring a device up the way a
 * driver does and send it real requests, so the fuzzer starts from
 * DRIVER_OK and working requests and mutates from there.
 *
 * Runs: on the host, at build time (fuzz.mk): gen_seeds DIR; and
 * gen_seeds --planted DIR, the one input fuzz.mk's fuzz-planted needs.
 * Spec: see fuzz_ops.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>

#include "fuzz_ops.h"

#define SEED_MAX 512
#define NEXT	 VRING_DESC_F_NEXT
#define WRITE	 VRING_DESC_F_WRITE

struct seed {
	uint8_t bytes[SEED_MAX];
	size_t len;
};

static void put(struct seed *s, const uint8_t *bytes, size_t len)
{
	if (s->len + len > SEED_MAX) {
		fprintf(stderr, "gen_seeds: a seed is over %d bytes\n",
			SEED_MAX);
		exit(1);
	}
	memcpy(s->bytes + s->len, bytes, len);
	s->len += len;
}

#define PUT(s, ...)                                                            \
	put((s), (const uint8_t[]){ __VA_ARGS__ },                             \
	    sizeof((const uint8_t[]){ __VA_ARGS__ }))

/* FZ_INIT: every ring feature, the device's own, queue size 2^order. */
static void init(struct seed *s, uint8_t extra, uint8_t order)
{
	PUT(s, FZ_INIT, FZ_F_INDIRECT | FZ_F_EVENT_IDX | FZ_F_DEVICE | extra,
	    order);
}

static void request(struct seed *s, uint8_t type, uint8_t sector,
		    uint8_t segments, uint8_t size, uint8_t layout)
{
	PUT(s, FZ_REQUEST, type, sector, segments, size, layout);
}

/* Request type choices of fuzz_virtio.c's blk_bufs(), and sizes. */
enum { IN, OUT, FLUSH, GET_ID, DISCARD, UNKNOWN };
enum { SECTOR, TWO_SECTORS, ID_BYTES };

static void write_seed(const char *dir, const char *name, const struct seed *s)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(s->bytes, 1, s->len, f) != s->len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* virtio-blk: every request type, plain and in every layout. */
static void seeds_blk(const char *dir)
{
	struct seed s = { .len = 0 };

	PUT(&s, 0);
	init(&s, 0, 8);
	request(&s, IN, 0, 2, SECTOR, 0);
	PUT(&s, FZ_ACK);
	request(&s, OUT, 3, 1, TWO_SECTORS, 0);
	request(&s, FLUSH, 0, 0, 0, 0);
	request(&s, GET_ID, 0, 1, ID_BYTES, 0);
	request(&s, IN, 62, 4, SECTOR, FZ_L_INDIRECT);
	request(&s, OUT, 9, 2, SECTOR, FZ_L_ANY_LAYOUT);
	request(&s, UNKNOWN, 0, 1, SECTOR, 0);
	PUT(&s, FZ_ACK);
	write_seed(dir, "blk-requests", &s);

	s.len = 0;
	PUT(&s, 0);
	init(&s, 0, 4);
	request(&s, IN, 70, 1, SECTOR, 0); /* past the capacity */
	request(&s, OUT, 1, 1, SECTOR, FZ_L_WILD_SECTOR); /* overflows */
	request(&s, IN, 0, 1, SECTOR, FZ_L_SHORT_HDR);
	request(&s, GET_ID, 0, 1, 8, 0);
	request(&s, IN, 0, 1, SECTOR, FZ_L_STATUS_RO); /* needs reset */
	init(&s, 0, 4);
	request(&s, FLUSH, 0, 0, 0, FZ_L_STATUS_ZERO);
	write_seed(dir, "blk-hostile", &s);

	s.len = 0;
	PUT(&s, FZ_DEV_RO);
	init(&s, FZ_F_RO, 3);
	request(&s, OUT, 0, 1, SECTOR, 0);
	request(&s, IN, 0, 1, SECTOR, 0);
	write_seed(dir, "blk-read-only", &s);
}

/* Raw descriptors and indices, and the event index. */
static void seeds_raw(const char *dir)
{
	struct seed s = { .len = 0 };

	PUT(&s, 0);
	init(&s, 0, 3);
	/* header at 0x6000 (IN, sector 0), data at 0x6100, status 0x6300 */
	PUT(&s, FZ_MEM_WRITE, 0x00, 0x60, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0, 0);
	PUT(&s, FZ_DESC, 0, 0x00, 0x60, 16, 0, 0, 0, NEXT, 1);
	PUT(&s, FZ_DESC, 1, 0x00, 0x61, 0x00, 0x02, 0, 0, NEXT | WRITE, 2);
	PUT(&s, FZ_DESC, 2, 0x00, 0x63, 1, 0, 0, 0, WRITE, 0);
	PUT(&s, FZ_AVAIL, 0, FZ_KICK, 0, FZ_ACK);
	PUT(&s, FZ_USED_EVENT, 5, 0);
	PUT(&s, FZ_AVAIL, 0, FZ_AVAIL, 0, FZ_KICK, 0);
	PUT(&s, FZ_AVAIL_IDX, 0x40, 0, FZ_KICK, 0); /* jumps ahead */
	write_seed(dir, "blk-raw-chain", &s);

	s.len = 0;
	PUT(&s, 0);
	for (uint8_t reg = 0; reg < VIRTIO_MMIO_CONFIG / 4; reg++)
		PUT(&s, FZ_MMIO_READ, reg * 4, 0, 4);
	PUT(&s, FZ_MMIO_READ, 0x00, 0x01, 4, FZ_MMIO_READ, 0x01, 0x01, 2);
	PUT(&s, FZ_MMIO_WRITE32, VIRTIO_MMIO_STATUS / 4, 1, 0, 0, 0);
	PUT(&s, FZ_MMIO_WRITE, 0x00, 0x01, 1, 0xff);
	write_seed(dir, "registers", &s);
}

/* virtio-console: input before and after buffers, output. */
static void seeds_console(const char *dir)
{
	struct seed s = { .len = 0 };

	PUT(&s, FZ_DEV_CONSOLE);
	init(&s, 0, 4);
	PUT(&s, FZ_INPUT, 5, 'h', 'e', 'l', 'l', 'o');
	request(&s, 0, 0, 2, 4, 0);	       /* two receive buffers */
	request(&s, 0, 0, 1, 6, FZ_L_QUEUE_1); /* output */
	PUT(&s, FZ_ACK, FZ_INPUT, 3, 'a', 'b', 'c');
	request(&s, 0, 0, 1, 4, FZ_L_STATUS_RO);
	write_seed(dir, "console", &s);
}

/* A tap message of len bytes (FZ_PACKET: u16 length, u8 seed). */
static void packet(struct seed *s, uint16_t len, uint8_t seed)
{
	PUT(s, FZ_PACKET, (uint8_t)len, (uint8_t)(len >> 8), seed);
}

/* virtio-net header choices of fuzz_virtio.c's net_tx_bufs(); a type
 * of choice + 8 * k puts k in csum_offset. */
enum {
	PLAIN,
	NEEDS_CSUM,
	DATA_VALID,
	TSO4,
	TSO6,
	GSO_NO_CSUM,
	GSO_UDP,
	GSO_ECN
};
#define CSUM_AT(k) (8 * (k)) /* csum_offset k */

/* virtio-net: buffers and packets both ways, with and without offloads. */
static void seeds_net_traffic(const char *dir)
{
	struct seed s = { .len = 0 };

	PUT(&s, FZ_DEV_NET);
	init(&s, 0, 8);
	request(&s, 0, 0, 2, 190, 0); /* two receive buffers of 1520 */
	packet(&s, 1000, 1);
	packet(&s, 60, 2);
	request(&s, 0, 0, 1, 190, 0); /* one more, and a kick: both in */
	request(&s, PLAIN, 4, 1, 8, FZ_L_QUEUE_1);
	request(&s, DATA_VALID, 0, 1, 100, FZ_L_QUEUE_1 | FZ_L_ANY_LAYOUT);
	request(&s, PLAIN, 2, 1, 30, FZ_L_QUEUE_1 | FZ_L_INDIRECT);
	PUT(&s, FZ_ACK);
	PUT(&s, FZ_MMIO_READ, 0x00, 0x01, 1); /* the MAC's first octet */
	write_seed(dir, "net-traffic", &s);

	/* Offloads: TSO and checksums out, a GSO packet in, bad offsets. */
	s.len = 0;
	PUT(&s, FZ_DEV_NET);
	init(&s, FZ_F_RO, 6);
	request(&s, 0, 0, 2, 255, 0); /* receive buffers of 2040 */
	request(&s, TSO4 + CSUM_AT(16), 34, 1, 250, FZ_L_QUEUE_1);
	request(&s, TSO6 + CSUM_AT(16), 54, 1, 250, FZ_L_QUEUE_1);
	request(&s, NEEDS_CSUM + CSUM_AT(6), 34, 1, 20, FZ_L_QUEUE_1);
	request(&s, NEEDS_CSUM + CSUM_AT(31), 255, 1, 1, FZ_L_QUEUE_1);
	request(&s, TSO4 + CSUM_AT(0), 200, 1, 1, FZ_L_QUEUE_1); /* hdr_len */
	request(&s, GSO_UDP, 34, 1, 100, FZ_L_QUEUE_1);
	request(&s, GSO_ECN + CSUM_AT(16), 34, 1, 100, FZ_L_QUEUE_1);
	PUT(&s, FZ_INPUT, 30, 0x01, 0x01, 54, 0, 0xa8, 0x05, 34, 0, 16, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	PUT(&s, FZ_INPUT, 30, 0x01, 0x03, 74, 0, 0x94, 0x05, 54, 0, 16, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	request(&s, 0, 0, 1, 255, 0);
	write_seed(dir, "net-offloads", &s);
}

/* virtio-net: every bad chain, and packets that wait. */
static void seeds_net_hostile(const char *dir)
{
	struct seed s = { .len = 0 };

	PUT(&s, FZ_DEV_NET);
	init(&s, 0, 6); /* 64 descriptors: room for the big frame */
	request(&s, NEEDS_CSUM, 0, 1, 8, FZ_L_QUEUE_1);
	request(&s, GSO_NO_CSUM, 0, 1, 8, FZ_L_QUEUE_1);
	request(&s, GSO_ECN, 0, 1, 8, FZ_L_QUEUE_1);
	request(&s, PLAIN, 5, 0, 0, FZ_L_QUEUE_1); /* a runt */
	request(&s, PLAIN, 0, 1, 8, FZ_L_QUEUE_1 | FZ_L_WILD_SECTOR); /* big */
	request(&s, PLAIN, 0, 1, 8, FZ_L_QUEUE_1 | FZ_L_STATUS_RO);
	packet(&s, 3000, 3);		     /* larger than the buffer below */
	PUT(&s, FZ_INPUT, 5, 0, 0, 0, 0, 0); /* a runt from the tap */
	request(&s, 0, 0, 2, 190, FZ_L_STATUS_RO); /* readable first */
	packet(&s, FZ_PACKET_TOO_LONG, 5);
	request(&s, 0, 0, 1, 190, 0);
	request(&s, PLAIN, 0, 1, 0, FZ_L_QUEUE_1 | FZ_L_SHORT_HDR); /* reset */
	write_seed(dir, "net-hostile", &s);

	s.len = 0;
	PUT(&s, FZ_DEV_NET);
	init(&s, 0, 4);
	packet(&s, 200, 6);
	request(&s, PLAIN, 0, 1, 8, FZ_L_QUEUE_1); /* no buffer: it waits */
	PUT(&s, FZ_RESET);
	init(&s, 0, 4);
	request(&s, 0, 0, 1, 190, 0); /* now it goes */
	PUT(&s, FZ_INPUT, 0);	      /* the tap closes */
	request(&s, 0, 0, 1, 190, 0);
	write_seed(dir, "net-waiting", &s);

	s.len = 0;
	PUT(&s, FZ_DEV_NET);
	init(&s, 0, 4);
	packet(&s, 100, 4);
	request(&s, 0, 0, 1, 1, 0); /* 8 bytes: no room for a header */
	write_seed(dir, "net-short-buffer", &s);
}

/* Not a seed: the input that hits fuzz_virtio.c's FUZZ_PLANTED_BUG (a
 * queue selected beyond FZ_QUEUES, then used as an index), which a build
 * with that bug must crash on and every other build runs cleanly. */
static void planted(const char *dir)
{
	struct seed s = { .len = 0 };

	PUT(&s, 0, FZ_SELECT, UINT8_MAX, FZ_AVAIL_IDX, 1, 0);
	write_seed(dir, "select-beyond-queues", &s);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--planted") == 0) {
		planted(argv[2]);
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr,
			"usage: gen_seeds DIR | gen_seeds --planted DIR\n");
		return 2;
	}
	seeds_blk(argv[1]);
	seeds_raw(argv[1]);
	seeds_console(argv[1]);
	seeds_net_traffic(argv[1]);
	seeds_net_hostile(argv[1]);
	return 0;
}
