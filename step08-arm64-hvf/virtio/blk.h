/*
 * blk.h - virtio-blk: a disk for the guest, backed by a raw image file.
 *
 * Runs: userspace (the VMM).  Requests are served synchronously on the
 * thread that kicks the queue (a vCPU's, through the bus), with the
 * device's lock held (virtio/mmio.h, "Locking").
 *
 * Spec: virtio 1.x, "Block Device" ("Feature bits", "Device configuration
 * layout", "Device Operation" and its device requirements).  Constants
 * and layouts come from <linux/virtio_blk.h>.
 *
 * The VMM creates one with virtio_blk_init() and registers blk->mmio on
 * its MMIO bus:
 *
 *	err = virtio_blk_init(&blk, "disk.img", read_only, &mem, &irq);
 *	if (err)	(-ENOENT, -EACCES, -EISDIR, -EINVAL: not a file or
 *			 block device, -EBUSY: another VMM has it open)
 *		die("--disk disk.img: %s", strerror(-err));
 *	bus_register(&mmio_bus, base, VIRTIO_MMIO_SIZE, virtio_mmio_access,
 *		     &blk.mmio, "virtio-blk");
 */
#ifndef VIRTIO_BLK_H
#define VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include <linux/virtio_blk.h>

#include "mmio.h"

/* "The capacity (in 512-byte sectors)"; sector numbers count the same. */
#define BLK_SECTOR_SIZE 512

/*
 * Segment limits we offer (VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_SIZE_MAX):
 * a request's data fits the largest chain we take, less the header and
 * the status buffers, and no segment is over 1 MiB.  So one request
 * moves at most BLK_SEG_MAX * BLK_SIZE_MAX bytes.
 */
#define BLK_SEG_MAX  (VIRTQ_SIZE_MAX - 2)
#define BLK_SIZE_MAX 0x100000

struct virtio_blk_stats {
	uint64_t requests; /* chains answered with a status */
	uint64_t status_ok;
	uint64_t status_ioerr;
	uint64_t status_unsupp;
	uint64_t bytes_read;
	uint64_t bytes_written;
	uint64_t syncs; /* fdatasync calls */
};

struct virtio_blk {
	struct virtio_mmio mmio; /* the transport: put it on the bus */
	int fd;
	bool read_only;	    /* opened O_RDONLY, VIRTIO_BLK_F_RO offered */
	bool write_through; /* FLUSH offered but not negotiated */
	uint64_t capacity;  /* in BLK_SECTOR_SIZE sectors */
	char id[VIRTIO_BLK_ID_BYTES];
	struct virtq_chain chain;	   /* the request being served */
	struct iovec data[VIRTQ_SIZE_MAX]; /* its data segments */
	struct virtio_blk_stats stats;
};

int virtio_blk_init(struct virtio_blk *blk, const char *path, bool read_only,
		    const struct guest_mem *mem, struct irq_line *irq);
void virtio_blk_exit(struct virtio_blk *blk);

#endif
