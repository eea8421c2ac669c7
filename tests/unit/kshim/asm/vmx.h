/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim <asm/vmx.h> - the VMX constants of the kernel's
 * arch/x86/include/asm/vmx.h for host unit tests, with the kernel's names
 * (the VMX MSR numbers are in the kshim <asm/msr-index.h>, as in the kernel).
 *
 * Host userspace only. The values are the SDM's (Vol. 3, Appendix A "VMX
 * Capability Reporting Facility", "VM-Execution Control Fields", "VM-Exit
 * Control Fields", "VM-Entry Control Fields", "VM Instruction Error
 * Numbers"); they were checked against Linux 6.1's headers by compiling both
 * and comparing every value. EXIT_REASON_* come from the system's UAPI
 * <asm/vmx.h>, included next.
 */
#ifndef KSHIM_ASM_VMX_H
#define KSHIM_ASM_VMX_H

#include <linux/bits.h>
#include <linux/types.h>
#include <asm/msr-index.h>
#include_next <asm/vmx.h>

/* Pin-based VM-execution controls */
#define PIN_BASED_EXT_INTR_MASK                  BIT(0)
#define PIN_BASED_NMI_EXITING                    BIT(3)
#define PIN_BASED_VIRTUAL_NMIS                   BIT(5)
#define PIN_BASED_VMX_PREEMPTION_TIMER           BIT(6)
#define PIN_BASED_POSTED_INTR                    BIT(7)

/* Primary processor-based VM-execution controls */
#define CPU_BASED_INTR_WINDOW_EXITING            BIT(2)
#define CPU_BASED_USE_TSC_OFFSETTING             BIT(3)
#define CPU_BASED_HLT_EXITING                    BIT(7)
#define CPU_BASED_INVLPG_EXITING                 BIT(9)
#define CPU_BASED_MWAIT_EXITING                  BIT(10)
#define CPU_BASED_RDPMC_EXITING                  BIT(11)
#define CPU_BASED_RDTSC_EXITING                  BIT(12)
#define CPU_BASED_CR3_LOAD_EXITING               BIT(15)
#define CPU_BASED_CR3_STORE_EXITING              BIT(16)
#define CPU_BASED_ACTIVATE_TERTIARY_CONTROLS     BIT(17)
#define CPU_BASED_CR8_LOAD_EXITING               BIT(19)
#define CPU_BASED_CR8_STORE_EXITING              BIT(20)
#define CPU_BASED_TPR_SHADOW                     BIT(21)
#define CPU_BASED_NMI_WINDOW_EXITING             BIT(22)
#define CPU_BASED_MOV_DR_EXITING                 BIT(23)
#define CPU_BASED_UNCOND_IO_EXITING              BIT(24)
#define CPU_BASED_USE_IO_BITMAPS                 BIT(25)
#define CPU_BASED_MONITOR_TRAP_FLAG              BIT(27)
#define CPU_BASED_USE_MSR_BITMAPS                BIT(28)
#define CPU_BASED_MONITOR_EXITING                BIT(29)
#define CPU_BASED_PAUSE_EXITING                  BIT(30)
#define CPU_BASED_ACTIVATE_SECONDARY_CONTROLS    BIT(31)

/* Secondary processor-based VM-execution controls */
#define SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES  BIT(0)
#define SECONDARY_EXEC_ENABLE_EPT                BIT(1)
#define SECONDARY_EXEC_DESC                      BIT(2)
#define SECONDARY_EXEC_ENABLE_RDTSCP             BIT(3)
#define SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE    BIT(4)
#define SECONDARY_EXEC_ENABLE_VPID               BIT(5)
#define SECONDARY_EXEC_WBINVD_EXITING            BIT(6)
#define SECONDARY_EXEC_UNRESTRICTED_GUEST        BIT(7)
#define SECONDARY_EXEC_APIC_REGISTER_VIRT        BIT(8)
#define SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY     BIT(9)
#define SECONDARY_EXEC_PAUSE_LOOP_EXITING        BIT(10)
#define SECONDARY_EXEC_RDRAND_EXITING            BIT(11)
#define SECONDARY_EXEC_ENABLE_INVPCID            BIT(12)
#define SECONDARY_EXEC_ENABLE_VMFUNC             BIT(13)
#define SECONDARY_EXEC_SHADOW_VMCS               BIT(14)
#define SECONDARY_EXEC_ENCLS_EXITING             BIT(15)
#define SECONDARY_EXEC_RDSEED_EXITING            BIT(16)
#define SECONDARY_EXEC_ENABLE_PML                BIT(17)
#define SECONDARY_EXEC_PT_CONCEAL_VMX            BIT(19)
#define SECONDARY_EXEC_XSAVES                    BIT(20)
#define SECONDARY_EXEC_MODE_BASED_EPT_EXEC       BIT(22)
#define SECONDARY_EXEC_PT_USE_GPA                BIT(24)
#define SECONDARY_EXEC_TSC_SCALING               BIT(25)
#define SECONDARY_EXEC_ENABLE_USR_WAIT_PAUSE     BIT(26)
#define SECONDARY_EXEC_BUS_LOCK_DETECTION        BIT(30)
#define SECONDARY_EXEC_NOTIFY_VM_EXITING         BIT(31)

/* VM-exit controls */
#define VM_EXIT_SAVE_DEBUG_CONTROLS              BIT(2)
#define VM_EXIT_HOST_ADDR_SPACE_SIZE             BIT(9)
#define VM_EXIT_LOAD_IA32_PERF_GLOBAL_CTRL       BIT(12)
#define VM_EXIT_ACK_INTR_ON_EXIT                 BIT(15)
#define VM_EXIT_SAVE_IA32_PAT                    BIT(18)
#define VM_EXIT_LOAD_IA32_PAT                    BIT(19)
#define VM_EXIT_SAVE_IA32_EFER                   BIT(20)
#define VM_EXIT_LOAD_IA32_EFER                   BIT(21)
#define VM_EXIT_SAVE_VMX_PREEMPTION_TIMER        BIT(22)
#define VM_EXIT_CLEAR_BNDCFGS                    BIT(23)
#define VM_EXIT_PT_CONCEAL_PIP                   BIT(24)
#define VM_EXIT_CLEAR_IA32_RTIT_CTL              BIT(25)

/* VM-entry controls */
#define VM_ENTRY_LOAD_DEBUG_CONTROLS             BIT(2)
#define VM_ENTRY_IA32E_MODE                      BIT(9)
#define VM_ENTRY_SMM                             BIT(10)
#define VM_ENTRY_DEACT_DUAL_MONITOR              BIT(11)
#define VM_ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL      BIT(13)
#define VM_ENTRY_LOAD_IA32_PAT                   BIT(14)
#define VM_ENTRY_LOAD_IA32_EFER                  BIT(15)
#define VM_ENTRY_LOAD_BNDCFGS                    BIT(16)
#define VM_ENTRY_PT_CONCEAL_PIP                  BIT(17)
#define VM_ENTRY_LOAD_IA32_RTIT_CTL              BIT(18)

/* IA32_VMX_EPT_VPID_CAP: EPT bits (31:0); VPID bits counted from bit 32 */
#define VMX_EPT_EXECUTE_ONLY_BIT                 BIT_ULL(0)
#define VMX_EPT_PAGE_WALK_4_BIT                  BIT_ULL(6)
#define VMX_EPT_PAGE_WALK_5_BIT                  BIT_ULL(7)
#define VMX_EPTP_UC_BIT                          BIT_ULL(8)
#define VMX_EPTP_WB_BIT                          BIT_ULL(14)
#define VMX_EPT_2MB_PAGE_BIT                     BIT_ULL(16)
#define VMX_EPT_1GB_PAGE_BIT                     BIT_ULL(17)
#define VMX_EPT_INVEPT_BIT                       BIT_ULL(20)
#define VMX_EPT_AD_BIT                           BIT_ULL(21)
#define VMX_EPT_EXTENT_CONTEXT_BIT               BIT_ULL(25)
#define VMX_EPT_EXTENT_GLOBAL_BIT                BIT_ULL(26)
#define VMX_VPID_INVVPID_BIT                     BIT_ULL(0)
#define VMX_VPID_EXTENT_INDIVIDUAL_ADDR_BIT      BIT_ULL(8)
#define VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT       BIT_ULL(9)
#define VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT       BIT_ULL(10)
#define VMX_VPID_EXTENT_SINGLE_NON_GLOBAL_BIT    BIT_ULL(11)
#define VMX_EPTP_AD_ENABLE_BIT                   BIT_ULL(6)
#define VMX_EPT_IPAT_BIT                         BIT_ULL(6)
#define VMX_EPT_ACCESS_BIT                       BIT_ULL(8)
#define VMX_EPT_DIRTY_BIT                        BIT_ULL(9)
#define VMX_EPTP_MT_UC                           0
#define VMX_EPTP_MT_WB                           6

/* IA32_VMX_BASIC fields (A.1 "Basic VMX Information") */
static inline u32 vmx_basic_vmcs_revision_id(u64 vmx_basic)
{
	return vmx_basic & GENMASK_ULL(30, 0);
}

static inline u32 vmx_basic_vmcs_size(u64 vmx_basic)
{
	return (vmx_basic & GENMASK_ULL(44, 32)) >> 32;
}

/* VM-instruction error numbers */
enum vm_instruction_error_number {
	VMXERR_VMCALL_IN_VMX_ROOT_OPERATION = 1,
	VMXERR_VMCLEAR_INVALID_ADDRESS = 2,
	VMXERR_VMCLEAR_VMXON_POINTER = 3,
	VMXERR_VMLAUNCH_NONCLEAR_VMCS = 4,
	VMXERR_VMRESUME_NONLAUNCHED_VMCS = 5,
	VMXERR_VMRESUME_AFTER_VMXOFF = 6,
	VMXERR_ENTRY_INVALID_CONTROL_FIELD = 7,
	VMXERR_ENTRY_INVALID_HOST_STATE_FIELD = 8,
	VMXERR_VMPTRLD_INVALID_ADDRESS = 9,
	VMXERR_VMPTRLD_VMXON_POINTER = 10,
	VMXERR_VMPTRLD_INCORRECT_VMCS_REVISION_ID = 11,
	VMXERR_UNSUPPORTED_VMCS_COMPONENT = 12,
	VMXERR_VMWRITE_READ_ONLY_VMCS_COMPONENT = 13,
	VMXERR_VMXON_IN_VMX_ROOT_OPERATION = 15,
	VMXERR_ENTRY_INVALID_EXECUTIVE_VMCS_POINTER = 16,
	VMXERR_ENTRY_NONLAUNCHED_EXECUTIVE_VMCS = 17,
	VMXERR_ENTRY_EXECUTIVE_VMCS_POINTER_NOT_VMXON_POINTER = 18,
	VMXERR_VMCALL_NONCLEAR_VMCS = 19,
	VMXERR_VMCALL_INVALID_VM_EXIT_CONTROL_FIELDS = 20,
	VMXERR_VMCALL_INCORRECT_MSEG_REVISION_ID = 22,
	VMXERR_VMXOFF_UNDER_DUAL_MONITOR_TREATMENT_OF_SMIS_AND_SMM = 23,
	VMXERR_VMCALL_INVALID_SMM_MONITOR_FEATURES = 24,
	VMXERR_ENTRY_INVALID_VM_EXECUTION_CONTROL_FIELDS_IN_EXECUTIVE_VMCS = 25,
	VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS = 26,
	VMXERR_INVALID_OPERAND_TO_INVEPT_INVVPID = 28,
};

/*
 * The step03/step04 names (ENTRY_FAIL_*, EPT_VIOLATION_*, ...) live in a
 * sibling shim, each guarded, so they never clash with the ones above.
 */
#if __has_include("vmx-ept.h")
#include "vmx-ept.h"
#endif

#endif /* KSHIM_ASM_VMX_H */
