/*
 * acpi.c - the ACPI tables of the machine that boots Linux: RSDP, XSDT, a
 * hardware-reduced FADT, the MADT and a DSDT written in AML.
 *
 * Runs: userspace (the VMM), once, before the first vCPU runs; the host
 * unit tests include this file and compare its tables with iasl's.
 * Spec: ACPI Specification 6.5, "ACPI Software Programming Model": "System
 * Description Table Header", "Root System Description Pointer (RSDP)
 * Structure", "Extended System Description Table (XSDT)", "Fixed ACPI
 * Description Table (FADT)" (with "IA-PC Boot Architecture Flags" and
 * "Fixed ACPI Description Table Fixed Feature Flags"), "Generic Address
 * Structure (GAS)", "Multiple APIC Description Table (MADT)" ("Processor
 * Local APIC Structure", "I/O APIC Structure"), "Differentiated System
 * Description Table (DSDT)"; "ACPI Hardware Specification": "Hardware-
 * Reduced ACPI", "Sleep Control and Status Registers"; "\_Sx (System
 * States)".
 *
 * The tables sit in the legacy BIOS area (MACHINE_ACPI_ADDR), one after
 * the other, each on a 16-byte boundary, in this order:
 *
 *   RSDP -> XSDT -> FADT -> DSDT  (the FADT's X_DSDT)
 *                -> MADT
 *
 * Their addresses are computed from their sizes (the MADT grows with the
 * CPUs, the DSDT with the devices), never written down.
 *
 * Decisions, and why (each checked against Linux 6.1 and ACPICA):
 * - Hardware-reduced ACPI (FADT flag HW_REDUCED_ACPI): no PM1 event or
 *   control blocks, no PM timer, no GPEs, no SCI, no FACS.  Power-off is
 *   the FADT's sleep control/status registers + \_S5; ACPICA's
 *   acpi_hw_extended_sleep() uses exactly those, and Linux registers its
 *   ACPI power-off only when both registers have an address
 *   (acpi_sleep_state_supported()).  Linux on x86 then also skips the
 *   8259 (null_legacy_pic) and the PIT as a timer, and maps no ISA IRQ by
 *   default: an ISA device's interrupt reaches the IOAPIC only if a _CRS
 *   names it.  Hence COM1 below.
 * - COM1 in the DSDT (PNP0501, IO 0x3F8-0x3FF, IRQ 4): with no legacy
 *   IRQs pre-mapped, the 8250 driver's built-in port has an IRQ 4 nobody
 *   set up; 8250_pnp finds this device, registers GSI 4 (edge, active
 *   high) and the port runs on interrupts.  Measured with Debian's 6.1
 *   cloud kernel: without this device the kernel's own messages still
 *   reach the console (they poll), but nothing a program writes to
 *   /dev/console does.
 * - No i8042 flag in the FADT and no PNP0303 device: Linux's i8042 driver
 *   then skips the controller entirely (no probing at boot), while
 *   `reboot` still pulses the reset line through port 0x64 by itself.
 * - IA-PC boot flags: legacy devices (COM1, when present), no VGA, no MSI
 *   (there is no PCI), no CMOS RTC: the machine has none, and the guest's
 *   wall clock comes from kvm-clock.  Measured with Debian's 6.1 cloud
 *   kernel in step07's lab: with the flag, Linux registers no RTC and
 *   never touches ports 0x70-0x71; without it, it registers its platform
 *   RTC, and the driver's probe fails (-EINVAL: hardware-reduced Linux
 *   maps IRQ 8 only for a PNP0B00 device whose _CRS names it).  An RTC
 *   would need that DSDT entry and a working alarm interrupt; this
 *   machine has neither, and says so.
 * - MADT flags PCAT_COMPAT: KVM_CREATE_IRQCHIP does create a pair of
 *   8259s wired to GSIs 0-15; the flag says so (an OS that uses the APICs
 *   must mask them).  Linux in hardware-reduced mode ignores the 8259s.
 * - No Interrupt Source Overrides: without KVM_SET_GSI_ROUTING, KVM routes
 *   GSI n to IOAPIC pin n (and, below 16, to 8259 pin n), so ISA IRQ n is
 *   GSI n, which is the default an override would change.  (A PC wires
 *   IRQ0 to pin 2 and says so with an override; KVM's PIT drives GSI 0,
 *   and hardware-reduced Linux does not use the PIT anyway.)  ISA lines
 *   are edge/active-high, the ISA default, so no flags to override either.
 * - No Local APIC NMI entry: nothing in this machine drives LINT1; Linux
 *   programs LVT1 as NMI on its own.
 * - pvpanic in the DSDT (\_SB.PEVT, "QEMU0001", one I/O port): the ID
 *   Linux's pvpanic-mmio driver binds to, with the register its _CRS
 *   names; QEMU describes its pvpanic the same way.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "acpi.h"
#include "aml.h"
#include "devices/acpi_sleep.h"
#include "machine.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "ACPI tables are little-endian, as is every host of this VMM");

/* Our names in every table header ("System Description Table Header"). */
#define ACPI_OEM_ID	      "HVCOUR"	 /* 6 bytes: the hypervisor course */
#define ACPI_OEM_TABLE_ID     "HVSTEP07" /* 8 bytes: this machine */
#define ACPI_OEM_REVISION     1
#define ACPI_CREATOR_ID	      "HVCR" /* 4 bytes: this table builder */
#define ACPI_CREATOR_REVISION 1

/* Revisions of ACPI 6.5, the current specification. */
#define ACPI_RSDP_REVISION	   2 /* ACPI 2.0+: has the XSDT address */
#define ACPI_XSDT_REVISION	   1
#define ACPI_FADT_REVISION	   6
#define ACPI_FADT_MINOR_REVISION   5
#define ACPI_MADT_REVISION	   6
#define ACPI_DSDT_REVISION	   2 /* 2+: AML integers are 64-bit */
#define ACPI_TABLE_ALIGN	   16 /* the RSDP must be; the rest for tidiness */
#define ACPI_RSDP_V1_CHECKSUM_SIZE 20 /* the ACPI 1.0 part of the RSDP */

/* "System Description Table Header" */
struct acpi_table_header {
	char signature[4];
	uint32_t length; /* of the whole table, header included */
	uint8_t revision;
	uint8_t checksum; /* all bytes of the table sum to zero */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char asl_compiler_id[4];
	uint32_t asl_compiler_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_table_header) == 36, "ACPI table header");

/* "Root System Description Pointer (RSDP) Structure" */
struct acpi_table_rsdp {
	char signature[8];
	uint8_t checksum; /* of the first 20 bytes */
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_physical_address;
	uint32_t length;
	uint64_t xsdt_physical_address;
	uint8_t extended_checksum; /* of all 36 bytes */
	uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_table_rsdp) == 36, "RSDP");

/* "Generic Address Structure (GAS)" */
struct acpi_generic_address {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_width;
	uint64_t address;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_generic_address) == 12, "GAS");

#define ACPI_ADR_SPACE_SYSTEM_IO 1
#define ACPI_ACCESS_BYTE	 1 /* GAS "Access Size": byte access */

/* "Fixed ACPI Description Table (FADT)", revision 6 (field names as in
 * Linux's struct acpi_table_fadt). */
struct acpi_table_fadt {
	struct acpi_table_header header;
	uint32_t facs;
	uint32_t dsdt;
	uint8_t model;
	uint8_t preferred_profile;
	uint16_t sci_interrupt;
	uint32_t smi_command;
	uint8_t acpi_enable;
	uint8_t acpi_disable;
	uint8_t s4_bios_request;
	uint8_t pstate_control;
	uint32_t pm1a_event_block;
	uint32_t pm1b_event_block;
	uint32_t pm1a_control_block;
	uint32_t pm1b_control_block;
	uint32_t pm2_control_block;
	uint32_t pm_timer_block;
	uint32_t gpe0_block;
	uint32_t gpe1_block;
	uint8_t pm1_event_length;
	uint8_t pm1_control_length;
	uint8_t pm2_control_length;
	uint8_t pm_timer_length;
	uint8_t gpe0_block_length;
	uint8_t gpe1_block_length;
	uint8_t gpe1_base;
	uint8_t cst_control;
	uint16_t c2_latency;
	uint16_t c3_latency;
	uint16_t flush_size;
	uint16_t flush_stride;
	uint8_t duty_offset;
	uint8_t duty_width;
	uint8_t day_alarm;
	uint8_t month_alarm;
	uint8_t century;
	uint16_t boot_flags; /* IA-PC Boot Architecture Flags */
	uint8_t reserved;
	uint32_t flags; /* Fixed Feature Flags */
	struct acpi_generic_address reset_register;
	uint8_t reset_value;
	uint16_t arm_boot_flags;
	uint8_t minor_revision;
	uint64_t Xfacs;
	uint64_t Xdsdt;
	struct acpi_generic_address xpm1a_event_block;
	struct acpi_generic_address xpm1b_event_block;
	struct acpi_generic_address xpm1a_control_block;
	struct acpi_generic_address xpm1b_control_block;
	struct acpi_generic_address xpm2_control_block;
	struct acpi_generic_address xpm_timer_block;
	struct acpi_generic_address xgpe0_block;
	struct acpi_generic_address xgpe1_block;
	struct acpi_generic_address sleep_control;
	struct acpi_generic_address sleep_status;
	uint64_t hypervisor_id;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_table_fadt) == 276, "FADT revision 6");

/* "IA-PC Boot Architecture Flags" */
#define ACPI_FADT_LEGACY_DEVICES (1u << 0)
#define ACPI_FADT_NO_VGA	 (1u << 2)
#define ACPI_FADT_NO_MSI	 (1u << 3)
#define ACPI_FADT_NO_CMOS_RTC	 (1u << 5)

/* "Fixed ACPI Description Table Fixed Feature Flags" */
#define ACPI_FADT_WBINVD       (1u << 0)  /* required of every new system */
#define ACPI_FADT_POWER_BUTTON (1u << 4)  /* 1: no fixed power button */
#define ACPI_FADT_SLEEP_BUTTON (1u << 5)  /* 1: no fixed sleep button */
#define ACPI_FADT_HW_REDUCED   (1u << 20) /* HW_REDUCED_ACPI */

/* "Multiple APIC Description Table (MADT)" and the two entry types. */
struct acpi_table_madt {
	struct acpi_table_header header;
	uint32_t address; /* of the local APIC */
	uint32_t flags;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_table_madt) == 44, "MADT");

#define ACPI_MADT_PCAT_COMPAT (1u << 0)

enum acpi_madt_type {
	ACPI_MADT_TYPE_LOCAL_APIC = 0,
	ACPI_MADT_TYPE_IO_APIC = 1,
};

struct acpi_madt_local_apic {
	uint8_t type;
	uint8_t length;
	uint8_t processor_id; /* the ACPI Processor UID */
	uint8_t id;	      /* the local APIC ID */
	uint32_t lapic_flags;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_local_apic) == 8, "Local APIC");

#define ACPI_MADT_ENABLED (1u << 0)

struct acpi_madt_io_apic {
	uint8_t type;
	uint8_t length;
	uint8_t id;
	uint8_t reserved;
	uint32_t address;
	uint32_t global_irq_base;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_io_apic) == 12, "I/O APIC");

/* KVM's in-kernel IOAPIC resets its ID register to 0 (kvm_ioapic_reset);
 * the MADT says what the hardware says. */
#define ACPI_IOAPIC_ID 0

/* The XSDT lists every table but the DSDT, which the FADT points at. */
#define ACPI_XSDT_ENTRIES 2 /* FADT, MADT */

/* DSDT device names: "V" and three hex digits, so at most 4096 devices. */
#define ACPI_VIRTIO_NAME_FMT "V%03X"
#define ACPI_VIRTIO_NAMES    0x1000
#define ACPI_VIRTIO_HID	     "LNRO0005" /* Linux's virtio_mmio ACPI ID */
#define ACPI_COM_HID	     "PNP0501"	/* 16550A-compatible COM port */
#define ACPI_PVPANIC_HID     "QEMU0001" /* pvpanic, as QEMU named it */
#define ACPI_4GIB	     0x100000000ULL

_Static_assert(sizeof(ACPI_OEM_ID) == 6 + 1, "OEM ID is 6 characters");
_Static_assert(sizeof(ACPI_OEM_TABLE_ID) == 8 + 1, "OEM table ID is 8");
_Static_assert(sizeof(ACPI_CREATOR_ID) == 4 + 1, "creator ID is 4");
_Static_assert(MACHINE_ACPI_SLEEP_STATUS_PORT ==
		       MACHINE_ACPI_SLEEP_CONTROL_PORT + 1,
	       "devices/acpi_sleep.c decodes the two registers as one range");

/* The byte that makes len bytes at p sum to zero (mod 256), the checksum
 * field itself counted as 0. */
static uint8_t acpi_checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return (uint8_t)-sum;
}

static void acpi_header(struct acpi_table_header *h, const char *signature,
			uint32_t length, uint8_t revision)
{
	memcpy(h->signature, signature, sizeof(h->signature));
	h->length = length;
	h->revision = revision;
	h->checksum = 0;
	memcpy(h->oem_id, ACPI_OEM_ID, sizeof(h->oem_id));
	memcpy(h->oem_table_id, ACPI_OEM_TABLE_ID, sizeof(h->oem_table_id));
	h->oem_revision = ACPI_OEM_REVISION;
	memcpy(h->asl_compiler_id, ACPI_CREATOR_ID, sizeof(h->asl_compiler_id));
	h->asl_compiler_revision = ACPI_CREATOR_REVISION;
}

/* Last step of every table: its checksum over header->length bytes. */
static void acpi_table_checksum(struct acpi_table_header *h)
{
	h->checksum = 0;
	h->checksum = acpi_checksum(h, h->length);
}

/* "Root System Description Pointer (RSDP) Structure", revision 2: the
 * XSDT's address; no RSDT (that is for 32-bit ACPI 1.0 systems). */
static void acpi_write_rsdp(struct acpi_table_rsdp *r, uint64_t xsdt)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->signature, "RSD PTR ", sizeof(r->signature));
	memcpy(r->oem_id, ACPI_OEM_ID, sizeof(r->oem_id));
	r->revision = ACPI_RSDP_REVISION;
	r->length = sizeof(*r);
	r->xsdt_physical_address = xsdt;
	r->checksum = acpi_checksum(r, ACPI_RSDP_V1_CHECKSUM_SIZE);
	r->extended_checksum = acpi_checksum(r, sizeof(*r));
}

/* "Extended System Description Table (XSDT)": 64-bit table addresses
 * after the header (at offset 36, so not 8-aligned: memcpy them). */
static void acpi_write_xsdt(uint8_t *p, const struct acpi_layout *l)
{
	struct acpi_table_header *h = (struct acpi_table_header *)p;
	const enum acpi_table_id listed[ACPI_XSDT_ENTRIES] = { ACPI_FADT,
							       ACPI_MADT };

	acpi_header(h, "XSDT", l->table[ACPI_XSDT].len, ACPI_XSDT_REVISION);
	for (size_t i = 0; i < ACPI_XSDT_ENTRIES; i++)
		memcpy(p + sizeof(*h) + i * sizeof(uint64_t),
		       &l->table[listed[i]].addr, sizeof(uint64_t));
	acpi_table_checksum(h);
}

/* A sleep register: one byte in I/O space ("Generic Address Structure"). */
static void acpi_sleep_register(struct acpi_generic_address *gas, uint16_t port)
{
	gas->space_id = ACPI_ADR_SPACE_SYSTEM_IO;
	gas->bit_width = 8;
	gas->bit_offset = 0;
	gas->access_width = ACPI_ACCESS_BYTE;
	gas->address = port;
}

/* book:begin fadt */
/*
 * "Fixed ACPI Description Table (FADT)", hardware-reduced: of all the
 * fixed hardware, only the sleep registers (for \_S5) and the DSDT's
 * address.  Every field not set here is zero, which hardware-reduced
 * ACPI reads as "absent" (no FACS, no SCI, no PM blocks, no reset
 * register: `reboot` uses the i8042's reset line).
 */
static void acpi_write_fadt(struct acpi_table_fadt *f, uint64_t dsdt,
			    const struct acpi_machine *m)
{
	memset(f, 0, sizeof(*f));
	acpi_header(&f->header, "FACP", sizeof(*f), ACPI_FADT_REVISION);
	f->boot_flags = ACPI_FADT_NO_VGA | ACPI_FADT_NO_MSI |
			ACPI_FADT_NO_CMOS_RTC |
			(m->com1 ? ACPI_FADT_LEGACY_DEVICES : 0);
	f->flags = ACPI_FADT_WBINVD | ACPI_FADT_POWER_BUTTON |
		   ACPI_FADT_SLEEP_BUTTON | ACPI_FADT_HW_REDUCED;
	f->minor_revision = ACPI_FADT_MINOR_REVISION;
	f->Xdsdt = dsdt;
	acpi_sleep_register(&f->sleep_control, MACHINE_ACPI_SLEEP_CONTROL_PORT);
	acpi_sleep_register(&f->sleep_status, MACHINE_ACPI_SLEEP_STATUS_PORT);
	acpi_table_checksum(&f->header);
}
/* book:end fadt */

static size_t acpi_madt_size(unsigned int cpus)
{
	return sizeof(struct acpi_table_madt) +
	       cpus * sizeof(struct acpi_madt_local_apic) +
	       sizeof(struct acpi_madt_io_apic);
}

/* book:begin madt */
/*
 * "Multiple APIC Description Table (MADT)": where the local APICs are,
 * one Processor Local APIC entry per vCPU (KVM gives vCPU i the APIC ID
 * i; we make i its ACPI Processor UID too), and the IOAPIC with GSIs
 * 0..23 on its pins 0..23.
 */
static void acpi_write_madt(uint8_t *p, const struct acpi_machine *m)
{
	struct acpi_table_madt *madt = (struct acpi_table_madt *)p;
	struct acpi_madt_local_apic *lapic;
	struct acpi_madt_io_apic *ioapic;

	acpi_header(&madt->header, "APIC", acpi_madt_size(m->cpus),
		    ACPI_MADT_REVISION);
	madt->address = MACHINE_LAPIC_ADDR;
	madt->flags = ACPI_MADT_PCAT_COMPAT;
	lapic = (struct acpi_madt_local_apic *)(madt + 1);
	for (unsigned int i = 0; i < m->cpus; i++, lapic++)
		*lapic = (struct acpi_madt_local_apic){
			.type = ACPI_MADT_TYPE_LOCAL_APIC,
			.length = sizeof(*lapic),
			.processor_id = (uint8_t)i,
			.id = (uint8_t)i,
			.lapic_flags = ACPI_MADT_ENABLED,
		};
	ioapic = (struct acpi_madt_io_apic *)lapic;
	*ioapic = (struct acpi_madt_io_apic){
		.type = ACPI_MADT_TYPE_IO_APIC,
		.length = sizeof(*ioapic),
		.id = ACPI_IOAPIC_ID,
		.address = MACHINE_IOAPIC_ADDR,
		.global_irq_base = 0,
	};
	acpi_table_checksum(&madt->header);
}
/* book:end madt */

/* COM1: Device (COM1) { _HID PNP0501, _UID 0, _CRS { IO, IRQNoFlags } }.
 * ISA IRQ 4 is GSI 4 here (no override), hence MACHINE_GSI_COM1. */
static void dsdt_com1(struct aml *a)
{
	size_t dev, crs;

	dev = aml_device_begin(a, "COM1");
	aml_name(a, "_HID");
	aml_eisaid(a, ACPI_COM_HID);
	aml_name(a, "_UID");
	aml_integer(a, 0);
	aml_name(a, "_CRS");
	crs = aml_resource_template_begin(a);
	aml_io(a, true, MACHINE_COM1_PORT, MACHINE_COM1_PORT, 1,
	       MACHINE_COM_PORTS);
	aml_irq_noflags(a, MACHINE_GSI_COM1);
	aml_resource_template_end(a, crs);
	aml_device_end(a, dev);
}

/* pvpanic: Device (PEVT) { _HID "QEMU0001", _CRS { IO, one port } }. */
static void dsdt_pvpanic(struct aml *a)
{
	size_t dev, crs;

	dev = aml_device_begin(a, "PEVT");
	aml_name(a, "_HID");
	aml_string(a, ACPI_PVPANIC_HID);
	aml_name(a, "_CRS");
	crs = aml_resource_template_begin(a);
	aml_io(a, true, MACHINE_PVPANIC_PORT, MACHINE_PVPANIC_PORT, 1, 1);
	aml_resource_template_end(a, crs);
	aml_device_end(a, dev);
}

/* book:begin dsdt_virtio */
/*
 * One virtio-mmio transport: what Linux's virtio_mmio driver matches
 * ("LNRO0005") and the two resources it asks for: the register window
 * and the interrupt, level-triggered and active-high as a virtio-mmio
 * device drives it (high while InterruptStatus is not zero).
 */
static void dsdt_virtio(struct aml *a, unsigned int i,
			const struct acpi_mmio_device *d)
{
	char name[sizeof("V000")];
	size_t dev, crs;

	/* i < ACPI_VIRTIO_NAMES (acpi_machine_check): the mask changes nothing
	 * but lets the compiler see that three hex digits suffice. */
	snprintf(name, sizeof(name), ACPI_VIRTIO_NAME_FMT,
		 i & (ACPI_VIRTIO_NAMES - 1));
	dev = aml_device_begin(a, name);
	aml_name(a, "_HID");
	aml_string(a, ACPI_VIRTIO_HID);
	aml_name(a, "_UID");
	aml_integer(a, i);
	aml_name(a, "_CRS");
	crs = aml_resource_template_begin(a);
	aml_memory32_fixed(a, true, (uint32_t)d->base, (uint32_t)d->size);
	aml_extended_interrupt(a, AML_INTERRUPT_CONSUMER, d->gsi);
	aml_resource_template_end(a, crs);
	aml_device_end(a, dev);
}
/* book:end dsdt_virtio */

/* \_S5: the sleep type the OS writes to the sleep control register to
 * power off.  One element: hardware-reduced ACPI uses only the first. */
static void dsdt_s5(struct aml *a)
{
	size_t pkg;

	aml_name(a, "_S5_");
	pkg = aml_package_begin(a, 1);
	aml_integer(a, ACPI_SLEEP_TYPE_S5);
	aml_package_end(a, pkg);
}

/*
 * "Differentiated System Description Table (DSDT)": the header, then AML.
 * The devices go under \_SB (the system bus), \_S5 at the root.  Returns
 * the table's length, or -ENOSPC if it does not fit in cap bytes.
 */
static int64_t acpi_write_dsdt(uint8_t *p, size_t cap,
			       const struct acpi_machine *m)
{
	struct acpi_table_header *h = (struct acpi_table_header *)p;
	struct aml a;
	size_t sb;

	if (cap < sizeof(*h))
		return -ENOSPC;
	aml_init(&a, p + sizeof(*h), cap - sizeof(*h));
	sb = aml_scope_begin(&a, "_SB_");
	if (m->com1)
		dsdt_com1(&a);
	if (m->pvpanic)
		dsdt_pvpanic(&a);
	for (unsigned int i = 0; i < m->nr_virtio; i++)
		dsdt_virtio(&a, i, &m->virtio[i]);
	aml_scope_end(&a, sb);
	dsdt_s5(&a);
	if (a.err)
		return a.err;
	acpi_header(h, "DSDT", (uint32_t)(sizeof(*h) + a.len),
		    ACPI_DSDT_REVISION);
	acpi_table_checksum(h);
	return h->length;
}

/* Can the tables describe this machine?  -EINVAL if not, -ENOSPC if it
 * has more devices than names. */
static int acpi_machine_check(const struct acpi_machine *m)
{
	if (m->cpus < 1 || m->cpus > ACPI_CPUS_MAX)
		return -EINVAL;
	if (m->nr_virtio && !m->virtio)
		return -EINVAL;
	if (m->nr_virtio > ACPI_VIRTIO_NAMES)
		return -ENOSPC;
	for (unsigned int i = 0; i < m->nr_virtio; i++) {
		const struct acpi_mmio_device *d = &m->virtio[i];

		if (d->size == 0 || d->base >= ACPI_4GIB ||
		    d->size > ACPI_4GIB - d->base)
			return -EINVAL; /* Memory32Fixed: below 4 GiB */
		if (d->gsi >= MACHINE_IOAPIC_PINS)
			return -EINVAL;
	}
	return 0;
}

/* Put table id, len bytes, at the next 16-byte boundary from *cursor. */
static int acpi_place(struct acpi_layout *l, uint64_t area_gpa,
		      size_t area_size, enum acpi_table_id id, size_t len,
		      size_t *cursor)
{
	size_t at = (*cursor + ACPI_TABLE_ALIGN - 1) &
		    ~(size_t)(ACPI_TABLE_ALIGN - 1);

	if (at > area_size || len > area_size - at)
		return -ENOSPC;
	l->table[id].addr = area_gpa + at;
	l->table[id].len = (uint32_t)len;
	*cursor = at + len;
	l->end = area_gpa + *cursor;
	return 0;
}

/* The layout of everything but the DSDT, whose size the AML decides. */
static int acpi_place_fixed(struct acpi_layout *l, uint64_t area_gpa,
			    size_t area_size, const struct acpi_machine *m,
			    size_t *cursor)
{
	const size_t len[] = {
		[ACPI_RSDP] = sizeof(struct acpi_table_rsdp),
		[ACPI_XSDT] = sizeof(struct acpi_table_header) +
			      ACPI_XSDT_ENTRIES * sizeof(uint64_t),
		[ACPI_FADT] = sizeof(struct acpi_table_fadt),
		[ACPI_MADT] = acpi_madt_size(m->cpus),
	};
	int err;

	for (int id = ACPI_RSDP; id <= ACPI_MADT; id++) {
		err = acpi_place(l, area_gpa, area_size, id, len[id], cursor);
		if (err)
			return err;
	}
	return 0;
}

/* Where table id starts in the host's copy of the area. */
static uint8_t *acpi_at(uint8_t *area, uint64_t area_gpa,
			const struct acpi_layout *l, enum acpi_table_id id)
{
	return area + (l->table[id].addr - area_gpa);
}

/* The DSDT goes last: written where it starts, then measured. */
static int acpi_build_dsdt(uint8_t *area, uint64_t area_gpa, size_t area_size,
			   const struct acpi_machine *m, struct acpi_layout *l,
			   size_t *cursor)
{
	int64_t len;
	int err;

	err = acpi_place(l, area_gpa, area_size, ACPI_DSDT, 0, cursor);
	if (err)
		return err;
	len = acpi_write_dsdt(acpi_at(area, area_gpa, l, ACPI_DSDT),
			      area_size - *cursor, m);
	if (len < 0)
		return (int)len;
	l->table[ACPI_DSDT].len = (uint32_t)len;
	*cursor += (size_t)len;
	l->end = area_gpa + *cursor;
	return 0;
}

/* book:begin acpi_build */
int acpi_build(uint8_t *area, uint64_t area_gpa, size_t area_size,
	       const struct acpi_machine *m, struct acpi_layout *l)
{
	size_t cursor = 0;
	int err;

	memset(area, 0, area_size);
	memset(l, 0, sizeof(*l));
	err = acpi_machine_check(m);
	if (!err)
		err = acpi_place_fixed(l, area_gpa, area_size, m, &cursor);
	if (!err)
		err = acpi_build_dsdt(area, area_gpa, area_size, m, l, &cursor);
	if (err) {
		memset(area, 0, area_size);
		memset(l, 0, sizeof(*l));
		return err;
	}
	acpi_write_rsdp((void *)acpi_at(area, area_gpa, l, ACPI_RSDP),
			l->table[ACPI_XSDT].addr);
	acpi_write_xsdt(acpi_at(area, area_gpa, l, ACPI_XSDT), l);
	acpi_write_fadt((void *)acpi_at(area, area_gpa, l, ACPI_FADT),
			l->table[ACPI_DSDT].addr, m);
	acpi_write_madt(acpi_at(area, area_gpa, l, ACPI_MADT), m);
	return 0;
}
/* book:end acpi_build */

int64_t acpi_write_tables(const struct guest_mem *mem,
			  const struct acpi_machine *m)
{
	struct acpi_layout layout;
	uint8_t *area;
	int err;

	area = gpa_to_hva(mem, MACHINE_ACPI_ADDR, MACHINE_ACPI_SIZE);
	if (!area)
		return -EFAULT;
	err = acpi_build(area, MACHINE_ACPI_ADDR, MACHINE_ACPI_SIZE, m,
			 &layout);
	if (err)
		return err;
	return (int64_t)layout.table[ACPI_RSDP].addr;
}
