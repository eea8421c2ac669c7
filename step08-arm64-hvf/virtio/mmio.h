/*
 * mmio.h - the virtio-mmio transport, version 2: one register window per
 * device, through which the driver finds the device, negotiates features,
 * places the queues and kicks them, and learns why it was interrupted.
 *
 * Runs: userspace (the VMM).  The VMM registers each device's window on
 * its MMIO bus with virtio_mmio_access(); a vCPU thread calls it on every
 * KVM_EXIT_MMIO inside the window.  Other threads (console input, an I/O
 * thread) reach the device through virtio_mmio_lock()/..._unlock().
 *
 * Spec: virtio 1.x, "Virtio Over MMIO" ("MMIO Device Register Layout",
 * "MMIO-specific Initialization And Device Operation"), "Device Status
 * Field", "Feature Bits", "Device Configuration Space", "Device Reset",
 * "Device Initialization", "Notification of Device Configuration
 * Changes".  Register offsets and status bits come from
 * <linux/virtio_mmio.h> and <linux/virtio_config.h>.
 *
 * Locking.  Each device has one mutex, virtio_mmio.lock.  It protects
 * everything of that device: the register file below, its queues
 * (struct virtq: ring configuration and progress), InterruptStatus and
 * the level of its interrupt line, and the device's own state (the blk
 * file's statistics, the console's input buffer).  It is taken by
 * virtio_mmio_access() (a vCPU, through the bus), virtio_mmio_notify()
 * (an ioeventfd thread) and virtio_mmio_lock() (any other thread); the
 * device's ops are called with it held.  Nothing else is taken while it
 * is held, except what irq_line.set_level() needs (KVM_IRQ_LINE is one
 * ioctl), which must therefore never call back into a device.  Work done
 * under it blocks the device's other users: virtio-blk's file I/O
 * (preadv, pwritev, fdatasync) runs with it held, so a second vCPU
 * reading that device's InterruptStatus waits for the disk.  The
 * guest's rings are shared with the guest's vCPUs without any lock: the
 * split ring's ownership rules and memory barriers are that protocol
 * (virtio/queue.c).  Devices' locks are independent: no code holds two.
 */
#ifndef VIRTIO_MMIO_H
#define VIRTIO_MMIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/virtio_mmio.h>

#include "guest_mem.h"
#include "irq.h"
#include "device.h"
#include "queue.h"

/* The register window: registers to 0x100, the config space after. */
#define VIRTIO_MMIO_SIZE       0x200
#define VIRTIO_MMIO_CONFIG_MAX (VIRTIO_MMIO_SIZE - VIRTIO_MMIO_CONFIG)
#define VIRTIO_MMIO_QUEUES_MAX 4 /* blk 1, console 2, net 2 (+ ctrl) */

/* MagicValue is "virt" in little-endian; Version 2 is virtio 1.x. */
#define VIRTIO_MMIO_MAGIC	   ('v' | 'i' << 8 | 'r' << 16 | (uint32_t)'t' << 24)
#define VIRTIO_MMIO_VERSION_MODERN 2
/* VendorID: ours to choose ("hvco", the hypervisor course). */
#define VIRTIO_MMIO_VENDOR ('h' | 'v' << 8 | 'c' << 16 | (uint32_t)'o' << 24)

/* What the transport refused, for tests and the VMM's notes. */
struct virtio_mmio_stats {
	uint64_t ignored_writes;   /* a register write outside its window */
	uint64_t bad_accesses;	   /* wrong width, misaligned, no register */
	uint64_t dropped_notifies; /* before DRIVER_OK, bad queue, broken */
};

struct virtio_mmio {
	pthread_mutex_t lock;
	const struct virtio_device_ops *ops;
	void *dev;
	const struct guest_mem *mem;
	struct irq_line *irq;

	/* The register file ("MMIO Device Register Layout"). */
	uint32_t status;
	uint32_t device_features_sel;
	uint32_t driver_features_sel;
	uint64_t driver_features;
	uint32_t queue_sel;
	uint32_t interrupt_status;
	uint32_t config_generation;
	struct virtq queues[VIRTIO_MMIO_QUEUES_MAX];

	bool line_level;	/* what we last told irq_set_level() */
	enum virtq_error error; /* why DEVICE_NEEDS_RESET, if set */
	struct virtio_mmio_stats stats;

	/*
	 * The VMM's "the run is ending" flag (NULL: never).  A device's
	 * loop over a queue stops at the next chain once it is set: with
	 * several vCPUs, one vCPU may keep a queue full while another
	 * serves it, and that loop is the one place a guest could keep a
	 * VMM thread from ever returning (see virtio_mmio_stopping()).
	 */
	const bool *stop;
};

/* book:begin stopping */
/*
 * Should a device's loop over a queue end now?  A notify serves every
 * chain the driver made available, and looks again before it goes idle
 * (virtq_pop): a vCPU that keeps publishing chains while another vCPU is
 * in that loop keeps it going as long as it likes.  Nothing is lost if
 * the loop goes on; but the VMM could never stop that thread, nor join
 * it.  So the loop also ends when the run is ending: set by vm_stop()
 * and by the time budget's alarm.
 */
static inline bool virtio_mmio_stopping(const struct virtio_mmio *t)
{
	return t->stop && __atomic_load_n(t->stop, __ATOMIC_RELAXED);
}
/* book:end stopping */

int virtio_mmio_init(struct virtio_mmio *t, const struct virtio_device_ops *ops,
		     void *dev, const struct guest_mem *mem,
		     struct irq_line *irq);
void virtio_mmio_exit(struct virtio_mmio *t);

/* The bus access function (bus_access_fn); opaque is the virtio_mmio. */
void virtio_mmio_access(void *opaque, uint64_t offset, uint8_t *data,
			uint32_t len, bool is_write);

/* QueueNotify without the MMIO exit: for an ioeventfd's thread. */
void virtio_mmio_notify(struct virtio_mmio *t, uint32_t index);

/*
 * Work that does not start with a guest access (console input, a tap's
 * packets): lock, take the queue (NULL unless the device is live and the
 * queue ready and whole), pop and push, unlock.  Unlock raises the
 * interrupts the pushes earned and DEVICE_NEEDS_RESET if a queue broke.
 * A device's ops run with the lock held and may call
 * virtio_mmio_live_queue() directly.
 */
void virtio_mmio_lock(struct virtio_mmio *t);
struct virtq *virtio_mmio_live_queue(struct virtio_mmio *t, uint32_t index);
void virtio_mmio_unlock(struct virtio_mmio *t);

#endif
