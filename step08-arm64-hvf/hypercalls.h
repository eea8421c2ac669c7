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

/* Statistics slots: one per call, then two for what is not a call. */
#define HC_UNKNOWN    HC_COUNT	     /* numbers we lack */
#define HC_BAD_ACCESS (HC_COUNT + 1) /* HC_PORT accessed, but not by OUT AL */
#define HC_SLOTS      (HC_COUNT + 2)

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
	uint64_t output_used;	 /* bytes of HC_OUTPUT_MAX printed ... */
	uint64_t output_dropped; /* ... and refused once it was spent */
	bool exited;		 /* HC_EXIT was called ... */
	int exit_code;		 /* ... with this code */
	struct hc_stat stats[HC_SLOTS];
};

/* One call as the guest made it: RAX and RBX, RCX, RDX, RSI. */
struct hc_call {
	uint64_t nr;
	uint64_t arg[4];
};

bool hc_is_doorbell(uint32_t size, uint32_t count, bool completed_by_kvm);
int64_t hc_dispatch(struct hc_vm *vm, const struct hc_call *call);
int64_t hc_refuse_access(struct hc_vm *vm);
int64_t hc_console(struct hc_vm *vm, const uint8_t *src, size_t len);
const char *hc_slot_name(uint64_t slot);

#endif
