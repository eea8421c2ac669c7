/*
 * sys/prctl.h - the one prctl(2) request the arm64 VMM makes
 * (arch/arm64/vms.c: each VM's process dies with its parent), for the
 * macOS build (backends/hvf.mk puts backends/hvf_darwin on the include
 * path there only).  macOS has no prctl; hvf_darwin.c answers
 * PR_SET_PDEATHSIG with a thread that watches the parent and refuses any
 * other request with EINVAL.
 *
 * Runs: the arm64 VMM on macOS.  UNVERIFIED: not compiled on a Mac.
 * Spec: Linux prctl(2), "PR_SET_PDEATHSIG".
 */
#ifndef BACKENDS_HVF_DARWIN_SYS_PRCTL_H
#define BACKENDS_HVF_DARWIN_SYS_PRCTL_H

#define PR_SET_PDEATHSIG 1 /* Linux's number; nothing else sees it */

int prctl(int option, ...);

#endif
