/*
 * doorbell.c - the guest's way to call the VMM: a KVM_EXIT_IO at HC_PORT.
 * A one-byte OUT is a hypercall: the registers go to the dispatcher
 * (hypercalls.c) and its answer into RAX.  Any other access is refused.
 *
 * Runs: userspace (the VMM), from handle_io() in devices.c.
 * Spec: the ABI in common/include/hypercall.h; Documentation/virt/kvm/
 * api.rst, "The kvm_run structure" (KVM_EXIT_IO), "KVM_GET_REGS/
 * KVM_SET_REGS".
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>

#include "console.h"
#include "doorbell.h"
#include "stats.h"

/* What a read from nothing returns: the bus floats high, all ones. */
#define BUS_FLOAT_BYTE 0xff

/* The console, as the hypercalls see it: the VMM's stdout. */
static void console_output(const char *buf, size_t len)
{
	console_guest((const uint8_t *)buf, len);
}

/* A fresh VM's hypercall state: its memory, the facts VMINFO copies. */
void doorbell_init(struct vm *vm)
{
	struct utsname uts;

	vm->hc = (struct hc_vm){
		.mem = { .base = vm->mem, .size = vm->mem_size },
		.info = { .vm_index = vm->index,
			  .vm_count = vm->opts->vm_count,
			  .mem_size = vm->mem_size },
		.now_ns = now_ns,
		.output = console_output,
	};
	if (uname(&uts) == 0) /* the host's name, cut to fit, NUL-ended */
		memcpy(vm->hc.info.host, uts.nodename,
		       strnlen(uts.nodename, sizeof(vm->hc.info.host) - 1));
	vm->hc.start_ns = now_ns();
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
		memset(data, BUS_FLOAT_BYTE,
		       (size_t)run->io.size * run->io.count);
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

/* book:begin doorbell_exit */
/* A KVM_EXIT_IO at HC_PORT: the doorbell, or an access that is refused. */
void doorbell_exit(struct vm *vm, uint8_t *data)
{
	struct kvm_run *run = vm->run;

	if (hc_is_doorbell(run->io.direction == KVM_EXIT_IO_OUT, run->io.size,
			   run->io.count))
		handle_hypercall(vm);
	else
		refuse_access(vm, data);
}
/* book:end doorbell_exit */
