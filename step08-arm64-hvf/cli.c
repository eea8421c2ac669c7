/*
 * cli.c - the VMM's command line: options, their checks, --help.
 *
 * Runs: userspace (the VMM), first thing in main(), before /dev/kvm is
 * opened: a bad command line fails the same way on every machine, with
 * exit status 2 and a message that names the problem.  Values are shown
 * escaped in messages (console_shown), getopt's own messages included.
 * Spec: none (getopt_long(3) for the syntax).  The Linux options are
 * those users of kvmtool, Firecracker and QEMU know: --kernel, --initrd,
 * --cmdline, --mem, --disk FILE[,ro], --console, --net tap[=NAME].
 *
 *   vmm [--mode real|protected|long] [--mem SIZE] [--vms N] [--stats]
 *       [--timeout SECS] [--report FILE] IMAGE
 *   vmm --kernel BZIMAGE [--initrd FILE] [--cmdline STR] [--mem SIZE]
 *       [--disk FILE[,ro]]... [--console serial|virtio]
 *       [--net tap[=NAME][,mac=MAC][,offload=off]] [--raw] [--cpus N] [--stats]
 *       [--timeout SECS] [--report FILE]
 */
#define _GNU_SOURCE
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
#include "machine.h"
#include "smp.h"
#include "vms.h"

#define GIB 0x40000000ULL

static void usage_flat(FILE *out)
{
	fprintf(out,
		"usage: vmm [--mode real|protected|long] [--mem SIZE] [--vms N] [--stats]\n"
		"           [--timeout SECS] [--report FILE] IMAGE\n"
		"       vmm --kernel BZIMAGE [--initrd FILE] [--cmdline STR] [--mem SIZE]\n"
		"           [--disk FILE[,ro]]... [--console serial|virtio]\n"
		"           [--net tap[=NAME][,mac=MAC][,offload=off]] [--raw]\n"
		"           [--cpus N] [--stats] [--timeout SECS] [--report FILE]\n"
		"\n"
		"Run the flat binary IMAGE in one-vCPU KVM virtual machines, or boot\n"
		"a Linux kernel on a machine of N vCPUs with a serial port and virtio.\n"
		"\n"
		"IMAGE is loaded at guest-physical %#x and entered at its first\n"
		"byte in the given CPU mode (default: long).  The guest prints\n"
		"through port %#x or makes hypercalls through port %#x (see\n"
		"hypercall.h); it stops with the EXIT hypercall, or with HLT after\n"
		"leaving its result in the accumulator and at %#x.  Each VM may\n"
		"print %u KiB in all; the rest of its output is dropped.\n"
		"\n",
		GUEST_LOAD_ADDR, GUEST_CONSOLE_PORT, HC_PORT, GUEST_RESULT_ADDR,
		HC_OUTPUT_MAX / KIB);
}

static void usage_linux(FILE *out)
{
	fprintf(out,
		"BZIMAGE is a Linux bzImage (boot protocol 2.12 or later, with the\n"
		"64-bit entry point).  Its machine: a 16550 UART on COM1 (port %#x,\n"
		"IRQ %u), the i8042's reset line (reboot), ACPI power-off, pvpanic\n"
		"(port %#x), a boot timer (at %#x), virtio-console (hvc0), a\n"
		"virtio-blk disk per --disk (vda, vdb, ... in order) and with --net\n"
		"a virtio-net card, on virtio-mmio and described in ACPI tables.  The guest's console lines are\n"
		"marked 'guest: ', the VMM's 'vmm: ' (unless --raw).\n"
		"\n",
		MACHINE_COM1_PORT, MACHINE_GSI_COM1, MACHINE_PVPANIC_PORT,
		MACHINE_BOOT_TIMER_ADDR);
}

static void usage_options(FILE *out)
{
	fprintf(out,
		"  --mode MODE     real, protected or long (a flat guest)\n"
		"  --mem SIZE      guest memory, in whole 4K pages: a flat guest\n"
		"                  %uK to %uM (default 2M); Linux %uM to %lluG\n"
		"                  (default %uM)\n"
		"  --vms N         run N flat VMs in parallel processes (1 to %u)\n"
		"  --stats         print exits per reason, hypercall times, and\n"
		"                  the accesses each device decoded\n"
		"  --timeout SECS  stop a VM that runs longer (1 to %u; default:\n"
		"                  a flat guest %u, Linux no limit)\n"
		"  --report FILE   write how the VM ended to FILE, key=value lines:\n"
		"                  end=..., status=N, ...\n",
		GUEST_MEM_MIN / KIB, GUEST_MEM_MAX / MIB, MACHINE_RAM_MIN / MIB,
		MACHINE_RAM_MAX / GIB, MACHINE_RAM_DEFAULT / MIB, VMS_MAX,
		TIMEOUT_MAX, TIMEOUT_DEFAULT);
	fprintf(out,
		"  --kernel BZIMAGE  boot this Linux kernel\n"
		"  --initrd FILE   its initramfs, placed as high as the kernel's\n"
		"                  initrd_addr_max and --mem allow\n"
		"  --cmdline STR   the kernel command line (default: empty); the VMM\n"
		"                  appends console=ttyS0 (serial) or console=hvc0\n"
		"                  (virtio) when STR names no console=\n"
		"  --disk FILE[,ro]  a virtio-blk disk on FILE (a raw image or a\n"
		"                  block device), read-only with ,ro (,rw: the\n"
		"                  default, for a FILE with a comma); up to %u\n"
		"  --cpus N        vCPUs, one thread each (1 to %u; default 1); the\n"
		"                  guest starts vCPUs 1..N-1 itself (INIT, SIPI)\n"
		"  --console DEV   serial (default) or virtio: which device reads\n"
		"                  the VMM's stdin, and which console= is appended\n"
		"  --net tap[=NAME][,mac=MAC][,offload=off]  a virtio-net card on a\n"
		"                  tap: NAME (made with `ip tuntap add` and set up\n"
		"                  beforehand, or made now) or, without =NAME, a new\n"
		"                  one the kernel names (printed); MAC default: from\n"
		"                  the tap's name; offload=off: no checksum or TSO\n"
		"                  offload.  Needs CAP_NET_ADMIN and /dev/net/tun\n"
		"  --raw           for interactive use: the guest's console bytes to\n"
		"                  stdout as they are (no marks, nothing sanitized),\n"
		"                  the VMM's lines to stderr; a terminal on stdin in\n"
		"                  non-canonical mode without echo (Ctrl-C still\n"
		"                  stops the VMM)\n"
		"  --backend NAME  the hypervisor to run on (hv.h): one this VMM\n"
		"                  was built with (default: the first, kvm-x86)\n"
		"  --help          this text\n"
		"\n",
		DISKS_MAX, SMP_CPUS_MAX);
}

static void usage_end(FILE *out)
{
	fprintf(out,
		"SIZE is a number of bytes, decimal (2097152) or hexadecimal after 0x\n"
		"(0x200000), and may end in K, M or G (2048K, 2M).  A leading zero is\n"
		"refused: C would read 010 as octal, 8.  N and SECS are decimal.\n"
		"\n"
		"Exit status: a flat guest, one VM: the guest's EXIT code, or 0 when\n"
		"it halted with its result in agreement; 1 the guest or KVM failed;\n"
		"2 bad command line or image; 3 a VM ran out of time.  With several\n"
		"VMs: 0 if every VM's status was 0, else the first other.\n"
		"Linux: %d the guest powered the machine off (ACPI S5); %d it reset\n"
		"the machine (reboot: the i8042's reset line, or a triple fault);\n"
		"%d it panicked (pvpanic); %d it ran out of time (--timeout); %d bad\n"
		"command line, kernel, initrd or disk: nothing ran; %d KVM or the VMM\n"
		"failed.\n",
		EXIT_SUCCESS, EXIT_GUEST_RESET, EXIT_GUEST_PANICKED,
		EXIT_OVER_BUDGET, EXIT_BAD_INPUT, EXIT_FAILURE);
}

static void usage(FILE *out)
{
	usage_flat(out);
	usage_linux(out);
	usage_options(out);
	usage_end(out);
}

static const struct option long_options[] = {
	{ "mode", required_argument, NULL, 'm' },
	{ "mem", required_argument, NULL, 's' },
	{ "vms", required_argument, NULL, 'n' },
	{ "stats", no_argument, NULL, 'S' },
	{ "timeout", required_argument, NULL, 't' },
	{ "report", required_argument, NULL, 'r' },
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "cmdline", required_argument, NULL, 'c' },
	{ "disk", required_argument, NULL, 'd' },
	{ "console", required_argument, NULL, 'C' },
	{ "net", required_argument, NULL, 'N' },
	{ "raw", no_argument, NULL, 'R' },
	{ "backend", required_argument, NULL, 'B' },
	{ "cpus", required_argument, NULL, 'P' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

/* What the loop saw, checked once every option is known. */
struct given {
	const char *report; /* --report's path: opened last */
	const char *mem;    /* --mem's text: its range depends on --kernel */
	const char *flat;   /* the name of an option only a flat guest takes */
	const char *linux;  /* ... and of one only Linux takes */
	bool timeout;
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

/*
 * --disk FILE[,ro]: a comma and "ro" after FILE make it read-only, ",rw"
 * says read-write (the default), so that a FILE with a comma in its name
 * can be given too; after the last comma nothing else is accepted.
 */
static void apply_disk(const char *arg, struct options *opts)
{
	const char *comma = strrchr(arg, ',');
	struct disk_option *d = &opts->disks[opts->disk_count];
	char shown[SHOWN_MAX];

	if (opts->disk_count == DISKS_MAX)
		bad_input("too many --disk: at most %u", DISKS_MAX);
	*d = (struct disk_option){ .path = arg };
	if (comma && strcmp(comma, ",ro") && strcmp(comma, ",rw"))
		bad_input("bad --disk '%s': after the last comma, ro or rw",
			  console_shown(shown, arg));
	if (comma) {
		d->read_only = !strcmp(comma, ",ro");
		d->path = strndup(arg, (size_t)(comma - arg));
		if (!d->path)
			die_perror("strndup");
	}
	if (!*d->path)
		bad_input("bad --disk '%s': no file",
			  console_shown(shown, arg));
	opts->disk_count++;
}

/*
 * --net: one network card (net/net_option.c parses the value); the tap is
 * opened with the other devices (machine.c), after every option is known.
 */
static void apply_net(const char *arg, struct options *opts)
{
	char err[SHOWN_MAX], shown[SHOWN_MAX], why[SHOWN_MAX];

	if (opts->net_text)
		bad_input(
			"more than one --net: this machine has one network card");
	if (net_option_parse(arg, &opts->net, err, sizeof(err)))
		bad_input("bad --net '%s': %s", console_shown(shown, arg),
			  console_shown(why, err)); /* it may quote the value */
	opts->net_text = arg;
}

/* Options a flat guest takes: the mode and the VMs. */
static void apply_flat(int opt, const char *arg, struct options *opts)
{
	char shown[SHOWN_MAX];

	if (opt == 'm' && mode_parse(arg, &opts->mode) < 0)
		bad_input("bad --mode '%s': use real, protected or long",
			  console_shown(shown, arg));
	if (opt == 'n')
		apply_count("--vms", arg, VMS_MAX, "", &opts->vm_count);
}

/* Options that boot Linux. */
static void apply_linux(int opt, const char *arg, struct options *opts)
{
	char shown[SHOWN_MAX];

	switch (opt) {
	case 'k':
		opts->kernel = arg;
		break;
	case 'i':
		opts->initrd = arg;
		break;
	case 'c':
		opts->cmdline = arg;
		break;
	case 'd':
		apply_disk(arg, opts);
		break;
	case 'C':
		if (strcmp(arg, "serial") && strcmp(arg, "virtio"))
			bad_input("bad --console '%s': use serial or virtio",
				  console_shown(shown, arg));
		opts->console =
			strcmp(arg, "serial") ? CONSOLE_VIRTIO : CONSOLE_SERIAL;
		break;
	case 'N':
		apply_net(arg, opts);
		break;
	case 'R':
		opts->raw = true;
		break;
	case 'P':
		apply_count("--cpus", arg, SMP_CPUS_MAX, "", &opts->cpus);
		break;
	}
}

/* Apply one option; bad values end the program (bad_input: status 2). */
static void apply_option(int opt, const char *arg, struct options *opts,
			 struct given *given, const char *name)
{
	switch (opt) {
	case 'm':
	case 'n':
		given->flat = name;
		apply_flat(opt, arg, opts);
		break;
	case 's': /* parsed in check_memory(), once --kernel is known */
		given->mem = arg;
		break;
	case 'S':
		opts->stats = true;
		break;
	case 't':
		given->timeout = true;
		apply_count("--timeout", arg, TIMEOUT_MAX, " seconds",
			    &opts->timeout);
		break;
	case 'r': /* opened once the inputs are known: see open_report() */
		given->report = arg;
		break;
	case 'B': /* checked against the backends in hv_choose() */
		opts->backend = arg;
		break;
	case 'h':
		usage(stdout);
		exit(EXIT_SUCCESS);
	default:
		if (opt != 'k')
			given->linux = name;
		apply_linux(opt, arg, opts);
		break;
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

/* Is the file at path the same file as at other (NULL: no)? */
static bool same_file(const char *path, const char *other)
{
	struct stat a, b;

	return other && stat(path, &a) == 0 && stat(other, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * Open the report file now, before anything runs: a path we cannot write
 * is bad input.  But not an input file, by whatever name: opening it for
 * writing would empty it before it is read (or, a disk, destroy it).
 */
static void open_report(const char *path, struct options *opts)
{
	const char *inputs[3 + DISKS_MAX] = { opts->image, opts->kernel,
					      opts->initrd };
	char shown[SHOWN_MAX];

	for (unsigned int i = 0; i < opts->disk_count; i++)
		inputs[3 + i] = opts->disks[i].path;
	for (unsigned int i = 0; i < 3 + DISKS_MAX; i++)
		if (same_file(path, inputs[i]))
			bad_input(
				"--report '%s' is %s itself: it would be overwritten",
				console_shown(shown, path),
				i == 0	? "the image"
				: i < 3 ? "an input file"
					: "a disk");
	opts->report = fopen(path, "w");
	if (!opts->report)
		bad_input("cannot write --report '%s': %s",
			  console_shown(shown, path), strerror(errno));
}

/* --mem, in the range of the machine it is for. */
static void check_memory(const char *text, struct options *opts)
{
	bool linux = opts->kernel != NULL;
	uint64_t min = linux ? MACHINE_RAM_MIN : GUEST_MEM_MIN;
	uint64_t max = linux ? MACHINE_RAM_MAX : GUEST_MEM_MAX;
	enum number_error err;
	char shown[SHOWN_MAX];

	opts->mem_size = linux ? MACHINE_RAM_DEFAULT : GUEST_MEM_DEFAULT;
	if (!text)
		return;
	err = parse_size_in(text, min, max, &opts->mem_size);
	if (err == NUMBER_OK)
		return;
	if (linux)
		bad_input(
			"bad --mem size '%s': %s (want %lluM..%lluG in whole 4K pages: Linux)",
			console_shown(shown, text), number_error_text(err),
			(unsigned long long)min / MIB,
			(unsigned long long)max / GIB);
	bad_input(
		"bad --mem size '%s': %s (want %lluK..%lluM in whole 4K pages)",
		console_shown(shown, text), number_error_text(err),
		(unsigned long long)min / KIB, (unsigned long long)max / MIB);
}

/* IMAGE or --kernel, and only the options that go with it. */
static void check_machine(int argc, char **argv, struct options *opts,
			  const struct given *given)
{
	if (opts->kernel) {
		if (optind != argc)
			bad_input("give IMAGE or --kernel, not both");
		if (given->flat)
			bad_input(
				"option '--%s' is for a flat IMAGE, not --kernel",
				given->flat);
		return;
	}
	if (given->linux)
		bad_input("option '--%s' boots Linux: it needs --kernel",
			  given->linux);
	if (optind != argc - 1)
		bad_input(optind == argc ? "missing IMAGE"
					 : "more than one IMAGE");
	opts->image = argv[optind];
}

void cli_parse(int argc, char **argv, struct options *opts)
{
	struct given given = { 0 };
	int opt, index = 0;

	*opts = (struct options){ .mode = MODE_LONG,
				  .vm_count = 1,
				  .cpus = 1,
				  .timeout = TIMEOUT_DEFAULT };
	opterr = 0; /* bad_option() speaks instead */
	while ((opt = getopt_long(argc, argv, ":h", long_options, &index)) !=
	       -1) {
		if (opt == '?' || opt == ':')
			bad_option(opt, argv);
		apply_option(opt, optarg, opts, &given,
			     opt == 'h' ? "h" : long_options[index].name);
	}
	check_machine(argc, argv, opts, &given);
	if (opts->net_text && opts->disk_count == DISKS_MAX)
		bad_input(
			"--net and %u --disk: no virtio-mmio window is left for the network card (%u in all, one the console's)",
			DISKS_MAX, MACHINE_VIRTIO_MAX);
	check_memory(given.mem, opts);
	if (opts->kernel && !given.timeout)
		opts->timeout = 0; /* Linux runs until it stops */
	if (given.report)
		open_report(given.report, opts);
}
