/*
 * hvf_decls_check.c - the values and layouts hvf_decls.h promises, as one
 * list of compile-time assertions checked against BOTH headers: on Linux
 * against hvf_decls.h (every build of `make hvf-check`), on macOS against
 * Apple's <Hypervisor/Hypervisor.h> (`make hvf-decls-check`, which no one
 * has run yet: no Mac was available).  If both compile, the declarations
 * the Linux build relies on are Apple's.
 *
 * Runs: nowhere; only compiled.
 * Spec: Apple's Hypervisor framework reference; see hvf_decls.h for where
 * each value comes from.
 */
#include <stddef.h>

#include "hvf_decls.h"

/* The values Apple documents by name only ([enum] in hvf_decls.h). */
_Static_assert(HV_SUCCESS == 0, "HV_SUCCESS");
_Static_assert(HV_EXIT_REASON_CANCELED == 0, "hv_exit_reason_t");
_Static_assert(HV_EXIT_REASON_EXCEPTION == 1, "hv_exit_reason_t");
_Static_assert(HV_EXIT_REASON_VTIMER_ACTIVATED == 2, "hv_exit_reason_t");
_Static_assert(HV_EXIT_REASON_UNKNOWN == 3, "hv_exit_reason_t");
_Static_assert(HV_REG_X0 == 0 && HV_REG_X1 == 1 && HV_REG_X4 == 4,
	       "hv_reg_t: X0.. consecutive from 0");
_Static_assert(HV_REG_FP == 29 && HV_REG_LR == 30, "hv_reg_t");
_Static_assert(HV_REG_PC == 31 && HV_REG_FPCR == 32 && HV_REG_FPSR == 33 &&
		       HV_REG_CPSR == 34,
	       "hv_reg_t");
/* Both sides as hv_return_t: Apple's constants may be enumerators of an
 * unsigned type, ours are ints; the comparison must not depend on it. */
#define HV_RET_IS(name, value) ((hv_return_t)(name) == (hv_return_t)(value))
_Static_assert(HV_RET_IS(HV_ERROR, 0xfae94001) &&
		       HV_RET_IS(HV_BUSY, 0xfae94002) &&
		       HV_RET_IS(HV_BAD_ARGUMENT, 0xfae94003) &&
		       HV_RET_IS(HV_NO_RESOURCES, 0xfae94005) &&
		       HV_RET_IS(HV_NO_DEVICE, 0xfae94006) &&
		       HV_RET_IS(HV_DENIED, 0xfae94007) &&
		       HV_RET_IS(HV_UNSUPPORTED, 0xfae9400f),
	       "hv_return_t: err_system(0x3e) | err_sub(0xba5) | n");
_Static_assert(HV_INTERRUPT_TYPE_IRQ == 0 && HV_INTERRUPT_TYPE_FIQ == 1,
	       "hv_interrupt_type_t");
_Static_assert(HV_MEMORY_READ == 1 && HV_MEMORY_WRITE == 2 &&
		       HV_MEMORY_EXEC == 4,
	       "hv_memory_flags_t");
_Static_assert(HV_SYS_REG_MPIDR_EL1 == 0xc005, "S3_0_C0_C0_5");
_Static_assert(HV_SYS_REG_SP_EL1 == 0xe208, "S3_4_C4_C1_0");
_Static_assert(HV_SYS_REG_ID_AA64PFR0_EL1 == 0xc020, "S3_0_C0_C4_0");
_Static_assert(HV_SYS_REG_CNTV_CTL_EL0 == 0xdf19, "S3_3_C14_C3_1");
_Static_assert(HV_SYS_REG_CNTV_CVAL_EL0 == 0xdf1a, "S3_3_C14_C3_2");

/* The exit structure the framework fills: where the backend reads. */
_Static_assert(sizeof(hv_vcpu_exit_exception_t) == 24, "three UInt64");
_Static_assert(offsetof(hv_vcpu_exit_exception_t, syndrome) == 0, "");
_Static_assert(offsetof(hv_vcpu_exit_exception_t, virtual_address) == 8, "");
_Static_assert(offsetof(hv_vcpu_exit_exception_t, physical_address) == 16, "");
_Static_assert(offsetof(hv_vcpu_exit_t, reason) == 0, "");
_Static_assert(offsetof(hv_vcpu_exit_t, exception) == 8, "");
_Static_assert(sizeof(hv_vcpu_exit_t) == 32, "");

/* The types the backend passes by pointer. */
_Static_assert(sizeof(hv_vcpu_t) == 8 && sizeof(hv_ipa_t) == 8, "UInt64");
_Static_assert(sizeof(hv_reg_t) == 4 && sizeof(hv_exit_reason_t) == 4,
	       "UInt32 enums");
_Static_assert(sizeof(hv_sys_reg_t) == 2, "UInt16");

/* A translation unit must declare something. */
int hvf_decls_checked(void);
int hvf_decls_checked(void)
{
	return 1;
}
