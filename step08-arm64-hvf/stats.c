/*
 * stats.c - the hypercall statistics of one VM: per call, how many, how
 * many rejected, and the mean time the VMM spent on one (--stats); the
 * totals and the console budget always.
 *
 * Runs: userspace (the VMM), in each VM's process, after its run.
 * Spec: clock_gettime(2) (CLOCK_MONOTONIC); the counters are filled by
 * hypercalls.c and doorbell.c.
 */
#define _GNU_SOURCE
#include <time.h>

#include "console.h"
#include "stats.h"

#define NS_PER_SEC 1000000000ULL

/* A monotonic clock in nanoseconds: GETTIME's, and the statistics'. */
uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* All the calls, the doorbell's refusals included; and the rejected. */
void stats_totals(const struct vm *vm, uint64_t *calls, uint64_t *rejected)
{
	*calls = *rejected = 0;
	for (uint64_t i = 0; i < HC_SLOTS; i++) {
		*calls += vm->hc.stats[i].calls;
		*rejected += vm->hc.stats[i].rejected;
	}
}

/* book:begin stats */
void stats_print(const struct vm *vm)
{
	uint64_t calls, rejected;

	if (vm->opts->stats)
		vmm_say("%-12s %8s %8s %9s", "hypercall", "calls", "rejected",
			"mean ns");
	for (uint64_t i = 0; i < HC_SLOTS; i++) {
		const struct hc_stat *st = &vm->hc.stats[i];

		if (vm->opts->stats && st->calls)
			vmm_say("%-12s %8llu %8llu %9llu", hc_slot_name(i),
				(unsigned long long)st->calls,
				(unsigned long long)st->rejected,
				(unsigned long long)(st->ns / st->calls));
	}
	stats_totals(vm, &calls, &rejected);
	vmm_say("hypercalls: %llu, rejected: %llu", (unsigned long long)calls,
		(unsigned long long)rejected);
	if (vm->hc.output_dropped)
		vmm_say("console: the budget of %u bytes is spent; %llu bytes dropped",
			HC_OUTPUT_MAX,
			(unsigned long long)vm->hc.output_dropped);
}
/* book:end stats */
