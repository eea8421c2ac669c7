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

#include "net/net_option.h"
#include "x86_modes.h"

#define DISKS_MAX 7 /* --disk: virtio-mmio windows less the console's */

/* --console: which device the VMM's stdin feeds, and Linux's console=. */
enum console_device { CONSOLE_SERIAL, CONSOLE_VIRTIO };

struct disk_option {
	const char *path;
	bool read_only; /* FILE,ro */
};

struct options {
	enum cpu_mode mode; /* --mode */
	uint64_t mem_size;  /* --mem: bytes of guest RAM */
	const char *image;  /* IMAGE: the path as given; NULL with --kernel */
	FILE *report;	    /* --report FILE, open for writing; or NULL */
	unsigned int vm_count; /* --vms */
	bool stats;	       /* --stats */
	const char *backend;   /* --backend NAME, or NULL: the first */
	unsigned int timeout;  /* --timeout: seconds a VM may run; 0: no end */
	/* Linux (--kernel) */
	const char *kernel;  /* --kernel: a bzImage; NULL: a flat guest */
	const char *initrd;  /* --initrd, or NULL */
	const char *cmdline; /* --cmdline as given, or NULL */
	struct disk_option disks[DISKS_MAX];
	unsigned int disk_count;
	enum console_device console; /* --console */
	unsigned int cpus;	     /* --cpus: vCPUs, 1..SMP_CPUS_MAX */
	struct net_option net;	     /* --net, parsed */
	const char *net_text;	     /* --net as given; NULL: no network */
	bool raw;		     /* --raw */
};

void cli_parse(int argc, char **argv, struct options *opts);

#endif
