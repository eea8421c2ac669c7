/*
 * hypercalls.c - the hypercall dispatcher: one table from number to handler.
 *
 * Runs: userspace (the VMM), on every KVM_EXIT_IO at HC_PORT; pure C over
 * struct hc_vm, so the host unit tests include this file directly.
 * Spec: the ABI in common/include/hypercall.h.
 *
 * Contract of every handler: it gets the four argument registers, trusts
 * none of them, and returns the value for the guest's RAX: >= 0 on
 * success, -errno on failure.  A handler never fails the VMM: whatever
 * the guest passes, the worst it gets back is an error number.
 */
#include <errno.h>
#include <string.h>

#include "hypercalls.h"

/* book:begin handlers */
static int64_t hc_exit(struct hc_vm *vm, const uint64_t arg[4])
{
	if (arg[0] > HC_EXIT_CODE_MAX)
		return -EINVAL;
	vm->exited = true;
	vm->exit_code = (int)arg[0];
	return 0;
}

static int64_t hc_putchar(struct hc_vm *vm, const uint64_t arg[4])
{
	uint8_t byte = (uint8_t)arg[0];
	int64_t ret;

	if (arg[0] > UINT8_MAX)
		return -EINVAL;
	ret = hc_console(vm, &byte, 1);
	return ret < 0 ? ret : 0;
}

static int64_t hc_puts(struct hc_vm *vm, const uint64_t arg[4])
{
	uint64_t gpa = arg[0], len = arg[1];
	const uint8_t *src;

	if (len > HC_PUTS_MAX)
		return -E2BIG;
	src = gpa_to_hva(&vm->mem, gpa, len);
	if (!src)
		return -EFAULT;
	return hc_console(vm, src, (size_t)len);
}

static int64_t hc_gettime(struct hc_vm *vm, const uint64_t arg[4])
{
	(void)arg;
	return (int64_t)(vm->now_ns() - vm->start_ns);
}

static int64_t hc_vminfo(struct hc_vm *vm, const uint64_t arg[4])
{
	uint64_t gpa = arg[0], len = arg[1];
	void *dst;

	if (len < sizeof(vm->info))
		return -EINVAL;
	dst = gpa_to_hva(&vm->mem, gpa, sizeof(vm->info));
	if (!dst)
		return -EFAULT;
	memcpy(dst, &vm->info, sizeof(vm->info));
	return sizeof(vm->info);
}
/* book:end handlers */

/* book:begin table */
typedef int64_t (*hc_handler)(struct hc_vm *vm, const uint64_t arg[4]);

static const struct {
	hc_handler handler;
	const char *name;
} hc_table[HC_COUNT] = {
	[HC_EXIT] = { hc_exit, "EXIT" },
	[HC_PUTCHAR] = { hc_putchar, "PUTCHAR" },
	[HC_PUTS] = { hc_puts, "PUTS" },
	[HC_GETTIME] = { hc_gettime, "GETTIME" },
	[HC_VMINFO] = { hc_vminfo, "VMINFO" },
};

/*
 * Is an OUT to HC_PORT the doorbell, "OUT HC_PORT, AL"?  One byte, once,
 * and an instruction KVM completed when we asked it to (see doorbell.c):
 * a plain OUT.  A wider OUT is not a call, nor is a byte of a string
 * OUTSB, which KVM had emulated already and hands over as one byte.
 */
bool hc_is_doorbell(uint32_t size, uint32_t count, bool completed_by_kvm)
{
	return size == 1 && count == 1 && completed_by_kvm;
}

/*
 * The number is a full 64-bit register: compare it unsigned, so that
 * 2^63 (negative as int64_t) is just as unknown as 5.
 */
int64_t hc_dispatch(struct hc_vm *vm, const struct hc_call *call)
{
	uint64_t slot = call->nr < HC_COUNT ? call->nr : HC_UNKNOWN;
	int64_t ret = -ENOSYS;

	if (slot != HC_UNKNOWN)
		ret = hc_table[slot].handler(vm, call->arg);
	vm->stats[slot].calls++;
	if (ret < 0)
		vm->stats[slot].rejected++;
	return ret;
}

/* Any other access to HC_PORT: refused (-EINVAL for the guest), counted. */
int64_t hc_refuse_access(struct hc_vm *vm)
{
	vm->stats[HC_BAD_ACCESS].calls++;
	vm->stats[HC_BAD_ACCESS].rejected++;
	return -EINVAL;
}
/* book:end table */

/* book:begin console */
/*
 * The console, on a budget: everything a VM prints shares HC_OUTPUT_MAX
 * bytes, so a guest that prints in a loop cannot flood the host's terminal
 * or fill its disk with a log.  Like write(2): writes what fits, returns
 * that count, and -ENOSPC once nothing does.  What goes out is our copy,
 * which the guest cannot change while the console looks at it (from
 * another vCPU); the console (console.c) marks and sanitizes it.
 */
int64_t hc_console(struct hc_vm *vm, const uint8_t *src, size_t len)
{
	uint64_t room = HC_OUTPUT_MAX - vm->output_used;
	size_t n = len < room ? len : (size_t)room;
	char text[HC_PUTS_MAX];

	vm->output_dropped += len - n;
	if (n == 0 && len > 0)
		return -ENOSPC;
	vm->output_used += n;
	for (size_t done = 0; done < n;) {
		size_t chunk =
			n - done < sizeof(text) ? n - done : sizeof(text);

		memcpy(text, src + done, chunk);
		vm->output(text, chunk);
		done += chunk;
	}
	return (int64_t)n;
}
/* book:end console */

/* The name of a statistics slot: a call's, or one of the two others. */
const char *hc_slot_name(uint64_t slot)
{
	if (slot < HC_COUNT)
		return hc_table[slot].name;
	return slot == HC_BAD_ACCESS ? "(not OUT AL)" : "(unknown)";
}
