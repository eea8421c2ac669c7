/*
 * hvf_darwin.h - what the VMM's core, written on Linux, uses that macOS
 * does not have, for the macOS build of the arm64 VMM (backends/hvf.mk
 * force-includes this file with -include, and puts this folder first on
 * the include path for <endian.h> and <sys/prctl.h>).  The core itself
 * stays as it is; nothing here is seen by a Linux build.
 *
 *   pthread_barrier_*   POSIX barriers (optional in POSIX; macOS has
 *                       none): a mutex, a condition and a count
 *                       (hvf_darwin.c);
 *   fdatasync           fsync: macOS documents no fdatasync(2); both
 *                       leave the drive's cache to the drive (F_FULLFSYNC
 *                       would not), which is what the disk's flush meant
 *                       on Linux too;
 *   <endian.h>          endian.h here: Apple silicon is little-endian;
 *   <sys/prctl.h>       sys/prctl.h here: PR_SET_PDEATHSIG by a thread
 *                       that watches the parent (hvf_darwin.c).
 *
 * Runs: the arm64 VMM on macOS (Apple silicon).  UNVERIFIED: no Mac was
 * available; the barrier and the parent watch are unit-tested on Linux
 * (tests/unit/step08-arm64-hvf/test_hvf_darwin.c), the macOS build itself
 * has not been compiled.
 * Spec: POSIX.1-2017 "pthread_barrier_init", "pthread_barrier_wait";
 * Linux prctl(2) "PR_SET_PDEATHSIG"; getppid(2).
 */
#ifndef BACKENDS_HVF_DARWIN_H
#define BACKENDS_HVF_DARWIN_H

#include <pthread.h>

/* A barrier for count threads: the count-th arrival releases them all. */
struct hvf_barrier {
	pthread_mutex_t lock;
	pthread_cond_t released;
	unsigned int count, arrived;
	unsigned long generation; /* one per release */
};

#define HVF_BARRIER_SERIAL_THREAD (-1) /* PTHREAD_BARRIER_SERIAL_THREAD */

int hvf_barrier_init(struct hvf_barrier *b, const void *attr,
		     unsigned int count);
int hvf_barrier_wait(struct hvf_barrier *b);
int hvf_barrier_destroy(struct hvf_barrier *b);

/* From now on, signal sig ends this process when its parent is gone (a
 * thread that polls getppid()): 0, or an errno. */
int hvf_pdeathsig(int sig);

#ifdef __APPLE__
#define pthread_barrier_t	      struct hvf_barrier
#define pthread_barrierattr_t	      void
#define pthread_barrier_init	      hvf_barrier_init
#define pthread_barrier_wait	      hvf_barrier_wait
#define pthread_barrier_destroy	      hvf_barrier_destroy
#define PTHREAD_BARRIER_SERIAL_THREAD HVF_BARRIER_SERIAL_THREAD
#define fdatasync(fd)		      fsync(fd)
#endif

#endif
