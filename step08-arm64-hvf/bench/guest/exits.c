/*
 * exits.c - what one exit to the VMM costs a guest process: a round trip
 * of OUT to a port no device claims, against CPUID, which KVM answers in
 * the kernel without a trip to userspace.
 *
 * Runs: userspace, in the guest (Linux under the VMM being measured), as
 * root (ioperm); linked statically.  The same binary under every VMM.
 * Spec: Intel SDM Vol. 1, "I/O Instructions", "I/O Permission Bit Map";
 * ioperm(2); Documentation/virt/kvm/api.rst, "KVM_EXIT_IO".
 *
 *   exits COUNT
 *
 * Each OUT to BENCH_UNUSED_PORT leaves the guest (KVM_EXIT_IO), crosses
 * into the VMM's userspace, finds no device there and comes back: the
 * whole exit path a device access pays before the device does anything.
 * Each CPUID leaves the guest too but KVM handles it in the kernel, so
 * the difference between the two is the VMM's own part (the return to
 * userspace, the VMM's dispatch, KVM_RUN again).  Prints:
 *   @@bench:pio_exits=COUNT@@ @@bench:pio_ns=NS_PER_EXIT@@
 *   @@bench:cpuid_ns=NS_PER_EXIT@@
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>
#include <time.h>

/*
 * A port neither machine decodes: our VMM's devices are at 0x3f8 (COM1),
 * 0x60/0x64, 0x70/0x71, 0x505, 0x600; QEMU's microvm adds fw_cfg at
 * 0x510; KVM itself keeps the PIC's and the PIT's ports.
 */
#define BENCH_UNUSED_PORT 0x3e0
#define NS_PER_S	  1000000000ULL

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static uint64_t time_outs(unsigned long count)
{
	uint64_t t0 = now_ns();

	for (unsigned long i = 0; i < count; i++)
		outb(0, BENCH_UNUSED_PORT);
	return now_ns() - t0;
}

static uint64_t time_cpuids(unsigned long count)
{
	unsigned int a, b, c, d;
	uint64_t t0 = now_ns();

	for (unsigned long i = 0; i < count; i++)
		__cpuid(0, a, b, c, d);
	(void)a, (void)b, (void)c, (void)d;
	return now_ns() - t0;
}

int main(int argc, char **argv)
{
	unsigned long count;
	uint64_t pio, cpuid;

	if (argc != 2 || !(count = strtoul(argv[1], NULL, 10))) {
		fprintf(stderr, "usage: exits COUNT\n");
		return 2;
	}
	if (ioperm(BENCH_UNUSED_PORT, 1, 1) < 0) {
		perror("exits: ioperm");
		return 1;
	}
	pio = time_outs(count);
	cpuid = time_cpuids(count);
	printf("@@bench:pio_exits=%lu@@\n@@bench:pio_ns=%" PRIu64 "@@\n"
	       "@@bench:cpuid_ns=%" PRIu64 "@@\n",
	       count, pio / count, cpuid / count);
	return 0;
}
