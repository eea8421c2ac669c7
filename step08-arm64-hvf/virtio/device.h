/*
 * device.h - what a virtio device hands its transport: one table of
 * operations (kvmtool's struct virtio_ops, QEMU's VirtioDeviceClass).
 *
 * Runs: userspace (the VMM).  The three layers meet here: the transport
 * (virtio/mmio.c) owns the registers, the interrupt line and the queues;
 * the queue layer (virtio/queue.c) owns the ring rules; a device
 * (virtio/blk.c, virtio/console.c) says what it is, what it offers and
 * what a buffer means.  A device never sees the transport's registers,
 * KVM or the bus, which is what lets another transport or another
 * hypervisor backend (step08) reuse it unchanged.
 *
 * Spec: virtio 1.x, "Basic Facilities of a Virtio Device" ("Feature Bits",
 * "Device Configuration Space", "Virtqueues", "Device Reset") and the
 * device type's own chapter ("Block Device", "Console Device").
 */
#ifndef VIRTIO_DEVICE_H
#define VIRTIO_DEVICE_H

#include <stdint.h>

struct virtq;

/*
 * Every operation is called with the device's lock held (virtio/mmio.h,
 * "Locking") and must not take it again.  dev is the device's own state,
 * given to virtio_mmio_init().
 */
struct virtio_device_ops {
	const char *name;	 /* "virtio-blk", for notes */
	uint32_t device_id;	 /* DeviceID: VIRTIO_ID_BLOCK, ... */
	unsigned int num_queues; /* at most VIRTIO_MMIO_QUEUES_MAX */
	uint32_t queue_num_max;	 /* QueueNumMax, <= VIRTQ_SIZE_MAX */
	uint32_t config_size;	 /* bytes of config space (at 0x100) */

	/* The device-type feature bits it offers (the transport adds its own). */
	uint64_t (*features)(void *dev);
	/* Fill config[0, config_size) with the config space, little-endian. */
	void (*config_read)(void *dev, uint8_t *config);
	/* DRIVER_OK was set: the device is live with these features. */
	void (*driver_ok)(void *dev, uint64_t features);
	/*
	 * The driver notified queue index (ready, device live, not broken).
	 * Serve it with virtq_pop/virtq_push; to refuse a chain the device
	 * cannot answer, virtq_set_broken(q, VIRTQ_ERR_FRAMING).  The
	 * transport raises the interrupts the pushes earned.
	 */
	void (*notify)(void *dev, struct virtq *q, unsigned int index);
	/* The driver reset the device: forget the negotiated state. */
	void (*reset)(void *dev);
};

#endif
