/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exit_loop.h - the exit loop: VMRESUME the guest until it is done,
 * dispatching each VM exit to the handler of its reason, within a budget.
 *
 * Runs in the kernel module, VMX root operation, one CPU, preemption off.
 *
 * Spec: Intel SDM Vol. 3, "VM Exits" ("Basic VM-Exit Information"), "VMX
 * Non-Root Operation" ("Instructions That Cause VM Exits").
 */
#ifndef EXIT_LOOP_H
#define EXIT_LOOP_H

#include <linux/types.h>

#include "vcpu.h"
#include "vmcs.h"

/* The return contract of every exit handler. */
enum exit_action {
	EXIT_STOP_GUEST = 0,   /* the guest is done: leave the loop */
	EXIT_RESUME_GUEST = 1, /* VMRESUME it */
			       /* < 0: -errno, something went wrong: stop */
};

/*
 * The controls the loop needs on top of the guest's own: host interrupts
 * and NMIs cause exits (the host keeps them), and so does every I/O
 * instruction.
 */
extern const struct vmx_controls exit_loop_controls;

/*
 * VMLAUNCH, then VMRESUME after each exit the handlers resume from, until
 * a handler stops the guest (0), an entry fails, a handler fails or the
 * budget is used up (-errno).
 */
int exit_loop_run(struct vcpu *vcpu);

/* For handlers: move GUEST_RIP past the @len bytes of the exiting instruction. */
int skip_instruction(u64 len);

/*
 * For handlers: bytes the guest chose, made safe for the kernel log and the
 * verdict line: anything but printable ASCII becomes '.', and so does every
 * character in @forbidden.
 */
void guest_text_sanitize(char *text, size_t len, const char *forbidden);

#endif /* EXIT_LOOP_H */
