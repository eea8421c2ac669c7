/*
 * report.h - what the VMM saw of a run, once the guest stopped (and, for
 * Linux, the moments it reported while it ran).
 *
 * Runs: userspace (the VMM).
 * Spec: none; see report.c.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vm.h"

struct vm_report {
	enum run_end end;
	uint32_t last_exit;  /* the KVM_EXIT_* that ended the run */
	bool agree;	     /* halted: accumulator, memory, MMIO agree ... */
	uint64_t result;     /* ... on this value, the accumulator's */
	int status;	     /* the exit status of the vmm */
	uint64_t hypercalls; /* calls made, rejected ones included ... */
	uint64_t rejected;   /* ... of which rejected */
	uint64_t output_dropped; /* console bytes past the budget */
};

void report_collect(struct vm *vm, enum run_end end, struct vm_report *r);
void report_print(const struct vm *vm, const struct vm_report *r);
void report_write(FILE *f, const struct vm_report *r);

void report_loaded(const struct vm *vm);
void report_mark(const struct vm *vm, uint8_t mark, uint64_t ns);
int report_linux(struct vm *vm, enum run_end end);

#endif
