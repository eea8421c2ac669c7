/*
 * hvf_darwin.c - the POSIX barrier and the parent-death signal that the
 * arm64 VMM's core uses and macOS lacks (see hvf_darwin.h); linked into
 * the macOS build only.  The barrier and hvf_pdeathsig are plain POSIX
 * and are unit-tested on Linux (test_hvf_darwin.c); prctl() exists only
 * for macOS, where there is none.
 *
 * Runs: the arm64 VMM on macOS, on its vCPU threads (the barrier) and in
 * each VM's child process (the parent watch).
 * Spec: POSIX.1-2017 "pthread_barrier_wait" (the serial thread, the
 * barrier reusable at once); Linux prctl(2) "PR_SET_PDEATHSIG".
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <unistd.h>

#include "hvf_darwin.h"

int hvf_barrier_init(struct hvf_barrier *b, const void *attr,
		     unsigned int count)
{
	(void)attr;
	if (count == 0)
		return EINVAL;
	b->count = count;
	b->arrived = 0;
	b->generation = 0;
	if (pthread_mutex_init(&b->lock, NULL))
		return EAGAIN;
	if (pthread_cond_init(&b->released, NULL)) {
		pthread_mutex_destroy(&b->lock);
		return EAGAIN;
	}
	return 0;
}

/* The last to arrive releases the others and is the "serial" one; a
 * waiter leaves when the generation it arrived in is over (spurious
 * wake-ups change nothing). */
int hvf_barrier_wait(struct hvf_barrier *b)
{
	unsigned long gen;
	int ret = 0;

	pthread_mutex_lock(&b->lock);
	gen = b->generation;
	if (++b->arrived == b->count) {
		b->arrived = 0;
		b->generation++;
		pthread_cond_broadcast(&b->released);
		ret = HVF_BARRIER_SERIAL_THREAD;
	} else {
		while (gen == b->generation)
			pthread_cond_wait(&b->released, &b->lock);
	}
	pthread_mutex_unlock(&b->lock);
	return ret;
}

int hvf_barrier_destroy(struct hvf_barrier *b)
{
	pthread_cond_destroy(&b->released);
	pthread_mutex_destroy(&b->lock);
	return 0;
}

#define PDEATH_POLL_US 100000 /* the parent is looked at 10 times a second */

static pid_t pdeath_parent;
static int pdeath_sig;

/* Once the parent is gone the process is some other's child (launchd's,
 * or a subreaper's): getppid() changes. */
static void *watch_parent(void *arg)
{
	(void)arg;
	while (getppid() == pdeath_parent)
		usleep(PDEATH_POLL_US);
	kill(getpid(), pdeath_sig);
	return NULL;
}

int hvf_pdeathsig(int sig)
{
	pthread_t t;
	int err;

	if (sig <= 0 || sig >= NSIG)
		return EINVAL;
	pdeath_parent = getppid();
	pdeath_sig = sig;
	if (pdeath_parent == 1)
		return kill(getpid(), sig) ? errno : 0; /* already gone */
	err = pthread_create(&t, NULL, watch_parent, NULL);
	if (err)
		return err;
	pthread_detach(t);
	return 0;
}

#ifdef __APPLE__
#include "sys/prctl.h"

int prctl(int option, ...)
{
	va_list ap;
	int sig, err;

	if (option != PR_SET_PDEATHSIG) {
		errno = EINVAL;
		return -1;
	}
	va_start(ap, option);
	sig = va_arg(ap, int); /* prctl(PR_SET_PDEATHSIG, SIGKILL): an int */
	va_end(ap);
	err = hvf_pdeathsig(sig);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}
#endif
