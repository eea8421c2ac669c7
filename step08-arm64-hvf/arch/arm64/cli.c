/*
 * cli.c (arm64) - the arm64 VMM's command line: a kernel with its initrd,
 * disks, network card and vCPUs, or a flat guest in N VMs; every bad
 * value refused with exit status 2 and one line naming it.
 *
 * Runs: userspace (the arm64 VMM), first thing in main().
 * Spec: none (getopt_long(3) for the syntax; --net's value is step07's,
 * parsed by net/net_option.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arm64/vm.h"
#include "console.h"

static const char usage_text[] =
	"usage: vmm --kernel IMAGE [--initrd FILE] [--cmdline STR] [--mem SIZE]\n"
	"           [--cpus N] [--disk FILE[,ro]]...\n"
	"           [--net tap[=NAME][,mac=MAC][,offload=off]] [--timeout SECS]\n"
	"           [--report FILE] [--stats] [--backend NAME]\n"
	"       vmm [--vms N] [--mem SIZE] [--timeout SECS] [--report FILE]\n"
	"           [--stats] [--backend NAME] GUEST.bin\n"
	"\n"
	"Boot an arm64 Linux Image (a device tree, GICv3, a 16550, virtio-console,\n"
	"a virtio-blk disk per --disk and with --net a virtio-net card on a tap:\n"
	"NAME, or a new one the kernel names; MAC default: from the tap's name;\n"
	"offload=off: no checksum or TSO offload; needs CAP_NET_ADMIN and\n"
	"/dev/net/tun), or run the flat GUEST.bin in N VMs,\n"
	"each calling the VMM with HVC #0.  SIZE: bytes, or with M or G, 64M to\n"
	"3G in whole 2M blocks (default 256M).  Exit status: 0 powered off (or a\n"
	"flat guest's EXIT code), 1 failed, 2 bad input, 3 --timeout, 4 reset, or\n"
	"this host's KVM cannot forward HVC (Linux before 6.4).\n";

/* book:begin options */
static unsigned int parse_count(const char *what, const char *s,
				unsigned int max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *s < '1' || *s > '9' || *end || v > max)
		bad_input("bad %s '%s': use 1 to %u", what, s, max);
	return (unsigned int)v;
}

/* SIZE: bytes or with M or G; whole 2 MiB blocks, RAM_MIN to RAM_MAX. */
static uint64_t parse_mem(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (!errno && (*end == 'M' || *end == 'G') && !end[1] &&
	    v <= (MACHINE_RAM_MAX >> 20))
		v <<= *end == 'M' ? 20 : 30, end++;
	if (errno || *s < '1' || *s > '9' || *end || v < MACHINE_RAM_MIN ||
	    v > MACHINE_RAM_MAX || v % MACHINE_RAM_ALIGN)
		bad_input(
			"bad --mem '%s': use %lluM to %lluG in whole 2M blocks",
			s, (unsigned long long)MACHINE_RAM_MIN >> 20,
			(unsigned long long)MACHINE_RAM_MAX >> 30);
	return v;
}

static void add_disk(struct arm64_options *o, const char *arg)
{
	size_t len = strlen(arg);
	bool ro = len > 3 && strcmp(arg + len - 3, ",ro") == 0;

	if (o->nr_disks == DISKS_MAX)
		bad_input("--disk: at most %u disks", DISKS_MAX);
	o->disks[o->nr_disks].path = ro ? strndup(arg, len - 3) : arg;
	o->disks[o->nr_disks++].read_only = ro;
}

/*
 * --net: one network card (net/net_option.c parses the value, as on x86);
 * the tap is opened with the other devices (machine.c).
 */
static void apply_net(struct arm64_options *o, const char *arg)
{
	char err[SHOWN_MAX], shown[SHOWN_MAX], why[SHOWN_MAX];

	if (o->net_text)
		bad_input(
			"more than one --net: this machine has one network card");
	if (net_option_parse(arg, &o->net, err, sizeof(err)))
		bad_input("bad --net '%s': %s", console_shown(shown, arg),
			  console_shown(why, err)); /* it may quote the value */
	o->net_text = arg;
}

/* A kernel or a flat guest, and a machine with room for its devices
 * (MACHINE_VIRTIO_MAX virtio windows); stray: words after the options. */
static void check_machine(const struct arm64_options *o, bool stray)
{
	if ((!o->kernel && !o->guest) || stray ||
	    (o->guest && (o->cpus > 1 || o->nr_disks || o->net_text)) ||
	    (o->kernel && o->vms > 1))
		bad_input(
			"a kernel, or one flat guest without --cpus, --disk and --net; a kernel runs in one VM (no --vms)");
	if (o->net_text && o->nr_disks == DISKS_MAX)
		bad_input(
			"--net and %u --disk: no virtio-mmio window is left for the network card (%u in all, one the console's)",
			DISKS_MAX, MACHINE_VIRTIO_MAX);
}

void arm64_cli_parse(int argc, char **argv, struct arm64_options *o)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'n' },
		{ "disk", required_argument, NULL, 'd' },
		{ "net", required_argument, NULL, 'N' },
		{ "timeout", required_argument, NULL, 't' },
		{ "report", required_argument, NULL, 'r' },
		{ "backend", required_argument, NULL, 'B' },
		{ "vms", required_argument, NULL, 'v' },
		{ "stats", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*o = (struct arm64_options){ .mem_size = MEM_DEFAULT,
				     .cpus = 1,
				     .vms = 1 };
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			o->kernel = optarg;
			break;
		case 'i':
			o->initrd = optarg;
			break;
		case 'c':
			o->cmdline = optarg;
			break;
		case 'm':
			o->mem_size = parse_mem(optarg);
			break;
		case 'n':
			o->cpus =
				parse_count("--cpus", optarg, MACHINE_CPUS_MAX);
			break;
		case 'd':
			add_disk(o, optarg);
			break;
		case 'N':
			apply_net(o, optarg);
			break;
		case 't':
			o->timeout =
				parse_count("--timeout", optarg, TIMEOUT_MAX);
			break;
		case 'r':
			o->report = optarg;
			break;
		case 'B':
			o->backend = optarg;
			break;
		case 'v':
			o->vms = parse_count("--vms", optarg, VMS_MAX);
			break;
		case 's':
			o->stats = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(EXIT_SUCCESS);
		default:
			bad_input(
				"unknown option or missing value: see the header of arch/arm64/vmm.c");
		}
	}
	if (optind == argc - 1 && !o->kernel)
		o->guest = argv[optind++];
	check_machine(o, optind != argc);
}
/* book:end options */