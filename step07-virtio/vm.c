/*
 * vm.c - the machine: guest memory with the image in it, /dev/kvm, a VM
 * with that memory, and one VM run from creation to its report, with its
 * hypercalls and its time budget.
 *
 * Runs: userspace (the VMM), in the order main() calls it.
 * Spec: Documentation/virt/kvm/api.rst: "General description",
 * "KVM_GET_API_VERSION", "KVM_CHECK_EXTENSION", "KVM_CREATE_VM",
 * "KVM_SET_TSS_ADDR", "KVM_SET_USER_MEMORY_REGION".
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
#include "doorbell.h"
#include "input.h"
#include "layout.h"
#include "report.h"
#include "vcpu.h"
#include "vm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* book:begin memory */
/* Guest RAM is ordinary anonymous memory of this process. */
void guest_memory_load(struct vm *vm)
{
	size_t room = vm->opts->mem_size - GUEST_LOAD_ADDR;
	char image[SHOWN_MAX]; /* the name, fit to print */
	size_t size;
	int err;

	console_shown(image, vm->opts->image);
	vm->mem_size = vm->opts->mem_size;
	vm->mem = mmap(NULL, vm->mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		die_perror("mmap guest memory");
	err = image_load(vm->opts->image, vm->mem + GUEST_LOAD_ADDR, room,
			 &size);
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
	vmm_say("loaded %s (%zu bytes) at %#x; %s mode, %llu KiB of memory",
		image, size, GUEST_LOAD_ADDR, mode_name(vm->opts->mode),
		(unsigned long long)vm->mem_size / KIB);
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
	for (size_t i = 0; i < ARRAY_SIZE(required_caps); i++) {
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION,
			  required_caps[i].cap) <= 0)
			die("KVM_CHECK_EXTENSION: %s is not available",
			    required_caps[i].name);
	}
}
/* book:end kvm_open */

/* book:begin vm_create */
void vm_create(struct vm *vm)
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

/* book:begin vm_run */
/*
 * One VM, from creation to its report: a VM with our memory, a vCPU in the
 * mode asked for, the hypercall state and the time budget, KVM_RUN until
 * the guest stops, then what the VMM saw, on the console and, if asked, in
 * the report file.  Returns the exit status for the VM's process.
 */
int vm_run(struct vm *vm, FILE *report_file)
{
	struct vm_report report;

	vm_create(vm);
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
