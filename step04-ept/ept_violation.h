/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ept_violation.h - the handler of EXIT_REASON_EPT_VIOLATION: the guest
 * touched a guest-physical address our EPT does not map, or not for that
 * kind of access.
 *
 * Runs in the kernel module, VMX root operation, in the exit loop.
 *
 * Spec: Intel SDM Vol. 3, "EPT Violations", "Exit Qualification for EPT
 * Violations".
 */
#ifndef EPT_VIOLATION_H
#define EPT_VIOLATION_H

struct vcpu;

/*
 * Map a page of the demand region, emulate the console, or refuse (log it
 * and stop the guest). An enum exit_action (exit_loop.h).
 */
int handle_ept_violation(struct vcpu *vcpu);

#endif /* EPT_VIOLATION_H */
