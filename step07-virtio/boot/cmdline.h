/*
 * cmdline.h - the kernel command line the VMM hands Linux: the user's,
 * and what this machine needs that the user did not say.
 *
 * Runs: userspace (the VMM), before /dev/kvm is opened; pure functions
 * (the host unit tests include cmdline.c).
 * Spec: Documentation/admin-guide/kernel-parameters.rst ("console=");
 * Documentation/admin-guide/serial-console.rst.
 */
#ifndef BOOT_CMDLINE_H
#define BOOT_CMDLINE_H

#include <stdbool.h>

#include "cli.h"

bool cmdline_has_param(const char *cmdline, const char *name);
const char *cmdline_console(enum console_device console);
char *cmdline_build(const char *user, enum console_device console);

#endif
