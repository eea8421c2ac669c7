/*
 * test_acpi.c - unit tests of the ACPI tables: every table byte for byte
 * against iasl (rsdp/xsdt/facp/apic.dsl, dsdt.asl), the layout, the
 * checksums, the MADT and FADT fields read at their spec offsets, and
 * machines the tables cannot describe or that do not fit.
 *
 * Runs: on the host, no KVM (Check).  Includes the units under test.
 * Spec: ACPI 6.5 "Root System Description Pointer (RSDP) Structure",
 * "Extended System Description Table (XSDT)", "Fixed ACPI Description
 * Table (FADT)", "Multiple APIC Description Table (MADT)",
 * "Differentiated System Description Table (DSDT)", "Finding the RSDP on
 * IA-PC Systems".
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "run_suite.h"
#include "step07-virtio/acpi_ref.h"

#include "boot/acpi.c"
#include "boot/aml.c"
#include "guest_mem.c"

#define GUARD	   0xa5
#define GUARD_SIZE 64

/* The area with guard bytes after it, to see that nothing spills. */
static uint8_t area[MACHINE_ACPI_SIZE + GUARD_SIZE];
static uint8_t big_area[0x100000 + GUARD_SIZE];

/* The reference machine of the .asl/.dsl files: 4 vCPUs, COM1 and three
 * virtio-mmio transports where the VMM puts them. */
static struct acpi_mmio_device devices[4096];

static struct acpi_machine machine(unsigned int cpus, unsigned int nr_virtio,
				   bool com1)
{
	for (unsigned int i = 0; i < nr_virtio; i++)
		devices[i] = (struct acpi_mmio_device){
			.base = MACHINE_VIRTIO_BASE + i * MACHINE_VIRTIO_STRIDE,
			.size = MACHINE_VIRTIO_STRIDE,
			.gsi = MACHINE_GSI_VIRTIO + i % 8,
		};
	return (struct acpi_machine){ .cpus = cpus,
				      .virtio = devices,
				      .nr_virtio = nr_virtio,
				      .com1 = com1 };
}

static const uint8_t *table(const struct acpi_layout *l, enum acpi_table_id id)
{
	return area + (l->table[id].addr - MACHINE_ACPI_ADDR);
}

static uint64_t le(const uint8_t *p, size_t bytes)
{
	uint64_t v = 0;

	for (size_t i = bytes; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static void ck_guard_intact(const uint8_t *p)
{
	for (size_t i = 0; i < GUARD_SIZE; i++)
		ck_assert_uint_eq(p[i], GUARD);
}

static void ck_all_zero(const uint8_t *p, size_t len)
{
	size_t i = 0;

	while (i < len && p[i] == 0)
		i++;
	ck_assert_msg(i == len, "byte %zu of %zu is 0x%02x", i, len,
		      i < len ? p[i] : 0);
}

static int build(const struct acpi_machine *m, struct acpi_layout *l)
{
	memset(area, GUARD, sizeof(area));
	return acpi_build(area, MACHINE_ACPI_ADDR, MACHINE_ACPI_SIZE, m, l);
}

/* book:begin test_layout */
START_TEST(layout_of_the_reference_machine)
{
	static const struct {
		uint64_t addr;
		uint32_t len;
	} want[ACPI_TABLES] = {
		[ACPI_RSDP] = { 0xe0000, 36 },	[ACPI_XSDT] = { 0xe0030, 52 },
		[ACPI_FADT] = { 0xe0070, 276 }, [ACPI_MADT] = { 0xe0190, 88 },
		[ACPI_DSDT] = { 0xe01f0, 279 },
	};
	struct acpi_machine m = machine(4, 3, true);
	struct acpi_layout l;

	ck_assert_int_eq(build(&m, &l), 0);
	for (int id = 0; id < ACPI_TABLES; id++) {
		ck_assert_uint_eq(l.table[id].addr, want[id].addr);
		ck_assert_uint_eq(l.table[id].len, want[id].len);
	}
	ck_assert_uint_eq(l.end, 0xe01f0 + 279);
	ck_guard_intact(area + MACHINE_ACPI_SIZE);
}
END_TEST
/* book:end test_layout */

START_TEST(tables_match_iasl)
{
	static uint8_t rsdp[REF_MAX];
	struct acpi_machine m = machine(4, 3, true);
	struct acpi_layout l;

	ck_assert_int_eq(build(&m, &l), 0);
	/* The RSDP has no compiler ID: every byte, both checksums. */
	ck_assert_uint_eq(ref_load("rsdp.aml", rsdp, sizeof(rsdp)), 36);
	ck_same_bytes(table(&l, ACPI_RSDP), rsdp, 0, 36, "rsdp.aml");
	ck_table_matches_iasl(table(&l, ACPI_XSDT), l.table[ACPI_XSDT].len,
			      "xsdt.aml");
	ck_table_matches_iasl(table(&l, ACPI_FADT), l.table[ACPI_FADT].len,
			      "facp.aml");
	ck_table_matches_iasl(table(&l, ACPI_MADT), l.table[ACPI_MADT].len,
			      "apic.aml");
	ck_table_matches_iasl(table(&l, ACPI_DSDT), l.table[ACPI_DSDT].len,
			      "dsdt.aml");
}
END_TEST

START_TEST(bare_dsdt_matches_iasl)
{
	struct acpi_machine m = machine(1, 0, false);
	struct acpi_layout l;

	ck_assert_int_eq(build(&m, &l), 0);
	ck_table_matches_iasl(table(&l, ACPI_DSDT), l.table[ACPI_DSDT].len,
			      "dsdt_bare.aml");
}
END_TEST

/*
 * The machine the VMM builds for Linux: COM1, pvpanic, the console and a
 * disk, in register windows of VIRTIO_MMIO_SIZE bytes (0x200).
 */
START_TEST(linux_machine_dsdt_matches_iasl)
{
	struct acpi_machine m = machine(1, 2, true);
	struct acpi_layout l;

	for (unsigned int i = 0; i < m.nr_virtio; i++)
		devices[i].size = 0x200;
	m.pvpanic = true;
	ck_assert_int_eq(build(&m, &l), 0);
	ck_table_matches_iasl(table(&l, ACPI_DSDT), l.table[ACPI_DSDT].len,
			      "dsdt_pvpanic.aml");
}
END_TEST

/* Find the RSDP as Linux does in the BIOS area (a 16-byte-aligned
 * "RSD PTR " whose first 20 bytes sum to 0), then follow the pointers. */
START_TEST(an_os_finds_every_table_from_the_rsdp)
{
	struct acpi_machine m = machine(2, 2, true);
	struct acpi_layout l;
	const uint8_t *rsdp = NULL, *xsdt, *fadt, *dsdt;

	ck_assert_int_eq(build(&m, &l), 0);
	for (size_t off = 0; off < MACHINE_ACPI_SIZE && !rsdp; off += 16)
		if (!memcmp(area + off, "RSD PTR ", 8) &&
		    byte_sum(area + off, 20) == 0)
			rsdp = area + off;
	ck_assert_ptr_eq(rsdp, area);
	ck_assert_uint_eq(rsdp[15], 2);		  /* revision */
	ck_assert_uint_eq(le(rsdp + 16, 4), 0);	  /* no RSDT */
	ck_assert_uint_eq(le(rsdp + 20, 4), 36);  /* length */
	ck_assert_uint_eq(byte_sum(rsdp, 36), 0); /* extended checksum */
	xsdt = area + (le(rsdp + 24, 8) - MACHINE_ACPI_ADDR);
	ck_assert_mem_eq(xsdt, "XSDT", 4);
	ck_assert_uint_eq(le(xsdt + 4, 4), 36 + 2 * 8);
	ck_assert_uint_eq(byte_sum(xsdt, 52), 0);
	fadt = area + (le(xsdt + 36, 8) - MACHINE_ACPI_ADDR);
	ck_assert_mem_eq(fadt, "FACP", 4);
	ck_assert_mem_eq(area + (le(xsdt + 44, 8) - MACHINE_ACPI_ADDR), "APIC",
			 4);
	dsdt = area + (le(fadt + 140, 8) - MACHINE_ACPI_ADDR); /* X_DSDT */
	ck_assert_mem_eq(dsdt, "DSDT", 4);
	ck_assert_uint_eq(dsdt[8], 2); /* revision 2: 64-bit integers */
	ck_assert_uint_eq(byte_sum(dsdt, le(dsdt + 4, 4)), 0);
}
END_TEST

/* The MADT for 1, 8 and 255 CPUs, read at the spec's offsets. */
START_TEST(madt_lists_every_cpu_and_the_ioapic)
{
	static const unsigned int counts[] = { 1, 8, ACPI_CPUS_MAX };
	struct acpi_layout l;

	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		unsigned int n = counts[c];
		struct acpi_machine m = machine(n, 1, true);
		const uint8_t *madt, *e;

		ck_assert_int_eq(build(&m, &l), 0);
		madt = table(&l, ACPI_MADT);
		ck_assert_mem_eq(madt, "APIC", 4);
		ck_assert_uint_eq(le(madt + 4, 4), 44 + 8 * n + 12);
		ck_assert_uint_eq(madt[8], 6); /* ACPI 6.5 */
		ck_assert_uint_eq(byte_sum(madt, 44 + 8 * n + 12), 0);
		ck_assert_uint_eq(le(madt + 36, 4), 0xfee00000);
		ck_assert_uint_eq(le(madt + 40, 4), 1); /* PCAT_COMPAT */
		for (unsigned int i = 0; i < n; i++) {
			const uint8_t want[8] = { 0, 8, (uint8_t)i, (uint8_t)i,
						  1, 0, 0,	    0 };

			ck_assert_mem_eq(madt + 44 + 8 * i, want, 8);
		}
		e = madt + 44 + 8 * n;
		ck_assert_mem_eq(e,
				 ((const uint8_t[]){ 1, 12, 0, 0, 0x00, 0x00,
						     0xc0, 0xfe, 0, 0, 0, 0 }),
				 12);
	}
}
END_TEST

/* The FADT read at the spec's offsets: hardware-reduced, ACPI 6.5, the
 * DSDT, the two sleep registers, and zeros everywhere else. */
START_TEST(fadt_is_hardware_reduced_with_sleep_registers)
{
	static const uint8_t sleep_control[12] = { 1, 8, 0, 1, 0x00, 0x06 };
	static const uint8_t sleep_status[12] = { 1, 8, 0, 1, 0x01, 0x06 };
	struct acpi_machine m = machine(2, 2, true);
	struct acpi_layout l;
	const uint8_t *f;

	ck_assert_int_eq(build(&m, &l), 0);
	f = table(&l, ACPI_FADT);
	ck_assert_uint_eq(le(f + 4, 4), 276);
	ck_assert_uint_eq(f[8], 6);		       /* revision */
	ck_assert_uint_eq(f[131], 5);		       /* minor */
	ck_assert_uint_eq(le(f + 112, 4), 0x00100031); /* flags */
	ck_assert_uint_eq(le(f + 109, 2), 0x002d);     /* IA-PC boot */
	ck_assert_uint_eq(le(f + 140, 8), l.table[ACPI_DSDT].addr); /* X_DSDT */
	ck_assert_mem_eq(f + 244, sleep_control, 12);
	ck_assert_mem_eq(f + 256, sleep_status, 12);
	ck_all_zero(f + 36, 109 - 36);	 /* FACS, DSDT32, SCI, PM blocks... */
	ck_all_zero(f + 116, 131 - 116); /* no reset register */
	ck_all_zero(f + 132, 8);	 /* X_FIRMWARE_CTRL: no FACS */
	ck_all_zero(f + 148, 244 - 148); /* no X_ PM blocks, no GPEs */
	ck_all_zero(f + 268, 8);	 /* hypervisor vendor identity */

	m = machine(2, 2, false); /* no COM1: no legacy devices */
	ck_assert_int_eq(build(&m, &l), 0);
	ck_assert_uint_eq(le(table(&l, ACPI_FADT) + 109, 2), 0x002c);
}
END_TEST

/* The tables need exactly l.end - MACHINE_ACPI_ADDR bytes: that many
 * fit, one fewer is -ENOSPC, and nothing is written past the area. */
START_TEST(layout_is_bounded_by_the_area)
{
	static uint8_t exact[MACHINE_ACPI_SIZE];
	struct acpi_machine m = machine(8, MACHINE_VIRTIO_MAX, true);
	struct acpi_layout l, l2;
	size_t need;

	ck_assert_int_eq(build(&m, &l), 0);
	need = l.end - MACHINE_ACPI_ADDR;
	memcpy(exact, area, need);
	memset(area, GUARD, sizeof(area));
	ck_assert_int_eq(acpi_build(area, MACHINE_ACPI_ADDR, need, &m, &l2), 0);
	ck_assert_mem_eq(area, exact, need);
	ck_guard_intact(area + need);

	memset(area, GUARD, sizeof(area));
	ck_assert_int_eq(acpi_build(area, MACHINE_ACPI_ADDR, need - 1, &m, &l2),
			 -ENOSPC);
	ck_all_zero(area, need - 1);
	ck_assert_uint_eq(area[need - 1], GUARD);
	ck_assert_uint_eq(l2.end, 0);
}
END_TEST

/* 3000 devices (about 190 KiB of AML) do not fit in MACHINE_ACPI_SIZE:
 * -ENOSPC, the area zeroed, nothing past it touched.  In 1 MiB they fit,
 * so it was the room, not the names, that ran out. */
START_TEST(too_many_devices_is_enospc)
{
	struct acpi_machine m = machine(1, 3000, true);
	struct acpi_layout l;

	ck_assert_int_eq(build(&m, &l), -ENOSPC);
	ck_all_zero(area, MACHINE_ACPI_SIZE);
	ck_guard_intact(area + MACHINE_ACPI_SIZE);
	ck_assert_int_eq(
		acpi_build(big_area, MACHINE_ACPI_ADDR, 0x100000, &m, &l), 0);
	ck_assert_uint_gt(l.end - MACHINE_ACPI_ADDR, MACHINE_ACPI_SIZE);
}
END_TEST

/* Names run out before a big area does: "VFFF" is the 4096th. */
START_TEST(device_names_run_out_at_4096)
{
	struct acpi_machine m = machine(1, ACPI_VIRTIO_NAMES, false);
	struct acpi_layout l;
	const uint8_t *dsdt;

	memset(big_area, GUARD, sizeof(big_area));
	ck_assert_int_eq(
		acpi_build(big_area, MACHINE_ACPI_ADDR, 0x100000, &m, &l), 0);
	dsdt = big_area + (l.table[ACPI_DSDT].addr - MACHINE_ACPI_ADDR);
	ck_assert_ptr_nonnull(memmem(dsdt, l.table[ACPI_DSDT].len, "VFFF", 4));
	m.nr_virtio = ACPI_VIRTIO_NAMES + 1;
	ck_assert_int_eq(
		acpi_build(big_area, MACHINE_ACPI_ADDR, 0x100000, &m, &l),
		-ENOSPC);
	ck_guard_intact(big_area + 0x100000);
}
END_TEST

/* Machines the tables cannot describe: -EINVAL, and the area zeroed. */
START_TEST(impossible_machines_are_einval)
{
	struct acpi_machine m;
	struct acpi_layout l;

	m = machine(0, 1, true);
	ck_assert_int_eq(build(&m, &l), -EINVAL);
	ck_all_zero(area, MACHINE_ACPI_SIZE);
	m = machine(ACPI_CPUS_MAX + 1, 1, true);
	ck_assert_int_eq(build(&m, &l), -EINVAL);
	m = machine(1, 1, true);
	m.virtio = NULL;
	ck_assert_int_eq(build(&m, &l), -EINVAL);
	m = machine(1, 2, true);
	devices[1].size = 0;
	ck_assert_int_eq(build(&m, &l), -EINVAL);
	m = machine(1, 2, true);
	devices[1].base = 0xfffff000; /* ends 4 KiB past 4 GiB */
	devices[1].size = 0x2000;
	ck_assert_int_eq(build(&m, &l), -EINVAL);
	m = machine(1, 2, true);
	devices[1].base = ACPI_4GIB;
	ck_assert_int_eq(build(&m, &l), -EINVAL);
	m = machine(1, 2, true);
	devices[1].gsi = MACHINE_IOAPIC_PINS;
	ck_assert_int_eq(build(&m, &l), -EINVAL);
	ck_all_zero(area, MACHINE_ACPI_SIZE);
	ck_guard_intact(area + MACHINE_ACPI_SIZE);

	m = machine(1, 1, true); /* the last page below 4 GiB is fine */
	devices[0].base = 0xfffff000;
	devices[0].size = 0x1000;
	ck_assert_int_eq(build(&m, &l), 0);
}
END_TEST

/* What the VMM calls: the tables land at MACHINE_ACPI_ADDR in guest RAM
 * and the RSDP's address comes back. */
START_TEST(write_tables_into_guest_memory)
{
	struct acpi_machine m = machine(2, 2, true);
	struct guest_mem mem;

	mem.size = MACHINE_ACPI_ADDR + MACHINE_ACPI_SIZE; /* just the area */
	mem.base = calloc(1, mem.size);
	ck_assert_ptr_nonnull(mem.base);
	ck_assert_int_eq(acpi_write_tables(&mem, &m), MACHINE_ACPI_ADDR);
	ck_assert_mem_eq(mem.base + MACHINE_ACPI_ADDR, "RSD PTR ", 8);
	ck_assert_uint_eq(byte_sum(mem.base + MACHINE_ACPI_ADDR, 36), 0);
	ck_all_zero(mem.base, MACHINE_ACPI_ADDR);

	mem.size--; /* RAM too small for the area */
	ck_assert_int_eq(acpi_write_tables(&mem, &m), -EFAULT);
	m.cpus = 0;
	mem.size++;
	ck_assert_int_eq(acpi_write_tables(&mem, &m), -EINVAL);
	free(mem.base);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("acpi");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, layout_of_the_reference_machine);
	tcase_add_test(tc, tables_match_iasl);
	tcase_add_test(tc, bare_dsdt_matches_iasl);
	tcase_add_test(tc, linux_machine_dsdt_matches_iasl);
	tcase_add_test(tc, an_os_finds_every_table_from_the_rsdp);
	tcase_add_test(tc, madt_lists_every_cpu_and_the_ioapic);
	tcase_add_test(tc, fadt_is_hardware_reduced_with_sleep_registers);
	tcase_add_test(tc, layout_is_bounded_by_the_area);
	tcase_add_test(tc, too_many_devices_is_enospc);
	tcase_add_test(tc, device_names_run_out_at_4096);
	tcase_add_test(tc, impossible_machines_are_einval);
	tcase_add_test(tc, write_tables_into_guest_memory);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
