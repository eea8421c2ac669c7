/*
 * main.c - the prototype VMM that boots Linux: check the kernel, initrd
 * and command line, build the machine (memory, COM1, the i8042), start
 * the vCPU at the 64-bit entry point, relay the serial console, and say
 * how long the guest took to print a marker.
 *
 * Runs: userspace, with /dev/kvm (in the lab VM: nested KVM).  Linked
 * statically.  Throwaway: cli.c, vm.c, vcpu.c and vmm.c take it over.
 *
 *   vmm --kernel BZIMAGE [--initrd FILE] [--cmdline STR] [--mem SIZE]
 *       [--marker STR] [--timeout SECONDS] [--stats]
 *
 * Exit status: 0 the guest reset the machine (reboot, reboot=k, or a
 * triple fault); 1 KVM or the guest failed; 2 bad input, nothing ran;
 * 3 the guest ran past --timeout.
 *
 * Spec: Documentation/arch/x86/boot.rst (boot/bzimage.c,
 * boot/entry64.c); Documentation/virt/kvm/api.rst (proto_kvm.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "boot/bzimage.h"
#include "devices/i8042.h"
#include "devices/rtc_cmos.h"
#include "devices/serial_16550.h"
#include "machine.h"
#include "proto.h"

#define EXIT_GUEST_FAILED 1
#define EXIT_BAD_INPUT	  2
#define EXIT_OVER_BUDGET  3

#define MEM_DEFAULT	(256ULL << 20)
#define TIMEOUT_DEFAULT 60
#define TIMEOUT_MAX	3600
#define CMDLINE_DEFAULT "console=ttyS0 reboot=k panic=-1"
#define NS_PER_MS	1000000ULL
#define STDIN_CHUNK	64
#define STDIN_WAIT_NS	1000000 /* 1 ms: the guest is draining the FIFO */
#define TOP_PORTS	8

struct options {
	const char *kernel, *initrd, *cmdline, *marker;
	uint64_t mem_size;
	unsigned int timeout;
	bool stats;
};

static uint64_t start_ns; /* when main() began: "VMM start" */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void bad_input(const char *fmt, ...)
{
	va_list ap;

	fputs("vmm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_BAD_INPUT);
}

/* SIZE: bytes, or with K, M, G; whole pages, MACHINE_RAM_MIN..MAX. */
static int parse_mem(const char *s, uint64_t *size)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *s == '-')
		return -EINVAL;
	if (*end == 'K' || *end == 'M' || *end == 'G') {
		int shift = *end == 'K' ? 10 : *end == 'M' ? 20 : 30;

		if (v > (MACHINE_RAM_MAX >> shift))
			return -EINVAL;
		v <<= shift;
		end++;
	}
	if (*end || v < MACHINE_RAM_MIN || v > MACHINE_RAM_MAX || v & 0xfff)
		return -EINVAL;
	*size = v;
	return 0;
}

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "mem", required_argument, NULL, 'm' },
		{ "marker", required_argument, NULL, 'M' },
		{ "timeout", required_argument, NULL, 't' },
		{ "stats", no_argument, NULL, 's' },
		{ 0 },
	};
	char *end;
	int c;

	*o = (struct options){ .cmdline = CMDLINE_DEFAULT,
			       .mem_size = MEM_DEFAULT,
			       .timeout = TIMEOUT_DEFAULT };
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
			if (parse_mem(optarg, &o->mem_size) < 0)
				bad_input(
					"bad --mem '%s': want 64M..3G, whole pages",
					optarg);
			break;
		case 'M':
			o->marker = *optarg ? optarg : NULL;
			break;
		case 't':
			o->timeout = (unsigned int)strtoul(optarg, &end, 10);
			if (*end || !o->timeout || o->timeout > TIMEOUT_MAX)
				bad_input("bad --timeout '%s'", optarg);
			break;
		case 's':
			o->stats = true;
			break;
		default:
			exit(EXIT_BAD_INPUT);
		}
	}
	if (!o->kernel || optind != argc)
		bad_input(
			"usage: vmm --kernel BZIMAGE [--initrd FILE] [--cmdline STR] [--mem SIZE] [--marker STR] [--timeout S] [--stats]");
}

/* A whole regular file in memory, or exit 2 naming the problem. */
static uint8_t *read_file(const char *what, const char *path, uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	uint8_t *buf;
	ssize_t n;

	if (fd < 0)
		bad_input("%s '%s': %s", what, path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		bad_input("%s '%s' is not a regular file", what, path);
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf)
		die_perror("malloc");
	for (off_t got = 0; got < st.st_size; got += n) {
		n = read(fd, buf + got, st.st_size - got);
		if (n <= 0)
			bad_input("%s '%s': %s", what, path,
				  n ? strerror(errno) : "shorter than it said");
	}
	close(fd);
	*size = st.st_size;
	return buf;
}

/* The serial console: guest bytes to stdout, watched for the marker. */
struct console {
	struct serial_16550 *uart; /* for the debugging dump */
	const char *marker;
	size_t matched;
	uint64_t marker_ns; /* 0 until seen */
	uint64_t first_byte_ns;
};

static void console_output(void *opaque, const uint8_t *buf, size_t len)
{
	struct console *con = opaque;
	size_t mlen = con->marker ? strlen(con->marker) : 0;

	if (!con->first_byte_ns)
		con->first_byte_ns = now_ns();
	if (write(STDOUT_FILENO, buf, len) < 0) { /* the terminal is gone */
	}
	for (size_t i = 0; i < len && mlen && !con->marker_ns; i++) {
		if (buf[i] != (uint8_t)con->marker[con->matched])
			con->matched = buf[i] == (uint8_t)con->marker[0];
		else if (++con->matched == mlen)
			con->marker_ns = now_ns();
	}
}

/* The VMM's stdin feeds COM1's receiver, never faster than it drains. */
static void *stdin_thread(void *arg)
{
	struct serial_16550 *uart = arg;
	const struct timespec wait = { .tv_nsec = STDIN_WAIT_NS };
	uint8_t buf[STDIN_CHUNK];
	ssize_t n;

	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			size_t room = serial_16550_rx_room(uart);

			if (!room) {
				nanosleep(&wait, NULL);
				continue;
			}
			if (room > (size_t)(n - off))
				room = (size_t)(n - off);
			off += serial_16550_receive(uart, buf + off, room);
		}
	}
	return NULL;
}

static time_t host_clock(void *opaque)
{
	(void)opaque;
	return time(NULL);
}

static void on_i8042_reset(void *opaque)
{
	struct proto_vm *vm = opaque;

	vm->reset_requested = true;
	vm->reset_reason = "the i8042 reset line (reboot=k)";
}

static void load_kernel(struct proto_vm *vm, const struct options *o)
{
	uint64_t ksize, isize = 0;
	uint8_t *kernel = read_file("kernel", o->kernel, &ksize);
	uint8_t *initrd =
		o->initrd ? read_file("initrd", o->initrd, &isize) : NULL;
	struct boot_layout lay;
	struct bzimage bz;
	int err;

	err = bzimage_parse(kernel, ksize, &bz);
	if (err < 0)
		bad_input("kernel '%s': %s", o->kernel, bzimage_strerror(err));
	err = bzimage_layout(&bz, o->mem_size, isize, strlen(o->cmdline), &lay);
	if (err < 0)
		bad_input("kernel '%s': %s (--mem %llu MiB, initrd %llu bytes)",
			  o->kernel, bzimage_strerror(err),
			  (unsigned long long)o->mem_size >> 20,
			  (unsigned long long)isize);
	kvm_open(vm);
	vm_create(vm, o->mem_size);
	if (bzimage_load(&vm->mem, &bz, &lay, initrd, o->cmdline, false) < 0)
		die("bzimage_load: the layout does not fit guest memory");
	printf("vmm: Linux boot protocol %u.%02u, kernel %llu bytes at %#llx (reaches %#llx while booting), initrd %llu bytes at %#llx, entry %#llx\n",
	       bz.hdr.version >> 8, bz.hdr.version & 0xff,
	       (unsigned long long)bz.kernel_size,
	       (unsigned long long)lay.kernel_addr,
	       (unsigned long long)lay.kernel_end,
	       (unsigned long long)lay.initrd_size,
	       (unsigned long long)lay.initrd_addr,
	       (unsigned long long)lay.entry);
	printf("vmm: command line: %s\n", o->cmdline);
	fflush(stdout);
	vcpu_create(vm);
	vcpu_boot(vm, lay.entry, MACHINE_BOOT_PARAMS_ADDR);
	free(kernel);
	free(initrd);
}

static void print_stats(struct proto_vm *vm, struct serial_16550 *uart)
{
	fprintf(stderr, "vmm: exits:");
	for (uint32_t i = 0; i < EXIT_REASONS_COUNTED; i++)
		if (vm->exits[i])
			fprintf(stderr, " %s=%llu", kvm_exit_name(i),
				(unsigned long long)vm->exits[i]);
	fprintf(stderr, "\nvmm: busiest ports:");
	for (int k = 0; k < TOP_PORTS; k++) {
		uint32_t best = 0, port = 0;

		for (uint32_t p = 0; p < PIO_PORTS; p++) {
			if (vm->pio_exits[p] > best) {
				best = vm->pio_exits[p];
				port = p;
			}
		}
		if (!best)
			break;
		fprintf(stderr, " %#x=%u", port, best);
		vm->pio_exits[port] = 0;
	}
	fprintf(stderr, "\nvmm: COM1: %llu bytes out, %llu in, %llu overruns\n",
		(unsigned long long)uart->tx_bytes,
		(unsigned long long)uart->rx_bytes,
		(unsigned long long)uart->rx_overruns);
}

/* Debugging aid: COM1's registers, read without their side effects. */
static void dump_com1(struct serial_16550 *u)
{
	fprintf(stderr,
		"vmm:   com1: ier %02x lcr %02x mcr %02x fcr %02x msr %02x thr_ipending %u rx_count %u overrun %u line %u\n",
		u->ier, u->lcr, u->mcr, u->fcr, u->msr, u->thr_ipending,
		u->rx_count, u->overrun, u->irq_level);
}

static int report(enum run_end end, struct proto_vm *vm, struct console *con)
{
	uint64_t t = now_ns();

	fflush(stdout);
	if (con->marker && con->marker_ns)
		fprintf(stderr, "vmm: marker '%s' after %llu ms\n", con->marker,
			(unsigned long long)((con->marker_ns - start_ns) /
					     NS_PER_MS));
	else if (con->marker)
		fprintf(stderr, "vmm: marker '%s' never seen\n", con->marker);
	fprintf(stderr, "vmm: first serial byte after %llu ms; ran %llu ms\n",
		(unsigned long long)(con->first_byte_ns
					     ? (con->first_byte_ns - start_ns) /
						       NS_PER_MS
					     : 0),
		(unsigned long long)((t - start_ns) / NS_PER_MS));
	switch (end) {
	case RUN_RESET:
		fprintf(stderr, "vmm: the guest reset the machine: %s\n",
			vm->reset_reason);
		if (getenv("PROTO_DEBUG")) {
			vm_dump_interrupts(vm);
			dump_com1(con->uart);
		}
		return EXIT_SUCCESS;
	case RUN_SHUTDOWN:
		fprintf(stderr,
			"vmm: KVM_EXIT_SHUTDOWN: the guest triple-faulted (a reset)\n");
		vcpu_dump(vm);
		return EXIT_SUCCESS;
	case RUN_TIMEOUT:
		fprintf(stderr, "vmm: stopped the guest: --timeout ran out\n");
		vcpu_dump(vm);
		vm_dump_interrupts(vm);
		dump_com1(con->uart);
		return EXIT_OVER_BUDGET;
	default:
		return EXIT_GUEST_FAILED;
	}
}

int main(int argc, char **argv)
{
	static struct proto_vm vm;
	static struct serial_16550 com1;
	static struct i8042 kbc;
	static struct rtc_cmos rtc;
	struct irq_line com1_irq, kbd_irq;
	struct console con = { 0 };
	struct options o;
	pthread_t input;
	enum run_end end;
	int status;

	start_ns = now_ns();
	parse_options(argc, argv, &o);
	con.marker = o.marker;
	con.uart = &com1;
	load_kernel(&vm, &o); /* bad input stops here, before KVM */
	vm_irq_line_init(&vm, &com1_irq, MACHINE_GSI_COM1);
	vm_irq_line_init(&vm, &kbd_irq, MACHINE_GSI_I8042_KBD);
	serial_16550_init(&com1, &com1_irq, console_output, &con);
	i8042_init(&kbc, &kbd_irq, on_i8042_reset, &vm);
	rtc_cmos_init(&rtc, host_clock, NULL);
	if (bus_register(&vm.pio, MACHINE_COM1_PORT, SERIAL_16550_REGS,
			 serial_16550_access, &com1, "com1") < 0 ||
	    bus_register(&vm.pio, MACHINE_I8042_DATA_PORT, 1, i8042_data_access,
			 &kbc, "i8042 data") < 0 ||
	    bus_register(&vm.pio, MACHINE_I8042_CMD_PORT, 1,
			 i8042_command_access, &kbc, "i8042 command") < 0 ||
	    bus_register(&vm.pio, MACHINE_RTC_INDEX_PORT, 1,
			 rtc_cmos_index_access, &rtc, "rtc index") < 0 ||
	    bus_register(&vm.pio, MACHINE_RTC_DATA_PORT, 1,
			 rtc_cmos_data_access, &rtc, "rtc data") < 0)
		die("bus_register: the legacy devices overlap");
	if (pthread_create(&input, NULL, stdin_thread, &com1) != 0)
		die("pthread_create: cannot start the input thread");
	pthread_detach(input);
	vcpu_budget(&vm, o.timeout);
	end = vcpu_run(&vm);
	alarm(0);
	status = report(end, &vm, &con);
	if (o.stats)
		print_stats(&vm, &com1);
	return status;
}
