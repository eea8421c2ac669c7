/*
 * hvf_arm64.c - the hvf-arm64 backend: the VMM's core on Apple's
 * Hypervisor.framework, Apple silicon, arm64 guests.
 *
 * Runs: userspace (the VMM) on macOS; one thread per vCPU, because
 * hv_vcpu_create binds the vCPU to the thread that calls it and every
 * later call on it but hv_vcpus_exit must come from that thread.  On
 * Linux this file is only compiled (against hvf_decls.h) and linked
 * against a test-only stub whose every call fails: it has never run a
 * guest here.
 *
 * Spec: Apple's Hypervisor framework reference: hv_vm_create, hv_vm_map,
 * hv_vcpu_create, hv_vcpu_run, hv_vcpu_get_reg / _set_reg / _get_sys_reg /
 * _set_sys_reg, hv_vcpus_exit, hv_vcpu_set_vtimer_mask,
 * hv_vcpu_set_pending_interrupt, hv_gic_create and its configuration
 * (macOS 15+), hv_gic_set_spi (see hvf_decls.h for each page); Arm ARM
 * "ESR_EL2" (hvf_arm64_decode.c); Arm DEN0022 "Power State Coordination
 * Interface" (PSCI_VERSION, PSCI_FEATURES, CPU_ON, CPU_OFF, CPU_SUSPEND,
 * AFFINITY_INFO, MIGRATE_INFO_TYPE, SYSTEM_OFF, SYSTEM_RESET).
 *
 * Where this differs from KVM: KVM finishes an MMIO load itself, runs
 * PSCI in the kernel and forwards only the HVCs its SMCCC filter names.
 * Here every exception the guest takes to EL2 comes to us as an ESR
 * syndrome: we finish loads (the register, the PC), we are the firmware
 * (PSCI), and every HVC reaches us; those in the forwarded range go on
 * to the core, exactly as KVM's KVM_EXIT_HYPERCALL would.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvf_arm64.h"
#include "hvf_arm64_decode.h"

#define GIC_INTID_SPI_BASE  32	    /* the GICv3's INTID of SPI 0 */
#define GICR_FRAMES_PER_CPU 0x20000 /* RD_base + SGI_base, 64 KiB each */

/*
 * hv_gic_* exist from macOS 15 on.  Built for macOS 11 and later
 * (hvf.mk), the binary imports them weakly and asks at run time; the
 * function that calls them says it needs 15 so that the compiler checks
 * that it is only called behind that question.
 */
#ifdef __APPLE__
#define HVF_GIC_AVAILABLE() __builtin_available(macOS 15.0, *)
#define HVF_NEEDS_MACOS_15                                                     \
	__attribute__((availability(macos, introduced = 15.0)))
#else
#define HVF_GIC_AVAILABLE() 1
#define HVF_NEEDS_MACOS_15
#endif

/* A vCPU's power state, as PSCI's AFFINITY_INFO reports it. */
enum hvf_power { HVF_CPU_OFF, HVF_CPU_ON_PENDING, HVF_CPU_ON };

struct hvf_vcpu {
	struct hyp_vcpu *hyp;
	struct hvf_vm *vm;
	hv_vcpu_t id;
	hv_vcpu_exit_t *exit; /* the framework's, rewritten by each run */
	uint64_t mpidr;
	enum hvf_power power;	 /* vm->lock */
	uint64_t entry, context; /* CPU_ON's, for this vCPU's own thread */
	int wake[2];		 /* a pipe: CPU_ON, irq_line, kick write */
	volatile sig_atomic_t kicked;
	bool vtimer_active; /* VTIMER_ACTIVATED, line not yet lowered */
	bool mmio_pending;  /* an access the next run() completes */
	struct hvf_mmio mmio;
	uint8_t data[sizeof(uint64_t)];
	char why[192]; /* HYP_EXIT_FAILED: what, for err_call */
};

struct hvf_vm {
	pthread_mutex_t lock; /* power states and the vCPU table */
	bool gic;	      /* the framework's GICv3 */
	unsigned int nr_vcpus;
	struct hvf_vcpu **vcpus; /* by index */
	uint32_t fwd_first, fwd_count;
	mach_timebase_info_data_t timebase;
};

/* book:begin hvf_errno */
static const struct {
	hv_return_t ret;
	int err;
} hv_errors[] = {
	{ HV_ERROR, EIO },
	{ HV_BUSY, EBUSY },
	{ HV_BAD_ARGUMENT, EINVAL },
	{ HV_NO_RESOURCES, ENOMEM },
	{ HV_NO_DEVICE, ENODEV },
	{ HV_DENIED, EPERM },
	{ HV_UNSUPPORTED, EOPNOTSUPP },
};
/* book:end hvf_errno */

#define HV_ERRORS (sizeof(hv_errors) / sizeof(hv_errors[0]))

int hvf_errno(hv_return_t ret)
{
	for (size_t i = 0; i < HV_ERRORS; i++)
		if (hv_errors[i].ret == ret)
			return -hv_errors[i].err;
	return ret == HV_SUCCESS ? 0 : -EIO;
}

static const char *const reason_names[HVF_REASONS] = {
	[HVF_REASON_CANCELED] = "HV_EXIT_REASON_CANCELED",
	[HVF_REASON_MMIO] = "EXCEPTION: data abort (MMIO)",
	[HVF_REASON_HVC] = "EXCEPTION: HVC",
	[HVF_REASON_SMC] = "EXCEPTION: SMC",
	[HVF_REASON_PSCI] = "EXCEPTION: HVC (PSCI system event)",
	[HVF_REASON_WFI] = "EXCEPTION: WFI",
	[HVF_REASON_EXCEPTION] = "EXCEPTION: not handled",
	[HVF_REASON_SYSREG] = "EXCEPTION: MSR/MRS not emulated",
	[HVF_REASON_UNKNOWN] = "HV_EXIT_REASON_UNKNOWN",
};

const char *hvf_exit_name(uint32_t reason)
{
	return reason < HVF_REASONS ? reason_names[reason] : "unknown";
}

/* book:begin hvf_reg_ref */
int hvf_reg_ref(enum hyp_reg reg, struct hvf_reg_ref *ref)
{
	*ref = (struct hvf_reg_ref){ .sys = false };
	if (reg >= HYP_REG_X0 && reg <= HYP_REG_X30) {
		ref->reg = (hv_reg_t)(HV_REG_X0 + (reg - HYP_REG_X0));
		return 0;
	}
	switch (reg) {
	case HYP_REG_PC:
		ref->reg = HV_REG_PC;
		return 0;
	case HYP_REG_PSTATE:
		ref->reg = HV_REG_CPSR;
		return 0;
	case HYP_REG_SP_EL1:
		ref->sys = true;
		ref->sys_reg = HV_SYS_REG_SP_EL1;
		return 0;
	case HYP_REG_MPIDR_EL1:
		ref->sys = true;
		ref->sys_reg = HV_SYS_REG_MPIDR_EL1;
		return 0;
	default:
		return -EINVAL; /* x86's registers */
	}
}
/* book:end hvf_reg_ref */

/* --- registers, on the vCPU's own thread --------------------------------- */

static int vcpu_fail(struct hvf_vcpu *v, const char *call, hv_return_t ret)
{
	int err = hvf_errno(ret);

	v->hyp->err_call = call;
	return err ? err : -EIO;
}

/* Xn for n in 0..31, 31 reading as zero (XZR). */
static int get_x(struct hvf_vcpu *v, unsigned int n, uint64_t *val)
{
	hv_reg_t reg;
	hv_return_t ret;

	*val = 0;
	if (!hvf_gpr(n, &reg))
		return 0;
	ret = hv_vcpu_get_reg(v->id, reg, val);
	return ret == HV_SUCCESS ? 0 : vcpu_fail(v, "hv_vcpu_get_reg", ret);
}

/* Xn = val; a write to XZR vanishes. */
static int set_x(struct hvf_vcpu *v, unsigned int n, uint64_t val)
{
	hv_reg_t reg;
	hv_return_t ret;

	if (!hvf_gpr(n, &reg))
		return 0;
	ret = hv_vcpu_set_reg(v->id, reg, val);
	return ret == HV_SUCCESS ? 0 : vcpu_fail(v, "hv_vcpu_set_reg", ret);
}

static int advance_pc(struct hvf_vcpu *v, uint64_t bytes)
{
	uint64_t pc;
	hv_return_t ret;

	if (!bytes)
		return 0;
	ret = hv_vcpu_get_reg(v->id, HV_REG_PC, &pc);
	if (ret != HV_SUCCESS)
		return vcpu_fail(v, "hv_vcpu_get_reg(HV_REG_PC)", ret);
	ret = hv_vcpu_set_reg(v->id, HV_REG_PC, pc + bytes);
	if (ret != HV_SUCCESS)
		return vcpu_fail(v, "hv_vcpu_set_reg(HV_REG_PC)", ret);
	return 0;
}

static int sys_reg(struct hvf_vcpu *v, hv_sys_reg_t reg, uint64_t *val)
{
	hv_return_t ret = hv_vcpu_get_sys_reg(v->id, reg, val);

	return ret == HV_SUCCESS ? 0 : vcpu_fail(v, "hv_vcpu_get_sys_reg", ret);
}

/* --- the exits the core sees --------------------------------------------- */

static int core_exit(struct hyp_exit *exit, enum hyp_exit_kind kind,
		     enum hvf_reason reason)
{
	exit->kind = kind;
	exit->reason = reason;
	return 1;
}

/* The guest cannot go on: err_call says why, exit.reason in which class. */
static int guest_failed(struct hvf_vcpu *v, struct hyp_exit *exit,
			enum hvf_reason reason, const char *why)
{
	v->hyp->err_call = why;
	return core_exit(exit, HYP_EXIT_FAILED, reason);
}

/* book:begin hvf_mmio */
/*
 * A load or store the bus must answer.  For a store the bytes are the
 * register's, now; a load is finished by the next run(), after the core
 * has filled data: the value into the register, extended as the
 * instruction asks, and the PC past the instruction (KVM does both in the
 * kernel, on its next KVM_RUN).
 */
static int mmio_exit(struct hvf_vcpu *v, const struct hvf_mmio *m,
		     struct hyp_exit *exit)
{
	uint64_t value = 0;
	int err;

	v->mmio = *m;
	memset(v->data, 0, sizeof(v->data));
	if (m->is_write) {
		err = get_x(v, m->srt, &value);
		if (err)
			return err;
		value = hvf_mmio_store_value(m, value);
		for (uint32_t i = 0; i < m->len; i++)
			v->data[i] = (uint8_t)(value >> (8 * i)); /* LE */
	}
	v->mmio_pending = true;
	exit->io = (struct hyp_io){ .addr = m->addr,
				    .data = v->data,
				    .len = m->len,
				    .count = 1,
				    .is_write = m->is_write };
	return core_exit(exit, HYP_EXIT_MMIO, HVF_REASON_MMIO);
}

static int mmio_complete(struct hvf_vcpu *v)
{
	uint64_t data = 0;
	int err;

	if (!v->mmio_pending)
		return 0;
	v->mmio_pending = false;
	if (!v->mmio.is_write) {
		for (uint32_t i = 0; i < v->mmio.len; i++)
			data |= (uint64_t)v->data[i] << (8 * i);
		err = set_x(v, v->mmio.srt,
			    hvf_mmio_load_value(&v->mmio, data));
		if (err)
			return err;
	}
	return advance_pc(v, ARM64_INSN_SIZE);
}
/* book:end hvf_mmio */

/* --- waiting: powered off, or in WFI ----------------------------------- */

/* Wake v's thread if it waits (any thread; async-signal-safe: write). */
static void wake(struct hvf_vcpu *v)
{
	char byte = 0;

	if (write(v->wake[1], &byte, 1) < 0) {
		/* EAGAIN: the pipe is full, so it is readable: awake. */
	}
}

/* Sleep until woken or timeout_ms passes (-1: no timeout). */
static void wait_wake(struct hvf_vcpu *v, int timeout_ms)
{
	struct pollfd pfd = { .fd = v->wake[0], .events = POLLIN };
	char buf[64];

	if (poll(&pfd, 1, timeout_ms) > 0)
		while (read(v->wake[0], buf, sizeof(buf)) > 0)
			; /* drain: one wake-up serves them all */
}

/*
 * SCTLR_EL1.M (the stage 1 MMU) and .C (the data cache) off: a CPU that
 * CPU_ON starts enters with both off (booting.rst, "the MMU must be
 * off", "the data cache must be off"), which a vCPU that ran before its
 * CPU_OFF would otherwise keep on.  (KVM resets the whole vCPU there.)
 */
#define SCTLR_EL1_M (1ULL << 0)
#define SCTLR_EL1_C (1ULL << 2)

static hv_return_t mmu_off(hv_vcpu_t id)
{
	uint64_t sctlr;
	hv_return_t ret = hv_vcpu_get_sys_reg(id, HV_SYS_REG_SCTLR_EL1, &sctlr);

	if (ret != HV_SUCCESS)
		return ret;
	return hv_vcpu_set_sys_reg(id, HV_SYS_REG_SCTLR_EL1,
				   sctlr & ~(SCTLR_EL1_M | SCTLR_EL1_C));
}

/* book:begin hvf_cpu_on_target */
/*
 * A vCPU runs only when powered on.  A secondary starts off and waits
 * here for the boot CPU's PSCI CPU_ON; then, on its own thread (only the
 * owner may set its registers), it takes the entry point and context
 * ID: PC = entry, X0 = context, EL1h with DAIF masked (DEN0022, "CPU_ON"),
 * the MMU and data cache off.  Returns 0 when on, 1 when kicked (on or
 * not), or -errno.
 */
static int wait_until_on(struct hvf_vcpu *v)
{
	struct hvf_vm *h = v->vm;
	hv_return_t ret = HV_SUCCESS;

	pthread_mutex_lock(&h->lock);
	while (!v->kicked && v->power != HVF_CPU_ON && ret == HV_SUCCESS) {
		if (v->power == HVF_CPU_ON_PENDING) {
			ret = hv_vcpu_set_reg(v->id, HV_REG_PC, v->entry);
			if (ret == HV_SUCCESS)
				ret = hv_vcpu_set_reg(v->id, HV_REG_X0,
						      v->context);
			if (ret == HV_SUCCESS)
				ret = hv_vcpu_set_reg(v->id, HV_REG_CPSR,
						      hvf_boot_pstate());
			if (ret == HV_SUCCESS)
				ret = mmu_off(v->id);
			v->power = HVF_CPU_ON;
			break;
		}
		pthread_mutex_unlock(&h->lock);
		wait_wake(v, -1);
		pthread_mutex_lock(&h->lock);
	}
	pthread_mutex_unlock(&h->lock);
	if (ret != HV_SUCCESS)
		return vcpu_fail(v, "hv_vcpu_set_reg (CPU_ON)", ret);
	return v->kicked ? 1 : 0;
}
/* book:end hvf_cpu_on_target */

/* book:begin hvf_wfi */
/*
 * WFI: the guest has nothing to do until an interrupt.  Without an
 * interrupt controller (a flat guest) that is the end: HYP_EXIT_HALT.
 * With the framework's GIC, sleep until the virtual timer would fire
 * (CNTV_CVAL against the guest's counter, the host's mach_absolute_time()
 * minus the vCPU's CNTVOFF) or until irq_line, CPU_ON or a kick wakes
 * us; then run the guest again and let the GIC deliver.
 */
static int wfi(struct hvf_vcpu *v, struct hyp_exit *exit)
{
	uint64_t ctl = 0, cval = 0, offset = 0, ticks;
	hv_return_t ret;
	int err;

	if (!v->vm->gic)
		return core_exit(exit, HYP_EXIT_HALT, HVF_REASON_WFI);
	err = sys_reg(v, HV_SYS_REG_CNTV_CTL_EL0, &ctl);
	if (!err)
		err = sys_reg(v, HV_SYS_REG_CNTV_CVAL_EL0, &cval);
	if (err)
		return err;
	ret = hv_vcpu_get_vtimer_offset(v->id, &offset);
	if (ret != HV_SUCCESS)
		return vcpu_fail(v, "hv_vcpu_get_vtimer_offset", ret);
	ticks = hvf_vtimer_ticks_left(ctl, cval, mach_absolute_time() - offset);
	if (ticks)
		wait_wake(v, hvf_ticks_to_ms(ticks, v->vm->timebase.numer,
					     v->vm->timebase.denom));
	return 0;
}
/* book:end hvf_wfi */

/* --- the virtual timer ------------------------------------------------- */

/* book:begin hvf_vtimer_exit */
/*
 * HV_EXIT_REASON_VTIMER_ACTIVATED: the guest's virtual timer fired and the
 * framework masked it, so that it does not exit again at once.  The VMM
 * makes the timer's interrupt pending (without the framework's GIC: the
 * vCPU's IRQ line; with it, the framework wires the timer to its GIC and
 * this exit is not expected, per QEMU's use) and, once the guest has
 * handled the tick (the line, CNTV_CTL_EL0's ENABLE && !IMASK && ISTATUS,
 * is low again), lowers the line and unmasks the timer.
 */
static int vtimer_activated(struct hvf_vcpu *v)
{
	hv_return_t ret = HV_SUCCESS;

	v->vtimer_active = true;
	if (!v->vm->gic)
		ret = hv_vcpu_set_pending_interrupt(
			v->id, HV_INTERRUPT_TYPE_IRQ, true);
	return ret == HV_SUCCESS
		       ? 0
		       : vcpu_fail(v, "hv_vcpu_set_pending_interrupt", ret);
}

/* Before each run: is the timer's line still high?  Without the GIC the
 * line must be set before every hv_vcpu_run: the framework clears it
 * when hv_vcpu_run returns (the SDK's hv_vcpu.h). */
static int vtimer_resample(struct hvf_vcpu *v)
{
	uint64_t ctl = 0;
	bool high;
	hv_return_t ret = HV_SUCCESS;
	int err;

	if (!v->vtimer_active)
		return 0;
	err = sys_reg(v, HV_SYS_REG_CNTV_CTL_EL0, &ctl);
	if (err)
		return err;
	high = hvf_vtimer_irq_level(ctl);
	if (!v->vm->gic)
		ret = hv_vcpu_set_pending_interrupt(
			v->id, HV_INTERRUPT_TYPE_IRQ, high);
	if (ret != HV_SUCCESS)
		return vcpu_fail(v, "hv_vcpu_set_pending_interrupt", ret);
	if (high)
		return 0;
	v->vtimer_active = false;
	ret = hv_vcpu_set_vtimer_mask(v->id, false);
	return ret == HV_SUCCESS ? 0
				 : vcpu_fail(v, "hv_vcpu_set_vtimer_mask", ret);
}
/* book:end hvf_vtimer_exit */

/* --- PSCI: the firmware is ours ---------------------------------------- */

/* The vCPU whose MPIDR affinity is target, or NULL; h->lock held. */
static struct hvf_vcpu *vcpu_by_mpidr(struct hvf_vm *h, uint64_t target)
{
	for (unsigned int i = 0; i < h->nr_vcpus; i++)
		if (h->vcpus[i] &&
		    h->vcpus[i]->mpidr == (target & MPIDR_HWID_BITMASK))
			return h->vcpus[i];
	return NULL;
}

/* book:begin hvf_psci_cpu_on */
/* CPU_ON(target, entry, context): hand the target its start and wake it;
 * its own thread sets its registers (wait_until_on). */
static int64_t psci_cpu_on(struct hvf_vcpu *v, const struct hvf_smccc_call *c)
{
	struct hvf_vcpu *t;
	int64_t ret = PSCI_RET_SUCCESS;

	pthread_mutex_lock(&v->vm->lock);
	t = vcpu_by_mpidr(v->vm, c->args[0]);
	if (!t) {
		ret = PSCI_RET_INVALID_PARAMS;
	} else if (t->power == HVF_CPU_ON) {
		ret = PSCI_RET_ALREADY_ON;
	} else if (t->power == HVF_CPU_ON_PENDING) {
		ret = PSCI_RET_ON_PENDING;
	} else {
		t->entry = c->args[1];
		t->context = c->args[2];
		t->power = HVF_CPU_ON_PENDING;
		wake(t);
	}
	pthread_mutex_unlock(&v->vm->lock);
	return ret;
}
/* book:end hvf_psci_cpu_on */

/* AFFINITY_INFO(target, lowest level): level 0 only (one CPU). */
static int64_t psci_affinity_info(struct hvf_vcpu *v,
				  const struct hvf_smccc_call *c)
{
	static const int64_t state[] = {
		[HVF_CPU_OFF] = PSCI_0_2_AFFINITY_LEVEL_OFF,
		[HVF_CPU_ON_PENDING] = PSCI_0_2_AFFINITY_LEVEL_ON_PENDING,
		[HVF_CPU_ON] = PSCI_0_2_AFFINITY_LEVEL_ON,
	};
	struct hvf_vcpu *t;
	int64_t ret = PSCI_RET_INVALID_PARAMS;

	pthread_mutex_lock(&v->vm->lock);
	t = vcpu_by_mpidr(v->vm, c->args[0]);
	if (t && c->args[1] == 0)
		ret = state[t->power];
	pthread_mutex_unlock(&v->vm->lock);
	return ret;
}

/* CPU_SUSPEND (standby): SUCCESS after a WFI, which DEN0022 allows to
 * end at any interrupt or at once. */
static int psci_cpu_suspend(struct hvf_vcpu *v, struct hyp_exit *exit)
{
	int err = set_x(v, 0, PSCI_RET_SUCCESS);

	return err ? err : wfi(v, exit);
}

/* book:begin hvf_psci */
/*
 * What KVM does in the kernel (KVM_ARM_VCPU_PSCI_0_2), Hypervisor.framework
 * leaves to the VMM.  The answer goes into X0; SYSTEM_OFF and SYSTEM_RESET
 * end the VM as KVM's KVM_EXIT_SYSTEM_EVENT does; CPU_OFF parks this vCPU
 * until the next CPU_ON; CPU_SUSPEND is a WFI that returns SUCCESS.
 */
static int psci_call(struct hvf_vcpu *v, const struct hvf_smccc_call *c,
		     struct hyp_exit *exit)
{
	int64_t ret = PSCI_RET_NOT_SUPPORTED;

	switch (c->psci) {
	case HVF_PSCI_VERSION:
		ret = hvf_psci_version();
		break;
	case HVF_PSCI_FEATURES:
		ret = hvf_psci_features((uint32_t)c->args[0]);
		break;
	case HVF_PSCI_CPU_SUSPEND:
		return psci_cpu_suspend(v, exit);
	case HVF_PSCI_CPU_OFF:
		pthread_mutex_lock(&v->vm->lock);
		v->power = HVF_CPU_OFF;
		pthread_mutex_unlock(&v->vm->lock);
		return 0; /* run() waits for CPU_ON */
	case HVF_PSCI_CPU_ON:
		ret = psci_cpu_on(v, c);
		break;
	case HVF_PSCI_AFFINITY_INFO:
		ret = psci_affinity_info(v, c);
		break;
	case HVF_PSCI_MIGRATE_INFO_TYPE:
		ret = PSCI_0_2_TOS_MP;
		break;
	case HVF_PSCI_SYSTEM_OFF:
	case HVF_PSCI_SYSTEM_RESET:
		exit->event = c->psci == HVF_PSCI_SYSTEM_OFF
				      ? HYP_EVENT_POWER_OFF
				      : HYP_EVENT_RESET;
		return core_exit(exit, HYP_EXIT_SYSTEM_EVENT, HVF_REASON_PSCI);
	case HVF_PSCI_NONE:
	case HVF_PSCI_UNSUPPORTED:
		break;
	}
	return set_x(v, 0, (uint64_t)ret);
}
/* book:end hvf_psci */

/* book:begin hvf_smccc_call */
/*
 * HVC or SMC: an SMCCC call (DEN0028).  Every one reaches us, with the
 * PC past an HVC already; past an SMC once we move it, so that the core
 * sees both as KVM shows them.  PSCI is ours; the range the core asked
 * for (forward_hypercalls) goes to the core; any other ID gets SMCCC's
 * NOT_SUPPORTED, as KVM answers what its filter does not forward.
 */
static int smccc_call(struct hvf_vcpu *v, const struct hvf_exception *exc,
		      struct hyp_exit *exit)
{
	struct hvf_smccc_call call;
	uint64_t x[SMCCC_ARGS + 1];
	int err = advance_pc(v, hvf_pc_advance(exc));

	for (unsigned int i = 0; i <= SMCCC_ARGS && !err; i++)
		err = get_x(v, i, &x[i]);
	if (err)
		return err;
	hvf_smccc_decode(exc, x, &call);
	if (call.psci != HVF_PSCI_NONE)
		return psci_call(v, &call, exit);
	if (call.function - v->vm->fwd_first >= v->vm->fwd_count)
		return set_x(v, 0, (uint64_t)SMCCC_RET_NOT_SUPPORTED);
	exit->hypercall = (struct hyp_hypercall){
		.function = call.function,
		.conduit = call.smc ? HYP_CONDUIT_SMC : HYP_CONDUIT_HVC,
		.imm = call.imm,
		.imm_known = true,
	};
	return core_exit(exit, HYP_EXIT_HYPERCALL,
			 call.smc ? HVF_REASON_SMC : HVF_REASON_HVC);
}
/* book:end hvf_smccc_call */

/* MSR/MRS the framework traps: the debug registers read as zero; anything
 * else ends the VM, naming the register as S<op0>_<op1>_C<n>_C<m>_<op2>. */
static int sysreg_access(struct hvf_vcpu *v, const struct hvf_sysreg *r,
			 struct hyp_exit *exit)
{
	int err = 0;

	if (hvf_sysreg_action(r) == HVF_SYSREG_UNHANDLED) {
		snprintf(v->why, sizeof(v->why),
			 "%s S%u_%u_C%u_C%u_%u: a system register this VMM "
			 "does not emulate",
			 r->is_read ? "MRS" : "MSR", r->op0, r->op1, r->crn,
			 r->crm, r->op2);
		return guest_failed(v, exit, HVF_REASON_SYSREG, v->why);
	}
	if (r->is_read)
		err = set_x(v, r->rt, 0);
	return err ? err : advance_pc(v, ARM64_INSN_SIZE);
}

/* book:begin hvf_exception */
/* HV_EXIT_REASON_EXCEPTION: > 0, an exit for the core; 0, handled here
 * (run the guest again); < 0, a framework call failed. */
static int exception(struct hvf_vcpu *v, struct hyp_exit *exit)
{
	struct hvf_exception exc;
	int err;

	if (hvf_decode_exception(v->exit->exception.syndrome,
				 v->exit->exception.physical_address,
				 &exc) < 0) {
		snprintf(v->why, sizeof(v->why), "ESR_EL2 %#llx: %s",
			 (unsigned long long)v->exit->exception.syndrome,
			 exc.error);
		return guest_failed(v, exit, HVF_REASON_EXCEPTION, v->why);
	}
	switch (exc.kind) {
	case HVF_EXC_MMIO:
		return mmio_exit(v, &exc.mmio, exit);
	case HVF_EXC_HVC:
	case HVF_EXC_SMC:
		return smccc_call(v, &exc, exit);
	case HVF_EXC_WFI:
		err = advance_pc(v, hvf_pc_advance(&exc));
		return err ? err : wfi(v, exit);
	case HVF_EXC_WFE:
	case HVF_EXC_CACHE_OP:
		return advance_pc(v, hvf_pc_advance(&exc));
	case HVF_EXC_SYSREG:
		return sysreg_access(v, &exc.sysreg, exit);
	case HVF_EXC_BAD:
		break;
	}
	return guest_failed(v, exit, HVF_REASON_EXCEPTION, "bad exception");
}
/* book:end hvf_exception */

/* --- the run loop ------------------------------------------------------ */

/* A kick (or the framework's CANCELED exit): the core gets control back. */
static int interrupted(struct hvf_vcpu *v, struct hyp_exit *exit)
{
	v->kicked = 0;
	return core_exit(exit, HYP_EXIT_INTERRUPTED, HVF_REASON_CANCELED);
}

/* One hv_vcpu_run and its exit: > 0, an exit for the core; 0, handled
 * here; < 0, a framework call failed. */
static int run_once(struct hvf_vcpu *v, struct hyp_exit *exit)
{
	hv_return_t ret = hv_vcpu_run(v->id);

	if (ret != HV_SUCCESS)
		return vcpu_fail(v, "hv_vcpu_run", ret);
	switch (v->exit->reason) {
	case HV_EXIT_REASON_CANCELED:
		return interrupted(v, exit);
	case HV_EXIT_REASON_EXCEPTION:
		return exception(v, exit);
	case HV_EXIT_REASON_VTIMER_ACTIVATED:
		return vtimer_activated(v);
	default:
		return guest_failed(v, exit, HVF_REASON_UNKNOWN,
				    "hv_vcpu_run: HV_EXIT_REASON_UNKNOWN");
	}
}

/* book:begin hvf_run */
/*
 * Run until the core has something to do.  First finish what the last
 * exit left (an MMIO load's register, the PC), then: a kick ends the run,
 * a powered-off vCPU waits for CPU_ON, the timer's line is resampled, the
 * guest runs.  What the backend handles itself (PSCI, WFI, the debug
 * registers, calls outside the forwarded range) loops again.
 */
static int hvf_run(struct hyp_vcpu *hyp, struct hyp_exit *exit)
{
	struct hvf_vcpu *v = hyp->priv;
	int err = mmio_complete(v);

	while (!err) {
		err = wait_until_on(v);
		if (err > 0) {
			err = interrupted(v, exit);
			break;
		}
		if (!err)
			err = vtimer_resample(v);
		if (!err)
			err = run_once(v, exit);
	}
	return err < 0 ? err : 0;
}
/* book:end hvf_run */

/* A kick: make run() return HYP_EXIT_INTERRUPTED.  Any thread, and from
 * a signal handler: a flag, checked before each run, a write(2) for a
 * vCPU that waits in poll(), and hv_vcpus_exit for one in the guest (or
 * about to enter it: the SDK's hv_vcpu.h says the next hv_vcpu_run of a
 * vCPU that was not running returns at once). */
static void hvf_kick(struct hyp_vcpu *hyp)
{
	struct hvf_vcpu *v = hyp->priv;

	v->kicked = 1;
	wake(v);
	hv_vcpus_exit(&v->id, 1);
}

static int hvf_get_reg(struct hyp_vcpu *hyp, enum hyp_reg reg, uint64_t *val)
{
	struct hvf_vcpu *v = hyp->priv;
	struct hvf_reg_ref ref;
	hv_return_t ret;

	if (hvf_reg_ref(reg, &ref) < 0) {
		hyp->err_call = "hvf-arm64: no such arm64 register";
		return -EINVAL;
	}
	if (ref.sys)
		ret = hv_vcpu_get_sys_reg(v->id, ref.sys_reg, val);
	else
		ret = hv_vcpu_get_reg(v->id, ref.reg, val);
	if (ret != HV_SUCCESS)
		return vcpu_fail(
			v, ref.sys ? "hv_vcpu_get_sys_reg" : "hv_vcpu_get_reg",
			ret);
	return 0;
}

static int hvf_set_reg(struct hyp_vcpu *hyp, enum hyp_reg reg, uint64_t val)
{
	struct hvf_vcpu *v = hyp->priv;
	struct hvf_reg_ref ref;
	hv_return_t ret;

	if (hvf_reg_ref(reg, &ref) < 0) {
		hyp->err_call = "hvf-arm64: no such arm64 register";
		return -EINVAL;
	}
	if (ref.sys)
		ret = hv_vcpu_set_sys_reg(v->id, ref.sys_reg, val);
	else
		ret = hv_vcpu_set_reg(v->id, ref.reg, val);
	if (ret != HV_SUCCESS)
		return vcpu_fail(
			v, ref.sys ? "hv_vcpu_set_sys_reg" : "hv_vcpu_set_reg",
			ret);
	return 0;
}

/* --- the VM -------------------------------------------------------------- */

static int vm_fail(struct hyp_vm *vm, const char *call, hv_return_t ret)
{
	vm->err_call = call;
	return hvf_errno(ret);
}

/* book:begin hvf_gic_check */
const char *hvf_gic_check(const struct hyp_config *cfg,
			  const struct hvf_gic_limits *lim)
{
	uint64_t gicd = cfg->arm64.gicd_base, gicr = cfg->arm64.gicr_base;
	uint64_t redist = (uint64_t)cfg->nr_vcpus * GICR_FRAMES_PER_CPU;
	uint64_t spis = cfg->arm64.nr_irqs - GIC_INTID_SPI_BASE;

	if (!lim->dist_align || gicd % lim->dist_align)
		return "hv_gic: the distributor's address is not aligned as "
		       "hv_gic_get_distributor_base_alignment asks";
	if (!lim->redist_align || gicr % lim->redist_align)
		return "hv_gic: the redistributors' address is not aligned as "
		       "hv_gic_get_redistributor_base_alignment asks";
	if (redist > lim->redist_region_size)
		return "hv_gic: more vCPUs than the framework has "
		       "redistributors for";
	if (gicd < gicr + lim->redist_region_size &&
	    gicr < gicd + lim->dist_size)
		return "hv_gic: the distributor overlaps the redistributors";
	if (cfg->arm64.nr_irqs < GIC_INTID_SPI_BASE ||
	    lim->spi_base > GIC_INTID_SPI_BASE ||
	    GIC_INTID_SPI_BASE + spis >
		    (uint64_t)lim->spi_base + lim->spi_count)
		return "hv_gic: the machine's SPIs are outside "
		       "hv_gic_get_spi_interrupt_range";
	return NULL;
}
/* book:end hvf_gic_check */

HVF_NEEDS_MACOS_15
static int gic_limits(struct hyp_vm *vm, struct hvf_gic_limits *lim)
{
	hv_return_t ret;

	ret = hv_gic_get_distributor_size(&lim->dist_size);
	if (ret == HV_SUCCESS)
		ret = hv_gic_get_distributor_base_alignment(&lim->dist_align);
	if (ret == HV_SUCCESS)
		ret = hv_gic_get_redistributor_region_size(
			&lim->redist_region_size);
	if (ret == HV_SUCCESS)
		ret = hv_gic_get_redistributor_base_alignment(
			&lim->redist_align);
	if (ret == HV_SUCCESS)
		ret = hv_gic_get_spi_interrupt_range(&lim->spi_base,
						     &lim->spi_count);
	return ret == HV_SUCCESS ? 0 : vm_fail(vm, "hv_gic_get_*", ret);
}

/* book:begin hvf_gic_create */
/*
 * The framework's GICv3 (macOS 15+): after hv_vm_create, before any vCPU,
 * at the machine's addresses if they fit what the framework reports.
 * The distributor, the redistributors and the CPU interface (ICC_*) then
 * never exit to us, and the virtual timer is wired to it.  Before macOS
 * 15 there is none: the VMM would have to emulate the distributor and
 * redistributors as MMIO devices, the ICC_* registers as trapped MSR/MRS,
 * and drive each vCPU's IRQ line with hv_vcpu_set_pending_interrupt; this
 * backend refuses instead.
 */
HVF_NEEDS_MACOS_15
static int gic_create_15(struct hyp_vm *vm, const struct hyp_config *cfg)
{
	struct hvf_gic_limits lim = { 0 };
	hv_gic_config_t config;
	const char *misfit;
	hv_return_t ret;
	int err;

	err = gic_limits(vm, &lim);
	if (err)
		return err;
	misfit = hvf_gic_check(cfg, &lim);
	if (misfit) {
		vm->err_call = misfit;
		return -EINVAL;
	}
	config = hv_gic_config_create();
	ret = hv_gic_config_set_distributor_base(config, cfg->arm64.gicd_base);
	if (ret == HV_SUCCESS)
		ret = hv_gic_config_set_redistributor_base(
			config, cfg->arm64.gicr_base);
	if (ret == HV_SUCCESS)
		ret = hv_gic_create(config);
	os_release(config);
	return ret == HV_SUCCESS ? 0 : vm_fail(vm, "hv_gic_create", ret);
}

static int gic_create(struct hyp_vm *vm, const struct hyp_config *cfg)
{
	if (HVF_GIC_AVAILABLE())
		return gic_create_15(vm, cfg);
	vm->err_call = "hv_gic_create: the framework's GIC needs macOS 15 "
		       "or later (the hypercall demo, without a GIC, does not)";
	return -EOPNOTSUPP;
}
/* book:end hvf_gic_create */

/* book:begin hvf_vm_create */
/*
 * One VM per process (the course runs --vms N as N processes).  A binary
 * without the com.apple.security.hypervisor entitlement (hvf.mk signs
 * it) is refused here, with an error Apple does not document: HV_DENIED
 * ("the system didn't allow the requested operation") would fit; reports
 * of Intel Macs show HV_ERROR (hyperkit's "-85377023", 0xfae94001), one
 * of Apple silicon HV_UNSUPPORTED.  On HV_DENIED or HV_ERROR the message
 * names the entitlement.
 */
static int hvf_vm_create(struct hyp_vm *vm, const struct hyp_config *cfg)
{
	struct hvf_vm *h = calloc(1, sizeof(*h));
	hv_return_t ret;
	int err;

	if (!h || !cfg->nr_vcpus ||
	    !(h->vcpus = calloc(cfg->nr_vcpus, sizeof(*h->vcpus)))) {
		free(h);
		vm->err_call = "hvf-arm64: no vCPUs, or no memory for them";
		return cfg->nr_vcpus ? -ENOMEM : -EINVAL;
	}
	pthread_mutex_init(&h->lock, NULL);
	h->nr_vcpus = cfg->nr_vcpus;
	h->gic = cfg->irqchip;
	vm->priv = h;
	mach_timebase_info(&h->timebase);
	ret = hv_vm_create(NULL);
	if (ret != HV_SUCCESS) {
		err = vm_fail(vm,
			      ret == HV_DENIED || ret == HV_ERROR ||
					      ret == HV_UNSUPPORTED
				      ? "hv_vm_create (is the binary signed "
					"with the com.apple.security."
					"hypervisor entitlement?)"
				      : "hv_vm_create",
			      ret);
		goto err_free;
	}
	err = h->gic ? gic_create(vm, cfg) : 0;
	if (err)
		goto err_vm;
	return 0;
err_vm:
	hv_vm_destroy();
err_free:
	free(h->vcpus);
	free(h);
	vm->priv = NULL;
	return err;
}
/* book:end hvf_vm_create */

/* Guest RAM, readable, writable and executable; the framework wants all
 * three of addr, ipa and size aligned to the host page (16 KiB). */
static int hvf_map_memory(struct hyp_vm *vm, uint64_t gpa, void *hva,
			  uint64_t size)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	hv_return_t ret;

	if ((gpa | (uintptr_t)hva | size) % page) {
		vm->err_call = "hv_vm_map: address or size not a multiple "
			       "of the host page size";
		return -EINVAL;
	}
	ret = hv_vm_map(hva, gpa, size,
			HV_MEMORY_READ | HV_MEMORY_WRITE | HV_MEMORY_EXEC);
	return ret == HV_SUCCESS ? 0 : vm_fail(vm, "hv_vm_map", ret);
}

/* Every HVC comes to us: the range is only remembered (smccc_call). */
static int hvf_forward_hypercalls(struct hyp_vm *vm, uint32_t first,
				  uint32_t count)
{
	struct hvf_vm *h = vm->priv;

	h->fwd_first = first;
	h->fwd_count = count;
	return 0;
}

/* book:begin hvf_vcpu_create */
/*
 * What a new vCPU needs from us: its MPIDR_EL1 (the GIC routes by it,
 * the device tree names the CPU by it) and, with the framework's GIC,
 * ID_AA64PFR0_EL1 saying that the GICv3 system registers are there (set
 * unless the framework does so itself: UNVERIFIED which it does).
 */
static hv_return_t vcpu_setup(struct hvf_vcpu *v, bool gic)
{
	uint64_t pfr0;
	hv_return_t ret;

	ret = hv_vcpu_set_sys_reg(v->id, HV_SYS_REG_MPIDR_EL1, v->mpidr);
	if (ret != HV_SUCCESS || !gic)
		return ret;
	ret = hv_vcpu_get_sys_reg(v->id, HV_SYS_REG_ID_AA64PFR0_EL1, &pfr0);
	if (ret != HV_SUCCESS)
		return ret;
	return hv_vcpu_set_sys_reg(v->id, HV_SYS_REG_ID_AA64PFR0_EL1,
				   hvf_pfr0_with_gic(pfr0));
}

/* The backend's state of vCPU index, with its wake-up pipe (both ends
 * non-blocking: a full pipe already wakes its reader).  vCPU 0 is on,
 * the others wait for PSCI CPU_ON. */
static struct hvf_vcpu *vcpu_alloc(struct hvf_vm *h, struct hyp_vcpu *vcpu,
				   unsigned int index)
{
	struct hvf_vcpu *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	if (pipe(v->wake) < 0) {
		free(v);
		return NULL;
	}
	fcntl(v->wake[0], F_SETFL, O_NONBLOCK);
	fcntl(v->wake[1], F_SETFL, O_NONBLOCK);
	v->hyp = vcpu;
	v->vm = h;
	v->mpidr = hvf_mpidr_of(index);
	v->power = index ? HVF_CPU_OFF : HVF_CPU_ON;
	return v;
}

static void vcpu_free(struct hvf_vcpu *v)
{
	close(v->wake[0]);
	close(v->wake[1]);
	free(v);
}

/* A vCPU that could not be made: nothing of it is kept but the error. */
static int vcpu_unmade(struct hyp_vcpu *vcpu, struct hvf_vcpu *v,
		       const char *call, hv_return_t ret)
{
	vcpu_free(v);
	vcpu->priv = NULL;
	vcpu->err_call = call;
	return hvf_errno(ret);
}

/* On the thread that will run it: the framework binds the vCPU to its
 * creator. */
static int hvf_vcpu_create(struct hyp_vm *vm, struct hyp_vcpu *vcpu,
			   unsigned int index)
{
	struct hvf_vm *h = vm->priv;
	struct hvf_vcpu *v;
	hv_return_t ret;

	*vcpu = (struct hyp_vcpu){ .vm = vm, .index = index };
	if (index >= h->nr_vcpus || h->vcpus[index]) {
		vcpu->err_call = "hvf-arm64: no such vCPU, or created twice";
		return -EINVAL;
	}
	v = vcpu_alloc(h, vcpu, index);
	if (!v) {
		vcpu->err_call = "hvf-arm64: vCPU state (calloc, pipe)";
		return -ENOMEM;
	}
	vcpu->priv = v;
	ret = hv_vcpu_create(&v->id, &v->exit, NULL);
	if (ret != HV_SUCCESS)
		return vcpu_unmade(vcpu, v, "hv_vcpu_create", ret);
	ret = vcpu_setup(v, h->gic);
	if (ret != HV_SUCCESS) {
		hv_vcpu_destroy(v->id);
		return vcpu_unmade(vcpu, v,
				   "hv_vcpu_set_sys_reg (MPIDR_EL1, "
				   "ID_AA64PFR0_EL1)",
				   ret);
	}
	pthread_mutex_lock(&h->lock);
	h->vcpus[index] = v;
	pthread_mutex_unlock(&h->lock);
	return 0;
}
/* book:end hvf_vcpu_create */

static int hvf_vm_ready(struct hyp_vm *vm)
{
	struct hvf_vm *h = vm->priv;

	for (unsigned int i = 0; i < h->nr_vcpus; i++) {
		if (!h->vcpus[i]) {
			vm->err_call = "hvf-arm64: a vCPU was not created";
			return -EINVAL;
		}
	}
	return 0;
}

/* book:begin hvf_irq_line */
/*
 * A device's line: SPI line is INTID 32 + line on the framework's GIC.
 * A vCPU sleeping in WFI does not see the GIC's state change, so every
 * sleeper is woken to run again (a spurious wake-up costs one WFI).
 */
static int hvf_irq_line(struct hyp_vm *vm, unsigned int line, bool level)
{
	struct hvf_vm *h = vm->priv;
	hv_return_t ret;

	if (!h->gic) {
		vm->err_call = "hvf-arm64: an interrupt line without a GIC";
		return -ENODEV;
	}
	ret = hv_gic_set_spi(GIC_INTID_SPI_BASE + line, level);
	if (ret != HV_SUCCESS)
		return vm_fail(vm, "hv_gic_set_spi", ret);
	if (level) {
		pthread_mutex_lock(&h->lock);
		for (unsigned int i = 0; i < h->nr_vcpus; i++)
			if (h->vcpus[i])
				wake(h->vcpus[i]);
		pthread_mutex_unlock(&h->lock);
	}
	return 0;
}
/* book:end hvf_irq_line */

/* On the vCPU's own thread, as hv_vcpu_destroy requires. */
static void hvf_vcpu_destroy(struct hyp_vcpu *vcpu)
{
	struct hvf_vcpu *v = vcpu->priv;

	if (!v)
		return;
	pthread_mutex_lock(&v->vm->lock);
	v->vm->vcpus[vcpu->index] = NULL;
	pthread_mutex_unlock(&v->vm->lock);
	hv_vcpu_destroy(v->id);
	vcpu_free(v);
	vcpu->priv = NULL;
}

static void hvf_vm_destroy(struct hyp_vm *vm)
{
	struct hvf_vm *h = vm->priv;

	if (!h)
		return;
	hv_vm_destroy();
	pthread_mutex_destroy(&h->lock);
	free(h->vcpus);
	free(h);
	vm->priv = NULL;
}

/* book:begin hvf_ops */
const struct hyp_ops hvf_arm64_ops = {
	.name = "hvf-arm64",
	.arch = HYP_ARCH_ARM64,
	.vm_create = hvf_vm_create,
	.map_memory = hvf_map_memory,
	.forward_hypercalls = hvf_forward_hypercalls,
	.vcpu_create = hvf_vcpu_create,
	.vm_ready = hvf_vm_ready,
	.run = hvf_run,
	.kick = hvf_kick,
	.get_reg = hvf_get_reg,
	.set_reg = hvf_set_reg,
	.irq_line = hvf_irq_line,
	.ioeventfd = NULL, /* nothing like KVM_IOEVENTFD: QueueNotify exits */
	.exit_name = hvf_exit_name,
	.vcpu_destroy = hvf_vcpu_destroy,
	.vm_destroy = hvf_vm_destroy,
};
/* book:end hvf_ops */
