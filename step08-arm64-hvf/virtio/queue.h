/*
 * queue.h - the split virtqueue, as the device sees it: take a chain of
 * guest buffers off the available ring, give it back on the used ring,
 * and decide when the driver needs an interrupt.
 *
 * Runs: userspace (the VMM), with the owning device's lock held (see
 * virtio/mmio.h, "Locking"), on a vCPU thread or any other thread.  It
 * sees guest memory (guest_mem.h) and nothing else: no KVM, no transport.
 *
 * Spec: virtio 1.x, "Split Virtqueues" ("The Virtqueue Descriptor Table",
 * "Indirect Descriptors", "The Virtqueue Available Ring", "The Virtqueue
 * Used Ring", "Used Buffer Notification Suppression", "Available Buffer
 * Notification Suppression") and "Message Framing".  Constants and ring
 * layouts come from <linux/virtio_ring.h>.
 *
 * The guest writes the descriptor table and the available ring while we
 * read them, and may be hostile: every index, address, length and count
 * it hands us is checked before use, each descriptor is copied out of
 * guest memory once and only the copy is trusted, and chains have a hop
 * limit.  A violation marks the queue broken (virtq.error says which
 * rule); a broken queue is never touched again until the driver resets
 * the device, and the transport turns it into DEVICE_NEEDS_RESET.
 */
#ifndef VIRTIO_QUEUE_H
#define VIRTIO_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include <linux/virtio_ring.h>

#include "guest_mem.h"

/*
 * The largest Queue Size our devices offer (QueueNumMax) and the most
 * buffers one chain may hold, indirect tables included.  The spec allows
 * 32768; 256 is what QEMU and Firecracker offer and what Linux uses.
 */
#define VIRTQ_SIZE_MAX 256

/* Ring features this file implements, for the transport to offer. */
#define VIRTQ_FEATURES                                                         \
	((1ULL << VIRTIO_RING_F_INDIRECT_DESC) |                               \
	 (1ULL << VIRTIO_RING_F_EVENT_IDX))

/* Why a queue is broken: the rule the driver broke. */
enum virtq_error {
	VIRTQ_OK = 0,
	VIRTQ_ERR_SIZE,		    /* QueueNum 0, not a power of 2, > max */
	VIRTQ_ERR_ALIGN,	    /* a ring part misaligned */
	VIRTQ_ERR_RING_RANGE,	    /* a ring part outside guest RAM */
	VIRTQ_ERR_AVAIL_IDX,	    /* avail.idx ran ahead by > Queue Size */
	VIRTQ_ERR_HEAD_RANGE,	    /* a head index >= Queue Size */
	VIRTQ_ERR_NEXT_RANGE,	    /* a next index outside its table */
	VIRTQ_ERR_LOOP,		    /* more hops than its table has entries */
	VIRTQ_ERR_TOO_LONG,	    /* more than VIRTQ_SIZE_MAX buffers */
	VIRTQ_ERR_CHAIN_BYTES,	    /* more than 2^32 bytes in one chain */
	VIRTQ_ERR_ZERO_LEN,	    /* a buffer of length 0 */
	VIRTQ_ERR_BUF_RANGE,	    /* a buffer outside guest RAM */
	VIRTQ_ERR_READ_AFTER_WRITE, /* device-readable after device-writable */
	VIRTQ_ERR_INDIRECT_FEATURE, /* INDIRECT without the feature */
	VIRTQ_ERR_INDIRECT_NEXT,    /* INDIRECT together with NEXT */
	VIRTQ_ERR_INDIRECT_NESTED,  /* INDIRECT inside an indirect table */
	VIRTQ_ERR_INDIRECT_LEN,	    /* table length 0, not 16*n, > max */
	VIRTQ_ERR_INDIRECT_RANGE,   /* table outside guest RAM */
	VIRTQ_ERR_FRAMING,	    /* the device cannot answer this chain */
	VIRTQ_ERR_COUNT
};

/*
 * One chain of guest buffers, checked and translated: iov[0, nr_readable)
 * are device-readable (the driver's request), then nr_writable
 * device-writable ones (room for the answer) - the order "Message
 * Framing" requires.  Every iov_base points inside guest RAM and every
 * iov_len is > 0; the bytes behind them are the guest's and can change
 * under us at any time.
 */
struct virtq_chain {
	uint16_t head; /* the id the used ring gives back */
	unsigned int nr_readable;
	unsigned int nr_writable;
	uint64_t readable_bytes;
	uint64_t writable_bytes;
	struct iovec iov[VIRTQ_SIZE_MAX];
};

struct virtq {
	/* The device's offer, fixed at init. */
	uint32_t num_max;

	/* The driver's configuration, written through the transport. */
	uint32_t num; /* Queue Size (QueueNum) */
	uint64_t desc_gpa;
	uint64_t avail_gpa; /* the Driver Area */
	uint64_t used_gpa;  /* the Device Area */
	bool ready;

	/* Set by virtq_enable() from the checked configuration. */
	bool indirect;	/* VIRTIO_RING_F_INDIRECT_DESC negotiated */
	bool event_idx; /* VIRTIO_RING_F_EVENT_IDX negotiated */
	const struct guest_mem *mem;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;

	/* Progress, in free-running 16-bit ring indices. */
	uint16_t last_avail;	 /* the next avail.ring slot to take */
	uint16_t used_idx;	 /* our used.idx */
	uint16_t signalled_used; /* used.idx at the last interrupt */
	bool signalled_valid;	 /* signalled_used means something */
	bool pushed;		 /* pushed since the last virtq_should_signal */

	enum virtq_error error; /* VIRTQ_OK, or why the queue is broken */
};

void virtq_init(struct virtq *q, uint32_t num_max);
enum virtq_error virtq_enable(struct virtq *q, const struct guest_mem *mem,
			      uint64_t features);
int virtq_pop(struct virtq *q, struct virtq_chain *chain);
unsigned int virtq_unpop(struct virtq *q, unsigned int n);
void virtq_push(struct virtq *q, const struct virtq_chain *chain, uint32_t len);
bool virtq_should_signal(struct virtq *q);
void virtq_set_broken(struct virtq *q, enum virtq_error why);
const char *virtq_error_name(enum virtq_error error);

/* Copying between host memory and a chain's readable or writable part. */
size_t virtq_chain_read(const struct virtq_chain *chain, uint64_t offset,
			void *dst, size_t len);
size_t virtq_chain_write(const struct virtq_chain *chain, uint64_t offset,
			 const void *src, size_t len);
unsigned int virtq_chain_slice(const struct virtq_chain *chain, bool writable,
			       uint64_t offset, uint64_t len,
			       struct iovec *out);

#endif
