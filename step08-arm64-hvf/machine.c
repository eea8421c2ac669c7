/*
 * machine.c - the machine Linux boots on: its devices created, put on the
 * buses, wired to interrupt lines, described to the ACPI tables; what
 * they report to the VMM (power off, reset, panic, the boot timer's
 * marks); and the VMM's stdin fed to the console the user chose.
 *
 * Runs: userspace (the VMM).  machine_create() before /dev/kvm is opened
 * (a disk that cannot be opened is bad input, exit status 2); the
 * devices' callbacks on a vCPU thread (any of them, with --cpus), inside
 * an exit, with the device's lock held; the stdin reader on a thread of
 * its own, from machine_start_input() on; the network card's work on the
 * I/O thread (iothread.c), from machine_start_io() until machine_stop_io().
 * Spec: each device's own file; Documentation/virt/kvm/api.rst,
 * "KVM_IRQ_LINE" (vm.c), "KVM_IOEVENTFD" (hv.h: ioeventfd); machine.h has
 * the map.
 *
 * Every device sits on a bus, and every bus range here is one the ACPI
 * tables describe or Linux finds by itself: COM1 (DSDT, PNP0501), the
 * i8042 (Linux pulses its reset line at 0x64 without looking for it), the
 * sleep registers (FADT), pvpanic (DSDT, QEMU0001), the boot timer (no
 * driver: the lab's /init writes it), and one virtio-mmio window per
 * virtio device (DSDT, LNRO0005): the console, the disks, the network card.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/virtio_mmio.h>

#include "console.h"
#include "machine.h"
#include "net/tap.h"
#include "report.h"
#include "stats.h"
#include "vm.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define STDIN_CHUNK   256	/* bytes read from stdin at a time */
#define STDIN_WAIT_NS 10000000L /* 10 ms: the guest has not taken input */

_Static_assert(DISKS_MAX == MACHINE_DISKS_MAX,
	       "--disk takes what the machine has room for");

/* Guest output, from COM1 and virtio-console alike: marked, sanitized. */
static void console_output(void *opaque, const uint8_t *buf, size_t len)
{
	(void)opaque;
	console_guest(buf, len);
}

/* book:begin callbacks */
/* The i8042's reset line: what `reboot` pulls (itself with reboot=k; by
 * Linux's default here through the reset vector, boot/reset_vector.c). */
static void on_reset(void *opaque)
{
	struct machine *m = opaque;

	m->reset_by = "the i8042's reset line";
	vm_stop(m->vm, GUEST_RESET);
}

/* ACPI S5: `poweroff`. */
static void on_power_off(void *opaque)
{
	struct machine *m = opaque;

	vm_stop(m->vm, GUEST_POWERED_OFF);
}

/* pvpanic: the guest's panic notifier ran. */
static void on_panic(void *opaque)
{
	struct machine *m = opaque;

	vm_stop(m->vm, GUEST_PANICKED);
}

/* The boot timer: a mark, the first time, by the VMM's clock. */
static void on_mark(void *opaque, uint8_t mark, uint64_t ns)
{
	struct machine *m = opaque;

	if (mark == BOOT_TIMER_MARK_INIT)
		m->init_ns = ns;
	report_mark(m->vm, mark, ns - m->start_ns);
}
/* book:end callbacks */

/*
 * The small devices (ACPI sleep, pvpanic, the boot timer) have no lock
 * of their own: with several vCPUs one lock serves the three, taken
 * around each access by this wrapper.  It is held while their callbacks
 * run (vm_stop(), which takes smp.lock; report_mark(), which prints), and
 * nothing that holds either of those takes it: no cycle.
 */
struct locked_device {
	bus_access_fn access;
	void *dev;
};

static pthread_mutex_t small_devices_lock = PTHREAD_MUTEX_INITIALIZER;

static void locked_access(void *opaque, uint64_t offset, uint8_t *data,
			  uint32_t len, bool is_write)
{
	const struct locked_device *d = opaque;

	pthread_mutex_lock(&small_devices_lock);
	d->access(d->dev, offset, data, len, is_write);
	pthread_mutex_unlock(&small_devices_lock);
}

/* book:begin legacy_devices */
/* The PC devices, each on its ports, COM1 and the i8042 on their ISA
 * interrupt lines; and the boot timer, in MMIO space.  COM1 and the i8042
 * lock themselves (the stdin reader feeds them too); the rest share
 * small_devices_lock. */
static void legacy_devices(struct vm *vm, struct machine *m)
{
	static struct locked_device sleep, pvpanic, boot_timer;
	const struct {
		uint64_t port, len;
		bus_access_fn access;
		void *dev;
		const char *name;
	} ranges[] = {
		{ MACHINE_COM1_PORT, SERIAL_16550_REGS, serial_16550_access,
		  &m->com1, "com1" },
		{ MACHINE_I8042_DATA_PORT, 1, i8042_data_access, &m->i8042,
		  "i8042 data" },
		{ MACHINE_I8042_CMD_PORT, 1, i8042_command_access, &m->i8042,
		  "i8042 command" },
		{ MACHINE_ACPI_SLEEP_CONTROL_PORT, ACPI_SLEEP_PORTS,
		  locked_access, &sleep, "acpi sleep" },
		{ MACHINE_PVPANIC_PORT, PVPANIC_PORTS, locked_access, &pvpanic,
		  "pvpanic" },
	};

	sleep = (struct locked_device){ acpi_sleep_access, &m->sleep };
	pvpanic = (struct locked_device){ pvpanic_access, &m->pvpanic };
	boot_timer =
		(struct locked_device){ boot_timer_access, &m->boot_timer };
	vm_irq_line_init(vm, &m->com1_irq, MACHINE_GSI_COM1);
	vm_irq_line_init(vm, &m->kbd_irq, MACHINE_GSI_I8042_KBD);
	serial_16550_init(&m->com1, &m->com1_irq, console_output, m);
	i8042_init(&m->i8042, &m->kbd_irq, on_reset, m);
	acpi_sleep_init(&m->sleep, on_power_off, m);
	pvpanic_init(&m->pvpanic, on_panic, m);
	boot_timer_init(&m->boot_timer, now_ns, on_mark, m);
	for (size_t i = 0; i < ARRAY_SIZE(ranges); i++)
		if (bus_register(&vm->pio, ranges[i].port, ranges[i].len,
				 ranges[i].access, ranges[i].dev,
				 ranges[i].name) < 0)
			die("bus_register: %s overlaps another device",
			    ranges[i].name);
	if (bus_register(&vm->mmio, MACHINE_BOOT_TIMER_ADDR, BOOT_TIMER_SIZE,
			 locked_access, &boot_timer, "boot timer") < 0)
		die("bus_register: the boot timer overlaps another device");
}
/* book:end legacy_devices */

/* book:begin virtio_window */
/*
 * The next virtio-mmio window, i: its interrupt line (GSI 16 + i, before
 * the device is made: the transport keeps a pointer to it); then, once
 * the device exists, its registers on the MMIO bus and its entry for the
 * DSDT, the same window and line.
 */
static struct irq_line *virtio_line(struct vm *vm, struct machine *m)
{
	unsigned int i = m->nr_virtio;

	vm_irq_line_init(vm, &m->virtio_irq[i], MACHINE_GSI_VIRTIO + i);
	return &m->virtio_irq[i];
}

static void virtio_window(struct vm *vm, struct machine *m,
			  struct virtio_mmio *t, const char *name)
{
	unsigned int i = m->nr_virtio++;
	uint64_t base = MACHINE_VIRTIO_BASE + i * MACHINE_VIRTIO_STRIDE;

	m->windows[i] = (struct acpi_mmio_device){
		.base = base,
		.size = VIRTIO_MMIO_SIZE,
		.gsi = MACHINE_GSI_VIRTIO + i,
	};
	if (bus_register(&vm->mmio, base, VIRTIO_MMIO_SIZE, virtio_mmio_access,
			 t, name) < 0)
		die("bus_register: %s overlaps another device", name);
}
/* book:end virtio_window */

/* What an error of virtio_blk_init() means for the user's --disk. */
static const char *disk_error(int err)
{
	switch (err) {
	case -EISDIR:
		return "is a directory";
	case -EINVAL:
		return "is neither a regular file nor a block device";
	case -EBUSY:
		return "is in use: a lock on it is held (another VMM, or another --disk)";
	default:
		return strerror(-err);
	}
}

/* virtio-console, then a virtio-blk per --disk, in command-line order. */
static void virtio_devices(struct vm *vm, struct machine *m)
{
	const struct options *o = vm->opts;
	char shown[SHOWN_MAX];
	int err;

	if (virtio_console_init(&m->console, console_output, m, &vm->mem,
				virtio_line(vm, m)) < 0)
		die("virtio_console_init: cannot set up the console");
	m->console.mmio.stop = &vm->stopping;
	virtio_window(vm, m, &m->console.mmio, "virtio-console");
	for (unsigned int d = 0; d < o->disk_count; d++) {
		err = virtio_blk_init(&m->disks[d], o->disks[d].path,
				      o->disks[d].read_only, &vm->mem,
				      virtio_line(vm, m));
		if (err < 0)
			bad_input("--disk '%s': %s",
				  console_shown(shown, o->disks[d].path),
				  disk_error(err));
		m->disks[d].mmio.stop = &vm->stopping;
		virtio_window(vm, m, &m->disks[d].mmio, "virtio-blk");
		m->nr_disks++;
	}
}

/* book:begin net_device */
/*
 * --net: the tap (one that cannot be opened is bad input: nothing has run
 * yet), then the card on the next window, its work for the I/O thread.
 */
static void net_device(struct vm *vm, struct machine *m)
{
	struct net_option opt = vm->opts->net;
	const char *failed;
	char shown[SHOWN_MAX];
	struct tap tap;
	int err;

	err = tap_open(opt.ifname, &tap, &failed);
	if (err)
		bad_input("--net '%s': %s: %s%s",
			  console_shown(shown, vm->opts->net_text), failed,
			  strerror(-err), tap_hint(err, failed));
	if (!opt.mac_given)
		net_mac_from_name(tap.name, opt.mac);
	if ((err = iothread_init(&m->io)) < 0)
		die("iothread_init: %s", strerror(-err));
	err = virtio_net_init(&m->net, tap.fd, opt.mac, !opt.no_offloads,
			      &vm->mem, virtio_line(vm, m));
	if (err < 0)
		die("virtio_net_init: %s", strerror(-err));
	m->net_window =
		MACHINE_VIRTIO_BASE + m->nr_virtio * MACHINE_VIRTIO_STRIDE;
	virtio_window(vm, m, &m->net.mmio, "virtio-net");
	memcpy(m->tap, tap.name, sizeof(m->tap));
}

/*
 * Once the VM exists, before its vCPU runs: a QueueNotify write to the
 * card signals the queue's eventfd inside the hypervisor, with no exit
 * (the backend's ioeventfd: KVM_IOEVENTFD; the value written is the
 * queue's index), and the I/O thread, which reads those and the tap,
 * starts.  A backend without it leaves the write to exit, and the
 * card's notify handler signals the same eventfd (virtio/net.c).
 */
void machine_start_io(struct vm *vm)
{
	struct machine *m = vm->machine;
	uint64_t notify = m->net_window + VIRTIO_MMIO_QUEUE_NOTIFY;
	int err;

	if (!m->tap[0])
		return;
	for (uint32_t q = 0; q < VIRTIO_NET_QUEUES && vm->hv->ioeventfd; q++)
		hv_vm_check(vm, vm->hv->ioeventfd(&vm->hv_vm, notify,
						  sizeof(uint32_t), q,
						  m->net.kick_fd[q]));
	if ((err = virtio_net_attach(&m->net, &m->io)) < 0)
		die("virtio_net_attach: %s", strerror(-err));
	if ((err = iothread_start(&m->io)) < 0)
		die("iothread_start: %s", strerror(-err));
}

/* After the vCPU stopped, before guest RAM goes: the thread, the tap. */
void machine_stop_io(struct vm *vm)
{
	struct machine *m = vm->machine;

	if (!m->tap[0])
		return;
	iothread_exit(&m->io);
	virtio_net_exit(&m->net);
}
/* book:end net_device */

/*
 * The machine's devices, before KVM: nothing here touches it yet (the
 * interrupt lines call KVM_IRQ_LINE only when a device raises one).
 */
void machine_create(struct vm *vm, uint64_t start_ns)
{
	struct machine *m = calloc(1, sizeof(*m));

	if (!m)
		die_perror("calloc machine");
	m->vm = vm;
	m->start_ns = start_ns;
	vm->machine = m;
	legacy_devices(vm, m);
	virtio_devices(vm, m);
	if (vm->opts->net_text)
		net_device(vm, m);
}

/* What the ACPI tables say this machine is: exactly what was created. */
struct acpi_machine machine_acpi(const struct machine *m)
{
	return (struct acpi_machine){
		.cpus = m->vm->opts->cpus, /* APIC IDs 0..cpus-1: smp.c */
		.virtio = m->windows,
		.nr_virtio = m->nr_virtio,
		.com1 = true,
		.pvpanic = true,
	};
}

/* book:begin stdin */
/*
 * Hand the guest as much of buf as its console takes now: COM1's receive
 * FIFO (16 bytes) or virtio-console's input buffer.  Returns the bytes
 * taken; 0 when the guest has not drained what it was given yet.
 */
static size_t feed(struct machine *m, const uint8_t *buf, size_t len)
{
	size_t room;

	if (m->vm->opts->console == CONSOLE_VIRTIO)
		return virtio_console_input(&m->console, buf, len);
	room = serial_16550_rx_room(&m->com1);
	return serial_16550_receive(&m->com1, buf, len < room ? len : room);
}

/*
 * The VMM's stdin, read on a thread of its own so that a read that waits
 * never holds up the vCPU; given to the guest no faster than it takes it.
 * At end of file the thread ends: a serial line has no "end", the guest
 * just hears nothing more.
 */
static void *stdin_reader(void *opaque)
{
	const struct timespec wait = { .tv_nsec = STDIN_WAIT_NS };
	struct machine *m = opaque;
	uint8_t buf[STDIN_CHUNK];
	ssize_t n;

	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		for (size_t off = 0, took; off < (size_t)n; off += took) {
			took = feed(m, buf + off, (size_t)n - off);
			if (!took)
				nanosleep(&wait, NULL);
		}
	}
	return NULL;
}
/* book:end stdin */

/*
 * Start reading stdin, with SIGALRM blocked in the reader: the time
 * budget's alarm must interrupt the vCPU's KVM_RUN (budget.c), not a
 * read(), and the kernel hands a process's signal to any thread that
 * does not block it.
 */
void machine_start_input(struct vm *vm)
{
	sigset_t alarm_only, old;

	sigemptyset(&alarm_only);
	sigaddset(&alarm_only, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &alarm_only, &old);
	if (pthread_create(&vm->machine->input, NULL, stdin_reader,
			   vm->machine) != 0)
		die("pthread_create: cannot start the stdin reader");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_detach(vm->machine->input);
}
