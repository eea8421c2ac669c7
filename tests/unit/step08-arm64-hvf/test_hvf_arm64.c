/*
 * test_hvf_arm64.c - unit tests of the hvf-arm64 backend around the
 * framework: the core's registers as the framework names them, framework
 * errors as -errno, the exit names, whether a machine's GICv3 fits the
 * framework's, and what the backend says when the framework refuses.
 *
 * Runs: on the Linux host (Check), with the backend linked against
 * hvf_fake.c, a TEST-ONLY stub whose every call fails: no VM is
 * created and no guest runs here.  The GIC limits below are made up for
 * the check (Apple does not document the values; a Mac reports its own).
 * Spec: Apple's Hypervisor framework reference (hvf_decls.h); hv.h.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "run_suite.h"

#include "backends/hvf_arm64.c"
#include "backends/hvf_arm64_decode.c"
#include "backends/list_macos_arm64.c"
#include "hvf_fake.c"

START_TEST(general_registers_are_hv_reg_x0_plus_n)
{
	struct hvf_reg_ref ref;

	for (unsigned int n = 0; n <= 30; n++) {
		ck_assert_int_eq(hvf_reg_ref(HYP_REG_X(n), &ref), 0);
		ck_assert(!ref.sys);
		ck_assert_uint_eq(ref.reg, n); /* HV_REG_X0 is 0 */
	}
	ck_assert_int_eq(hvf_reg_ref(HYP_REG_X(29), &ref), 0);
	ck_assert_uint_eq(ref.reg, HV_REG_FP);
	ck_assert_int_eq(hvf_reg_ref(HYP_REG_X30, &ref), 0);
	ck_assert_uint_eq(ref.reg, HV_REG_LR);
}
END_TEST

START_TEST(pc_pstate_sp_el1_and_mpidr_map_to_their_registers)
{
	struct hvf_reg_ref ref;

	ck_assert_int_eq(hvf_reg_ref(HYP_REG_PC, &ref), 0);
	ck_assert(!ref.sys);
	ck_assert_uint_eq(ref.reg, 31); /* HV_REG_PC */
	ck_assert_int_eq(hvf_reg_ref(HYP_REG_PSTATE, &ref), 0);
	ck_assert(!ref.sys);
	ck_assert_uint_eq(ref.reg, 34); /* HV_REG_CPSR */
	/* S3_4_C4_C1_0: 3 << 14 | 4 << 11 | 4 << 7 | 1 << 3 | 0 = 0xe208 */
	ck_assert_int_eq(hvf_reg_ref(HYP_REG_SP_EL1, &ref), 0);
	ck_assert(ref.sys);
	ck_assert_uint_eq(ref.sys_reg, 0xe208);
	/* S3_0_C0_C0_5: 3 << 14 | 5 = 0xc005 */
	ck_assert_int_eq(hvf_reg_ref(HYP_REG_MPIDR_EL1, &ref), 0);
	ck_assert(ref.sys);
	ck_assert_uint_eq(ref.sys_reg, 0xc005);
}
END_TEST

START_TEST(x86_registers_are_refused)
{
	struct hvf_reg_ref ref;

	ck_assert_int_eq(hvf_reg_ref(HYP_REG_RAX, &ref), -EINVAL);
	ck_assert_int_eq(hvf_reg_ref(HYP_REG_RIP, &ref), -EINVAL);
	ck_assert_int_eq(hvf_reg_ref(HYP_REG_RFLAGS, &ref), -EINVAL);
	ck_assert_int_eq(hvf_reg_ref(HYP_REG_COUNT, &ref), -EINVAL);
}
END_TEST

START_TEST(framework_errors_become_errno)
{
	ck_assert_int_eq(hvf_errno(HV_SUCCESS), 0);
	ck_assert_int_eq(hvf_errno(HV_ERROR), -EIO);
	ck_assert_int_eq(hvf_errno(HV_BUSY), -EBUSY);
	ck_assert_int_eq(hvf_errno(HV_BAD_ARGUMENT), -EINVAL);
	ck_assert_int_eq(hvf_errno(HV_NO_RESOURCES), -ENOMEM);
	ck_assert_int_eq(hvf_errno(HV_NO_DEVICE), -ENODEV);
	ck_assert_int_eq(hvf_errno(HV_DENIED), -EPERM);
	ck_assert_int_eq(hvf_errno(HV_UNSUPPORTED), -EOPNOTSUPP);
	ck_assert_int_eq(hvf_errno(12345), -EIO);
}
END_TEST

START_TEST(every_exit_reason_has_its_name)
{
	static const char *const names[] = {
		"HV_EXIT_REASON_CANCELED",
		"EXCEPTION: data abort (MMIO)",
		"EXCEPTION: HVC",
		"EXCEPTION: SMC",
		"EXCEPTION: HVC (PSCI system event)",
		"EXCEPTION: WFI",
		"EXCEPTION: not handled",
		"EXCEPTION: MSR/MRS not emulated",
		"HV_EXIT_REASON_UNKNOWN",
	};

	ck_assert_uint_eq(HVF_REASONS, sizeof(names) / sizeof(names[0]));
	for (uint32_t r = 0; r < HVF_REASONS; r++)
		ck_assert_str_eq(hvf_exit_name(r), names[r]);
	ck_assert_str_eq(hvf_exit_name(HVF_REASONS), "unknown");
	ck_assert_str_eq(hvf_exit_name(UINT32_MAX), "unknown");
	ck_assert_uint_lt(HVF_REASONS, 64); /* the core counts 64 */
}
END_TEST

/* The course's arm64 machine (arch/arm64/machine.h): GICD 0xf0000000,
 * GICR 0xf0010000, 128 INTIDs (96 SPIs), here with 2 vCPUs. */
static const struct hyp_config machine = {
	.nr_vcpus = 2,
	.irqchip = true,
	.arm64 = { .gicd_base = 0xf0000000,
		   .gicr_base = 0xf0010000,
		   .nr_irqs = 128 },
};

/* Made-up limits of the shape the framework reports: a 64 KiB distributor,
 * redistributors for 8 vCPUs, SPIs INTID 32..1019. */
static const struct hvf_gic_limits limits = {
	.dist_size = 0x10000,
	.dist_align = 0x10000,
	.redist_region_size = 8 * 0x20000,
	.redist_align = 0x10000,
	.spi_base = 32,
	.spi_count = 988,
};

START_TEST(the_course_machine_fits_a_framework_gic)
{
	ck_assert_ptr_null(hvf_gic_check(&machine, &limits));
}
END_TEST

START_TEST(a_gic_that_does_not_fit_is_refused_saying_why)
{
	struct hyp_config cfg = machine;
	struct hvf_gic_limits lim = limits;

	lim.dist_align = 0x100000; /* 0xf0000000 is 1 MiB aligned: fits */
	ck_assert_ptr_null(hvf_gic_check(&cfg, &lim));
	lim.redist_align = 0x100000; /* 0xf0010000 is not */
	ck_assert_ptr_nonnull(
		strstr(hvf_gic_check(&cfg, &lim), "redistributors' address"));
	lim = limits;
	cfg.nr_vcpus = 9; /* 9 * 0x20000 > 8 * 0x20000 */
	ck_assert_ptr_nonnull(strstr(hvf_gic_check(&cfg, &lim), "vCPUs"));
	cfg = machine;
	lim.dist_size = 0x20000; /* into the redistributors at 0xf0010000 */
	ck_assert_ptr_nonnull(strstr(hvf_gic_check(&cfg, &lim), "overlaps"));
	lim = limits;
	lim.spi_count = 64; /* INTIDs 32..95, the machine needs ..127 */
	ck_assert_ptr_nonnull(strstr(hvf_gic_check(&cfg, &lim), "SPIs"));
}
END_TEST

START_TEST(vm_create_without_the_entitlement_says_so)
{
	struct hyp_vm vm = { .ops = &hvf_arm64_ops };
	struct hyp_config cfg = machine;

	/* HV_DENIED (Apple's header), HV_ERROR (what Intel Macs reported). */
	hvf_fake.error = HV_DENIED;
	ck_assert_int_eq(hvf_arm64_ops.vm_create(&vm, &cfg), -EPERM);
	ck_assert_str_eq(vm.err_call,
			 "hv_vm_create (is the binary signed with the "
			 "com.apple.security.hypervisor entitlement?)");
	ck_assert_ptr_null(vm.priv);
	hvf_fake.error = HV_ERROR;
	vm.err_call = NULL;
	ck_assert_int_eq(hvf_arm64_ops.vm_create(&vm, &cfg), -EIO);
	ck_assert_ptr_nonnull(
		strstr(vm.err_call, "com.apple.security.hypervisor"));
	ck_assert_ptr_null(vm.priv);
}
END_TEST

START_TEST(vm_create_failing_names_hv_vm_create)
{
	struct hyp_vm vm = { .ops = &hvf_arm64_ops };
	struct hyp_config cfg = machine;

	/* Apple silicon answers a missing entitlement with HV_UNSUPPORTED
	 * (as reported; Apple documents no code for it): the hint too. */
	hvf_fake.error = HV_UNSUPPORTED;
	ck_assert_int_eq(hvf_arm64_ops.vm_create(&vm, &cfg), -EOPNOTSUPP);
	ck_assert_str_eq(
		vm.err_call,
		"hv_vm_create (is the binary signed with the com.apple.security.hypervisor entitlement?)");
	/* Any other refusal is named plainly. */
	hvf_fake.error = HV_NO_RESOURCES;
	ck_assert_int_eq(hvf_arm64_ops.vm_create(&vm, &cfg), -ENOMEM);
	ck_assert_str_eq(vm.err_call, "hv_vm_create");
	cfg.nr_vcpus = 0;
	ck_assert_int_eq(hvf_arm64_ops.vm_create(&vm, &cfg), -EINVAL);
}
END_TEST

START_TEST(map_memory_checks_alignment_before_the_framework)
{
	struct hyp_vm vm = { .ops = &hvf_arm64_ops };
	static char ram[3 * 65536] __attribute__((aligned(65536)));
	unsigned int calls = hvf_fake.calls;

	hvf_fake.error = HV_NO_RESOURCES;
	ck_assert_int_eq(hvf_arm64_ops.map_memory(&vm, 0, ram + 1, 65536),
			 -EINVAL);
	ck_assert_int_eq(hvf_arm64_ops.map_memory(&vm, 0, ram, 65536 + 1),
			 -EINVAL);
	ck_assert_int_eq(hvf_arm64_ops.map_memory(&vm, 1, ram, 65536), -EINVAL);
	ck_assert_ptr_nonnull(strstr(vm.err_call, "host page size"));
	ck_assert_uint_eq(hvf_fake.calls, calls); /* refused before hv_vm_map */
	ck_assert_int_eq(hvf_arm64_ops.map_memory(&vm, 0, ram, 65536), -ENOMEM);
	ck_assert_str_eq(vm.err_call, "hv_vm_map");
	ck_assert_uint_gt(hvf_fake.calls, calls);
}
END_TEST

START_TEST(the_ops_table_is_complete)
{
	const struct hyp_ops *o = &hvf_arm64_ops;

	ck_assert_str_eq(o->name, "hvf-arm64");
	ck_assert_int_eq(o->arch, HYP_ARCH_ARM64);
	ck_assert(o->vm_create && o->map_memory && o->forward_hypercalls &&
		  o->vcpu_create && o->vm_ready && o->run && o->kick &&
		  o->get_reg && o->set_reg && o->irq_line && o->exit_name &&
		  o->vcpu_destroy && o->vm_destroy);
	/* hv.h: optional, NULL where the hypervisor has nothing like
	 * KVM_IOEVENTFD; the core then takes QueueNotify as an MMIO exit. */
	ck_assert_ptr_null(o->ioeventfd);
}
END_TEST

START_TEST(the_macos_build_lists_hvf_arm64_alone)
{
	ck_assert_ptr_eq(hyp_backends[0], &hvf_arm64_ops);
	ck_assert_ptr_null(hyp_backends[1]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hvf_arm64");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, general_registers_are_hv_reg_x0_plus_n);
	tcase_add_test(tc, pc_pstate_sp_el1_and_mpidr_map_to_their_registers);
	tcase_add_test(tc, x86_registers_are_refused);
	tcase_add_test(tc, framework_errors_become_errno);
	tcase_add_test(tc, every_exit_reason_has_its_name);
	tcase_add_test(tc, the_course_machine_fits_a_framework_gic);
	tcase_add_test(tc, a_gic_that_does_not_fit_is_refused_saying_why);
	tcase_add_test(tc, vm_create_without_the_entitlement_says_so);
	tcase_add_test(tc, vm_create_failing_names_hv_vm_create);
	tcase_add_test(tc, map_memory_checks_alignment_before_the_framework);
	tcase_add_test(tc, the_ops_table_is_complete);
	tcase_add_test(tc, the_macos_build_lists_hvf_arm64_alone);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
