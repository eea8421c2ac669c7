/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmx_errors.h - names for the VM-instruction error numbers.
 *
 * Pure data: used by the kernel module and by the host's Check unit tests.
 *
 * Spec: Intel SDM Vol. 3, Section "VM Instruction Error Numbers" (in the
 * chapter "VMX Instruction Reference").
 */
#ifndef VMX_ERRORS_H
#define VMX_ERRORS_H

#include <linux/types.h>

/* "VMXERR_..." as Linux spells it, or "reserved" for numbers the SDM skips. */
const char *vmx_instruction_error_name(u32 number);

#endif /* VMX_ERRORS_H */
