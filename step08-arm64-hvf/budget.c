/*
 * budget.c - what a guest may spend of its host: run time (--timeout), and
 * the VMM's notes about single exits.  Nothing a guest does can keep the
 * VMM busy forever or flood the host's terminal.
 *
 * Runs: userspace (the VMM), in each VM's process.
 * Spec: hv.h (run, kick); Documentation/virt/kvm/api.rst, "KVM_RUN" (a
 * signal makes it return EINTR); alarm(2), sigaction(2).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <unistd.h>

#include "budget.h"
#include "console.h"

/* book:begin budget */
/*
 * The time budget.  A guest that never exits (a tight loop) never gives
 * the run loop control back, so the budget is a signal: SIGALRM makes the
 * backend's run() return (kvm-x86: KVM_RUN returns EINTR), and its kick()
 * makes run() return at once should the signal land while we were busy
 * handling an exit (kvm-x86: immediate_exit).  With several vCPUs the
 * kernel hands the process's SIGALRM to any one thread that does not
 * block it (only vCPU threads do not): the vCPU kicked is that thread's
 * own (budget_vcpu is thread-local), and the run loop that sees the
 * budget spent stops the VM, which kicks the other vCPUs.
 */
static volatile sig_atomic_t over_budget;
static __thread struct hyp_vcpu *budget_vcpu;
static struct vm *budget_vm;

static void on_alarm(int sig)
{
	(void)sig;
	over_budget = 1;
	/* vm->stopping: a device's loop (virtio) ends too */
	__atomic_store_n(&budget_vm->stopping, true, __ATOMIC_RELAXED);
	if (budget_vcpu)
		budget_vm->hv->kick(budget_vcpu);
}

/* This thread runs this vCPU: the alarm, should it land here, stops it. */
void budget_thread(struct hyp_vcpu *vcpu)
{
	budget_vcpu = vcpu;
}

void budget_start(struct vm *vm)
{
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART */

	budget_vm = vm;
	budget_vcpu = &vm->vcpu;
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		die_perror("sigaction SIGALRM");
	alarm(vm->opts->timeout);
}
/* book:end budget */

void budget_stop(void)
{
	alarm(0);
}

/* Has the guest run out of time? */
bool budget_spent(void)
{
	return over_budget;
}

/*
 * May the VMM print a note about this exit (an MMIO write, an access to
 * nothing)?  A guest can cause such exits in a loop, so only the first
 * EXIT_NOTES_MAX are shown; the exit counts still count every one.  Any
 * vCPU thread may ask: the count is atomic.
 */
bool note_allowed(struct vm *vm)
{
	unsigned int n;

	if (__atomic_load_n(&vm->notes, __ATOMIC_RELAXED) > EXIT_NOTES_MAX)
		return false; /* (so that the count never wraps) */
	n = __atomic_fetch_add(&vm->notes, 1, __ATOMIC_RELAXED);
	if (n > EXIT_NOTES_MAX)
		return false;
	if (n < EXIT_NOTES_MAX)
		return true;
	vmm_say("(further notes like these are not shown; the exit counts have them all)");
	return false;
}
