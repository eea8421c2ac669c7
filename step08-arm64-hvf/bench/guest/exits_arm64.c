/*
 * exits_arm64.c - what one exit to the VMM costs a guest process on arm64:
 * a round trip of a store to a guest-physical address that neither
 * machine gives to any device.  The arm64 counterpart of exits.c (x86:
 * OUT to a port no device claims); in the bench's arm64 initramfs it is
 * /bench/exits, so that guest/init runs the same command on both.
 *
 * Runs: userspace, in the guest (Linux under the VMM being measured), as
 * root (/dev/mem); linked statically for arm64.  The same binary under
 * both VMMs.
 * Spec: mem(4) ("/dev/mem"); Arm Architecture Reference Manual, "ISS
 * encoding for an exception from a Data Abort" (ISV: the syndrome holds
 * the access's size, register and direction, which a hypervisor needs to
 * emulate it); Documentation/virt/kvm/api.rst, "KVM_EXIT_MMIO".
 *
 *   exits COUNT
 *
 * The address is mapped from /dev/mem; the guest kernel maps a page that
 * is not RAM as Device memory, so each 32-bit store reaches the bus as
 * one access.  Nothing backs it at stage 2 (no memory slot), so it is a
 * data abort to the hypervisor; KVM has no device of its own there and
 * returns to the VMM (KVM_EXIT_MMIO); the VMM finds no device either
 * (ours counts it as unclaimed, QEMU drops it) and runs the vCPU again:
 * the whole exit path a device access pays before the device does
 * anything.  Prints:
 *   @@bench:mmio_exits=COUNT@@ @@bench:mmio_ns=NS_PER_EXIT@@
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/*
 * An address no device answers on either machine: above all of our
 * machine's RAM (arch/arm64/machine.h: at most 3 GiB from 0) and below
 * its devices (0xd0000000); on QEMU's virt, past the end of the bench's
 * 256 MiB of RAM (from 1 GiB), where virt puts nothing but more RAM for a
 * larger -m.  Neither is RAM to the guest nor claimed by a driver, so
 * STRICT_DEVMEM and IO_STRICT_DEVMEM let root map it.
 */
#define BENCH_UNCLAIMED_ADDR 0xc0000000UL
#define MAP_LEN		     4096
#define NS_PER_S	     1000000000ULL

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static uint64_t time_stores(volatile uint32_t *reg, unsigned long count)
{
	uint64_t t0 = now_ns();

	for (unsigned long i = 0; i < count; i++)
		*reg = 0;
	return now_ns() - t0;
}

int main(int argc, char **argv)
{
	unsigned long count;
	volatile uint32_t *reg;
	uint64_t ns;
	int fd;

	if (argc != 2 || !(count = strtoul(argv[1], NULL, 10))) {
		fprintf(stderr, "usage: exits COUNT\n");
		return 2;
	}
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		perror("exits: /dev/mem");
		return 1;
	}
	reg = mmap(NULL, MAP_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   (off_t)BENCH_UNCLAIMED_ADDR);
	if (reg == MAP_FAILED) {
		perror("exits: mmap /dev/mem");
		return 1;
	}
	ns = time_stores(reg, count);
	printf("@@bench:mmio_exits=%lu@@\n@@bench:mmio_ns=%" PRIu64 "@@\n",
	       count, ns / count);
	return 0;
}
