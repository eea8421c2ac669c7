/*
 * arm64_esr.h - the Exception Syndrome Register: the word that tells a
 * hypervisor at EL2 why the guest stopped, field by field.
 *
 * Runs: included by the VMM (userspace on the host); pure definitions.
 * On KVM the kernel reads ESR_EL2 and the VMM never sees it; on
 * Hypervisor.framework every guest exception reaches the VMM as this word
 * (hv_vcpu_exit_t.exception.syndrome), so the hvf-arm64 backend decodes it
 * (hvf_arm64_decode.c).
 *
 * Spec: Arm Architecture Reference Manual for A-profile architecture
 * (DDI 0487), "ESR_EL2, Exception Syndrome Register (EL2)": the EC, IL
 * and ISS fields, and the ISS encodings "ISS encoding for an exception
 * from a Data Abort", "... from an HVC or SVC instruction execution in
 * AArch64 state", "... from SMC instruction execution in AArch64 state",
 * "... from a WF* instruction", "... from MSR, MRS, or System instruction
 * execution in AArch64 state".
 *
 * The names are Linux's (arch/arm64/include/asm/esr.h), which is not a
 * UAPI header and does not exist on macOS: they are defined here, from the
 * manual, with Linux's spelling so that a reader who knows KVM's sources
 * recognises them.  Only the fields the backend reads.
 */
#ifndef BACKENDS_ARM64_ESR_H
#define BACKENDS_ARM64_ESR_H

#include <stdint.h>

/* "ESR_EL2": EC, bits [31:26]; IL, bit [25]; ISS, bits [24:0]. */
#define ESR_ELx_EC_SHIFT 26
#define ESR_ELx_EC_WIDTH 6
#define ESR_ELx_EC_MASK	 (UINT64_C(0x3f) << ESR_ELx_EC_SHIFT)
#define ESR_ELx_EC(esr)	 (((esr)&ESR_ELx_EC_MASK) >> ESR_ELx_EC_SHIFT)
#define ESR_ELx_IL_SHIFT 25
#define ESR_ELx_IL	 (UINT64_C(1) << ESR_ELx_IL_SHIFT) /* 32-bit insn */
#define ESR_ELx_ISS_MASK (ESR_ELx_IL - 1)
/* Bits [63:32] are ISS2 (FEAT_LS64 and later); the backend ignores them. */
#define ESR_ELx_ISS2_SHIFT 32

/* "EC, bits [31:26]": the exception classes a guest produces here. */
#define ESR_ELx_EC_UNKNOWN  0x00 /* "Unknown reason" */
#define ESR_ELx_EC_WFx	    0x01 /* WFI, WFE (and WFIT, WFET) trapped */
#define ESR_ELx_EC_HVC64    0x16 /* HVC in AArch64 state */
#define ESR_ELx_EC_SMC64    0x17 /* SMC in AArch64 state, trapped */
#define ESR_ELx_EC_SYS64    0x18 /* MSR, MRS or System insn, trapped */
#define ESR_ELx_EC_IABT_LOW 0x20 /* Instruction Abort from a lower EL */
#define ESR_ELx_EC_DABT_LOW 0x24 /* Data Abort from a lower EL */
#define ESR_ELx_EC_BRK64    0x3c /* BRK in AArch64 state */

/* "ISS encoding for an exception from a Data Abort". */
#define ESR_ELx_ISV_SHIFT   24 /* the fields below (to SF) are valid */
#define ESR_ELx_ISV	    (UINT64_C(1) << ESR_ELx_ISV_SHIFT)
#define ESR_ELx_SAS_SHIFT   22 /* access size: 1 << SAS bytes */
#define ESR_ELx_SAS	    (UINT64_C(3) << ESR_ELx_SAS_SHIFT)
#define ESR_ELx_SSE_SHIFT   21 /* a load that sign-extends */
#define ESR_ELx_SSE	    (UINT64_C(1) << ESR_ELx_SSE_SHIFT)
#define ESR_ELx_SRT_SHIFT   16 /* the register transferred: 31 is XZR */
#define ESR_ELx_SRT_MASK    (UINT64_C(0x1f) << ESR_ELx_SRT_SHIFT)
#define ESR_ELx_SF_SHIFT    15 /* 64-bit register (Xn), else Wn */
#define ESR_ELx_SF	    (UINT64_C(1) << ESR_ELx_SF_SHIFT)
#define ESR_ELx_AR_SHIFT    14 /* acquire/release semantics */
#define ESR_ELx_AR	    (UINT64_C(1) << ESR_ELx_AR_SHIFT)
#define ESR_ELx_CM_SHIFT    8 /* a cache maintenance instruction */
#define ESR_ELx_CM	    (UINT64_C(1) << ESR_ELx_CM_SHIFT)
#define ESR_ELx_S1PTW_SHIFT 7 /* the guest's own stage-1 walk faulted */
#define ESR_ELx_S1PTW	    (UINT64_C(1) << ESR_ELx_S1PTW_SHIFT)
#define ESR_ELx_WNR_SHIFT   6 /* write, not read */
#define ESR_ELx_WNR	    (UINT64_C(1) << ESR_ELx_WNR_SHIFT)
#define ESR_ELx_FSC	    UINT64_C(0x3f) /* DFSC/IFSC, bits [5:0] */

/* "ISS encoding for an exception from an HVC or SVC instruction
 * execution in AArch64 state" (and the SMC one): imm16, bits [15:0]. */
#define ESR_ELx_xVC_IMM_MASK UINT64_C(0xffff)

/* "ISS encoding for an exception from a WF* instruction": CV [24] and
 * COND [23:20] (from AArch64: 1 and 0b1110), TI [1:0]. */
#define ESR_ELx_CV	     (UINT64_C(1) << 24)
#define ESR_ELx_COND_SHIFT   20
#define ESR_ELx_COND_MASK    (UINT64_C(0xf) << ESR_ELx_COND_SHIFT)
#define ESR_ELx_WFx_ISS_TI   UINT64_C(3)
#define ESR_ELx_WFx_ISS_WFI  UINT64_C(0)
#define ESR_ELx_WFx_ISS_WFE  UINT64_C(1)
#define ESR_ELx_WFx_ISS_WFIT UINT64_C(2) /* FEAT_WFxT */
#define ESR_ELx_WFx_ISS_WFET UINT64_C(3) /* FEAT_WFxT */

/* "ISS encoding for an exception from MSR, MRS, or System instruction
 * execution in AArch64 state": Op0 [21:20], Op2 [19:17], Op1 [16:14],
 * CRn [13:10], Rt [9:5], CRm [4:1], Direction [0] (1: read, MRS). */
#define ESR_ELx_SYS64_ISS_OP0_SHIFT 20
#define ESR_ELx_SYS64_ISS_OP0_MASK                                             \
	(UINT64_C(0x3) << ESR_ELx_SYS64_ISS_OP0_SHIFT)
#define ESR_ELx_SYS64_ISS_OP2_SHIFT 17
#define ESR_ELx_SYS64_ISS_OP2_MASK                                             \
	(UINT64_C(0x7) << ESR_ELx_SYS64_ISS_OP2_SHIFT)
#define ESR_ELx_SYS64_ISS_OP1_SHIFT 14
#define ESR_ELx_SYS64_ISS_OP1_MASK                                             \
	(UINT64_C(0x7) << ESR_ELx_SYS64_ISS_OP1_SHIFT)
#define ESR_ELx_SYS64_ISS_CRN_SHIFT 10
#define ESR_ELx_SYS64_ISS_CRN_MASK                                             \
	(UINT64_C(0xf) << ESR_ELx_SYS64_ISS_CRN_SHIFT)
#define ESR_ELx_SYS64_ISS_RT_SHIFT  5
#define ESR_ELx_SYS64_ISS_RT_MASK   (UINT64_C(0x1f) << ESR_ELx_SYS64_ISS_RT_SHIFT)
#define ESR_ELx_SYS64_ISS_CRM_SHIFT 1
#define ESR_ELx_SYS64_ISS_CRM_MASK                                             \
	(UINT64_C(0xf) << ESR_ELx_SYS64_ISS_CRM_SHIFT)
#define ESR_ELx_SYS64_ISS_DIR_MASK  UINT64_C(0x1)
#define ESR_ELx_SYS64_ISS_DIR_READ  UINT64_C(0x1)
#define ESR_ELx_SYS64_ISS_DIR_WRITE UINT64_C(0x0)

/* Pull a field out: FIELD(esr) as (esr & MASK) >> SHIFT. */
#define ESR_FIELD(esr, mask, shift)                                            \
	((unsigned int)(((esr) & (mask)) >> (shift)))

/* The register number 31 in SRT and Rt: XZR for these loads, stores and
 * system register moves ("SRT ... the value 31 ... XZR"). */
#define ARM64_REG_XZR 31

#endif
