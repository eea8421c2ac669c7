/*
 * iothread.h - the VMM's I/O thread: one thread that waits, with poll(),
 * on every file descriptor a device wants to hear from (a tap with
 * packets for the guest, an eventfd KVM signals when the guest kicks a
 * queue), and runs the device's handler when one is ready.
 *
 * Runs: userspace (the VMM), on a thread of its own, started after the
 * devices registered their sources and before the first vCPU runs.  The
 * handlers run on it, one at a time; they take the device's lock
 * (virtio/mmio.h, "Locking") and never block: every descriptor is
 * non-blocking, which is what lets one thread serve them all.
 *
 * Spec: poll(2), eventfd(2).  What it is for: the vCPU threads run the
 * guest; work that does not start with a guest exit (a packet arriving)
 * or that need not hold the guest up (a queue kick KVM turned into an
 * eventfd, KVM_IOEVENTFD) happens here instead.  QEMU's main loop and
 * iothreads, kvmtool's per-device threads, and Firecracker's event
 * manager do the same job.
 */
#ifndef IOTHREAD_H
#define IOTHREAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define IOTHREAD_SOURCES_MAX 16
#define IOTHREAD_STACK_SIZE  0x40000 /* 256 KiB: below a 2 MiB huge page */

/*
 * One file descriptor the thread waits on for input (POLLIN).  wanted()
 * says whether to wait on it now (NULL: always); it runs on the thread,
 * before each wait.  ready() runs when the descriptor is readable, or
 * in error or hung up: it must read (or stop wanting) what made it so.
 */
struct iothread_source {
	int fd;
	bool (*wanted)(void *opaque);
	void (*ready)(void *opaque);
	void *opaque;
	const char *name; /* for the VMM's statistics */
	uint64_t wakeups; /* times ready() ran */
};

struct iothread {
	pthread_t thread;
	int stop_fd; /* an eventfd: written to stop the thread */
	bool running;
	int error; /* 0, or the errno poll() failed with */
	unsigned int count;
	struct iothread_source sources[IOTHREAD_SOURCES_MAX];
	uint64_t polls; /* times the thread woke up */
};

int iothread_init(struct iothread *io);
int iothread_add(struct iothread *io, int fd, bool (*wanted)(void *opaque),
		 void (*ready)(void *opaque), void *opaque, const char *name);
int iothread_start(struct iothread *io);
void iothread_stop(struct iothread *io);
void iothread_exit(struct iothread *io);

#endif
