/*
 * fdt.h - the device tree that tells an arm64 kernel what machine it is
 * on: RAM, CPUs and how to start them, the interrupt controller, the timer,
 * the UART, the virtio devices, and the boot arguments.  arm64's answer to
 * x86's e820 map + ACPI tables.
 *
 * Runs: userspace (the VMM, any backend), before any vCPU runs; built with
 * libfdt (Debian libfdt-dev) into a buffer the VMM copies into guest RAM.
 *
 * Spec: the Devicetree Specification v0.4 ("Device Node Requirements":
 * /memory, /chosen, /cpus; "Interrupts and Interrupt Mapping"); the
 * kernel's bindings in Documentation/devicetree/bindings:
 * interrupt-controller/arm,gic-v3.yaml, timer/arm,arch_timer.yaml,
 * arm/psci.yaml, arm/cpus.yaml, serial/8250.yaml, virtio/mmio.yaml,
 * chosen.yaml (linux,initrd-start, stdout-path); and
 * Documentation/arch/arm64/booting.rst ("Setup the device tree").
 *
 * Include it as "arch/arm64/fdt.h" and never put arch/arm64 on the include
 * path: libfdt has an <fdt.h> of its own (the blob's header structure).
 */
#ifndef ARCH_ARM64_FDT_H
#define ARCH_ARM64_FDT_H

#include <stddef.h>
#include <stdint.h>

/* One virtio-mmio device: its register window and its SPI. */
struct arm64_fdt_virtio {
	uint64_t base;
	uint64_t size;
	uint32_t spi;
};

/* What the tree describes; the fixed devices come from machine.h. */
struct arm64_fdt_machine {
	uint64_t mem_size;  /* RAM: [0, mem_size) */
	unsigned int ncpus; /* 1..MACHINE_CPUS_MAX */
	const uint64_t
		*mpidr; /* each vCPU's MPIDR_EL1, as the backend reads it */
	const struct arm64_fdt_virtio *virtio;
	unsigned int nvirtio; /* 0..MACHINE_VIRTIO_MAX */
	const char *bootargs;
	uint64_t initrd_start; /* [start, end); start == end: no initrd */
	uint64_t initrd_end;
};

/* The phandle of the GIC: every interrupt in the tree is the GIC's. */
#define ARM64_FDT_PHANDLE_GIC 1

int arm64_fdt_build(const struct arm64_fdt_machine *m, void *buf, size_t size);
const char *arm64_fdt_strerror(int err);

#endif
