/*
 * vm.c - the machine: guest memory (with a flat image in it), the backend
 * (hv.h), a VM with that memory (for Linux with the interrupt controllers
 * and the timer inside the hypervisor), its interrupt lines, and one flat
 * guest's run from creation to its report, with its hypercalls and its
 * time budget.
 *
 * Runs: userspace (the VMM), in the order main() calls it.
 * Spec: hv.h (the backends: backends/); Documentation/virt/kvm/api.rst,
 * "General description".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "budget.h"
#include "console.h"
#include "devices.h"
#include "doorbell.h"
#include "hv.h"
#include "input.h"
#include "layout.h"
#include "machine.h"
#include "report.h"
#include "smp.h"
#include "vcpu.h"
#include "vm.h"

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

/* book:begin hv_choose */
/*
 * The backend: the one --backend names, or the first this VMM was built
 * with (backends/list_*.c).  Nothing touches the hypervisor yet.
 */
void hv_choose(struct vm *vm)
{
	const char *name = vm->opts->backend;

	vm->hv = name ? hyp_backend_find(name) : hyp_backends[0];
	if (!vm->hv)
		bad_input("--backend '%s': not one this VMM was built with",
			  name);
}

/*
 * A backend's error (after the call: it sets err_call when it fails): the
 * call it names, and why; the VMM cannot go on.
 */
void hv_vm_check(struct vm *vm, int err)
{
	if (err < 0)
		die("%s: %s", vm->hv_vm.err_call, strerror(-err));
}

void hv_vcpu_check(struct vm *vm, int err)
{
	if (err < 0)
		die("%s: %s", vm->vcpu.err_call, strerror(-err));
}
/* book:end hv_choose */

/* book:begin vm_create */
/*
 * The VM, with our memory at guest-physical 0, and for Linux the PC's
 * interrupt controllers and timer inside the hypervisor (kvm-x86: two
 * 8259 PICs, an IOAPIC, the local APICs, the 8254 PIT); KVM's TSS pages
 * (and identity map) where the machine keeps them free.
 */
_Static_assert(GUEST_TSS_ADDR == MACHINE_TSS_ADDR,
	       "the flat guests and Linux put KVM's TSS at the same place");

void vm_create(struct vm *vm)
{
	struct hyp_config cfg = {
		.nr_vcpus = vm->opts->cpus, /* 1 for a flat guest */
		.irqchip = vm->machine != NULL,
		.x86 = { .tss_addr = GUEST_TSS_ADDR,
			 .identity_map_addr = MACHINE_IDENTITY_MAP_ADDR },
	};

	vm->hv_vm = (struct hyp_vm){ .ops = vm->hv };
	hv_vm_check(vm, vm->hv->vm_create(&vm->hv_vm, &cfg));
	hv_vm_check(vm, vm->hv->map_memory(&vm->hv_vm, 0, vm->mem.base,
					   vm->mem.size));
}
/* book:end vm_create */

/* book:begin irq_line */
/*
 * A device's interrupt line (irq.h) is the backend's irq_line: the device
 * states the level, the interrupt controller inside the hypervisor makes
 * an interrupt of it (kvm-x86: KVM_IRQ_LINE on the IOAPIC and the PIC).
 * The devices run on the vCPU's thread, and state a level, which is what
 * irq_line takes.
 */
static void vm_irq_set_level(struct irq_line *line, bool level)
{
	struct vm *vm = line->opaque;

	hv_vm_check(vm, vm->hv->irq_line(&vm->hv_vm, line->gsi, level));
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
	hv_vm_check(vm, vm->hv->vm_ready(&vm->hv_vm)); /* its only vCPU */
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
