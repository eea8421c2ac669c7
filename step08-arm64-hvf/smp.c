/*
 * smp.c - several vCPUs for Linux (--cpus N): one thread per vCPU, each
 * creating, setting up and running its own; the application processors
 * started by the guest itself, through KVM's in-kernel local APICs; and
 * the run ended for all of them when it ends for one.
 *
 * Runs: userspace (the VMM), from linux_run(): smp_create() on the main
 * thread, which is vCPU 0's (the BSP's); smp_run() starts a thread for
 * each of vCPUs 1..N-1, runs vCPU 0 itself, and joins the others.
 * Spec: hv.h (vcpu_create on the thread that runs it, vm_ready, run,
 * kick); Documentation/virt/kvm/api.rst: "KVM_CREATE_VCPU" (the vcpu_id
 * is the APIC ID on x86; ioctls on a vCPU from the thread that created
 * it), "KVM_GET_MP_STATE"
 * (KVM_MP_STATE_UNINITIALIZED: an AP that has not received INIT), "KVM_RUN"
 * (EINTR on a signal), "The kvm_run structure" (immediate_exit); SDM Vol.
 * 3A, "Multiple-Processor (MP) Initialization" (INIT-SIPI-SIPI).
 *
 * How an AP starts.  With KVM_CREATE_IRQCHIP every vCPU but the boot CPU
 * (vcpu_id 0) is created waiting for INIT: its KVM_RUN blocks in the
 * kernel.  Linux on the BSP reads the MADT, then writes its local APIC's
 * ICR: INIT, then Startup IPIs (two: INIT-SIPI-SIPI) whose vector is the
 * page of its trampoline.  KVM's local APIC delivers them to the AP's
 * vCPU and starts it in real mode at that page; none of it comes to
 * userspace.  The VMM's part is to have every vCPU created and waiting
 * before the BSP runs (an IPI to an APIC ID that does not exist yet is
 * lost; Linux would give up on that CPU), and a thread inside KVM_RUN
 * for each.
 *
 * How the run ends.  Whichever vCPU's loop ends first (a device stopped
 * the VM, its time is up, it failed) calls vm_stop(), which kicks every
 * other vCPU: the backend's kick() (kvm-x86: immediate_exit set in its
 * kvm_run page, so that its next KVM_RUN returns at once), then SIGUSR1
 * to its thread, so that a KVM_RUN already under way returns EINTR.  Each loop then sees the VM stopped
 * and returns; smp_run() joins the threads.  A signal that ends the
 * process (SIGTERM, SIGKILL) ends every thread with it, as it ends one.
 *
 * Locks.  smp.lock protects the thread table: which vCPUs have a thread
 * and a vCPU a kick may touch.  It is a leaf: nothing else is
 * taken under it (pthread_kill is a system call).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "backends/kvm_x86.h"
#include "boot/acpi.h"
#include "budget.h"
#include "console.h"
#include "smp.h"
#include "vcpu.h"

#define SIG_VCPU_KICK SIGUSR1 /* out of KVM_RUN: the run is over */

_Static_assert(SMP_CPUS_MAX <= ACPI_CPUS_MAX,
	       "the MADT lists every vCPU --cpus allows");

struct smp_cpu {
	struct vcpu cpu;      /* hv and exit: vm's for vCPU 0, these below */
	struct hyp_vcpu hv;   /* an AP's backend vCPU ... */
	struct hyp_exit exit; /* ... and its last exit */
	pthread_t thread;     /* valid once started */
	bool started;	      /* it has a thread (under smp.lock) */
	bool created;	      /* its vCPU exists: a kick may touch it (ditto) */
	uint32_t mp_state;    /* KVM_GET_MP_STATE before it first ran */
	enum run_end end;     /* how its loop ended */
};

struct smp {
	struct vm *vm;
	struct smp_cpu *stopper;   /* whose thread stopped the VM (the lock) */
	unsigned int count;	   /* --cpus */
	pthread_mutex_t lock;	   /* the thread table (see the top) */
	pthread_barrier_t created; /* all vCPUs exist ... */
	pthread_barrier_t ready;   /* ... and the VM is ready: they run */
	struct smp_cpu cpus[];
};

static __thread struct smp_cpu *this_cpu; /* this thread's vCPU */

/* The kick only has to interrupt KVM_RUN: the handler has nothing to do. */
static void on_kick(int sig)
{
	(void)sig;
}

/* book:begin smp_kick */
/*
 * Every vCPU but the caller's out of run(), now or at its next entry.
 * Called by vm_stop(), once, from whichever thread stopped the VM.
 */
void smp_kick_all(struct vm *vm)
{
	struct smp *smp = vm->smp;

	if (!smp)
		return; /* a flat guest: one vCPU, this thread's */
	pthread_mutex_lock(&smp->lock);
	smp->stopper = this_cpu; /* NULL: not a vCPU's thread */
	for (unsigned int i = 0; i < smp->count; i++) {
		struct smp_cpu *c = &smp->cpus[i];

		if (c->created)
			vm->hv->kick(c->cpu.hv);
		if (c->started && !pthread_equal(c->thread, pthread_self()))
			pthread_kill(c->thread, SIG_VCPU_KICK);
	}
	pthread_mutex_unlock(&smp->lock);
}
/* book:end smp_kick */

/* book:begin smp_create */
/*
 * The table of vCPUs, vCPU 0 (already created on this thread, at Linux's
 * entry point) first; the kick's signal handler (no SA_RESTART: KVM_RUN
 * must return EINTR).  The APs are created by their own threads.  How
 * many vCPUs the hypervisor allows, the backend checked at vm_create.
 */
void smp_create(struct vm *vm)
{
	unsigned int n = vm->opts->cpus;
	struct sigaction sa = { .sa_handler = on_kick };
	struct smp *smp;

	smp = calloc(1, sizeof(*smp) + n * sizeof(smp->cpus[0]));
	if (!smp)
		die_perror("calloc vCPUs");
	smp->vm = vm;
	smp->count = n;
	for (unsigned int i = 0; i < n; i++) {
		struct smp_cpu *c = &smp->cpus[i];

		c->cpu = (struct vcpu){
			.vm = vm, .id = i, .hv = &c->hv, .exit = &c->exit
		};
	}
	smp->cpus[0].cpu.hv = &vm->vcpu;
	smp->cpus[0].cpu.exit = &vm->exit;
	smp->cpus[0].created = true;
	if (pthread_mutex_init(&smp->lock, NULL) != 0 ||
	    pthread_barrier_init(&smp->created, NULL, n) != 0 ||
	    pthread_barrier_init(&smp->ready, NULL, n) != 0)
		die("pthread: cannot set up the vCPU threads");
	if (sigaction(SIG_VCPU_KICK, &sa, NULL) < 0)
		die_perror("sigaction SIGUSR1");
	vm->smp = smp;
}
/* book:end smp_create */

/* Its KVM_MP_STATE_*: what KVM will do with it at the next KVM_RUN. */
static uint32_t mp_state(struct hyp_vcpu *vcpu)
{
	struct kvm_mp_state state;

	if (ioctl(kvm_x86_vcpu_fd(vcpu), KVM_GET_MP_STATE, &state) < 0)
		die_perror("KVM_GET_MP_STATE");
	return state.mp_state;
}

/*
 * An AP's vCPU, made by the thread that will run it: the backend's
 * vcpu_create with its index, which is its APIC ID (kvm-x86 gives it its
 * CPUID and MSRs: x86_cpu.c), then published in the table for the kick.
 * Had the run already stopped (it cannot yet, but the rule costs one
 * line), it would not enter the guest at all.
 */
static void ap_create(struct smp *smp, struct smp_cpu *c)
{
	struct vm *vm = smp->vm;

	vcpu_open(&c->cpu);
	c->mp_state = mp_state(c->cpu.hv);
	pthread_mutex_lock(&smp->lock);
	c->created = true;
	if (vm_stopped(vm) != GUEST_RUNNING)
		vm->hv->kick(c->cpu.hv);
	pthread_mutex_unlock(&smp->lock);
}

/* book:begin ap_thread */
/* One AP: created here, waits for the others, runs until the VM stops. */
static void *ap_thread(void *opaque)
{
	struct smp_cpu *c = opaque;
	struct smp *smp = c->cpu.vm->smp;

	ap_create(smp, c);
	this_cpu = c;
	budget_thread(c->cpu.hv);
	pthread_barrier_wait(&smp->created);
	pthread_barrier_wait(&smp->ready);
	c->end = vcpu_loop(&c->cpu);
	vm_stop(smp->vm, c->end);
	return NULL;
}
/* book:end ap_thread */
static const char *mp_state_name(uint32_t state)
{
	switch (state) {
	case KVM_MP_STATE_RUNNABLE:
		return "KVM_MP_STATE_RUNNABLE";
	case KVM_MP_STATE_UNINITIALIZED:
		return "KVM_MP_STATE_UNINITIALIZED";
	case KVM_MP_STATE_INIT_RECEIVED:
		return "KVM_MP_STATE_INIT_RECEIVED";
	case KVM_MP_STATE_HALTED:
		return "KVM_MP_STATE_HALTED";
	case KVM_MP_STATE_SIPI_RECEIVED:
		return "KVM_MP_STATE_SIPI_RECEIVED";
	default:
		return "KVM_MP_STATE_(unknown)";
	}
}

/*
 * A thread per AP, each in the table before the lock is let go, so that
 * a kick from any of them finds all; vCPU 0 is this thread.
 */
static void start_aps(struct smp *smp)
{
	pthread_mutex_lock(&smp->lock);
	smp->cpus[0].thread = pthread_self();
	smp->cpus[0].started = true;
	for (unsigned int i = 1; i < smp->count; i++) {
		if (pthread_create(&smp->cpus[i].thread, NULL, ap_thread,
				   &smp->cpus[i]) != 0)
			die("pthread_create: cannot start vCPU %u's thread", i);
		smp->cpus[i].started = true;
	}
	pthread_mutex_unlock(&smp->lock);
}

/* What each vCPU did, once all are joined (--cpus 2 and more). */
static void say_vcpus(const struct smp *smp)
{
	for (unsigned int i = 0; i < smp->count && smp->count > 1; i++)
		vmm_say("vCPU %u (APIC ID %u): %llu exits to the VMM", i,
			smp->cpus[i].cpu.id,
			(unsigned long long)smp->cpus[i].cpu.exits);
}

/* book:begin smp_run */
/*
 * Run every vCPU until the VM stops: the APs on threads of their own,
 * created, set up and waiting (KVM_MP_STATE_UNINITIALIZED) before the BSP
 * runs; vCPU 0 here.  Returns how the run ended: the first reason any
 * vCPU or device gave.  vm->exit is then the last exit of the vCPU that
 * stopped the VM, whose reason the report shows.
 */
enum run_end smp_run(struct vm *vm)
{
	struct smp *smp = vm->smp;

	this_cpu = &smp->cpus[0];
	start_aps(smp);
	pthread_barrier_wait(&smp->created);
	hv_vm_check(vm, vm->hv->vm_ready(&vm->hv_vm)); /* every vCPU exists */
	pthread_barrier_wait(&smp->ready);
	for (unsigned int i = 1; i < smp->count; i++)
		vmm_say("vCPU %u (APIC ID %u): %s, waiting in KVM_RUN for the guest's INIT and SIPI",
			i, smp->cpus[i].cpu.id,
			mp_state_name(smp->cpus[i].mp_state));
	smp->cpus[0].end = vcpu_loop(&smp->cpus[0].cpu);
	vm_stop(vm, smp->cpus[0].end);
	for (unsigned int i = 1; i < smp->count; i++)
		if (pthread_join(smp->cpus[i].thread, NULL) != 0)
			die("pthread_join: vCPU %u", i);
	say_vcpus(smp);
	if (smp->stopper) /* the report's last_exit: the exit that ended it */
		vm->exit = *smp->stopper->cpu.exit;
	return vm_stopped(vm);
}
/* book:end smp_run */
