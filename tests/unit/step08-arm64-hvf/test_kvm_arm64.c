/*
 * test_kvm_arm64.c - unit tests of the KVM arm64 backend's pure parts: the
 * register IDs KVM_GET/SET_ONE_REG take, the KVM_IRQ_LINE encoding of an
 * SPI, the boot PSTATE, the decoding of every exit the machine handles,
 * and the hypercall ABI's arm64 function IDs the SMCCC filter forwards.
 *
 * Runs: on any host, no KVM (Check): built against arm64's UAPI headers
 * (the lab's sysroot, `LAB_ARCH=arm64 lab-assets vmm-cflags`), so the IDs
 * and layouts are arm64's even on x86.  Includes the unit under test.
 * Spec: Documentation/virt/kvm/api.rst ("KVM_SET_ONE_REG": "ARM64
 * registers are mapped using the lower 32 bits..."; "KVM_IRQ_LINE": the
 * arm64 irq field; "KVM_RUN": the exits); Arm DEN0028 (SMCCC "Function
 * Identifier"); the exact values are worked out from those texts.
 */
#include <check.h>
#include <errno.h>

#include "run_suite.h"

#include "backends/kvm_eventfd.c"
#include "backends/kvm_arm64.c"
#include "hypercall.h"

START_TEST(core_register_ids)
{
	/* arm64 | size u64 | core | offset in 32-bit units */
	ck_assert_uint_eq(kvm_arm64_reg_x(0), 0x6030000000100000ULL);
	ck_assert_uint_eq(kvm_arm64_reg_x(1), 0x6030000000100002ULL);
	ck_assert_uint_eq(kvm_arm64_reg_x(4), 0x6030000000100008ULL);
	ck_assert_uint_eq(kvm_arm64_reg_x(30), 0x603000000010003cULL);
	ck_assert_uint_eq(kvm_arm64_reg_pc(), 0x6030000000100040ULL);
	ck_assert_uint_eq(kvm_arm64_reg_pstate(), 0x6030000000100042ULL);
}
END_TEST

START_TEST(mpidr_is_a_system_register_id)
{
	/* arm64 | size u64 | sysreg | op0 3, op1 0, CRn 0, CRm 0, op2 5 */
	ck_assert_uint_eq(kvm_arm64_reg_mpidr(), 0x603000000013c005ULL);
}
END_TEST

START_TEST(spi_irq_line_encoding)
{
	/* type SPI (1) in bits 27:24, INTID = 32 + SPI in bits 15:0 */
	ck_assert_uint_eq(kvm_arm64_irq_spi(0), 0x01000020);
	ck_assert_uint_eq(kvm_arm64_irq_spi(MACHINE_SPI_UART), 0x01000024);
	ck_assert_uint_eq(kvm_arm64_irq_spi(MACHINE_SPI_VIRTIO), 0x01000030);
	ck_assert_uint_eq(kvm_arm64_irq_spi(MACHINE_GIC_NR_IRQS - 33),
			  0x0100007f);
}
END_TEST

START_TEST(boot_pstate_is_el1h_with_daif_masked)
{
	/* M[3:0] = 0101 (EL1h), D A I F = bits 9..6 */
	ck_assert_uint_eq(kvm_arm64_boot_pstate(), 0x3c5);
}
END_TEST

static struct kvm_run run;

START_TEST(decode_mmio_write_and_read)
{
	struct kvm_arm64_exit e;

	memset(&run, 0, sizeof(run));
	run.exit_reason = KVM_EXIT_MMIO;
	run.mmio.phys_addr = MACHINE_UART_BASE + 5;
	run.mmio.len = 1;
	run.mmio.is_write = 1;
	run.mmio.data[0] = 'A';
	kvm_arm64_decode_exit(&run, &e);
	ck_assert_int_eq(e.kind, KVM_ARM64_EXIT_MMIO);
	ck_assert_uint_eq(e.reason, KVM_EXIT_MMIO);
	ck_assert_uint_eq(e.mmio.addr, 0xe0000005);
	ck_assert_uint_eq(e.mmio.len, 1);
	ck_assert(e.mmio.is_write);
	ck_assert_ptr_eq(e.mmio.data, run.mmio.data); /* the bus answers here */
	run.mmio.is_write = 0;
	run.mmio.len = 4;
	kvm_arm64_decode_exit(&run, &e);
	ck_assert(!e.mmio.is_write);
	ck_assert_uint_eq(e.mmio.len, 4);
}
END_TEST

START_TEST(decode_hypercall)
{
	struct kvm_arm64_exit e;

	memset(&run, 0, sizeof(run));
	run.exit_reason = KVM_EXIT_HYPERCALL;
	run.hypercall.nr = 0xc6000002;
	kvm_arm64_decode_exit(&run, &e);
	ck_assert_int_eq(e.kind, KVM_ARM64_EXIT_HYPERCALL);
	ck_assert_uint_eq(e.hypercall.function, HC_ARM64_FUNCTION(HC_PUTS));
	ck_assert_uint_eq(e.hypercall.flags, 0);
	run.hypercall.flags = KVM_HYPERCALL_EXIT_SMC;
	kvm_arm64_decode_exit(&run, &e);
	ck_assert_uint_eq(e.hypercall.flags, 1);
}
END_TEST

START_TEST(decode_psci_system_events)
{
	struct kvm_arm64_exit e;

	memset(&run, 0, sizeof(run));
	run.exit_reason = KVM_EXIT_SYSTEM_EVENT;
	run.system_event.type = KVM_SYSTEM_EVENT_SHUTDOWN;
	kvm_arm64_decode_exit(&run, &e);
	ck_assert_int_eq(e.kind, KVM_ARM64_EXIT_SYSTEM_OFF);
	ck_assert_uint_eq(e.system_event, 1);
	run.system_event.type = KVM_SYSTEM_EVENT_RESET;
	kvm_arm64_decode_exit(&run, &e);
	ck_assert_int_eq(e.kind, KVM_ARM64_EXIT_SYSTEM_RESET);
	ck_assert_uint_eq(e.system_event, 2);
	run.system_event.type =
		KVM_SYSTEM_EVENT_SUSPEND; /* PSCI SYSTEM_SUSPEND */
	kvm_arm64_decode_exit(&run, &e);
	ck_assert_int_eq(e.kind, KVM_ARM64_EXIT_UNHANDLED);
	ck_assert_uint_eq(e.system_event, 5);
}
END_TEST

START_TEST(decode_interrupted_and_the_unexpected)
{
	struct kvm_arm64_exit e;

	memset(&run, 0, sizeof(run));
	run.exit_reason = KVM_EXIT_INTR;
	kvm_arm64_decode_exit(&run, &e);
	ck_assert_int_eq(e.kind, KVM_ARM64_EXIT_INTERRUPTED);
	run.exit_reason = KVM_EXIT_FAIL_ENTRY;
	kvm_arm64_decode_exit(&run, &e);
	ck_assert_int_eq(e.kind, KVM_ARM64_EXIT_UNHANDLED);
	ck_assert_uint_eq(e.reason, 9);
	run.exit_reason = KVM_EXIT_IO; /* x86's: never on arm64 */
	kvm_arm64_decode_exit(&run, &e);
	ck_assert_int_eq(e.kind, KVM_ARM64_EXIT_UNHANDLED);
}
END_TEST

START_TEST(exit_names)
{
	ck_assert_str_eq(kvm_arm64_exit_name(KVM_EXIT_HYPERCALL),
			 "KVM_EXIT_HYPERCALL");
	ck_assert_str_eq(kvm_arm64_exit_name(KVM_EXIT_SYSTEM_EVENT),
			 "KVM_EXIT_SYSTEM_EVENT");
	ck_assert_str_eq(kvm_arm64_exit_name(KVM_EXIT_ARM_NISV),
			 "KVM_EXIT_ARM_NISV");
	ck_assert_str_eq(kvm_arm64_exit_name(KVM_EXIT_IO),
			 "(an exit this backend does not expect)");
	ck_assert_str_eq(kvm_arm64_exit_name(UINT32_MAX),
			 "(an exit this backend does not expect)");
}
END_TEST

/* The range the SMCCC filter forwards, and where the ABI's calls sit. */
START_TEST(hypercall_function_ids)
{
	ck_assert_uint_eq(HC_ARM64_FUNCTION_BASE, 0xc6000000);
	ck_assert_uint_eq(HC_ARM64_FUNCTION_BASE + HC_ARM64_FUNCTION_COUNT - 1,
			  0xc600ffff);
	ck_assert_uint_eq(HC_ARM64_FUNCTION(HC_EXIT), 0xc6000000);
	ck_assert_uint_eq(HC_ARM64_FUNCTION(HC_VMINFO), 0xc6000004);
	ck_assert_uint_eq(HC_ARM64_FUNCTION(HC_ARM64_NR_INVALID), 0xc600ffff);
	/* KVM's own: PSCI_VERSION 0x84000000, its vendor calls 0x86000000 */
	ck_assert_uint_ne(HC_ARM64_FUNCTION_BASE >> 24, 0x84);
	ck_assert_uint_ne(HC_ARM64_FUNCTION_BASE >> 24, 0x86);
}
END_TEST

/* hv.h: each kind of the backend's exits, as the core sees it. */
START_TEST(hyp_exit_from_kvm_exits)
{
	uint8_t data[8] = { 0 };
	struct kvm_arm64_exit e = {
		.kind = KVM_ARM64_EXIT_MMIO,
		.reason = KVM_EXIT_MMIO,
		.mmio = { .addr = 0xe0000005,
			  .data = data,
			  .len = 1,
			  .is_write = true },
	};
	struct hyp_exit x;

	to_hyp_exit(&e, &x);
	ck_assert_int_eq(x.kind, HYP_EXIT_MMIO);
	ck_assert_uint_eq(x.reason, KVM_EXIT_MMIO);
	ck_assert_uint_eq(x.io.addr, 0xe0000005);
	ck_assert_ptr_eq(x.io.data, data);
	ck_assert_uint_eq(x.io.len, 1);
	ck_assert_uint_eq(x.io.count, 1);
	ck_assert(x.io.is_write);

	e = (struct kvm_arm64_exit){
		.kind = KVM_ARM64_EXIT_HYPERCALL,
		.reason = KVM_EXIT_HYPERCALL,
		.hypercall = { .function = 0x1c6000002ULL,
			       .flags = KVM_HYPERCALL_EXIT_SMC }
	};
	to_hyp_exit(&e, &x);
	ck_assert_int_eq(x.kind, HYP_EXIT_HYPERCALL);
	ck_assert_uint_eq(x.hypercall.function, 0xc6000002); /* W0 only */
	ck_assert_int_eq(x.hypercall.conduit, HYP_CONDUIT_SMC);
	ck_assert(!x.hypercall.imm_known);

	e.hypercall.flags = 0;
	to_hyp_exit(&e, &x);
	ck_assert_int_eq(x.hypercall.conduit, HYP_CONDUIT_HVC);

	e = (struct kvm_arm64_exit){ .kind = KVM_ARM64_EXIT_SYSTEM_OFF,
				     .reason = KVM_EXIT_SYSTEM_EVENT };
	to_hyp_exit(&e, &x);
	ck_assert_int_eq(x.kind, HYP_EXIT_SYSTEM_EVENT);
	ck_assert_int_eq(x.event, HYP_EVENT_POWER_OFF);
	e.kind = KVM_ARM64_EXIT_SYSTEM_RESET;
	to_hyp_exit(&e, &x);
	ck_assert_int_eq(x.event, HYP_EVENT_RESET);

	e = (struct kvm_arm64_exit){ .kind = KVM_ARM64_EXIT_INTERRUPTED,
				     .reason = KVM_EXIT_INTR };
	to_hyp_exit(&e, &x);
	ck_assert_int_eq(x.kind, HYP_EXIT_INTERRUPTED);
	e = (struct kvm_arm64_exit){ .kind = KVM_ARM64_EXIT_UNHANDLED,
				     .reason = KVM_EXIT_ARM_NISV };
	to_hyp_exit(&e, &x);
	ck_assert_int_eq(x.kind, HYP_EXIT_FAILED);
	ck_assert_uint_eq(x.reason, KVM_EXIT_ARM_NISV);
}
END_TEST

/* hv.h's register names: arm64's become ONE_REG IDs, x86's none. */
START_TEST(hyp_register_ids)
{
	ck_assert_uint_eq(reg_id(HYP_REG_X(0)), kvm_arm64_reg_x(0));
	ck_assert_uint_eq(reg_id(HYP_REG_X(30)), kvm_arm64_reg_x(30));
	ck_assert_uint_eq(reg_id(HYP_REG_PC), kvm_arm64_reg_pc());
	ck_assert_uint_eq(reg_id(HYP_REG_PSTATE), kvm_arm64_reg_pstate());
	ck_assert_uint_eq(reg_id(HYP_REG_MPIDR_EL1), kvm_arm64_reg_mpidr());
	ck_assert_uint_eq(reg_id(HYP_REG_SP_EL1),
			  KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |
				  KVM_REG_ARM_CORE_REG(sp_el1));
	ck_assert_uint_eq(reg_id(HYP_REG_RAX), 0);
	ck_assert_uint_eq(reg_id(HYP_REG_RFLAGS), 0);
}
END_TEST

/* The machine's PSTATE at entry is Linux's PSR_* (asm/ptrace.h). */
START_TEST(machine_boot_pstate_matches_uapi)
{
	ck_assert_uint_eq(MACHINE_BOOT_PSTATE, kvm_arm64_boot_pstate());
	ck_assert_uint_eq(MACHINE_BOOT_PSTATE, 0x3c5);
}
END_TEST

static Suite *kvm_arm64_suite(void)
{
	Suite *s = suite_create("kvm_arm64");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, core_register_ids);
	tcase_add_test(tc, mpidr_is_a_system_register_id);
	tcase_add_test(tc, spi_irq_line_encoding);
	tcase_add_test(tc, boot_pstate_is_el1h_with_daif_masked);
	tcase_add_test(tc, decode_mmio_write_and_read);
	tcase_add_test(tc, decode_hypercall);
	tcase_add_test(tc, decode_psci_system_events);
	tcase_add_test(tc, decode_interrupted_and_the_unexpected);
	tcase_add_test(tc, exit_names);
	tcase_add_test(tc, hypercall_function_ids);
	tcase_add_test(tc, hyp_exit_from_kvm_exits);
	tcase_add_test(tc, hyp_register_ids);
	tcase_add_test(tc, machine_boot_pstate_matches_uapi);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(kvm_arm64_suite());
}
