/*
 * acpi.h - the ACPI tables that tell Linux what this machine is: its CPUs,
 * its interrupt controllers, its devices, and how to power it off.
 *
 * Runs: userspace (the VMM), once, before the first vCPU runs.
 * Spec: ACPI Specification, "ACPI Software Programming Model": "Root
 * System Description Pointer (RSDP)", "Extended System Description Table
 * (XSDT)", "Fixed ACPI Description Table (FADT)", "Multiple APIC
 * Description Table (MADT)", "Differentiated System Description Table
 * (DSDT)"; "Hardware-Reduced ACPI".
 *
 * Why ACPI at all: Debian's x86 kernels find virtio-mmio devices only in
 * the DSDT (no virtio_mmio.device= support) and, in the cloud flavour,
 * CPUs only in the MADT (no MP table support).  See boot/acpi.c.
 */
#ifndef ACPI_H
#define ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"

/* A Processor Local APIC entry holds an 8-bit APIC ID; 0xFF is reserved. */
#define ACPI_CPUS_MAX 255

/* One MMIO device on an interrupt line: what the VMM really created. */
struct acpi_mmio_device {
	uint64_t base; /* guest-physical; the window must end below 4 GiB */
	uint64_t size;
	uint32_t gsi; /* an IOAPIC input, < MACHINE_IOAPIC_PINS */
};

/* The machine the tables describe. */
struct acpi_machine {
	unsigned int cpus; /* 1..ACPI_CPUS_MAX, APIC IDs 0..cpus-1 */
	const struct acpi_mmio_device *virtio; /* virtio-mmio transports */
	unsigned int nr_virtio;
	bool com1;    /* a 16550 at MACHINE_COM1_PORT on MACHINE_GSI_COM1 */
	bool pvpanic; /* pvpanic's register at MACHINE_PVPANIC_PORT */
};

/* Where each table went (guest-physical address and length in bytes). */
enum acpi_table_id {
	ACPI_RSDP,
	ACPI_XSDT,
	ACPI_FADT,
	ACPI_MADT,
	ACPI_DSDT,
	ACPI_TABLES
};

struct acpi_layout {
	struct {
		uint64_t addr;
		uint32_t len;
	} table[ACPI_TABLES];
	uint64_t end; /* first byte after the last table */
};

/*
 * Build every table into area, which the guest will see at area_gpa, and
 * fill layout.  Returns 0, -EINVAL for a machine the tables cannot
 * describe (no CPU or too many, a window above 4 GiB or empty, a GSI the
 * IOAPIC does not have), or -ENOSPC if the tables do not fit in
 * area_size.  Never writes outside area; on failure area is zeroed.
 */
int acpi_build(uint8_t *area, uint64_t area_gpa, size_t area_size,
	       const struct acpi_machine *m, struct acpi_layout *layout);

/*
 * What the VMM calls: write the tables into guest memory at
 * MACHINE_ACPI_ADDR (at most MACHINE_ACPI_SIZE bytes) and return the
 * RSDP's guest-physical address (for boot_params.acpi_rsdp_addr), or
 * -errno as acpi_build, or -EFAULT if guest RAM does not cover the area.
 */
int64_t acpi_write_tables(const struct guest_mem *mem,
			  const struct acpi_machine *m);

#endif
