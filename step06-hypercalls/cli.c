/*
 * cli.c - the VMM's command line: options, their checks, --help.
 *
 * Runs: userspace (the VMM), first thing in main(), before /dev/kvm is
 * opened: a bad command line fails the same way on every machine.
 * Spec: none (getopt_long(3) for the syntax).
 *
 *   vmm [--mode real|protected|long] [--mem SIZE] [--vms N] [--stats]
 *       [--timeout SECONDS] [--report FILE] IMAGE
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "cli.h"
#include "console.h"
#include "input.h"
#include "hypercalls.h"
#include "layout.h"
#include "vms.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vmm [--mode real|protected|long] [--mem SIZE] [--vms N] [--stats]\n"
		"           [--timeout SECONDS] [--report FILE] IMAGE\n"
		"\n"
		"Run the flat binary IMAGE in one-vCPU KVM virtual machines.\n"
		"IMAGE is loaded at guest-physical %#x and entered at its first\n"
		"byte in the given CPU mode (default: long).  The guest prints\n"
		"through port %#x or makes hypercalls through port %#x (see\n"
		"hypercall.h); it stops with the EXIT hypercall, or with HLT after\n"
		"leaving its result in the accumulator and at %#x.  Each VM may\n"
		"print %u KiB in all; the rest of its output is dropped.\n"
		"\n"
		"  --mode MODE     real, protected or long\n"
		"  --mem SIZE      guest memory: bytes, or with K, M, G (default 2M,\n"
		"                  %uK to %uM, a multiple of 4K)\n"
		"  --vms N         run N VMs in parallel processes (1 to %u)\n"
		"  --stats         print exits per reason and hypercall times\n"
		"  --timeout SECS  stop a VM that runs longer (default %u)\n"
		"  --report FILE   write how each VM ended to FILE, key=value lines\n"
		"                  (see report.c and vms.c)\n"
		"  --help          this text\n"
		"\n"
		"Exit status: with one VM, the guest's EXIT code, or 0 when it\n"
		"halted with its result in agreement; 1 the guest or KVM failed;\n"
		"2 bad command line or image; 3 a VM ran out of time.  With\n"
		"several VMs: 0 if every VM's status was 0, else the first other.\n",
		GUEST_LOAD_ADDR, GUEST_CONSOLE_PORT, HC_PORT, GUEST_RESULT_ADDR,
		HC_OUTPUT_MAX >> 10, GUEST_MEM_MIN >> 10, GUEST_MEM_MAX >> 20,
		VMS_MAX, TIMEOUT_DEFAULT);
}

static const struct option long_options[] = {
	{ "mode", required_argument, NULL, 'm' },
	{ "mem", required_argument, NULL, 's' },
	{ "vms", required_argument, NULL, 'n' },
	{ "stats", no_argument, NULL, 'S' },
	{ "timeout", required_argument, NULL, 't' },
	{ "report", required_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

/* Apply one option; bad values end the program (bad_input: status 2). */
static void apply_option(int opt, const char *arg, struct options *opts)
{
	switch (opt) {
	case 'm':
		if (mode_parse(arg, &opts->mode) < 0)
			bad_input(
				"bad --mode '%s': use real, protected or long",
				arg);
		break;
	case 's':
		if (parse_size(arg, &opts->mem_size) < 0)
			bad_input(
				"bad --mem size '%s': want %uK..%uM, a multiple of 4K",
				arg, GUEST_MEM_MIN >> 10, GUEST_MEM_MAX >> 20);
		break;
	case 'n':
		if (parse_count(arg, VMS_MAX, &opts->vm_count) < 0)
			bad_input("bad --vms '%s': want 1..%u", arg, VMS_MAX);
		break;
	case 'S':
		opts->stats = true;
		break;
	case 't':
		if (parse_count(arg, TIMEOUT_MAX, &opts->timeout) < 0)
			bad_input("bad --timeout '%s': want 1..%u seconds", arg,
				  TIMEOUT_MAX);
		break;
	case 'r': /* opened now: a path we cannot write is bad input */
		opts->report = fopen(arg, "w");
		if (!opts->report)
			bad_input("cannot write --report '%s': %s", arg,
				  strerror(errno));
		break;
	case 'h':
		usage(stdout);
		exit(EXIT_SUCCESS);
	default:
		exit(EXIT_BAD_INPUT); /* getopt_long said why */
	}
}

void cli_parse(int argc, char **argv, struct options *opts)
{
	int opt;

	*opts = (struct options){ .mode = MODE_LONG,
				  .mem_size = GUEST_MEM_DEFAULT,
				  .vm_count = 1,
				  .timeout = TIMEOUT_DEFAULT };
	while ((opt = getopt_long(argc, argv, "h", long_options, NULL)) != -1)
		apply_option(opt, optarg, opts);
	if (optind != argc - 1)
		bad_input(optind == argc ? "missing IMAGE"
					 : "more than one IMAGE");
	opts->image = argv[optind];
}
