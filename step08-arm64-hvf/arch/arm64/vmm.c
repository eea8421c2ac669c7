/*
 * vmm.c (arm64) - the VMM built for arm64: Debian's arm64 Image booted on
 * the machine of arch/arm64/machine.h (a device tree, the GICv3 and the
 * timer inside the hypervisor, the course's 16550 as ns16550a, the same
 * virtio-console, virtio-blk and virtio-net as on x86, the boot timer),
 * or a flat guest that calls the VMM with HVC #0; on any backend of hv.h
 * that runs arm64 (kvm-arm64 on Linux; hvf-arm64 on macOS).
 *
 * Runs: userspace, one thread per vCPU (each creates and runs its own
 * vCPU: Hypervisor.framework binds a vCPU to its thread), with --net an
 * I/O thread (iothread.c), the main thread waits for the end.  Linked
 * statically for the arm64 lab VM.  This file: the VM, its vCPUs and
 * their exits, the hypercalls, main(); the rest in the files named for
 * it: cli.c, machine.c (devices, device tree),
 * linux.c (what goes into RAM), report.c, vms.c (VMs in processes).
 * Spec: Documentation/arch/arm64/booting.rst (image.c, fdt.c); hv.h;
 * the hypercall ABI and its arm64 doorbell (common/include/hypercall.h).
 *
 *   vmm --kernel IMAGE [--initrd FILE] [--cmdline STR] [--mem SIZE]
 *       [--cpus N] [--disk FILE[,ro]]...
 *       [--net tap[=NAME][,mac=MAC][,offload=off]] [--timeout SECS]
 *       [--report FILE] [--stats] [--backend NAME]
 *   vmm [--mem SIZE] [--timeout SECS] [--report FILE] [--stats]
 *       [--backend NAME] GUEST.bin
 *
 * Exit status: 0 the guest powered off (PSCI SYSTEM_OFF), or a flat
 * guest's EXIT code; 1 the guest or the hypervisor failed; 2 bad input,
 * nothing ran; 3 --timeout ran out; 4 the guest reset (PSCI
 * SYSTEM_RESET), or, for a flat guest, this host's hypervisor cannot hand
 * HVC to the VMM (KVM before Linux 6.4).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>

#include "arch/arm64/vm.h"
#include "arch/arm64/vms.h"
#include "console.h"

#define HC_ARGS 4 /* X1..X4 */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct arm64_machine machine = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.done_cond = PTHREAD_COND_INITIALIZER,
};

uint64_t arm64_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* A backend call's error: the call it names, and why. */
/*
 * A backend's error: the call it names, and why.  err_call is where the
 * backend writes that name, read only here, after the call: C evaluates
 * a call's arguments in no set order, so passing the name itself could
 * read it before the failing call had written it.
 */
void arm64_check(int err, const char *const *err_call)
{
	if (err < 0)
		die("%s: %s", *err_call, strerror(-err));
}

static void finish(struct arm64_machine *m, int status, const char *end,
		   uint32_t last_exit)
{
	pthread_mutex_lock(&m->lock);
	if (!m->done) {
		m->done = true;
		m->status = status;
		m->end = end;
		m->last_exit = last_exit;
		pthread_cond_signal(&m->done_cond);
	}
	pthread_mutex_unlock(&m->lock);
}

/* book:begin hypercall */
/*
 * HYP_EXIT_HYPERCALL: an SMCCC call in the forwarded range.  Its number
 * is the function ID's low 16 bits, its arguments X1..X4, its result goes
 * into X0; the PC is already past the HVC.  An SMC is not the doorbell:
 * refused with -EINVAL, as a wrong access to HC_PORT is on x86.  Returns
 * true when the guest called EXIT.
 */
static bool on_hypercall(struct arm64_machine *m, struct hyp_vcpu *vcpu,
			 const struct hyp_hypercall *hc)
{
	struct hc_call call = { .nr = hc->function - HC_ARM64_FUNCTION_BASE };
	uint64_t start = arm64_clock_ns(), slot = HC_BAD_ACCESS;
	int64_t ret;

	for (unsigned int i = 0; i < HC_ARGS; i++)
		arm64_check(
			m->hv->get_reg(vcpu, HYP_REG_X(i + 1), &call.arg[i]),
			&vcpu->err_call);
	pthread_mutex_lock(&m->lock);
	if (hc->conduit == HYP_CONDUIT_SMC) {
		ret = hc_refuse_access(&m->hc);
	} else {
		ret = hc_dispatch(&m->hc, &call);
		slot = call.nr < HC_COUNT ? call.nr : HC_UNKNOWN;
	}
	m->hc.stats[slot].ns += arm64_clock_ns() - start;
	pthread_mutex_unlock(&m->lock);
	arm64_check(m->hv->set_reg(vcpu, HYP_REG_X(0), (uint64_t)ret),
		    &vcpu->err_call);
	return m->hc.exited;
}
/* book:end hypercall */

/* book:begin vcpu_loop */
/* One exit handled; false when this vCPU's run is over. */
static bool handle_exit(struct arm64_machine *m, struct hyp_vcpu *vcpu,
			const struct hyp_exit *e)
{
	switch (e->kind) {
	case HYP_EXIT_MMIO:
		pthread_mutex_lock(&m->lock);
		if (!bus_access(&m->mmio, e->io.addr, e->io.data, e->io.len,
				e->io.is_write))
			m->unclaimed++;
		pthread_mutex_unlock(&m->lock);
		return true;
	case HYP_EXIT_HYPERCALL:
		if (!on_hypercall(m, vcpu, &e->hypercall))
			return true;
		finish(m, m->hc.exit_code, "exited", e->reason);
		return false;
	case HYP_EXIT_SYSTEM_EVENT:
		if (e->event == HYP_EVENT_POWER_OFF)
			finish(m, EXIT_SUCCESS, "powered-off", e->reason);
		else
			finish(m, EXIT_GUEST_RESET, "reset", e->reason);
		return false;
	case HYP_EXIT_INTERRUPTED:
		return true;
	case HYP_EXIT_HALT: /* WFI with nothing that could wake it: a flat
			       guest's end, as HLT is on x86 */
		vmm_say("vcpu %u: halted (WFI with no interrupt to wait for)",
			vcpu->index);
		finish(m, EXIT_SUCCESS, "halted", e->reason);
		return false;
	default: /* HYP_EXIT_FAILED: the backend says why, if it knows */
		vmm_say("vcpu %u: unexpected exit %u (%s)%s%s", vcpu->index,
			e->reason, m->hv->exit_name(e->reason),
			vcpu->err_call ? ": " : "",
			vcpu->err_call ? vcpu->err_call : "");
		finish(m, EXIT_GUEST_FAILED, "failed", e->reason);
		return false;
	}
}

/* The boot CPU's registers (booting.rst): PC, X0 = the tree, X1-X3 = 0,
 * EL1h with D, A, I and F masked. */
static void boot_registers(struct arm64_machine *m, struct hyp_vcpu *vcpu)
{
	uint64_t pc =
		m->o.kernel ? m->lay.kernel_addr : MACHINE_GUEST_LOAD_ADDR;
	const struct {
		enum hyp_reg reg;
		uint64_t val;
	} regs[] = {
		{ HYP_REG_X(0), m->o.kernel ? m->lay.dtb_addr : 0 },
		{ HYP_REG_X(1), 0 },
		{ HYP_REG_X(2), 0 },
		{ HYP_REG_X(3), 0 },
		{ HYP_REG_PSTATE, MACHINE_BOOT_PSTATE },
		{ HYP_REG_PC, pc },
	};

	for (size_t i = 0; i < ARRAY_SIZE(regs); i++)
		arm64_check(m->hv->set_reg(vcpu, regs[i].reg, regs[i].val),
			    &vcpu->err_call);
}

/*
 * One vCPU's thread: it creates its vCPU (and reads the MPIDR the tree
 * must give it), waits for the others and for the machine to be ready,
 * then runs it until the guest is done with it.
 */
static void *vcpu_thread(void *arg)
{
	struct arm64_machine *m = &machine;
	unsigned int index = (unsigned int)(uintptr_t)arg;
	struct hyp_vcpu *vcpu = &m->vcpus[index];
	struct hyp_exit e;
	int err = m->hv->vcpu_create(&m->vm, vcpu, index);

	arm64_check(err, &vcpu->err_call);
	arm64_check(m->hv->get_reg(vcpu, HYP_REG_MPIDR_EL1, &m->mpidr[index]),
		    &vcpu->err_call);
	pthread_barrier_wait(&m->created);
	pthread_barrier_wait(&m->ready);
	if (index == 0)
		boot_registers(m, vcpu);
	do {
		err = m->hv->run(vcpu, &e);
		if (err < 0) {
			vmm_say("vcpu %u: %s: %s", index, vcpu->err_call,
				strerror(-err));
			finish(m, EXIT_GUEST_FAILED, "failed", 0);
			return NULL;
		}
		if (e.kind != HYP_EXIT_INTERRUPTED && e.reason < EXITS_COUNTED)
			__atomic_fetch_add(&m->exits[e.reason], 1,
					   __ATOMIC_RELAXED);
	} while (handle_exit(m, vcpu, &e));
	return NULL;
}
/* book:end vcpu_loop */

/* book:begin vm */
/*
 * The VM with its GIC, its RAM at 0; for a flat guest, the doorbell's
 * SMCCC range forwarded to the VMM (KVM: Linux 6.4 or later, or exit 4,
 * saying so).
 */
static void create_vm(struct arm64_machine *m)
{
	struct hyp_config cfg = {
		.nr_vcpus = m->o.cpus,
		.irqchip = m->o.kernel != NULL,
		.arm64 = { .gicd_base = MACHINE_GICD_BASE,
			   .gicr_base = MACHINE_GICR_BASE,
			   .nr_irqs = MACHINE_GIC_NR_IRQS },
	};
	struct utsname u;
	int err;

	m->vm = (struct hyp_vm){ .ops = m->hv };
	arm64_check(m->hv->vm_create(&m->vm, &cfg), &m->vm.err_call);
	arm64_check(m->hv->map_memory(&m->vm, 0, m->mem.base, m->mem.size),
		    &m->vm.err_call);
	if (m->o.kernel)
		return;
	err = m->hv->forward_hypercalls(&m->vm, HC_ARM64_FUNCTION_BASE,
					HC_ARM64_FUNCTION_COUNT);
	if (err == -EOPNOTSUPP) {
		uname(&u);
		vmm_say("this host's hypervisor cannot hand HVC to the VMM (%s): KVM_ARM_VM_SMCCC_FILTER needs Linux 6.4 or later, and this is %s",
			m->vm.err_call, u.release);
		exit(EXIT_HOST_CANNOT);
	}
	arm64_check(err, &m->vm.err_call);
	vmm_say("HVC with function IDs %#x..%#x reach this VMM (%s)",
		HC_ARM64_FUNCTION_BASE,
		HC_ARM64_FUNCTION_BASE + HC_ARM64_FUNCTION_COUNT - 1,
		m->hv->name);
}
/* book:end vm */

/* The console, as the hypercalls see it. */
static void hc_output(const char *buf, size_t len)
{
	console_guest((const uint8_t *)buf, len);
}

static void setup_hypercalls(struct arm64_machine *m, unsigned int index)
{
	struct utsname u;

	m->hc = (struct hc_vm){
		.mem = m->mem,
		.info = { .vm_index = index,
			  .vm_count = m->o.vms,
			  .mem_size = m->o.mem_size },
		.now_ns = arm64_clock_ns,
		.output = hc_output,
		.start_ns = arm64_clock_ns(),
	};
	if (uname(&u) == 0)
		memcpy(m->hc.info.host, u.nodename,
		       strnlen(u.nodename, sizeof(m->hc.info.host) - 1));
}

/* Wait for the end or for --timeout; the status of the VMM. */
static int wait_end(struct arm64_machine *m)
{
	struct timespec deadline;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += m->o.timeout;
	pthread_mutex_lock(&m->lock);
	while (!m->done && rc != ETIMEDOUT)
		rc = m->o.timeout ? pthread_cond_timedwait(&m->done_cond,
							   &m->lock, &deadline)
				  : pthread_cond_wait(&m->done_cond, &m->lock);
	if (!m->done) {
		m->done = true;
		m->status = EXIT_OVER_BUDGET;
		m->end = "over-budget";
	}
	pthread_mutex_unlock(&m->lock);
	return m->status;
}

/* book:begin run_vm */
/*
 * One VM, from its creation to its report: the VM and its GIC, one
 * thread per vCPU, the device tree once the vCPUs exist, the I/O thread
 * (with --net), the run, the report.  Returns the exit status.
 */
static int run_vm(struct arm64_machine *m, const char *cmdline,
		  FILE *report_file)
{
	pthread_t t;

	create_vm(m);
	pthread_barrier_init(&m->created, NULL, m->o.cpus + 1);
	pthread_barrier_init(&m->ready, NULL, m->o.cpus + 1);
	for (unsigned int i = 0; i < m->o.cpus; i++)
		if (pthread_create(&t, NULL, vcpu_thread, (void *)(uintptr_t)i))
			die("pthread_create: vcpu %u", i);
	pthread_barrier_wait(&m->created);
	arm64_check(m->hv->vm_ready(&m->vm), &m->vm.err_call);
	if (m->o.kernel) {
		arm64_machine_fdt(m, cmdline);
		arm64_machine_start_io(m);
	}
	pthread_barrier_wait(&m->ready);
	wait_end(m);
	arm64_machine_stop_io(m);
	arm64_report(m, report_file);
	return m->status; /* the vCPU threads end with the process */
}

/* A flat VM in its own process (vms.c): VM index of --vms. */
static int run_flat(unsigned int index, FILE *report_file)
{
	struct arm64_machine *m = &machine;

	setup_hypercalls(m, index);
	return run_vm(m, NULL, report_file);
}
/* book:end run_vm */

/* book:begin main */
int main(int argc, char **argv)
{
	struct arm64_machine *m = &machine;
	FILE *report_file = NULL;
	char *cmdline = NULL;

	m->start_ns = arm64_clock_ns();
	arm64_cli_parse(argc, argv, &m->o); /* a bad option exits 2 here ... */
	m->hv = m->o.backend ? hyp_backend_find(m->o.backend) : hyp_backends[0];
	if (!m->hv || m->hv->arch != HYP_ARCH_ARM64)
		bad_input("--backend '%s': not an arm64 backend of this VMM",
			  m->o.backend);
	m->mem = (struct guest_mem){ .size = m->o.mem_size };
	m->mem.base = mmap(NULL, m->mem.size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->mem.base == MAP_FAILED)
		die_perror("mmap guest memory");
	if (m->o.kernel) {
		arm64_machine_create(m); /* ... a bad disk or tap here ... */
		cmdline = arm64_cmdline(m->o.cmdline);
		arm64_linux_load(m,
				 cmdline); /* ... a bad kernel or initrd here */
	} else {
		arm64_guest_load(m); /* ... a bad guest here */
	}
	if (m->o.report && !(report_file = fopen(m->o.report, "w")))
		bad_input("--report: %s", strerror(errno));
	if (m->o.kernel)
		return run_vm(m, cmdline, report_file);
	return arm64_vms_run(m->o.vms, run_flat, report_file);
}
/* book:end main */
