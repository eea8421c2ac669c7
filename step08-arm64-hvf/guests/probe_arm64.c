/*
 * probe_arm64.c - what reaches the VMM, and what comes back, when an arm64
 * guest rings the doorbell right and wrong: unknown and too-wide numbers,
 * bad pointers, the SMC conduit, a function ID outside the forwarded
 * range, and X0 with its upper half set.  The arm64 twin of the x86
 * hostile guest's hypercall attacks (guests/hostile.c); the lab checks
 * the VMM's counts, the guest's own lines are for the reader.
 *
 * Runs: inside the VM, freestanding C at EL1 with the MMU off, on the
 * course's guest runtime (common/guest/runtime.c, built for arm64).
 * Spec: the hypercall ABI and its arm64 doorbell (common/include/
 * hypercall.h); Arm DEN0028 (SMCCC: "the Function Identifier is passed in
 * W0"; "NOT_SUPPORTED" is -1).
 */
#include "runtime.h"

/* errno values of the ABI (Linux's; <errno.h> is not ours to include) */
#define EINVAL 22
#define EFAULT 14
#define E2BIG  7
#define ENOSYS 38

#define SMCCC_RET_NOT_SUPPORTED (-1)
#define X0_UPPER_HALF		(1ULL << 32)
#define FUNCTION_OUTSIDE	0xc7000000ULL /* owner 7: not forwarded */

static int wrong;

static void expect(const char *what, int64_t got, int64_t want)
{
	printf("probe: %s -> %ld (%s)\n", what, got,
	       got == want ? "as expected" : "WRONG");
	wrong += got != want;
}

/* HVC #0 or SMC #0 with X0 exactly as given, X1 = arg, X2..X4 = 0. */
static int64_t raw_hvc(uint64_t x0_in, uint64_t arg)
{
	register uint64_t x0 __asm__("x0") = x0_in;
	register uint64_t x1 __asm__("x1") = arg;
	register uint64_t x2 __asm__("x2") = 0;
	register uint64_t x3 __asm__("x3") = 0;

	__asm__ volatile("hvc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "memory");
	return (int64_t)x0;
}

static int64_t raw_smc(uint64_t x0_in, uint64_t arg)
{
	register uint64_t x0 __asm__("x0") = x0_in;
	register uint64_t x1 __asm__("x1") = arg;
	register uint64_t x2 __asm__("x2") = 0;
	register uint64_t x3 __asm__("x3") = 0;

	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "memory");
	return (int64_t)x0;
}

int main(void)
{
	struct hc_vminfo info;

	if (vminfo(&info) < 0)
		return 1;
	expect("number HC_COUNT", hypercall(HC_COUNT, 0, 0, 0, 0), -ENOSYS);
	expect("number 2^32 + HC_PUTS (too wide for 16 bits)",
	       hypercall(X0_UPPER_HALF + HC_PUTS, 0, 1, 0, 0), -ENOSYS);
	expect("PUTS at the end of RAM",
	       hypercall(HC_PUTS, info.mem_size, 1, 0, 0), -EFAULT);
	expect("PUTS longer than HC_PUTS_MAX",
	       hypercall(HC_PUTS, 0x1000, HC_PUTS_MAX + 1, 0, 0), -E2BIG);
	expect("PUTCHAR(256)", hypercall(HC_PUTCHAR, 256, 0, 0, 0), -EINVAL);
	expect("SMC #0 with W0 = PUTCHAR (not the doorbell)",
	       raw_smc(HC_ARM64_FUNCTION(HC_PUTCHAR), '!'), -EINVAL);
	expect("HVC #0 with W0 = 0xc7000000 (KVM answers, not the VMM)",
	       raw_hvc(FUNCTION_OUTSIDE, 0), SMCCC_RET_NOT_SUPPORTED);
	expect("HVC #0 with X0 = 2^32 + PUTCHAR('*') (only W0 counts)",
	       raw_hvc(X0_UPPER_HALF + HC_ARM64_FUNCTION(HC_PUTCHAR), '*'), 0);
	printf("\nprobe: %d wrong\n", wrong);
	return wrong ? 1 : 0;
}
