/*
 * fuzz_virtio.c - libFuzzer target: a hostile guest driver, written as a
 * byte string (fuzz_ops.h), against the virtio-mmio transport, the split
 * virtqueue and virtio-blk over a real (memory-backed) image, or
 * virtio-console, or virtio-net whose tap is a socketpair (the fuzzer
 * holds the other end and sends it any message, header included).
 *
 * Runs: on the host, built with clang -fsanitize=fuzzer,address,undefined
 * (fuzz.mk); without libFuzzer, under replay_main.c, built with gcc for
 * the host (ASan, UBSan) and for arm64 (UBSan), run under qemu-user.
 * Includes the units under test, as the unit tests do.
 * Spec: virtio 1.x, "Virtio Over MMIO", "Split Virtqueues", "Block
 * Device", "Console Device", "Network Device": the driver's side,
 * misbehaving.
 *
 * A bug is anything AddressSanitizer or UndefinedBehaviorSanitizer
 * reports (guest RAM is its own heap block, so a byte outside it is
 * caught), a hang (libFuzzer's -timeout), or a broken invariant, checked
 * after every operation:
 * - the interrupt line is high exactly while InterruptStatus is not zero,
 *   and set_level is called only when the level changes (irq.h);
 * - a queue that is ready and whole has returned every chain it took
 *   (our devices complete requests before the kick returns, so none may
 *   be lost: last_avail == used_idx; virtio-net's receive side puts
 *   back a buffer it took and did not fill);
 * - virtio-net's waiting packet is one it could have read (a header and
 *   an Ethernet header at least, no more than the largest packet).
 *
 * virtio-net runs without its I/O thread: the work happens when the
 * fuzzer kicks, so that a run is the same every time.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guest_mem.c"
#include "iothread.c"
#include "virtio/blk.c"
#include "virtio/console.c"
#include "virtio/mmio.c"
#include "virtio/net.c"
#include "virtio/queue.c"

#include "fuzz/fuzz_ops.h"

#define DISK_SECTORS	  64
#define STATUS_INIT	  (VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER)
#define UNOFFERED_FEATURE 40
#define FZ_BUFS		  24   /* the longest chain REQUEST builds */
#define NET_BIG_SEG	  4096 /* one buffer, many times: a huge frame */
#define NET_PEER_SNDBUF	  (4 * VIRTIO_NET_PACKET_MAX)
#define NET_HEADERS	  8 /* net_tx_bufs' header choices */

enum fz_device { FZ_BLK, FZ_CONSOLE, FZ_NET };

struct fz {
	const uint8_t *p; /* the rest of the input */
	size_t n;
	uint8_t *ram;
	struct guest_mem mem;
	struct irq_line irq;
	bool level;
	struct virtio_mmio *t;
	enum fz_device dev;
	unsigned int cur; /* the queue DESC, AVAIL, ... act on */
	uint32_t num;	  /* the queue size the driver chose */
	uint16_t avail_idx[FZ_QUEUES];
	uint16_t next_desc[FZ_QUEUES];
	uint64_t heap;
};

static struct virtio_blk blk;
static struct virtio_console con;
static struct virtio_net net;
static int peer = -1; /* the fuzzer's end of virtio-net's "tap" */
static const uint8_t net_mac[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 1 };
static uint8_t packet[2 * UINT16_MAX];
static char disk_path[64];
static uint64_t output_sum; /* console output, read so ASan checks it */

static bool take(struct fz *f, void *dst, size_t len)
{
	if (f->n < len)
		return false;
	memcpy(dst, f->p, len);
	f->p += len;
	f->n -= len;
	return true;
}

#define TAKE(f, x) take((f), &(x), sizeof(x))

static void set_level(struct irq_line *line, bool level)
{
	struct fz *f = line->opaque;

	if (level == f->level)
		__builtin_trap(); /* irq.h: only on a change */
	f->level = level;
}

static void check_invariants(const struct fz *f)
{
	if (f->level != (f->t->interrupt_status != 0))
		__builtin_trap();
	for (unsigned int i = 0; i < f->t->ops->num_queues; i++) {
		const struct virtq *q = &f->t->queues[i];

		if (q->ready && q->error == VIRTQ_OK &&
		    q->last_avail != q->used_idx)
			__builtin_trap(); /* a chain taken and never returned */
	}
	if (f->dev == FZ_NET && net.rx_len != 0 &&
	    (net.rx_len < VIRTIO_NET_HDR_SIZE + ETH_HLEN ||
	     net.rx_len > VIRTIO_NET_HDR_SIZE + VIRTIO_NET_PACKET_MAX))
		__builtin_trap();
}

/* What virtio-net sent, read so the socket never fills for good. */
static void drain_peer(void)
{
	while (recv(peer, packet, sizeof(packet), MSG_DONTWAIT) > 0)
		output_sum += packet[0];
}

static void mmio(struct fz *f, uint64_t offset, uint8_t *data, uint32_t len,
		 bool is_write)
{
	virtio_mmio_access(f->t, offset, data, len, is_write);
}

static void w32(struct fz *f, uint64_t offset, uint32_t val)
{
	uint8_t data[4] = { (uint8_t)val, (uint8_t)(val >> 8),
			    (uint8_t)(val >> 16), (uint8_t)(val >> 24) };

	mmio(f, offset, data, sizeof(data), true);
}

static uint32_t r32(struct fz *f, uint64_t offset)
{
	uint8_t d[4];

	mmio(f, offset, d, sizeof(d), false);
	return d[0] | d[1] << 8 | d[2] << 16 | (uint32_t)d[3] << 24;
}

static uint64_t ring_addr(unsigned int queue, uint64_t part)
{
	return queue * FZ_RING_STRIDE + part;
}

static uint32_t ring_num(const struct fz *f)
{
	return f->num ? f->num : FZ_TABLE_SIZE;
}

/* A buffer of len bytes from the heap area, round-robin. */
static uint64_t heap_alloc(struct fz *f, uint32_t len)
{
	uint64_t gpa;

	len = (len + 15) & ~15u;
	if (f->heap + len > FZ_RAM_SIZE)
		f->heap = FZ_HEAP_ADDR;
	gpa = f->heap;
	f->heap += len;
	return gpa;
}

static void put_desc(struct fz *f, unsigned int idx, uint64_t addr,
		     uint32_t len, uint16_t flags, uint16_t next)
{
	struct vring_desc d = { htole64(addr), htole32(len), htole16(flags),
				htole16(next) };

	memcpy(f->ram + ring_addr(f->cur, FZ_DESC_ADDR) +
		       (idx % FZ_TABLE_SIZE) * sizeof(d),
	       &d, sizeof(d));
}

static void put_avail(struct fz *f, uint16_t head)
{
	uint8_t *avail = f->ram + ring_addr(f->cur, FZ_AVAIL_ADDR);
	uint16_t slot = f->avail_idx[f->cur] % ring_num(f);
	uint16_t idx = htole16(++f->avail_idx[f->cur]);

	head = htole16(head);
	memcpy(avail + offsetof(struct vring_avail, ring) + 2 * slot, &head, 2);
	memcpy(avail + offsetof(struct vring_avail, idx), &idx, 2);
}

/* Raw operations: any register, width, address or value. */
static bool op_mmio_write32(struct fz *f)
{
	uint8_t reg;
	uint32_t val;

	if (!TAKE(f, reg) || !TAKE(f, val))
		return false;
	w32(f, (reg % (VIRTIO_MMIO_CONFIG / 4)) * 4, val);
	return true;
}

static bool op_mmio_read(struct fz *f)
{
	uint16_t offset;
	uint8_t width, data[8];

	if (!TAKE(f, offset) || !TAKE(f, width))
		return false;
	mmio(f, offset % VIRTIO_MMIO_SIZE, data, width % 9, false);
	return true;
}

static bool op_mmio_write(struct fz *f)
{
	uint16_t offset;
	uint8_t width, data[8];

	if (!TAKE(f, offset) || !TAKE(f, width) || !take(f, data, width % 9))
		return false;
	mmio(f, offset % VIRTIO_MMIO_SIZE, data, width % 9, true);
	return true;
}

static bool op_mem_write(struct fz *f)
{
	uint16_t gpa;
	uint8_t len, bytes[UINT8_MAX];

	if (!TAKE(f, gpa) || !TAKE(f, len) || !take(f, bytes, len))
		return false;
	memcpy(f->ram + gpa, bytes,
	       gpa + len > FZ_RAM_SIZE ? FZ_RAM_SIZE - gpa : len);
	return true;
}

static bool op_desc(struct fz *f, bool wide)
{
	uint8_t idx, flags, next;
	uint16_t addr16;
	uint64_t addr = 0;
	uint32_t len;

	if (!TAKE(f, idx) ||
	    !(wide ? TAKE(f, addr) : (TAKE(f, addr16) && (addr = addr16, 1))) ||
	    !TAKE(f, len) || !TAKE(f, flags) || !TAKE(f, next))
		return false;
	put_desc(f, idx, addr, len, flags, next);
	return true;
}

static bool op_desc16(struct fz *f)
{
	return op_desc(f, false);
}

static bool op_desc64(struct fz *f)
{
	return op_desc(f, true);
}

static bool op_avail(struct fz *f)
{
	uint8_t head;

	if (!TAKE(f, head))
		return false;
	put_avail(f, head);
	return true;
}

static bool op_avail_idx(struct fz *f)
{
	uint16_t idx;

	if (!TAKE(f, idx))
		return false;
	f->avail_idx[f->cur] = idx;
	idx = htole16(idx);
	memcpy(f->ram + ring_addr(f->cur, FZ_AVAIL_ADDR) +
		       offsetof(struct vring_avail, idx),
	       &idx, 2);
	return true;
}

static bool op_kick(struct fz *f)
{
	uint8_t queue;

	if (!TAKE(f, queue))
		return false;
	w32(f, VIRTIO_MMIO_QUEUE_NOTIFY, queue);
	return true;
}

static uint64_t init_features(const struct fz *f, uint8_t choice)
{
	uint64_t features = 0;

	if (!(choice & FZ_F_NO_VERSION))
		features |= 1ULL << VIRTIO_F_VERSION_1;
	if (choice & FZ_F_INDIRECT)
		features |= 1ULL << VIRTIO_RING_F_INDIRECT_DESC;
	if (choice & FZ_F_EVENT_IDX)
		features |= 1ULL << VIRTIO_RING_F_EVENT_IDX;
	if ((choice & FZ_F_DEVICE) && f->dev == FZ_BLK)
		features |= (1ULL << VIRTIO_BLK_F_FLUSH) |
			    (1ULL << VIRTIO_BLK_F_SEG_MAX) |
			    (1ULL << VIRTIO_BLK_F_SIZE_MAX);
	if ((choice & FZ_F_DEVICE) && f->dev == FZ_NET)
		features |= 1ULL << VIRTIO_NET_F_MAC;
	if ((choice & FZ_F_RO) && f->dev == FZ_NET)
		features |= NET_OFFLOAD_FEATURES;
	if ((choice & FZ_F_RO) && f->dev == FZ_BLK)
		features |= 1ULL << VIRTIO_BLK_F_RO;
	if (choice & FZ_F_UNOFFERED)
		features |= 1ULL << UNOFFERED_FEATURE;
	return features;
}

static void write_pair(struct fz *f, uint32_t low_reg, uint64_t addr)
{
	w32(f, low_reg, (uint32_t)addr);
	w32(f, low_reg + 4, (uint32_t)(addr >> 32)); /* the High register */
}

/* Queue i at its place, or (as order says) misaligned or beyond RAM. */
static void init_queue(struct fz *f, unsigned int i, uint8_t order)
{
	uint64_t desc = ring_addr(i, FZ_DESC_ADDR);
	uint64_t used = ring_addr(i, FZ_USED_ADDR);

	if (order & FZ_Q_MISALIGN)
		desc += VRING_DESC_ALIGN_SIZE / 2;
	if (order & FZ_Q_BEYOND_RAM)
		used += (uint64_t)1 << 32;
	w32(f, VIRTIO_MMIO_QUEUE_SEL, i);
	w32(f, VIRTIO_MMIO_QUEUE_NUM, f->num);
	write_pair(f, VIRTIO_MMIO_QUEUE_DESC_LOW, desc);
	write_pair(f, VIRTIO_MMIO_QUEUE_AVAIL_LOW, ring_addr(i, FZ_AVAIL_ADDR));
	write_pair(f, VIRTIO_MMIO_QUEUE_USED_LOW, used);
	w32(f, VIRTIO_MMIO_QUEUE_READY, 1);
}

/* What a driver does at probe time, with fresh (zeroed) rings. */
static bool op_init(struct fz *f)
{
	uint8_t choice, order;
	uint64_t features;

	if (!TAKE(f, choice) || !TAKE(f, order))
		return false;
	features = init_features(f, choice);
	f->num = 1u << ((order & FZ_Q_ORDER) % 10); /* 1 to 512: too big too */
	memset(f->ram, 0, FZ_HEAP_ADDR);
	memset(f->avail_idx, 0, sizeof(f->avail_idx));
	memset(f->next_desc, 0, sizeof(f->next_desc));
	w32(f, VIRTIO_MMIO_STATUS, 0);
	w32(f, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	w32(f, VIRTIO_MMIO_STATUS, STATUS_INIT);
	w32(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	w32(f, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	w32(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	w32(f, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	w32(f, VIRTIO_MMIO_STATUS, STATUS_INIT | VIRTIO_CONFIG_S_FEATURES_OK);
	for (unsigned int i = 0; i < f->t->ops->num_queues; i++)
		init_queue(f, i, order);
	w32(f, VIRTIO_MMIO_STATUS,
	    r32(f, VIRTIO_MMIO_STATUS) | VIRTIO_CONFIG_S_DRIVER_OK);
	return true;
}

struct fz_buf {
	uint64_t gpa;
	uint32_t len;
	uint16_t flags;
};

struct fz_req {
	uint8_t type, sector, segments, size, layout;
};

static uint32_t segment_size(uint8_t size)
{
	static const uint32_t sizes[] = { BLK_SECTOR_SIZE, 2 * BLK_SECTOR_SIZE,
					  VIRTIO_BLK_ID_BYTES };

	return size < 3 ? sizes[size] : size * 8u;
}

/* A virtio-blk request, well-formed unless the layout says otherwise. */
static unsigned int blk_bufs(struct fz *f, const struct fz_req *r,
			     struct fz_buf *bufs)
{
	static const uint32_t types[] = {
		VIRTIO_BLK_T_IN,     VIRTIO_BLK_T_OUT,	   VIRTIO_BLK_T_FLUSH,
		VIRTIO_BLK_T_GET_ID, VIRTIO_BLK_T_DISCARD, UINT32_MAX
	};
	uint32_t type = types[r->type % 6], seg = segment_size(r->size);
	bool in = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
	unsigned int nseg = r->segments % 9, n = 0;
	bool merge = (r->layout & FZ_L_ANY_LAYOUT) && !in && nseg > 0;
	uint32_t hdr_len = (r->layout & FZ_L_SHORT_HDR) ? 8 : 16;
	struct virtio_blk_outhdr hdr = {
		htole32(type), 0,
		htole64((r->layout & FZ_L_WILD_SECTOR) ? UINT64_MAX - r->sector
						       : r->sector)
	};

	bufs[n].len = hdr_len + (merge ? seg : 0);
	bufs[n].gpa = heap_alloc(f, bufs[n].len);
	bufs[n++].flags = 0;
	memcpy(f->ram + bufs[0].gpa, &hdr, hdr_len);
	for (unsigned int i = merge ? 1 : 0; i < nseg; i++, n++)
		bufs[n] = (struct fz_buf){ heap_alloc(f, seg), seg,
					   in ? VRING_DESC_F_WRITE : 0 };
	bufs[n].len = (r->layout & FZ_L_STATUS_ZERO) ? 0 : 1;
	bufs[n].gpa = heap_alloc(f, 1);
	bufs[n++].flags = (r->layout & FZ_L_STATUS_RO) ? 0 : VRING_DESC_F_WRITE;
	return n;
}

/* Console buffers: writable for receiveq, readable for transmitq. */
static unsigned int console_bufs(struct fz *f, const struct fz_req *r,
				 struct fz_buf *bufs)
{
	unsigned int n = r->segments % 9;
	uint16_t flags =
		f->cur == VIRTIO_CONSOLE_RECEIVEQ ? VRING_DESC_F_WRITE : 0;

	for (unsigned int i = 0; i < n; i++)
		bufs[i] = (struct fz_buf){ heap_alloc(f, r->size), r->size,
					   flags };
	if (n && (r->layout & FZ_L_STATUS_RO))
		bufs[n - 1].flags ^= VRING_DESC_F_WRITE;
	return n;
}

/* A virtio-net header as r->type says (flags and GSO type), with offsets
 * from r's other fields: valid or not, as the fuzzer mutates them. */
static struct virtio_net_hdr_v1 net_tx_header(const struct fz_req *r)
{
	static const uint8_t headers[NET_HEADERS][2] = {
		{ 0, VIRTIO_NET_HDR_GSO_NONE },
		{ VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_NONE },
		{ VIRTIO_NET_HDR_F_DATA_VALID, VIRTIO_NET_HDR_GSO_NONE },
		{ VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4 },
		{ VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV6 },
		{ 0, VIRTIO_NET_HDR_GSO_TCPV4 },
		{ VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_UDP },
		{ VIRTIO_NET_HDR_F_NEEDS_CSUM,
		  VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN },
	};
	const uint8_t *h = headers[r->type % NET_HEADERS];

	return (struct virtio_net_hdr_v1){
		.flags = h[0],
		.gso_type = h[1],
		.hdr_len = htole16(r->sector * 4u),
		.gso_size = htole16(r->size * 8u),
		.csum_start = htole16(r->sector),
		.csum_offset = htole16(r->type / NET_HEADERS),
		.num_buffers = htole16(r->segments),
	};
}

/* A virtio-net transmit chain: [header][frame], the header from
 * net_tx_header(), short with FZ_L_SHORT_HDR, in one buffer with
 * FZ_L_ANY_LAYOUT, or a frame too long for any packet (one buffer given
 * many times); with FZ_L_STATUS_RO a writable buffer at the end, which
 * must be ignored. */
static unsigned int net_tx_bufs(struct fz *f, const struct fz_req *r,
				struct fz_buf *bufs)
{
	uint32_t hdr_len = (r->layout & FZ_L_SHORT_HDR) ? 8 : 12;
	uint32_t frame = r->size * 8u + r->sector;
	struct virtio_net_hdr_v1 hdr = net_tx_header(r);
	bool merge = r->layout & FZ_L_ANY_LAYOUT;
	unsigned int n = 0;

	bufs[n].len = hdr_len + (merge ? frame : 0);
	bufs[n].gpa = heap_alloc(f, bufs[n].len);
	bufs[n++].flags = 0;
	memcpy(f->ram + bufs[0].gpa, &hdr, hdr_len);
	if (r->layout & FZ_L_WILD_SECTOR) {
		uint64_t seg = heap_alloc(f, NET_BIG_SEG);

		for (uint32_t len = 0; len <= VIRTIO_NET_PACKET_MAX;
		     len += NET_BIG_SEG)
			bufs[n++] = (struct fz_buf){ seg, NET_BIG_SEG, 0 };
	} else if (!merge && frame > 0) {
		bufs[n++] = (struct fz_buf){ heap_alloc(f, frame), frame, 0 };
	}
	if (r->layout & FZ_L_STATUS_RO)
		bufs[n++] = (struct fz_buf){ heap_alloc(f, 64), 64,
					     VRING_DESC_F_WRITE };
	return n;
}

/* virtio-net receive buffers: segments of size * 8 bytes, writable;
 * with FZ_L_STATUS_RO the first one readable, which must be ignored. */
static unsigned int net_bufs(struct fz *f, const struct fz_req *r,
			     struct fz_buf *bufs)
{
	uint32_t len = r->size * 8u;
	unsigned int n = r->segments % 9;

	if (f->cur == VIRTIO_NET_TXQ)
		return net_tx_bufs(f, r, bufs);
	for (unsigned int i = 0; i < n; i++)
		bufs[i] = (struct fz_buf){ heap_alloc(f, len), len,
					   VRING_DESC_F_WRITE };
	if (n && (r->layout & FZ_L_STATUS_RO))
		bufs[0].flags = 0;
	return n;
}

/* Chain n buffers from next_desc (or in one indirect table). */
static uint16_t add_chain(struct fz *f, struct fz_buf *bufs, unsigned int n,
			  bool indirect)
{
	uint16_t head = f->next_desc[f->cur] % ring_num(f), idx = head;

	if (indirect) {
		uint64_t table = heap_alloc(f, n * sizeof(struct vring_desc));

		for (unsigned int i = 0; i < n; i++) {
			uint16_t more = i + 1 < n ? VRING_DESC_F_NEXT : 0;
			struct vring_desc d = { htole64(bufs[i].gpa),
						htole32(bufs[i].len),
						htole16(bufs[i].flags | more),
						htole16(more ? i + 1 : 0) };

			memcpy(f->ram + table + i * sizeof(d), &d, sizeof(d));
		}
		bufs[0] = (struct fz_buf){ table, n * sizeof(struct vring_desc),
					   VRING_DESC_F_INDIRECT };
		n = 1;
	}
	for (unsigned int i = 0; i < n; i++) {
		uint16_t next = (idx + 1) % ring_num(f);
		uint16_t more = i + 1 < n ? VRING_DESC_F_NEXT : 0;

		put_desc(f, idx, bufs[i].gpa, bufs[i].len, bufs[i].flags | more,
			 next);
		idx = next;
	}
	f->next_desc[f->cur] += n;
	return head;
}

static bool op_request(struct fz *f)
{
	struct fz_req r;
	struct fz_buf bufs[FZ_BUFS];
	unsigned int n;

	if (!TAKE(f, r.type) || !TAKE(f, r.sector) || !TAKE(f, r.segments) ||
	    !TAKE(f, r.size) || !TAKE(f, r.layout))
		return false;
	f->cur = (f->dev != FZ_BLK && (r.layout & FZ_L_QUEUE_1)) ? 1 : 0;
	if (f->dev == FZ_BLK)
		n = blk_bufs(f, &r, bufs);
	else if (f->dev == FZ_CONSOLE)
		n = console_bufs(f, &r, bufs);
	else
		n = net_bufs(f, &r, bufs);
	if (n == 0)
		return true;
	put_avail(f, add_chain(f, bufs, n, r.layout & FZ_L_INDIRECT));
	w32(f, VIRTIO_MMIO_QUEUE_NOTIFY, f->cur);
	return true;
}

static bool op_ack(struct fz *f)
{
	w32(f, VIRTIO_MMIO_INTERRUPT_ACK, r32(f, VIRTIO_MMIO_INTERRUPT_STATUS));
	return true;
}

static bool op_reset(struct fz *f)
{
	w32(f, VIRTIO_MMIO_STATUS, 0);
	return true;
}

static bool op_used_event(struct fz *f)
{
	uint16_t event;

	if (!TAKE(f, event))
		return false;
	event = htole16(event);
	memcpy(f->ram + ring_addr(f->cur, FZ_AVAIL_ADDR) +
		       offsetof(struct vring_avail, ring) + 2 * ring_num(f),
	       &event, 2);
	return true;
}

static bool op_input(struct fz *f)
{
	uint8_t len, bytes[UINT8_MAX];

	if (!TAKE(f, len) || !take(f, bytes, len))
		return false;
	if (f->dev == FZ_CONSOLE)
		virtio_console_input(&con, bytes, len);
	else if (f->dev == FZ_NET) /* len 0: reads as the tap closing */
		send(peer, bytes, len, MSG_DONTWAIT);
	return true;
}

/* A tap message: a zero header, then seed, seed + 1, ...; of len bytes,
 * or (FZ_PACKET_TOO_LONG) one byte longer than any packet can be. */
static bool op_packet(struct fz *f)
{
	uint16_t len16;
	uint8_t seed;
	size_t len;

	if (!TAKE(f, len16) || !TAKE(f, seed))
		return false;
	if (f->dev != FZ_NET || len16 == 0)
		return true;
	len = len16 == FZ_PACKET_TOO_LONG
		      ? VIRTIO_NET_HDR_SIZE + VIRTIO_NET_PACKET_MAX + 1
		      : len16;
	memset(packet, 0, VIRTIO_NET_HDR_SIZE);
	for (size_t i = VIRTIO_NET_HDR_SIZE; i < len; i++)
		packet[i] = (uint8_t)(seed + i);
	send(peer, packet, len, MSG_DONTWAIT);
	return true;
}

static bool op_select(struct fz *f)
{
	uint8_t queue;

	if (!TAKE(f, queue))
		return false;
#ifdef FUZZ_PLANTED_BUG /* fuzz.mk's fuzz-planted: a bug that must crash */
	f->cur = queue;
#else
	f->cur = queue % FZ_QUEUES;
#endif
	return true;
}

static bool (*const ops[FZ_OP_COUNT])(struct fz *) = {
	[FZ_MMIO_WRITE32] = op_mmio_write32,
	[FZ_MMIO_READ] = op_mmio_read,
	[FZ_MMIO_WRITE] = op_mmio_write,
	[FZ_MEM_WRITE] = op_mem_write,
	[FZ_DESC] = op_desc16,
	[FZ_DESC64] = op_desc64,
	[FZ_AVAIL] = op_avail,
	[FZ_AVAIL_IDX] = op_avail_idx,
	[FZ_KICK] = op_kick,
	[FZ_INIT] = op_init,
	[FZ_REQUEST] = op_request,
	[FZ_ACK] = op_ack,
	[FZ_RESET] = op_reset,
	[FZ_USED_EVENT] = op_used_event,
	[FZ_INPUT] = op_input,
	[FZ_SELECT] = op_select,
	[FZ_PACKET] = op_packet,
};

static void console_output(void *opaque, const uint8_t *buf, size_t len)
{
	(void)opaque;
	for (size_t i = 0; i < len; i++)
		output_sum += buf[i];
}

/* The image: a memfd of DISK_SECTORS sectors, opened by path per run. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd = memfd_create("fuzz-virtio-disk", 0);

	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	if (fd < 0 || ftruncate(fd, DISK_SECTORS * BLK_SECTOR_SIZE)) {
		perror("fuzz_virtio: memfd");
		exit(1);
	}
	snprintf(disk_path, sizeof(disk_path), "/proc/self/fd/%d", fd);
	return 0;
}

/* virtio-net on one end of a fresh socketpair; the fuzzer has the other. */
static bool start_net(struct fz *f)
{
	int sv[2], size = NET_PEER_SNDBUF;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return false;
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	peer = sv[1];
	if (virtio_net_init(&net, sv[0], net_mac, true, &f->mem, &f->irq))
		return false;
	f->t = &net.mmio;
	return true;
}

static bool start(struct fz *f, uint8_t device)
{
	f->ram = calloc(1, FZ_RAM_SIZE);
	f->mem = (struct guest_mem){ f->ram, FZ_RAM_SIZE };
	f->irq = (struct irq_line){ .set_level = set_level, .opaque = f };
	f->heap = FZ_HEAP_ADDR;
	f->dev = (device & FZ_DEV_NET)	     ? FZ_NET
		 : (device & FZ_DEV_CONSOLE) ? FZ_CONSOLE
					     : FZ_BLK;
	if (f->dev == FZ_NET)
		return start_net(f);
	if (f->dev == FZ_BLK) {
		if (virtio_blk_init(&blk, disk_path, device & FZ_DEV_RO,
				    &f->mem, &f->irq))
			return false;
		f->t = &blk.mmio;
	} else {
		if (virtio_console_init(&con, console_output, NULL, &f->mem,
					&f->irq))
			return false;
		f->t = &con.mmio;
	}
	return true;
}

static void stop(struct fz *f)
{
	if (f->dev == FZ_BLK) {
		virtio_blk_exit(&blk);
	} else if (f->dev == FZ_CONSOLE) {
		virtio_console_exit(&con);
	} else {
		virtio_net_exit(&net);
		close(peer);
	}
	free(f->ram);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { .p = data + 1, .n = size ? size - 1 : 0 };
	uint8_t op;

	if (size == 0)
		return 0;
	if (!start(&f, data[0]))
		abort();
	while (TAKE(&f, op) && ops[op % FZ_OP_COUNT](&f)) {
		check_invariants(&f);
		if (f.dev == FZ_NET)
			drain_peer();
	}
	stop(&f);
	return 0;
}
