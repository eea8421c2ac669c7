/*
 * psci_den0022.h - the PSCI function IDs and return codes the hvf-arm64
 * backend answers, for hosts without Linux's <linux/psci.h> (macOS).
 *
 * Runs: included by the VMM (userspace); pure definitions.
 * Spec: Arm DEN0022 "Arm Power State Coordination Interface", "Function
 * prototypes" (each function's ID, in its "Function ID" field) and "Return
 * error codes"; Arm DEN0028 "SMC Calling Convention", "Function
 * Identifier" (bit 30: SMC64 calling convention).
 *
 * On Linux these values are UAPI (<linux/psci.h>) and the backend uses
 * Linux's names from there.  macOS has no such header, so they are written
 * here once, under DEN0022_ names, and mapped to Linux's names only when
 * <linux/psci.h> is absent.  On Linux the _Static_asserts at the end check
 * every value here against <linux/psci.h>: nothing is retyped unchecked.
 */
#ifndef BACKENDS_PSCI_DEN0022_H
#define BACKENDS_PSCI_DEN0022_H

#define DEN0022_FN_BASE	      0x84000000U /* fast call, SMC32, owner 4 */
#define DEN0022_FN_SMC64      0x40000000U /* DEN0028: bit 30, SMC64 */
#define DEN0022_FN_COUNT      0x20U	  /* 0x00..0x1f are PSCI's */
#define DEN0022_FN(n)	      (DEN0022_FN_BASE + (n))
#define DEN0022_FN64(n)	      (DEN0022_FN_BASE + DEN0022_FN_SMC64 + (n))
#define DEN0022_FN_VERSION    DEN0022_FN(0)
#define DEN0022_FN_SUSPEND    DEN0022_FN(1)
#define DEN0022_FN_OFF	      DEN0022_FN(2)
#define DEN0022_FN_ON	      DEN0022_FN(3)
#define DEN0022_FN_AFFINITY   DEN0022_FN(4)
#define DEN0022_FN_MIG_TYPE   DEN0022_FN(6)
#define DEN0022_FN_SYS_OFF    DEN0022_FN(8)
#define DEN0022_FN_SYS_RST    DEN0022_FN(9)
#define DEN0022_FN_FEATURES   DEN0022_FN(10)
#define DEN0022_FN64_SUSPEND  DEN0022_FN64(1)
#define DEN0022_FN64_ON	      DEN0022_FN64(3)
#define DEN0022_FN64_AFFINITY DEN0022_FN64(4)

#define DEN0022_RET_SUCCESS	    0
#define DEN0022_RET_NOT_SUPPORTED   (-1)
#define DEN0022_RET_INVALID_PARAMS  (-2)
#define DEN0022_RET_ALREADY_ON	    (-4)
#define DEN0022_RET_ON_PENDING	    (-5)
#define DEN0022_RET_INTERNAL	    (-6)
#define DEN0022_AFFINITY_ON	    0
#define DEN0022_AFFINITY_OFF	    1
#define DEN0022_AFFINITY_PENDING    2
#define DEN0022_TOS_MP		    2 /* MIGRATE_INFO_TYPE: no trusted OS */
#define DEN0022_VERSION_MAJOR_SHIFT 16

#ifdef __linux__
#include <linux/psci.h>
_Static_assert(DEN0022_FN_BASE == PSCI_0_2_FN_BASE, "DEN0022");
_Static_assert(DEN0022_FN_SMC64 == PSCI_0_2_64BIT, "DEN0022");
_Static_assert(DEN0022_FN_VERSION == PSCI_0_2_FN_PSCI_VERSION, "DEN0022");
_Static_assert(DEN0022_FN_SUSPEND == PSCI_0_2_FN_CPU_SUSPEND, "DEN0022");
_Static_assert(DEN0022_FN_OFF == PSCI_0_2_FN_CPU_OFF, "DEN0022");
_Static_assert(DEN0022_FN_ON == PSCI_0_2_FN_CPU_ON, "DEN0022");
_Static_assert(DEN0022_FN_AFFINITY == PSCI_0_2_FN_AFFINITY_INFO, "DEN0022");
_Static_assert(DEN0022_FN_MIG_TYPE == PSCI_0_2_FN_MIGRATE_INFO_TYPE, "");
_Static_assert(DEN0022_FN_SYS_OFF == PSCI_0_2_FN_SYSTEM_OFF, "DEN0022");
_Static_assert(DEN0022_FN_SYS_RST == PSCI_0_2_FN_SYSTEM_RESET, "DEN0022");
_Static_assert(DEN0022_FN_FEATURES == PSCI_1_0_FN_PSCI_FEATURES, "DEN0022");
_Static_assert(DEN0022_FN64_SUSPEND == PSCI_0_2_FN64_CPU_SUSPEND, "");
_Static_assert(DEN0022_FN64_ON == PSCI_0_2_FN64_CPU_ON, "DEN0022");
_Static_assert(DEN0022_FN64_AFFINITY == PSCI_0_2_FN64_AFFINITY_INFO, "");
_Static_assert(DEN0022_RET_SUCCESS == PSCI_RET_SUCCESS, "DEN0022");
_Static_assert(DEN0022_RET_NOT_SUPPORTED == PSCI_RET_NOT_SUPPORTED, "");
_Static_assert(DEN0022_RET_INVALID_PARAMS == PSCI_RET_INVALID_PARAMS, "");
_Static_assert(DEN0022_RET_ALREADY_ON == PSCI_RET_ALREADY_ON, "DEN0022");
_Static_assert(DEN0022_RET_ON_PENDING == PSCI_RET_ON_PENDING, "DEN0022");
_Static_assert(DEN0022_RET_INTERNAL == PSCI_RET_INTERNAL_FAILURE, "");
_Static_assert(DEN0022_AFFINITY_ON == PSCI_0_2_AFFINITY_LEVEL_ON, "");
_Static_assert(DEN0022_AFFINITY_OFF == PSCI_0_2_AFFINITY_LEVEL_OFF, "");
_Static_assert(DEN0022_AFFINITY_PENDING == PSCI_0_2_AFFINITY_LEVEL_ON_PENDING,
	       "DEN0022");
_Static_assert(DEN0022_TOS_MP == PSCI_0_2_TOS_MP, "DEN0022");
_Static_assert(DEN0022_VERSION_MAJOR_SHIFT == PSCI_VERSION_MAJOR_SHIFT, "");
#else
#define PSCI_0_2_FN_BASE		   DEN0022_FN_BASE
#define PSCI_0_2_64BIT			   DEN0022_FN_SMC64
#define PSCI_0_2_FN_PSCI_VERSION	   DEN0022_FN_VERSION
#define PSCI_0_2_FN_CPU_SUSPEND		   DEN0022_FN_SUSPEND
#define PSCI_0_2_FN_CPU_OFF		   DEN0022_FN_OFF
#define PSCI_0_2_FN_CPU_ON		   DEN0022_FN_ON
#define PSCI_0_2_FN_AFFINITY_INFO	   DEN0022_FN_AFFINITY
#define PSCI_0_2_FN_MIGRATE_INFO_TYPE	   DEN0022_FN_MIG_TYPE
#define PSCI_0_2_FN_SYSTEM_OFF		   DEN0022_FN_SYS_OFF
#define PSCI_0_2_FN_SYSTEM_RESET	   DEN0022_FN_SYS_RST
#define PSCI_1_0_FN_PSCI_FEATURES	   DEN0022_FN_FEATURES
#define PSCI_0_2_FN64_CPU_SUSPEND	   DEN0022_FN64_SUSPEND
#define PSCI_0_2_FN64_CPU_ON		   DEN0022_FN64_ON
#define PSCI_0_2_FN64_AFFINITY_INFO	   DEN0022_FN64_AFFINITY
#define PSCI_RET_SUCCESS		   DEN0022_RET_SUCCESS
#define PSCI_RET_NOT_SUPPORTED		   DEN0022_RET_NOT_SUPPORTED
#define PSCI_RET_INVALID_PARAMS		   DEN0022_RET_INVALID_PARAMS
#define PSCI_RET_ALREADY_ON		   DEN0022_RET_ALREADY_ON
#define PSCI_RET_ON_PENDING		   DEN0022_RET_ON_PENDING
#define PSCI_RET_INTERNAL_FAILURE	   DEN0022_RET_INTERNAL
#define PSCI_0_2_AFFINITY_LEVEL_ON	   DEN0022_AFFINITY_ON
#define PSCI_0_2_AFFINITY_LEVEL_OFF	   DEN0022_AFFINITY_OFF
#define PSCI_0_2_AFFINITY_LEVEL_ON_PENDING DEN0022_AFFINITY_PENDING
#define PSCI_0_2_TOS_MP			   DEN0022_TOS_MP
#define PSCI_VERSION_MAJOR_SHIFT	   DEN0022_VERSION_MAJOR_SHIFT
#define PSCI_VERSION(maj, min)                                                 \
	((uint32_t)(maj) << PSCI_VERSION_MAJOR_SHIFT | (uint32_t)(min))
#endif

#endif
