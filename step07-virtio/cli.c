/*
 * cli.c - the VMM's command line: options, their checks, --help.
 *
 * Runs: userspace (the VMM), first thing in main(), before /dev/kvm is
 * opened: a bad command line fails the same way on every machine, with
 * exit status 2 and a message that names the problem.  Values are shown
 * escaped in messages (console_shown), getopt's own messages included.
 * Spec: none (getopt_long(3) for the syntax).
 *
 *   vmm [--mode real|protected|long] [--mem SIZE] [--vms N] [--stats]
 *       [--timeout SECS] [--report FILE] IMAGE
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
		"           [--timeout SECS] [--report FILE] IMAGE\n"
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
		"  --mem SIZE      guest memory, %uK to %uM in whole 4K pages\n"
		"                  (default 2M)\n"
		"  --vms N         run N VMs in parallel processes (1 to %u)\n"
		"  --stats         print exits per reason and hypercall times\n"
		"  --timeout SECS  stop a VM that runs longer (default %u)\n"
		"  --report FILE   write how each VM ended to FILE, key=value\n"
		"                  lines: vm1.end=exited, ..., hypercalls=N, ...\n"
		"  --help          this text\n"
		"\n"
		"SIZE is a number of bytes, decimal (2097152) or hexadecimal after 0x\n"
		"(0x200000), and may end in K, M or G (2048K, 2M).  A leading zero is\n"
		"refused: C would read 010 as octal, 8.  N and SECS are decimal.\n"
		"\n"
		"Exit status: with one VM, the guest's EXIT code, or 0 when it\n"
		"halted with its result in agreement; 1 the guest or KVM failed;\n"
		"2 bad command line or image; 3 a VM ran out of time.  With\n"
		"several VMs: 0 if every VM's status was 0, else the first other.\n",
		GUEST_LOAD_ADDR, GUEST_CONSOLE_PORT, HC_PORT, GUEST_RESULT_ADDR,
		HC_OUTPUT_MAX / KIB, GUEST_MEM_MIN / KIB, GUEST_MEM_MAX / MIB,
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

/* --vms N, --timeout SECS: a decimal count, 1 to max. */
static void apply_count(const char *option, const char *arg, unsigned int max,
			const char *unit, unsigned int *count)
{
	enum number_error err = parse_count(arg, max, count);
	char shown[SHOWN_MAX];

	if (err != NUMBER_OK)
		bad_input("bad %s '%s': %s (want 1..%u%s)", option,
			  console_shown(shown, arg), number_error_text(err),
			  max, unit);
}

/* Apply one option; bad values end the program (bad_input: status 2). */
static void apply_option(int opt, const char *arg, struct options *opts,
			 const char **report_path)
{
	char shown[SHOWN_MAX];
	enum number_error err;

	switch (opt) {
	case 'm':
		if (mode_parse(arg, &opts->mode) < 0)
			bad_input(
				"bad --mode '%s': use real, protected or long",
				console_shown(shown, arg));
		break;
	case 's':
		err = parse_size(arg, &opts->mem_size);
		if (err != NUMBER_OK)
			bad_input(
				"bad --mem size '%s': %s (want %uK..%uM in whole 4K pages)",
				console_shown(shown, arg),
				number_error_text(err), GUEST_MEM_MIN / KIB,
				GUEST_MEM_MAX / MIB);
		break;
	case 'n':
		apply_count("--vms", arg, VMS_MAX, "", &opts->vm_count);
		break;
	case 'S':
		opts->stats = true;
		break;
	case 't':
		apply_count("--timeout", arg, TIMEOUT_MAX, " seconds",
			    &opts->timeout);
		break;
	case 'r': /* opened once IMAGE is known: see open_report() */
		*report_path = arg;
		break;
	case 'h':
		usage(stdout);
		exit(EXIT_SUCCESS);
	}
}

/*
 * getopt_long met an option it does not know ('?') or one without its
 * value (':').  It would say so itself, echoing the option raw; we say it
 * escaped.  An unknown short option is in optopt (it may share its
 * argument with others, "-hx"), a long one is the argument just passed.
 */
static _Noreturn void bad_option(int opt, char **argv)
{
	char name[] = { '-', (char)optopt, '\0' }, shown[SHOWN_MAX];

	console_shown(shown, opt == '?' && optopt ? name : argv[optind - 1]);
	if (opt == ':')
		bad_input("option '%s' needs a value", shown);
	bad_input("unknown option '%s'", shown);
}

/*
 * Open the report file now, before anything runs: a path we cannot write
 * is bad input.  But not the image itself, by whatever name: opening it
 * for writing would empty it before it is read.
 */
static void open_report(const char *path, struct options *opts)
{
	struct stat report, image;
	char shown[SHOWN_MAX];

	if (stat(path, &report) == 0 && stat(opts->image, &image) == 0 &&
	    report.st_dev == image.st_dev && report.st_ino == image.st_ino)
		bad_input(
			"--report '%s' is the image itself: it would be overwritten",
			console_shown(shown, path));
	opts->report = fopen(path, "w");
	if (!opts->report)
		bad_input("cannot write --report '%s': %s",
			  console_shown(shown, path), strerror(errno));
}

void cli_parse(int argc, char **argv, struct options *opts)
{
	const char *report_path = NULL;
	int opt;

	*opts = (struct options){ .mode = MODE_LONG,
				  .mem_size = GUEST_MEM_DEFAULT,
				  .vm_count = 1,
				  .timeout = TIMEOUT_DEFAULT };
	opterr = 0; /* bad_option() speaks instead */
	while ((opt = getopt_long(argc, argv, ":h", long_options, NULL)) != -1)
		if (opt == '?' || opt == ':')
			bad_option(opt, argv);
		else
			apply_option(opt, optarg, opts, &report_path);
	if (optind != argc - 1)
		bad_input(optind == argc ? "missing IMAGE"
					 : "more than one IMAGE");
	opts->image = argv[optind];
	if (report_path)
		open_report(report_path, opts);
}
