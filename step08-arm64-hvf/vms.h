/*
 * vms.h - several VMs at once, each in a process of its own.
 *
 * Runs: userspace (the VMM).
 * Spec: fork(2), pipe(2), poll(2), waitpid(2).
 */
#ifndef VMS_H
#define VMS_H

#include "vm.h"

#define VMS_MAX 16 /* --vms: at most this many VMs */

int vms_run(struct vm *vm);

#endif
