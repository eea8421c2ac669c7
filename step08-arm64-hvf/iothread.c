/*
 * iothread.c - the I/O thread: poll() on the devices' descriptors, call
 * their handlers, stop when told.
 *
 * Runs: userspace (the VMM): iothread_init/add/start/stop on the main
 * thread, iothread_main on its own thread.  Host unit tests include it.
 *
 * Spec: poll(2) ("POLLIN", "POLLERR", "POLLHUP"), eventfd(2),
 * pthread_sigmask(3).
 *
 * Signals: the thread blocks every signal.  The VMM's time budget is a
 * SIGALRM that must interrupt a vCPU's KVM_RUN (vcpu.c); a process-wide
 * signal goes to any thread that does not block it, and if it went here,
 * KVM_RUN would go on running the guest.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "iothread.h"

/* Set up a thread with no sources, not started.  Returns 0 or -errno. */
int iothread_init(struct iothread *io)
{
	memset(io, 0, sizeof(*io));
	io->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return io->stop_fd < 0 ? -errno : 0;
}

/*
 * Wait on fd from now on.  Only before iothread_start: the table is read
 * by the thread without a lock.  Returns 0, -EBUSY if the thread runs,
 * -ENOSPC if the table is full, -EBADF for a negative fd.
 */
int iothread_add(struct iothread *io, int fd, bool (*wanted)(void *opaque),
		 void (*ready)(void *opaque), void *opaque, const char *name)
{
	if (io->running)
		return -EBUSY;
	if (fd < 0)
		return -EBADF;
	if (io->count == IOTHREAD_SOURCES_MAX)
		return -ENOSPC;
	io->sources[io->count++] = (struct iothread_source){
		.fd = fd,
		.wanted = wanted,
		.ready = ready,
		.opaque = opaque,
		.name = name,
	};
	return 0;
}

/* The descriptors to wait on now: the stop eventfd, then those wanted.
 * which[i] is the source behind fds[i] (i >= 1). */
static nfds_t gather(struct iothread *io, struct pollfd *fds,
		     unsigned int *which)
{
	nfds_t n = 0;

	fds[n++] = (struct pollfd){ .fd = io->stop_fd, .events = POLLIN };
	for (unsigned int i = 0; i < io->count; i++) {
		struct iothread_source *s = &io->sources[i];

		if (s->wanted && !s->wanted(s->opaque))
			continue;
		which[n] = i;
		fds[n++] = (struct pollfd){ .fd = s->fd, .events = POLLIN };
	}
	return n;
}

/* book:begin iothread_main */
/*
 * Wait until a descriptor is ready, run its handler, and again, until the
 * stop eventfd is written.  A handler runs for any revents (POLLIN, and
 * POLLERR or POLLHUP, which poll reports unasked): it finds out which by
 * reading.  Returns NULL; io->error says if poll() itself failed.
 */
static void *iothread_main(void *arg)
{
	struct iothread *io = arg;
	struct pollfd fds[IOTHREAD_SOURCES_MAX + 1];
	unsigned int which[IOTHREAD_SOURCES_MAX + 1];

	for (;;) {
		nfds_t n = gather(io, fds, which);

		if (poll(fds, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			io->error = errno;
			return NULL;
		}
		io->polls++;
		if (fds[0].revents)
			return NULL;
		for (nfds_t i = 1; i < n; i++) {
			struct iothread_source *s = &io->sources[which[i]];

			if (!fds[i].revents)
				continue;
			s->wakeups++;
			s->ready(s->opaque);
		}
	}
}
/* book:end iothread_main */

/*
 * Start the thread, with every signal blocked (see the top of this file).
 * Returns 0 or -errno.
 */
int iothread_start(struct iothread *io)
{
	sigset_t all, old;
	pthread_attr_t attr;
	int err;

	if (io->running)
		return -EBUSY;
	/* A stack smaller than a huge page: with transparent huge pages
	 * "always", the default 8 MiB one cost 2 MiB of RSS at its first
	 * touch (measured), for a thread whose frames are a few KiB. */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, IOTHREAD_STACK_SIZE);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&io->thread, &attr, iothread_main, io);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (err)
		return -err;
	io->running = true;
	return 0;
}

/* Stop the thread and wait for it: a handler that runs finishes first. */
void iothread_stop(struct iothread *io)
{
	if (!io->running)
		return;
	eventfd_write(io->stop_fd, 1);
	pthread_join(io->thread, NULL);
	io->running = false;
}

void iothread_exit(struct iothread *io)
{
	iothread_stop(io);
	if (io->stop_fd >= 0)
		close(io->stop_fd);
	io->stop_fd = -1;
}
