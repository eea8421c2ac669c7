/*
 * test_arm64_machine.c - the arm64 machine behind the hypervisor interface:
 * its devices on the MMIO bus where machine.h puts them, their interrupt
 * lines reaching the backend's irq_line as the device tree numbers them
 * (SPI 4 for the UART, 16 + i for virtio device i), a bad disk refused
 * with exit status 2, and the device tree built from what was created.
 * With --net: the card on the window after the disks, with its SPI and
 * its node in the tree, a tap that cannot be opened refused with exit
 * status 2, and its queue kicks either given to the backend's ioeventfd
 * op (KVM) or, where the backend has none (HVF), taken by the card from
 * a QueueNotify exit and handed to the I/O thread.  The backend is a
 * fake one that records its irq_line and ioeventfd calls; the tap is a
 * fake too (tap_open here gives one end of a socketpair): a real one
 * needs root and the tun module, and the lab opens one.
 *
 * Runs: on the host, no hypervisor, no privileges; an I/O thread.
 * Spec: hv.h ("irq_line: ... arm64 an SPI (INTID 32 + line)";
 * "ioeventfd"); arch/arm64/machine.h; linux/serial_reg.h (IER: THRI);
 * virtio 1.x "MMIO Device Register Layout" (QueueNotify).
 */
#include <check.h>
#include <errno.h>
#include <libfdt.h>
#include <linux/serial_reg.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "run_suite.h"

#include "arch/arm64/fdt.c"
#include "arch/arm64/machine.c"
#include "bus.c"
#include "console.c"
#include "devices/boot_timer.c"
#include "devices/serial_16550.c"
#include "guest_mem.c"
#include "iothread.c"
#include "net/net_option.c"
#include "virtio/blk.c"
#include "virtio/console.c"
#include "virtio/mmio.c"
#include "virtio/net.c"
#include "virtio/queue.c"

#include "vdriver.h"

#define LINES_MAX     16
#define NET_WINDOW    0xd0002000 /* the console's, the disk's, the card's */
#define NET_SPI	      18
#define TX_NUM	      8
#define TX_RINGS      0x10000 /* the transmit queue's rings, in ram[] */
#define WAIT_MS	      5000    /* a liveness bound, not a measurement */
#define TAP_BUSY_NAME "busy0"

/* What vmm.c gives the other files; here, for machine.c alone. */
uint64_t arm64_clock_ns(void)
{
	return 42;
}

void arm64_check(int err, const char *const *err_call)
{
	if (err < 0)
		die("%s: %s", *err_call, strerror(-err));
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

/* Every ioeventfd call: where, how wide, which value, which eventfd. */
static struct {
	uint64_t addr, datamatch;
	uint32_t len;
	int fd;
} eventfds[LINES_MAX];
static unsigned int nr_eventfds;

static int fake_ioeventfd(struct hyp_vm *vm, uint64_t addr, uint32_t len,
			  uint64_t datamatch, int fd)
{
	(void)vm;
	if (nr_eventfds < LINES_MAX)
		eventfds[nr_eventfds++] =
			(__typeof__(eventfds[0])){ addr, datamatch, len, fd };
	return 0;
}

static const struct hyp_ops fake_ops = {
	.name = "fake",
	.arch = HYP_ARCH_ARM64,
	.irq_line = fake_irq_line,
	.ioeventfd = fake_ioeventfd,
};

/* HVF's shape: no ioeventfd. */
static const struct hyp_ops fake_ops_no_ioeventfd = {
	.name = "fake-hvf",
	.arch = HYP_ARCH_ARM64,
	.irq_line = fake_irq_line,
};

/*
 * The fake tap: one end of a socketpair (a packet per read and write, as
 * a tap's), named as the kernel would name it; TAP_BUSY_NAME fails as a
 * tap another program holds does.  tap_hint is net/tap.c's, retold for
 * the one error used here.
 */
static int tap_peer = -1;

int tap_open(const char *name, struct tap *tap, const char **failed)
{
	int sv[2];

	memset(tap, 0, sizeof(*tap));
	*failed = "TUNSETIFF";
	if (strcmp(name, TAP_BUSY_NAME) == 0)
		return -EBUSY;
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	tap->fd = sv[0];
	tap_peer = sv[1];
	snprintf(tap->name, sizeof(tap->name), "%s", *name ? name : "tap0");
	return 0;
}

const char *tap_hint(int err, const char *failed)
{
	(void)failed;
	return err == -EBUSY ? " (another program has this tap open)" : "";
}

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
	nr_eventfds = 0;
}

/* --net VALUE, parsed as cli.c parses it. */
static void with_net(const char *value)
{
	char err[128];

	ck_assert_int_eq(net_option_parse(value, &m.o.net, err, sizeof(err)),
			 0);
	m.o.net_text = value;
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

/* The card: window 2 (after the console and the disk), SPI 16 + 2, the
 * tap's name, the MAC derived from it (net_mac_from_name), and the
 * card's registers answering at that window through the bus. */
START_TEST(net_card_on_the_window_after_the_disks)
{
	static const uint8_t vmtap0_mac[ETH_ALEN] = { 0x02, 0xe3, 0xa6,
						      0x1a, 0x95, 0x7e };
	uint32_t id = 0;

	with_net("tap=vmtap0");
	arm64_machine_create(&m);
	ck_assert_uint_eq(m.nr_virtio, 3);
	ck_assert_uint_eq(m.net_window, NET_WINDOW);
	ck_assert_uint_eq(m.windows[2].base, NET_WINDOW);
	ck_assert_uint_eq(m.windows[2].size, VIRTIO_MMIO_SIZE);
	ck_assert_uint_eq(m.windows[2].spi, NET_SPI);
	ck_assert_uint_eq(m.virtio_irq[2].gsi, NET_SPI);
	ck_assert_str_eq(m.tap, "vmtap0");
	ck_assert_mem_eq(m.net.mac, vmtap0_mac, ETH_ALEN);
	ck_assert(bus_access(&m.mmio, NET_WINDOW + VIRTIO_MMIO_DEVICE_ID,
			     (uint8_t *)&id, 4, false));
	ck_assert_uint_eq(id, VIRTIO_ID_NET);
}
END_TEST

/* A MAC given is the card's; the kernel's choice of name is kept. */
START_TEST(net_card_with_its_mac_on_a_tap_the_kernel_names)
{
	static const uint8_t given[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x42 };

	with_net("tap,mac=02:00:00:00:00:42");
	arm64_machine_create(&m);
	ck_assert_str_eq(m.tap, "tap0");
	ck_assert_mem_eq(m.net.mac, given, ETH_ALEN);
}
END_TEST

START_TEST(a_tap_that_cannot_be_opened_is_bad_input)
{
	with_net("tap=" TAP_BUSY_NAME);
	arm64_machine_create(&m);
}
END_TEST

/* The tree has the card's node: its window and its SPI, level-high. */
START_TEST(net_card_in_the_device_tree)
{
	const fdt32_t *irq;
	const fdt64_t *reg;
	void *fdt = ram + 0x3e00000;
	int node, len;

	with_net("tap=vmtap0");
	m.lay = (struct arm64_boot_layout){ .dtb_addr = 0x3e00000 };
	arm64_machine_create(&m);
	arm64_machine_fdt(&m, "console=ttyS0");
	node = fdt_path_offset(fdt, "/virtio_mmio@d0002000");
	ck_assert_int_ge(node, 0);
	ck_assert_int_eq(fdt_node_check_compatible(fdt, node, "virtio,mmio"),
			 0);
	reg = fdt_getprop(fdt, node, "reg", &len);
	ck_assert_int_eq(len, 16);
	ck_assert_uint_eq(fdt64_to_cpu(reg[0]), NET_WINDOW);
	ck_assert_uint_eq(fdt64_to_cpu(reg[1]), VIRTIO_MMIO_SIZE);
	irq = fdt_getprop(fdt, node, "interrupts", &len);
	ck_assert_int_eq(len, 12);
	ck_assert_uint_eq(fdt32_to_cpu(irq[0]), 0); /* an SPI */
	ck_assert_uint_eq(fdt32_to_cpu(irq[1]), NET_SPI);
	ck_assert_uint_eq(fdt32_to_cpu(irq[2]), 4); /* level, active high */
	ck_assert_int_eq(fdt_path_offset(fdt, "/virtio_mmio@d0003000"),
			 -FDT_ERR_NOTFOUND);
}
END_TEST

/* KVM's way: each queue's kick is the backend's ioeventfd, a 4-byte
 * write of the queue's index to the card's QueueNotify. */
START_TEST(kicks_become_the_backends_ioeventfds)
{
	with_net("tap=vmtap0");
	arm64_machine_create(&m);
	arm64_machine_start_io(&m);
	ck_assert_uint_eq(nr_eventfds, 2);
	for (unsigned int q = 0; q < 2; q++) {
		ck_assert_uint_eq(eventfds[q].addr, NET_WINDOW + 0x50);
		ck_assert_uint_eq(eventfds[q].len, 4);
		ck_assert_uint_eq(eventfds[q].datamatch, q);
		ck_assert_int_eq(eventfds[q].fd, m.net.kick_fd[q]);
	}
	ck_assert(m.io.running);
	ck_assert_uint_eq(m.io.count, 3); /* the tap and two kicks */
	arm64_machine_stop_io(&m);
	ck_assert(!m.io.running);
}
END_TEST

/* How many times the I/O thread served the transmit kick, within
 * WAIT_MS (it runs on its own thread: waited for, with a bound). */
static uint64_t tx_kicks_served(uint64_t at_least)
{
	struct iothread_source *s = &m.io.sources[2];
	uint64_t n = 0;

	ck_assert_str_eq(s->name, "virtio-net tx kick");
	for (int ms = 0; ms < WAIT_MS; ms++) {
		n = __atomic_load_n(&s->wakeups, __ATOMIC_RELAXED);
		if (n >= at_least)
			break;
		usleep(1000);
	}
	return n;
}

/*
 * HVF's way: no ioeventfd op, no call.  The driver brings the card up;
 * its QueueNotify write reaches the card through the bus (what a vCPU
 * does on the MMIO exit), and the card hands the kick to the I/O thread.
 */
START_TEST(without_ioeventfd_a_queue_notify_exit_reaches_the_thread)
{
	struct vdev vd = { .t = &m.net.mmio };
	uint32_t txq = VIRTIO_NET_TXQ;

	m.hv = &fake_ops_no_ioeventfd;
	with_net("tap=vmtap0");
	arm64_machine_create(&m);
	arm64_machine_start_io(&m);
	ck_assert_uint_eq(nr_eventfds, 0);
	ck_assert(m.io.running);
	vd_negotiate(&vd, 1ULL << VIRTIO_F_VERSION_1);
	vd_queue_regs(&vd, txq, TX_NUM, TX_RINGS, TX_RINGS + 0x1000,
		      TX_RINGS + 0x2000);
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_READY, 1);
	vd_add_status(&vd, VIRTIO_CONFIG_S_DRIVER_OK);
	ck_assert(bus_access(&m.mmio, NET_WINDOW + VIRTIO_MMIO_QUEUE_NOTIFY,
			     (uint8_t *)&txq, 4, true));
	ck_assert_uint_eq(tx_kicks_served(1), 1);
	ck_assert_uint_eq(m.net.mmio.stats.dropped_notifies, 0);
	arm64_machine_stop_io(&m);
	ck_assert_uint_eq(m.net.stats.tx_packets, 0); /* the ring was empty */
}
END_TEST

/* Without --net nothing starts. */
START_TEST(no_net_no_io_thread)
{
	arm64_machine_create(&m);
	arm64_machine_start_io(&m);
	ck_assert(!m.io.running);
	ck_assert_uint_eq(nr_eventfds, 0);
	ck_assert_uint_eq(m.nr_virtio, 2);
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
	tcase_add_test(tc, net_card_on_the_window_after_the_disks);
	tcase_add_test(tc, net_card_with_its_mac_on_a_tap_the_kernel_names);
	tcase_add_exit_test(tc, a_tap_that_cannot_be_opened_is_bad_input,
			    EXIT_BAD_INPUT);
	tcase_add_test(tc, net_card_in_the_device_tree);
	tcase_add_test(tc, kicks_become_the_backends_ioeventfds);
	tcase_add_test(
		tc, without_ioeventfd_a_queue_notify_exit_reaches_the_thread);
	tcase_add_test(tc, no_net_no_io_thread);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(arm64_machine_suite());
}
