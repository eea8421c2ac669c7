/*
 * test_hvf_run.c - unit tests of the hvf-arm64 backend's run(): one
 * HV_EXIT_REASON_EXCEPTION per exit kind, as an ESR_EL2 word and an
 * address, and exactly what the core gets from hv.h (the hyp_exit: its
 * kind, reason, MMIO access or hypercall) and what the backend did to the
 * vCPU (the register a load filled, the PC, X0 after PSCI); the virtual
 * timer exit, PSCI CPU_ON across two vCPU threads, WFI, kicks, and the
 * framework's GIC.
 *
 * Runs: on the Linux host (Check), with the backend linked against
 * hvf_fake.c in its scripted mode: a TEST-ONLY stand-in whose
 * hv_vcpu_run hands out the exits queued here and whose registers are
 * variables.  No guest code runs; what the real framework does was not
 * observed (no Mac): the syndromes are computed from the Arm ARM's field
 * layout (test_hvf_decode.c shows the sums), as a Mac's CPU would write
 * them.
 * Spec: hv.h (the contract of run, get_reg, set_reg, irq_line, kick);
 * Arm ARM "ESR_EL2", "Preferred exception return address"; Arm DEN0028
 * (SMCCC); Arm DEN0022 (PSCI); Apple's Hypervisor framework reference.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "run_suite.h"

#include "arch/arm64/machine.h"
#include "backends/hvf_arm64.c"
#include "backends/hvf_arm64_decode.c"
#include "hvf_fake.c"
#include "hypercall.h"

/*
 * Syndromes (EC << 26 | IL | ISS).  A data abort on an IPA without RAM
 * is a stage-2 translation fault: its DFSC (bits 5:0) is 0b0001LL, L the
 * level where the framework's tables ran out, which the decoder ignores;
 * level 2 (0x06) here.
 */
#define ESR_STR_W1	0x93810046ULL /* str w1, [x0]: SAS 2, SRT 1, WnR */
#define ESR_LDRSB_W9	0x93290006ULL /* ldrsb w9, [x0]: SAS 0, SSE, SRT 9 */
#define ESR_LDR_XZR	0x93df8006ULL /* ldr xzr, [x0]: SAS 3, SRT 31, SF */
#define ESR_STR_X2	0x93c28046ULL /* str x2, [x0]: SAS 3, SRT 2, SF, WnR */
#define ESR_NO_ISV	0x92000046ULL /* stp x0, x1, [x2]: ISV 0 */
#define ESR_HVC(imm)	(0x5a000000ULL | (imm))
#define ESR_SMC0	0x5e000000ULL
#define ESR_WFI		0x07e00000ULL
#define ESR_MRS_OSLSR	0x62280423ULL /* mrs x1, oslsr_el1 */
#define ESR_MRS_IAR1	0x62303059ULL /* mrs x2, icc_iar1_el1 */
#define ESR_MRS_IAR1_W0 0x62303058ULL /* msr icc_iar1_el1, x2 (Dir 0) */

#define GUEST_PC 0x40081000ULL
#define UART	 MACHINE_UART_BASE /* an IPA without RAM */

static struct hyp_vm vm;
static struct hyp_vcpu vcpus[2];
static struct hyp_exit x;

/* The framework's limits for its GIC: made up, of the shape it reports
 * (Apple does not publish them); the course's machine fits. */
static void fake_gic_limits(void)
{
	hvf_fake.dist_size = MACHINE_GICD_SIZE;
	hvf_fake.dist_align = MACHINE_GICD_SIZE;
	hvf_fake.redist_size = 8 * MACHINE_GICR_SIZE;
	hvf_fake.redist_align = MACHINE_GICD_SIZE;
	hvf_fake.spi_base = 32;
	hvf_fake.spi_count = 988;
}

/* A VM as the arm64 VMM makes one: nr vCPUs, the GIC or not, the
 * doorbell's SMCCC range forwarded, vCPU 0 created on this thread at the
 * guest's entry. */
static void machine_up(unsigned int nr, bool irqchip)
{
	struct hyp_config cfg = {
		.nr_vcpus = nr,
		.irqchip = irqchip,
		.arm64 = { .gicd_base = MACHINE_GICD_BASE,
			   .gicr_base = MACHINE_GICR_BASE,
			   .nr_irqs = MACHINE_GIC_NR_IRQS },
	};

	memset(&hvf_fake, 0, sizeof(hvf_fake));
	hvf_fake.error = HV_SUCCESS;
	fake_gic_limits();
	vm = (struct hyp_vm){ .ops = &hvf_arm64_ops };
	ck_assert_int_eq(hvf_arm64_ops.vm_create(&vm, &cfg), 0);
	ck_assert_int_eq(
		hvf_arm64_ops.forward_hypercalls(&vm, HC_ARM64_FUNCTION_BASE,
						 HC_ARM64_FUNCTION_COUNT),
		0);
	ck_assert_int_eq(hvf_arm64_ops.vcpu_create(&vm, &vcpus[0], 0), 0);
	hvf_fake.vcpu[0].reg[HV_REG_PC] = GUEST_PC;
}

static uint64_t *reg(unsigned int vcpu, hv_reg_t r)
{
	return &hvf_fake.vcpu[vcpu].reg[r];
}

static void queue_esr(unsigned int vcpu, uint64_t esr, uint64_t ipa)
{
	hvf_fake_queue(vcpu, HV_EXIT_REASON_EXCEPTION, esr, ipa);
}

static void canceled(unsigned int vcpu)
{
	hvf_fake_queue(vcpu, HV_EXIT_REASON_CANCELED, 0, 0);
}

/* run() on vCPU 0: it must succeed; the exit is in x. */
static void run0(void)
{
	memset(&x, 0xa5, sizeof(x));
	ck_assert_int_eq(hvf_arm64_ops.run(&vcpus[0], &x), 0);
}

/* The exit that ends a test's script: the core sees INTERRUPTED. */
static void run0_to_canceled(void)
{
	run0();
	ck_assert_int_eq(x.kind, HYP_EXIT_INTERRUPTED);
	ck_assert_uint_eq(x.reason, HVF_REASON_CANCELED);
}

/* --- MMIO ------------------------------------------------------------- */

START_TEST(str_w1_is_an_mmio_write_of_the_low_4_bytes_of_x1)
{
	machine_up(1, false);
	*reg(0, HV_REG_X1) = 0x1122334455667788ULL;
	queue_esr(0, ESR_STR_W1, UART + 4);
	canceled(0);
	run0();
	ck_assert_int_eq(x.kind, HYP_EXIT_MMIO);
	ck_assert_uint_eq(x.reason, HVF_REASON_MMIO);
	ck_assert_uint_eq(x.io.addr, UART + 4);
	ck_assert_uint_eq(x.io.len, 4);
	ck_assert_uint_eq(x.io.count, 1);
	ck_assert(x.io.is_write);
	ck_assert_mem_eq(x.io.data, "\x88\x77\x66\x55", 4); /* little-endian */
	/* The PC moves when the core has handled it: on the next run(). */
	ck_assert_uint_eq(*reg(0, HV_REG_PC), GUEST_PC);
	run0_to_canceled();
	ck_assert_uint_eq(*reg(0, HV_REG_PC), GUEST_PC + 4);
	ck_assert_uint_eq(*reg(0, HV_REG_X1), 0x1122334455667788ULL);
}
END_TEST

START_TEST(str_x2_is_an_8_byte_write)
{
	machine_up(1, false);
	*reg(0, HV_REG_X2) = 0x0102030405060708ULL;
	queue_esr(0, ESR_STR_X2, MACHINE_VIRTIO_BASE + 0x50);
	run0();
	ck_assert_int_eq(x.kind, HYP_EXIT_MMIO);
	ck_assert_uint_eq(x.io.addr, MACHINE_VIRTIO_BASE + 0x50);
	ck_assert_uint_eq(x.io.len, 8);
	ck_assert_mem_eq(x.io.data, "\x08\x07\x06\x05\x04\x03\x02\x01", 8);
}
END_TEST

START_TEST(ldrsb_w9_is_finished_by_the_next_run)
{
	machine_up(1, false);
	*reg(0, HV_REG_X0 + 9) = 0xdeadbeefdeadbeefULL;
	queue_esr(0, ESR_LDRSB_W9, UART + 5);
	canceled(0);
	run0();
	ck_assert_int_eq(x.kind, HYP_EXIT_MMIO);
	ck_assert_uint_eq(x.io.addr, UART + 5);
	ck_assert_uint_eq(x.io.len, 1);
	ck_assert(!x.io.is_write);
	x.io.data[0] = 0x80; /* the bus's answer */
	ck_assert_uint_eq(*reg(0, HV_REG_X0 + 9), 0xdeadbeefdeadbeefULL);
	run0_to_canceled();
	/* Sign-extended into W9, bits 63:32 of X9 cleared; PC past it. */
	ck_assert_uint_eq(*reg(0, HV_REG_X0 + 9), 0x00000000ffffff80ULL);
	ck_assert_uint_eq(*reg(0, HV_REG_PC), GUEST_PC + 4);
}
END_TEST

START_TEST(a_load_into_xzr_changes_no_register_and_not_the_pc)
{
	uint64_t before[HVF_FAKE_REGS];

	machine_up(1, false);
	for (unsigned int n = 0; n <= 30; n++)
		*reg(0, HV_REG_X0 + n) = 0x1000 + n;
	memcpy(before, hvf_fake.vcpu[0].reg, sizeof(before));
	queue_esr(0, ESR_LDR_XZR, UART);
	canceled(0);
	run0();
	ck_assert_int_eq(x.kind, HYP_EXIT_MMIO);
	memset(x.io.data, 0xee, x.io.len);
	run0_to_canceled();
	/* Register 31 is XZR, not HV_REG_X0 + 31 (HV_REG_PC): the PC moves
	 * by 4, not to 0xeeeeeeeeeeeeeeee. */
	before[HV_REG_PC] += 4;
	ck_assert_mem_eq(hvf_fake.vcpu[0].reg, before, sizeof(before));
}
END_TEST

START_TEST(a_data_abort_without_isv_ends_the_vm_saying_why)
{
	machine_up(1, false);
	queue_esr(0, ESR_NO_ISV, UART);
	run0();
	ck_assert_int_eq(x.kind, HYP_EXIT_FAILED);
	ck_assert_uint_eq(x.reason, HVF_REASON_EXCEPTION);
	ck_assert_str_eq(vcpus[0].err_call,
			 "ESR_EL2 0x92000046: data abort without a valid "
			 "syndrome (ISV 0): a load/store pair or write-back "
			 "access to MMIO");
	ck_assert_uint_eq(*reg(0, HV_REG_PC), GUEST_PC);
}
END_TEST

/* --- HVC and SMC: the core's hypercalls --------------------------------- */

START_TEST(hvc_0_in_the_forwarded_range_is_a_hypercall)
{
	machine_up(1, false);
	*reg(0, HV_REG_X0) = 0xffffffff00000000ULL | HC_ARM64_FUNCTION(HC_PUTS);
	*reg(0, HV_REG_PC) = GUEST_PC + 4; /* the framework: past the HVC */
	queue_esr(0, ESR_HVC(0), 0);
	canceled(0);
	run0();
	ck_assert_int_eq(x.kind, HYP_EXIT_HYPERCALL);
	ck_assert_uint_eq(x.reason, HVF_REASON_HVC);
	ck_assert_uint_eq(x.hypercall.function, 0xc6000002); /* W0 only */
	ck_assert_int_eq(x.hypercall.conduit, HYP_CONDUIT_HVC);
	ck_assert_uint_eq(x.hypercall.imm, 0);
	ck_assert(x.hypercall.imm_known);
	ck_assert_uint_eq(*reg(0, HV_REG_PC), GUEST_PC + 4);
	/* The core's answer survives the next run. */
	ck_assert_int_eq(hvf_arm64_ops.set_reg(&vcpus[0], HYP_REG_X(0), 12), 0);
	run0_to_canceled();
	ck_assert_uint_eq(*reg(0, HV_REG_X0), 12);
	ck_assert_uint_eq(*reg(0, HV_REG_PC), GUEST_PC + 4);
}
END_TEST

START_TEST(hvc_1_is_shown_with_its_immediate)
{
	machine_up(1, false);
	*reg(0, HV_REG_X0) = HC_ARM64_FUNCTION(HC_EXIT);
	queue_esr(0, ESR_HVC(1), 0);
	run0();
	ck_assert_int_eq(x.kind, HYP_EXIT_HYPERCALL);
	ck_assert_uint_eq(x.hypercall.function, 0xc6000000);
	ck_assert_uint_eq(x.hypercall.imm, 1);
}
END_TEST

START_TEST(an_hvc_outside_the_range_gets_not_supported_without_an_exit)
{
	machine_up(1, false);
	*reg(0, HV_REG_X0) = 0xc7000001; /* another owner's call */
	*reg(0, HV_REG_PC) = GUEST_PC + 4;
	queue_esr(0, ESR_HVC(0), 0);
	canceled(0);
	run0_to_canceled();
	ck_assert_uint_eq(*reg(0, HV_REG_X0), UINT64_MAX); /* -1 */
	ck_assert_uint_eq(*reg(0, HV_REG_PC), GUEST_PC + 4);
	ck_assert_uint_eq(hvf_fake.vcpu[0].runs, 2);
}
END_TEST

START_TEST(an_smc_in_the_range_is_a_hypercall_past_the_smc)
{
	machine_up(1, false);
	*reg(0, HV_REG_X0) = HC_ARM64_FUNCTION(HC_PUTCHAR);
	queue_esr(0, ESR_SMC0, 0);
	run0();
	ck_assert_int_eq(x.kind, HYP_EXIT_HYPERCALL);
	ck_assert_uint_eq(x.reason, HVF_REASON_SMC);
	ck_assert_int_eq(x.hypercall.conduit, HYP_CONDUIT_SMC);
	ck_assert_uint_eq(x.hypercall.function, 0xc6000001);
	/* A trapped SMC returns to itself: the backend moved the PC, so
	 * that the core sees it past the call, as KVM shows it. */
	ck_assert_uint_eq(*reg(0, HV_REG_PC), GUEST_PC + 4);
}
END_TEST

START_TEST(the_hypercall_arguments_are_x1_to_x4)
{
	uint64_t arg;

	machine_up(1, false);
	*reg(0, HV_REG_X0) = HC_ARM64_FUNCTION(HC_PUTS);
	*reg(0, HV_REG_X1) = 0x84000;
	*reg(0, HV_REG_X2) = 12;
	queue_esr(0, ESR_HVC(0), 0);
	run0();
	ck_assert_int_eq(x.kind, HYP_EXIT_HYPERCALL);
	ck_assert_int_eq(hvf_arm64_ops.get_reg(&vcpus[0], HYP_REG_X(1), &arg),
			 0);
	ck_assert_uint_eq(arg, 0x84000);
	ck_assert_int_eq(hvf_arm64_ops.get_reg(&vcpus[0], HYP_REG_X(2), &arg),
			 0);
	ck_assert_uint_eq(arg, 12);
}
END_TEST

/* --- PSCI: the backend is the firmware ------------------------------------ */

/* One PSCI call by HVC on vCPU 0 with X0..X3; the VM runs on to the
 * queued CANCELED, and X0 is the answer. */
static uint64_t psci0(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	*reg(0, HV_REG_X0) = fn;
	*reg(0, HV_REG_X1) = a1;
	*reg(0, HV_REG_X2) = a2;
	*reg(0, HV_REG_X3) = a3;
	queue_esr(0, ESR_HVC(0), 0);
	canceled(0);
	run0_to_canceled();
	return *reg(0, HV_REG_X0);
}

START_TEST(psci_version_features_and_migrate_info_are_answered_in_x0)
{
	machine_up(1, false);
	ck_assert_uint_eq(psci0(PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0), 0x10000);
	ck_assert_uint_eq(
		psci0(PSCI_1_0_FN_PSCI_FEATURES, PSCI_0_2_FN64_CPU_ON, 0, 0),
		0);
	ck_assert_uint_eq(psci0(PSCI_1_0_FN_PSCI_FEATURES, 0x84000012, 0, 0),
			  (uint64_t)-1); /* SYSTEM_RESET2: NOT_SUPPORTED */
	ck_assert_uint_eq(psci0(PSCI_0_2_FN_MIGRATE_INFO_TYPE, 0, 0, 0), 2);
	ck_assert_uint_eq(psci0(0xc400000e, 0, 0, 0), (uint64_t)-1);
	/* None of them reached the core: four runs each, two exits each. */
	ck_assert_uint_eq(hvf_fake.vcpu[0].runs, 10);
}
END_TEST

START_TEST(psci_system_off_and_reset_end_the_vm)
{
	machine_up(1, false);
	*reg(0, HV_REG_X0) = PSCI_0_2_FN_SYSTEM_OFF;
	queue_esr(0, ESR_HVC(0), 0);
	run0();
	ck_assert_int_eq(x.kind, HYP_EXIT_SYSTEM_EVENT);
	ck_assert_uint_eq(x.reason, HVF_REASON_PSCI);
	ck_assert_int_eq(x.event, HYP_EVENT_POWER_OFF);
	*reg(0, HV_REG_X0) = PSCI_0_2_FN_SYSTEM_RESET;
	queue_esr(0, ESR_SMC0, 0); /* by SMC: the same firmware */
	run0();
	ck_assert_int_eq(x.kind, HYP_EXIT_SYSTEM_EVENT);
	ck_assert_int_eq(x.event, HYP_EVENT_RESET);
}
END_TEST

START_TEST(cpu_on_with_a_bad_target_or_a_running_cpu_is_refused)
{
	machine_up(2, false);
	ck_assert_uint_eq(psci0(PSCI_0_2_FN64_CPU_ON, 0x2, 0x40080000, 0),
			  (uint64_t)PSCI_RET_INVALID_PARAMS); /* no MPIDR 2 */
	ck_assert_uint_eq(psci0(PSCI_0_2_FN64_CPU_ON, 0x0, 0x40080000, 0),
			  (uint64_t)PSCI_RET_ALREADY_ON); /* itself */
	/* vCPU 1 not created yet: not a target either. */
	ck_assert_uint_eq(psci0(PSCI_0_2_FN64_AFFINITY_INFO, 0x1, 0, 0),
			  (uint64_t)PSCI_RET_INVALID_PARAMS);
	ck_assert_uint_eq(psci0(PSCI_0_2_FN64_AFFINITY_INFO, 0x0, 0, 0),
			  PSCI_0_2_AFFINITY_LEVEL_ON);
	ck_assert_uint_eq(psci0(PSCI_0_2_FN64_AFFINITY_INFO, 0x0, 1, 0),
			  (uint64_t)PSCI_RET_INVALID_PARAMS); /* level 1 */
}
END_TEST

/* vCPU 1's thread, as the arm64 VMM runs it: create, tell the main
 * thread, run (powered off: it waits for CPU_ON); then, when the main
 * thread says so, set X0 as the core would between two runs, and run
 * again. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stage; /* 1 created, 2 first run returned, 3 go on, 4 second
		      returned */
	int err[3];
	struct hyp_exit exit[2];
} t1 = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static void t1_stage(int stage)
{
	pthread_mutex_lock(&t1.lock);
	t1.stage = stage;
	pthread_cond_broadcast(&t1.cond);
	pthread_mutex_unlock(&t1.lock);
}

static void t1_wait(int stage)
{
	pthread_mutex_lock(&t1.lock);
	while (t1.stage < stage)
		pthread_cond_wait(&t1.cond, &t1.lock);
	pthread_mutex_unlock(&t1.lock);
}

static void *vcpu1_thread(void *arg)
{
	(void)arg;
	t1.err[0] = hvf_arm64_ops.vcpu_create(&vm, &vcpus[1], 1);
	t1_stage(1);
	if (t1.err[0])
		return NULL;
	t1.err[1] = hvf_arm64_ops.run(&vcpus[1], &t1.exit[0]);
	t1_stage(2);
	t1_wait(3);
	hvf_arm64_ops.set_reg(&vcpus[1], HYP_REG_X(0), PSCI_0_2_FN_CPU_OFF);
	t1.err[2] = hvf_arm64_ops.run(&vcpus[1], &t1.exit[1]);
	t1_stage(4);
	return NULL;
}

/* vCPU 1's power state as the backend keeps it, under its lock. */
static enum hvf_power power1(void)
{
	struct hvf_vcpu *v = vcpus[1].priv;
	enum hvf_power p;

	pthread_mutex_lock(&v->vm->lock);
	p = v->power;
	pthread_mutex_unlock(&v->vm->lock);
	return p;
}

START_TEST(cpu_on_starts_the_target_on_its_own_thread)
{
	pthread_t t;

	machine_up(2, false);
	ck_assert_int_eq(pthread_create(&t, NULL, vcpu1_thread, NULL), 0);
	t1_wait(1);
	ck_assert_int_eq(t1.err[0], 0);
	ck_assert_uint_eq(hvf_fake_sys_reg(1, HV_SYS_REG_MPIDR_EL1), 1);
	ck_assert_uint_eq(psci0(PSCI_0_2_FN64_AFFINITY_INFO, 0x1, 0, 0),
			  PSCI_0_2_AFFINITY_LEVEL_OFF);
	/* As if it had run with its MMU and data cache on (SCTLR_EL1's
	 * M, C and I set), before a CPU_OFF. */
	hvf_fake_set_sys_reg(1, HV_SYS_REG_SCTLR_EL1, 0x30d0198d);
	/* vCPU 1's script: two HVCs, X0 its own each time. */
	queue_esr(1, ESR_HVC(0), 0);
	queue_esr(1, ESR_HVC(0), 0);
	ck_assert_uint_eq(psci0(PSCI_0_2_FN64_CPU_ON, 0x1, 0x40080000,
				PSCI_0_2_FN_SYSTEM_OFF),
			  PSCI_RET_SUCCESS);
	t1_wait(2);
	/* vCPU 1 started where CPU_ON said, set up by its own thread: PC =
	 * entry, X0 = context (here SYSTEM_OFF's ID, so that its first HVC
	 * powers the machine off), EL1h with DAIF masked. */
	ck_assert_int_eq(t1.err[1], 0);
	ck_assert_int_eq(t1.exit[0].kind, HYP_EXIT_SYSTEM_EVENT);
	ck_assert_int_eq(t1.exit[0].event, HYP_EVENT_POWER_OFF);
	ck_assert_uint_eq(*reg(1, HV_REG_PC), 0x40080000);
	ck_assert_uint_eq(*reg(1, HV_REG_CPSR), 0x3c5);
	/* M (bit 0) and C (bit 2) off, the I-cache (bit 12) left on. */
	ck_assert_uint_eq(hvf_fake_sys_reg(1, HV_SYS_REG_SCTLR_EL1),
			  0x30d01988);
	ck_assert_uint_eq(psci0(PSCI_0_2_FN64_CPU_ON, 0x1, 0x40080000, 0),
			  (uint64_t)PSCI_RET_ALREADY_ON);
	/* Its second run: PSCI CPU_OFF parks it until a CPU_ON or a kick. */
	t1_stage(3);
	while (hvf_fake.vcpu[1].runs < 2 || power1() != HVF_CPU_OFF)
		usleep(1000);
	ck_assert_uint_eq(psci0(PSCI_0_2_FN64_AFFINITY_INFO, 0x1, 0, 0),
			  PSCI_0_2_AFFINITY_LEVEL_OFF);
	hvf_arm64_ops.kick(&vcpus[1]);
	t1_wait(4);
	ck_assert_int_eq(t1.err[2], 0);
	ck_assert_int_eq(t1.exit[1].kind, HYP_EXIT_INTERRUPTED);
	pthread_join(t, NULL);
	/* No call on a vCPU came from a thread that does not own it. */
	ck_assert_uint_eq(hvf_fake.wrong_thread, 0);
}
END_TEST

/* --- WFI, the timer, kicks ------------------------------------------------ */

START_TEST(wfi_without_a_gic_halts_past_the_wfi)
{
	machine_up(1, false);
	queue_esr(0, ESR_WFI, 0);
	run0();
	ck_assert_int_eq(x.kind, HYP_EXIT_HALT);
	ck_assert_uint_eq(x.reason, HVF_REASON_WFI);
	ck_assert_uint_eq(*reg(0, HV_REG_PC), GUEST_PC + 4);
}
END_TEST

START_TEST(wfi_with_a_gic_runs_on_once_the_timer_is_due)
{
	machine_up(1, true);
	hvf_fake.now = 5000;
	hvf_fake.vcpu[0].vtimer_offset = 1000; /* the guest counter: 4000 */
	hvf_fake_set_sys_reg(0, HV_SYS_REG_CNTV_CTL_EL0,
			     ARCH_TIMER_CTRL_ENABLE);
	hvf_fake_set_sys_reg(0, HV_SYS_REG_CNTV_CVAL_EL0, 4000);
	queue_esr(0, ESR_WFI, 0);
	canceled(0);
	run0_to_canceled(); /* due: no sleep, no exit to the core */
	ck_assert_uint_eq(*reg(0, HV_REG_PC), GUEST_PC + 4);
	ck_assert_uint_eq(hvf_fake.vcpu[0].runs, 2);
}
END_TEST

START_TEST(a_device_interrupt_wakes_a_wfi_and_reaches_the_gic)
{
	machine_up(1, true);
	/* The timer is masked: only a wake-up can end this WFI. */
	hvf_fake_set_sys_reg(0, HV_SYS_REG_CNTV_CTL_EL0,
			     ARCH_TIMER_CTRL_ENABLE | ARCH_TIMER_CTRL_IT_MASK);
	ck_assert_int_eq(hvf_arm64_ops.irq_line(&vm, MACHINE_SPI_UART, true),
			 0);
	ck_assert_uint_eq(hvf_fake.spi_intid, 32 + MACHINE_SPI_UART);
	ck_assert(hvf_fake.spi_level);
	queue_esr(0, ESR_WFI, 0);
	canceled(0);
	run0_to_canceled();
	ck_assert_int_eq(hvf_arm64_ops.irq_line(&vm, MACHINE_SPI_UART, false),
			 0);
	ck_assert(!hvf_fake.spi_level);
	ck_assert_uint_eq(hvf_fake.spi_calls, 2);
}
END_TEST

START_TEST(an_interrupt_line_without_a_gic_is_refused)
{
	machine_up(1, false);
	ck_assert_int_eq(hvf_arm64_ops.irq_line(&vm, 0, true), -ENODEV);
	ck_assert_str_eq(vm.err_call,
			 "hvf-arm64: an interrupt line without a GIC");
	ck_assert_uint_eq(hvf_fake.spi_calls, 0);
}
END_TEST

START_TEST(the_vtimer_exit_raises_the_irq_line_until_the_guest_is_done)
{
	machine_up(1, false);
	/* Fired: ENABLE | ISTATUS. */
	hvf_fake_set_sys_reg(0, HV_SYS_REG_CNTV_CTL_EL0,
			     ARCH_TIMER_CTRL_ENABLE | ARCH_TIMER_CTRL_IT_STAT);
	hvf_fake_queue(0, HV_EXIT_REASON_VTIMER_ACTIVATED, 0, 0);
	canceled(0);
	canceled(0);
	canceled(0);
	run0_to_canceled();
	/* The run after the exit entered the guest with its IRQ line high,
	 * set again before that run: the framework clears it each time. */
	ck_assert_uint_eq(hvf_fake.vcpu[0].runs, 2);
	ck_assert(hvf_fake.vcpu[0].irq_at_run);
	ck_assert(hvf_fake.vcpu[0].vtimer_masked);
	/* Still fired at the next run: raised again, still masked. */
	run0_to_canceled();
	ck_assert(hvf_fake.vcpu[0].irq_at_run);
	ck_assert(hvf_fake.vcpu[0].vtimer_masked);
	/* The guest's handler moved CVAL on: ISTATUS clear.  The next run
	 * lowers the line and unmasks the timer. */
	hvf_fake_set_sys_reg(0, HV_SYS_REG_CNTV_CTL_EL0,
			     ARCH_TIMER_CTRL_ENABLE);
	run0_to_canceled();
	ck_assert(!hvf_fake.vcpu[0].irq_at_run);
	ck_assert(!hvf_fake.vcpu[0].vtimer_masked);
}
END_TEST

START_TEST(a_kick_before_run_returns_without_entering_the_guest)
{
	machine_up(1, false);
	queue_esr(0, ESR_WFI, 0);
	hvf_arm64_ops.kick(&vcpus[0]);
	run0();
	ck_assert_int_eq(x.kind, HYP_EXIT_INTERRUPTED);
	ck_assert_uint_eq(x.reason, HVF_REASON_CANCELED);
	ck_assert_uint_eq(hvf_fake.vcpu[0].runs, 0);
	/* hv_vcpus_exit was asked too, for a vCPU in the guest; the next
	 * run meets that request: CANCELED, again nothing for the core. */
	run0_to_canceled();
	ck_assert_uint_eq(hvf_fake.vcpu[0].runs, 0);
	run0();
	ck_assert_int_eq(x.kind, HYP_EXIT_HALT);
}
END_TEST

/* --- system registers, failures ------------------------------------------- */

START_TEST(a_debug_register_read_is_zero_and_moves_the_pc)
{
	machine_up(1, false);
	*reg(0, HV_REG_X1) = 0xffff;
	queue_esr(0, ESR_MRS_OSLSR, 0);
	canceled(0);
	run0_to_canceled();
	ck_assert_uint_eq(*reg(0, HV_REG_X1), 0);
	ck_assert_uint_eq(*reg(0, HV_REG_PC), GUEST_PC + 4);
}
END_TEST

START_TEST(a_register_the_vmm_does_not_emulate_ends_the_vm_naming_it)
{
	machine_up(1, false);
	queue_esr(0, ESR_MRS_IAR1, 0);
	run0();
	ck_assert_int_eq(x.kind, HYP_EXIT_FAILED);
	ck_assert_uint_eq(x.reason, HVF_REASON_SYSREG);
	ck_assert_str_eq(vcpus[0].err_call,
			 "MRS S3_0_C12_C12_0: a system register this VMM does "
			 "not emulate");
	queue_esr(0, ESR_MRS_IAR1_W0, 0);
	run0();
	ck_assert_str_eq(vcpus[0].err_call,
			 "MSR S3_0_C12_C12_0: a system register this VMM does "
			 "not emulate");
	ck_assert_uint_eq(*reg(0, HV_REG_PC), GUEST_PC);
}
END_TEST

START_TEST(an_unknown_exit_reason_ends_the_vm)
{
	machine_up(1, false);
	hvf_fake_queue(0, HV_EXIT_REASON_UNKNOWN, 0, 0);
	run0();
	ck_assert_int_eq(x.kind, HYP_EXIT_FAILED);
	ck_assert_uint_eq(x.reason, HVF_REASON_UNKNOWN);
	ck_assert_str_eq(vcpus[0].err_call,
			 "hv_vcpu_run: HV_EXIT_REASON_UNKNOWN");
}
END_TEST

START_TEST(hv_vcpu_run_failing_is_an_error_naming_it)
{
	machine_up(1, false);
	hvf_fake.error = HV_NO_RESOURCES;
	ck_assert_int_eq(hvf_arm64_ops.run(&vcpus[0], &x), -ENOMEM);
	ck_assert_str_eq(vcpus[0].err_call, "hv_vcpu_run");
}
END_TEST

/* --- the VM and its vCPUs -------------------------------------------------- */

START_TEST(vm_create_maps_and_places_the_gic)
{
	static char ram[0x20000] __attribute__((aligned(0x10000)));

	machine_up(1, true);
	ck_assert(hvf_fake.gic);
	ck_assert_uint_eq(hvf_fake.gicd, 0xf0000000);
	ck_assert_uint_eq(hvf_fake.gicr, 0xf0010000);
	ck_assert_int_eq(hvf_arm64_ops.map_memory(&vm, 0, ram, sizeof(ram)), 0);
	ck_assert_ptr_eq(hvf_fake.map.addr, ram);
	ck_assert_uint_eq(hvf_fake.map.ipa, 0);
	ck_assert_uint_eq(hvf_fake.map.size, sizeof(ram));
	ck_assert_uint_eq(hvf_fake.map.flags, 7); /* READ | WRITE | EXEC */
	ck_assert_int_eq(hvf_arm64_ops.vm_ready(&vm), 0);
}
END_TEST

START_TEST(a_gic_that_does_not_fit_is_refused_before_hv_gic_create)
{
	struct hyp_config cfg = { .nr_vcpus = 1,
				  .irqchip = true,
				  .arm64 = { .gicd_base = MACHINE_GICD_BASE,
					     .gicr_base = MACHINE_GICR_BASE,
					     .nr_irqs = MACHINE_GIC_NR_IRQS } };

	memset(&hvf_fake, 0, sizeof(hvf_fake));
	hvf_fake.error = HV_SUCCESS;
	fake_gic_limits();
	hvf_fake.redist_align = 0x100000; /* 0xf0010000 is not 1 MiB aligned */
	vm = (struct hyp_vm){ .ops = &hvf_arm64_ops };
	ck_assert_int_eq(hvf_arm64_ops.vm_create(&vm, &cfg), -EINVAL);
	ck_assert_str_eq(vm.err_call,
			 "hv_gic: the redistributors' address is not aligned "
			 "as hv_gic_get_redistributor_base_alignment asks");
	ck_assert(!hvf_fake.gic);
	ck_assert(!hvf_fake.vm); /* destroyed again */
	ck_assert_ptr_null(vm.priv);
}
END_TEST

START_TEST(vcpu_create_sets_mpidr_and_with_a_gic_the_pfr0_gic_field)
{
	uint64_t val;

	machine_up(1, true);
	/* vCPU 0 was created with a GIC: ID_AA64PFR0_EL1 was 0, now GIC 1. */
	ck_assert_uint_eq(hvf_fake_sys_reg(0, HV_SYS_REG_ID_AA64PFR0_EL1),
			  0x01000000);
	ck_assert_int_eq(
		hvf_arm64_ops.get_reg(&vcpus[0], HYP_REG_MPIDR_EL1, &val), 0);
	ck_assert_uint_eq(val, 0);
	ck_assert_int_eq(
		hvf_arm64_ops.set_reg(&vcpus[0], HYP_REG_SP_EL1, 0x40f00000),
		0);
	ck_assert_uint_eq(hvf_fake_sys_reg(0, 0xe208), 0x40f00000);
	ck_assert_int_eq(
		hvf_arm64_ops.set_reg(&vcpus[0], HYP_REG_PSTATE, 0x3c5), 0);
	ck_assert_uint_eq(*reg(0, HV_REG_CPSR), 0x3c5);
	ck_assert_int_eq(hvf_arm64_ops.get_reg(&vcpus[0], HYP_REG_RIP, &val),
			 -EINVAL);
	ck_assert_str_eq(vcpus[0].err_call,
			 "hvf-arm64: no such arm64 register");
	/* One vCPU in this VM: a second one, or index 0 again, is refused. */
	ck_assert_int_eq(hvf_arm64_ops.vcpu_create(&vm, &vcpus[1], 1), -EINVAL);
	ck_assert_int_eq(hvf_arm64_ops.vcpu_create(&vm, &vcpus[1], 0), -EINVAL);
	ck_assert_uint_eq(hvf_fake.nr_vcpus, 1);
}
END_TEST

START_TEST(vm_ready_wants_every_vcpu)
{
	machine_up(2, false);
	ck_assert_int_eq(hvf_arm64_ops.vm_ready(&vm), -EINVAL);
	ck_assert_str_eq(vm.err_call, "hvf-arm64: a vCPU was not created");
}
END_TEST

static void *create_vcpu1(void *arg)
{
	*(int *)arg = hvf_arm64_ops.vcpu_create(&vm, &vcpus[1], 1);
	return NULL;
}

START_TEST(a_vcpu_the_framework_refuses_is_not_kept)
{
	pthread_t t;
	int err = 1;

	machine_up(2, false);
	/* A second vCPU on vCPU 0's thread: the framework says no (one
	 * vCPU per thread), and nothing of it stays. */
	ck_assert_int_eq(hvf_arm64_ops.vcpu_create(&vm, &vcpus[1], 1), -EBUSY);
	ck_assert_str_eq(vcpus[1].err_call, "hv_vcpu_create");
	ck_assert_ptr_null(vcpus[1].priv);
	ck_assert_uint_eq(vcpus[1].index, 1);
	ck_assert_int_eq(hvf_arm64_ops.vm_ready(&vm), -EINVAL);
	/* The index is free again: on a thread of its own it is made. */
	ck_assert_int_eq(pthread_create(&t, NULL, create_vcpu1, &err), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(hvf_fake_sys_reg(1, HV_SYS_REG_MPIDR_EL1), 1);
	ck_assert_int_eq(hvf_arm64_ops.vm_ready(&vm), 0);
}
END_TEST

START_TEST(destroy_releases_the_vcpu_and_the_vm)
{
	machine_up(1, false);
	hvf_arm64_ops.vcpu_destroy(&vcpus[0]);
	ck_assert(!hvf_fake.vcpu[0].created);
	ck_assert_ptr_null(vcpus[0].priv);
	hvf_arm64_ops.vm_destroy(&vm);
	ck_assert(!hvf_fake.vm);
	ck_assert_ptr_null(vm.priv);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hvf_run");
	TCase *mmio = tcase_create("mmio");
	TCase *calls = tcase_create("calls");
	TCase *psci = tcase_create("psci");
	TCase *wait = tcase_create("wfi_timer_kick");
	TCase *other = tcase_create("sysreg_vm");

	tcase_add_test(mmio, str_w1_is_an_mmio_write_of_the_low_4_bytes_of_x1);
	tcase_add_test(mmio, str_x2_is_an_8_byte_write);
	tcase_add_test(mmio, ldrsb_w9_is_finished_by_the_next_run);
	tcase_add_test(mmio,
		       a_load_into_xzr_changes_no_register_and_not_the_pc);
	tcase_add_test(mmio, a_data_abort_without_isv_ends_the_vm_saying_why);
	tcase_add_test(calls, hvc_0_in_the_forwarded_range_is_a_hypercall);
	tcase_add_test(calls, hvc_1_is_shown_with_its_immediate);
	tcase_add_test(
		calls,
		an_hvc_outside_the_range_gets_not_supported_without_an_exit);
	tcase_add_test(calls, an_smc_in_the_range_is_a_hypercall_past_the_smc);
	tcase_add_test(calls, the_hypercall_arguments_are_x1_to_x4);
	tcase_add_test(
		psci,
		psci_version_features_and_migrate_info_are_answered_in_x0);
	tcase_add_test(psci, psci_system_off_and_reset_end_the_vm);
	tcase_add_test(psci,
		       cpu_on_with_a_bad_target_or_a_running_cpu_is_refused);
	tcase_add_test(psci, cpu_on_starts_the_target_on_its_own_thread);
	tcase_add_test(wait, wfi_without_a_gic_halts_past_the_wfi);
	tcase_add_test(wait, wfi_with_a_gic_runs_on_once_the_timer_is_due);
	tcase_add_test(wait,
		       a_device_interrupt_wakes_a_wfi_and_reaches_the_gic);
	tcase_add_test(wait, an_interrupt_line_without_a_gic_is_refused);
	tcase_add_test(
		wait,
		the_vtimer_exit_raises_the_irq_line_until_the_guest_is_done);
	tcase_add_test(wait,
		       a_kick_before_run_returns_without_entering_the_guest);
	tcase_add_test(other, a_debug_register_read_is_zero_and_moves_the_pc);
	tcase_add_test(
		other,
		a_register_the_vmm_does_not_emulate_ends_the_vm_naming_it);
	tcase_add_test(other, an_unknown_exit_reason_ends_the_vm);
	tcase_add_test(other, hv_vcpu_run_failing_is_an_error_naming_it);
	tcase_add_test(other, vm_create_maps_and_places_the_gic);
	tcase_add_test(other,
		       a_gic_that_does_not_fit_is_refused_before_hv_gic_create);
	tcase_add_test(
		other,
		vcpu_create_sets_mpidr_and_with_a_gic_the_pfr0_gic_field);
	tcase_add_test(other, vm_ready_wants_every_vcpu);
	tcase_add_test(other, a_vcpu_the_framework_refuses_is_not_kept);
	tcase_add_test(other, destroy_releases_the_vcpu_and_the_vm);
	suite_add_tcase(s, mmio);
	suite_add_tcase(s, calls);
	suite_add_tcase(s, psci);
	suite_add_tcase(s, wait);
	suite_add_tcase(s, other);
	return run_suite(s);
}
