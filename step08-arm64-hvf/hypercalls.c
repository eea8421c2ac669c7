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

#define HC_EXIT_CODE_MAX 255 /* what a process exit status can carry */

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
 * Is a port access at HC_PORT the doorbell, "OUT HC_PORT, AL"?  One byte,
 * out, once.  A wider OUT, an IN, or a string OUTS that KVM hands over as
 * several bytes at a time is not a call.
 */
bool hc_is_doorbell(bool out, uint32_t size, uint32_t count)
{
	return out && size == 1 && count == 1;
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
 * that count, and -ENOSPC once nothing does.  Every byte is sanitized on
 * its way out; what we print is our copy, which the guest cannot change
 * while we look at it (from another vCPU).
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

		vm->output(text, hc_sanitize(text, src + done, chunk));
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

/*
 * The console is the host's terminal: a guest must not send it escape
 * sequences.  Printable ASCII, newline and tab pass; any other byte
 * becomes '.'.  Returns len.
 */
size_t hc_sanitize(char *dst, const uint8_t *src, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t c = src[i];

		dst[i] = (c == '\n' || c == '\t' || (c >= ' ' && c <= '~'))
				 ? (char)c
				 : '.';
	}
	return len;
}
