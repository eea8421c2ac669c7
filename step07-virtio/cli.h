/*
 * cli.h - the VMM's command line.
 *
 * Runs: userspace (the VMM).
 * Spec: none; `vmm --help` and cli.c say what each option takes.
 */
#ifndef CLI_H
#define CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "x86_modes.h"

struct options {
	enum cpu_mode mode;    /* --mode */
	uint64_t mem_size;     /* --mem: bytes of guest RAM */
	const char *image;     /* IMAGE: the path as given */
	FILE *report;	       /* --report FILE, open for writing; or NULL */
	unsigned int vm_count; /* --vms */
	bool stats;	       /* --stats */
	unsigned int timeout;  /* --timeout: seconds a VM may run */
};

void cli_parse(int argc, char **argv, struct options *opts);

#endif
