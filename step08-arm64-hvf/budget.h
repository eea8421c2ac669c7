/*
 * budget.h - what a guest may spend of its host: run time, and the VMM's
 * notes about single exits.
 *
 * Runs: userspace (the VMM).
 * Spec: hv.h (run, kick).
 */
#ifndef BUDGET_H
#define BUDGET_H

#include <stdbool.h>

#include "vm.h"

#define TIMEOUT_DEFAULT	 10   /* seconds a VM may run (--timeout) */
#define TIMEOUT_MAX	 3600 /* ... at most */
#define EXIT_OVER_BUDGET 3    /* exit status: the guest ran out of time */
#define EXIT_NOTES_MAX	 8    /* notes about single exits shown per VM */

void budget_start(struct vm *vm);
void budget_stop(void);
void budget_thread(struct hyp_vcpu *vcpu);
bool budget_spent(void);
bool note_allowed(struct vm *vm);

#endif
