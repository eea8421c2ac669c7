/*
 * acpi_sleep.c - the ACPI sleep control and status registers: the guest's
 * `poweroff` ends here.
 *
 * Runs: userspace (the VMM), on a vCPU thread, for each port access the
 * bus hands it; the host unit tests include this file directly.
 * Spec: ACPI Specification, "Sleep Control and Status Registers",
 * "Hardware-Reduced ACPI", "\_Sx (System States)".
 *
 * What the guest can do, and what it gets:
 *   write control, SLP_EN with SLP_TYP = our S5   -> power_off() is called
 *   write control, SLP_EN with another SLP_TYP    -> WAK_STS is set at once:
 *       we offer no sleep state but S5 (no \_S1-\_S4), and an OS that asks
 *       anyway waits for WAK_STS; waking at once is what ends that wait
 *   write control without SLP_EN                  -> SLP_TYP is remembered
 *   read control                                  -> SLP_TYP (SLP_EN reads 0)
 *   read status                                   -> WAK_STS or 0
 *   write status                                  -> 1 bits clear WAK_STS
 *   anything else (reserved bits, bytes past the two registers) is ignored
 *   on write and reads as 0.
 */
#include <stddef.h>

#include "acpi_sleep.h"

enum acpi_sleep_reg {
	ACPI_SLEEP_CONTROL =
		0, /* offset from MACHINE_ACPI_SLEEP_CONTROL_PORT */
	ACPI_SLEEP_STATUS = 1,
};

void acpi_sleep_init(struct acpi_sleep *dev, void (*power_off)(void *opaque),
		     void *opaque)
{
	*dev = (struct acpi_sleep){ .power_off = power_off, .opaque = opaque };
}

/* book:begin sleep_control */
static void acpi_sleep_control_write(struct acpi_sleep *dev, uint8_t value)
{
	dev->slp_typ = (value & ACPI_SLEEP_CONTROL_SLP_TYP_MASK) >>
		       ACPI_SLEEP_CONTROL_SLP_TYP_SHIFT;
	if (!(value & ACPI_SLEEP_CONTROL_SLP_EN))
		return;
	if (dev->slp_typ == ACPI_SLEEP_TYPE_S5) {
		dev->s5++;
		if (dev->power_off)
			dev->power_off(dev->opaque);
		return;
	}
	dev->other++;
	dev->wak_sts = ACPI_SLEEP_STATUS_WAK_STS;
}
/* book:end sleep_control */

static uint8_t acpi_sleep_read(const struct acpi_sleep *dev, uint64_t reg)
{
	switch (reg) {
	case ACPI_SLEEP_CONTROL:
		return (uint8_t)(dev->slp_typ
				 << ACPI_SLEEP_CONTROL_SLP_TYP_SHIFT);
	case ACPI_SLEEP_STATUS:
		return dev->wak_sts;
	default:
		return 0;
	}
}

static void acpi_sleep_write(struct acpi_sleep *dev, uint64_t reg,
			     uint8_t value)
{
	switch (reg) {
	case ACPI_SLEEP_CONTROL:
		acpi_sleep_control_write(dev, value);
		break;
	case ACPI_SLEEP_STATUS:
		if (value & ACPI_SLEEP_STATUS_WAK_STS)
			dev->wak_sts = 0;
		break;
	default:
		break;
	}
}

/*
 * The bus handler.  The registers are bytes; a wider access (the guest
 * chooses) is taken byte by byte, low byte at the lowest port, as an ISA
 * bus would split it.
 */
void acpi_sleep_access(void *opaque, uint64_t offset, uint8_t *data,
		       uint32_t len, bool is_write)
{
	struct acpi_sleep *dev = opaque;

	for (uint32_t i = 0; i < len; i++) {
		if (is_write)
			acpi_sleep_write(dev, offset + i, data[i]);
		else
			data[i] = acpi_sleep_read(dev, offset + i);
	}
}
