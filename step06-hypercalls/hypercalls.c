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
	char c;

	if (arg[0] > UINT8_MAX)
		return -EINVAL;
	hc_sanitize(&c, &byte, 1);
	vm->output(&c, 1);
	return 0;
}

/*
 * Copy first, then use: the guest could change its memory while we look
 * at it (another vCPU); what we print is the copy we checked.
 */
static int64_t hc_puts(struct hc_vm *vm, const uint64_t arg[4])
{
	uint64_t gpa = arg[0], len = arg[1];
	char text[HC_PUTS_MAX];
	const uint8_t *src;

	if (len > HC_PUTS_MAX)
		return -E2BIG;
	src = gpa_to_hva(&vm->mem, gpa, len);
	if (!src)
		return -EFAULT;
	vm->output(text, hc_sanitize(text, src, (size_t)len));
	return (int64_t)len;
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
/* book:end table */

const char *hc_name(uint64_t nr)
{
	return nr < HC_COUNT ? hc_table[nr].name : "(unknown)";
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
