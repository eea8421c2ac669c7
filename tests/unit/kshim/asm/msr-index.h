/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim <asm/msr-index.h> - the MSR numbers and bits the steps' pure files
 * use, with the kernel's names (arch/x86/include/asm/msr-index.h), for host
 * unit tests. Values: Intel SDM Vol. 4, "Model-Specific Registers".
 */
#ifndef KSHIM_ASM_MSR_INDEX_H
#define KSHIM_ASM_MSR_INDEX_H

#define MSR_EFER   0xc0000080 /* extended feature enable register */
#define _EFER_SCE  0	      /* SYSCALL/SYSRET */
#define _EFER_LME  8	      /* long mode enable */
#define _EFER_LMA  10	      /* long mode active (read-only) */
#define _EFER_NX   11	      /* no-execute enable */
#define _EFER_SVME 12	      /* AMD: enable virtualization */
#define EFER_SCE   (1 << _EFER_SCE)
#define EFER_LME   (1 << _EFER_LME)
#define EFER_LMA   (1 << _EFER_LMA)
#define EFER_NX	   (1 << _EFER_NX)
#define EFER_SVME  (1 << _EFER_SVME)

#include <linux/bits.h>

/*
 * IA32_FEATURE_CONTROL and the VMX capability MSRs (added by the step01/02
 * helper). Values: Intel SDM Vol. 3D, Appendix A "VMX Capability Reporting
 * Facility", and Vol. 4 "Model-Specific Registers"; checked against Linux
 * 6.1's asm/msr-index.h by compiling both.
 */
#ifndef MSR_IA32_VMX_BASIC
#define MSR_IA32_FEAT_CTL		 0x0000003a
#define FEAT_CTL_LOCKED			 BIT(0)
#define FEAT_CTL_VMX_ENABLED_INSIDE_SMX	 BIT(1)
#define FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX BIT(2)
#define FEAT_CTL_SGX_LC_ENABLED		 BIT(17)
#define FEAT_CTL_SGX_ENABLED		 BIT(18)
#define FEAT_CTL_LMCE_ENABLED		 BIT(20)
#define MSR_IA32_VMX_BASIC		 0x00000480
#define MSR_IA32_VMX_PINBASED_CTLS	 0x00000481
#define MSR_IA32_VMX_PROCBASED_CTLS	 0x00000482
#define MSR_IA32_VMX_EXIT_CTLS		 0x00000483
#define MSR_IA32_VMX_ENTRY_CTLS		 0x00000484
#define MSR_IA32_VMX_MISC		 0x00000485
#define MSR_IA32_VMX_CR0_FIXED0		 0x00000486
#define MSR_IA32_VMX_CR0_FIXED1		 0x00000487
#define MSR_IA32_VMX_CR4_FIXED0		 0x00000488
#define MSR_IA32_VMX_CR4_FIXED1		 0x00000489
#define MSR_IA32_VMX_VMCS_ENUM		 0x0000048a
#define MSR_IA32_VMX_PROCBASED_CTLS2	 0x0000048b
#define MSR_IA32_VMX_EPT_VPID_CAP	 0x0000048c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS	 0x0000048d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x0000048e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS	 0x0000048f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS	 0x00000490
#define MSR_IA32_VMX_VMFUNC		 0x00000491
#define MSR_IA32_VMX_PROCBASED_CTLS3	 0x00000492
#define VMX_BASIC_VMCS_SIZE_SHIFT	 32
#define VMX_BASIC_TRUE_CTLS		 BIT_ULL(55)
#define VMX_BASIC_64			 BIT_ULL(48)
#define VMX_BASIC_MEM_TYPE_SHIFT	 50
#define VMX_BASIC_MEM_TYPE_MASK		 GENMASK_ULL(53, 50)
#define VMX_BASIC_MEM_TYPE_WB		 6
#define VMX_BASIC_INOUT			 BIT_ULL(54)
#endif /* MSR_IA32_VMX_BASIC */

#endif /* KSHIM_ASM_MSR_INDEX_H */
