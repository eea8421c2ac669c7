/*
 * hostile.c - a guest that attacks the hypercall ABI and checks each
 * answer: bad pointers, lengths that overflow, unknown numbers, arguments
 * out of range, and a flood of such calls.
 *
 * Runs: inside the VM, freestanding C in 64-bit long mode on the runtime in
 * common/guest.
 * Spec: the hypercall ABI in common/include/hypercall.h (results are
 * -errno: Linux's errno numbers, <asm-generic/errno-base.h>).
 *
 * Exits with 0 when every bad call was rejected with the right error, 1
 * otherwise.  The VMM must still be running to hear it.
 */
#include "runtime.h"

/* errno values of the ABI (Linux's; <errno.h> is not ours to include) */
#define EINVAL 22
#define EFAULT 14
#define E2BIG  7
#define ENOSYS 38

#define FLOOD	10000
#define U64_MAX 0xffffffffffffffffULL

static int rejected, wrong;

/* One attack: the call must fail with -want. */
static void expect(const char *what, int64_t got, int64_t want)
{
	if (got == -want) {
		rejected++;
		return;
	}
	wrong++;
	printf("hostile: %s: got %ld, want %ld\n", what, got, -want);
}

/* book:begin attacks */
static void attack_pointers(uint64_t mem)
{
	struct hc_vminfo *info = (struct hc_vminfo *)0x100;

	expect("PUTS at the end of RAM", hypercall(HC_PUTS, mem, 1, 0, 0),
	       EFAULT);
	expect("PUTS straddling the end of RAM",
	       hypercall(HC_PUTS, mem - 1, 2, 0, 0), EFAULT);
	expect("PUTS whose gpa + len wraps to 1",
	       hypercall(HC_PUTS, U64_MAX, 2, 0, 0), EFAULT);
	expect("PUTS of 4 KiB ending one byte past RAM",
	       hypercall(HC_PUTS, mem - HC_PUTS_MAX + 1, HC_PUTS_MAX, 0, 0),
	       EFAULT);
	expect("PUTS with len = 2^64 - 1",
	       hypercall(HC_PUTS, 0x1000, U64_MAX, 0, 0), E2BIG);
	expect("PUTS longer than HC_PUTS_MAX",
	       hypercall(HC_PUTS, 0x1000, HC_PUTS_MAX + 1, 0, 0), E2BIG);
	expect("VMINFO into the last 8 bytes of RAM",
	       hypercall(HC_VMINFO, mem - 8, sizeof(*info), 0, 0), EFAULT);
	expect("VMINFO at gpa 2^64 - 8",
	       hypercall(HC_VMINFO, U64_MAX - 7, sizeof(*info), 0, 0), EFAULT);
	expect("VMINFO with a 1-byte buffer",
	       hypercall(HC_VMINFO, (uintptr_t)info, 1, 0, 0), EINVAL);
}

static void attack_numbers(void)
{
	expect("number HC_COUNT", hypercall(HC_COUNT, 0, 0, 0, 0), ENOSYS);
	expect("number 2^32 + HC_PUTS",
	       hypercall((1ULL << 32) + HC_PUTS, 0, 0, 0, 0), ENOSYS);
	expect("number 2^63 (negative as int64)",
	       hypercall(1ULL << 63, 0, 0, 0, 0), ENOSYS);
	expect("number 2^64 - 1", hypercall(U64_MAX, 0, 0, 0, 0), ENOSYS);
	expect("PUTCHAR(256)", hypercall(HC_PUTCHAR, 256, 0, 0, 0), EINVAL);
	expect("EXIT(256)", hypercall(HC_EXIT, 256, 0, 0, 0), EINVAL);
	expect("EXIT(-1)", hypercall(HC_EXIT, U64_MAX, 0, 0, 0), EINVAL);
}

/* FLOOD calls, cycling through three kinds of garbage. */
static void attack_flood(uint64_t mem)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL; /* xorshift64 state */

	for (int i = 0; i < FLOOD; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		switch (i % 3) {
		case 0: /* an unknown number */
			expect("flood: unknown number",
			       hypercall(HC_COUNT + (x >> 1), x, x, x, x),
			       ENOSYS);
			break;
		case 1: /* a gpa beyond RAM */
			expect("flood: PUTS beyond RAM",
			       hypercall(HC_PUTS, mem + (x >> 1), 1, 0, 0),
			       EFAULT);
			break;
		default: /* a length that wraps */
			expect("flood: VMINFO wrapping",
			       hypercall(HC_VMINFO, U64_MAX - (x & 0x3f), 80, 0,
					 0),
			       EFAULT);
			break;
		}
	}
}
/* book:end attacks */

int main(void)
{
	struct hc_vminfo info;

	if (vminfo(&info) < 0)
		return 1;
	printf("hostile: attacking the VMM from VM %u (%lu bytes of RAM)\n",
	       info.vm_index, info.mem_size);
	attack_pointers(info.mem_size);
	attack_numbers();
	attack_flood(info.mem_size);
	printf("hostile: %d bad calls rejected as they should be, %d not\n",
	       rejected, wrong);
	return wrong ? 1 : 0;
}
