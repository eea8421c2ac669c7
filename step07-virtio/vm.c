/*
 * vm.c - the machine: guest memory (with a flat image in it), /dev/kvm, a
 * VM with that memory (and, for Linux, the interrupt controllers and the
 * timer KVM emulates in the kernel), its interrupt lines, and one flat
 * guest's run from creation to its report, with its hypercalls and its
 * time budget.
 *
 * Runs: userspace (the VMM), in the order main() calls it.
 * Spec: Documentation/virt/kvm/api.rst: "General description",
 * "KVM_GET_API_VERSION", "KVM_CHECK_EXTENSION", "KVM_CREATE_VM",
 * "KVM_SET_TSS_ADDR", "KVM_SET_IDENTITY_MAP_ADDR", "KVM_CREATE_IRQCHIP",
 * "KVM_CREATE_PIT2", "KVM_IRQ_LINE", "KVM_SET_USER_MEMORY_REGION".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "budget.h"
#include "console.h"
#include "devices.h"
#include "doorbell.h"
#include "input.h"
#include "layout.h"
#include "machine.h"
#include "report.h"
#include "smp.h"
#include "vcpu.h"
#include "vm.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define GUEST_RAM_ALIGN 0x200000 /* 2 MiB: an x86-64 huge page (PMD) */

/* book:begin memory */
/*
 * Guest RAM is ordinary anonymous memory of this process, reserved, not
 * yet used: the host gives a page only when it is first touched.  It
 * starts on a 2 MiB boundary, and madvise(MADV_HUGEPAGE) asks for
 * transparent huge pages: the host then backs it 2 MiB at a time, one
 * fault (and one EPT/NPT entry) where 4 KiB pages took 512.  A boot of
 * Linux touched 29,342 small pages, a fault each; in huge pages, 61.
 */
void guest_memory_map(struct vm *vm, uint64_t size)
{
	size_t slack = GUEST_RAM_ALIGN, head;
	uint8_t *raw;

	raw = mmap(NULL, size + slack, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED)
		die_perror("mmap guest memory");
	/* Keep the aligned middle; give back what lies either side. */
	head = (GUEST_RAM_ALIGN - (uintptr_t)raw % GUEST_RAM_ALIGN) %
	       GUEST_RAM_ALIGN;
	if (head)
		munmap(raw, head);
	munmap(raw + head + size, slack - head);
	vm->mem.base = raw + head;
	vm->mem.size = size;
	/* Only a hint: a kernel without THP says EINVAL, and small pages
	 * work the same, only slower. */
	madvise(vm->mem.base, size, MADV_HUGEPAGE);
}

/* A flat guest: the image at GUEST_LOAD_ADDR. */
void guest_memory_load(struct vm *vm)
{
	size_t room = vm->opts->mem_size - GUEST_LOAD_ADDR;
	char image[SHOWN_MAX]; /* the name, fit to print */
	size_t size;
	int err;

	console_shown(image, vm->opts->image);
	guest_memory_map(vm, vm->opts->mem_size);
	err = image_load(vm->opts->image, vm->mem.base + GUEST_LOAD_ADDR, room,
			 &size);
	if (err == -ENODATA)
		bad_input("image '%s' is empty", image);
	if (err == -EFBIG)
		bad_input(
			"image '%s' is too large: %zu bytes, but only %zu fit at %#x in %llu bytes of guest memory",
			image, size, room, GUEST_LOAD_ADDR,
			(unsigned long long)vm->mem.size);
	if (err == -EINVAL)
		bad_input("image '%s' is not a regular file", image);
	if (err < 0)
		bad_input("image '%s': %s", image, strerror(-err));
	vmm_say("loaded %s (%zu bytes) at %#x; %s mode, %llu KiB of memory",
		image, size, GUEST_LOAD_ADDR, mode_name(vm->opts->mode),
		(unsigned long long)vm->mem.size / KIB);
}
/* book:end memory */

/* book:begin kvm_open */
struct kvm_cap {
	int cap;
	const char *name;
};

static const struct kvm_cap required_caps[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
	{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
	{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
};

/* What the machine Linux boots on needs besides (vm_create_irqchip). */
static const struct kvm_cap machine_caps[] = {
	{ KVM_CAP_SET_IDENTITY_MAP_ADDR, "KVM_CAP_SET_IDENTITY_MAP_ADDR" },
	{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
	{ KVM_CAP_PIT2, "KVM_CAP_PIT2" },
	{ KVM_CAP_IOEVENTFD, "KVM_CAP_IOEVENTFD" }, /* virtio-net's kicks */
};

static void require_caps(struct vm *vm, const struct kvm_cap *caps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, caps[i].cap) <= 0)
			die("KVM_CHECK_EXTENSION: %s is not available",
			    caps[i].name);
	}
}

/* The API version is frozen at 12; extensions say what else there is. */
void kvm_open(struct vm *vm)
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
	require_caps(vm, required_caps, ARRAY_SIZE(required_caps));
	if (vm->machine)
		require_caps(vm, machine_caps, ARRAY_SIZE(machine_caps));
}
/* book:end kvm_open */

/* book:begin vm_create */
/*
 * The PC's interrupt controllers and timer, emulated inside KVM, for the
 * machine Linux boots on: two 8259 PICs, an IOAPIC and a local APIC per
 * vCPU (KVM_CREATE_IRQCHIP), and the 8254 PIT (KVM_CREATE_PIT2), whose
 * KVM_PIT_SPEAKER_DUMMY makes KVM answer port 0x61 too (the PIT channel
 * 2 gate and output, by which Linux calibrates the TSC when kvm-clock does
 * not give it the frequency).  Before them, the identity-map page KVM
 * needs on Intel without unrestricted guest (the TSS pages are set for
 * every VM); all before the first vCPU.
 */
static void vm_create_irqchip(struct vm *vm)
{
	uint64_t identity = MACHINE_IDENTITY_MAP_ADDR;
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

	if (ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &identity) < 0)
		die_perror("KVM_SET_IDENTITY_MAP_ADDR");
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		die_perror("KVM_CREATE_IRQCHIP");
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		die_perror("KVM_CREATE_PIT2");
}

_Static_assert(GUEST_TSS_ADDR == MACHINE_TSS_ADDR,
	       "the flat guests and Linux put KVM's TSS at the same place");

void vm_create(struct vm *vm)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = vm->mem.size,
		.userspace_addr = (uintptr_t)vm->mem.base,
	};

	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		die_perror("KVM_CREATE_VM");
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, GUEST_TSS_ADDR) < 0)
		die_perror("KVM_SET_TSS_ADDR");
	if (vm->machine)
		vm_create_irqchip(vm);
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die_perror("KVM_SET_USER_MEMORY_REGION");
}
/* book:end vm_create */

/* book:begin irq_line */
/*
 * A device's interrupt line (irq.h) is KVM_IRQ_LINE on the in-kernel
 * irqchip: the device states the level, and the IOAPIC (and, for GSIs
 * below 16, the PIC) makes an interrupt of a rising edge on an edge-
 * triggered input, or keeps asserting a level-triggered one while the
 * line is high.  (irqfd would let another thread raise it without this
 * ioctl's exit to the kernel; here the devices run on the vCPU's thread,
 * and state a level, which is what KVM_IRQ_LINE takes.)
 */
static void vm_irq_set_level(struct irq_line *line, bool level)
{
	struct vm *vm = line->opaque;
	struct kvm_irq_level irq = { .irq = line->gsi, .level = level };

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		die_perror("KVM_IRQ_LINE");
}

void vm_irq_line_init(struct vm *vm, struct irq_line *line, unsigned int gsi)
{
	*line = (struct irq_line){
		.set_level = vm_irq_set_level,
		.gsi = gsi,
		.opaque = vm,
	};
}
/* book:end irq_line */

/* book:begin vm_stop */
/*
 * A device or a vCPU ends the run (power off, reset, panic, time up, a
 * failure): the run loop that called it sees it after the exit it is
 * handling, and every other vCPU is kicked out of KVM_RUN (smp.c).  Any
 * vCPU thread may call this, several at once: the first reason wins
 * (compare-and-swap), and only its caller kicks.
 */
void vm_stop(struct vm *vm, enum run_end why)
{
	enum run_end running = GUEST_RUNNING;

	__atomic_store_n(&vm->stopping, true, __ATOMIC_SEQ_CST); /* devices */
	if (__atomic_compare_exchange_n(&vm->stop, &running, why, false,
					__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		smp_kick_all(vm);
}

/* How the run ended; GUEST_RUNNING while it has not. */
enum run_end vm_stopped(struct vm *vm)
{
	return __atomic_load_n(&vm->stop, __ATOMIC_SEQ_CST);
}
/* book:end vm_stop */

/* book:begin vm_run */
/*
 * One flat guest, from creation to its report: a VM with our memory and
 * its two devices, a vCPU in the mode asked for, the hypercall state and
 * the time budget, KVM_RUN until the guest stops, then what the VMM saw,
 * on the console and, if asked, in the report file.  Returns the exit
 * status for the VM's process.
 */
int vm_run(struct vm *vm, FILE *report_file)
{
	struct vm_report report;

	vm_create(vm);
	devices_register(vm);
	vcpu_create(vm);
	vcpu_setup(vm);
	doorbell_init(vm);
	fflush(stdout);
	budget_start(vm);
	report_collect(vm, vcpu_run(vm), &report);
	budget_stop();
	report_print(vm, &report);
	if (report_file)
		report_write(report_file, &report);
	return report.status;
}
/* book:end vm_run */
