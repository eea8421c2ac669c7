/*
 * hvf_arm64_decode.c - turn a Hypervisor.framework exception exit into
 * what the VMM must do: the ESR_EL2 syndrome, field by field.
 *
 * Runs: userspace (the VMM), on the vCPU's thread; pure functions (no
 * framework call), unit-tested on Linux with exact syndromes.
 *
 * Spec: Arm ARM (DDI 0487): "ESR_EL2, Exception Syndrome Register (EL2)"
 * and its ISS encodings (arm64_esr.h), "Preferred exception return
 * address", "SPSR_EL2", "MPIDR_EL1", "CNTV_CTL_EL0"; Arm DEN0028 "SMC
 * Calling Convention"; Arm DEN0022 "Power State Coordination Interface".
 *
 * On KVM the kernel does all of this and hands the VMM a finished
 * KVM_EXIT_MMIO or KVM_EXIT_HYPERCALL; on Hypervisor.framework the VMM is
 * the one at EL2's side of the table, so the syndrome is ours to read.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>

#include "hvf_arm64_decode.h"

/* book:begin hvf_decode_dabt */
/*
 * "ISS encoding for an exception from a Data Abort".  With ISV set the
 * syndrome describes the whole access: size, direction, register and
 * how it extends.  Without ISV (a load/store pair, a write-back mode, a
 * SIMD register) it names no register: decoding the instruction from
 * guest memory would be needed, and the course's guests never do that to
 * MMIO (Linux's readl/writel are single LDR/STR), so it is an error, as
 * it is on KVM by default (KVM_RUN fails with ENOSYS).
 */
static int decode_dabt(uint64_t esr, uint64_t ipa, struct hvf_exception *exc)
{
	struct hvf_mmio *m = &exc->mmio;

	if (esr & ESR_ELx_S1PTW) {
		exc->error = "data abort: the guest's page-table walk read an "
			     "address without RAM";
		return -EINVAL;
	}
	if (esr & ESR_ELx_CM) {
		exc->kind = HVF_EXC_CACHE_OP; /* DC/IC: nothing to clean */
		return 0;
	}
	if (!(esr & ESR_ELx_ISV)) {
		exc->error = "data abort without a valid syndrome (ISV 0): a "
			     "load/store pair or write-back access to MMIO";
		return -EINVAL;
	}
	m->addr = ipa;
	m->len = 1U << ESR_FIELD(esr, ESR_ELx_SAS, ESR_ELx_SAS_SHIFT);
	m->is_write = esr & ESR_ELx_WNR;
	m->srt = ESR_FIELD(esr, ESR_ELx_SRT_MASK, ESR_ELx_SRT_SHIFT);
	m->sign_extend = esr & ESR_ELx_SSE;
	m->reg64 = esr & ESR_ELx_SF;
	if (m->len == sizeof(uint64_t) && (!m->reg64 || m->sign_extend)) {
		exc->error = "data abort: an 8-byte access to a 32-bit register"
			     " or a sign-extended one: the syndrome is corrupt";
		return -EINVAL;
	}
	exc->kind = HVF_EXC_MMIO;
	return 0;
}
/* book:end hvf_decode_dabt */

/* "... from MSR, MRS, or System instruction execution in AArch64 state" */
static void decode_sys64(uint64_t esr, struct hvf_exception *exc)
{
	struct hvf_sysreg *r = &exc->sysreg;

	r->op0 = ESR_FIELD(esr, ESR_ELx_SYS64_ISS_OP0_MASK,
			   ESR_ELx_SYS64_ISS_OP0_SHIFT);
	r->op1 = ESR_FIELD(esr, ESR_ELx_SYS64_ISS_OP1_MASK,
			   ESR_ELx_SYS64_ISS_OP1_SHIFT);
	r->crn = ESR_FIELD(esr, ESR_ELx_SYS64_ISS_CRN_MASK,
			   ESR_ELx_SYS64_ISS_CRN_SHIFT);
	r->crm = ESR_FIELD(esr, ESR_ELx_SYS64_ISS_CRM_MASK,
			   ESR_ELx_SYS64_ISS_CRM_SHIFT);
	r->op2 = ESR_FIELD(esr, ESR_ELx_SYS64_ISS_OP2_MASK,
			   ESR_ELx_SYS64_ISS_OP2_SHIFT);
	r->rt = ESR_FIELD(esr, ESR_ELx_SYS64_ISS_RT_MASK,
			  ESR_ELx_SYS64_ISS_RT_SHIFT);
	r->is_read = (esr & ESR_ELx_SYS64_ISS_DIR_MASK) ==
		     ESR_ELx_SYS64_ISS_DIR_READ;
	exc->kind = HVF_EXC_SYSREG;
}

/* book:begin hvf_decode_exception */
int hvf_decode_exception(uint64_t esr, uint64_t ipa, struct hvf_exception *exc)
{
	*exc = (struct hvf_exception){ .kind = HVF_EXC_BAD,
				       .ec = ESR_ELx_EC(esr) };
	/* Every class below comes from a 32-bit A64 instruction; IL 0
	 * would mean a 16-bit T32 one, which an AArch64 guest cannot run,
	 * and "PC += 4" would then be wrong. */
	if (!(esr & ESR_ELx_IL)) {
		exc->error = "exception from a 16-bit instruction (IL 0): not "
			     "an AArch64 guest";
		return -EINVAL;
	}
	switch (exc->ec) {
	case ESR_ELx_EC_DABT_LOW:
		return decode_dabt(esr, ipa, exc);
	case ESR_ELx_EC_HVC64:
	case ESR_ELx_EC_SMC64:
		exc->kind =
			exc->ec == ESR_ELx_EC_HVC64 ? HVF_EXC_HVC : HVF_EXC_SMC;
		exc->imm = (uint16_t)(esr & ESR_ELx_xVC_IMM_MASK);
		return 0;
	case ESR_ELx_EC_WFx:
		exc->kind = (esr & ESR_ELx_WFx_ISS_TI) == ESR_ELx_WFx_ISS_WFI
				    ? HVF_EXC_WFI
				    : HVF_EXC_WFE;
		return 0;
	case ESR_ELx_EC_SYS64:
		decode_sys64(esr, exc);
		return 0;
	case ESR_ELx_EC_IABT_LOW:
		exc->error = "instruction abort: the guest jumped to an address"
			     " without RAM";
		return -EINVAL;
	default:
		exc->error = "an exception class this VMM does not handle";
		return -EINVAL;
	}
}
/* book:end hvf_decode_exception */

/* book:begin hvf_pc_advance */
/*
 * "Preferred exception return address": for an exception taken
 * synchronously the address of the instruction that caused it, so the
 * VMM that emulated the instruction moves the PC past it; except for
 * HVC (and SVC), whose preferred return address is the next instruction:
 * the framework's PC already points past the HVC.  A trapped SMC returns
 * to the SMC itself, like an abort.
 */
uint64_t hvf_pc_advance(const struct hvf_exception *exc)
{
	switch (exc->kind) {
	case HVF_EXC_MMIO:
	case HVF_EXC_SMC:
	case HVF_EXC_WFI:
	case HVF_EXC_WFE:
	case HVF_EXC_SYSREG:
	case HVF_EXC_CACHE_OP:
		return ARM64_INSN_SIZE;
	case HVF_EXC_HVC:
	case HVF_EXC_BAD:
		break;
	}
	return 0;
}
/* book:end hvf_pc_advance */

bool hvf_gpr(unsigned int n, hv_reg_t *reg)
{
	if (n >= ARM64_REG_XZR)
		return false;
	*reg = (hv_reg_t)(HV_REG_X0 + n);
	return true;
}

static uint64_t low_bytes_mask(uint32_t len)
{
	return len >= sizeof(uint64_t) ? UINT64_MAX : (1ULL << (8 * len)) - 1;
}

uint64_t hvf_mmio_store_value(const struct hvf_mmio *m, uint64_t rt_value)
{
	return rt_value & low_bytes_mask(m->len);
}

/* book:begin hvf_mmio_load_value */
/*
 * LDRB/LDRH/LDR (zero-extend) and LDRSB/LDRSH/LDRSW (SSE: sign-extend) to
 * Wn (SF 0) or Xn (SF 1).  A write to Wn sets bits 63:32 of Xn to zero
 * (Arm ARM, "Registers in AArch64 state"), so a sign-extended byte into
 * W9 is 0x00000000ffffff80, into X9 0xffffffffffffff80.
 */
uint64_t hvf_mmio_load_value(const struct hvf_mmio *m, uint64_t data)
{
	uint64_t mask = low_bytes_mask(m->len);
	uint64_t sign = 1ULL << (8 * m->len - 1);
	uint64_t value = data & mask;

	if (m->sign_extend && (value & sign))
		value |= ~mask;
	if (!m->reg64)
		value &= UINT32_MAX;
	return value;
}
/* book:end hvf_mmio_load_value */

/* book:begin hvf_psci_table */
/* The PSCI functions a Linux guest calls, and how this backend names
 * them; both calling conventions where DEN0022 defines both. */
static const struct {
	uint32_t function;
	enum hvf_psci_call call;
	const char *name;
} psci_calls[] = {
	{ PSCI_0_2_FN_PSCI_VERSION, HVF_PSCI_VERSION, "PSCI_VERSION" },
	{ PSCI_1_0_FN_PSCI_FEATURES, HVF_PSCI_FEATURES, "PSCI_FEATURES" },
	{ PSCI_0_2_FN_CPU_SUSPEND, HVF_PSCI_CPU_SUSPEND, "CPU_SUSPEND" },
	{ PSCI_0_2_FN64_CPU_SUSPEND, HVF_PSCI_CPU_SUSPEND, "CPU_SUSPEND" },
	{ PSCI_0_2_FN_CPU_OFF, HVF_PSCI_CPU_OFF, "CPU_OFF" },
	{ PSCI_0_2_FN_CPU_ON, HVF_PSCI_CPU_ON, "CPU_ON" },
	{ PSCI_0_2_FN64_CPU_ON, HVF_PSCI_CPU_ON, "CPU_ON" },
	{ PSCI_0_2_FN_AFFINITY_INFO, HVF_PSCI_AFFINITY_INFO, "AFFINITY_INFO" },
	{ PSCI_0_2_FN64_AFFINITY_INFO, HVF_PSCI_AFFINITY_INFO,
	  "AFFINITY_INFO" },
	{ PSCI_0_2_FN_MIGRATE_INFO_TYPE, HVF_PSCI_MIGRATE_INFO_TYPE,
	  "MIGRATE_INFO_TYPE" },
	{ PSCI_0_2_FN_SYSTEM_OFF, HVF_PSCI_SYSTEM_OFF, "SYSTEM_OFF" },
	{ PSCI_0_2_FN_SYSTEM_RESET, HVF_PSCI_SYSTEM_RESET, "SYSTEM_RESET" },
};
/* book:end hvf_psci_table */

#define PSCI_CALLS (sizeof(psci_calls) / sizeof(psci_calls[0]))

/* DEN0022 owns function IDs 0x00..0x1f of the Standard Secure Service,
 * in both calling conventions. */
static bool in_psci_range(uint32_t function)
{
	uint32_t base = function & ~PSCI_0_2_64BIT;

	return base >= PSCI_0_2_FN_BASE &&
	       base < PSCI_0_2_FN_BASE + DEN0022_FN_COUNT;
}

static enum hvf_psci_call psci_call_of(uint32_t function)
{
	for (size_t i = 0; i < PSCI_CALLS; i++)
		if (psci_calls[i].function == function)
			return psci_calls[i].call;
	return in_psci_range(function) ? HVF_PSCI_UNSUPPORTED : HVF_PSCI_NONE;
}

const char *hvf_psci_name(enum hvf_psci_call psci)
{
	for (size_t i = 0; i < PSCI_CALLS; i++)
		if (psci_calls[i].call == psci)
			return psci_calls[i].name;
	return psci == HVF_PSCI_UNSUPPORTED ? "PSCI (not implemented)"
					    : "not PSCI";
}

/* book:begin hvf_smccc_decode */
/*
 * DEN0028, "Argument passing": the function ID is W0 (bits 63:32 of X0
 * are ignored), the arguments X1..X6 for SMC64 calls and W1..W6 for
 * SMC32 ones (bit 30 of the ID clear): the upper halves of an SMC32
 * call's registers carry nothing and must not be used.
 */
void hvf_smccc_decode(const struct hvf_exception *exc, const uint64_t x[5],
		      struct hvf_smccc_call *call)
{
	bool smc64;

	call->function = (uint32_t)x[0];
	smc64 = call->function & PSCI_0_2_64BIT;
	for (unsigned int i = 0; i < SMCCC_ARGS; i++)
		call->args[i] = smc64 ? x[i + 1] : (uint32_t)x[i + 1];
	call->imm = exc->imm;
	call->smc = exc->kind == HVF_EXC_SMC;
	call->psci = psci_call_of(call->function);
}
/* book:end hvf_smccc_decode */

uint32_t hvf_psci_version(void)
{
	return PSCI_VERSION(HVF_PSCI_VERSION_MAJOR, HVF_PSCI_VERSION_MINOR);
}

/* DEN0022, "PSCI_FEATURES": 0 (no feature flags) for an implemented
 * function, NOT_SUPPORTED for any other ID, PSCI's or not. */
int64_t hvf_psci_features(uint32_t function)
{
	enum hvf_psci_call call = psci_call_of(function);

	if (call == HVF_PSCI_NONE || call == HVF_PSCI_UNSUPPORTED)
		return PSCI_RET_NOT_SUPPORTED;
	return PSCI_RET_SUCCESS;
}

uint64_t hvf_boot_pstate(void)
{
	return PSR_MODE_EL1h | PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT;
}

/* book:begin hvf_mpidr_of */
/*
 * KVM gives vCPU i the affinity Aff0 = i % 16, Aff1 = (i / 16) % 256,
 * Aff2 = i / 4096 (16 CPUs per cluster, as the GICv3's 16-bit target
 * lists like); the framework leaves MPIDR_EL1 to the VMM, which must set
 * it for the framework's GIC ("vCPUs must set affinity values in their
 * MPIDR_EL1 register", hv_gic_create).  The same numbers on both
 * backends make the same device tree.
 */
#define MPIDR_AFF_VALUES 256U /* each Aff field: 8 bits */
uint64_t hvf_mpidr_of(unsigned int index)
{
	uint64_t cluster = index / HVF_MPIDR_AFF0_CPUS;
	uint64_t aff0 = index % HVF_MPIDR_AFF0_CPUS;
	uint64_t aff1 = cluster % MPIDR_AFF_VALUES;
	uint64_t aff2 = cluster / MPIDR_AFF_VALUES % MPIDR_AFF_VALUES;

	return aff0 << MPIDR_AFF0_SHIFT | aff1 << MPIDR_AFF1_SHIFT |
	       aff2 << MPIDR_AFF2_SHIFT;
}
/* book:end hvf_mpidr_of */

/* book:begin hvf_vtimer */
bool hvf_vtimer_irq_level(uint64_t cntv_ctl)
{
	return (cntv_ctl & ARCH_TIMER_CTRL_ENABLE) &&
	       !(cntv_ctl & ARCH_TIMER_CTRL_IT_MASK) &&
	       (cntv_ctl & ARCH_TIMER_CTRL_IT_STAT);
}

/*
 * "Operation of the CompareValue views of the timers": the timer fires
 * when CNTVCT - CNTV_CVAL >= 0 (an unsigned compare of 64-bit values in
 * the Arm ARM's pseudocode: CVAL <= CNTVCT).  A WFI may sleep until then,
 * or for ever when the timer is disabled or masked (only a kick wakes it).
 */
uint64_t hvf_vtimer_ticks_left(uint64_t cntv_ctl, uint64_t cntv_cval,
			       uint64_t cntvct)
{
	if (!(cntv_ctl & ARCH_TIMER_CTRL_ENABLE) ||
	    (cntv_ctl & ARCH_TIMER_CTRL_IT_MASK))
		return UINT64_MAX;
	return cntv_cval <= cntvct ? 0 : cntv_cval - cntvct;
}
/* book:end hvf_vtimer */

#define NSEC_PER_MSEC 1000000ULL

int hvf_ticks_to_ms(uint64_t ticks, uint32_t numer, uint32_t denom)
{
	uint64_t ns, ms;

	if (ticks == UINT64_MAX || numer == 0 || denom == 0 ||
	    ticks > UINT64_MAX / numer)
		return -1;
	ns = (ticks * numer + denom - 1) / denom;
	ms = (ns + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC;
	return ms > INT_MAX ? -1 : (int)ms;
}

static bool is_pmu_sysreg(const struct hvf_sysreg *r)
{
	if (r->op0 != ARM64_SYSREG_OP0_SYS || r->op1 != ARM64_SYSREG_OP1_EL0)
		return false;
	return r->crn == ARM64_SYSREG_CRN_PMU ||
	       (r->crn == ARM64_SYSREG_CRN_TIMER_PMU &&
		r->crm >= ARM64_SYSREG_CRM_PMEV_MIN);
}

static bool is_id_sysreg(const struct hvf_sysreg *r)
{
	return r->op0 == ARM64_SYSREG_OP0_SYS && r->op1 == 0 &&
	       r->crn == ARM64_SYSREG_CRN_ID &&
	       r->crm >= ARM64_SYSREG_CRM_ID_MIN &&
	       r->crm <= ARM64_SYSREG_CRM_ID_MAX;
}

enum hvf_sysreg_action hvf_sysreg_action(const struct hvf_sysreg *r)
{
	if (r->op0 == ARM64_SYSREG_OP0_DEBUG || is_pmu_sysreg(r) ||
	    (is_id_sysreg(r) && r->is_read))
		return HVF_SYSREG_RAZ_WI;
	return HVF_SYSREG_UNHANDLED;
}

uint64_t hvf_pfr0_with_gic(uint64_t id_aa64pfr0)
{
	if (id_aa64pfr0 & ID_AA64PFR0_EL1_GIC_MASK)
		return id_aa64pfr0; /* the framework says so already */
	return id_aa64pfr0 | ID_AA64PFR0_EL1_GIC_IMP
				     << ID_AA64PFR0_EL1_GIC_SHIFT;
}
