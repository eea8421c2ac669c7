/*
 * cmdline.c - the kernel command line the VMM hands Linux: the user's,
 * then console= for the device --console names, unless the user named a
 * console already.
 *
 * Runs: userspace (the VMM), before /dev/kvm is opened; the host unit
 * tests include this file directly.
 * Spec: Documentation/admin-guide/kernel-parameters.rst: parameters are
 * separated by spaces, "console=" may be given more than once, and the
 * last one is /dev/console; serial-console.rst ("ttyS0"), and the
 * virtio console's hvc driver ("hvc0").
 *
 * Why console= at all: Linux writes its messages to no console it is not
 * told about (on x86 the VGA text console would be the default, and this
 * machine has none).  The user's console= wins, whatever --console says:
 * --console also chooses which device reads the VMM's stdin.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

/* Does a word of cmdline (split at spaces) start with name, e.g. "console="? */
bool cmdline_has_param(const char *cmdline, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = cmdline; *p;) {
		p += strspn(p, " \t\n");
		if (!strncmp(p, name, len))
			return true;
		p += strcspn(p, " \t\n");
	}
	return false;
}

const char *cmdline_console(enum console_device console)
{
	return console == CONSOLE_VIRTIO ? "console=hvc0" : "console=ttyS0";
}

/*
 * The command line for Linux, in a new string (NULL if out of memory):
 * user (NULL: empty) with the console appended when it names none.  Its
 * length is the kernel's to refuse (cmdline_size: bzimage_layout()).
 */
char *cmdline_build(const char *user, enum console_device console)
{
	const char *add = cmdline_console(console), *sep = " ";
	size_t len;
	char *cmdline;

	if (!user)
		user = "";
	if (cmdline_has_param(user, "console="))
		add = "";
	if (!*user || !*add)
		sep = "";
	len = strlen(user) + strlen(sep) + strlen(add) + 1;
	cmdline = malloc(len);
	if (cmdline)
		snprintf(cmdline, len, "%s%s%s", user, sep, add);
	return cmdline;
}
