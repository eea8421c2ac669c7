/*
 * test_arm64_machine.c - the arm64 machine behind the hypervisor interface:
 * its devices on the MMIO bus where machine.h puts them, their interrupt
 * lines reaching the backend's irq_line as the device tree numbers them
 * (SPI 4 for the UART, 16 + i for virtio device i), a bad disk refused
 * with exit status 2, and the device tree built from what was created.
 * The backend is a fake one that records its irq_line calls.
 *
 * Runs: on the host, no hypervisor.
 * Spec: hv.h ("irq_line: ... arm64 an SPI (INTID 32 + line)");
 * arch/arm64/machine.h; linux/serial_reg.h (IER: THRI).
 */
#include <check.h>
#include <errno.h>
#include <libfdt.h>
#include <linux/serial_reg.h>
#include <stdlib.h>
#include <unistd.h>

#include "run_suite.h"

#include "arch/arm64/fdt.c"
#include "arch/arm64/machine.c"
#include "bus.c"
#include "console.c"
#include "devices/boot_timer.c"
#include "devices/serial_16550.c"
#include "guest_mem.c"
#include "virtio/blk.c"
#include "virtio/console.c"
#include "virtio/mmio.c"
#include "virtio/queue.c"

#define LINES_MAX 16

/* What vmm.c gives the other files; here, for machine.c alone. */
uint64_t arm64_clock_ns(void)
{
	return 42;
}

void arm64_check(int err, const char *err_call)
{
	if (err < 0)
		die("%s: %s", err_call, strerror(-err));
}

/* The fake backend: every irq_line call, in order. */
static struct {
	unsigned int line;
	bool level;
} calls[LINES_MAX];
static unsigned int nr_calls;

static int fake_irq_line(struct hyp_vm *vm, unsigned int line, bool level)
{
	(void)vm;
	if (nr_calls < LINES_MAX)
		calls[nr_calls++] = (__typeof__(calls[0])){ line, level };
	return 0;
}

static const struct hyp_ops fake_ops = {
	.name = "fake",
	.arch = HYP_ARCH_ARM64,
	.irq_line = fake_irq_line,
};

static struct arm64_machine m;
static char disk[] = "/tmp/test_arm64_machine.XXXXXX";
static uint8_t ram[0x4000000];

static void setup(void)
{
	int fd = mkstemp(disk);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 0x100000), 0);
	close(fd);
	memset(&m, 0, sizeof(m));
	m.hv = &fake_ops;
	m.mem = (struct guest_mem){ .base = ram, .size = sizeof(ram) };
	m.o.mem_size = sizeof(ram);
	m.o.cpus = 1;
	m.o.disks[0].path = disk;
	m.o.nr_disks = 1;
	nr_calls = 0;
}

static void teardown(void)
{
	unlink(disk);
	strcpy(disk, "/tmp/test_arm64_machine.XXXXXX");
}

START_TEST(virtio_windows_and_their_spis)
{
	arm64_machine_create(&m);
	ck_assert_uint_eq(m.nr_virtio, 2); /* the console, the disk */
	ck_assert_uint_eq(m.windows[0].base, 0xd0000000);
	ck_assert_uint_eq(m.windows[0].size, VIRTIO_MMIO_SIZE);
	ck_assert_uint_eq(m.windows[0].spi, 16);
	ck_assert_uint_eq(m.windows[1].base, 0xd0001000);
	ck_assert_uint_eq(m.windows[1].spi, 17);
	ck_assert_uint_eq(m.virtio_irq[1].gsi, 17);
}
END_TEST

/*
 * MCR.OUT2 (Linux's 8250 driver sets it when the port has an interrupt,
 * on arm64 as on a PC), then IER.THRI on an empty transmitter: the UART's
 * line goes high, SPI 4.
 */
START_TEST(uart_interrupt_reaches_the_backend_as_spi_4)
{
	uint8_t out2 = UART_MCR_OUT2, thri = UART_IER_THRI;

	arm64_machine_create(&m);
	ck_assert(bus_access(&m.mmio, MACHINE_UART_BASE + UART_MCR, &out2, 1,
			     true));
	ck_assert_uint_eq(nr_calls, 0);
	ck_assert(bus_access(&m.mmio, MACHINE_UART_BASE + UART_IER, &thri, 1,
			     true));
	ck_assert_uint_eq(nr_calls, 1);
	ck_assert_uint_eq(calls[0].line, MACHINE_SPI_UART);
	ck_assert_uint_eq(calls[0].line, 4);
	ck_assert(calls[0].level);
}
END_TEST

/* The boot timer at its address: a mark, by the machine's clock. */
START_TEST(boot_timer_marks_init)
{
	uint8_t mark = BOOT_TIMER_MARK_INIT, cpus = 18;

	arm64_machine_create(&m);
	ck_assert(bus_access(&m.mmio, MACHINE_BOOT_TIMER_ADDR, &mark, 1, true));
	ck_assert(bus_access(&m.mmio, MACHINE_BOOT_TIMER_ADDR, &cpus, 1, true));
	ck_assert_uint_eq(m.init_ns, 42);
	ck_assert_uint_eq(m.marks[0], (1ULL << 1) | (1ULL << 18));
}
END_TEST

/* Nothing else answers: the GIC is the hypervisor's, not the bus's. */
START_TEST(nothing_at_the_gic_on_the_bus)
{
	uint32_t val = 0;

	arm64_machine_create(&m);
	ck_assert(!bus_access(&m.mmio, MACHINE_GICD_BASE, (uint8_t *)&val, 4,
			      false));
	ck_assert(!bus_access(&m.mmio, MACHINE_VIRTIO_BASE + 2 * 0x1000,
			      (uint8_t *)&val, 4, false));
}
END_TEST

START_TEST(a_disk_that_is_a_directory_is_bad_input)
{
	m.o.disks[0].path = "/tmp";
	arm64_machine_create(&m);
}
END_TEST

/* The tree describes what was made: both windows, the UART, the CPU. */
START_TEST(device_tree_of_the_machine)
{
	uint64_t mpidr = 0;
	void *fdt;

	m.mpidr[0] = mpidr;
	m.lay = (struct arm64_boot_layout){ .dtb_addr = 0x3e00000 };
	arm64_machine_create(&m);
	arm64_machine_fdt(&m, "console=ttyS0");
	fdt = ram + 0x3e00000;
	ck_assert_int_eq(fdt_check_header(fdt), 0);
	ck_assert_int_ge(fdt_path_offset(fdt, "/virtio_mmio@d0000000"), 0);
	ck_assert_int_ge(fdt_path_offset(fdt, "/virtio_mmio@d0001000"), 0);
	ck_assert_int_eq(fdt_path_offset(fdt, "/virtio_mmio@d0002000"),
			 -FDT_ERR_NOTFOUND);
	ck_assert_int_ge(fdt_path_offset(fdt, "/serial@e0000000"), 0);
	ck_assert_int_ge(fdt_path_offset(fdt, "/cpus/cpu@0"), 0);
	ck_assert_int_eq(fdt_path_offset(fdt, "/cpus/cpu@1"),
			 -FDT_ERR_NOTFOUND);
	ck_assert_str_eq(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"),
				     "bootargs", NULL),
			 "console=ttyS0");
}
END_TEST

static Suite *arm64_machine_suite(void)
{
	Suite *s = suite_create("arm64_machine");
	TCase *tc = tcase_create("machine");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, virtio_windows_and_their_spis);
	tcase_add_test(tc, uart_interrupt_reaches_the_backend_as_spi_4);
	tcase_add_test(tc, boot_timer_marks_init);
	tcase_add_test(tc, nothing_at_the_gic_on_the_bus);
	tcase_add_exit_test(tc, a_disk_that_is_a_directory_is_bad_input,
			    EXIT_BAD_INPUT);
	tcase_add_test(tc, device_tree_of_the_machine);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(arm64_machine_suite());
}
