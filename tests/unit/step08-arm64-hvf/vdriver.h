/*
 * vdriver.h - the guest side of the virtio unit tests: guest RAM between
 * two guard zones, split rings laid out in it, chains built by hand, and
 * (when the test includes the transport) the register sequence a driver
 * follows in "Device Initialization".
 *
 * Runs: on the host, in the Check unit tests of step07-virtio and
 * step08-arm64-hvf; included after the sources under test.
 * Spec: virtio 1.x, "Split Virtqueues" (the driver's side: "Supplying
 * Buffers to The Device"), "Virtio Over MMIO" ("Virtqueue Configuration").
 */
#ifndef VDRIVER_H
#define VDRIVER_H

#include <check.h>
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#define VD_GUARD      4096
#define VD_GUARD_BYTE 0xAA
#define VD_HEAP_BASE  0x20000 /* buffers from here; rings below */
#define VD_RING_BASE  0x1000
#define VD_RING_SPAN  0x4000 /* one queue's rings, num <= 256 */
#define VD_ALIGN      16

/* Guest RAM, with guard zones that must stay untouched. */
struct vd_ram {
	uint8_t *block;
	struct guest_mem mem;
	uint64_t heap;
};

static void vd_ram_init(struct vd_ram *r, uint64_t size)
{
	r->block = malloc(VD_GUARD + size + VD_GUARD);
	ck_assert_ptr_nonnull(r->block);
	memset(r->block, VD_GUARD_BYTE, VD_GUARD);
	memset(r->block + VD_GUARD, 0, size);
	memset(r->block + VD_GUARD + size, VD_GUARD_BYTE, VD_GUARD);
	r->mem.base = r->block + VD_GUARD;
	r->mem.size = size;
	r->heap = VD_HEAP_BASE;
}

static void vd_ram_free(struct vd_ram *r)
{
	for (size_t i = 0; i < VD_GUARD; i++) {
		ck_assert_uint_eq(r->block[i], VD_GUARD_BYTE);
		ck_assert_uint_eq(r->block[VD_GUARD + r->mem.size + i],
				  VD_GUARD_BYTE);
	}
	free(r->block);
}

static void *vd_ptr(struct vd_ram *r, uint64_t gpa)
{
	return r->mem.base + gpa;
}

/* A fresh guest buffer of len bytes, 16-aligned, zeroed. */
static uint64_t vd_alloc(struct vd_ram *r, uint64_t len)
{
	uint64_t gpa = r->heap;

	r->heap = (r->heap + len + VD_ALIGN - 1) & ~(uint64_t)(VD_ALIGN - 1);
	ck_assert_uint_le(r->heap, r->mem.size);
	memset(vd_ptr(r, gpa), 0, len);
	return gpa;
}

/* One split ring as the driver sees it. */
struct vd_ring {
	struct vd_ram *ram;
	uint32_t num;
	uint64_t desc, avail, used;
	uint16_t avail_idx; /* the driver's next avail.idx */
	uint16_t next_desc; /* the next free descriptor */
};

/* Lay the three parts out packed from base, each at its alignment. */
static void vd_ring_init(struct vd_ring *g, struct vd_ram *r, uint32_t num,
			 uint64_t base)
{
	memset(g, 0, sizeof(*g));
	g->ram = r;
	g->num = num;
	g->desc = base;
	g->avail = base + sizeof(struct vring_desc) * num;
	g->used = (g->avail + 6 + 2 * num + VRING_USED_ALIGN_SIZE - 1) &
		  ~(uint64_t)(VRING_USED_ALIGN_SIZE - 1);
}

static struct vring_desc *vd_desc(struct vd_ring *g, uint32_t idx)
{
	return (struct vring_desc *)vd_ptr(g->ram, g->desc) + idx;
}

static void vd_set_desc(struct vd_ring *g, uint32_t idx, uint64_t addr,
			uint32_t len, uint16_t flags, uint16_t next)
{
	struct vring_desc *d = vd_desc(g, idx);

	d->addr = htole64(addr);
	d->len = htole32(len);
	d->flags = htole16(flags);
	d->next = htole16(next);
}

/* A buffer of a chain: flags is 0 or VRING_DESC_F_WRITE (or INDIRECT). */
struct vd_buf {
	uint64_t gpa;
	uint32_t len;
	uint16_t flags;
};

/* Write n descriptors from next_desc, chained with NEXT; return the head. */
static uint16_t vd_add_chain(struct vd_ring *g, const struct vd_buf *bufs,
			     unsigned int n)
{
	uint16_t head = g->next_desc % g->num;

	for (unsigned int i = 0; i < n; i++) {
		uint16_t idx = (g->next_desc + i) % g->num;
		uint16_t next = (g->next_desc + i + 1) % g->num;
		uint16_t more = i + 1 < n ? VRING_DESC_F_NEXT : 0;

		vd_set_desc(g, idx, bufs[i].gpa, bufs[i].len,
			    bufs[i].flags | more, more ? next : 0);
	}
	g->next_desc += n;
	return head;
}

/* An indirect table at gpa: n entries chained 0 -> 1 -> ... */
static void vd_write_table(struct vd_ram *r, uint64_t gpa,
			   const struct vd_buf *bufs, unsigned int n)
{
	uint8_t *table = vd_ptr(r, gpa);

	for (unsigned int i = 0; i < n; i++) {
		uint16_t more = i + 1 < n ? VRING_DESC_F_NEXT : 0;
		struct vring_desc d = {
			.addr = htole64(bufs[i].gpa),
			.len = htole32(bufs[i].len),
			.flags = htole16(bufs[i].flags | more),
			.next = htole16(more ? i + 1 : 0),
		};

		memcpy(table + i * sizeof(d), &d, sizeof(d));
	}
}

/* Put head in the available ring and publish it (release, as a driver). */
static void vd_make_available(struct vd_ring *g, uint16_t head)
{
	struct vring_avail *avail = vd_ptr(g->ram, g->avail);

	avail->ring[g->avail_idx % g->num] = htole16(head);
	g->avail_idx++;
	__atomic_store_n(&avail->idx, htole16(g->avail_idx), __ATOMIC_RELEASE);
}

static struct vring_avail *vd_avail(struct vd_ring *g)
{
	return vd_ptr(g->ram, g->avail);
}

static struct vring_used *vd_used(struct vd_ring *g)
{
	return vd_ptr(g->ram, g->used);
}

static uint16_t vd_used_idx(struct vd_ring *g)
{
	return le16toh(__atomic_load_n(&vd_used(g)->idx, __ATOMIC_ACQUIRE));
}

static uint32_t vd_used_id(struct vd_ring *g, uint16_t i)
{
	return le32toh(vd_used(g)->ring[i % g->num].id);
}

static uint32_t vd_used_len(struct vd_ring *g, uint16_t i)
{
	return le32toh(vd_used(g)->ring[i % g->num].len);
}

#ifdef VIRTIO_MMIO_H
/* A device behind the transport, and its interrupt line. */
struct vdev {
	struct vd_ram ram;
	struct virtio_mmio *t;
	struct irq_line irq;
	bool level;
	unsigned int raises, lowers;
	struct vd_ring rings[VIRTIO_MMIO_QUEUES_MAX];
};

/* irq.h's contract: set_level is called only when the level changes. */
static void vd_set_level(struct irq_line *line, bool level)
{
	struct vdev *vd = line->opaque;

	ck_assert(level != vd->level);
	vd->level = level;
	if (level)
		vd->raises++;
	else
		vd->lowers++;
}

static void vd_init(struct vdev *vd, uint64_t ram_size)
{
	memset(vd, 0, sizeof(*vd));
	vd_ram_init(&vd->ram, ram_size);
	vd->irq.set_level = vd_set_level;
	vd->irq.opaque = vd;
}

/* An access of len bytes (1 to 8), little-endian, as the bus makes it. */
static uint64_t vd_read(struct vdev *vd, uint64_t offset, uint32_t len)
{
	uint8_t data[8] = { 0 };
	uint64_t val = 0;

	memset(data, 0x5a, sizeof(data)); /* must be overwritten */
	virtio_mmio_access(vd->t, offset, data, len, false);
	for (uint32_t i = 0; i < len; i++)
		val |= (uint64_t)data[i] << (8 * i);
	return val;
}

static void vd_write(struct vdev *vd, uint64_t offset, uint32_t len,
		     uint64_t val)
{
	uint8_t data[8];

	for (uint32_t i = 0; i < len; i++)
		data[i] = (uint8_t)(val >> (8 * i));
	virtio_mmio_access(vd->t, offset, data, len, true);
}

static uint32_t vd_r32(struct vdev *vd, uint64_t offset)
{
	return (uint32_t)vd_read(vd, offset, 4);
}

static void vd_w32(struct vdev *vd, uint64_t offset, uint32_t val)
{
	vd_write(vd, offset, 4, val);
}

static uint64_t vd_device_features(struct vdev *vd)
{
	uint64_t features;

	vd_w32(vd, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	features = (uint64_t)vd_r32(vd, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	vd_w32(vd, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return features | vd_r32(vd, VIRTIO_MMIO_DEVICE_FEATURES);
}

static void vd_add_status(struct vdev *vd, uint32_t bits)
{
	vd_w32(vd, VIRTIO_MMIO_STATUS, vd_r32(vd, VIRTIO_MMIO_STATUS) | bits);
}

/* Reset, ACKNOWLEDGE, DRIVER, accept features, FEATURES_OK; return Status. */
static uint32_t vd_negotiate(struct vdev *vd, uint64_t features)
{
	vd_w32(vd, VIRTIO_MMIO_STATUS, 0);
	vd_add_status(vd, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	vd_add_status(vd, VIRTIO_CONFIG_S_DRIVER);
	vd_w32(vd, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	vd_w32(vd, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	vd_w32(vd, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	vd_w32(vd, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	vd_add_status(vd, VIRTIO_CONFIG_S_FEATURES_OK);
	return vd_r32(vd, VIRTIO_MMIO_STATUS);
}

static void vd_queue_regs(struct vdev *vd, uint32_t index, uint32_t num,
			  uint64_t desc, uint64_t avail, uint64_t used)
{
	vd_w32(vd, VIRTIO_MMIO_QUEUE_SEL, index);
	vd_w32(vd, VIRTIO_MMIO_QUEUE_NUM, num);
	vd_w32(vd, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	vd_w32(vd, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	vd_w32(vd, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)avail);
	vd_w32(vd, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(avail >> 32));
	vd_w32(vd, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)used);
	vd_w32(vd, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(used >> 32));
}

/* "Virtqueue Configuration", with our ring layout; returns QueueReady. */
static uint32_t vd_setup_queue(struct vdev *vd, uint32_t index, uint32_t num)
{
	struct vd_ring *g = &vd->rings[index];

	vd_ring_init(g, &vd->ram, num, VD_RING_BASE + index * VD_RING_SPAN);
	vd_queue_regs(vd, index, num, g->desc, g->avail, g->used);
	vd_w32(vd, VIRTIO_MMIO_QUEUE_READY, 1);
	return vd_r32(vd, VIRTIO_MMIO_QUEUE_READY);
}

/* The whole sequence: features, nqueues queues of num, DRIVER_OK. */
static void vd_bring_up(struct vdev *vd, uint64_t features,
			unsigned int nqueues, uint32_t num)
{
	uint32_t status = vd_negotiate(vd, features);

	ck_assert_uint_eq(status & VIRTIO_CONFIG_S_FEATURES_OK,
			  VIRTIO_CONFIG_S_FEATURES_OK);
	for (unsigned int i = 0; i < nqueues; i++)
		ck_assert_uint_eq(vd_setup_queue(vd, i, num), 1);
	vd_add_status(vd, VIRTIO_CONFIG_S_DRIVER_OK);
	ck_assert_uint_eq(vd_r32(vd, VIRTIO_MMIO_STATUS),
			  VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
				  VIRTIO_CONFIG_S_FEATURES_OK |
				  VIRTIO_CONFIG_S_DRIVER_OK);
}

static void vd_kick(struct vdev *vd, uint32_t index)
{
	vd_w32(vd, VIRTIO_MMIO_QUEUE_NOTIFY, index);
}

/* Acknowledge whatever InterruptStatus shows; return what it showed. */
static uint32_t vd_ack(struct vdev *vd)
{
	uint32_t isr = vd_r32(vd, VIRTIO_MMIO_INTERRUPT_STATUS);

	vd_w32(vd, VIRTIO_MMIO_INTERRUPT_ACK, isr);
	return isr;
}
#endif

#endif
