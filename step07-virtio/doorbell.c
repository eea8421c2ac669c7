/*
 * doorbell.c - the guest's way to call the VMM: a KVM_EXIT_IO at HC_PORT.
 * A one-byte OUT is a hypercall: the registers go to the dispatcher
 * (hypercalls.c) and its answer into RAX.  Any other access is refused,
 * a string OUTSB too, although KVM hands it over byte by byte, each byte
 * looking like the doorbell's OUT.
 *
 * Runs: userspace (the VMM), from handle_io() in devices.c.
 * Spec: the ABI in common/include/hypercall.h; Documentation/virt/kvm/
 * api.rst, "KVM_RUN" (I/O is completed on the next KVM_RUN; immediate_exit
 * completes it without running the guest), "The kvm_run structure"
 * (KVM_EXIT_IO), "KVM_GET_REGS/KVM_SET_REGS".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>

#include "budget.h"
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
		.mem = vm->mem,
		.info = { .vm_index = vm->index,
			  .vm_count = vm->opts->vm_count,
			  .mem_size = vm->mem.size },
		.now_ns = now_ns,
		.output = console_output,
	};
	if (uname(&uts) == 0) /* the host's name, cut to fit, NUL-ended */
		memcpy(vm->hc.info.host, uts.nodename,
		       strnlen(uts.nodename, sizeof(vm->hc.info.host) - 1));
	vm->hc.start_ns = now_ns();
}

/* book:begin completed */
/*
 * Was this exit a plain OUT?  KVM_EXIT_IO looks the same for "OUT imm8,
 * AL", "OUT DX, AL" and one byte of an OUTSB: port, out, size 1, count 1.
 * What differs is where the vCPU stands.  From a plain OUT KVM returns
 * with RIP still on the instruction, which it completes (steps over) on
 * the next KVM_RUN; an OUTSB KVM has already emulated, byte by byte, and
 * RIP has moved on already (past it, or back onto it to repeat).  So: let
 * KVM complete the exit without entering the guest, KVM_RUN with
 * immediate_exit set (it returns EINTR), and see whether RIP moved.
 * regs gets the registers as they are after that.
 */
static bool out_completed_by_kvm(struct vm *vm, struct kvm_regs *regs)
{
	uint64_t rip_at_exit;

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, regs) < 0)
		die_perror("KVM_GET_REGS");
	rip_at_exit = regs->rip;
	vm->run->immediate_exit = 1;
	if (ioctl(vm->vcpu_fd, KVM_RUN, 0) == 0 || errno != EINTR)
		die("KVM_RUN with immediate_exit: %s, not EINTR",
		    strerror(errno));
	budget_rearm(vm->run);
	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, regs) < 0)
		die_perror("KVM_GET_REGS");
	return regs->rip != rip_at_exit;
}
/* book:end completed */

/* book:begin doorbell_exit */
/*
 * A KVM_EXIT_IO at HC_PORT.  The doorbell, a one-byte OUT, is a call: the
 * registers go to the dispatcher, its answer into RAX.  Anything else is
 * refused, and counted with the rejected calls: an IN reads all ones, as
 * from a port with nothing behind it (KVM copies our data into the guest's
 * register); a wider OUT, or a byte of a string OUTS, gets -EINVAL in RAX.
 */
void doorbell_exit(struct vm *vm, uint8_t *data)
{
	struct kvm_run *run = vm->run;
	uint32_t size = run->io.size, count = run->io.count;
	uint64_t start = now_ns(), slot = HC_BAD_ACCESS;
	struct kvm_regs regs;
	struct hc_call call;

	if (run->io.direction == KVM_EXIT_IO_IN) {
		memset(data, BUS_FLOAT_BYTE, (size_t)size * count);
		hc_refuse_access(&vm->hc);
	} else if (!hc_is_doorbell(size, count,
				   out_completed_by_kvm(vm, &regs))) {
		regs.rax = (uint64_t)hc_refuse_access(&vm->hc);
		if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
			die_perror("KVM_SET_REGS");
	} else {
		call = (struct hc_call){ .nr = regs.rax,
					 .arg = { regs.rbx, regs.rcx, regs.rdx,
						  regs.rsi } };
		regs.rax = (uint64_t)hc_dispatch(&vm->hc, &call);
		if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
			die_perror("KVM_SET_REGS");
		slot = call.nr < HC_COUNT ? call.nr : HC_UNKNOWN;
	}
	vm->hc.stats[slot].ns += now_ns() - start;
}
/* book:end doorbell_exit */
