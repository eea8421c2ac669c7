/*
 * blk.c - virtio-blk over a raw image file: read, write, flush, and the
 * device's name, each request checked before it touches the file.
 *
 * Runs: userspace (the VMM), in the device's notify operation, with its
 * lock held.  Host unit tests and the fuzzer include this file.
 *
 * Spec: virtio 1.x, "Block Device": "Feature bits", "Device configuration
 * layout", "Device Operation" (struct virtio_blk_req; the device
 * requirements on VIRTIO_BLK_F_RO and on when a write is stable), and
 * "Message Framing" (the device MUST NOT assume how the driver split a
 * request into buffers: the header and data may share a buffer).
 *
 * A request is a chain: the 16-byte header (type, reserved, sector) and,
 * for a write, the data, all device-readable; then, for a read or GET_ID,
 * room for the data, and the status byte last, all device-writable.
 * What a hostile request gets (decided here; the spec's driver
 * requirements say what it may not do, not what the device answers):
 * - no device-writable byte at the end for the status (the last buffer
 *   is device-readable): nothing can be answered in-band; the queue is
 *   broken (VIRTQ_ERR_FRAMING) and the device needs a reset, as QEMU's
 *   virtio_error does.  A zero-length status buffer never gets here: the
 *   queue layer refuses zero-length buffers.
 * - a header shorter than 16 bytes, data not a multiple of 512 bytes,
 *   sectors past the capacity (computed so that sector + count cannot
 *   overflow), more than BLK_SEG_MAX segments or one over BLK_SIZE_MAX,
 *   a GET_ID whose data is not exactly 20 bytes ("The length of data
 *   MUST be 20 bytes for VIRTIO_BLK_T_GET_ID requests"), a write to a
 *   read-only disk ("A device MUST set the status byte to
 *   VIRTIO_BLK_S_IOERR for a write request if the VIRTIO_BLK_F_RO feature
 *   if offered, and MUST NOT write any data"), a failed read, write or
 *   sync: VIRTIO_BLK_S_IOERR, and the file untouched.
 * - an unknown type: VIRTIO_BLK_S_UNSUPP.
 * The used length counts the bytes written into the writable part: the
 * data read (or the 20-byte ID) plus the status byte; 1 when only the
 * status was written.
 */
#define _DEFAULT_SOURCE 1
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/virtio_ids.h>

#include "blk.h"

#define BLK_HDR_SIZE	sizeof(struct virtio_blk_outhdr)
#define BLK_STATUS_SIZE 1

_Static_assert(sizeof(struct virtio_blk_outhdr) == 16,
	       "struct virtio_blk_req starts with a 16-byte header");

static uint64_t blk_features(void *dev)
{
	struct virtio_blk *blk = dev;
	uint64_t features = (1ULL << VIRTIO_BLK_F_SEG_MAX) |
			    (1ULL << VIRTIO_BLK_F_SIZE_MAX) |
			    (1ULL << VIRTIO_BLK_F_FLUSH);

	if (blk->read_only)
		features |= 1ULL << VIRTIO_BLK_F_RO;
	return features;
}

static void blk_config_read(void *dev, uint8_t *config)
{
	struct virtio_blk *blk = dev;
	struct virtio_blk_config cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.capacity = htole64(blk->capacity);
	cfg.size_max = htole32(BLK_SIZE_MAX);
	cfg.seg_max = htole32(BLK_SEG_MAX);
	memcpy(config, &cfg, sizeof(cfg));
}

/*
 * "A write becomes stable once it is completed and ... neither
 * VIRTIO_BLK_F_CONFIG_WCE nor VIRTIO_BLK_F_FLUSH feature were negotiated,
 * but VIRTIO_BLK_F_FLUSH was offered by the device": a driver that
 * cannot flush gets every write synced before it completes.
 */
static void blk_driver_ok(void *dev, uint64_t features)
{
	struct virtio_blk *blk = dev;

	blk->write_through = !(features & (1ULL << VIRTIO_BLK_F_FLUSH));
}

static void blk_reset(void *dev)
{
	struct virtio_blk *blk = dev;

	blk->write_through = false;
}

/* Does [sector, sector + len / 512) fit the disk, in allowed segments? */
static bool blk_range_ok(const struct virtio_blk *blk, uint64_t sector,
			 uint64_t len, unsigned int segments)
{
	uint64_t count = len / BLK_SECTOR_SIZE;

	if (len % BLK_SECTOR_SIZE != 0 || segments > BLK_SEG_MAX)
		return false;
	for (unsigned int i = 0; i < segments; i++)
		if (blk->data[i].iov_len > BLK_SIZE_MAX)
			return false;
	return sector <= blk->capacity && count <= blk->capacity - sector;
}

/* preadv/pwritev until done: they may stop early (a signal, say). */
static int blk_transfer(int fd, struct iovec *iov, unsigned int n,
			uint64_t offset, bool write)
{
	while (n > 0) {
		ssize_t done = write ? pwritev(fd, iov, (int)n, (off_t)offset)
				     : preadv(fd, iov, (int)n, (off_t)offset);

		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0) /* an error, or the file shrank under us */
			return -1;
		offset += (uint64_t)done;
		while (n > 0 && (size_t)done >= iov->iov_len) {
			done -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + done;
			iov->iov_len -= (size_t)done;
		}
	}
	return 0;
}

/* book:begin blk_sync */
static uint8_t blk_sync(struct virtio_blk *blk)
{
	blk->stats.syncs++;
	return fdatasync(blk->fd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}
/* book:end blk_sync */

/* VIRTIO_BLK_T_IN: the data is the writable part less the status. */
static uint8_t blk_in(struct virtio_blk *blk, const struct virtq_chain *chain,
		      uint64_t sector, uint32_t *written)
{
	uint64_t len = chain->writable_bytes - BLK_STATUS_SIZE;
	unsigned int n = virtq_chain_slice(chain, true, 0, len, blk->data);

	if (!blk_range_ok(blk, sector, len, n) ||
	    blk_transfer(blk->fd, blk->data, n, sector * BLK_SECTOR_SIZE,
			 false))
		return VIRTIO_BLK_S_IOERR;
	blk->stats.bytes_read += len;
	*written = (uint32_t)len;
	return VIRTIO_BLK_S_OK;
}

/* book:begin blk_out */
/* VIRTIO_BLK_T_OUT: the data is the readable part after the header. */
static uint8_t blk_out(struct virtio_blk *blk, const struct virtq_chain *chain,
		       uint64_t sector)
{
	uint64_t len = chain->readable_bytes - BLK_HDR_SIZE;
	unsigned int n;

	if (blk->read_only)
		return VIRTIO_BLK_S_IOERR;
	n = virtq_chain_slice(chain, false, BLK_HDR_SIZE, len, blk->data);
	if (!blk_range_ok(blk, sector, len, n) ||
	    blk_transfer(blk->fd, blk->data, n, sector * BLK_SECTOR_SIZE, true))
		return VIRTIO_BLK_S_IOERR;
	blk->stats.bytes_written += len;
	if (blk->write_through)
		return blk_sync(blk);
	return VIRTIO_BLK_S_OK;
}
/* book:end blk_out */

/* VIRTIO_BLK_T_GET_ID: the ID string, NUL-padded to exactly 20 bytes. */
static uint8_t blk_get_id(struct virtio_blk *blk,
			  const struct virtq_chain *chain, uint32_t *written)
{
	if (chain->writable_bytes - BLK_STATUS_SIZE != VIRTIO_BLK_ID_BYTES)
		return VIRTIO_BLK_S_IOERR;
	virtq_chain_write(chain, 0, blk->id, VIRTIO_BLK_ID_BYTES);
	*written = VIRTIO_BLK_ID_BYTES;
	return VIRTIO_BLK_S_OK;
}

/* book:begin blk_request */
/*
 * Serve one request; returns its status byte and sets *written to the
 * data bytes put into the writable part.  VIRTIO_BLK_T_FLUSH syncs the
 * file before returning, so before the status reaches the guest.
 */
static uint8_t blk_request(struct virtio_blk *blk,
			   const struct virtq_chain *chain, uint32_t *written)
{
	struct virtio_blk_outhdr hdr;

	*written = 0;
	if (virtq_chain_read(chain, 0, &hdr, sizeof(hdr)) != sizeof(hdr))
		return VIRTIO_BLK_S_IOERR; /* a short header */
	switch (le32toh(hdr.type)) {
	case VIRTIO_BLK_T_IN:
		return blk_in(blk, chain, le64toh(hdr.sector), written);
	case VIRTIO_BLK_T_OUT:
		return blk_out(blk, chain, le64toh(hdr.sector));
	case VIRTIO_BLK_T_FLUSH:
		return blk_sync(blk);
	case VIRTIO_BLK_T_GET_ID:
		return blk_get_id(blk, chain, written);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}
/* book:end blk_request */

static void count_status(struct virtio_blk *blk, uint8_t status)
{
	blk->stats.requests++;
	if (status == VIRTIO_BLK_S_OK)
		blk->stats.status_ok++;
	else if (status == VIRTIO_BLK_S_IOERR)
		blk->stats.status_ioerr++;
	else
		blk->stats.status_unsupp++;
}

/* The driver kicked the request queue: serve everything available,
 * until there is no more or the run is ending (virtio_mmio_stopping). */
static void blk_notify(void *dev, struct virtq *q, unsigned int index)
{
	struct virtio_blk *blk = dev;
	struct virtq_chain *chain = &blk->chain;
	uint32_t written;
	uint8_t status;

	(void)index; /* one request queue */
	while (!virtio_mmio_stopping(&blk->mmio) && virtq_pop(q, chain) > 0) {
		if (chain->nr_writable == 0) {
			virtq_set_broken(q, VIRTQ_ERR_FRAMING);
			return;
		}
		status = blk_request(blk, chain, &written);
		virtq_chain_write(chain,
				  chain->writable_bytes - BLK_STATUS_SIZE,
				  &status, BLK_STATUS_SIZE);
		virtq_push(q, chain, written + BLK_STATUS_SIZE);
		count_status(blk, status);
	}
}

static const struct virtio_device_ops virtio_blk_ops = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.num_queues = 1, /* requestq1; no VIRTIO_BLK_F_MQ */
	.queue_num_max = VIRTQ_SIZE_MAX,
	.config_size = sizeof(struct virtio_blk_config),
	.features = blk_features,
	.config_read = blk_config_read,
	.driver_ok = blk_driver_ok,
	.notify = blk_notify,
	.reset = blk_reset,
};

/* The ID a guest reads with GET_ID: the image's file name, cut to 20. */
static void blk_set_id(struct virtio_blk *blk, const char *path)
{
	const char *name = strrchr(path, '/');
	size_t len;

	name = name ? name + 1 : path;
	len = strlen(name);
	memset(blk->id, 0, sizeof(blk->id));
	memcpy(blk->id, name, len < sizeof(blk->id) ? len : sizeof(blk->id));
}

/*
 * A regular file or a block device, locked against a second writer.
 * O_NONBLOCK: opening a FIFO read-only must not wait for a writer (it is
 * refused next); for a file or a disk it changes nothing.
 */
static int blk_open(struct virtio_blk *blk, const char *path, bool read_only)
{
	struct stat st;
	off_t size;

	blk->fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC |
				     O_NONBLOCK);
	if (blk->fd < 0)
		return -errno;
	if (fstat(blk->fd, &st))
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return -EINVAL;
	if (flock(blk->fd, (read_only ? LOCK_SH : LOCK_EX) | LOCK_NB))
		return errno == EWOULDBLOCK ? -EBUSY : -errno;
	size = lseek(blk->fd, 0, SEEK_END);
	if (size < 0)
		return -errno;
	blk->capacity = (uint64_t)size / BLK_SECTOR_SIZE;
	return 0;
}

/*
 * Open the image at path (read-only: O_RDONLY and VIRTIO_BLK_F_RO) and
 * set up the device behind a fresh transport.  Returns 0 or -errno; on
 * failure nothing stays open.  A trailing partial sector is not visible.
 */
int virtio_blk_init(struct virtio_blk *blk, const char *path, bool read_only,
		    const struct guest_mem *mem, struct irq_line *irq)
{
	int err;

	memset(blk, 0, sizeof(*blk));
	blk->read_only = read_only;
	err = blk_open(blk, path, read_only);
	if (err)
		goto err_close;
	blk_set_id(blk, path);
	err = virtio_mmio_init(&blk->mmio, &virtio_blk_ops, blk, mem, irq);
	if (err)
		goto err_close;
	return 0;

err_close:
	if (blk->fd >= 0)
		close(blk->fd);
	blk->fd = -1;
	return err;
}

void virtio_blk_exit(struct virtio_blk *blk)
{
	virtio_mmio_exit(&blk->mmio);
	if (blk->fd >= 0)
		close(blk->fd);
	blk->fd = -1;
}
