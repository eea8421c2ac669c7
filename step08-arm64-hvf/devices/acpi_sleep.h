/*
 * acpi_sleep.h - the ACPI sleep control and status registers: how the
 * guest asks the machine to power off (S5) on hardware-reduced ACPI.
 *
 * Runs: userspace (the VMM), on the vCPU thread of the guest's OUT.
 * Spec: ACPI Specification, "Sleep Control and Status Registers" (the
 * SLEEP_CONTROL_REG and SLEEP_STATUS_REG of the FADT), "\_Sx (System
 * States)", and "Hardware-Reduced ACPI" (no PM1 blocks: these two byte
 * registers are the whole sleep interface).
 *
 * The firmware tables (boot/acpi.c) point the FADT at the two ports and
 * give \_S5 the sleep type below; Linux's poweroff then writes
 * (ACPI_SLEEP_TYPE_S5 << 2) | SLP_EN to the control register (ACPICA's
 * acpi_hw_extended_sleep()).  Registration, by the VMM:
 *
 *	bus_register(&pio, MACHINE_ACPI_SLEEP_CONTROL_PORT, ACPI_SLEEP_PORTS,
 *		     acpi_sleep_access, &sleep, "acpi-sleep");
 */
#ifndef ACPI_SLEEP_H
#define ACPI_SLEEP_H

#include <stdbool.h>
#include <stdint.h>

/* "Sleep Control Register": bits 4:2 SLP_TYPx, bit 5 SLP_EN. */
#define ACPI_SLEEP_CONTROL_SLP_TYP_SHIFT 2
#define ACPI_SLEEP_CONTROL_SLP_TYP_MASK	 (0x7u << 2)
#define ACPI_SLEEP_CONTROL_SLP_EN	 (1u << 5)
/* "Sleep Status Register": bit 7 WAK_STS (write 1 to clear). */
#define ACPI_SLEEP_STATUS_WAK_STS (1u << 7)

/*
 * The SLP_TYP value our \_S5 object hands the OS.  The spec leaves the
 * number to the platform; 5 for S5 reads well in a trace of port writes.
 */
#define ACPI_SLEEP_TYPE_S5 5

/* Two byte registers, control then status, at consecutive ports. */
#define ACPI_SLEEP_PORTS 2

struct acpi_sleep {
	/*
	 * The guest entered S5.  Called on the vCPU thread that wrote the
	 * register, once per such write (a guest may write it again): the
	 * VMM stops its vCPUs and ends with its "powered off" status.
	 */
	void (*power_off)(void *opaque);
	void *opaque;
	uint8_t slp_typ;    /* the last SLP_TYPx written, readable back */
	uint8_t wak_sts;    /* WAK_STS: set when we "wake" at once */
	unsigned int s5;    /* S5 requests seen */
	unsigned int other; /* other sleep requests, answered with a wake */
};

void acpi_sleep_init(struct acpi_sleep *dev, void (*power_off)(void *opaque),
		     void *opaque);

/* The bus handler for [MACHINE_ACPI_SLEEP_CONTROL_PORT, +ACPI_SLEEP_PORTS). */
void acpi_sleep_access(void *opaque, uint64_t offset, uint8_t *data,
		       uint32_t len, bool is_write);

#endif
