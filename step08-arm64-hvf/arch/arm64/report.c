/*
 * report.c (arm64) - what the arm64 VMM saw, for the person (one line)
 * and for a program (--report: key=value lines only the VMM writes).
 *
 * Runs: userspace (the arm64 VMM), once the run has ended (and the I/O
 * thread has stopped: nothing else writes the network card's counts).
 * Spec: none; hv.h (exit_name); virtio/net.h (what each count counts).
 */
#define _GNU_SOURCE
#include <stdio.h>

#include "arch/arm64/vm.h"
#include "console.h"

/* book:begin report */
/* marks=1,18: the boot timer's marks the guest wrote, in order. */
static void report_marks(const struct arm64_machine *m, FILE *f)
{
	const char *sep = "";

	fputs("marks=", f);
	for (unsigned int i = 0; i < BOOT_TIMER_MARKS; i++)
		if (m->marks[i / 64] & (1ULL << (i % 64))) {
			fprintf(f, "%s%u", sep, i);
			sep = ",";
		}
	fputc('\n', f);
}

/*
 * The network card, as step07's x86 report has it: the tap, packets and
 * bytes each way (headers excluded), and the packets dropped, for
 * whatever reason (virtio/net.h names them); with --stats, a line too.
 */
static unsigned long long net_dropped(const struct virtio_net_stats *st)
{
	return st->tx_bad_header + st->tx_runts + st->tx_oversize +
	       st->tx_errors + st->rx_bad_header + st->rx_too_big +
	       st->rx_runts + st->rx_oversize;
}

static void say_net(const struct arm64_machine *m)
{
	const struct virtio_net_stats *st = &m->net.stats;

	vmm_say("virtio-net: %llu packets (%llu bytes) out, %llu (%llu bytes) in, %llu dropped, %llu waited for buffers",
		(unsigned long long)st->tx_packets,
		(unsigned long long)st->tx_bytes,
		(unsigned long long)st->rx_packets,
		(unsigned long long)st->rx_bytes, net_dropped(st),
		(unsigned long long)st->rx_waits);
}

static void report_net(const struct arm64_machine *m, FILE *f)
{
	const struct virtio_net_stats *st = &m->net.stats;

	fprintf(f, "net.tap=%s\nnet.tx_packets=%llu\nnet.tx_bytes=%llu\n",
		m->tap, (unsigned long long)st->tx_packets,
		(unsigned long long)st->tx_bytes);
	fprintf(f, "net.rx_packets=%llu\nnet.rx_bytes=%llu\nnet.dropped=%llu\n",
		(unsigned long long)st->rx_packets,
		(unsigned long long)st->rx_bytes, net_dropped(st));
}

void arm64_report(struct arm64_machine *m, FILE *f)
{
	uint64_t calls = 0, rejected = 0;
	char line[512];
	size_t len = 0;

	for (unsigned int i = 0; i < HC_SLOTS; i++) {
		calls += m->hc.stats[i].calls;
		rejected += m->hc.stats[i].rejected;
	}
	for (unsigned int i = 0; i < EXITS_COUNTED; i++)
		if (m->exits[i] && len < sizeof(line))
			len += (size_t)snprintf(
				line + len, sizeof(line) - len, " %s=%llu",
				m->hv->exit_name(i),
				(unsigned long long)m->exits[i]);
	if (m->o.kernel)
		vmm_say("init started after %llu ms",
			(unsigned long long)(m->init_ns ? (m->init_ns -
							   m->start_ns) /
								  NS_PER_MS
							: 0));
	vmm_say("backend %s; ended: %s, status %d; exits:%s; unclaimed MMIO %llu; hypercalls %llu, rejected %llu",
		m->hv->name, m->end, m->status, len ? line : " none",
		(unsigned long long)m->unclaimed, (unsigned long long)calls,
		(unsigned long long)rejected);
	if (m->tap[0] && m->o.stats)
		say_net(m);
	if (!f)
		return;
	fprintf(f, "backend=%s\nend=%s\nstatus=%d\nlast_exit=%s\n", m->hv->name,
		m->end, m->status, m->hv->exit_name(m->last_exit));
	if (m->init_ns)
		fprintf(f, "init_ms=%llu\n",
			(unsigned long long)((m->init_ns - m->start_ns) /
					     NS_PER_MS));
	if (m->o.kernel) {
		fprintf(f, "kernel=%s\n", m->release);
		report_marks(m, f);
	}
	fprintf(f, "cpus=%u\nhypercalls=%llu\nrejected=%llu\nunclaimed=%llu\n",
		m->o.cpus, (unsigned long long)calls,
		(unsigned long long)rejected, (unsigned long long)m->unclaimed);
	for (unsigned int i = 0; i < EXITS_COUNTED; i++)
		if (m->exits[i])
			fprintf(f, "exits.%s=%llu\n", m->hv->exit_name(i),
				(unsigned long long)m->exits[i]);
	if (m->tap[0])
		report_net(m, f);
	fflush(f);
}
/* book:end report */