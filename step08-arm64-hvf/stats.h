/*
 * stats.h - the hypercall statistics of one VM, and the clock they are
 * measured with.
 *
 * Runs: userspace (the VMM).
 * Spec: clock_gettime(2) (CLOCK_MONOTONIC).
 */
#ifndef STATS_H
#define STATS_H

#include <stdint.h>

#include "vm.h"

uint64_t now_ns(void);
void stats_totals(const struct vm *vm, uint64_t *calls, uint64_t *rejected);
void stats_print(const struct vm *vm);

#endif
