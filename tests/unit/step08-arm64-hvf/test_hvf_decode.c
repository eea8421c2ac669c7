/*
 * test_hvf_decode.c - unit tests of the hvf-arm64 backend's exit decoding:
 * one ESR_EL2 word for each exit kind, built from the Arm ARM's field
 * layout (the arithmetic is in the comments), and what the decoder makes
 * of it: the MMIO access (address, size, direction, register, extension),
 * the hypervisor call (immediate, function, arguments, PSCI or not), WFI,
 * the system register access; the syndromes it must refuse; the register
 * mapping to HV_REG_*; the PC advance; the timer's interrupt level.
 *
 * Runs: on the host, no framework (Check), against hvf_decls.h.  None of
 * these syndromes was captured on a Mac: they are computed from the
 * manual, as a Mac's hardware would write them.
 * Spec: Arm ARM (DDI 0487), "ESR_EL2" and its ISS encodings, "Preferred
 * exception return address"; Arm DEN0028 (SMCCC); Arm DEN0022 (PSCI).
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "run_suite.h"

#include "backends/hvf_arm64_decode.c"

/*
 * The common part of every syndrome: EC << 26 | IL (bit 25, a 32-bit
 * instruction).  Data abort from a lower EL: 0x24 << 26 = 0x90000000,
 * + IL 0x02000000 = 0x92000000; + ISV (bit 24, 0x01000000) = 0x93000000.
 */
#define DABT_ISV 0x93000000ULL
#define MMIO_IPA 0xd0000050ULL /* a virtio-mmio register */

static struct hvf_mmio decode_mmio(uint64_t esr)
{
	struct hvf_exception exc;

	ck_assert_int_eq(hvf_decode_exception(esr, MMIO_IPA, &exc), 0);
	ck_assert_int_eq(exc.kind, HVF_EXC_MMIO);
	ck_assert_uint_eq(exc.ec, ESR_ELx_EC_DABT_LOW);
	ck_assert_uint_eq(exc.mmio.addr, MMIO_IPA);
	ck_assert_uint_eq(hvf_pc_advance(&exc), 4);
	return exc.mmio;
}

START_TEST(str_w1_is_a_4_byte_write_from_x1)
{
	/* str w1, [x0]: SAS 2 (<< 22: 0x00800000), SRT 1 (<< 16:
	 * 0x00010000), SF 0, WnR (bit 6: 0x40).
	 * 0x93000000 + 0x00800000 + 0x00010000 + 0x40 = 0x93810040 */
	struct hvf_mmio m = decode_mmio(0x93810040);

	ck_assert_uint_eq(m.len, 4);
	ck_assert(m.is_write);
	ck_assert_uint_eq(m.srt, 1);
	ck_assert(!m.reg64);
	ck_assert(!m.sign_extend);
	/* The device gets the low 4 bytes of X1. */
	ck_assert_uint_eq(hvf_mmio_store_value(&m, 0x1122334455667788ULL),
			  0x55667788);
}
END_TEST

START_TEST(ldrb_w2_is_a_1_byte_read_zero_extended)
{
	/* ldrb w2, [x3]: SAS 0, SRT 2 (0x00020000), WnR 0.
	 * 0x93000000 + 0x00020000 = 0x93020000 */
	struct hvf_mmio m = decode_mmio(0x93020000);

	ck_assert_uint_eq(m.len, 1);
	ck_assert(!m.is_write);
	ck_assert_uint_eq(m.srt, 2);
	ck_assert_uint_eq(hvf_mmio_load_value(&m, 0xf0), 0xf0);
	/* Only the accessed byte counts, whatever else the bus left. */
	ck_assert_uint_eq(hvf_mmio_load_value(&m, 0xffffff80), 0x80);
}
END_TEST

START_TEST(ldr_x5_is_an_8_byte_read)
{
	/* ldr x5, [x0]: SAS 3 (0x00c00000), SRT 5 (0x00050000), SF (bit 15:
	 * 0x8000).  0x93000000 + 0x00c00000 + 0x00050000 + 0x8000 =
	 * 0x93c58000 */
	struct hvf_mmio m = decode_mmio(0x93c58000);

	ck_assert_uint_eq(m.len, 8);
	ck_assert(!m.is_write);
	ck_assert_uint_eq(m.srt, 5);
	ck_assert(m.reg64);
	ck_assert_uint_eq(hvf_mmio_load_value(&m, 0x8877665544332211ULL),
			  0x8877665544332211ULL);
}
END_TEST

START_TEST(ldrsh_x7_sign_extends_into_64_bits)
{
	/* ldrsh x7, [x0]: SAS 1 (0x00400000), SSE (bit 21: 0x00200000),
	 * SRT 7 (0x00070000), SF (0x8000).
	 * 0x93000000 + 0x00400000 + 0x00200000 + 0x00070000 + 0x8000 =
	 * 0x93678000 */
	struct hvf_mmio m = decode_mmio(0x93678000);

	ck_assert_uint_eq(m.len, 2);
	ck_assert_uint_eq(m.srt, 7);
	ck_assert(m.sign_extend);
	ck_assert(m.reg64);
	ck_assert_uint_eq(hvf_mmio_load_value(&m, 0x8001),
			  0xffffffffffff8001ULL);
	ck_assert_uint_eq(hvf_mmio_load_value(&m, 0x7fff), 0x7fff);
}
END_TEST

START_TEST(ldrsb_w9_sign_extends_into_32_bits_only)
{
	/* ldrsb w9, [x0]: SAS 0, SSE (0x00200000), SRT 9 (0x00090000),
	 * SF 0.  0x93000000 + 0x00200000 + 0x00090000 = 0x93290000.
	 * A write to W9 clears bits 63:32 of X9. */
	struct hvf_mmio m = decode_mmio(0x93290000);

	ck_assert_uint_eq(m.len, 1);
	ck_assert_uint_eq(m.srt, 9);
	ck_assert(m.sign_extend);
	ck_assert(!m.reg64);
	ck_assert_uint_eq(hvf_mmio_load_value(&m, 0x80), 0xffffff80ULL);
}
END_TEST

START_TEST(str_xzr_writes_zero_and_names_no_register)
{
	/* str xzr, [x0]: SAS 3 (0x00c00000), SRT 31 (0x001f0000), SF
	 * (0x8000), WnR (0x40).
	 * 0x93000000 + 0x00c00000 + 0x001f0000 + 0x8000 + 0x40 = 0x93df8040 */
	struct hvf_mmio m = decode_mmio(0x93df8040);
	hv_reg_t reg = 1234;

	ck_assert_uint_eq(m.len, 8);
	ck_assert(m.is_write);
	ck_assert_uint_eq(m.srt, ARM64_REG_XZR);
	/* 31 is XZR, not HV_REG_X0 + 31 (which is HV_REG_PC). */
	ck_assert(!hvf_gpr(m.srt, &reg));
	ck_assert_uint_eq(reg, 1234);
}
END_TEST

START_TEST(the_fault_status_code_does_not_change_the_access)
{
	/* A Mac's stage-2 fault on MMIO has a DFSC (bits 5:0) of 0b0001LL,
	 * a translation fault at level LL, which depends on the
	 * framework's tables: str w1, [x0] at levels 0..3 is 0x93810044..
	 * 0x93810047, and each is the same access as 0x93810040. */
	const struct hvf_mmio ref = decode_mmio(0x93810040);

	for (uint64_t dfsc = 0x04; dfsc <= 0x07; dfsc++) {
		struct hvf_mmio m = decode_mmio(0x93810040 | dfsc);

		ck_assert_uint_eq(m.len, ref.len);
		ck_assert_int_eq(m.is_write, ref.is_write);
		ck_assert_uint_eq(m.srt, ref.srt);
		ck_assert_int_eq(m.reg64, ref.reg64);
		ck_assert_int_eq(m.sign_extend, ref.sign_extend);
	}
}
END_TEST

START_TEST(data_abort_without_isv_is_refused)
{
	/* stp x0, x1, [x2] to MMIO: ISV 0; WnR (0x40), DFSC 0x06
	 * (translation fault, level 2).  0x92000000 + 0x40 + 0x06 =
	 * 0x92000046 */
	struct hvf_exception exc;

	ck_assert_int_eq(hvf_decode_exception(0x92000046, MMIO_IPA, &exc),
			 -EINVAL);
	ck_assert_int_eq(exc.kind, HVF_EXC_BAD);
	ck_assert_ptr_nonnull(strstr(exc.error, "ISV 0"));
	ck_assert_uint_eq(hvf_pc_advance(&exc), 0);
}
END_TEST

START_TEST(page_table_walk_into_mmio_is_refused)
{
	/* S1PTW (bit 7: 0x80) with ISV: 0x93000000 + 0x80 = 0x93000080 */
	struct hvf_exception exc;

	ck_assert_int_eq(hvf_decode_exception(0x93000080, MMIO_IPA, &exc),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(exc.error, "page-table walk"));
}
END_TEST

START_TEST(impossible_size_and_register_pairs_are_refused)
{
	struct hvf_exception exc;

	/* SAS 3 (8 bytes) into a W register (SF 0): 0x93c50000 */
	ck_assert_int_eq(hvf_decode_exception(0x93c50000, MMIO_IPA, &exc),
			 -EINVAL);
	/* SAS 3 with SSE (nothing to extend): 0x93c58000 + 0x00200000 */
	ck_assert_int_eq(hvf_decode_exception(0x93e58000, MMIO_IPA, &exc),
			 -EINVAL);
	ck_assert_int_eq(exc.kind, HVF_EXC_BAD);
}
END_TEST

START_TEST(cache_maintenance_on_mmio_is_skipped)
{
	/* dc civac, x0 on MMIO: CM (bit 8: 0x100), WnR (0x40, set for cache
	 * maintenance), ISV 0, DFSC 0x06: 0x92000000 + 0x146 = 0x92000146 */
	struct hvf_exception exc;

	ck_assert_int_eq(hvf_decode_exception(0x92000146, MMIO_IPA, &exc), 0);
	ck_assert_int_eq(exc.kind, HVF_EXC_CACHE_OP);
	ck_assert_uint_eq(hvf_pc_advance(&exc), 4);
}
END_TEST

START_TEST(sixteen_bit_instructions_are_refused)
{
	/* IL 0 (no 0x02000000): 0x91810040 is str w1 without IL. */
	struct hvf_exception exc;

	ck_assert_int_eq(hvf_decode_exception(0x91810040, MMIO_IPA, &exc),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(exc.error, "IL 0"));
}
END_TEST

START_TEST(instruction_abort_and_unknown_classes_are_refused)
{
	struct hvf_exception exc;

	/* Instruction abort, lower EL: 0x20 << 26 = 0x80000000, + IL =
	 * 0x82000000, IFSC 0x06: 0x82000006 */
	ck_assert_int_eq(hvf_decode_exception(0x82000006, 0x40000000, &exc),
			 -EINVAL);
	ck_assert_uint_eq(exc.ec, ESR_ELx_EC_IABT_LOW);
	ck_assert_ptr_nonnull(strstr(exc.error, "instruction abort"));
	/* EC 0 "Unknown reason" (an UNDEFINED instruction): 0x02000000 */
	ck_assert_int_eq(hvf_decode_exception(0x02000000, 0, &exc), -EINVAL);
	ck_assert_uint_eq(exc.ec, ESR_ELx_EC_UNKNOWN);
	/* BRK #0: 0x3c << 26 = 0xf0000000, + IL = 0xf2000000 */
	ck_assert_int_eq(hvf_decode_exception(0xf2000000, 0, &exc), -EINVAL);
	ck_assert_uint_eq(exc.ec, ESR_ELx_EC_BRK64);
	ck_assert_int_eq(exc.kind, HVF_EXC_BAD);
}
END_TEST

START_TEST(hvc_0_is_a_call_and_the_pc_is_already_past_it)
{
	/* hvc #0: 0x16 << 26 = 0x58000000, + IL = 0x5a000000, imm16 0. */
	struct hvf_exception exc;

	ck_assert_int_eq(hvf_decode_exception(0x5a000000, 0, &exc), 0);
	ck_assert_int_eq(exc.kind, HVF_EXC_HVC);
	ck_assert_uint_eq(exc.imm, 0);
	ck_assert_uint_eq(hvf_pc_advance(&exc), 0);
	/* hvc #0xffff: 0x5a00ffff */
	ck_assert_int_eq(hvf_decode_exception(0x5a00ffff, 0, &exc), 0);
	ck_assert_uint_eq(exc.imm, 0xffff);
}
END_TEST

START_TEST(hvc_to_our_doorbell_carries_w0_and_x1_to_x4)
{
	/* The course's arm64 doorbell (hypercall.h): X0 = 0xc6000000 + nr,
	 * a fast SMC64 call of owner 6; here PUTS (2) with (gpa, len). */
	struct hvf_exception exc;
	struct hvf_smccc_call call;
	const uint64_t x[5] = { 0xc6000002, 0x84000, 12, 0xdead, 0xbeef };

	ck_assert_int_eq(hvf_decode_exception(0x5a000000, 0, &exc), 0);
	hvf_smccc_decode(&exc, x, &call);
	ck_assert_uint_eq(call.function, 0xc6000002);
	ck_assert_uint_eq(call.args[0], 0x84000);
	ck_assert_uint_eq(call.args[1], 12);
	ck_assert_uint_eq(call.args[2], 0xdead);
	ck_assert_uint_eq(call.args[3], 0xbeef);
	ck_assert_int_eq(call.psci, HVF_PSCI_NONE);
	ck_assert(!call.smc);
}
END_TEST

START_TEST(only_w0_names_the_function)
{
	/* SMCCC: bits 63:32 of X0 do not count; 2^32 + 0xc6000001 is
	 * PUTCHAR's ID, as on KVM. */
	struct hvf_exception exc;
	struct hvf_smccc_call call;
	const uint64_t x[5] = { 0x1c6000001ULL, 'A', 0, 0, 0 };

	hvf_decode_exception(0x5a000000, 0, &exc);
	hvf_smccc_decode(&exc, x, &call);
	ck_assert_uint_eq(call.function, 0xc6000001);
}
END_TEST

START_TEST(psci_calls_are_recognised_in_both_conventions)
{
	struct hvf_exception exc;
	struct hvf_smccc_call call;
	uint64_t x[5] = { PSCI_0_2_FN64_CPU_ON, 0x1, 0x40080000,
			  0xffff000012345678ULL, 0 };

	hvf_decode_exception(0x5a000000, 0, &exc);
	/* CPU_ON, SMC64 (0xc4000003): target MPIDR, entry, context. */
	hvf_smccc_decode(&exc, x, &call);
	ck_assert_uint_eq(call.function, 0xc4000003);
	ck_assert_int_eq(call.psci, HVF_PSCI_CPU_ON);
	ck_assert_uint_eq(call.args[1], 0x40080000);
	ck_assert_uint_eq(call.args[2], 0xffff000012345678ULL);
	/* CPU_ON, SMC32 (0x84000003): only W1..W3 count. */
	x[0] = PSCI_0_2_FN_CPU_ON;
	hvf_smccc_decode(&exc, x, &call);
	ck_assert_uint_eq(call.function, 0x84000003);
	ck_assert_int_eq(call.psci, HVF_PSCI_CPU_ON);
	ck_assert_uint_eq(call.args[2], 0x12345678);
	ck_assert_str_eq(hvf_psci_name(call.psci), "CPU_ON");
}
END_TEST

/* Function ID -> what the backend sees, for the calls a Linux guest
 * makes (DEN0022's IDs: 0x84000000 + n, 0xc4000000 + n for SMC64). */
static const struct {
	uint32_t function;
	enum hvf_psci_call psci;
} psci_ids[] = {
	{ 0x84000000, HVF_PSCI_VERSION },
	{ 0x8400000a, HVF_PSCI_FEATURES },
	{ 0x84000002, HVF_PSCI_CPU_OFF },
	{ 0xc4000001, HVF_PSCI_CPU_SUSPEND },
	{ 0xc4000004, HVF_PSCI_AFFINITY_INFO },
	{ 0x84000006, HVF_PSCI_MIGRATE_INFO_TYPE },
	{ 0x84000008, HVF_PSCI_SYSTEM_OFF },
	{ 0x84000009, HVF_PSCI_SYSTEM_RESET },
	{ 0x84000012, HVF_PSCI_UNSUPPORTED }, /* SYSTEM_RESET2 */
	{ 0xc400000e, HVF_PSCI_UNSUPPORTED }, /* SYSTEM_SUSPEND */
	{ 0x84000020, HVF_PSCI_NONE },	      /* past PSCI's 0x00..0x1f */
	{ 0x80000000, HVF_PSCI_NONE },	      /* SMCCC_VERSION */
	{ 0xc6000000, HVF_PSCI_NONE },	      /* our EXIT */
};

START_TEST(psci_function_ids_decode_to_their_call)
{
	struct hvf_exception exc;
	struct hvf_smccc_call call;
	uint64_t x[5] = { psci_ids[_i].function, 0, 0, 0, 0 };

	hvf_decode_exception(0x5a000000, 0, &exc);
	hvf_smccc_decode(&exc, x, &call);
	ck_assert_int_eq(call.psci, psci_ids[_i].psci);
}
END_TEST

START_TEST(psci_version_and_features)
{
	/* PSCI 1.0: major 1 << 16 | minor 0 = 0x10000 */
	ck_assert_uint_eq(hvf_psci_version(), 0x10000);
	ck_assert_int_eq(hvf_psci_features(PSCI_0_2_FN64_CPU_ON), 0);
	ck_assert_int_eq(hvf_psci_features(PSCI_0_2_FN_SYSTEM_OFF), 0);
	ck_assert_int_eq(hvf_psci_features(PSCI_1_0_FN_PSCI_FEATURES), 0);
	ck_assert_int_eq(hvf_psci_features(0x84000012), -1); /* RESET2 */
	ck_assert_int_eq(hvf_psci_features(0x80000000), -1); /* SMCCC */
	ck_assert_int_eq(hvf_psci_features(0xc6000001), -1); /* ours */
}
END_TEST

START_TEST(smc_is_a_call_and_moves_the_pc)
{
	/* smc #0: 0x17 << 26 = 0x5c000000, + IL = 0x5e000000.  A trapped
	 * SMC returns to itself: the VMM adds 4. */
	struct hvf_exception exc;
	struct hvf_smccc_call call;
	const uint64_t x[5] = { PSCI_0_2_FN_SYSTEM_OFF, 0, 0, 0, 0 };

	ck_assert_int_eq(hvf_decode_exception(0x5e000000, 0, &exc), 0);
	ck_assert_int_eq(exc.kind, HVF_EXC_SMC);
	ck_assert_uint_eq(hvf_pc_advance(&exc), 4);
	hvf_smccc_decode(&exc, x, &call);
	ck_assert(call.smc);
	ck_assert_int_eq(call.psci, HVF_PSCI_SYSTEM_OFF);
}
END_TEST

START_TEST(wfi_and_wfe)
{
	/* wfi: 0x01 << 26 = 0x04000000, + IL = 0x06000000, + CV (bit 24:
	 * 0x01000000) + COND 0b1110 (<< 20: 0x00e00000) = 0x07e00000;
	 * TI (bits 1:0) 0 WFI, 1 WFE, 2 WFIT, 3 WFET. */
	struct hvf_exception exc;

	ck_assert_int_eq(hvf_decode_exception(0x07e00000, 0, &exc), 0);
	ck_assert_int_eq(exc.kind, HVF_EXC_WFI);
	ck_assert_uint_eq(hvf_pc_advance(&exc), 4);
	ck_assert_int_eq(hvf_decode_exception(0x07e00001, 0, &exc), 0);
	ck_assert_int_eq(exc.kind, HVF_EXC_WFE);
	ck_assert_uint_eq(hvf_pc_advance(&exc), 4);
	/* WFIT: its own timeout; treated as a wake-up at once (WFE). */
	ck_assert_int_eq(hvf_decode_exception(0x07e00002, 0, &exc), 0);
	ck_assert_int_eq(exc.kind, HVF_EXC_WFE);
}
END_TEST

START_TEST(mrs_oslsr_el1_is_a_read_into_x1)
{
	/* mrs x1, oslsr_el1 (S2_0_C1_C1_4): 0x18 << 26 = 0x60000000, + IL =
	 * 0x62000000; Op0 2 << 20 = 0x200000, Op2 4 << 17 = 0x80000, Op1 0,
	 * CRn 1 << 10 = 0x400, Rt 1 << 5 = 0x20, CRm 1 << 1 = 0x2, Dir 1.
	 * 0x62000000 + 0x280423 = 0x62280423 */
	struct hvf_exception exc;

	ck_assert_int_eq(hvf_decode_exception(0x62280423, 0, &exc), 0);
	ck_assert_int_eq(exc.kind, HVF_EXC_SYSREG);
	ck_assert_uint_eq(exc.sysreg.op0, 2);
	ck_assert_uint_eq(exc.sysreg.op1, 0);
	ck_assert_uint_eq(exc.sysreg.crn, 1);
	ck_assert_uint_eq(exc.sysreg.crm, 1);
	ck_assert_uint_eq(exc.sysreg.op2, 4);
	ck_assert_uint_eq(exc.sysreg.rt, 1);
	ck_assert(exc.sysreg.is_read);
	ck_assert_int_eq(hvf_sysreg_action(&exc.sysreg), HVF_SYSREG_RAZ_WI);
	ck_assert_uint_eq(hvf_pc_advance(&exc), 4);
}
END_TEST

START_TEST(msr_oslar_el1_is_a_write_from_x0)
{
	/* msr oslar_el1, x0 (S2_0_C1_C0_4): 0x62000000 + 0x200000 + 0x80000
	 * + 0x400 = 0x62280400 */
	struct hvf_exception exc;

	ck_assert_int_eq(hvf_decode_exception(0x62280400, 0, &exc), 0);
	ck_assert_uint_eq(exc.sysreg.crm, 0);
	ck_assert_uint_eq(exc.sysreg.rt, 0);
	ck_assert(!exc.sysreg.is_read);
}
END_TEST

START_TEST(mrs_icc_iar1_el1_is_not_ours_to_answer)
{
	/* mrs x2, icc_iar1_el1 (S3_0_C12_C12_0): Op0 3 << 20 = 0x300000,
	 * CRn 12 << 10 = 0x3000, Rt 2 << 5 = 0x40, CRm 12 << 1 = 0x18, Dir
	 * 1.  0x62000000 + 0x303059 = 0x62303059.  Only a VMM with its own
	 * GIC (macOS before 15) would emulate it. */
	struct hvf_exception exc;

	ck_assert_int_eq(hvf_decode_exception(0x62303059, 0, &exc), 0);
	ck_assert_uint_eq(exc.sysreg.op0, 3);
	ck_assert_uint_eq(exc.sysreg.crn, 12);
	ck_assert_uint_eq(exc.sysreg.crm, 12);
	ck_assert_uint_eq(exc.sysreg.op2, 0);
	ck_assert_uint_eq(exc.sysreg.rt, 2);
	ck_assert_int_eq(hvf_sysreg_action(&exc.sysreg), HVF_SYSREG_UNHANDLED);
}
END_TEST

START_TEST(pmuserenr_el0_write_is_ignored)
{
	/* msr pmuserenr_el0, xzr (S3_3_C9_C14_0), as Linux's __cpu_setup
	 * does: Op0 3 << 20 = 0x300000, Op2 0, Op1 3 << 14 = 0xc000, CRn 9
	 * << 10 = 0x2400, Rt 31 << 5 = 0x3e0, CRm 14 << 1 = 0x1c, Dir 0.
	 * 0x62000000 + 0x30e7fc = 0x6230e7fc */
	struct hvf_exception exc;

	ck_assert_int_eq(hvf_decode_exception(0x6230e7fc, 0, &exc), 0);
	ck_assert_uint_eq(exc.sysreg.op1, 3);
	ck_assert_uint_eq(exc.sysreg.crn, 9);
	ck_assert_uint_eq(exc.sysreg.crm, 14);
	ck_assert_uint_eq(exc.sysreg.rt, ARM64_REG_XZR);
	ck_assert(!exc.sysreg.is_read);
	ck_assert_int_eq(hvf_sysreg_action(&exc.sysreg), HVF_SYSREG_RAZ_WI);
}
END_TEST

START_TEST(id_registers_read_as_zero_but_are_not_written)
{
	/* mrs x0, id_aa64zfr0_el1 (S3_0_C0_C4_4): 0x300000 + Op2 4 << 17 =
	 * 0x80000 + CRm 4 << 1 = 0x8 + Dir 1: 0x62000000 + 0x380009 =
	 * 0x62380009; the same as a write (Dir 0): 0x62380008. */
	struct hvf_exception exc;

	ck_assert_int_eq(hvf_decode_exception(0x62380009, 0, &exc), 0);
	ck_assert_uint_eq(exc.sysreg.crm, 4);
	ck_assert_uint_eq(exc.sysreg.op2, 4);
	ck_assert_int_eq(hvf_sysreg_action(&exc.sysreg), HVF_SYSREG_RAZ_WI);
	ck_assert_int_eq(hvf_decode_exception(0x62380008, 0, &exc), 0);
	ck_assert_int_eq(hvf_sysreg_action(&exc.sysreg), HVF_SYSREG_UNHANDLED);
}
END_TEST

START_TEST(cntpct_el0_is_not_answered)
{
	/* mrs x3, cntpct_el0 (S3_3_C14_C0_1): 0x300000 + Op2 1 << 17 =
	 * 0x20000 + Op1 3 << 14 = 0xc000 + CRn 14 << 10 = 0x3800 + Rt 3 << 5
	 * = 0x60 + CRm 0 + Dir 1: 0x62000000 + 0x32f861 = 0x6232f861.  CRn
	 * 14 but CRm 0: the timer's, not the PMU's. */
	struct hvf_exception exc;

	ck_assert_int_eq(hvf_decode_exception(0x6232f861, 0, &exc), 0);
	ck_assert_uint_eq(exc.sysreg.crn, 14);
	ck_assert_uint_eq(exc.sysreg.crm, 0);
	ck_assert_uint_eq(exc.sysreg.op2, 1);
	ck_assert_uint_eq(exc.sysreg.rt, 3);
	ck_assert_int_eq(hvf_sysreg_action(&exc.sysreg), HVF_SYSREG_UNHANDLED);
}
END_TEST

START_TEST(id_aa64pfr0_gets_the_gic_field)
{
	/* GIC [27:24] = 1: 0x11 (EL0, EL1 AArch64) becomes 0x01000011. */
	ck_assert_uint_eq(hvf_pfr0_with_gic(0x11), 0x01000011);
	/* Already 1 (or 3, GICv4.1): left alone. */
	ck_assert_uint_eq(hvf_pfr0_with_gic(0x01000011), 0x01000011);
	ck_assert_uint_eq(hvf_pfr0_with_gic(0x03000011), 0x03000011);
}
END_TEST

START_TEST(general_registers_map_to_hv_reg_x0_plus_n)
{
	for (unsigned int n = 0; n <= 30; n++) {
		hv_reg_t reg;

		ck_assert(hvf_gpr(n, &reg));
		ck_assert_uint_eq(reg, n); /* HV_REG_X0 is 0 */
	}
}
END_TEST

START_TEST(boot_pstate_is_el1h_with_daif_masked)
{
	/* M 0b0101 (EL1h) + F 0x40 + I 0x80 + A 0x100 + D 0x200 = 0x3c5 */
	ck_assert_uint_eq(hvf_boot_pstate(), 0x3c5);
}
END_TEST

START_TEST(mpidr_numbers_vcpus_as_kvm_does)
{
	ck_assert_uint_eq(hvf_mpidr_of(0), 0);
	ck_assert_uint_eq(hvf_mpidr_of(1), 1);
	ck_assert_uint_eq(hvf_mpidr_of(15), 0xf);
	ck_assert_uint_eq(hvf_mpidr_of(16), 0x100);	/* Aff1 1, Aff0 0 */
	ck_assert_uint_eq(hvf_mpidr_of(35), 0x203);	/* Aff1 2, Aff0 3 */
	ck_assert_uint_eq(hvf_mpidr_of(4096), 0x10000); /* Aff2 1 */
}
END_TEST

START_TEST(vtimer_line_is_high_only_when_enabled_unmasked_and_fired)
{
	/* CNTV_CTL_EL0: ENABLE 1, IMASK 2, ISTATUS 4 */
	ck_assert(hvf_vtimer_irq_level(0x5));  /* enabled, fired */
	ck_assert(!hvf_vtimer_irq_level(0x7)); /* masked by the guest */
	ck_assert(!hvf_vtimer_irq_level(0x1)); /* not yet */
	ck_assert(!hvf_vtimer_irq_level(0x4)); /* disabled */
}
END_TEST

START_TEST(vtimer_ticks_left_bound_a_wfi)
{
	ck_assert_uint_eq(hvf_vtimer_ticks_left(0x1, 1000, 400), 600);
	ck_assert_uint_eq(hvf_vtimer_ticks_left(0x1, 1000, 1000), 0);
	ck_assert_uint_eq(hvf_vtimer_ticks_left(0x5, 1000, 5000), 0);
	ck_assert_uint_eq(hvf_vtimer_ticks_left(0x3, 1000, 400), UINT64_MAX);
	ck_assert_uint_eq(hvf_vtimer_ticks_left(0x0, 1000, 400), UINT64_MAX);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hvf_decode");
	TCase *mmio = tcase_create("mmio");
	TCase *calls = tcase_create("calls");
	TCase *other = tcase_create("other");

	tcase_add_test(mmio, str_w1_is_a_4_byte_write_from_x1);
	tcase_add_test(mmio, ldrb_w2_is_a_1_byte_read_zero_extended);
	tcase_add_test(mmio, ldr_x5_is_an_8_byte_read);
	tcase_add_test(mmio, ldrsh_x7_sign_extends_into_64_bits);
	tcase_add_test(mmio, ldrsb_w9_sign_extends_into_32_bits_only);
	tcase_add_test(mmio, str_xzr_writes_zero_and_names_no_register);
	tcase_add_test(mmio, the_fault_status_code_does_not_change_the_access);
	tcase_add_test(mmio, data_abort_without_isv_is_refused);
	tcase_add_test(mmio, page_table_walk_into_mmio_is_refused);
	tcase_add_test(mmio, impossible_size_and_register_pairs_are_refused);
	tcase_add_test(mmio, cache_maintenance_on_mmio_is_skipped);
	tcase_add_test(mmio, sixteen_bit_instructions_are_refused);
	tcase_add_test(mmio, instruction_abort_and_unknown_classes_are_refused);
	tcase_add_test(calls, hvc_0_is_a_call_and_the_pc_is_already_past_it);
	tcase_add_test(calls, hvc_to_our_doorbell_carries_w0_and_x1_to_x4);
	tcase_add_test(calls, only_w0_names_the_function);
	tcase_add_test(calls, psci_calls_are_recognised_in_both_conventions);
	tcase_add_loop_test(calls, psci_function_ids_decode_to_their_call, 0,
			    sizeof(psci_ids) / sizeof(psci_ids[0]));
	tcase_add_test(calls, psci_version_and_features);
	tcase_add_test(calls, smc_is_a_call_and_moves_the_pc);
	tcase_add_test(other, wfi_and_wfe);
	tcase_add_test(other, mrs_oslsr_el1_is_a_read_into_x1);
	tcase_add_test(other, msr_oslar_el1_is_a_write_from_x0);
	tcase_add_test(other, mrs_icc_iar1_el1_is_not_ours_to_answer);
	tcase_add_test(other, pmuserenr_el0_write_is_ignored);
	tcase_add_test(other, id_registers_read_as_zero_but_are_not_written);
	tcase_add_test(other, cntpct_el0_is_not_answered);
	tcase_add_test(other, id_aa64pfr0_gets_the_gic_field);
	tcase_add_test(other, general_registers_map_to_hv_reg_x0_plus_n);
	tcase_add_test(other, boot_pstate_is_el1h_with_daif_masked);
	tcase_add_test(other, mpidr_numbers_vcpus_as_kvm_does);
	tcase_add_test(
		other,
		vtimer_line_is_high_only_when_enabled_unmasked_and_fired);
	tcase_add_test(other, vtimer_ticks_left_bound_a_wfi);
	suite_add_tcase(s, mmio);
	suite_add_tcase(s, calls);
	suite_add_tcase(s, other);
	return run_suite(s);
}
