/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bochs_skylake_x.h - the VMX capability MSRs of the lab's VMX engine:
 * Bochs 2.7 (Debian 12 package), `cpu: model=corei7_skylake_x`, as step01
 * read and printed them in the lab VM (book/output/step01-cpuid-vmx.txt).
 * Test data for test_vmx_caps.c; host userspace only.
 */
#ifndef BOCHS_SKYLAKE_X_H
#define BOCHS_SKYLAKE_X_H

#define BOCHS_FEATURE_CONTROL 0x5ULL
#define BOCHS_VMX_BASIC	      0x00d810000000002bULL
#define BOCHS_VMCS_REVISION   0x2b
#define BOCHS_VMX_MISC	      0x00000000600401e0ULL
#define BOCHS_TRUE_PINBASED   0x0000007f00000016ULL
#define BOCHS_TRUE_PROCBASED  0xf7f9fffe04006172ULL
#define BOCHS_PROCBASED2      0x02177fff00000000ULL
#define BOCHS_TRUE_EXIT	      0x007fffff00036dfbULL
#define BOCHS_TRUE_ENTRY      0x0000ffff000011fbULL
#define BOCHS_EPT_VPID_CAP    0x00000f0106334141ULL
#define BOCHS_CR0_FIXED0      0x80000021ULL
#define BOCHS_CR0_FIXED1      0xffffffffULL
#define BOCHS_CR4_FIXED0      0x2000ULL
#define BOCHS_CR4_FIXED1      0x3727ffULL

#endif /* BOCHS_SKYLAKE_X_H */
