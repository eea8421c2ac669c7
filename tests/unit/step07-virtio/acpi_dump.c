/*
 * acpi_dump.c - write the VMM's ACPI tables for a sample machine to files,
 * one per table, for `iasl -d` to disassemble (make -C tests acpi-disasm).
 *
 * Runs: on the host, no KVM.  Includes the unit under test.
 * Spec: none beyond boot/acpi.c; the file names are what acpixtract would
 * give (the table signature, lower case, .dat).
 *
 * Usage: acpi_dump DIR [CPUS [VIRTIO_DEVICES]]   (default 2 CPUs, 2 devices)
 * The machine is the one the VMM builds for Linux (machine.c): COM1 and
 * pvpanic, and the virtio-mmio windows where the VMM puts them,
 * VIRTIO_MMIO_SIZE bytes at MACHINE_VIRTIO_BASE + i * MACHINE_VIRTIO_STRIDE
 * on GSI MACHINE_GSI_VIRTIO + i.
 */
#include <stdio.h>
#include <stdlib.h>

#include "boot/acpi.c"
#include "boot/aml.c"
#include "guest_mem.c"

static const char *const table_file[ACPI_TABLES] = {
	[ACPI_RSDP] = "rsdp.dat", [ACPI_XSDT] = "xsdt.dat",
	[ACPI_FADT] = "facp.dat", [ACPI_MADT] = "apic.dat",
	[ACPI_DSDT] = "dsdt.dat",
};

static uint8_t area[MACHINE_ACPI_SIZE];

static int write_file(const char *dir, const char *name, const void *p,
		      size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct acpi_mmio_device dev[MACHINE_VIRTIO_MAX];
	struct acpi_machine m = { .cpus = 2,
				  .virtio = dev,
				  .nr_virtio = 2,
				  .com1 = true,
				  .pvpanic = true };
	struct acpi_layout l;
	int err;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: %s DIR [CPUS [VIRTIO_DEVICES]]\n",
			argv[0]);
		return 2;
	}
	if (argc > 2)
		m.cpus = (unsigned int)strtoul(argv[2], NULL, 0);
	if (argc > 3)
		m.nr_virtio = (unsigned int)strtoul(argv[3], NULL, 0);
	if (m.nr_virtio > MACHINE_VIRTIO_MAX) {
		fprintf(stderr, "at most %d devices\n", MACHINE_VIRTIO_MAX);
		return 2;
	}
	for (unsigned int i = 0; i < m.nr_virtio; i++)
		dev[i] = (struct acpi_mmio_device){
			.base = MACHINE_VIRTIO_BASE + i * MACHINE_VIRTIO_STRIDE,
			.size = VIRTIO_MMIO_SIZE,
			.gsi = MACHINE_GSI_VIRTIO + i,
		};
	err = acpi_build(area, MACHINE_ACPI_ADDR, sizeof(area), &m, &l);
	if (err) {
		fprintf(stderr, "acpi_build: %s\n", strerror(-err));
		return 1;
	}
	for (int id = 0; id < ACPI_TABLES; id++) {
		printf("%-8s 0x%05llx %4u bytes\n", table_file[id],
		       (unsigned long long)l.table[id].addr, l.table[id].len);
		if (write_file(argv[1], table_file[id],
			       area + (l.table[id].addr - MACHINE_ACPI_ADDR),
			       l.table[id].len))
			return 1;
	}
	return 0;
}
