/*
 * machine.c (arm64) - the machine an arm64 kernel boots on: step07's
 * devices, unchanged, on MMIO and on the GIC's SPIs (the 16550 as
 * ns16550a, the boot timer, virtio-console, a virtio-blk per --disk, a
 * virtio-net card on a tap with --net), and the device tree that
 * describes exactly them.
 *
 * Runs: userspace (the arm64 VMM): the devices before the VM exists (a bad
 * disk, or a tap that cannot be opened, is bad input), their callbacks on
 * the vCPU threads under the machine's lock; the network card's work on
 * the I/O thread (iothread.c), from arm64_machine_start_io() until
 * arm64_machine_stop_io(); the device tree once every vCPU has told its
 * MPIDR.
 * Spec: each device's own file; arch/arm64/fdt.c; machine.h has the map;
 * hv.h ("ioeventfd": optional, KVM_IOEVENTFD on KVM).
 */
#define _GNU_SOURCE
#include <string.h>

#include "arch/arm64/vm.h"
#include "console.h"
#include "net/tap.h"
#include "virtio/mmio.h"

#define QUEUE_NOTIFY_LEN sizeof(uint32_t) /* QueueNotify: a 32-bit register */

/* book:begin devices */
static void console_output(void *opaque, const uint8_t *buf, size_t len)
{
	(void)opaque;
	console_guest(buf, len);
}

/* irq.h's set_level: the line is an SPI of the GIC inside the hypervisor. */
static void spi_set_level(struct irq_line *line, bool level)
{
	struct arm64_machine *m = line->opaque;

	arm64_check(m->hv->irq_line(&m->vm, line->gsi, level), &m->vm.err_call);
}

static void on_mark(void *opaque, uint8_t mark, uint64_t ns)
{
	struct arm64_machine *m = opaque;

	m->marks[mark / 64] |= 1ULL << (mark % 64);
	if (mark == BOOT_TIMER_MARK_INIT && !m->init_ns)
		m->init_ns = ns;
}

/* The next virtio-mmio window: its SPI line, for the device to keep. */
static struct irq_line *virtio_line(struct arm64_machine *m)
{
	struct irq_line *line = &m->virtio_irq[m->nr_virtio];

	*line = (struct irq_line){ .set_level = spi_set_level,
				   .gsi = MACHINE_SPI_VIRTIO + m->nr_virtio,
				   .opaque = m };
	return line;
}

static void virtio_window(struct arm64_machine *m, struct virtio_mmio *t,
			  const char *name)
{
	unsigned int i = m->nr_virtio++;
	uint64_t base = MACHINE_VIRTIO_BASE + i * MACHINE_VIRTIO_STRIDE;

	m->windows[i] = (struct arm64_fdt_virtio){
		.base = base,
		.size = VIRTIO_MMIO_SIZE,
		.spi = MACHINE_SPI_VIRTIO + i,
	};
	if (bus_register(&m->mmio, base, VIRTIO_MMIO_SIZE, virtio_mmio_access,
			 t, name) < 0)
		die("bus_register: %s overlaps another device", name);
}

/* book:end devices */

/* book:begin net_device */
/*
 * --net: the tap (one that cannot be opened is bad input: no VM exists
 * yet), then step07's card, unchanged, on the next window and its SPI,
 * its work for the I/O thread.
 */
static void net_device(struct arm64_machine *m)
{
	struct net_option opt = m->o.net;
	const char *failed;
	char shown[SHOWN_MAX];
	struct tap tap;
	int err;

	err = tap_open(opt.ifname, &tap, &failed);
	if (err)
		bad_input("--net '%s': %s: %s%s",
			  console_shown(shown, m->o.net_text), failed,
			  strerror(-err), tap_hint(err, failed));
	if (!opt.mac_given)
		net_mac_from_name(tap.name, opt.mac);
	if ((err = iothread_init(&m->io)) < 0)
		die("iothread_init: %s", strerror(-err));
	err = virtio_net_init(&m->net, tap.fd, opt.mac, !opt.no_offloads,
			      &m->mem, virtio_line(m));
	if (err < 0)
		die("virtio_net_init: %s", strerror(-err));
	m->net_window =
		MACHINE_VIRTIO_BASE + m->nr_virtio * MACHINE_VIRTIO_STRIDE;
	virtio_window(m, &m->net.mmio, "virtio-net");
	memcpy(m->tap, tap.name, sizeof(m->tap));
	vmm_say("virtio-net on tap %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, SPI %u",
		m->tap, opt.mac[0], opt.mac[1], opt.mac[2], opt.mac[3],
		opt.mac[4], opt.mac[5], m->windows[m->nr_virtio - 1].spi);
}
/* book:end net_device */

/* book:begin net_io */
/*
 * Once the VM exists, before a vCPU runs: where the backend has
 * ioeventfds (KVM), a QueueNotify write to the card signals the queue's
 * eventfd inside the hypervisor, with no exit; where it has none (HVF),
 * the write exits as MMIO and the card's notify handler signals the same
 * eventfd.  Either way the I/O thread, which reads those and the tap,
 * does the work.
 */
void arm64_machine_start_io(struct arm64_machine *m)
{
	int err;

	if (!m->tap[0])
		return;
	for (uint32_t q = 0; q < VIRTIO_NET_QUEUES && m->hv->ioeventfd; q++)
		arm64_check(m->hv->ioeventfd(
				    &m->vm,
				    m->net_window + VIRTIO_MMIO_QUEUE_NOTIFY,
				    QUEUE_NOTIFY_LEN, q, m->net.kick_fd[q]),
			    &m->vm.err_call);
	if ((err = virtio_net_attach(&m->net, &m->io)) < 0)
		die("virtio_net_attach: %s", strerror(-err));
	if ((err = iothread_start(&m->io)) < 0)
		die("iothread_start: %s", strerror(-err));
}

/* The run is over: the I/O thread stops (its handler, if one runs, ends
 * first), so the card's counts hold still for the report. */
void arm64_machine_stop_io(struct arm64_machine *m)
{
	if (m->tap[0])
		iothread_stop(&m->io);
}
/* book:end net_io */

/* book:begin machine_create */
/* The UART, the boot timer, virtio-console, one virtio-blk per --disk
 * and the network card: the step07 devices, unchanged, on MMIO and on
 * SPIs. */
void arm64_machine_create(struct arm64_machine *m)
{
	char shown[SHOWN_MAX];

	m->uart_irq = (struct irq_line){ .set_level = spi_set_level,
					 .gsi = MACHINE_SPI_UART,
					 .opaque = m };
	serial_16550_init(&m->uart, &m->uart_irq, console_output, m);
	boot_timer_init(&m->timer, arm64_clock_ns, on_mark, m);
	if (bus_register(&m->mmio, MACHINE_UART_BASE, SERIAL_16550_REGS,
			 serial_16550_access, &m->uart, "uart") < 0 ||
	    bus_register(&m->mmio, MACHINE_BOOT_TIMER_ADDR, BOOT_TIMER_SIZE,
			 boot_timer_access, &m->timer, "boot timer") < 0)
		die("bus_register: the UART or the boot timer");
	if (virtio_console_init(&m->console, console_output, m, &m->mem,
				virtio_line(m)) < 0)
		die("virtio_console_init: cannot set up the console");
	virtio_window(m, &m->console.mmio, "virtio-console");
	for (unsigned int d = 0; d < m->o.nr_disks; d++) {
		int err = virtio_blk_init(&m->disks[d], m->o.disks[d].path,
					  m->o.disks[d].read_only, &m->mem,
					  virtio_line(m));

		if (err < 0)
			bad_input("--disk '%s': %s",
				  console_shown(shown, m->o.disks[d].path),
				  strerror(-err));
		virtio_window(m, &m->disks[d].mmio, "virtio-blk");
	}
	if (m->o.net_text)
		net_device(m);
}
/* book:end machine_create */
/* The device tree, once every vCPU has told its MPIDR. */
void arm64_machine_fdt(struct arm64_machine *m, const char *cmdline)
{
	struct arm64_fdt_machine desc = {
		.mem_size = m->o.mem_size,
		.ncpus = m->o.cpus,
		.mpidr = m->mpidr,
		.virtio = m->windows,
		.nvirtio = m->nr_virtio,
		.bootargs = cmdline,
		.initrd_start = m->lay.initrd_addr,
		.initrd_end = m->lay.initrd_addr + m->lay.initrd_size,
	};
	int err = arm64_fdt_build(&desc, m->mem.base + m->lay.dtb_addr,
				  MACHINE_DTB_MAX);

	if (err)
		die("arm64_fdt_build: %s", arm64_fdt_strerror(err));
}
