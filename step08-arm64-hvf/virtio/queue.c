/*
 * queue.c - the split virtqueue, device side: every check a hostile
 * driver needs (QEMU's virtqueue_split_pop and Firecracker's queue.rs
 * check the same things; read them side by side with this file).
 *
 * Runs: userspace (the VMM), with the device's lock held, on whichever
 * thread serves the device.  Host unit tests include this file directly.
 *
 * Spec: virtio 1.x, "Split Virtqueues" and its subsections ("The Virtqueue
 * Descriptor Table", "Indirect Descriptors", "The Virtqueue Available
 * Ring", "The Virtqueue Used Ring", "Used Buffer Notification
 * Suppression", "Available Buffer Notification Suppression",
 * "Virtqueue Operation") and "Message Framing".
 *
 * Memory ordering: the driver writes descriptors and avail.ring[] before
 * it publishes avail.idx (a release, "Updating idx"), so we read
 * avail.idx with acquire semantics and only then the entries it covers.
 * We write used.ring[] before used.idx with release semantics.  Deciding
 * whether to interrupt or to ask for a kick needs a full fence between
 * our store and our load of the driver's event index, as the driver has
 * between its own ("Notifying The Device").
 */
#define _DEFAULT_SOURCE 1
#include <endian.h>
#include <string.h>

#include "queue.h"

/* Sizes of the three parts ("Split Virtqueues", the table of sizes). */
static uint64_t desc_table_bytes(uint64_t num)
{
	return sizeof(struct vring_desc) * num;
}

static uint64_t avail_ring_bytes(uint64_t num) /* + used_event */
{
	return offsetof(struct vring_avail, ring) + sizeof(__virtio16) * num +
	       sizeof(__virtio16);
}

static uint64_t used_ring_bytes(uint64_t num) /* + avail_event */
{
	return offsetof(struct vring_used, ring) +
	       sizeof(struct vring_used_elem) * num + sizeof(__virtio16);
}

/* One read of a 16-bit ring field the guest may be writing right now. */
static uint16_t guest_load16(const __virtio16 *p, int order)
{
	return le16toh(__atomic_load_n(p, order));
}

static uint16_t *avail_event(struct virtq *q) /* used->ring[num] */
{
	return (uint16_t *)&q->used->ring[q->num];
}

static uint16_t used_event(struct virtq *q) /* avail->ring[num] */
{
	return guest_load16(&q->avail->ring[q->num], __ATOMIC_RELAXED);
}

/* Back to the state after reset: not ready, nothing configured. */
void virtq_init(struct virtq *q, uint32_t num_max)
{
	memset(q, 0, sizeof(*q));
	q->num_max = num_max;
}

void virtq_set_broken(struct virtq *q, enum virtq_error why)
{
	if (q->error == VIRTQ_OK)
		q->error = why;
}

/*
 * Check the driver's queue configuration ("Split Virtqueues": sizes and
 * alignments; "The driver MUST ensure that the physical address of the
 * first byte of each virtqueue part is a multiple of the specified
 * alignment value") and that each part lies in guest RAM.
 */
static enum virtq_error check_layout(const struct virtq *q,
				     const struct guest_mem *mem)
{
	uint32_t num = q->num;

	if (num == 0 || num > q->num_max || (num & (num - 1)) != 0)
		return VIRTQ_ERR_SIZE;
	if (q->desc_gpa % VRING_DESC_ALIGN_SIZE ||
	    q->avail_gpa % VRING_AVAIL_ALIGN_SIZE ||
	    q->used_gpa % VRING_USED_ALIGN_SIZE)
		return VIRTQ_ERR_ALIGN;
	if (!gpa_range_ok(q->desc_gpa, desc_table_bytes(num), mem->size) ||
	    !gpa_range_ok(q->avail_gpa, avail_ring_bytes(num), mem->size) ||
	    !gpa_range_ok(q->used_gpa, used_ring_bytes(num), mem->size))
		return VIRTQ_ERR_RING_RANGE;
	return VIRTQ_OK;
}

/*
 * QueueReady was written 1: check the configuration and start from index
 * 0 on both rings.  On failure the queue stays not ready and is broken.
 */
enum virtq_error virtq_enable(struct virtq *q, const struct guest_mem *mem,
			      uint64_t features)
{
	enum virtq_error err = check_layout(q, mem);

	if (err != VIRTQ_OK) {
		virtq_set_broken(q, err);
		return err;
	}
	q->mem = mem;
	q->desc = gpa_to_hva(mem, q->desc_gpa, desc_table_bytes(q->num));
	q->avail = gpa_to_hva(mem, q->avail_gpa, avail_ring_bytes(q->num));
	q->used = gpa_to_hva(mem, q->used_gpa, used_ring_bytes(q->num));
	q->indirect = features & (1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	q->event_idx = features & (1ULL << VIRTIO_RING_F_EVENT_IDX);
	q->last_avail = 0;
	q->used_idx = 0;
	q->signalled_valid = false;
	q->pushed = false;
	q->ready = true;
	return VIRTQ_OK;
}

/* book:begin avail_pending */
/*
 * How many chains the driver has made available that we have not taken.
 * avail.idx is free-running: it may wrap, but it can never be more than
 * Queue Size ahead of us, since there are only that many descriptors to
 * hand out ("The Virtqueue Available Ring").  A driver that moves it
 * further is lying, and trusting it would make us serve stale slots
 * again and again.  (QEMU's CVE-2016-5403 is the sibling bug: a guest
 * kept more requests in flight than the queue has slots, and QEMU
 * allocated memory for each.)  Returns -1 and breaks the queue then.
 */
static int avail_pending(struct virtq *q)
{
	uint16_t pending =
		guest_load16(&q->avail->idx, __ATOMIC_ACQUIRE) - q->last_avail;

	if (pending == 0 && q->event_idx) {
		/*
		 * Going idle: ask to be kicked when the driver fills slot
		 * last_avail, then look again, in case it did so before it
		 * could see our request.
		 */
		__atomic_store_n(avail_event(q), htole16(q->last_avail),
				 __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		pending = guest_load16(&q->avail->idx, __ATOMIC_ACQUIRE) -
			  q->last_avail;
	}
	if (pending > q->num) {
		virtq_set_broken(q, VIRTQ_ERR_AVAIL_IDX);
		return -1;
	}
	return pending;
}
/* book:end avail_pending */

/* book:begin chain_add */
/* Append one buffer to the chain, checking everything the guest said. */
static enum virtq_error chain_add(const struct virtq *q,
				  struct virtq_chain *chain,
				  const struct vring_desc *desc)
{
	uint64_t gpa = le64toh(desc->addr);
	uint32_t len = le32toh(desc->len);
	bool writable = le16toh(desc->flags) & VRING_DESC_F_WRITE;
	unsigned int n = chain->nr_readable + chain->nr_writable;
	void *hva;

	if (len == 0)
		return VIRTQ_ERR_ZERO_LEN;
	hva = gpa_to_hva(q->mem, gpa, len);
	if (!hva)
		return VIRTQ_ERR_BUF_RANGE;
	if (!writable && chain->nr_writable)
		return VIRTQ_ERR_READ_AFTER_WRITE;
	if (n == VIRTQ_SIZE_MAX)
		return VIRTQ_ERR_TOO_LONG;
	if (chain->readable_bytes + chain->writable_bytes + len > UINT32_MAX)
		return VIRTQ_ERR_CHAIN_BYTES;
	chain->iov[n].iov_base = hva;
	chain->iov[n].iov_len = len;
	if (writable) {
		chain->nr_writable++;
		chain->writable_bytes += len;
	} else {
		chain->nr_readable++;
		chain->readable_bytes += len;
	}
	return VIRTQ_OK;
}
/* book:end chain_add */

/*
 * A descriptor with VRING_DESC_F_INDIRECT: its buffer is a table of
 * descriptors that continues the chain ("Indirect Descriptors").  The
 * driver may not nest tables nor combine INDIRECT with NEXT; we refuse
 * both rather than guess.  The table need not be aligned, which is why
 * descriptors are always copied out with memcpy (read_desc).
 */
static enum virtq_error enter_indirect(const struct virtq *q,
				       const struct vring_desc *desc,
				       bool in_indirect, const uint8_t **table,
				       uint32_t *table_size)
{
	uint32_t len = le32toh(desc->len);

	if (!q->indirect)
		return VIRTQ_ERR_INDIRECT_FEATURE;
	if (in_indirect)
		return VIRTQ_ERR_INDIRECT_NESTED;
	if (le16toh(desc->flags) & VRING_DESC_F_NEXT)
		return VIRTQ_ERR_INDIRECT_NEXT;
	if (len == 0 || len % sizeof(struct vring_desc) != 0 ||
	    len / sizeof(struct vring_desc) > VIRTQ_SIZE_MAX)
		return VIRTQ_ERR_INDIRECT_LEN;
	*table = gpa_to_hva(q->mem, le64toh(desc->addr), len);
	if (!*table)
		return VIRTQ_ERR_INDIRECT_RANGE;
	*table_size = len / sizeof(struct vring_desc);
	return VIRTQ_OK;
}

/* Copy descriptor idx out of guest memory: the copy is what we check. */
static void read_desc(const uint8_t *table, uint32_t idx,
		      struct vring_desc *desc)
{
	memcpy(desc, table + (size_t)idx * sizeof(*desc), sizeof(*desc));
}

/* book:begin walk_chain */
/*
 * Follow the chain from head through the descriptor table (and at most
 * one indirect table).  The hop limit is the size of the table being
 * walked: a chain with more hops than its table has entries visits one
 * twice, so it loops ("this implies that loops in the descriptor chain
 * are forbidden").  Every next index is checked against the same table.
 */
static enum virtq_error walk_chain(const struct virtq *q, uint16_t head,
				   struct virtq_chain *chain)
{
	const uint8_t *table = (const uint8_t *)q->desc;
	uint32_t table_size = q->num, idx = head, hops = 0;
	bool in_indirect = false;
	struct vring_desc desc;
	enum virtq_error err;

	memset(chain, 0, offsetof(struct virtq_chain, iov));
	chain->head = head;
	for (;;) {
		if (++hops > table_size)
			return VIRTQ_ERR_LOOP;
		read_desc(table, idx, &desc);
		if (le16toh(desc.flags) & VRING_DESC_F_INDIRECT) {
			err = enter_indirect(q, &desc, in_indirect, &table,
					     &table_size);
			if (err != VIRTQ_OK)
				return err;
			in_indirect = true;
			idx = 0;
			hops = 0;
			continue;
		}
		err = chain_add(q, chain, &desc);
		if (err != VIRTQ_OK)
			return err;
		if (!(le16toh(desc.flags) & VRING_DESC_F_NEXT))
			return VIRTQ_OK;
		idx = le16toh(desc.next);
		if (idx >= table_size)
			return VIRTQ_ERR_NEXT_RANGE;
	}
}
/* book:end walk_chain */

/*
 * Take the next available chain.  Returns 1 with *chain filled, 0 if the
 * driver has made nothing new available, -1 if the queue is (or has just
 * become) broken: q->error says why, and nothing was taken.
 */
int virtq_pop(struct virtq *q, struct virtq_chain *chain)
{
	enum virtq_error err;
	uint16_t head;
	int pending;

	if (q->error != VIRTQ_OK)
		return -1;
	if (!q->ready)
		return 0;
	pending = avail_pending(q);
	if (pending <= 0)
		return pending;
	head = guest_load16(&q->avail->ring[q->last_avail % q->num],
			    __ATOMIC_RELAXED);
	if (head >= q->num) {
		virtq_set_broken(q, VIRTQ_ERR_HEAD_RANGE);
		return -1;
	}
	err = walk_chain(q, head, chain);
	if (err != VIRTQ_OK) {
		virtq_set_broken(q, err);
		return -1;
	}
	q->last_avail++;
	return 1;
}

/* book:begin unpop */
/*
 * Put back the last n chains virtq_pop took that were not pushed: the
 * next virtq_pop takes them again, from the ring, checked afresh.  For a
 * device that took a buffer it then could not use (virtio-net: a packet
 * that does not fit the receive buffer it took) and wants it to stay
 * available for the next packet.  Nothing the driver can see changes:
 * only used.idx tells it that a chain came back, and that did not move.
 * If we asked the driver for a kick when we found the ring empty
 * (EVENT_IDX's avail_event), we asked for it at the first slot after the
 * chains we give back, so it still kicks when it adds a new buffer.
 * Our devices push chains in the order they took them, so the chains
 * taken and not pushed are last_avail - used_idx; n is clipped to that.
 * Returns how many were put back (0 on a broken queue).
 */
unsigned int virtq_unpop(struct virtq *q, unsigned int n)
{
	uint16_t taken = q->last_avail - q->used_idx;

	if (q->error != VIRTQ_OK || !q->ready)
		return 0;
	if (n > taken)
		n = taken;
	q->last_avail -= (uint16_t)n;
	return n;
}
/* book:end unpop */

/*
 * Give a chain back: len is how many bytes the device wrote into its
 * writable part, from the start ("The Virtqueue Used Ring": the device
 * sets len before it updates used.idx).  A broken queue is left alone.
 */
void virtq_push(struct virtq *q, const struct virtq_chain *chain, uint32_t len)
{
	vring_used_elem_t *elem;

	if (q->error != VIRTQ_OK || !q->ready)
		return;
	if (len > chain->writable_bytes)
		len = (uint32_t)chain->writable_bytes;
	elem = &q->used->ring[q->used_idx % q->num];
	__atomic_store_n(&elem->id, htole32(chain->head), __ATOMIC_RELAXED);
	__atomic_store_n(&elem->len, htole32(len), __ATOMIC_RELAXED);
	q->used_idx++;
	__atomic_store_n(&q->used->idx, htole16(q->used_idx), __ATOMIC_RELEASE);
	q->pushed = true;
}

/* book:begin should_signal */
/*
 * After pushing, does the driver want a used buffer notification?
 * Without VIRTIO_RING_F_EVENT_IDX it says no with VRING_AVAIL_F_NO_INTERRUPT;
 * with it, it names the used index it wants to hear about (used_event),
 * and we interrupt only if our pushes since the last interrupt crossed
 * it ("Used Buffer Notification Suppression").  Consumes the push.
 */
bool virtq_should_signal(struct virtq *q)
{
	uint16_t old = q->signalled_used;
	bool valid = q->signalled_valid;

	if (!q->pushed || !q->ready)
		return false;
	q->pushed = false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!q->event_idx)
		return !(guest_load16(&q->avail->flags, __ATOMIC_RELAXED) &
			 VRING_AVAIL_F_NO_INTERRUPT);
	q->signalled_used = q->used_idx;
	q->signalled_valid = true;
	return !valid || vring_need_event(used_event(q), q->used_idx, old);
}
/* book:end should_signal */

/* The readable (or writable) part of a chain: its first iov and count. */
static unsigned int chain_part(const struct virtq_chain *chain, bool writable,
			       unsigned int *first)
{
	*first = writable ? chain->nr_readable : 0;
	return writable ? chain->nr_writable : chain->nr_readable;
}

/*
 * Describe bytes [offset, offset + len) of the readable or writable part
 * as iovecs in out (room for VIRTQ_SIZE_MAX), clipped to the part's end.
 * Returns the count.  This is how a device finds "the data after the
 * header" without assuming how the driver split it ("Message Framing":
 * the device MUST NOT make assumptions about the arrangement).
 */
unsigned int virtq_chain_slice(const struct virtq_chain *chain, bool writable,
			       uint64_t offset, uint64_t len, struct iovec *out)
{
	unsigned int first, n = chain_part(chain, writable, &first), count = 0;

	for (unsigned int i = first; i < first + n && len > 0; i++) {
		uint64_t size = chain->iov[i].iov_len, take;

		if (offset >= size) {
			offset -= size;
			continue;
		}
		take = size - offset < len ? size - offset : len;
		out[count].iov_base =
			(uint8_t *)chain->iov[i].iov_base + offset;
		out[count].iov_len = take;
		count++;
		len -= take;
		offset = 0;
	}
	return count;
}

/* Copy between buf and bytes [offset, offset + len) of one part. */
static size_t chain_copy(const struct virtq_chain *chain, bool writable,
			 uint64_t offset, void *buf, size_t len)
{
	struct iovec part[VIRTQ_SIZE_MAX];
	unsigned int n = virtq_chain_slice(chain, writable, offset, len, part);
	uint8_t *p = buf;

	for (unsigned int i = 0; i < n; i++) {
		if (writable)
			memcpy(part[i].iov_base, p, part[i].iov_len);
		else
			memcpy(p, part[i].iov_base, part[i].iov_len);
		p += part[i].iov_len;
	}
	return (size_t)(p - (uint8_t *)buf);
}

/* Read from the device-readable part; returns the bytes copied. */
size_t virtq_chain_read(const struct virtq_chain *chain, uint64_t offset,
			void *dst, size_t len)
{
	return chain_copy(chain, false, offset, dst, len);
}

/* Write into the device-writable part; returns the bytes copied. */
size_t virtq_chain_write(const struct virtq_chain *chain, uint64_t offset,
			 const void *src, size_t len)
{
	return chain_copy(chain, true, offset, (void *)src, len);
}

static const char *const virtq_error_names[VIRTQ_ERR_COUNT] = {
	[VIRTQ_OK] = "ok",
	[VIRTQ_ERR_SIZE] =
		"queue size 0, not a power of 2 or above the maximum",
	[VIRTQ_ERR_ALIGN] = "a ring part is misaligned",
	[VIRTQ_ERR_RING_RANGE] = "a ring part lies outside guest RAM",
	[VIRTQ_ERR_AVAIL_IDX] = "avail.idx moved by more than the queue size",
	[VIRTQ_ERR_HEAD_RANGE] = "a chain head is out of range",
	[VIRTQ_ERR_NEXT_RANGE] = "a next index is out of range",
	[VIRTQ_ERR_LOOP] = "a descriptor chain loops",
	[VIRTQ_ERR_TOO_LONG] = "a chain has too many buffers",
	[VIRTQ_ERR_CHAIN_BYTES] = "a chain is 4 GiB or longer",
	[VIRTQ_ERR_ZERO_LEN] = "a buffer has length 0",
	[VIRTQ_ERR_BUF_RANGE] = "a buffer lies outside guest RAM",
	[VIRTQ_ERR_READ_AFTER_WRITE] =
		"a readable buffer follows a writable one",
	[VIRTQ_ERR_INDIRECT_FEATURE] = "an indirect table was not negotiated",
	[VIRTQ_ERR_INDIRECT_NEXT] = "an indirect descriptor has NEXT",
	[VIRTQ_ERR_INDIRECT_NESTED] = "an indirect table inside another",
	[VIRTQ_ERR_INDIRECT_LEN] = "an indirect table has a bad length",
	[VIRTQ_ERR_INDIRECT_RANGE] = "an indirect table lies outside guest RAM",
	[VIRTQ_ERR_FRAMING] = "a chain the device cannot answer",
};

const char *virtq_error_name(enum virtq_error error)
{
	if ((unsigned int)error >= VIRTQ_ERR_COUNT)
		return "unknown";
	return virtq_error_names[error];
}
