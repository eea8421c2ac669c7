/*
 * hvf_decls.h - the part of Apple's Hypervisor.framework (Apple silicon)
 * that the hvf-arm64 backend uses, DECLARED HERE FROM APPLE'S DOCUMENTED
 * API so that the backend compiles, and its pure parts are unit-tested,
 * on Linux.
 *
 * THIS IS NOT APPLE'S HEADER.  On macOS the backend gets the real one,
 * <Hypervisor/Hypervisor.h>, and nothing below is seen.  Off macOS there
 * is no framework to link: nothing declared here can run, it only
 * type-checks (the link check, backends/hvf.mk `hvf-check`, links against
 * a test-only stand-in, tests/unit/step08-arm64-hvf/hvf_fake.c).  No
 * macOS machine was available when this was written; nothing here has
 * been compiled against the real SDK.  The first macOS build should
 * compare: the `hvf-decls-check` rule in hvf.mk compiles
 * hvf_decls_check.c, which asserts the values below against the real
 * header.
 *
 * Runs: nowhere; included by backends/hvf_arm64.c, hvf_arm64_decode.h and
 * their unit tests.
 *
 * Provenance, per item, in brackets:
 *   [doc:NAME]  Apple Developer Documentation, Hypervisor framework,
 *               developer.apple.com/documentation/hypervisor/NAME: the
 *               signatures (shown there in Swift; the C types are those the
 *               Swift import maps from: Int -> size_t, Bool -> bool,
 *               UnsafeMutablePointer<T> -> T *), availability, semantics.
 *   [enum]      an enum whose NAMES Apple documents but whose VALUES it does
 *               not: taken from the order of the documented names as
 *               several independent bindings generated from the SDK
 *               headers reproduce it (the Rust crate applevisor-sys, on
 *               docs.rs, lists hv_exit_reason_t as CANCELED = 0,
 *               EXCEPTION = 1, VTIMER_ACTIVATED = 2, UNKNOWN = 3 and
 *               hv_reg_t as X0 = 0 .. X30 = 30, PC = 31, FPCR = 32,
 *               FPSR = 33, CPSR = 34), and as [sdk] shows them.
 *   [sdk]       the macOS 15 SDK's own headers, as public repositories
 *               mirror them, READ (not copied, not compiled against)
 *               to check this file: Hypervisor/hv_vcpu_types.h (the exit
 *               reasons in that order, hv_vcpu_exit_t, hv_reg_t, the
 *               HV_SYS_REG_* values, hv_interrupt_type_t), hv_vcpu.h and
 *               hv_gic*.h (every signature below, and the comments
 *               quoted as [sdk:FILE]), arm64/hv/hv_kern_types.h (the
 *               hv_return_t values, err_common_hypervisor = err_local |
 *               err_sub(0xba5)).  What a Mac's build of hvf_decls_check.c
 *               would prove, it does not.
 *   [qemu]      QEMU's target/arm/hvf/hvf.c, which compiles against the
 *               real SDK: how a call is used; its build-time check that
 *               each HV_SYS_REG_* equals the low 16 bits of KVM's ID for the
 *               same register, i.e. op0 << 14 | op1 << 11 | CRn << 7 |
 *               CRm << 3 | op2.
 *   [arm]       Arm ARM (DDI 0487): a system register's encoding.
 */
#ifndef BACKENDS_HVF_DECLS_H
#define BACKENDS_HVF_DECLS_H

#ifdef __APPLE__
#include <Hypervisor/Hypervisor.h>
#include <mach/mach_time.h>
#else

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- results ----------------------------------------------------------- */

/* [doc:hv_return_t] the framework's result type (a Mach kern_return_t,
 * an int); [doc:HV_SUCCESS] success, 0 [qemu: compares with 0 freely].
 * The error codes are HV_ERROR, HV_BUSY, HV_BAD_ARGUMENT, HV_NO_RESOURCES,
 * HV_NO_DEVICE, HV_DENIED, HV_UNSUPPORTED [doc:hv_return_t]; Apple's
 * header builds them as err_system(0x3e) | err_sub(0xba5) | n, i.e.
 * 0xfae94000 + n [sdk: arm64/hv/hv_kern_types.h; two also seen
 * printed as signed numbers in public bug reports of Intel Macs, whose
 * header is the same: hyperkit's "hv_vm_create unknown error -85377023"
 * is 0xfae94001, HV_ERROR, and xhyve's "-85377018" 0xfae94006,
 * HV_NO_DEVICE].  The backend turns each
 * into an errno (hvf_errno). */
typedef int hv_return_t;
#define HV_SUCCESS			0
#define HV_ERROR			((hv_return_t)0xfae94001)
#define HV_BUSY				((hv_return_t)0xfae94002)
#define HV_BAD_ARGUMENT			((hv_return_t)0xfae94003)
#define HV_NO_RESOURCES			((hv_return_t)0xfae94005)
#define HV_NO_DEVICE			((hv_return_t)0xfae94006)
#define HV_DENIED			((hv_return_t)0xfae94007)
#define HV_UNSUPPORTED			((hv_return_t)0xfae9400f)

/* --- the VM and its memory --------------------------------------------- */

/* [doc:hv_vcpu_t] a vCPU's id, UInt64; [doc:hv_ipa_t] an intermediate
 * physical (guest-physical) address, UInt64. */
typedef uint64_t hv_vcpu_t;
typedef uint64_t hv_ipa_t;

/* [doc:hv_vm_config_t], [doc:hv_vcpu_config_t], [doc:hv_gic_config_t]:
 * OS objects, released with os_release ([doc:hv_gic_config_create()]);
 * opaque pointers in C.  NULL asks for the defaults. */
typedef struct hv_vm_config_s *hv_vm_config_t;
typedef struct hv_vcpu_config_s *hv_vcpu_config_t;
typedef struct hv_gic_config_s *hv_gic_config_t;
void os_release(void *object); /* <os/object.h> */

/* [doc:hv_memory_flags_t] HV_MEMORY_READ, HV_MEMORY_WRITE, HV_MEMORY_EXEC:
 * bits 0, 1, 2 [enum]. */
typedef uint64_t hv_memory_flags_t;
#define HV_MEMORY_READ			(1ULL << 0)
#define HV_MEMORY_WRITE			(1ULL << 1)
#define HV_MEMORY_EXEC			(1ULL << 2)

/* [doc:hv_vm_create(_:)] "Creates a VM instance for the current process":
 * one VM per process.  [doc:hv_vm_destroy()]. */
hv_return_t hv_vm_create(hv_vm_config_t config);
hv_return_t hv_vm_destroy(void);
/* [doc:hv_vm_map(_:_:_:_:)] host [addr, addr + size) at guest [ipa, ipa +
 * size); all three aligned to the host page size (16 KiB on Apple
 * silicon).  [doc:hv_vm_unmap(_:_:)]. */
hv_return_t hv_vm_map(void *addr, hv_ipa_t ipa, size_t size,
		      hv_memory_flags_t flags);
hv_return_t hv_vm_unmap(hv_ipa_t ipa, size_t size);

/* --- exits --------------------------------------------------------------- */

/* [doc:hv_exit_reason_t] a UInt32 ("rawValue"): CANCELED ("exits requested
 * by exit handler on the host": hv_vcpus_exit), EXCEPTION ("traps caused
 * by the guest operations"), VTIMER_ACTIVATED ("the virtual timer enters
 * the pending state"), UNKNOWN; values [enum]. */
typedef uint32_t hv_exit_reason_t;
#define HV_EXIT_REASON_CANCELED		0
#define HV_EXIT_REASON_EXCEPTION	1
#define HV_EXIT_REASON_VTIMER_ACTIVATED 2
#define HV_EXIT_REASON_UNKNOWN		3

/* [doc:hv_exception_syndrome_t], [doc:hv_exception_address_t]: UInt64. */
typedef uint64_t hv_exception_syndrome_t;
typedef uint64_t hv_exception_address_t;

/* [doc:hv_vcpu_exit_exception_t] syndrome ("the vCPU exception syndrome":
 * ESR_EL2), virtual_address (FAR_EL2), physical_address ("the
 * intermediate physical address of the exception": HPFAR_EL2's page plus
 * FAR's offset), in the order of its initializer
 * init(syndrome:virtual_address:physical_address:).
 * [doc:hv_vcpu_exit_t] init(reason:exception:). */
typedef struct {
	hv_exception_syndrome_t syndrome;
	hv_exception_address_t virtual_address;
	hv_ipa_t physical_address;
} hv_vcpu_exit_exception_t;

typedef struct {
	hv_exit_reason_t reason;
	hv_vcpu_exit_exception_t exception;
} hv_vcpu_exit_t;

/* --- vCPUs --------------------------------------------------------------- */

/* [doc:hv_vcpu_create(_:_:_:)] creates a vCPU owned by the calling thread
 * and hands back, in *exit, the structure each exit is described in.
 * [doc:hv_vcpu_run(_:)] "Call blocks until the next exit of the vCPU. The
 * owning thread must call this function."  [doc:hv_vcpus_exit(_:_:)]
 * forces the listed vCPUs out (HV_EXIT_REASON_CANCELED); any thread may
 * call it [qemu: its kick from the I/O thread]; "If a vcpu is not running,
 * the next time hv_vcpu_run is called for the corresponding vcpu, it will
 * return immediately without entering the guest" [sdk:hv_vcpu.h]. */
hv_return_t hv_vcpu_create(hv_vcpu_t *vcpu, hv_vcpu_exit_t **exit,
			   hv_vcpu_config_t config);
hv_return_t hv_vcpu_destroy(hv_vcpu_t vcpu);
hv_return_t hv_vcpu_run(hv_vcpu_t vcpu);
hv_return_t hv_vcpus_exit(hv_vcpu_t *vcpus, uint32_t vcpu_count);

/* [doc:hv_reg_t] HV_REG_X0..X30, HV_REG_FP (= X29), HV_REG_LR (= X30),
 * HV_REG_PC, HV_REG_FPCR, HV_REG_FPSR, HV_REG_CPSR; values [enum].  X0..X30
 * are consecutive [qemu: HV_REG_X0 + n]. */
typedef uint32_t hv_reg_t;
#define HV_REG_X0			0
#define HV_REG_X1			1
#define HV_REG_X2			2
#define HV_REG_X3			3
#define HV_REG_X4			4
#define HV_REG_X29			29
#define HV_REG_FP			HV_REG_X29
#define HV_REG_X30			30
#define HV_REG_LR			HV_REG_X30
#define HV_REG_PC			31
#define HV_REG_FPCR			32
#define HV_REG_FPSR			33
#define HV_REG_CPSR			34

/* [doc:hv_vcpu_get_reg(_:_:_:)], [doc:hv_vcpu_set_reg(_:_:_:)],
 * [doc:hv_vcpu_get_sys_reg(_:_:_:)], [doc:hv_vcpu_set_sys_reg(_:_:_:)]. */
typedef uint16_t hv_sys_reg_t;
hv_return_t hv_vcpu_get_reg(hv_vcpu_t vcpu, hv_reg_t reg, uint64_t *value);
hv_return_t hv_vcpu_set_reg(hv_vcpu_t vcpu, hv_reg_t reg, uint64_t value);
hv_return_t hv_vcpu_get_sys_reg(hv_vcpu_t vcpu, hv_sys_reg_t reg,
				uint64_t *value);
hv_return_t hv_vcpu_set_sys_reg(hv_vcpu_t vcpu, hv_sys_reg_t reg,
				uint64_t value);

/* [doc:hv_sys_reg_t] HV_SYS_REG_<NAME>: only those the backend touches;
 * the value is the MRS/MSR encoding [qemu] of the register [arm]. */
#define HVF_SYS_REG(op0, op1, crn, crm, op2)                                   \
	((hv_sys_reg_t)((op0) << 14 | (op1) << 11 | (crn) << 7 | (crm) << 3 |  \
			(op2)))
#define HV_SYS_REG_MPIDR_EL1	   HVF_SYS_REG(3, 0, 0, 0, 5)  /* 0xc005 */
#define HV_SYS_REG_SCTLR_EL1	   HVF_SYS_REG(3, 0, 1, 0, 0)  /* 0xc080 */
#define HV_SYS_REG_SP_EL1	   HVF_SYS_REG(3, 4, 4, 1, 0)  /* 0xe208 */
#define HV_SYS_REG_ID_AA64PFR0_EL1 HVF_SYS_REG(3, 0, 0, 4, 0)  /* 0xc020 */
#define HV_SYS_REG_CNTV_CTL_EL0	   HVF_SYS_REG(3, 3, 14, 3, 1) /* 0xdf19 */
#define HV_SYS_REG_CNTV_CVAL_EL0   HVF_SYS_REG(3, 3, 14, 3, 2) /* 0xdf1a */

/* [doc:hv_interrupt_type_t] HV_INTERRUPT_TYPE_IRQ, _FIQ; values [enum].
 * [doc:hv_vcpu_set_pending_interrupt(_:_:_:)]: the vCPU's IRQ line as
 * the guest sees it at the next hv_vcpu_run (used without the framework's
 * GIC, for the timer's interrupt); "The pending interrupts automatically
 * cleared after hv_vcpu_run returns. It is expected that
 * hv_vcpu_set_pending_interrupt be called before every hv_vcpu_run"
 * [sdk:hv_vcpu.h]. */
typedef uint32_t hv_interrupt_type_t;
#define HV_INTERRUPT_TYPE_IRQ	   0
#define HV_INTERRUPT_TYPE_FIQ	   1
hv_return_t hv_vcpu_set_pending_interrupt(hv_vcpu_t vcpu,
					  hv_interrupt_type_t type,
					  bool pending);

/* --- the virtual timer ------------------------------------------------- */

/* [doc:hv_vcpu_set_vtimer_mask(_:_:)] (macOS 11+): "After hv_vcpu_run(_:)
 * returns with the exit reason HV_EXIT_REASON_VTIMER_ACTIVATED, the timer
 * is masked automatically. The vCPU won't exit with this reason again
 * until the mask is cleared".  [doc:hv_vcpu_get_vtimer_offset(_:_:)]
 * "This corresponds to the value of the CNTVOFF_EL2 register": the guest
 * counter is the host's (mach_absolute_time() [qemu]) minus the offset. */
hv_return_t hv_vcpu_set_vtimer_mask(hv_vcpu_t vcpu, bool vtimer_is_masked);
hv_return_t hv_vcpu_get_vtimer_offset(hv_vcpu_t vcpu, uint64_t *vtimer_offset);

/* <mach/mach_time.h>, not the framework: the host's counter (CNTPCT_EL0 on
 * Apple silicon) and its ratio to nanoseconds. */
struct mach_timebase_info {
	uint32_t numer;
	uint32_t denom;
};
typedef struct mach_timebase_info mach_timebase_info_data_t;
uint64_t mach_absolute_time(void);
int mach_timebase_info(mach_timebase_info_data_t *info);

/* --- the GICv3 (macOS 15.0+) ------------------------------------------- */

/* [doc:hv_gic_create(_:)] "Only call this method after a virtual machine
 * (VM) has started, but before you create vCPUs"; one per VM;
 * distributor, redistributors, MSIs, the CPU interface system registers.
 * "GIC v3 uses affinity based interrupt routing. vCPUs must set affinity
 * values in their MPIDR_EL1 register."
 * [doc:hv_gic_config_create()], [doc:hv_gic_config_set_distributor_base
 * (_:_:)] (aligned to hv_gic_get_distributor_base_alignment),
 * [doc:hv_gic_config_set_redistributor_base(_:_:)] (aligned to
 * hv_gic_get_redistributor_base_alignment; "two 64 kilobyte frames per
 * vCPU ... contiguously", [doc:hv_gic_get_redistributor_region_size(_:)]),
 * [doc:hv_gic_get_spi_interrupt_range(_:_:)] (the INTIDs hv_gic_set_spi
 * accepts), [doc:hv_gic_set_spi(_:_:)] (an SPI's level, by INTID). */
hv_gic_config_t hv_gic_config_create(void);
hv_return_t hv_gic_config_set_distributor_base(hv_gic_config_t config,
					       hv_ipa_t distributor_base);
hv_return_t hv_gic_config_set_redistributor_base(hv_gic_config_t config,
						 hv_ipa_t redistributor_base);
hv_return_t hv_gic_create(hv_gic_config_t gic_config);
hv_return_t hv_gic_get_distributor_size(size_t *distributor_size);
hv_return_t hv_gic_get_distributor_base_alignment(size_t *alignment);
hv_return_t hv_gic_get_redistributor_region_size(size_t *region_size);
hv_return_t hv_gic_get_redistributor_base_alignment(size_t *alignment);
hv_return_t hv_gic_get_spi_interrupt_range(uint32_t *spi_intid_base,
					   uint32_t *spi_intid_count);
hv_return_t hv_gic_set_spi(uint32_t intid, bool level);

/* The layout the declarations above promise (three UInt64; a UInt32 then
 * padding to the next 8-byte boundary), for the first macOS build to
 * compare (hvf_decls_check.c). */
_Static_assert(sizeof(hv_vcpu_exit_exception_t) == 24, "three u64");
_Static_assert(sizeof(hv_vcpu_exit_t) == 32, "reason, padding, exception");
_Static_assert(HV_SYS_REG_MPIDR_EL1 == 0xc005, "S3_0_C0_C0_5 [qemu]");
_Static_assert(HV_SYS_REG_CNTV_CTL_EL0 == 0xdf19, "S3_3_C14_C3_1 [qemu]");
_Static_assert(HV_SYS_REG_SCTLR_EL1 == 0xc080, "S3_0_C1_C0_0 [arm]");

#endif /* !__APPLE__ */
#endif
