/*
 * list_linux_arm64.c - the backends of a VMM built for arm64 Linux: KVM.
 * The Makefile links the one list_*.c that fits the target; the core
 * names no backend itself.
 *
 * Runs: userspace (the VMM).
 * Spec: hv.h.
 */
#include <stddef.h>

#include "backends/kvm_arm64.h"

const struct hyp_ops *const hyp_backends[] = { &kvm_arm64_ops, NULL };
