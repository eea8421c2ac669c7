/* SPDX-License-Identifier: GPL-2.0 */
/*
 * console.h - the step04 guest's console: a device at guest-physical
 * GUEST_DEVICE_BASE with no memory behind it, whose every access the VMM
 * performs itself (memory-mapped I/O, emulated).
 *
 * Runs in the kernel module, VMX root operation, in the exit loop.
 *
 * Spec: Intel SDM Vol. 3, "EPT Violations"; Vol. 2, "MOV - Move".
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <linux/types.h>

#include "ept.h"

#define CONSOLE_MAX 64 /* characters of console output we keep */

struct console {
	char text[CONSOLE_MAX + 1]; /* what the guest printed, sanitized */
	unsigned int len;
	unsigned int reads;  /* of CONSOLE_STATUS */
	unsigned int writes; /* to CONSOLE_DATA */
};

struct vcpu;

/*
 * The guest's @access at @gpa in the device, carried out: the instruction
 * at the guest's RIP decoded (mmio.c), the register read or written, RIP
 * moved past it. EXIT_RESUME_GUEST, or -EOPNOTSUPP for anything the device
 * or the decoder does not know (the caller refuses it).
 */
int console_emulate(struct vcpu *vcpu, u64 gpa, enum ept_access access);

#endif /* CONSOLE_H */
