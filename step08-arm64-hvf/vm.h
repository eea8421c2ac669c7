/*
 * vm.h - one virtual machine: its backend (hv.h) and the VM and vCPU it
 * made, its memory, its buses, its hypercall state, and what the VMM
 * counts while it runs.
 *
 * Runs: userspace (the VMM).
 * Spec: hv.h; Documentation/virt/kvm/api.rst, "General description".
 */
#ifndef VM_H
#define VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bus.h"
#include "cli.h"
#include "guest_mem.h"
#include "hv.h"
#include "hypercalls.h"
#include "irq.h"
#include "x86_modes.h"

#define EXIT_REASONS_COUNTED 64 /* exit.reason values we keep statistics for */

/* Why the run loop ended; GUEST_RUNNING while it has not. */
enum run_end {
	GUEST_RUNNING,
	GUEST_HALTED,	   /* a flat guest: HLT */
	GUEST_FAILED,	   /* it cannot continue (vcpu.c said why) */
	GUEST_EXITED,	   /* a flat guest: the EXIT hypercall */
	GUEST_OVER_BUDGET, /* --timeout */
	GUEST_POWERED_OFF, /* Linux: ACPI S5 */
	GUEST_RESET,	   /* Linux: the reset line, or a triple fault */
	GUEST_PANICKED,	   /* Linux: pvpanic */
};

struct machine; /* the devices Linux boots with (machine.h) */
struct smp;	/* Linux's vCPUs (smp.c) */

struct vm {
	const struct options *opts; /* what the command line asked for */
	const struct hyp_ops *hv;   /* the backend (--backend) */
	struct hyp_vm hv_vm;	    /* the VM it made */
	struct hyp_vcpu vcpu;	    /* vCPU 0: a flat guest's, Linux's BSP */
	struct hyp_exit exit;	    /* why run() returned last (after Linux's
				       run: on the vCPU that stopped it) */
	struct guest_mem mem;	    /* guest-physical 0 is mem.base[0] */
	struct bus pio, mmio;	    /* the devices: port and MMIO ranges */
	struct machine *machine;    /* Linux's devices; NULL: a flat guest */
	struct smp *smp;	    /* Linux's vCPUs and their threads */
	/*
	 * Written by every vCPU thread, so only through atomics: stop by
	 * vm_stop() (compare-and-swap: the first reason wins), the counters
	 * by relaxed increments (read after the threads are joined).
	 */
	enum run_end stop;  /* a device or a vCPU ended the run, and how */
	bool stopping;	    /* the run is ending: stop set, or the alarm */
	uint64_t unclaimed; /* accesses no device decoded */
	uint64_t exits[EXIT_REASONS_COUNTED]; /* how many of each reason */
	bool mmio_seen;	     /* the guest wrote GUEST_MMIO_RESULT ... */
	uint64_t mmio_value; /* ... this value */
	unsigned int index;  /* this VM: 1..opts->vm_count */
	unsigned int notes;  /* notes about single exits so far */
	struct hc_vm hc;     /* the hypercalls' view of this VM */
};

void guest_memory_load(struct vm *vm);
void guest_memory_map(struct vm *vm, uint64_t size);
void hv_choose(struct vm *vm);
void hv_vm_check(struct vm *vm, int err);
void hv_vcpu_check(struct vm *vm, int err);
void vm_create(struct vm *vm);
void vm_irq_line_init(struct vm *vm, struct irq_line *line, unsigned int gsi);
void vm_stop(struct vm *vm, enum run_end why);
enum run_end vm_stopped(struct vm *vm);
int vm_run(struct vm *vm, FILE *report);

#endif
