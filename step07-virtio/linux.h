/*
 * linux.h - boot Linux on the machine of machine.c.
 *
 * Runs: userspace (the VMM).
 * Spec: Documentation/arch/x86/boot.rst; see linux.c.
 */
#ifndef LINUX_H
#define LINUX_H

#include "vm.h"

void linux_load(struct vm *vm);
int linux_run(struct vm *vm);

#endif
