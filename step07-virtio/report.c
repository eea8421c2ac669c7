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
 * Runs: userspace (the VMM), after the run loop.
 * Spec: Documentation/virt/kvm/api.rst, "KVM_GET_REGS".
 */
#include <limits.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "budget.h"
#include "console.h"
#include "exit_names.h"
#include "layout.h"
#include "report.h"
#include "stats.h"

#define LINE_MAX_REPORT 1024 /* one line of the report, built in pieces */

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
	struct kvm_regs regs;

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) < 0)
		die_perror("KVM_GET_REGS");
	memcpy(&mem, vm->mem + GUEST_RESULT_ADDR, width);
	r->result = regs.rax & mask;
	r->agree = r->result == mem;
	if (vm->opts->mode != MODE_REAL)
		r->agree = r->agree && vm->mmio_seen &&
			   vm->mmio_value == r->result;
}
/* book:end check_result */

void report_collect(struct vm *vm, enum run_end end, struct vm_report *r)
{
	*r = (struct vm_report){ .end = end,
				 .last_exit = vm->run->exit_reason,
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
	case GUEST_FAILED:
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

	memcpy(&mem, vm->mem + GUEST_RESULT_ADDR, width);
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
					" %s=%llu", kvm_exit_name(i),
					(unsigned long long)vm->exits[i]);
	vmm_say("exits:%s", line);
}

/* book:begin report_write */
static const char *const run_ends[] = {
	[GUEST_HALTED] = "halted",
	[GUEST_FAILED] = "failed",
	[GUEST_EXITED] = "exited",
	[GUEST_OVER_BUDGET] = "over-budget",
};

/*
 * The report for a program: a file (from a VM's process, a pipe to the
 * parent) the guest has no way to write.
 */
void report_write(FILE *f, const struct vm_report *r)
{
	fprintf(f, "end=%s\nstatus=%d\nlast_exit=%s\n", run_ends[r->end],
		r->status, kvm_exit_name(r->last_exit));
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
	case GUEST_FAILED:
		break;
	}
	print_exit_counts(vm);
	stats_print(vm);
}
