/*
 * hvf_arm64_decode.h - what a Hypervisor.framework exception exit asks of
 * the VMM: the ESR_EL2 syndrome turned into an MMIO access, a hypervisor
 * call, a WFI, a system register access, or a clear error.
 *
 * Runs: userspace (the VMM), on the vCPU's thread; pure functions, no
 * framework call, so that they are unit-tested on any host
 * (tests/unit/step08-arm64-hvf/test_hvf_decode.c).
 *
 * Spec: Arm ARM (DDI 0487), "ESR_EL2, Exception Syndrome Register (EL2)"
 * (see arm64_esr.h), "Preferred exception return address" (which exits
 * need the PC moved past the instruction), "SPSR_EL2" (the PSTATE a
 * started CPU begins with), "MPIDR_EL1, Multiprocessor Affinity
 * Register", "CNTV_CTL_EL0, Counter-timer Virtual Timer Control register";
 * Arm DEN0028 "SMC Calling Convention" ("Function Identifier", "Argument
 * passing"); Arm DEN0022 "Power State Coordination Interface".
 */
#ifndef BACKENDS_HVF_ARM64_DECODE_H
#define BACKENDS_HVF_ARM64_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "arm64_esr.h"
#include "hvf_decls.h"
#include "psci_den0022.h"

/* What one exception exit is. */
enum hvf_exc_kind {
	HVF_EXC_MMIO,	  /* a load or store to an IPA without RAM */
	HVF_EXC_HVC,	  /* HVC #imm: an SMCCC call (PSCI or ours) */
	HVF_EXC_SMC,	  /* SMC #imm, trapped: an SMCCC call too */
	HVF_EXC_WFI,	  /* WFI: sleep until an interrupt */
	HVF_EXC_WFE,	  /* WFE (and WFIT, WFET): a hint, just go on */
	HVF_EXC_SYSREG,	  /* MSR or MRS to a register the framework traps */
	HVF_EXC_CACHE_OP, /* DC/IC on an IPA without RAM: skip it */
	HVF_EXC_BAD,	  /* the VM cannot go on: error says why */
};

/* A data abort with a valid syndrome (ISV): everything about the access. */
struct hvf_mmio {
	uint64_t addr;	  /* the IPA (exit->exception.physical_address) */
	uint32_t len;	  /* 1, 2, 4 or 8 bytes (SAS) */
	bool is_write;	  /* WnR */
	unsigned int srt; /* the register: 0..30, or 31 for XZR */
	bool sign_extend; /* SSE: a load sign-extends into the register */
	bool reg64;	  /* SF: the register is Xn (else Wn) */
};

/* A trapped MSR or MRS, named as the instruction names it. */
struct hvf_sysreg {
	unsigned int op0, op1, crn, crm, op2;
	unsigned int rt; /* 0..30, or 31 for XZR */
	bool is_read;	 /* MRS (Direction 1) */
};

struct hvf_exception {
	enum hvf_exc_kind kind;
	unsigned int ec; /* ESR_ELx_EC_* */
	union {
		struct hvf_mmio mmio;	  /* HVF_EXC_MMIO */
		uint16_t imm;		  /* HVF_EXC_HVC, HVF_EXC_SMC */
		struct hvf_sysreg sysreg; /* HVF_EXC_SYSREG */
	};
	const char *error; /* HVF_EXC_BAD: one line, for the VMM's message */
};

/*
 * Decode one HV_EXIT_REASON_EXCEPTION: esr is exit->exception.syndrome,
 * ipa its physical_address.  Returns 0, or -EINVAL for a syndrome the VMM
 * cannot act on (kind HVF_EXC_BAD, error set): a data abort without ISV,
 * an instruction abort, an unknown class.
 */
int hvf_decode_exception(uint64_t esr, uint64_t ipa, struct hvf_exception *exc);

#define ARM64_INSN_SIZE 4 /* every A64 instruction: 32 bits */

/* How far the PC must move before the vCPU runs again: 4 (past the
 * instruction) or 0 (HVC: already past it). */
uint64_t hvf_pc_advance(const struct hvf_exception *exc);

/* The framework's name of general register Xn: HV_REG_X0 + n for n in
 * 0..30; false for 31 (XZR: reads 0, writes vanish; HV_REG_X0 + 31 would
 * be the PC). */
bool hvf_gpr(unsigned int n, hv_reg_t *reg);

/* A store: the bytes the device gets, from the register's value. */
uint64_t hvf_mmio_store_value(const struct hvf_mmio *m, uint64_t rt_value);
/* A load: what the register holds afterwards, from the device's bytes
 * (zero- or sign-extended; a Wn write clears bits 63:32). */
uint64_t hvf_mmio_load_value(const struct hvf_mmio *m, uint64_t data);

/* --- SMCCC calls: PSCI and the rest ----------------------------------- */

#define SMCCC_RET_NOT_SUPPORTED (-1) /* DEN0028: "Unknown Function ID" */
#define SMCCC_ARGS		4    /* our calls use X1..X4 */

enum hvf_psci_call {
	HVF_PSCI_NONE, /* not a PSCI function ID: the VMM's own call */
	HVF_PSCI_VERSION,
	HVF_PSCI_FEATURES,
	HVF_PSCI_CPU_SUSPEND,
	HVF_PSCI_CPU_OFF,
	HVF_PSCI_CPU_ON,
	HVF_PSCI_AFFINITY_INFO,
	HVF_PSCI_MIGRATE_INFO_TYPE,
	HVF_PSCI_SYSTEM_OFF,
	HVF_PSCI_SYSTEM_RESET,
	HVF_PSCI_UNSUPPORTED, /* in PSCI's range, not implemented here */
};

struct hvf_smccc_call {
	uint32_t function;	   /* W0: only the low 32 bits count */
	uint64_t args[SMCCC_ARGS]; /* X1..X4; SMC32 calls: low 32 bits */
	uint16_t imm;		   /* the HVC/SMC immediate */
	bool smc;		   /* SMC, not HVC */
	enum hvf_psci_call psci;
};

/* x[0..4]: the values of X0..X4 when the guest made the call. */
void hvf_smccc_decode(const struct hvf_exception *exc, const uint64_t x[5],
		      struct hvf_smccc_call *call);
const char *hvf_psci_name(enum hvf_psci_call psci);

/* The PSCI version this backend implements, as PSCI_VERSION answers. */
#define HVF_PSCI_VERSION_MAJOR 1
#define HVF_PSCI_VERSION_MINOR 0
uint32_t hvf_psci_version(void);
/* PSCI_FEATURES(function): 0 for a function this backend answers,
 * NOT_SUPPORTED for the rest (DEN0022, "PSCI_FEATURES"). */
int64_t hvf_psci_features(uint32_t function);

/* --- the CPU state PSCI and the boot give -------------------------------- */

/* "SPSR_EL2": M[3:0] = 0b0101 is EL1h (EL1, SP_EL1); D, A, I, F masks. */
#define PSR_MODE_EL1h 0x00000005
#define PSR_F_BIT     0x00000040
#define PSR_I_BIT     0x00000080
#define PSR_A_BIT     0x00000100
#define PSR_D_BIT     0x00000200
/* What CPU_ON's target and the boot CPU start with: EL1h, DAIF masked
 * (DEN0022 "CPU_ON": "... as on a warm boot"; booting.rst). */
uint64_t hvf_boot_pstate(void);

/* "MPIDR_EL1": Aff0 [7:0], Aff1 [15:8], Aff2 [23:16], Aff3 [39:32]. */
#define MPIDR_AFF0_SHIFT    0
#define MPIDR_AFF1_SHIFT    8
#define MPIDR_AFF2_SHIFT    16
#define MPIDR_HWID_BITMASK  0xff00ffffffULL /* Aff3..Aff0: CPU_ON's target */
#define HVF_MPIDR_AFF0_CPUS 16 /* vCPUs per Aff0 group, as KVM numbers */
/* vCPU index -> its MPIDR affinity: KVM's numbering (16 per cluster), so
 * that the device tree is the same on both backends. */
uint64_t hvf_mpidr_of(unsigned int index);

/* --- the virtual timer ------------------------------------------------- */

/* "CNTV_CTL_EL0": ENABLE [0], IMASK [1], ISTATUS [2] (Linux's
 * ARCH_TIMER_CTRL_ENABLE, _IT_MASK, _IT_STAT). */
#define ARCH_TIMER_CTRL_ENABLE	(1ULL << 0)
#define ARCH_TIMER_CTRL_IT_MASK (1ULL << 1)
#define ARCH_TIMER_CTRL_IT_STAT (1ULL << 2)
/* The level of the timer's interrupt line: enabled, not masked, fired. */
bool hvf_vtimer_irq_level(uint64_t cntv_ctl);
/* WFI: counter ticks until the timer fires (0: it has), or UINT64_MAX
 * when it cannot fire (disabled or masked): sleep until a kick. */
uint64_t hvf_vtimer_ticks_left(uint64_t cntv_ctl, uint64_t cntv_cval,
			       uint64_t cntvct);

/* Counter ticks -> whole milliseconds, rounded up, for poll(): the host
 * counter's ratio to nanoseconds is numer / denom (mach_timebase_info).
 * UINT64_MAX ticks, or more milliseconds than an int holds: -1 (for
 * ever). */
int hvf_ticks_to_ms(uint64_t ticks, uint32_t numer, uint32_t denom);

/* --- system registers the framework leaves to us ----------------------- */

/* What to do with a trapped MSR/MRS. */
enum hvf_sysreg_action {
	HVF_SYSREG_RAZ_WI,   /* read as zero, writes ignored, PC += 4 */
	HVF_SYSREG_UNHANDLED /* end the VM, naming the register */
};
/*
 * The registers the framework traps that a Linux guest touches without
 * a debugger or a PMU in its device tree ("A.a Instruction encodings" /
 * "System instruction class encoding overview" in the Arm ARM):
 *   op0 2: the debug registers (MDSCR_EL1, OSLAR_EL1, OSDLR_EL1,
 *     DBGB*, DBGW*): no debugger, so none (OSLSR_EL1 reads 0: "OS lock
 *     not implemented");
 *   op0 3, op1 3, CRn 9 (PMCR_EL0 .. PMUSERENR_EL0) and CRn 14, CRm 8..15
 *     (PMEVCNTR<n>, PMEVTYPER<n>, PMCCFILTR): the PMU, which Linux's
 *     __cpu_setup still resets (PMUSERENR_EL0 = 0) when ID_AA64DFR0_EL1
 *     shows one: no counters;
 *   op0 3, op1 0, CRn 0, CRm 1..7: the ID registers, should the framework
 *     trap one it does not know: RES0, "not implemented".
 */
#define ARM64_SYSREG_OP0_DEBUG	   2
#define ARM64_SYSREG_OP0_SYS	   3
#define ARM64_SYSREG_OP1_EL0	   3
#define ARM64_SYSREG_CRN_PMU	   9
#define ARM64_SYSREG_CRN_TIMER_PMU 14
#define ARM64_SYSREG_CRM_PMEV_MIN  8
#define ARM64_SYSREG_CRN_ID	   0
#define ARM64_SYSREG_CRM_ID_MIN	   1
#define ARM64_SYSREG_CRM_ID_MAX	   7
enum hvf_sysreg_action hvf_sysreg_action(const struct hvf_sysreg *r);

/* "ID_AA64PFR0_EL1": GIC [27:24], 0b0001 "System register interface to
 * versions 3.0 and 4.0 of the GIC CPU interface is supported".  The
 * value a vCPU with the framework's GICv3 should show: Linux reads it
 * (its ARM64_HAS_GIC_CPUIF_SYSREGS capability) before trusting the
 * ICC_* registers; QEMU sets it for its own GICv3 on HVF. */
#define ID_AA64PFR0_EL1_GIC_SHIFT 24
#define ID_AA64PFR0_EL1_GIC_MASK  (0xfULL << ID_AA64PFR0_EL1_GIC_SHIFT)
#define ID_AA64PFR0_EL1_GIC_IMP	  1ULL
uint64_t hvf_pfr0_with_gic(uint64_t id_aa64pfr0);

#endif
