/*
 * cli.c - the VMM's command line: options, their checks, --help.
 *
 * Runs: userspace (the VMM), first thing in main(), before /dev/kvm is
 * opened: a bad command line fails the same way on every machine.
 * Spec: none (getopt_long(3) for the syntax).
 *
 *   vmm [--mode real|protected|long] [--mem SIZE] [--report FILE] IMAGE
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "console.h"
#include "input.h"
#include "layout.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vmm [--mode real|protected|long] [--mem SIZE] [--report FILE] IMAGE\n"
		"\n"
		"Run the flat binary IMAGE in a one-vCPU KVM virtual machine.\n"
		"IMAGE is loaded at guest-physical %#x and entered at its first\n"
		"byte in the given CPU mode (default: long).  The guest prints\n"
		"through port %#x, leaves its result in the accumulator and at\n"
		"%#x, and stops with HLT.\n"
		"\n"
		"  --mode MODE  real, protected or long\n"
		"  --mem SIZE   guest memory: bytes, or with K, M, G (default 2M,\n"
		"               %uK to %uM, a multiple of 4K)\n"
		"  --report FILE   write how the run ended to FILE, key=value lines:\n"
		"               end, status, last_exit, result, agree (see report.c)\n"
		"  --help       this text\n"
		"\n"
		"Exit status: 0 the guest halted with its result in agreement,\n"
		"1 the guest or KVM failed, 2 bad command line or image.\n",
		GUEST_LOAD_ADDR, GUEST_CONSOLE_PORT, GUEST_RESULT_ADDR,
		GUEST_MEM_MIN >> 10, GUEST_MEM_MAX >> 20);
}

static const struct option long_options[] = {
	{ "mode", required_argument, NULL, 'm' },
	{ "mem", required_argument, NULL, 's' },
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
				  .mem_size = GUEST_MEM_DEFAULT };
	while ((opt = getopt_long(argc, argv, "h", long_options, NULL)) != -1)
		apply_option(opt, optarg, opts);
	if (optind != argc - 1)
		bad_input(optind == argc ? "missing IMAGE"
					 : "more than one IMAGE");
	opts->image = argv[optind];
}
