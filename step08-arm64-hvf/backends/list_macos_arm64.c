/*
 * list_macos_arm64.c - the backends of a VMM built for macOS on Apple
 * silicon: Hypervisor.framework.  backends/hvf.mk links this list instead
 * of list_linux_arm64.c; the core names no backend itself.
 *
 * Runs: userspace (the VMM), macOS.  Compiled on Linux too (hvf-check).
 * Spec: hv.h.
 */
#include <stddef.h>

#include "backends/hvf_arm64.h"

const struct hyp_ops *const hyp_backends[] = { &hvf_arm64_ops, NULL };
