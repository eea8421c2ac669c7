/*
 * blkread.c - random 4 KiB reads from a disk, one at a time, around the
 * page cache: what a virtio-blk device costs per request.
 *
 * Runs: userspace, in the guest (Linux under the VMM being measured),
 * linked statically: the guest is a busybox initramfs.  The same binary
 * runs under our VMM and under QEMU.
 * Spec: open(2) (O_DIRECT: "the I/O is done directly to/from user-space
 * buffers", aligned to the logical block size), the BLKGETSIZE64 ioctl
 * (linux/fs.h), clock_gettime(2) (CLOCK_MONOTONIC).
 *
 *   blkread DEVICE COUNT
 *
 * Reads COUNT blocks of 4 KiB at offsets drawn uniformly from the whole
 * device by a fixed xorshift generator (the same sequence on every run and
 * under every VMM), with O_DIRECT and queue depth 1: each pread() is one
 * virtio-blk request the guest waits for.  One untimed read first (the
 * first request of a boot pays for things no other pays for).  Prints, as
 * markers the stopwatch collects:
 *   @@bench:blk_reads=COUNT@@ @@bench:blk_ns=NS@@ @@bench:blk_iops=IOPS@@
 * Exit status: 0, or 1 with a message when a read fails or is short.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define BLOCK	      4096 /* bytes per read, and the buffer's alignment */
#define NS_PER_S      1000000000ULL
#define XORSHIFT_SEED 0x9e3779b97f4a7c15ULL

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* Marsaglia's xorshift64: a fixed, cheap, reproducible sequence. */
static uint64_t xorshift64(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

static void fail(const char *what)
{
	fprintf(stderr, "blkread: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* One block at a block-aligned offset drawn from the device. */
static void read_one(int fd, void *buf, uint64_t blocks, uint64_t *state)
{
	off_t off = (off_t)((xorshift64(state) % blocks) * BLOCK);
	ssize_t n = pread(fd, buf, BLOCK, off);

	if (n != BLOCK) {
		if (n >= 0)
			errno = EIO;
		fail("pread");
	}
}

int main(int argc, char **argv)
{
	uint64_t size, state = XORSHIFT_SEED, t0, ns;
	unsigned long count;
	void *buf;
	int fd;

	if (argc != 3 || !(count = strtoul(argv[2], NULL, 10))) {
		fprintf(stderr, "usage: blkread DEVICE COUNT\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECT);
	if (fd < 0)
		fail(argv[1]);
	if (ioctl(fd, BLKGETSIZE64, &size) < 0)
		fail("BLKGETSIZE64");
	if (size < BLOCK || posix_memalign(&buf, BLOCK, BLOCK))
		fail("a disk of one block at least, an aligned buffer");
	read_one(fd, buf, size / BLOCK, &state);
	t0 = now_ns();
	for (unsigned long i = 0; i < count; i++)
		read_one(fd, buf, size / BLOCK, &state);
	ns = now_ns() - t0;
	printf("@@bench:blk_reads=%lu@@\n@@bench:blk_ns=%" PRIu64 "@@\n"
	       "@@bench:blk_iops=%" PRIu64 "@@\n",
	       count, ns, (uint64_t)(count * NS_PER_S / ns));
	return 0;
}
