/*
 * vmm.c - a virtual machine monitor on /dev/kvm, from userspace, with a
 * hypercall ABI and several VMs at once.
 *
 * Runs: userspace, on a Linux host whose /dev/kvm is hardware-accelerated,
 * or inside the lab VM (nested KVM).  Linked statically: the lab VM is a
 * busybox initramfs without a C library.
 *
 * Spec: the kernel's Documentation/virt/kvm/api.rst: "General description",
 * "KVM_GET_API_VERSION", "KVM_CHECK_EXTENSION", "KVM_CREATE_VM",
 * "KVM_SET_USER_MEMORY_REGION", "KVM_CREATE_VCPU", "KVM_GET_VCPU_MMAP_SIZE",
 * "KVM_SET_CPUID2", "KVM_SET_SREGS", "KVM_RUN", "The kvm_run structure"
 * (immediate_exit); the hypercall ABI in common/include/hypercall.h.
 *
 *   vmm [--mode real|protected|long] [--mem SIZE] [--vms N] [--stats]
 *       [--timeout SECONDS] IMAGE
 *
 * main() reads in the order every KVM VMM does its work: check the input,
 * open /dev/kvm, then, once per VM in a child process of its own: create
 * the VM, give it memory, create a vCPU, set its registers, then call
 * KVM_RUN in a loop and handle each exit.  The parent relays each VM's
 * output, prefixed "[VM k]", and reports how each ended.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "exit_names.h"
#include "hypercalls.h"
#include "input.h"
#include "layout.h"
#include "x86_modes.h"

#define EXIT_GUEST_FAILED 1 /* the guest faulted or computed the wrong value */
#define EXIT_BAD_INPUT	  2 /* bad command line or image: nothing ran */
#define EXIT_OVER_BUDGET  3 /* the guest ran past --timeout and was stopped */

#define VMS_MAX		16
#define TIMEOUT_DEFAULT 10 /* seconds a VM may run */
#define TIMEOUT_MAX	3600
#define LINE_MAX_RELAY	1024 /* the parent relays output in lines */
#define EXIT_NOTES_MAX	8    /* notes about single exits shown per VM */
#define NS_PER_SEC	1000000000ULL

#define EXIT_REASONS_COUNTED 64 /* KVM_EXIT_* values we keep statistics for */
/*
 * KVM_GET_SUPPORTED_CPUID: room for this many leaves at first, doubled on
 * E2BIG up to the most KVM accepts (its KVM_MAX_CPUID_ENTRIES).
 */
#define CPUID_ENTRIES_FIRST 64
#define CPUID_ENTRIES_MAX   256

/* Where an x86 CPU starts after RESET or INIT: CS 0xf000, IP 0xfff0. */
#define RESET_CS_SELECTOR 0xf000
#define RESET_RIP	  0xfff0

struct vm {
	int kvm_fd;	     /* /dev/kvm: system ioctls */
	int vm_fd;	     /* KVM_CREATE_VM: VM ioctls */
	int vcpu_fd;	     /* KVM_CREATE_VCPU: vCPU ioctls */
	struct kvm_run *run; /* shared with KVM: why KVM_RUN returned */
	size_t run_size;
	uint8_t *mem; /* guest-physical 0 is mem[0] */
	uint64_t mem_size;
	enum cpu_mode mode;
	uint64_t exits[EXIT_REASONS_COUNTED];
	bool mmio_seen; /* the guest wrote GUEST_MMIO_RESULT */
	uint64_t mmio_value;
	unsigned int vm_count; /* --vms */
	unsigned int index;    /* this VM: 1..vm_count */
	bool stats;	       /* --stats */
	unsigned int timeout;  /* --timeout: seconds of run time */
	unsigned int notes;    /* notes about single exits so far */
	struct hc_vm hc;       /* the hypercalls' view of this VM */
};

/* book:begin die */
/* One way to fail: say which call failed and why, then exit. */
static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("vmm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_FAILURE);
}

static void die_perror(const char *call)
{
	die("%s: %s", call, strerror(errno));
}
/* book:end die */

/* Bad input: nothing has run yet; exit 2 like any command-line tool. */
static void bad_input(const char *fmt, ...)
{
	va_list ap;

	fputs("vmm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'vmm --help'.\n", stderr);
	exit(EXIT_BAD_INPUT);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vmm [--mode real|protected|long] [--mem SIZE] [--vms N] [--stats]\n"
		"           [--timeout SECONDS] IMAGE\n"
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
		"  --help          this text\n"
		"\n"
		"Exit status: with one VM, the guest's EXIT code, or 0 when it\n"
		"halted with its result in agreement; 1 the guest or KVM failed;\n"
		"2 bad command line or image; 3 a VM ran out of time.  With\n"
		"several VMs: 0 if every VM's status was 0, else the first other.\n",
		GUEST_LOAD_ADDR, GUEST_CONSOLE_PORT, HC_PORT, GUEST_RESULT_ADDR,
		HC_OUTPUT_MAX >> 10, GUEST_MEM_MIN >> 10, GUEST_MEM_MAX >> 20, VMS_MAX,
		TIMEOUT_DEFAULT);
}

static void parse_options(int argc, char **argv, struct vm *vm,
			  const char **image)
{
	static const struct option options[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "mem", required_argument, NULL, 's' },
		{ "vms", required_argument, NULL, 'n' },
		{ "stats", no_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int opt;

	vm->mode = MODE_LONG;
	vm->mem_size = GUEST_MEM_DEFAULT;
	vm->vm_count = 1;
	vm->timeout = TIMEOUT_DEFAULT;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'm':
			if (mode_parse(optarg, &vm->mode) < 0)
				bad_input(
					"bad --mode '%s': use real, protected or long",
					optarg);
			break;
		case 's':
			if (parse_size(optarg, &vm->mem_size) < 0)
				bad_input(
					"bad --mem size '%s': want %uK..%uM, a multiple of 4K",
					optarg, GUEST_MEM_MIN >> 10,
					GUEST_MEM_MAX >> 20);
			break;
		case 'n':
			if (parse_count(optarg, VMS_MAX, &vm->vm_count) < 0)
				bad_input("bad --vms '%s': want 1..%u", optarg,
					  VMS_MAX);
			break;
		case 'S':
			vm->stats = true;
			break;
		case 't':
			if (parse_count(optarg, TIMEOUT_MAX, &vm->timeout) < 0)
				bad_input(
					"bad --timeout '%s': want 1..%u seconds",
					optarg, TIMEOUT_MAX);
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		default:
			exit(EXIT_BAD_INPUT); /* getopt_long said why */
		}
	}
	if (optind != argc - 1)
		bad_input(optind == argc ? "missing IMAGE"
					 : "more than one IMAGE");
	*image = argv[optind];
}

/* book:begin memory */
/* Guest RAM is ordinary anonymous memory of this process. */
static void guest_memory_alloc(struct vm *vm, const char *image)
{
	size_t room = vm->mem_size - GUEST_LOAD_ADDR;
	size_t size;
	int err;

	vm->mem = mmap(NULL, vm->mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		die_perror("mmap guest memory");
	err = image_load(image, vm->mem + GUEST_LOAD_ADDR, room, &size);
	if (err == -ENODATA)
		bad_input("image '%s' is empty", image);
	if (err == -EFBIG)
		bad_input(
			"image '%s' is too large: %zu bytes, but only %zu fit at %#x in %llu bytes of guest memory",
			image, size, room, GUEST_LOAD_ADDR,
			(unsigned long long)vm->mem_size);
	if (err == -EINVAL)
		bad_input("image '%s' is not a regular file", image);
	if (err < 0)
		bad_input("image '%s': %s", image, strerror(-err));
	printf("vmm: loaded %s (%zu bytes) at %#x; %s mode, %llu KiB of memory\n",
	       image, size, GUEST_LOAD_ADDR, mode_name(vm->mode),
	       (unsigned long long)vm->mem_size >> 10);
}
/* book:end memory */

/* book:begin kvm_open */
static const struct {
	int cap;
	const char *name;
} required_caps[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
	{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
	{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
};

/* The API version is frozen at 12; extensions say what else there is. */
static void kvm_open(struct vm *vm)
{
	int version;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		die_perror("open /dev/kvm");
	version = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (version < 0)
		die_perror("KVM_GET_API_VERSION");
	if (version != KVM_API_VERSION)
		die("KVM_GET_API_VERSION: %d, this VMM speaks %d", version,
		    KVM_API_VERSION);
	for (size_t i = 0; i < sizeof(required_caps) / sizeof(required_caps[0]);
	     i++) {
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION,
			  required_caps[i].cap) <= 0)
			die("KVM_CHECK_EXTENSION: %s is not available",
			    required_caps[i].name);
	}
}
/* book:end kvm_open */

/* book:begin vm_create */
static void vm_create(struct vm *vm)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = vm->mem_size,
		.userspace_addr = (uintptr_t)vm->mem,
	};

	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		die_perror("KVM_CREATE_VM");
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, GUEST_TSS_ADDR) < 0)
		die_perror("KVM_SET_TSS_ADDR");
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die_perror("KVM_SET_USER_MEMORY_REGION");
}
/* book:end vm_create */

/*
 * All the CPUID leaves KVM can offer on this host.  The caller sizes the
 * array; KVM says E2BIG when it is too small, so grow it until it fits.
 */
static struct kvm_cpuid2 *supported_cpuid(struct vm *vm)
{
	for (uint32_t n = CPUID_ENTRIES_FIRST;; n *= 2) {
		struct kvm_cpuid2 *cpuid;

		cpuid = calloc(1,
			       sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));
		if (!cpuid)
			die_perror("calloc cpuid");
		cpuid->nent = n;
		if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
			return cpuid;
		if (errno != E2BIG || n >= CPUID_ENTRIES_MAX)
			die_perror("KVM_GET_SUPPORTED_CPUID");
		free(cpuid);
	}
}

/* book:begin vcpu_create */
/*
 * A vCPU is a file descriptor; its kvm_run page, shared with the kernel,
 * tells us after each KVM_RUN why the guest stopped.  The guest sees the
 * CPUID KVM can support (without it, a long-mode guest has no "LM" bit).
 */
static void vcpu_create(struct vm *vm)
{
	struct kvm_cpuid2 *cpuid;
	int size;

	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		die_perror("KVM_CREATE_VCPU");
	size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		die_perror("KVM_GET_VCPU_MMAP_SIZE");
	if ((size_t)size < sizeof(struct kvm_run))
		die("KVM_GET_VCPU_MMAP_SIZE: %d bytes, less than struct kvm_run",
		    size);
	vm->run_size = (size_t)size;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED)
		die_perror("mmap kvm_run");

	cpuid = supported_cpuid(vm);
	if (ioctl(vm->vcpu_fd, KVM_SET_CPUID2, cpuid) < 0)
		die_perror("KVM_SET_CPUID2");
	free(cpuid);
}
/* book:end vcpu_create */

/* book:begin vcpu_setup */
static void vcpu_setup(struct vm *vm)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		die_perror("KVM_GET_SREGS");
	switch (vm->mode) {
	case MODE_REAL:
		setup_real_mode(&sregs, &regs);
		break;
	case MODE_PROTECTED:
		setup_protected_mode(vm->mem, &sregs, &regs);
		break;
	default:
		setup_long_mode(vm->mem, &sregs, &regs);
		break;
	}
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		die_perror("KVM_SET_SREGS");
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		die_perror("KVM_SET_REGS");
}
/* book:end vcpu_setup */

static void dump_registers(struct vm *vm)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &r) < 0)
		die_perror("KVM_GET_REGS");
	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &s) < 0)
		die_perror("KVM_GET_SREGS");
	printf("vmm:   rip %016llx  rsp %016llx  rflags %08llx\n"
	       "vmm:   rax %016llx  rbx %016llx  rcx %016llx  rdx %016llx\n"
	       "vmm:   cr0 %016llx  cr2 %016llx  cr3 %016llx  cr4 %016llx\n"
	       "vmm:   efer %llx  cs %04x (base %llx, l %u, db %u)  idt base %llx limit %x\n",
	       r.rip, r.rsp, r.rflags, r.rax, r.rbx, r.rcx, r.rdx, s.cr0, s.cr2,
	       s.cr3, s.cr4, s.efer, s.cs.selector, s.cs.base, s.cs.l, s.cs.db,
	       s.idt.base, s.idt.limit);
	if (s.cs.selector == RESET_CS_SELECTOR && r.rip == RESET_RIP)
		printf("vmm:   (this is the reset state: on AMD, KVM re-initializes the vCPU after a shutdown)\n");
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

static bool console_mid_line; /* the guest's last byte was not a newline */

/* The guest's console: its bytes go to our stdout, already sanitized. */
static void console_output(const char *buf, size_t len)
{
	fwrite(buf, 1, len, stdout);
	if (len)
		console_mid_line = buf[len - 1] != '\n';
}

/* What the VMM says starts a line, even where the guest stopped mid-line. */
static void console_end_line(void)
{
	if (console_mid_line)
		putchar('\n');
	console_mid_line = false;
}

/*
 * May the VMM print a note about this exit (an MMIO write, an access to
 * nothing)?  A guest can cause such exits in a loop, so only the first
 * EXIT_NOTES_MAX are shown; the exit counts still count every one.
 */
static bool note_allowed(struct vm *vm)
{
	if (vm->notes > EXIT_NOTES_MAX)
		return false;
	console_end_line();
	if (vm->notes++ < EXIT_NOTES_MAX)
		return true;
	printf("vmm: (further notes like these are not shown; the exit counts have them all)\n");
	return false;
}

/* book:begin handle_hypercall */
/*
 * The doorbell rang: the call is in the registers.  Read them, let the
 * dispatcher act, put the result in RAX.  RIP still points at the OUT;
 * KVM steps over it when we next call KVM_RUN.
 */
static void handle_hypercall(struct vm *vm)
{
	uint64_t start = now_ns();
	struct kvm_regs regs;
	struct hc_call call;
	uint64_t slot;

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) < 0)
		die_perror("KVM_GET_REGS");
	call = (struct hc_call){ .nr = regs.rax,
				 .arg = { regs.rbx, regs.rcx, regs.rdx,
					  regs.rsi } };
	regs.rax = (uint64_t)hc_dispatch(&vm->hc, &call);
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		die_perror("KVM_SET_REGS");
	slot = call.nr < HC_COUNT ? call.nr : HC_UNKNOWN;
	vm->hc.stats[slot].ns += now_ns() - start;
}
/* book:end handle_hypercall */

/* book:begin refuse_access */
/*
 * HC_PORT, accessed other than by "OUT HC_PORT, AL": not a call, and
 * refused.  An IN reads all ones, as from a port with nothing behind it
 * (KVM copies our data into the guest's register); a 2- or 4-byte OUT gets
 * -EINVAL in RAX.
 */
static void refuse_access(struct vm *vm, uint8_t *data)
{
	struct kvm_run *run = vm->run;
	int64_t err = hc_refuse_access(&vm->hc);
	uint64_t start = now_ns();
	struct kvm_regs regs;

	if (run->io.direction == KVM_EXIT_IO_IN) {
		memset(data, 0xff, (size_t)run->io.size * run->io.count);
	} else {
		if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) < 0)
			die_perror("KVM_GET_REGS");
		regs.rax = (uint64_t)err;
		if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
			die_perror("KVM_SET_REGS");
	}
	vm->hc.stats[HC_BAD_ACCESS].ns += now_ns() - start;
}
/* book:end refuse_access */

/* book:begin handle_io */
/*
 * The data of a KVM_EXIT_IO: io.size x io.count bytes at io.data_offset
 * inside the kvm_run mapping.  KVM promises they fit; a pointer we compute
 * from numbers in a shared page is checked all the same.
 */
static uint8_t *io_data(struct vm *vm)
{
	struct kvm_run *run = vm->run;
	uint64_t len = (uint64_t)run->io.size * run->io.count;

	if (run->io.data_offset > vm->run_size ||
	    len > vm->run_size - run->io.data_offset)
		die("KVM_EXIT_IO: %llu bytes at offset %llu overrun the %zu-byte kvm_run mapping",
		    (unsigned long long)len,
		    (unsigned long long)run->io.data_offset, vm->run_size);
	return (uint8_t *)run + run->io.data_offset;
}

/*
 * KVM_EXIT_IO: the guest executed IN or OUT.  The data sits inside the
 * kvm_run page at io.data_offset (see io_data()); io.count > 1 for
 * REP INS/OUTS.
 */
static void handle_io(struct vm *vm)
{
	struct kvm_run *run = vm->run;
	uint8_t *data = io_data(vm);

	if (run->io.port == HC_PORT) {
		if (hc_is_doorbell(run->io.direction == KVM_EXIT_IO_OUT,
				   run->io.size, run->io.count))
			handle_hypercall(vm);
		else
			refuse_access(vm, data);
		return;
	}
	if (run->io.port == GUEST_CONSOLE_PORT &&
	    run->io.direction == KVM_EXIT_IO_OUT && run->io.size == 1) {
		/* sanitized and on budget, like PUTS; the port cannot fail */
		hc_console(&vm->hc, data, run->io.count);
		return;
	}
	if (run->io.direction == KVM_EXIT_IO_IN) /* nothing there: bus floats */
		memset(data, 0xff, (size_t)run->io.size * run->io.count);
	if (note_allowed(vm))
		printf("vmm: unhandled %s of %u bytes at port %#x\n",
		       run->io.direction == KVM_EXIT_IO_IN ? "in" : "out",
		       run->io.size, run->io.port);
}
/* book:end handle_io */

/* book:begin handle_mmio */
/* KVM_EXIT_MMIO: an access to a guest-physical address with no RAM. */
static void handle_mmio(struct vm *vm)
{
	struct kvm_run *run = vm->run;
	uint64_t value = 0;

	if (run->mmio.is_write && run->mmio.phys_addr == GUEST_MMIO_RESULT &&
	    run->mmio.len <= sizeof(value)) {
		memcpy(&value, run->mmio.data, run->mmio.len);
		vm->mmio_seen = true;
		vm->mmio_value = value;
		if (note_allowed(vm))
			printf("vmm: KVM_EXIT_MMIO: %u-byte write of %llu to the result register at %#x\n",
			       run->mmio.len, (unsigned long long)value,
			       GUEST_MMIO_RESULT);
		return;
	}
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
	if (note_allowed(vm))
		printf("vmm: unhandled MMIO %s of %u bytes at %#llx\n",
		       run->mmio.is_write ? "write" : "read", run->mmio.len,
		       (unsigned long long)run->mmio.phys_addr);
}
/* book:end handle_mmio */

static enum cpu_vendor host_vendor(void)
{
	unsigned int max, regs[3];

	__get_cpuid(0, &max, &regs[0], &regs[2], &regs[1]); /* EBX EDX ECX */
	return vendor_from_cpuid((const char *)regs);
}

/* The CPU refused to enter the guest; its reason is vendor-specific. */
static void report_entry_failure(struct vm *vm)
{
	uint64_t reason = vm->run->fail_entry.hardware_entry_failure_reason;

	printf("vmm: KVM_EXIT_FAIL_ENTRY: hardware entry failure reason %#llx (%s) on cpu %u\n",
	       (unsigned long long)reason,
	       entry_failure_name(reason, host_vendor()),
	       vm->run->fail_entry.cpu);
}

/* book:begin budget */
/*
 * The time budget.  A guest that never exits (a tight loop) never gives
 * the run loop control back, so the budget is a signal: SIGALRM makes
 * KVM_RUN return EINTR, and immediate_exit makes KVM_RUN return at once
 * should the signal land while we were busy handling an exit.
 */
static volatile sig_atomic_t over_budget;
static struct kvm_run *budget_run;

static void on_alarm(int sig)
{
	(void)sig;
	over_budget = 1;
	budget_run->immediate_exit = 1;
}

static void budget_start(struct vm *vm)
{
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART */

	budget_run = vm->run;
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		die_perror("sigaction SIGALRM");
	alarm(vm->timeout);
}
/* book:end budget */

/* book:begin run_loop */
/* Why the run loop ended. */
enum run_end { GUEST_HALTED, GUEST_FAILED, GUEST_EXITED, GUEST_OVER_BUDGET };

/*
 * Run the vCPU until the guest halts, calls EXIT, stops in a way it cannot
 * continue from (GUEST_FAILED, after saying why), or runs out of time.
 */
static enum run_end run_loop(struct vm *vm)
{
	struct kvm_run *run = vm->run;

	for (;;) {
		if (ioctl(vm->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno != EINTR)
				die_perror("KVM_RUN");
			if (over_budget)
				return GUEST_OVER_BUDGET;
			continue;
		}
		if (run->exit_reason < EXIT_REASONS_COUNTED)
			vm->exits[run->exit_reason]++;

		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			handle_io(vm);
			if (vm->hc.exited)
				return GUEST_EXITED;
			break;
		case KVM_EXIT_MMIO:
			handle_mmio(vm);
			break;
		case KVM_EXIT_HLT:
			return GUEST_HALTED;
		case KVM_EXIT_SHUTDOWN:
			printf("vmm: KVM_EXIT_SHUTDOWN: the guest triple-faulted\n");
			dump_registers(vm);
			return GUEST_FAILED;
		case KVM_EXIT_FAIL_ENTRY:
			report_entry_failure(vm);
			dump_registers(vm);
			return GUEST_FAILED;
		case KVM_EXIT_INTERNAL_ERROR:
			printf("vmm: KVM_EXIT_INTERNAL_ERROR: suberror %u (%s)\n",
			       run->internal.suberror,
			       internal_error_name(run->internal.suberror));
			dump_registers(vm);
			return GUEST_FAILED;
		default:
			printf("vmm: unexpected exit %u (%s)\n",
			       run->exit_reason,
			       kvm_exit_name(run->exit_reason));
			dump_registers(vm);
			return GUEST_FAILED;
		}
	}
}
/* book:end run_loop */

/* book:begin check_result */
/*
 * The guest left its answer in the accumulator (ax, eax or rax), at
 * GUEST_RESULT_ADDR in its memory and, above real mode, in the MMIO result
 * register.  All must agree.
 */
static bool check_result(struct vm *vm)
{
	static const char *const acc[] = {
		[2] = "ax", [4] = "eax", [8] = "rax"
	};
	size_t width = mode_result_width(vm->mode);
	uint64_t mask = width == 8 ? ~0ULL : (1ULL << (width * 8)) - 1;
	uint64_t reg, mem = 0;
	struct kvm_regs regs;
	bool ok;

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) < 0)
		die_perror("KVM_GET_REGS");
	reg = regs.rax & mask;
	memcpy(&mem, vm->mem + GUEST_RESULT_ADDR, width);
	ok = reg == mem;
	printf("vmm: %s=%llu memory[%#x]=%llu", acc[width],
	       (unsigned long long)reg, GUEST_RESULT_ADDR,
	       (unsigned long long)mem);
	if (vm->mode != MODE_REAL) {
		ok = ok && vm->mmio_seen && vm->mmio_value == reg;
		printf(" mmio[%#x]=%llu", GUEST_MMIO_RESULT,
		       (unsigned long long)vm->mmio_value);
	}
	printf(ok ? " (agree)\n" : " (DISAGREE)\n");
	if (ok)
		printf("vmm: %s mode guest halted: result=%llu\n",
		       mode_name(vm->mode), (unsigned long long)reg);
	return ok;
}
/* book:end check_result */

static void print_exit_counts(struct vm *vm)
{
	printf("vmm: exits:");
	for (uint32_t i = 0; i < EXIT_REASONS_COUNTED; i++)
		if (vm->exits[i])
			printf(" %s=%llu", kvm_exit_name(i),
			       (unsigned long long)vm->exits[i]);
	printf("\n");
}

/* book:begin stats */
static void print_hypercalls(struct vm *vm)
{
	uint64_t calls = 0, rejected = 0;

	if (vm->stats)
		printf("vmm: %-12s %8s %8s %9s\n", "hypercall", "calls",
		       "rejected", "mean ns");
	for (uint64_t i = 0; i < HC_SLOTS; i++) {
		const struct hc_stat *st = &vm->hc.stats[i];

		calls += st->calls;
		rejected += st->rejected;
		if (vm->stats && st->calls)
			printf("vmm: %-12s %8llu %8llu %9llu\n",
			       hc_slot_name(i), (unsigned long long)st->calls,
			       (unsigned long long)st->rejected,
			       (unsigned long long)(st->ns / st->calls));
	}
	printf("vmm: hypercalls: %llu, rejected: %llu\n",
	       (unsigned long long)calls, (unsigned long long)rejected);
	if (vm->hc.output_dropped)
		printf("vmm: console: the budget of %u bytes is spent; %llu bytes dropped\n",
		       HC_OUTPUT_MAX,
		       (unsigned long long)vm->hc.output_dropped);
}
/* book:end stats */

/* book:begin run_vm */
/*
 * One VM, in a process of its own: what step05's main() did, plus the
 * hypercall state and the time budget.  Returns the process's exit status.
 */
static int run_vm(struct vm *vm)
{
	int status = EXIT_GUEST_FAILED;
	struct utsname uts;
	enum run_end end;

	vm_create(vm);
	vcpu_create(vm);
	vcpu_setup(vm);
	vm->hc = (struct hc_vm){
		.mem = { .base = vm->mem, .size = vm->mem_size },
		.info = { .vm_index = vm->index,
			  .vm_count = vm->vm_count,
			  .mem_size = vm->mem_size },
		.now_ns = now_ns,
		.output = console_output,
	};
	if (uname(&uts) == 0) /* the host's name, cut to fit, NUL-ended */
		memcpy(vm->hc.info.host, uts.nodename,
		       strnlen(uts.nodename, sizeof(vm->hc.info.host) - 1));
	vm->hc.start_ns = now_ns();
	budget_start(vm);

	end = run_loop(vm);
	console_end_line(); /* the guest may have stopped mid-line */
	switch (end) {
	case GUEST_HALTED:
		status = check_result(vm) ? EXIT_SUCCESS : EXIT_GUEST_FAILED;
		break;
	case GUEST_EXITED:
		printf("vmm: the guest called EXIT(%d)\n", vm->hc.exit_code);
		status = vm->hc.exit_code;
		break;
	case GUEST_OVER_BUDGET:
		printf("vmm: stopped the guest: it ran out of its time budget of %u s (--timeout)\n",
		       vm->timeout);
		status = EXIT_OVER_BUDGET;
		break;
	case GUEST_FAILED:
		break;
	}
	alarm(0);
	print_exit_counts(vm);
	print_hypercalls(vm);
	return status;
}
/* book:end run_vm */

/* book:begin vms */
/* A VM's process as the parent sees it: its pid and its output pipe. */
struct child {
	pid_t pid;
	int fd;
	unsigned int index;
	size_t len;
	char line[LINE_MAX_RELAY];
};

/* Fork a process for VM number index; its stdout and stderr are a pipe. */
static void vm_spawn(struct vm *vm, struct child *c, unsigned int index)
{
	int fds[2];

	if (pipe(fds) < 0)
		die_perror("pipe");
	fflush(stdout);
	c->pid = fork();
	if (c->pid < 0)
		die_perror("fork");
	if (c->pid == 0) {
		close(fds[0]);
		if (dup2(fds[1], STDOUT_FILENO) < 0 ||
		    dup2(fds[1], STDERR_FILENO) < 0)
			die_perror("dup2");
		close(fds[1]);
		setvbuf(stdout, NULL, _IOLBF, 0); /* a line at a time, live */
		vm->index = index;
		exit(run_vm(vm)); /* the guest memory is ours: a private copy */
	}
	close(fds[1]);
	c->fd = fds[0];
	c->index = index;
	c->len = 0;
}

/* Print c's complete line, prefixed with its VM, in one write. */
static void relay_line(struct child *c)
{
	bool newline = c->len && c->line[c->len - 1] == '\n';

	printf("[VM %u] %.*s%s", c->index, (int)c->len, c->line,
	       newline ? "" : "\n");
	fflush(stdout);
	c->len = 0;
}

/* Read what c wrote; relay whole lines.  Returns false at end of file. */
static bool relay(struct child *c)
{
	char buf[LINE_MAX_RELAY];
	ssize_t n = read(c->fd, buf, sizeof(buf));

	if (n < 0 && errno == EINTR)
		return true;
	if (n <= 0) {
		if (c->len)
			relay_line(c);
		return false;
	}
	for (ssize_t i = 0; i < n; i++) {
		c->line[c->len++] = buf[i];
		if (buf[i] == '\n' || c->len == sizeof(c->line))
			relay_line(c);
	}
	return true;
}

/* Wait for c's process and say how it ended; returns its exit status. */
static int vm_reap(struct child *c)
{
	int st;

	if (waitpid(c->pid, &st, 0) < 0)
		die_perror("waitpid");
	if (WIFEXITED(st)) {
		printf("vmm: VM %u exited with status %d\n", c->index,
		       WEXITSTATUS(st));
		return WEXITSTATUS(st);
	}
	printf("vmm: VM %u was killed by signal %d (%s)\n", c->index,
	       WTERMSIG(st), strsignal(WTERMSIG(st)));
	return EXIT_GUEST_FAILED;
}

/* Run vm_count VMs in parallel; relay their output until all are done. */
static int vms_run(struct vm *vm)
{
	struct child kids[VMS_MAX];
	struct pollfd pfd[VMS_MAX];
	unsigned int n = vm->vm_count, open = n;
	int status = EXIT_SUCCESS;

	for (unsigned int i = 0; i < n; i++)
		vm_spawn(vm, &kids[i], i + 1);
	while (open) {
		for (unsigned int i = 0; i < n; i++)
			pfd[i] = (struct pollfd){ .fd = kids[i].fd,
						  .events = POLLIN };
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			die_perror("poll");
		}
		for (unsigned int i = 0; i < n; i++) {
			if (pfd[i].revents && !relay(&kids[i])) {
				close(kids[i].fd);
				kids[i].fd = -1; /* poll() skips it */
				open--;
			}
		}
	}
	for (unsigned int i = 0; i < n; i++) {
		int st = vm_reap(&kids[i]);

		if (status == EXIT_SUCCESS)
			status = st;
	}
	return status;
}
/* book:end vms */

/* book:begin main */
int main(int argc, char **argv)
{
	struct vm vm = { 0 };
	const char *image;

	parse_options(argc, argv, &vm, &image);
	guest_memory_alloc(&vm, image); /* bad input stops here, before KVM */
	kvm_open(&vm);
	fflush(stdout);
	return vms_run(&vm); /* each VM: run_vm() in a child process */
}
/* book:end main */
