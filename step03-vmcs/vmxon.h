/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmxon.h - enter and leave VMX root operation on every CPU.
 *
 * Kernel (ring 0). Spec: Intel SDM Vol. 3, "Enabling and Entering VMX
 * Operation", "VMXOFF - Leave VMX Operation".
 */
#ifndef VMXON_H
#define VMXON_H

#include "vmx_caps.h"

/*
 * VMXON on every online CPU, with the revision identifier and fixed bits from
 * @caps; CPUs that come online later enter VMX operation too, CPUs that go
 * offline leave it first. 0, or the first CPU's error (-EBUSY: another
 * hypervisor owns VMX; -EOPNOTSUPP: the firmware disabled VMX; -EIO: a fixed
 * bit or VMXON failed; -EINVAL: a bad fail_on_cpu; -ENOMEM); on error no CPU
 * is left in VMX operation.
 */
int vmxon_all_cpus(const struct vmx_caps *caps);

/* VMXOFF and CR4.VMXE cleared on every CPU in VMX operation; regions freed. */
void vmxoff_all_cpus(void);

#endif /* VMXON_H */
