/*
 * hypercalls.h - the VMM side of the hypercall ABI: the dispatcher.
 *
 * Runs: userspace (the VMM) and the host unit tests.
 * Spec: the ABI in common/include/hypercall.h.
 */
#ifndef HYPERCALLS_H
#define HYPERCALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"
#include "hypercall.h"

#define HC_UNKNOWN HC_COUNT /* the statistics slot for numbers we lack */

struct hc_stat {
	uint64_t calls;
	uint64_t rejected; /* returned -errno */
	uint64_t ns;	   /* time spent handling them (the VMM measures) */
};

/* Everything a hypercall may read or change: one per VM. */
struct hc_vm {
	struct guest_mem mem;
	struct hc_vminfo info;	  /* what HC_VMINFO copies */
	uint64_t start_ns;	  /* now_ns() when the VM started */
	uint64_t (*now_ns)(void); /* a monotonic clock (tests fake it) */
	void (*output)(const char *buf, size_t len); /* the console */
	bool exited;   /* HC_EXIT was called ... */
	int exit_code; /* ... with this code */
	struct hc_stat stats[HC_COUNT + 1];
};

/* One call as the guest made it: RAX and RBX, RCX, RDX, RSI. */
struct hc_call {
	uint64_t nr;
	uint64_t arg[4];
};

int64_t hc_dispatch(struct hc_vm *vm, const struct hc_call *call);
const char *hc_name(uint64_t nr);
size_t hc_sanitize(char *dst, const uint8_t *src, size_t len);

#endif
