/*
 * vmm.c (arm64) - the VMM built for arm64: Debian's arm64 Image booted on
 * the machine of arch/arm64/machine.h (a device tree, the GICv3 and the
 * timer inside the hypervisor, the course's 16550 as ns16550a, the same
 * virtio-console and virtio-blk as on x86, the boot timer), or a flat
 * guest that calls the VMM with HVC #0; on any backend of hv.h that runs
 * arm64 (kvm-arm64 on Linux; hvf-arm64 on macOS).
 *
 * Runs: userspace, one thread per vCPU (each creates and runs its own
 * vCPU: Hypervisor.framework binds a vCPU to its thread), the main thread
 * waits for the end.  Linked statically for the arm64 lab VM.
 * Spec: Documentation/arch/arm64/booting.rst (image.c, fdt.c); hv.h;
 * the hypercall ABI and its arm64 doorbell (common/include/hypercall.h).
 *
 *   vmm --kernel IMAGE [--initrd FILE] [--cmdline STR] [--mem SIZE]
 *       [--cpus N] [--disk FILE[,ro]]... [--timeout SECS] [--report FILE]
 *       [--stats] [--backend NAME]
 *   vmm [--mem SIZE] [--timeout SECS] [--report FILE] [--stats]
 *       [--backend NAME] GUEST.bin
 *
 * Exit status: 0 the guest powered off (PSCI SYSTEM_OFF), or a flat
 * guest's EXIT code; 1 the guest or the hypervisor failed; 2 bad input,
 * nothing ran; 3 --timeout ran out; 4 the guest reset (PSCI
 * SYSTEM_RESET), or, for a flat guest, this host's hypervisor cannot hand
 * HVC to the VMM (KVM before Linux 6.4).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
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
#include "arch/arm64/vms.h"
#include "bus.h"
#include "console.h"
#include "devices/boot_timer.h"
#include "devices/serial_16550.h"
#include "hv.h"
#include "hypercalls.h"
#include "virtio/blk.h"
#include "virtio/console.h"
#include "virtio/mmio.h"

#define EXIT_OVER_BUDGET   3
#define EXIT_GUEST_RESET   4
#define EXIT_HOST_CANNOT   4
#define MEM_DEFAULT	   0x10000000ULL /* 256 MiB */
#define TIMEOUT_MAX	   3600
#define DISKS_MAX	   (MACHINE_VIRTIO_MAX - 1)
#define CMDLINE_CONSOLE	   "console=ttyS0"
#define EXITS_COUNTED	   64
#define NS_PER_SEC	   1000000000ULL
#define NS_PER_MS	   1000000ULL
#define MIB		   0x100000ULL
#define HC_ARGS		   4 /* X1..X4 */
#define VIRTIO_CONSOLE_DEV 0
#define VMS_MAX		   8

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct options {
	const char *kernel, *initrd, *cmdline, *guest, *report, *backend;
	struct {
		const char *path;
		bool read_only;
	} disks[DISKS_MAX];
	unsigned int nr_disks, cpus, timeout, vms;
	uint64_t mem_size;
	bool stats;
};

/* The machine, shared by the vCPU threads: lock guards all but the vCPUs. */
struct machine {
	struct options o;
	const struct hyp_ops *hv;
	struct hyp_vm vm;
	struct hyp_vcpu vcpus[MACHINE_CPUS_MAX];
	uint64_t mpidr[MACHINE_CPUS_MAX];
	struct guest_mem mem;
	struct bus mmio;
	struct serial_16550 uart;
	struct boot_timer timer;
	struct virtio_console console;
	struct virtio_blk disks[DISKS_MAX];
	struct irq_line uart_irq, virtio_irq[MACHINE_VIRTIO_MAX];
	struct arm64_fdt_virtio windows[MACHINE_VIRTIO_MAX];
	unsigned int nr_virtio;
	struct hc_vm hc;
	struct arm64_boot_layout lay;
	char release[65];
	pthread_barrier_t created, ready;
	pthread_mutex_t lock;
	pthread_cond_t done_cond;
	bool done;
	int status;
	const char *end;	    /* how it ended, for the report */
	uint32_t last_exit;	    /* the exit that ended it */
	uint64_t start_ns, init_ns; /* VMM start; the boot timer's init mark */
	uint64_t marks[BOOT_TIMER_MARKS / 64]; /* every mark the guest wrote */
	uint64_t exits[EXITS_COUNTED], unclaimed;
};

static struct machine machine = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.done_cond = PTHREAD_COND_INITIALIZER,
};

static uint64_t clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* A backend call's error: the call it names, and why. */
static void check(int err, const char *err_call)
{
	if (err < 0)
		die("%s: %s", err_call, strerror(-err));
}

static const char usage_text[] =
	"usage: vmm --kernel IMAGE [--initrd FILE] [--cmdline STR] [--mem SIZE]\n"
	"           [--cpus N] [--disk FILE[,ro]]... [--timeout SECS]\n"
	"           [--report FILE] [--stats] [--backend NAME]\n"
	"       vmm [--vms N] [--mem SIZE] [--timeout SECS] [--report FILE]\n"
	"           [--stats] [--backend NAME] GUEST.bin\n"
	"\n"
	"Boot an arm64 Linux Image (a device tree, GICv3, a 16550, virtio-console\n"
	"and a virtio-blk disk per --disk), or run the flat GUEST.bin in N VMs,\n"
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

static void add_disk(struct options *o, const char *arg)
{
	size_t len = strlen(arg);
	bool ro = len > 3 && strcmp(arg + len - 3, ",ro") == 0;

	if (o->nr_disks == DISKS_MAX)
		bad_input("--disk: at most %u disks", DISKS_MAX);
	o->disks[o->nr_disks].path = ro ? strndup(arg, len - 3) : arg;
	o->disks[o->nr_disks++].read_only = ro;
}

static void parse_options(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'n' },
		{ "disk", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' },
		{ "report", required_argument, NULL, 'r' },
		{ "backend", required_argument, NULL, 'B' },
		{ "vms", required_argument, NULL, 'v' },
		{ "stats", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*o = (struct options){ .mem_size = MEM_DEFAULT, .cpus = 1, .vms = 1 };
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
	if ((!o->kernel && !o->guest) || optind != argc ||
	    (o->guest && (o->cpus > 1 || o->nr_disks)) ||
	    (o->kernel && o->vms > 1))
		bad_input(
			"a kernel, or one flat guest without --cpus and --disk; a kernel runs in one VM (no --vms)");
}
/* book:end options */

/* A whole regular file in memory, or exit 2 naming the problem. */
static uint8_t *read_file(const char *what, const char *path, uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	char shown[SHOWN_MAX];
	struct stat st;
	uint8_t *buf;

	console_shown(shown, path);
	if (fd < 0)
		bad_input("%s '%s': %s", what, shown, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		bad_input("%s '%s' is not a regular file with data", what,
			  shown);
	buf = malloc((size_t)st.st_size);
	if (!buf)
		die_perror("malloc");
	for (off_t got = 0, n; got < st.st_size; got += n) {
		n = read(fd, buf + got, (size_t)(st.st_size - got));
		if (n <= 0)
			bad_input("%s '%s': %s", what, shown,
				  n ? strerror(errno) : "shorter than it said");
	}
	close(fd);
	*size = (uint64_t)st.st_size;
	return buf;
}

/* The VM is over: the first to say so decides the status. */
static void finish(struct machine *m, int status, const char *end,
		   uint32_t last_exit)
{
	pthread_mutex_lock(&m->lock);
	if (!m->done) {
		m->done = true;
		m->status = status;
		m->end = end;
		m->last_exit = last_exit;
		pthread_cond_signal(&m->done_cond);
	}
	pthread_mutex_unlock(&m->lock);
}

/* book:begin devices */
static void console_output(void *opaque, const uint8_t *buf, size_t len)
{
	(void)opaque;
	console_guest(buf, len);
}

static void hc_output(const char *buf, size_t len)
{
	console_guest((const uint8_t *)buf, len);
}

/* irq.h's set_level: the line is an SPI of the GIC inside the hypervisor. */
static void spi_set_level(struct irq_line *line, bool level)
{
	struct machine *m = line->opaque;

	check(m->hv->irq_line(&m->vm, line->gsi, level), m->vm.err_call);
}

static void on_mark(void *opaque, uint8_t mark, uint64_t ns)
{
	struct machine *m = opaque;

	m->marks[mark / 64] |= 1ULL << (mark % 64);
	if (mark == BOOT_TIMER_MARK_INIT && !m->init_ns)
		m->init_ns = ns;
}

/* The next virtio-mmio window: its SPI line, for the device to keep. */
static struct irq_line *virtio_line(struct machine *m)
{
	struct irq_line *line = &m->virtio_irq[m->nr_virtio];

	*line = (struct irq_line){ .set_level = spi_set_level,
				   .gsi = MACHINE_SPI_VIRTIO + m->nr_virtio,
				   .opaque = m };
	return line;
}

static void virtio_window(struct machine *m, struct virtio_mmio *t,
			  const char *name)
{
	unsigned int i = m->nr_virtio++;
	uint64_t base = MACHINE_VIRTIO_BASE + i * MACHINE_VIRTIO_STRIDE;

	m->windows[i] = (struct arm64_fdt_virtio){
		.base = base,
		.size = VIRTIO_MMIO_SIZE,
		.spi = MACHINE_SPI_VIRTIO + i,
	};
	if (bus_register(&m->mmio, base, VIRTIO_MMIO_SIZE, virtio_mmio_access,
			 t, name) < 0)
		die("bus_register: %s overlaps another device", name);
}

/* The UART, the boot timer, virtio-console and one virtio-blk per --disk:
 * the step07 devices, unchanged, on MMIO and on SPIs. */
static void create_devices(struct machine *m)
{
	char shown[SHOWN_MAX];

	m->uart_irq = (struct irq_line){ .set_level = spi_set_level,
					 .gsi = MACHINE_SPI_UART,
					 .opaque = m };
	serial_16550_init(&m->uart, &m->uart_irq, console_output, m);
	boot_timer_init(&m->timer, clock_ns, on_mark, m);
	if (bus_register(&m->mmio, MACHINE_UART_BASE, SERIAL_16550_REGS,
			 serial_16550_access, &m->uart, "uart") < 0 ||
	    bus_register(&m->mmio, MACHINE_BOOT_TIMER_ADDR, BOOT_TIMER_SIZE,
			 boot_timer_access, &m->timer, "boot timer") < 0)
		die("bus_register: the UART or the boot timer");
	if (virtio_console_init(&m->console, console_output, m, &m->mem,
				virtio_line(m)) < 0)
		die("virtio_console_init: cannot set up the console");
	virtio_window(m, &m->console.mmio, "virtio-console");
	for (unsigned int d = 0; d < m->o.nr_disks; d++) {
		int err = virtio_blk_init(&m->disks[d], m->o.disks[d].path,
					  m->o.disks[d].read_only, &m->mem,
					  virtio_line(m));

		if (err < 0)
			bad_input("--disk '%s': %s",
				  console_shown(shown, m->o.disks[d].path),
				  strerror(-err));
		virtio_window(m, &m->disks[d].mmio, "virtio-blk");
	}
}
/* book:end devices */

/* book:begin hypercall */
/*
 * HYP_EXIT_HYPERCALL: an SMCCC call in the forwarded range.  Its number
 * is the function ID's low 16 bits, its arguments X1..X4, its result goes
 * into X0; the PC is already past the HVC.  An SMC is not the doorbell:
 * refused with -EINVAL, as a wrong access to HC_PORT is on x86.  Returns
 * true when the guest called EXIT.
 */
static bool on_hypercall(struct machine *m, struct hyp_vcpu *vcpu,
			 const struct hyp_hypercall *hc)
{
	struct hc_call call = { .nr = hc->function - HC_ARM64_FUNCTION_BASE };
	uint64_t start = clock_ns(), slot = HC_BAD_ACCESS;
	int64_t ret;

	for (unsigned int i = 0; i < HC_ARGS; i++)
		check(m->hv->get_reg(vcpu, HYP_REG_X(i + 1), &call.arg[i]),
		      vcpu->err_call);
	pthread_mutex_lock(&m->lock);
	if (hc->conduit == HYP_CONDUIT_SMC) {
		ret = hc_refuse_access(&m->hc);
	} else {
		ret = hc_dispatch(&m->hc, &call);
		slot = call.nr < HC_COUNT ? call.nr : HC_UNKNOWN;
	}
	m->hc.stats[slot].ns += clock_ns() - start;
	pthread_mutex_unlock(&m->lock);
	check(m->hv->set_reg(vcpu, HYP_REG_X(0), (uint64_t)ret),
	      vcpu->err_call);
	return m->hc.exited;
}
/* book:end hypercall */

/* book:begin vcpu_loop */
/* One exit handled; false when this vCPU's run is over. */
static bool handle_exit(struct machine *m, struct hyp_vcpu *vcpu,
			const struct hyp_exit *e)
{
	switch (e->kind) {
	case HYP_EXIT_MMIO:
		pthread_mutex_lock(&m->lock);
		if (!bus_access(&m->mmio, e->io.addr, e->io.data, e->io.len,
				e->io.is_write))
			m->unclaimed++;
		pthread_mutex_unlock(&m->lock);
		return true;
	case HYP_EXIT_HYPERCALL:
		if (!on_hypercall(m, vcpu, &e->hypercall))
			return true;
		finish(m, m->hc.exit_code, "exited", e->reason);
		return false;
	case HYP_EXIT_SYSTEM_EVENT:
		if (e->event == HYP_EVENT_POWER_OFF)
			finish(m, EXIT_SUCCESS, "powered-off", e->reason);
		else
			finish(m, EXIT_GUEST_RESET, "reset", e->reason);
		return false;
	case HYP_EXIT_INTERRUPTED:
		return true;
	default:
		vmm_say("vcpu %u: unexpected exit %u (%s)", vcpu->index,
			e->reason, m->hv->exit_name(e->reason));
		finish(m, EXIT_GUEST_FAILED, "failed", e->reason);
		return false;
	}
}

/* The boot CPU's registers (booting.rst): PC, X0 = the tree, X1-X3 = 0,
 * EL1h with D, A, I and F masked. */
static void boot_registers(struct machine *m, struct hyp_vcpu *vcpu)
{
	uint64_t pc =
		m->o.kernel ? m->lay.kernel_addr : MACHINE_GUEST_LOAD_ADDR;
	const struct {
		enum hyp_reg reg;
		uint64_t val;
	} regs[] = {
		{ HYP_REG_X(0), m->o.kernel ? m->lay.dtb_addr : 0 },
		{ HYP_REG_X(1), 0 },
		{ HYP_REG_X(2), 0 },
		{ HYP_REG_X(3), 0 },
		{ HYP_REG_PSTATE, MACHINE_BOOT_PSTATE },
		{ HYP_REG_PC, pc },
	};

	for (size_t i = 0; i < ARRAY_SIZE(regs); i++)
		check(m->hv->set_reg(vcpu, regs[i].reg, regs[i].val),
		      vcpu->err_call);
}

/*
 * One vCPU's thread: it creates its vCPU (and reads the MPIDR the tree
 * must give it), waits for the others and for the machine to be ready,
 * then runs it until the guest is done with it.
 */
static void *vcpu_thread(void *arg)
{
	struct machine *m = &machine;
	unsigned int index = (unsigned int)(uintptr_t)arg;
	struct hyp_vcpu *vcpu = &m->vcpus[index];
	struct hyp_exit e;
	int err = m->hv->vcpu_create(&m->vm, vcpu, index);

	check(err, vcpu->err_call);
	check(m->hv->get_reg(vcpu, HYP_REG_MPIDR_EL1, &m->mpidr[index]),
	      vcpu->err_call);
	pthread_barrier_wait(&m->created);
	pthread_barrier_wait(&m->ready);
	if (index == 0)
		boot_registers(m, vcpu);
	do {
		err = m->hv->run(vcpu, &e);
		if (err < 0) {
			vmm_say("vcpu %u: %s: %s", index, vcpu->err_call,
				strerror(-err));
			finish(m, EXIT_GUEST_FAILED, "failed", 0);
			return NULL;
		}
		if (e.kind != HYP_EXIT_INTERRUPTED && e.reason < EXITS_COUNTED)
			__atomic_fetch_add(&m->exits[e.reason], 1,
					   __ATOMIC_RELAXED);
	} while (handle_exit(m, vcpu, &e));
	return NULL;
}
/* book:end vcpu_loop */

/* book:begin load */
/*
 * The kernel's release, from its banner ("Linux version 6.12.95+deb12-
 * cloud-arm64 (...)"), which an uncompressed Image holds as plain text;
 * "unknown" when it has none.
 */
static void image_release(const uint8_t *image, uint64_t size, char *dst,
			  size_t room)
{
	static const char banner[] = "Linux version ";
	const uint8_t *p = memmem(image, size, banner, sizeof(banner) - 1);
	size_t n = 0;

	if (p) {
		p += sizeof(banner) - 1;
		while (n + 1 < room && p + n < image + size && p[n] > ' ' &&
		       p[n] < 0x7f)
			n++;
	}
	snprintf(dst, room, "%.*s", (int)n, n ? (const char *)p : "unknown");
}

/* The kernel and its initrd, checked against the Image header and --mem. */
static void load_linux(struct machine *m, const char *cmdline)
{
	uint64_t ksize, isize = 0;
	uint8_t *kernel = read_file("kernel", m->o.kernel, &ksize);
	uint8_t *initrd =
		m->o.initrd ? read_file("initrd", m->o.initrd, &isize) : NULL;
	struct arm64_image img;
	char shown[SHOWN_MAX];
	int err = arm64_image_parse(kernel, ksize, &img);

	console_shown(shown, m->o.kernel);
	if (err)
		bad_input("kernel '%s': %s", shown, arm64_image_strerror(err));
	err = arm64_image_layout(&img, m->o.mem_size, isize, &m->lay);
	if (err)
		bad_input("kernel '%s': %s (--mem %llu MiB, initrd %llu bytes)",
			  shown, arm64_image_strerror(err),
			  (unsigned long long)(m->o.mem_size / MIB),
			  (unsigned long long)isize);
	image_release(kernel, ksize, m->release, sizeof(m->release));
	if (arm64_image_load(&m->mem, &img, &m->lay, initrd) < 0)
		die("arm64_image_load: the layout does not fit guest memory");
	vmm_say("arm64 Image (Linux %s), text_offset %#llx, image_size %#llx, %u KiB pages, at %#llx; initrd %llu bytes at %#llx; device tree at %#llx; %u vCPU%s; %llu MiB",
		m->release, (unsigned long long)img.text_offset,
		(unsigned long long)img.image_size,
		arm64_image_page_size_kib(&img),
		(unsigned long long)m->lay.kernel_addr,
		(unsigned long long)m->lay.initrd_size,
		(unsigned long long)m->lay.initrd_addr,
		(unsigned long long)m->lay.dtb_addr, m->o.cpus,
		m->o.cpus > 1 ? "s" : "",
		(unsigned long long)(m->o.mem_size / MIB));
	vmm_say("command line: %s", cmdline);
	free(kernel);
	free(initrd);
}

/* A flat guest: its bytes at MACHINE_GUEST_LOAD_ADDR, entered there. */
static void load_guest(struct machine *m)
{
	uint64_t size;
	uint8_t *bin = read_file("guest", m->o.guest, &size);

	if (size > m->o.mem_size - MACHINE_GUEST_LOAD_ADDR)
		bad_input("guest: %llu bytes do not fit in RAM",
			  (unsigned long long)size);
	memcpy(gpa_to_hva(&m->mem, MACHINE_GUEST_LOAD_ADDR, size), bin, size);
	vmm_say("loaded %s (%llu bytes) at %#x", m->o.guest,
		(unsigned long long)size, MACHINE_GUEST_LOAD_ADDR);
	free(bin);
}

/* The device tree, once every vCPU has told its MPIDR. */
static void write_fdt(struct machine *m, const char *cmdline)
{
	struct arm64_fdt_machine desc = {
		.mem_size = m->o.mem_size,
		.ncpus = m->o.cpus,
		.mpidr = m->mpidr,
		.virtio = m->windows,
		.nvirtio = m->nr_virtio,
		.bootargs = cmdline,
		.initrd_start = m->lay.initrd_addr,
		.initrd_end = m->lay.initrd_addr + m->lay.initrd_size,
	};
	int err = arm64_fdt_build(&desc, m->mem.base + m->lay.dtb_addr,
				  MACHINE_DTB_MAX);

	if (err)
		die("arm64_fdt_build: %s", arm64_fdt_strerror(err));
}
/* book:end load */

/* book:begin vm */
/*
 * The VM with its GIC, its RAM at 0; for a flat guest, the doorbell's
 * SMCCC range forwarded to the VMM (KVM: Linux 6.4 or later, or exit 4,
 * saying so).
 */
static void create_vm(struct machine *m)
{
	struct hyp_config cfg = {
		.nr_vcpus = m->o.cpus,
		.irqchip = m->o.kernel != NULL,
		.arm64 = { .gicd_base = MACHINE_GICD_BASE,
			   .gicr_base = MACHINE_GICR_BASE,
			   .nr_irqs = MACHINE_GIC_NR_IRQS },
	};
	struct utsname u;
	int err;

	m->vm = (struct hyp_vm){ .ops = m->hv };
	check(m->hv->vm_create(&m->vm, &cfg), m->vm.err_call);
	check(m->hv->map_memory(&m->vm, 0, m->mem.base, m->mem.size),
	      m->vm.err_call);
	if (m->o.kernel)
		return;
	err = m->hv->forward_hypercalls(&m->vm, HC_ARM64_FUNCTION_BASE,
					HC_ARM64_FUNCTION_COUNT);
	if (err == -EOPNOTSUPP) {
		uname(&u);
		vmm_say("this host's hypervisor cannot hand HVC to the VMM (%s): KVM_ARM_VM_SMCCC_FILTER needs Linux 6.4 or later, and this is %s",
			m->vm.err_call, u.release);
		exit(EXIT_HOST_CANNOT);
	}
	check(err, m->vm.err_call);
	vmm_say("HVC with function IDs %#x..%#x reach this VMM (%s)",
		HC_ARM64_FUNCTION_BASE,
		HC_ARM64_FUNCTION_BASE + HC_ARM64_FUNCTION_COUNT - 1,
		m->hv->name);
}
/* book:end vm */

static void setup_hypercalls(struct machine *m, unsigned int index)
{
	struct utsname u;

	m->hc = (struct hc_vm){
		.mem = m->mem,
		.info = { .vm_index = index,
			  .vm_count = m->o.vms,
			  .mem_size = m->o.mem_size },
		.now_ns = clock_ns,
		.output = hc_output,
		.start_ns = clock_ns(),
	};
	if (uname(&u) == 0)
		memcpy(m->hc.info.host, u.nodename,
		       strnlen(u.nodename, sizeof(m->hc.info.host) - 1));
}

/* book:begin report */
/* marks=1,18: the boot timer's marks the guest wrote, in order. */
static void report_marks(const struct machine *m, FILE *f)
{
	const char *sep = "";

	fputs("marks=", f);
	for (unsigned int i = 0; i < BOOT_TIMER_MARKS; i++)
		if (m->marks[i / 64] & (1ULL << (i % 64))) {
			fprintf(f, "%s%u", sep, i);
			sep = ",";
		}
	fputc('\n', f);
}

static void report(struct machine *m, FILE *f)
{
	uint64_t calls = 0, rejected = 0;
	char line[512];
	size_t len = 0;

	for (unsigned int i = 0; i < HC_SLOTS; i++) {
		calls += m->hc.stats[i].calls;
		rejected += m->hc.stats[i].rejected;
	}
	for (unsigned int i = 0; i < EXITS_COUNTED; i++)
		if (m->exits[i] && len < sizeof(line))
			len += (size_t)snprintf(
				line + len, sizeof(line) - len, " %s=%llu",
				m->hv->exit_name(i),
				(unsigned long long)m->exits[i]);
	if (m->o.kernel)
		vmm_say("init started after %llu ms",
			(unsigned long long)(m->init_ns ? (m->init_ns -
							   m->start_ns) /
								  NS_PER_MS
							: 0));
	vmm_say("backend %s; ended: %s, status %d; exits:%s; unclaimed MMIO %llu; hypercalls %llu, rejected %llu",
		m->hv->name, m->end, m->status, len ? line : " none",
		(unsigned long long)m->unclaimed, (unsigned long long)calls,
		(unsigned long long)rejected);
	if (!f)
		return;
	fprintf(f, "backend=%s\nend=%s\nstatus=%d\nlast_exit=%s\n", m->hv->name,
		m->end, m->status, m->hv->exit_name(m->last_exit));
	if (m->init_ns)
		fprintf(f, "init_ms=%llu\n",
			(unsigned long long)((m->init_ns - m->start_ns) /
					     NS_PER_MS));
	if (m->o.kernel) {
		fprintf(f, "kernel=%s\n", m->release);
		report_marks(m, f);
	}
	fprintf(f, "cpus=%u\nhypercalls=%llu\nrejected=%llu\nunclaimed=%llu\n",
		m->o.cpus, (unsigned long long)calls,
		(unsigned long long)rejected, (unsigned long long)m->unclaimed);
	for (unsigned int i = 0; i < EXITS_COUNTED; i++)
		if (m->exits[i])
			fprintf(f, "exits.%s=%llu\n", m->hv->exit_name(i),
				(unsigned long long)m->exits[i]);
	fflush(f);
}
/* book:end report */

/* The command line: the user's, with the serial console when it names
 * none. */
static char *make_cmdline(const char *user)
{
	char *s;

	if (!user)
		user = "";
	if (strstr(user, "console="))
		return strdup(user);
	if (asprintf(&s, "%s%s%s", user, *user ? " " : "", CMDLINE_CONSOLE) < 0)
		die_perror("asprintf");
	return s;
}

/* Wait for the end or for --timeout; the status of the VMM. */
static int wait_end(struct machine *m)
{
	struct timespec deadline;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += m->o.timeout;
	pthread_mutex_lock(&m->lock);
	while (!m->done && rc != ETIMEDOUT)
		rc = m->o.timeout ? pthread_cond_timedwait(&m->done_cond,
							   &m->lock, &deadline)
				  : pthread_cond_wait(&m->done_cond, &m->lock);
	if (!m->done) {
		m->done = true;
		m->status = EXIT_OVER_BUDGET;
		m->end = "over-budget";
	}
	pthread_mutex_unlock(&m->lock);
	return m->status;
}

/* book:begin run_vm */
/*
 * One VM, from its creation to its report: the VM and its GIC, one
 * thread per vCPU, the device tree once the vCPUs exist, the run, the
 * report.  Returns the exit status.
 */
static int run_vm(struct machine *m, const char *cmdline, FILE *report_file)
{
	pthread_t t;

	create_vm(m);
	pthread_barrier_init(&m->created, NULL, m->o.cpus + 1);
	pthread_barrier_init(&m->ready, NULL, m->o.cpus + 1);
	for (unsigned int i = 0; i < m->o.cpus; i++)
		if (pthread_create(&t, NULL, vcpu_thread, (void *)(uintptr_t)i))
			die("pthread_create: vcpu %u", i);
	pthread_barrier_wait(&m->created);
	check(m->hv->vm_ready(&m->vm), m->vm.err_call);
	if (m->o.kernel)
		write_fdt(m, cmdline);
	pthread_barrier_wait(&m->ready);
	wait_end(m);
	report(m, report_file);
	return m->status; /* the vCPU threads end with the process */
}

/* A flat VM in its own process (vms.c): VM index of --vms. */
static int run_flat(unsigned int index, FILE *report_file)
{
	struct machine *m = &machine;

	setup_hypercalls(m, index);
	return run_vm(m, NULL, report_file);
}
/* book:end run_vm */

/* book:begin main */
int main(int argc, char **argv)
{
	struct machine *m = &machine;
	FILE *report_file = NULL;
	char *cmdline = NULL;

	m->start_ns = clock_ns();
	parse_options(argc, argv, &m->o); /* a bad option exits 2 here ... */
	m->hv = m->o.backend ? hyp_backend_find(m->o.backend) : hyp_backends[0];
	if (!m->hv || m->hv->arch != HYP_ARCH_ARM64)
		bad_input("--backend '%s': not an arm64 backend of this VMM",
			  m->o.backend);
	m->mem = (struct guest_mem){ .size = m->o.mem_size };
	m->mem.base = mmap(NULL, m->mem.size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->mem.base == MAP_FAILED)
		die_perror("mmap guest memory");
	if (m->o.kernel) {
		create_devices(m); /* ... a bad disk here ... */
		cmdline = make_cmdline(m->o.cmdline);
		load_linux(m, cmdline); /* ... a bad kernel or initrd here */
	} else {
		load_guest(m); /* ... a bad guest here */
	}
	if (m->o.report && !(report_file = fopen(m->o.report, "w")))
		bad_input("--report: %s", strerror(errno));
	if (m->o.kernel)
		return run_vm(m, cmdline, report_file);
	return arm64_vms_run(m->o.vms, run_flat, report_file);
}
/* book:end main */
