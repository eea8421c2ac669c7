/*
 * vms.h (arm64) - several flat VMs at once, each in a process of its own.
 *
 * Runs: userspace (the arm64 VMM).
 * Spec: fork(2), pipe(2), poll(2), waitpid(2); see vms.c.
 */
#ifndef ARCH_ARM64_VMS_H
#define ARCH_ARM64_VMS_H

#include <stdio.h>

/* One VM's run in a child: VM index (1..n), its report into report_file;
 * returns its exit status. */
typedef int (*arm64_vm_run_fn)(unsigned int index, FILE *report_file);

int arm64_vms_run(unsigned int n, arm64_vm_run_fn run, FILE *report);

#endif
