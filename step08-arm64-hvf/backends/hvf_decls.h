/*
 * hvf_decls.h - the part of Apple's Hypervisor.framework (Apple silicon)
 * that the hvf-arm64 backend uses, DECLARED FROM APPLE'S DOCUMENTED API so
 * that the backend compiles, and its pure parts are unit-tested, on Linux.
 *
 * THIS IS NOT APPLE'S HEADER.  On macOS the backend includes the real one,
 * <Hypervisor/Hypervisor.h>, and nothing below is seen; off macOS nothing
 * here can run (there is no framework to link), it only type-checks.  No
 * macOS machine was available when this was written: nothing in it has
 * been compiled against the real SDK.  The first macOS build must compare
 * (the _Static_asserts at the end are a start; `make -C step08-arm64-hvf
 * hvf-decls-check` on macOS should be added to do it for every value).
 *
 * Runs: nowhere; included by backends/hvf_arm64.c and its unit tests.
 *
 * Provenance, per item, in brackets:
 *   [doc:NAME]  Apple Developer Documentation, Hypervisor framework, page
 *               NAME (developer.apple.com/documentation/hypervisor/NAME):
 *               signatures (given there in Swift; the C types are the ones
 *               the Swift import maps from), availability, semantics.
 *   [qemu]      QEMU's target/arm/hvf/hvf.c, which compiles against the
 *               real headers: how a call is used, and its compile-time check
 *               that every HV_SYS_REG_* equals the KVM encoding of the same
 *               register ("Conveniently, HVF uses the same encoding of the
 *               op* and cr* parameters within the low 16 bits of the ids").
 *   [qemu-gic]  the qemu-devel series adding Apple's in-kernel GIC to QEMU
 *               (Mohamed Mediouni, 2025: "target/arm: hvf: instantiate GIC
 *               early" and the patches after it).
 *   [bind]      enum values and struct layouts as reproduced, identically,
 *               by several independent bindings generated from Apple's
 *               hv_vcpu_types.h / hv_error.h (Rust and Zig crates); the SDK
 *               header itself was not available here.  UNSURE until checked
 *               on macOS.
 *   [arm]       Arm Architecture Reference Manual: the system register's
 *               encoding (op0, op1, CRn, CRm, op2).
 */
#ifndef BACKENDS_HVF_DECLS_H
#define BACKENDS_HVF_DECLS_H

#ifdef __APPLE__
#include <Hypervisor/Hypervisor.h>
#else

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- basic types --------------------------------------------------------- */

/* [doc:hv_return_t] "the return type of framework functions" (a Mach
 * error, int).  HV_SUCCESS [doc:hv_success] is 0 [bind][qemu].  The error
 * codes [bind] (Apple composes them with the Mach error macros in
 * hv_error.h; the numbers are UNSURE). */
typedef int hv_return_t;
#define HV_SUCCESS			0
#define HV_ERROR			((hv_return_t)0xfae94001)
#define HV_BUSY				((hv_return_t)0xfae94002)
#define HV_BAD_ARGUMENT			((hv_return_t)0xfae94003)
#define HV_ILLEGAL_GUEST_STATE		((hv_return_t)0xfae94004)
#define HV_NO_RESOURCES			((hv_return_t)0xfae94005)
#define HV_NO_DEVICE			((hv_return_t)0xfae94006)
#define HV_DENIED			((hv_return_t)0xfae94007)
#define HV_UNSUPPORTED			((hv_return_t)0xfae9400f)

/* [doc:hv_vcpu_t] an opaque vCPU id; [doc:hv_ipa_t] a guest-physical
 * ("intermediate physical") address.  Both 64-bit [bind][qemu: QEMU keeps
 * the vCPU in a uint64_t-sized fd field and passes &fd to hv_vcpus_exit]. */
typedef uint64_t hv_vcpu_t;
typedef uint64_t hv_ipa_t;

/* [doc:hv_vm_config_t], [doc:hv_vcpu_config_t], [doc:hv_gic_config_t]:
 * OS objects ("Release this object with os_release", [doc:hv_gic_config_
 * create()]); opaque pointers to C. */
typedef struct hv_vm_config_s *hv_vm_config_t;
typedef struct hv_vcpu_config_s *hv_vcpu_config_t;
typedef struct hv_gic_config_s *hv_gic_config_t;
void os_release(void *object); /* <os/object.h> */

/* [doc:hv_memory_flags_t]: HV_MEMORY_READ, _WRITE, _EXEC; bits 0, 1, 2
 * [bind]. */
typedef uint64_t hv_memory_flags_t;
#define HV_MEMORY_READ			(1ULL << 0)
#define HV_MEMORY_WRITE			(1ULL << 1)
#define HV_MEMORY_EXEC			(1ULL << 2)

/* --- exits --------------------------------------------------------------- */

/*
 * [doc:hv_exit_reason_t] "the event that triggered a guest exit":
 * HV_EXIT_REASON_CANCELED (hv_vcpus_exit asked for it),
 * HV_EXIT_REASON_EXCEPTION (the guest took an exception to EL2: decode the
 * syndrome), HV_EXIT_REASON_VTIMER_ACTIVATED (the guest's virtual timer
 * fired; the framework masked it, [doc:hv_vcpu_run(_:)]),
 * HV_EXIT_REASON_UNKNOWN.  Values 0..3 in that order [bind]; QEMU uses
 * the first three [qemu].
 */
typedef uint32_t hv_exit_reason_t;
#define HV_EXIT_REASON_CANCELED		0
#define HV_EXIT_REASON_EXCEPTION	1
#define HV_EXIT_REASON_VTIMER_ACTIVATED 2
#define HV_EXIT_REASON_UNKNOWN		3

/* [doc:hv_exception_syndrome_t], [doc:hv_exception_address_t]: 64-bit. */
typedef uint64_t hv_exception_syndrome_t;
typedef uint64_t hv_exception_address_t;

/*
 * [doc:hv_vcpu_exit_t] "information about an exit from the vCPU to the
 * host"; its exception part: syndrome (the ESR_EL2 value of the exception
 * taken to EL2), virtual_address (FAR), physical_address (the faulting
 * IPA).  Field names as QEMU reads them (exit->reason, ->exception.
 * syndrome, .virtual_address, .physical_address) [qemu]; layout [bind].
 */
typedef struct {
	hv_exception_syndrome_t syndrome;
	hv_exception_address_t virtual_address;
	hv_ipa_t physical_address;
} hv_vcpu_exit_exception_t;

typedef struct {
	hv_exit_reason_t reason;
	hv_vcpu_exit_exception_t exception;
} hv_vcpu_exit_t;

/* --- registers ------------------------------------------------------------ */

/*
 * [doc:hv_reg_t] the general registers: HV_REG_X0..X30, FP (= X29), LR
 * (= X30), PC, FPCR, FPSR, CPSR.  X0..X30 are 0..30, then PC 31, FPCR 32,
 * FPSR 33, CPSR 34 [bind]; QEMU relies on X0..X30 being consecutive
 * (HV_REG_X0 + rt) [qemu].  Beware: a syndrome's register number 31 means
 * XZR (or SP), never HV_REG_X0 + 31, which is the PC.
 */
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

/*
 * [doc:hv_sys_reg_t] system registers, named HV_SYS_REG_<NAME>_<EL>.  The
 * value is the register's MRS/MSR encoding, op0 << 14 | op1 << 11 |
 * CRn << 7 | CRm << 3 | op2 ([qemu]: a build-time check against KVM's
 * ARM64_SYS_REG for every register QEMU syncs), 16 bits wide [bind].  The
 * encodings [arm].  Only those the backend touches:
 */
typedef uint16_t hv_sys_reg_t;
#define HVF_SYS_REG(op0, op1, crn, crm, op2)                                   \
	((hv_sys_reg_t)((op0) << 14 | (op1) << 11 | (crn) << 7 | (crm) << 3 |  \
			(op2)))
#define HV_SYS_REG_MPIDR_EL1	 HVF_SYS_REG(3, 0, 0, 0, 5)  /* 0xc005 */
#define HV_SYS_REG_SCTLR_EL1	 HVF_SYS_REG(3, 0, 1, 0, 0)  /* 0xc080 */
#define HV_SYS_REG_CPACR_EL1	 HVF_SYS_REG(3, 0, 1, 0, 2)  /* 0xc082 */
#define HV_SYS_REG_SPSR_EL1	 HVF_SYS_REG(3, 0, 4, 0, 0)  /* 0xc200 */
#define HV_SYS_REG_ELR_EL1	 HVF_SYS_REG(3, 0, 4, 0, 1)  /* 0xc201 */
#define HV_SYS_REG_SP_EL0	 HVF_SYS_REG(3, 0, 4, 1, 0)  /* 0xc208 */
#define HV_SYS_REG_ESR_EL1	 HVF_SYS_REG(3, 0, 5, 2, 0)  /* 0xc290 */
#define HV_SYS_REG_FAR_EL1	 HVF_SYS_REG(3, 0, 6, 0, 0)  /* 0xc300 */
#define HV_SYS_REG_VBAR_EL1	 HVF_SYS_REG(3, 0, 12, 0, 0) /* 0xc600 */
#define HV_SYS_REG_CNTV_CTL_EL0	 HVF_SYS_REG(3, 3, 14, 3, 1) /* 0xdf19 */
#define HV_SYS_REG_CNTV_CVAL_EL0 HVF_SYS_REG(3, 3, 14, 3, 2) /* 0xdf1a */
#define HV_SYS_REG_SP_EL1	 HVF_SYS_REG(3, 4, 4, 1, 0)  /* 0xe208 */

/* [doc:hv_interrupt_type_t]: IRQ 0, FIQ 1 [bind]; QEMU sets both [qemu]. */
typedef uint32_t hv_interrupt_type_t;
#define HV_INTERRUPT_TYPE_IRQ	 0
#define HV_INTERRUPT_TYPE_FIQ	 1

/* --- the VM and its memory --------------------------------------------- */

/* [doc:hv_vm_create(_:)] one VM per process; NULL: the default config. */
hv_return_t hv_vm_create(hv_vm_config_t config);
hv_return_t hv_vm_destroy(void); /* [doc:hv_vm_destroy()] */
/* [doc:hv_vm_config_create()], [doc:hv_vm_config_get_max_ipa_size(_:)],
 * [doc:hv_vm_config_set_ipa_size(_:_:)] (macOS 13+) [qemu]. */
hv_vm_config_t hv_vm_config_create(void);
hv_return_t hv_vm_config_get_max_ipa_size(uint32_t *ipa_bit_length);
hv_return_t hv_vm_config_set_ipa_size(hv_vm_config_t config,
				      uint32_t ipa_bit_length);
/* [doc:hv_vm_map(_:_:_:_:)]: host memory [addr, addr + size) at guest
 * [ipa, ipa + size); addr, ipa and size aligned to the host page (16 KiB
 * on Apple silicon). */
hv_return_t hv_vm_map(void *addr, hv_ipa_t ipa, size_t size,
		      hv_memory_flags_t flags);
hv_return_t hv_vm_unmap(hv_ipa_t ipa, size_t size); /* [doc:hv_vm_unmap] */

/* --- vCPUs --------------------------------------------------------------- */

/*
 * [doc:hv_vcpu_create(_:_:_:)]: creates a vCPU bound to the calling thread
 * and returns, in *exit, where the framework writes each exit's
 * information; config NULL for the defaults.  Every call on a vCPU but
 * hv_vcpus_exit must come from its thread [doc:hv_vcpu_run(_:)]: "The
 * owning thread must call this function".
 */
hv_return_t hv_vcpu_create(hv_vcpu_t *vcpu, hv_vcpu_exit_t **exit,
			   hv_vcpu_config_t config);
hv_return_t hv_vcpu_destroy(hv_vcpu_t vcpu);
/* [doc:hv_vcpu_run(_:)] blocks until the next exit. */
hv_return_t hv_vcpu_run(hv_vcpu_t vcpu);
/* [doc:hv_vcpus_exit(_:_:)] forces exits (HV_EXIT_REASON_CANCELED), from
 * any thread [qemu: hvf_kick_vcpu_thread]. */
hv_return_t hv_vcpus_exit(hv_vcpu_t *vcpus, uint32_t vcpu_count);
/* [doc:hv_vcpu_get_reg(_:_:_:)] and the set/sys_reg variants [qemu]. */
hv_return_t hv_vcpu_get_reg(hv_vcpu_t vcpu, hv_reg_t reg, uint64_t *value);
hv_return_t hv_vcpu_set_reg(hv_vcpu_t vcpu, hv_reg_t reg, uint64_t value);
hv_return_t hv_vcpu_get_sys_reg(hv_vcpu_t vcpu, hv_sys_reg_t reg,
				uint64_t *value);
hv_return_t hv_vcpu_set_sys_reg(hv_vcpu_t vcpu, hv_sys_reg_t reg,
				uint64_t value);
/* [doc:hv_vcpu_set_pending_interrupt(_:_:_:)]: the vCPU's IRQ/FIQ line,
 * taken at the next hv_vcpu_run (without an in-framework GIC) [qemu]. */
hv_return_t hv_vcpu_get_pending_interrupt(hv_vcpu_t vcpu,
					  hv_interrupt_type_t type,
					  bool *pending);
hv_return_t hv_vcpu_set_pending_interrupt(hv_vcpu_t vcpu,
					  hv_interrupt_type_t type,
					  bool pending);

/* --- the virtual timer ------------------------------------------------- */

/* [doc:hv_vcpu_set_vtimer_mask(_:_:)] "Sets or clears the virtual timer
 * mask"; after HV_EXIT_REASON_VTIMER_ACTIVATED the timer stays masked
 * until cleared [doc:hv_vcpu_run(_:)].  The offset: CNTVCT_EL0 =
 * mach_absolute_time() - offset [qemu: hvf_vtimer_val_raw]. */
hv_return_t hv_vcpu_get_vtimer_mask(hv_vcpu_t vcpu, bool *vtimer_is_masked);
hv_return_t hv_vcpu_set_vtimer_mask(hv_vcpu_t vcpu, bool vtimer_is_masked);
hv_return_t hv_vcpu_get_vtimer_offset(hv_vcpu_t vcpu, uint64_t *vtimer_offset);
hv_return_t hv_vcpu_set_vtimer_offset(hv_vcpu_t vcpu, uint64_t vtimer_offset);

/* --- the GICv3 (macOS 15.0+) ------------------------------------------- */

/*
 * [doc:hv_gic_create(_:)] (macOS 15.0+): "Only call this method after a
 * virtual machine (VM) has started, but before you create vCPUs"; one per
 * VM; distributor, redistributors, MSIs, the CPU interface registers.
 * "GIC v3 uses affinity based interrupt routing. vCPUs must set affinity
 * values in their MPIDR_EL1 register."  Used so by [qemu-gic].
 */
hv_gic_config_t hv_gic_config_create(void); /* [doc:hv_gic_config_create()] */
hv_return_t
hv_gic_config_set_distributor_base(hv_gic_config_t config,
				   hv_ipa_t distributor_base_address);
hv_return_t
hv_gic_config_set_redistributor_base(hv_gic_config_t config,
				     hv_ipa_t redistributor_base_address);
hv_return_t hv_gic_create(hv_gic_config_t gic_config);
/* [doc:GIC functions]: "Getting GIC device parameters" (sizes in bytes,
 * as size_t: Swift's Int). */
hv_return_t hv_gic_get_distributor_size(size_t *distributor_size);
hv_return_t hv_gic_get_distributor_base_alignment(size_t *alignment);
hv_return_t hv_gic_get_redistributor_size(size_t *redistributor_size);
hv_return_t hv_gic_get_redistributor_region_size(size_t *region_size);
hv_return_t hv_gic_get_redistributor_base_alignment(size_t *alignment);
hv_return_t hv_gic_get_spi_interrupt_range(uint32_t *spi_intid_base,
					   uint32_t *spi_intid_count);
/* [doc:hv_gic_set_spi(_:_:)]: the level of the SPI with that INTID (32 +
 * the device tree's SPI number [qemu-gic: GIC_INTERNAL + irq]); an INTID
 * outside hv_gic_get_spi_interrupt_range is HV_BAD_ARGUMENT. */
hv_return_t hv_gic_set_spi(uint32_t intid, bool level);
hv_return_t hv_gic_reset(void); /* [doc:hv_gic_reset()] */

/* What the declarations above promise about layout, to be checked against
 * the real header on the first macOS build. */
_Static_assert(sizeof(hv_vcpu_exit_exception_t) == 24, "three u64 [bind]");
_Static_assert(sizeof(hv_vcpu_exit_t) == 32, "reason, padding, exception");
_Static_assert(HV_SYS_REG_MPIDR_EL1 == 0xc005, "KVM's low 16 bits [qemu]");
_Static_assert(HV_SYS_REG_CNTV_CTL_EL0 == 0xdf19, "KVM's low 16 bits [qemu]");

#endif /* !__APPLE__ */
#endif
