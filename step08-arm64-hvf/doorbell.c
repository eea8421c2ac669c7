/*
 * doorbell.c - the guest's way to call the VMM: a port access at HC_PORT.
 * A one-byte OUT is a hypercall: the registers go to the dispatcher
 * (hypercalls.c) and its answer into RAX.  Any other access is refused,
 * a string OUTSB too, although KVM hands it over byte by byte, each byte
 * looking like the doorbell's OUT.
 *
 * Runs: userspace (the VMM), from handle_io() in devices.c.
 * Spec: the ABI in common/include/hypercall.h; hv.h (get_reg, set_reg);
 * Documentation/virt/kvm/api.rst, "KVM_RUN" (I/O is completed on the next
 * KVM_RUN; immediate_exit completes it without running the guest).
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/utsname.h>

#include "backends/kvm_x86.h"
#include "console.h"
#include "doorbell.h"
#include "stats.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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
 * KVM complete the exit without entering the guest (kvm_x86_complete_io:
 * KVM_RUN with immediate_exit set), and see whether RIP moved.
 */
static bool out_completed_by_kvm(struct vm *vm)
{
	uint64_t rip_at_exit, rip;

	hv_vcpu_check(vm,
		      vm->hv->get_reg(&vm->vcpu, HYP_REG_RIP, &rip_at_exit));
	hv_vcpu_check(vm, kvm_x86_complete_io(&vm->vcpu));
	hv_vcpu_check(vm, vm->hv->get_reg(&vm->vcpu, HYP_REG_RIP, &rip));
	return rip != rip_at_exit;
}
/* book:end completed */

/* The call's number and arguments: RAX, then RBX, RCX, RDX, RSI. */
static void read_call(struct vm *vm, struct hc_call *call)
{
	static const enum hyp_reg args[] = { HYP_REG_RBX, HYP_REG_RCX,
					     HYP_REG_RDX, HYP_REG_RSI };

	_Static_assert(ARRAY_SIZE(args) == ARRAY_SIZE(call->arg),
		       "one register per argument");
	hv_vcpu_check(vm, vm->hv->get_reg(&vm->vcpu, HYP_REG_RAX, &call->nr));
	for (size_t i = 0; i < ARRAY_SIZE(args); i++)
		hv_vcpu_check(
			vm, vm->hv->get_reg(&vm->vcpu, args[i], &call->arg[i]));
}

/* book:begin doorbell_exit */
/*
 * A port access at HC_PORT.  The doorbell, a one-byte OUT, is a call: the
 * registers go to the dispatcher, its answer into RAX.  Anything else is
 * refused, and counted with the rejected calls: an IN reads all ones, as
 * from a port with nothing behind it (KVM copies our data into the guest's
 * register); a wider OUT, or a byte of a string OUTS, gets -EINVAL in RAX.
 */
void doorbell_exit(struct vm *vm, const struct hyp_io *io)
{
	uint64_t start = now_ns(), slot = HC_BAD_ACCESS;
	struct hc_call call;
	int64_t result;

	if (!io->is_write) {
		memset(io->data, BUS_FLOAT_BYTE, (size_t)io->len * io->count);
		hc_refuse_access(&vm->hc);
	} else if (!hc_is_doorbell(io->len, io->count,
				   out_completed_by_kvm(vm))) {
		result = hc_refuse_access(&vm->hc);
		hv_vcpu_check(vm, vm->hv->set_reg(&vm->vcpu, HYP_REG_RAX,
						  (uint64_t)result));
	} else {
		read_call(vm, &call);
		result = hc_dispatch(&vm->hc, &call);
		hv_vcpu_check(vm, vm->hv->set_reg(&vm->vcpu, HYP_REG_RAX,
						  (uint64_t)result));
		slot = call.nr < HC_COUNT ? call.nr : HC_UNKNOWN;
	}
	vm->hc.stats[slot].ns += now_ns() - start;
}
/* book:end doorbell_exit */
