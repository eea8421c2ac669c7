/*
 * report.c - what the VMM saw of a run, once the guest stopped: how it
 * ended (halted, EXIT, out of time, failed), the guest's result from the
 * three places it left it, the exits by name, the hypercalls.  The VMM
 * reports; whoever ran it judges.
 *
 * Two readers, two channels.  A person reads the console, where the VMM's
 * lines ("vmm: ...") stand among the guest's ("guest: ...").  A program
 * reads the report file (--report FILE), key=value lines that only the VMM
 * writes:
 *   end=halted|failed|exited|over-budget   how the run ended
 *   status=N                 the VM's exit status
 *   last_exit=KVM_EXIT_...   the exit that ended it
 *   result=N agree=yes|no    (halted) the accumulator; did memory and the
 *                            MMIO register hold the same?
 *   hypercalls=N rejected=N  calls made, and how many were rejected
 *   output_dropped=N         console bytes beyond the budget
 * With several VMs, each VM's lines reach the parent through a pipe of its
 * own, and the parent writes them prefixed "vmK." (see vms.c); for a VM
 * that wrote none, "vmK.end=killed" and its signal, or "vmK.end=vmm-failed"
 * and its status; then the totals: vms, status, hypercalls, rejected.
 *
 * Linux's report is written as things happen, each line flushed, so that
 * a VMM killed halfway leaves what it knew by then:
 *   kernel=RELEASE devices=LIST   at load (the release from the bzImage)
 *   cpus=N                        and the vCPUs (--cpus)
 *   init_ms=N                     the boot timer's init mark, N ms after
 *   markK_ms=N                    the VMM started; other marks likewise
 * and when the guest stops: end=powered-off|reset|panicked|over-budget|
 * failed, status, last_exit, reset_by (what reset it), serial.* and
 * console.* (bytes each way), diskI.* (requests, statuses, bytes, flushes),
 * net.* (with --net: the tap, packets and bytes each way, drops),
 * unclaimed (accesses no device decoded), exits.KVM_EXIT_*.
 *
 * Runs: userspace (the VMM), after the run loop.
 * Spec: hv.h (get_reg, exit_name).
 */
#include <limits.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "budget.h"
#include "console.h"
#include "exit_names.h"
#include "layout.h"
#include "machine.h"
#include "report.h"
#include "stats.h"
#include "vcpu.h"

#define LINE_MAX_REPORT 1024 /* one line of the report, built in pieces */
#define NS_PER_MS	1000000ULL

/* book:begin check_result */
/*
 * The guest left its answer in the accumulator (ax, eax or rax), at
 * GUEST_RESULT_ADDR in its memory and, above real mode, in the MMIO result
 * register.  They agree, or they do not.
 */
static void check_result(struct vm *vm, struct vm_report *r)
{
	size_t width = mode_result_width(vm->opts->mode);
	uint64_t mask = width == sizeof(uint64_t)
				? ~0ULL
				: (1ULL << (width * CHAR_BIT)) - 1;
	uint64_t mem = 0;
	uint64_t rax;

	hv_vcpu_check(vm, vm->hv->get_reg(&vm->vcpu, HYP_REG_RAX, &rax));
	memcpy(&mem, vm->mem.base + GUEST_RESULT_ADDR, width);
	r->result = rax & mask;
	r->agree = r->result == mem;
	if (vm->opts->mode != MODE_REAL)
		r->agree = r->agree && vm->mmio_seen &&
			   vm->mmio_value == r->result;
}
/* book:end check_result */

void report_collect(struct vm *vm, enum run_end end, struct vm_report *r)
{
	*r = (struct vm_report){ .end = end,
				 .last_exit =
					 vm->hv->exit_name(vm->exit.reason),
				 .status = EXIT_GUEST_FAILED,
				 .output_dropped = vm->hc.output_dropped };
	stats_totals(vm, &r->hypercalls, &r->rejected);
	switch (end) {
	case GUEST_HALTED:
		check_result(vm, r);
		if (r->agree)
			r->status = EXIT_SUCCESS;
		break;
	case GUEST_EXITED:
		r->status = vm->hc.exit_code;
		break;
	case GUEST_OVER_BUDGET:
		r->status = EXIT_OVER_BUDGET;
		break;
	default: /* failed; Linux's ends are not a flat guest's */
		break;
	}
}

static void print_result(const struct vm *vm, const struct vm_report *r)
{
	static const char *const acc[] = {
		[sizeof(uint16_t)] = "ax",
		[sizeof(uint32_t)] = "eax",
		[sizeof(uint64_t)] = "rax",
	};
	size_t width = mode_result_width(vm->opts->mode);
	char line[LINE_MAX_REPORT];
	uint64_t mem = 0;
	int len;

	memcpy(&mem, vm->mem.base + GUEST_RESULT_ADDR, width);
	len = snprintf(line, sizeof(line), "%s=%llu memory[%#x]=%llu",
		       acc[width], (unsigned long long)r->result,
		       GUEST_RESULT_ADDR, (unsigned long long)mem);
	if (vm->opts->mode != MODE_REAL)
		snprintf(line + len, sizeof(line) - len, " mmio[%#x]=%llu",
			 GUEST_MMIO_RESULT, (unsigned long long)vm->mmio_value);
	vmm_say("%s %s", line, r->agree ? "(agree)" : "(DISAGREE)");
	if (r->agree)
		vmm_say("%s mode guest halted: result=%llu",
			mode_name(vm->opts->mode),
			(unsigned long long)r->result);
}

static void print_exit_counts(const struct vm *vm)
{
	char line[LINE_MAX_REPORT] = "";
	size_t len = 0;

	for (uint32_t i = 0; i < EXIT_REASONS_COUNTED; i++)
		if (vm->exits[i] && len < sizeof(line))
			len += snprintf(line + len, sizeof(line) - len,
					" %s=%llu", vm->hv->exit_name(i),
					(unsigned long long)vm->exits[i]);
	vmm_say("exits:%s", line);
}

/* book:begin report_write */
static const char *const run_ends[] = {
	[GUEST_RUNNING] = "running",
	[GUEST_HALTED] = "halted",
	[GUEST_FAILED] = "failed",
	[GUEST_EXITED] = "exited",
	[GUEST_OVER_BUDGET] = "over-budget",
	[GUEST_POWERED_OFF] = "powered-off",
	[GUEST_RESET] = "reset",
	[GUEST_PANICKED] = "panicked",
};

/*
 * The report for a program: a file (from a VM's process, a pipe to the
 * parent) the guest has no way to write.
 */
void report_write(FILE *f, const struct vm_report *r)
{
	fprintf(f, "end=%s\nstatus=%d\nlast_exit=%s\n", run_ends[r->end],
		r->status, r->last_exit);
	if (r->end == GUEST_HALTED)
		fprintf(f, "result=%llu\nagree=%s\n",
			(unsigned long long)r->result, r->agree ? "yes" : "no");
	fprintf(f, "hypercalls=%llu\nrejected=%llu\noutput_dropped=%llu\n",
		(unsigned long long)r->hypercalls,
		(unsigned long long)r->rejected,
		(unsigned long long)r->output_dropped);
	if (fflush(f) != 0)
		die("--report: %s", strerror(errno));
}
/* book:end report_write */

void report_print(const struct vm *vm, const struct vm_report *r)
{
	switch (r->end) {
	case GUEST_HALTED:
		print_result(vm, r);
		break;
	case GUEST_EXITED:
		vmm_say("the guest called EXIT(%d)", vm->hc.exit_code);
		break;
	case GUEST_OVER_BUDGET:
		vmm_say("stopped the guest: it ran out of its time budget of %u s (--timeout)",
			vm->opts->timeout);
		break;
	default:
		break;
	}
	print_exit_counts(vm);
	stats_print(vm);
}

/* book:begin report_linux */
/* One line of Linux's report, on its way at once: the VMM may be killed. */
static void report_line(const struct vm *vm, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void report_line(const struct vm *vm, const char *fmt, ...)
{
	FILE *f = vm->opts->report;
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	if (fflush(f) != 0)
		die("--report: %s", strerror(errno));
}

/* At load: the kernel's release (from its file) and the devices made. */
void report_loaded(const struct vm *vm)
{
	const struct machine *m = vm->machine;
	char list[LINE_MAX_REPORT] = "serial,i8042,acpi-sleep,pvpanic,"
				     "boot-timer,virtio-console";
	size_t len = strlen(list);

	for (unsigned int i = 0; i < m->nr_disks && len < sizeof(list); i++)
		len += snprintf(list + len, sizeof(list) - len, ",virtio-blk");
	if (m->tap[0] && len < sizeof(list))
		snprintf(list + len, sizeof(list) - len, ",virtio-net");
	report_line(vm, "kernel=%s", m->release);
	report_line(vm, "devices=%s", list);
	report_line(vm, "cpus=%u", vm->opts->cpus);
}

/* The boot timer's mark, ns after the VMM started. */
void report_mark(const struct vm *vm, uint8_t mark, uint64_t ns)
{
	unsigned long long ms = ns / NS_PER_MS;

	if (mark == BOOT_TIMER_MARK_INIT) {
		vmm_say("boot timer: the guest's init started %llu ms after the VMM",
			ms);
		report_line(vm, "init_ms=%llu", ms);
		return;
	}
	vmm_say("boot timer: mark %u at %llu ms", mark, ms);
	report_line(vm, "mark%u_ms=%llu", mark, ms);
}
/* book:end report_linux */

/* How Linux ended, for the console; and its exit status. */
static int linux_end(struct vm *vm, enum run_end end)
{
	switch (end) {
	case GUEST_POWERED_OFF:
		vmm_say("the guest powered the machine off (ACPI S5)");
		return EXIT_SUCCESS;
	case GUEST_RESET:
		vmm_say("the guest reset the machine (%s)",
			vm->machine->reset_by ? vm->machine->reset_by
					      : "a triple fault");
		return EXIT_GUEST_RESET;
	case GUEST_PANICKED:
		vmm_say("the guest panicked (pvpanic)");
		return EXIT_GUEST_PANICKED;
	case GUEST_OVER_BUDGET:
		vmm_say("stopped the guest: it ran out of its time budget of %u s (--timeout); it was here:",
			vm->opts->timeout);
		vcpu_dump(vm);
		return EXIT_OVER_BUDGET;
	default:
		return EXIT_GUEST_FAILED;
	}
}

/* The consoles' bytes each way, read under their devices' locks (the
 * stdin reader may still be giving them input). */
static void report_consoles(struct vm *vm)
{
	struct machine *m = vm->machine;
	uint64_t s_tx, s_rx, c_tx, c_rx;

	pthread_mutex_lock(&m->com1.lock);
	s_tx = m->com1.tx_bytes;
	s_rx = m->com1.rx_bytes;
	pthread_mutex_unlock(&m->com1.lock);
	virtio_mmio_lock(&m->console.mmio);
	c_tx = m->console.stats.tx_bytes;
	c_rx = m->console.stats.rx_bytes;
	virtio_mmio_unlock(&m->console.mmio);
	report_line(vm, "serial.tx_bytes=%llu", (unsigned long long)s_tx);
	report_line(vm, "serial.rx_bytes=%llu", (unsigned long long)s_rx);
	report_line(vm, "console.tx_bytes=%llu", (unsigned long long)c_tx);
	report_line(vm, "console.rx_bytes=%llu", (unsigned long long)c_rx);
	if (vm->opts->stats)
		vmm_say("com1: %llu bytes out, %llu in; virtio-console: %llu out, %llu in",
			(unsigned long long)s_tx, (unsigned long long)s_rx,
			(unsigned long long)c_tx, (unsigned long long)c_rx);
}

/* Each disk: what the guest asked of it, and how it was answered. */
static void report_disks(const struct vm *vm)
{
	const struct machine *m = vm->machine;

	for (unsigned int i = 0; i < m->nr_disks; i++) {
		const struct virtio_blk_stats *st = &m->disks[i].stats;

		report_line(
			vm,
			"disk%u.read_only=%s\ndisk%u.requests=%llu\ndisk%u.ok=%llu\ndisk%u.ioerr=%llu\ndisk%u.unsupp=%llu",
			i, m->disks[i].read_only ? "yes" : "no", i,
			(unsigned long long)st->requests, i,
			(unsigned long long)st->status_ok, i,
			(unsigned long long)st->status_ioerr, i,
			(unsigned long long)st->status_unsupp);
		report_line(
			vm,
			"disk%u.bytes_read=%llu\ndisk%u.bytes_written=%llu\ndisk%u.flushes=%llu",
			i, (unsigned long long)st->bytes_read, i,
			(unsigned long long)st->bytes_written, i,
			(unsigned long long)st->syncs);
		if (vm->opts->stats)
			vmm_say("disk %u: %llu requests, %llu bytes read, %llu written, %llu flushes",
				i, (unsigned long long)st->requests,
				(unsigned long long)st->bytes_read,
				(unsigned long long)st->bytes_written,
				(unsigned long long)st->syncs);
	}
}

/*
 * The network card (after the I/O thread stopped: nothing else writes
 * its statistics): packets and bytes each way, headers excluded, and
 * the packets dropped, for whatever reason (virtio/net.h names them).
 */
static void report_net(const struct vm *vm)
{
	const struct machine *m = vm->machine;
	const struct virtio_net_stats *st = &m->net.stats;
	unsigned long long dropped = st->tx_bad_header + st->tx_runts +
				     st->tx_oversize + st->tx_errors +
				     st->rx_bad_header + st->rx_too_big +
				     st->rx_runts + st->rx_oversize;

	if (!m->tap[0])
		return;
	report_line(vm, "net.tap=%s\nnet.tx_packets=%llu\nnet.tx_bytes=%llu",
		    m->tap, (unsigned long long)st->tx_packets,
		    (unsigned long long)st->tx_bytes);
	report_line(vm,
		    "net.rx_packets=%llu\nnet.rx_bytes=%llu\nnet.dropped=%llu",
		    (unsigned long long)st->rx_packets,
		    (unsigned long long)st->rx_bytes, dropped);
	if (vm->opts->stats)
		vmm_say("virtio-net: %llu packets (%llu bytes) out, %llu (%llu bytes) in, %llu dropped, %llu waited for buffers",
			(unsigned long long)st->tx_packets,
			(unsigned long long)st->tx_bytes,
			(unsigned long long)st->rx_packets,
			(unsigned long long)st->rx_bytes, dropped,
			(unsigned long long)st->rx_waits);
}

/* --stats: how many accesses each device decoded, in bus order. */
static void print_device_accesses(const struct vm *vm)
{
	const struct bus *buses[] = { &vm->pio, &vm->mmio };
	char line[LINE_MAX_REPORT] = "";
	size_t len = 0;

	for (size_t b = 0; b < sizeof(buses) / sizeof(buses[0]); b++)
		for (unsigned int i = 0; i < buses[b]->count; i++) {
			const struct bus_range *r = &buses[b]->ranges[i];

			if (r->accesses && len < sizeof(line))
				len += snprintf(
					line + len, sizeof(line) - len,
					" %s=%llu", r->name,
					(unsigned long long)r->accesses);
		}
	vmm_say("device accesses:%s; no device: %llu", line,
		(unsigned long long)vm->unclaimed);
}

/* book:begin report_linux_end */
/*
 * Linux stopped: say how, and write the rest of the report.  Returns the
 * VMM's exit status.
 */
int report_linux(struct vm *vm, enum run_end end)
{
	const struct machine *m = vm->machine;
	int status = linux_end(vm, end);

	if (m->init_ns)
		vmm_say("init started after %llu ms",
			(unsigned long long)(m->init_ns - m->start_ns) /
				NS_PER_MS);
	else
		vmm_say("the guest's init never started (no boot timer mark)");
	print_exit_counts(vm);
	if (vm->opts->stats)
		print_device_accesses(vm);
	report_line(vm, "end=%s\nstatus=%d\nlast_exit=%s", run_ends[end],
		    status, vm->hv->exit_name(vm->exit.reason));
	if (end == GUEST_RESET)
		report_line(vm, "reset_by=%s",
			    m->reset_by ? "i8042" : "triple-fault");
	report_consoles(vm);
	report_disks(vm);
	report_net(vm);
	report_line(vm, "unclaimed=%llu", (unsigned long long)vm->unclaimed);
	for (uint32_t i = 0; i < EXIT_REASONS_COUNTED; i++)
		if (vm->exits[i])
			report_line(vm, "exits.%s=%llu", vm->hv->exit_name(i),
				    (unsigned long long)vm->exits[i]);
	return status;
}
/* book:end report_linux_end */
