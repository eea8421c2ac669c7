/*
 * proto_kvm.c - the prototype's KVM side: a VM with the in-kernel PIC,
 * IOAPIC, local APIC and PIT, one vCPU set up for Linux, interrupt lines
 * as KVM_IRQ_LINE, and the exit loop that hands I/O to the bus.
 *
 * Runs: userspace, with /dev/kvm.  Throwaway: vm.c and vcpu.c take this
 * over.
 * Spec: Documentation/virt/kvm/api.rst: KVM_CREATE_VM, KVM_SET_TSS_ADDR,
 * KVM_SET_IDENTITY_MAP_ADDR, KVM_CREATE_IRQCHIP, KVM_CREATE_PIT2,
 * KVM_SET_USER_MEMORY_REGION, KVM_CREATE_VCPU, KVM_IRQ_LINE, KVM_RUN,
 * "The kvm_run structure" (KVM_EXIT_IO, KVM_EXIT_MMIO, KVM_EXIT_SHUTDOWN,
 * immediate_exit).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "boot/entry64.h"
#include "machine.h"
#include "proto.h"
#include "x86_cpu.h"

#define EXIT_NOTES_MAX 8 /* notes about single exits shown */

void die(const char *fmt, ...)
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

void die_perror(const char *call)
{
	die("%s: %s", call, strerror(errno));
}

static const struct {
	int cap;
	const char *name;
} required_caps[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
	{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
	{ KVM_CAP_SET_IDENTITY_MAP_ADDR, "KVM_CAP_SET_IDENTITY_MAP_ADDR" },
	{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
	{ KVM_CAP_PIT2, "KVM_CAP_PIT2" },
	{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
};

void kvm_open(struct proto_vm *vm)
{
	int version;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		die_perror("open /dev/kvm");
	version = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION)
		die("KVM_GET_API_VERSION: %d, this VMM speaks %d", version,
		    KVM_API_VERSION);
	for (size_t i = 0; i < sizeof(required_caps) / sizeof(required_caps[0]);
	     i++)
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION,
			  required_caps[i].cap) <= 0)
			die("KVM_CHECK_EXTENSION: %s is not available",
			    required_caps[i].name);
}

/*
 * The VM, in the order api.rst asks for: the TSS and identity-map pages
 * and the in-kernel irqchip before any vCPU exists, the PIT after the
 * irqchip (it delivers through it), then RAM.
 */
void vm_create(struct proto_vm *vm, uint64_t mem_size)
{
	uint64_t identity = MACHINE_IDENTITY_MAP_ADDR;
	/*
	 * KVM_PIT_SPEAKER_DUMMY: KVM also answers port 0x61, whose bits are
	 * the PIT channel 2 gate and output; Linux calibrates the TSC by them.
	 */
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	struct kvm_userspace_memory_region region;

	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		die_perror("KVM_CREATE_VM");
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, MACHINE_TSS_ADDR) < 0)
		die_perror("KVM_SET_TSS_ADDR");
	if (ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &identity) < 0)
		die_perror("KVM_SET_IDENTITY_MAP_ADDR");
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		die_perror("KVM_CREATE_IRQCHIP");
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		die_perror("KVM_CREATE_PIT2");
	vm->mem.size = mem_size;
	vm->mem.base = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem.base == MAP_FAILED)
		die_perror("mmap guest memory");
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = mem_size,
		.userspace_addr = (uintptr_t)vm->mem.base,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die_perror("KVM_SET_USER_MEMORY_REGION");
	vm->pio.name = "pio";
	vm->mmio.name = "mmio";
}

/*
 * An interrupt line is KVM_IRQ_LINE on the in-kernel irqchip: GSIs 0-15
 * reach both the PIC and the IOAPIC, as on a PC.  The device states the
 * level; the irqchip turns a rising edge into an interrupt for an
 * edge-triggered input and keeps asserting a level-triggered one.
 */
static void kvm_irq_set_level(struct irq_line *line, bool level)
{
	struct proto_vm *vm = line->opaque;
	struct kvm_irq_level irq = { .irq = line->gsi, .level = level };

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		die_perror("KVM_IRQ_LINE");
}

void vm_irq_line_init(struct proto_vm *vm, struct irq_line *line,
		      unsigned int gsi)
{
	*line = (struct irq_line){
		.set_level = kvm_irq_set_level,
		.gsi = gsi,
		.opaque = vm,
	};
}

/*
 * Debugging aid (PROTO_DEBUG=1): the CPUID the guest will see, and the
 * APIC base.  (The lab's 6.1 KVM leaves nent as passed; entries that are
 * all zeros are the buffer's own.)
 */
static void cpuid_dump(struct proto_vm *vm)
{
	struct kvm_cpuid2 *c =
		calloc(1, sizeof(*c) + 256 * sizeof(c->entries[0]));
	struct kvm_sregs s;

	if (!c)
		die_perror("calloc");
	c->nent = 256;
	if (ioctl(vm->vcpu_fd, KVM_GET_CPUID2, c) < 0)
		die_perror("KVM_GET_CPUID2");
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function || c->entries[i].eax)
			fprintf(stderr,
				"vmm: cpuid %08x.%u: %08x %08x %08x %08x\n",
				c->entries[i].function, c->entries[i].index,
				c->entries[i].eax, c->entries[i].ebx,
				c->entries[i].ecx, c->entries[i].edx);
	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &s) == 0)
		fprintf(stderr, "vmm: apic_base %llx\n", s.apic_base);
	free(c);
}

void vcpu_create(struct proto_vm *vm)
{
	const char *failed;
	int size, err;

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
	err = x86_vcpu_setup(vm->kvm_fd, vm->vcpu_fd, 0, 1, &failed);
	if (err < 0)
		die("%s: %s", failed, strerror(-err));
	if (getenv("PROTO_DEBUG"))
		cpuid_dump(vm);
}

/* The 64-bit boot protocol's entry state (boot/entry64.c). */
void vcpu_boot(struct proto_vm *vm, uint64_t entry, uint64_t boot_params)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		die_perror("KVM_GET_SREGS");
	if (entry64_setup(&vm->mem, entry, boot_params, &sregs, &regs) < 0)
		die("entry64_setup: guest memory too small for the boot tables");
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		die_perror("KVM_SET_SREGS");
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		die_perror("KVM_SET_REGS");
}

void vcpu_dump(struct proto_vm *vm)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &r) < 0 ||
	    ioctl(vm->vcpu_fd, KVM_GET_SREGS, &s) < 0)
		return;
	fprintf(stderr,
		"vmm:   rip %016llx  rsp %016llx  rflags %08llx\n"
		"vmm:   cr0 %016llx  cr2 %016llx  cr3 %016llx  cr4 %016llx  efer %llx\n",
		r.rip, r.rsp, r.rflags, s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
}

/*
 * Debugging aid for a guest that stopped making progress: the PICs' and
 * the local APIC's view of interrupts (who is requested, in service,
 * masked), and the LINT0 / timer / SVR registers.
 */
void vm_dump_interrupts(struct proto_vm *vm)
{
	static const unsigned int lapic_regs[] = {
		0x080, 0x0a0, 0x0f0, 0x320, 0x350, 0x360, 0x380, 0x390,
		0x100, 0x110, 0x120, 0x130, 0x140, 0x150, 0x160, 0x170,
		0x200, 0x210, 0x220, 0x230, 0x240, 0x250, 0x260, 0x270
	};
	struct kvm_mp_state mp;
	struct kvm_vcpu_events ev;
	struct kvm_irqchip chip;
	struct kvm_lapic_state lapic;

	for (uint32_t id = KVM_IRQCHIP_PIC_MASTER; id <= KVM_IRQCHIP_PIC_SLAVE;
	     id++) {
		struct kvm_pic_state *p = &chip.chip.pic;

		memset(&chip, 0, sizeof(chip));
		chip.chip_id = id;
		if (ioctl(vm->vm_fd, KVM_GET_IRQCHIP, &chip) < 0)
			die_perror("KVM_GET_IRQCHIP");
		fprintf(stderr,
			"vmm:   pic%u: irr %02x last_irr %02x imr %02x isr %02x elcr %02x irq_base %02x auto_eoi %u init_state %u prio_add %u poll %u special_mask %u sfnm %u rrs %u\n",
			id, p->irr, p->last_irr, p->imr, p->isr, p->elcr,
			p->irq_base, p->auto_eoi, p->init_state,
			p->priority_add, p->poll, p->special_mask,
			p->special_fully_nested_mode, p->read_reg_select);
	}
	if (ioctl(vm->vcpu_fd, KVM_GET_LAPIC, &lapic) < 0)
		die_perror("KVM_GET_LAPIC");
	fprintf(stderr, "vmm:   lapic:");
	for (size_t i = 0; i < sizeof(lapic_regs) / sizeof(lapic_regs[0]); i++)
		fprintf(stderr, " [%03x]=%08x", lapic_regs[i],
			x86_lapic_reg(&lapic, lapic_regs[i]));
	fprintf(stderr, "\n");
	if (ioctl(vm->vcpu_fd, KVM_GET_MP_STATE, &mp) == 0 &&
	    ioctl(vm->vcpu_fd, KVM_GET_VCPU_EVENTS, &ev) == 0)
		fprintf(stderr,
			"vmm:   mp_state %u; events: irq injected %u nr %u soft %u shadow %u; nmi injected %u pending %u masked %u; exception injected %u nr %u\n",
			mp.mp_state, ev.interrupt.injected, ev.interrupt.nr,
			ev.interrupt.soft, ev.interrupt.shadow, ev.nmi.injected,
			ev.nmi.pending, ev.nmi.masked, ev.exception.injected,
			ev.exception.nr);
}

/* The time budget: SIGALRM interrupts KVM_RUN (see step06's budget). */
static volatile sig_atomic_t over_budget;
static struct kvm_run *budget_run;

static void on_alarm(int sig)
{
	(void)sig;
	over_budget = 1;
	budget_run->immediate_exit = 1;
}

void vcpu_budget(struct proto_vm *vm, unsigned int seconds)
{
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART */

	budget_run = vm->run;
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		die_perror("sigaction SIGALRM");
	alarm(seconds);
}

static const char *const exit_names[] = {
	[KVM_EXIT_UNKNOWN] = "KVM_EXIT_UNKNOWN",
	[KVM_EXIT_IO] = "KVM_EXIT_IO",
	[KVM_EXIT_HLT] = "KVM_EXIT_HLT",
	[KVM_EXIT_MMIO] = "KVM_EXIT_MMIO",
	[KVM_EXIT_SHUTDOWN] = "KVM_EXIT_SHUTDOWN",
	[KVM_EXIT_FAIL_ENTRY] = "KVM_EXIT_FAIL_ENTRY",
	[KVM_EXIT_INTR] = "KVM_EXIT_INTR",
	[KVM_EXIT_INTERNAL_ERROR] = "KVM_EXIT_INTERNAL_ERROR",
	[KVM_EXIT_SYSTEM_EVENT] = "KVM_EXIT_SYSTEM_EVENT",
};

const char *kvm_exit_name(uint32_t reason)
{
	if (reason < sizeof(exit_names) / sizeof(exit_names[0]) &&
	    exit_names[reason])
		return exit_names[reason];
	return "(other)";
}

/* Only the first few unhandled accesses are noted: a guest can loop. */
static bool note_allowed(struct proto_vm *vm)
{
	if (vm->notes >= EXIT_NOTES_MAX)
		return false;
	vm->notes++;
	return true;
}

/*
 * KVM_EXIT_IO: io.count elements of io.size bytes at io.data_offset in
 * the kvm_run mapping (count > 1 for REP INS/OUTS), each a bus access.
 */
static void handle_io(struct proto_vm *vm)
{
	struct kvm_run *run = vm->run;
	uint64_t len = (uint64_t)run->io.size * run->io.count;
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;
	uint8_t *data;

	if (run->io.data_offset > vm->run_size ||
	    len > vm->run_size - run->io.data_offset)
		die("KVM_EXIT_IO: %llu bytes at offset %llu overrun kvm_run",
		    (unsigned long long)len,
		    (unsigned long long)run->io.data_offset);
	data = (uint8_t *)run + run->io.data_offset;
	vm->pio_exits[run->io.port]++;
	for (uint32_t i = 0; i < run->io.count; i++)
		if (!bus_access(&vm->pio, run->io.port,
				data + (size_t)i * run->io.size, run->io.size,
				is_write) &&
		    note_allowed(vm))
			fprintf(stderr,
				"vmm: no device: %s of %u bytes at port %#x\n",
				is_write ? "out" : "in", run->io.size,
				run->io.port);
}

static void handle_mmio(struct proto_vm *vm)
{
	struct kvm_run *run = vm->run;

	if (run->mmio.len > sizeof(run->mmio.data))
		die("KVM_EXIT_MMIO: %u bytes", run->mmio.len);
	if (!bus_access(&vm->mmio, run->mmio.phys_addr, run->mmio.data,
			run->mmio.len, run->mmio.is_write) &&
	    note_allowed(vm))
		fprintf(stderr,
			"vmm: no device: MMIO %s of %u bytes at %#llx\n",
			run->mmio.is_write ? "write" : "read", run->mmio.len,
			(unsigned long long)run->mmio.phys_addr);
}

/* book:begin proto_run */
/*
 * Run until the guest resets the machine (a device pulled the reset line,
 * or a triple fault: KVM_EXIT_SHUTDOWN), fails, or runs out of time.
 * With the irqchip in the kernel, HLT never comes here: KVM waits for the
 * next interrupt itself.
 */
enum run_end vcpu_run(struct proto_vm *vm)
{
	struct kvm_run *run = vm->run;

	for (;;) {
		if (ioctl(vm->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno != EINTR && errno != EAGAIN)
				die_perror("KVM_RUN");
			if (over_budget)
				return RUN_TIMEOUT;
			continue;
		}
		if (run->exit_reason < EXIT_REASONS_COUNTED)
			vm->exits[run->exit_reason]++;
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			handle_io(vm);
			if (vm->reset_requested)
				return RUN_RESET;
			break;
		case KVM_EXIT_MMIO:
			handle_mmio(vm);
			break;
		case KVM_EXIT_SHUTDOWN:
			return RUN_SHUTDOWN;
		default:
			fprintf(stderr, "vmm: unexpected exit %u (%s)\n",
				run->exit_reason,
				kvm_exit_name(run->exit_reason));
			if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
				fprintf(stderr, "vmm:   suberror %u\n",
					run->internal.suberror);
			vcpu_dump(vm);
			return RUN_FAILED;
		}
	}
}
/* book:end proto_run */
