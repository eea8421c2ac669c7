/*
 * main.c - the throwaway arm64 prototype: boot Debian's arm64 Image with
 * an initrd on our device tree, GICv3 and 16550, or run a flat guest that
 * makes the course's hypercalls with HVC #0; on KVM arm64.
 *
 * Runs: userspace on arm64 Linux with /dev/kvm (the arm64 lab VM), linked
 * statically.  Throwaway: step08's vmm.c, vcpu.c and the backend
 * interface take it over; what it proves lives in arch/arm64/ and
 * backends/kvm_arm64.c.
 *
 *   vmm --kernel IMAGE [--initrd FILE] [--cmdline STR] [--mem SIZE]
 *       [--cpus N] [--marker STR] [--timeout S] [--stats]
 *   vmm [--mem SIZE] [--timeout S] [--report] GUEST.bin
 *
 * Exit status: 0 the guest powered off (PSCI SYSTEM_OFF or SYSTEM_RESET)
 * or called EXIT 0 (a flat guest: its EXIT code); 1 KVM or the guest
 * failed; 2 bad input, nothing ran; 3 the guest ran past --timeout; 4 this
 * host's KVM cannot run it (no HVC forwarding before Linux 6.4).
 *
 * Spec: Documentation/arch/arm64/booting.rst (arch/arm64/image.c, fdt.c);
 * Documentation/virt/kvm/api.rst (backends/kvm_arm64.c); the hypercall
 * ABI with its arm64 doorbell (proto/include/hypercall.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "arch/arm64/fdt.h"
#include "arch/arm64/image.h"
#include "arch/arm64/machine.h"
#include "backends/kvm_arm64.h"
#include "bus.h"
#include "devices/serial_16550.h"
#include "hypercalls.h"

#define EXIT_GUEST_FAILED 1
#define EXIT_BAD_INPUT	  2
#define EXIT_OVER_BUDGET  3
#define EXIT_HOST_CANNOT  4

#define MEM_DEFAULT	(256ULL << 20)
#define TIMEOUT_DEFAULT 60
#define TIMEOUT_MAX	3600
#define CMDLINE_DEFAULT "console=ttyS0 earlycon panic=-1"
#define NS_PER_SEC	1000000000ULL
#define NS_PER_MS	1000000ULL
#define ARG_REGS	4 /* X1..X4: the ABI's arguments */
#define REPORT_GETTIMES 3 /* --report: GETTIME calls shown */

struct options {
	const char *kernel, *initrd, *cmdline, *marker, *guest;
	uint64_t mem_size;
	unsigned int cpus, timeout;
	bool stats, report;
};

/* The machine, shared by the vCPU threads. */
struct machine {
	struct kvm_arm64_vm vm;
	struct kvm_arm64_vcpu vcpus[MACHINE_CPUS_MAX];
	unsigned int ncpus;
	struct guest_mem mem;
	struct bus mmio;
	struct serial_16550 uart;
	struct irq_line uart_irq;
	struct hc_vm hc;
	bool report;

	pthread_mutex_t lock; /* the fields below, and hc */
	pthread_cond_t done_cond;
	bool done;
	int status;
	const char *why;
	uint64_t exits[MACHINE_CPUS_MAX][KVM_ARM64_EXIT_UNHANDLED + 1];
	uint64_t unclaimed_mmio;
};

static uint64_t start_ns; /* when main() began: "VMM start" */
static const char *marker;
static size_t marker_matched;
static uint64_t marker_ns, first_byte_ns;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("vmm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_GUEST_FAILED);
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

/* SIZE: bytes, or with K, M, G; whole 2 MiB blocks, RAM_MIN..RAM_MAX. */
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
	if (*end || v < MACHINE_RAM_MIN || v > MACHINE_RAM_MAX ||
	    v % MACHINE_RAM_ALIGN)
		return -EINVAL;
	*size = v;
	return 0;
}

static unsigned int parse_count(const char *what, const char *s,
				unsigned int max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '-' || *end || v == 0 || v > max)
		bad_input("bad %s '%s': want 1..%u", what, s, max);
	return (unsigned int)v;
}

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'n' },
		{ "marker", required_argument, NULL, 'M' },
		{ "timeout", required_argument, NULL, 't' },
		{ "stats", no_argument, NULL, 's' },
		{ "report", no_argument, NULL, 'r' },
		{ 0 },
	};
	int c;

	*o = (struct options){ .cmdline = CMDLINE_DEFAULT,
			       .mem_size = MEM_DEFAULT,
			       .cpus = 1,
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
					"bad --mem '%s': want 64M..3G, whole 2 MiB blocks",
					optarg);
			break;
		case 'n':
			o->cpus =
				parse_count("--cpus", optarg, MACHINE_CPUS_MAX);
			break;
		case 'M':
			o->marker = *optarg ? optarg : NULL;
			break;
		case 't':
			o->timeout =
				parse_count("--timeout", optarg, TIMEOUT_MAX);
			break;
		case 's':
			o->stats = true;
			break;
		case 'r':
			o->report = true;
			break;
		default:
			exit(EXIT_BAD_INPUT);
		}
	}
	if (optind == argc - 1 && !o->kernel)
		o->guest = argv[optind++];
	if ((!o->kernel && !o->guest) || optind != argc ||
	    (o->guest && o->cpus > 1))
		bad_input(
			"usage: vmm --kernel IMAGE [--initrd FILE] [--cmdline STR] [--mem SIZE] [--cpus N] [--marker STR] [--timeout S] [--stats]\n"
			"       vmm [--mem SIZE] [--timeout S] [--report] GUEST.bin");
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
		die("malloc: %s", strerror(errno));
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

/* The VM is over: the first vCPU to say so decides the status. */
static void finish(struct machine *m, int status, const char *why)
{
	pthread_mutex_lock(&m->lock);
	if (!m->done) {
		m->done = true;
		m->status = status;
		m->why = why;
		pthread_cond_signal(&m->done_cond);
	}
	pthread_mutex_unlock(&m->lock);
}

/* The UART's bytes to stdout, watched for the marker. */
static void console_output(void *opaque, const uint8_t *buf, size_t len)
{
	size_t mlen = marker ? strlen(marker) : 0;

	(void)opaque;
	if (!first_byte_ns)
		first_byte_ns = now_ns();
	if (write(STDOUT_FILENO, buf, len) < 0) { /* the terminal is gone */
	}
	for (size_t i = 0; i < len && mlen && !marker_ns; i++) {
		if (buf[i] != (uint8_t)marker[marker_matched])
			marker_matched = buf[i] == (uint8_t)marker[0];
		else if (++marker_matched == mlen)
			marker_ns = now_ns();
	}
}

static void hc_output(const char *buf, size_t len)
{
	console_output(NULL, (const uint8_t *)buf, len);
}

/* irq.h's set_level for the UART: its SPI on the in-kernel GIC. */
static void spi_set_level(struct irq_line *line, bool level)
{
	struct machine *m = line->opaque;
	int err = kvm_arm64_irq_line(&m->vm, line->gsi, level);

	if (err)
		die("%s: %s", m->vm.err_call, strerror(-err));
}

/* --report: every call, but only the first few GETTIMEs of a timing loop. */
static bool report_quota(struct machine *m, uint64_t nr)
{
	return nr != HC_GETTIME ||
	       m->hc.stats[HC_GETTIME].calls <= REPORT_GETTIMES;
}

/* book:begin proto_hypercall */
/*
 * KVM_EXIT_HYPERCALL: an SMCCC call in the forwarded range.  The number
 * is the function ID's low 16 bits; the arguments are X1..X4, read from
 * the vCPU; the result goes into X0.  KVM has already moved the PC past
 * the HVC.  An SMC (the other conduit the filter forwards) is not the
 * doorbell: refused with -EINVAL, as a wrong access to HC_PORT is on x86.
 * Returns true when the guest called EXIT: its vCPU runs no more.
 */
static bool on_hypercall(struct machine *m, struct kvm_arm64_vcpu *vcpu,
			 const struct kvm_arm64_exit *e)
{
	struct hc_call call = { .nr = e->hypercall.function -
				      HC_ARM64_FUNCTION_BASE };
	uint64_t pc = 0;
	int64_t ret;
	int err = kvm_arm64_get_reg(vcpu, kvm_arm64_reg_pc(), &pc);

	for (unsigned int i = 0; i < ARG_REGS && !err; i++)
		err = kvm_arm64_get_reg(vcpu, kvm_arm64_reg_x(i + 1),
					&call.arg[i]);
	if (err)
		die("%s: %s", vcpu->err_call, strerror(-err));
	pthread_mutex_lock(&m->lock);
	if (e->hypercall.flags & KVM_HYPERCALL_EXIT_SMC)
		ret = hc_refuse_access(&m->hc);
	else
		ret = hc_dispatch(&m->hc, &call);
	pthread_mutex_unlock(&m->lock);
	if (m->report && report_quota(m, call.nr))
		fprintf(stderr,
			"vmm: vcpu %u %s function %#llx flags %#llx -> nr %llu (%s) x1 %#llx x2 %#llx x3 %#llx x4 %#llx pc %#llx -> x0 %lld\n",
			vcpu->index, kvm_arm64_exit_name(e->reason),
			(unsigned long long)e->hypercall.function,
			(unsigned long long)e->hypercall.flags,
			(unsigned long long)call.nr,
			hc_slot_name(call.nr < HC_COUNT ? call.nr : HC_UNKNOWN),
			(unsigned long long)call.arg[0],
			(unsigned long long)call.arg[1],
			(unsigned long long)call.arg[2],
			(unsigned long long)call.arg[3], (unsigned long long)pc,
			(long long)ret);
	err = kvm_arm64_set_reg(vcpu, kvm_arm64_reg_x(0), (uint64_t)ret);
	if (err)
		die("%s: %s", vcpu->err_call, strerror(-err));
	if (!m->hc.exited)
		return false;
	finish(m, m->hc.exit_code, "the guest called EXIT");
	return true;
}
/* book:end proto_hypercall */

/* What a vCPU thread is given: its machine and its vCPU. */
struct vcpu_thread_arg {
	struct machine *m;
	struct kvm_arm64_vcpu *vcpu;
};

/* One vCPU's exit loop, on its own thread. */
static void *vcpu_thread(void *arg)
{
	struct machine *m = ((struct vcpu_thread_arg *)arg)->m;
	struct kvm_arm64_vcpu *vcpu = ((struct vcpu_thread_arg *)arg)->vcpu;
	struct kvm_arm64_exit e;

	for (;;) {
		int err = kvm_arm64_run(vcpu, &e);

		if (err) {
			fprintf(stderr, "vmm: vcpu %u: %s: %s\n", vcpu->index,
				vcpu->err_call, strerror(-err));
			finish(m, EXIT_GUEST_FAILED, "KVM_RUN failed");
			return NULL;
		}
		m->exits[vcpu->index][e.kind]++;
		switch (e.kind) {
		case KVM_ARM64_EXIT_MMIO:
			if (!bus_access(&m->mmio, e.mmio.addr, e.mmio.data,
					e.mmio.len, e.mmio.is_write))
				m->unclaimed_mmio++;
			break;
		case KVM_ARM64_EXIT_HYPERCALL:
			if (on_hypercall(m, vcpu, &e))
				return NULL;
			break;
		case KVM_ARM64_EXIT_SYSTEM_OFF:
			finish(m, EXIT_SUCCESS,
			       "PSCI SYSTEM_OFF (KVM_EXIT_SYSTEM_EVENT, KVM_SYSTEM_EVENT_SHUTDOWN)");
			return NULL;
		case KVM_ARM64_EXIT_SYSTEM_RESET:
			finish(m, EXIT_SUCCESS,
			       "PSCI SYSTEM_RESET (KVM_EXIT_SYSTEM_EVENT, KVM_SYSTEM_EVENT_RESET)");
			return NULL;
		case KVM_ARM64_EXIT_INTERRUPTED:
			break;
		case KVM_ARM64_EXIT_UNHANDLED:
			fprintf(stderr, "vmm: vcpu %u: unexpected exit %u %s\n",
				vcpu->index, e.reason,
				kvm_arm64_exit_name(e.reason));
			finish(m, EXIT_GUEST_FAILED, "an unexpected exit");
			return NULL;
		}
	}
}

/* The VM, its RAM, its vCPUs and GIC, and the hypercall filter. */
static void build_vm(struct machine *m, const struct options *o)
{
	int err = kvm_arm64_vm_create(&m->vm);
	void *ram;

	if (err)
		die("%s: %s", m->vm.err_call, strerror(-err));
	ram = mmap(NULL, o->mem_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		die("mmap guest RAM: %s", strerror(errno));
	m->mem = (struct guest_mem){ .base = ram, .size = o->mem_size };
	err = kvm_arm64_map_ram(&m->vm, ram, o->mem_size);
	if (err)
		die("%s: %s", m->vm.err_call, strerror(-err));
	err = kvm_arm64_forward_hypercalls(&m->vm, HC_ARM64_FUNCTION_BASE,
					   HC_ARM64_FUNCTION_COUNT);
	if (err == -EOPNOTSUPP) {
		struct utsname u;

		uname(&u);
		fprintf(stderr,
			"vmm: this host's KVM cannot forward HVC calls to userspace (%s): KVM_ARM_VM_SMCCC_FILTER needs Linux 6.4 or later, and this is %s\n",
			m->vm.err_call, u.release);
		if (o->guest)
			exit(EXIT_HOST_CANNOT);
	} else if (err) {
		die("%s: %s", m->vm.err_call, strerror(-err));
	} else {
		printf("vmm: HVC with function IDs %#x..%#x reach this VMM (KVM_ARM_VM_SMCCC_FILTER, FWD_TO_USER)\n",
		       HC_ARM64_FUNCTION_BASE,
		       HC_ARM64_FUNCTION_BASE + HC_ARM64_FUNCTION_COUNT - 1);
	}
	m->ncpus = o->cpus;
	for (unsigned int i = 0; i < m->ncpus; i++) {
		err = kvm_arm64_vcpu_create(&m->vm, &m->vcpus[i], i);
		if (err)
			die("vcpu %u: %s: %s", i, m->vcpus[i].err_call,
			    strerror(-err));
	}
	err = kvm_arm64_vgic_create(&m->vm, MACHINE_GICD_BASE,
				    MACHINE_GICR_BASE, MACHINE_GIC_NR_IRQS);
	if (!err)
		err = kvm_arm64_vgic_init(&m->vm);
	if (err)
		die("%s: %s", m->vm.err_call, strerror(-err));
}

/* book:begin proto_linux */
/* Kernel and initrd in RAM, the device tree above them, X0 = the tree. */
static void load_linux(struct machine *m, const struct options *o)
{
	uint64_t ksize, isize = 0, mpidr[MACHINE_CPUS_MAX];
	uint8_t *kernel = read_file("kernel", o->kernel, &ksize);
	uint8_t *initrd =
		o->initrd ? read_file("initrd", o->initrd, &isize) : NULL;
	struct arm64_boot_layout lay;
	struct arm64_image img;
	int err = arm64_image_parse(kernel, ksize, &img);

	if (err)
		bad_input("kernel '%s': %s", o->kernel,
			  arm64_image_strerror(err));
	err = arm64_image_layout(&img, o->mem_size, isize, &lay);
	if (err)
		bad_input("kernel '%s': %s (--mem %llu MiB, initrd %llu bytes)",
			  o->kernel, arm64_image_strerror(err),
			  (unsigned long long)o->mem_size >> 20,
			  (unsigned long long)isize);
	build_vm(m, o);
	if (arm64_image_load(&m->mem, &img, &lay, initrd) < 0)
		die("arm64_image_load: the layout does not fit guest memory");
	for (unsigned int i = 0; i < m->ncpus; i++) {
		err = kvm_arm64_get_reg(&m->vcpus[i], kvm_arm64_reg_mpidr(),
					&mpidr[i]);
		if (err)
			die("vcpu %u: MPIDR_EL1: %s", i, strerror(-err));
	}
	struct arm64_fdt_machine desc = {
		.mem_size = o->mem_size,
		.ncpus = m->ncpus,
		.mpidr = mpidr,
		.bootargs = o->cmdline,
		.initrd_start = lay.initrd_addr,
		.initrd_end = lay.initrd_addr + lay.initrd_size,
	};
	err = arm64_fdt_build(&desc, m->mem.base + lay.dtb_addr,
			      MACHINE_DTB_MAX);
	if (err)
		die("device tree: %s", arm64_fdt_strerror(err));
	printf("vmm: arm64 Image, text_offset %#llx, image_size %#llx, flags %#llx (%u KiB pages), at %#llx; initrd %llu bytes at %#llx; device tree at %#llx; %u vCPU%s\n",
	       (unsigned long long)img.text_offset,
	       (unsigned long long)img.image_size,
	       (unsigned long long)img.flags, arm64_image_page_size_kib(&img),
	       (unsigned long long)lay.kernel_addr,
	       (unsigned long long)lay.initrd_size,
	       (unsigned long long)lay.initrd_addr,
	       (unsigned long long)lay.dtb_addr, m->ncpus,
	       m->ncpus > 1 ? "s" : "");
	printf("vmm: command line: %s\n", o->cmdline);
	fflush(stdout);
	err = kvm_arm64_vcpu_boot(&m->vcpus[0], lay.kernel_addr, lay.dtb_addr);
	if (err)
		die("%s: %s", m->vcpus[0].err_call, strerror(-err));
	free(kernel);
	free(initrd);
}
/* book:end proto_linux */

/* A flat guest: its bytes at MACHINE_GUEST_LOAD_ADDR, entered there. */
static void load_guest(struct machine *m, const struct options *o)
{
	uint64_t size;
	uint8_t *bin = read_file("guest", o->guest, &size);
	void *dst;
	int err;

	if (size > o->mem_size - MACHINE_GUEST_LOAD_ADDR)
		bad_input("guest '%s': %llu bytes do not fit in RAM", o->guest,
			  (unsigned long long)size);
	build_vm(m, o);
	dst = gpa_to_hva(&m->mem, MACHINE_GUEST_LOAD_ADDR, size);
	memcpy(dst, bin, size);
	err = kvm_arm64_vcpu_boot(&m->vcpus[0], MACHINE_GUEST_LOAD_ADDR, 0);
	if (err)
		die("%s: %s", m->vcpus[0].err_call, strerror(-err));
	free(bin);
}

static void setup_devices(struct machine *m, const struct options *o)
{
	struct utsname u;

	m->mmio.name = "mmio";
	m->uart_irq = (struct irq_line){ .set_level = spi_set_level,
					 .gsi = MACHINE_SPI_UART,
					 .opaque = m };
	serial_16550_init(&m->uart, &m->uart_irq, console_output, NULL);
	if (bus_register(&m->mmio, MACHINE_UART_BASE, SERIAL_16550_REGS,
			 serial_16550_access, &m->uart, "uart") < 0)
		die("bus_register: the UART");
	uname(&u);
	m->hc.mem = m->mem;
	m->hc.info = (struct hc_vminfo){ .vm_index = 1,
					 .vm_count = 1,
					 .mem_size = o->mem_size };
	snprintf(m->hc.info.host, sizeof(m->hc.info.host), "%.*s",
		 (int)sizeof(m->hc.info.host) - 1, u.nodename);
	m->hc.start_ns = now_ns();
	m->hc.now_ns = now_ns;
	m->hc.output = hc_output;
}

static void print_stats(struct machine *m)
{
	static const char *const kinds[] = { "mmio",	    "hypercall",
					     "system_off",  "system_reset",
					     "interrupted", "unhandled" };

	for (unsigned int i = 0; i < m->ncpus; i++) {
		fprintf(stderr, "vmm: vcpu %u exits:", i);
		for (unsigned int k = 0; k <= KVM_ARM64_EXIT_UNHANDLED; k++)
			if (m->exits[i][k])
				fprintf(stderr, " %s=%llu", kinds[k],
					(unsigned long long)m->exits[i][k]);
		fputc('\n', stderr);
	}
	fprintf(stderr,
		"vmm: uart: %llu bytes out; mmio nobody claimed: %llu\n",
		(unsigned long long)m->uart.tx_bytes,
		(unsigned long long)m->unclaimed_mmio);
}

int main(int argc, char **argv)
{
	static struct machine m = { .lock = PTHREAD_MUTEX_INITIALIZER,
				    .done_cond = PTHREAD_COND_INITIALIZER };
	static struct vcpu_thread_arg args[MACHINE_CPUS_MAX];
	struct timespec deadline;
	struct options o;
	pthread_t t;
	int rc = 0;

	start_ns = now_ns();
	parse_options(argc, argv, &o);
	marker = o.marker;
	m.report = o.report;
	if (o.kernel)
		load_linux(&m, &o); /* bad input stops here, before KVM */
	else
		load_guest(&m, &o);
	setup_devices(&m, &o);
	for (unsigned int i = 0; i < m.ncpus; i++) {
		args[i] = (struct vcpu_thread_arg){ &m, &m.vcpus[i] };
		if (pthread_create(&t, NULL, vcpu_thread, &args[i]) != 0)
			die("pthread_create: vcpu %u", i);
	}
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += o.timeout;
	pthread_mutex_lock(&m.lock);
	while (!m.done && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&m.done_cond, &m.lock, &deadline);
	if (!m.done) {
		m.status = EXIT_OVER_BUDGET;
		m.why = "--timeout ran out";
	}
	pthread_mutex_unlock(&m.lock);
	fflush(stdout);
	if (marker && marker_ns)
		fprintf(stderr, "vmm: marker '%s' after %llu ms\n", marker,
			(unsigned long long)((marker_ns - start_ns) /
					     NS_PER_MS));
	else if (marker)
		fprintf(stderr, "vmm: marker '%s' never seen\n", marker);
	fprintf(stderr,
		"vmm: first console byte after %llu ms; ran %llu ms; ended: %s; exit status %d\n",
		(unsigned long long)(first_byte_ns
					     ? (first_byte_ns - start_ns) /
						       NS_PER_MS
					     : 0),
		(unsigned long long)((now_ns() - start_ns) / NS_PER_MS), m.why,
		m.status);
	if (o.stats)
		print_stats(&m);
	return m.status; /* the other vCPU threads end with the process */
}
