/*
 * test_x86_cpu.c - unit tests of the vCPU builders: the CPUID leaves
 * rewritten for one vCPU (and only the fields that say who it is and,
 * in leaves 0BH and 1FH, how many there are: --cpus N), the
 * boot MSR list, the LAPIC LINT pins.
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: SDM Vol. 2A "CPUID", AMD APM "CPUID Fn8000_001E", SDM Vol. 3A
 * "Local Vector Table", "MTRRdefType Register".
 */
#include <check.h>
#include <stdlib.h>

#include "run_suite.h"

#include "x86_cpu.c"

/*
 * A host's leaves as KVM_GET_SUPPORTED_CPUID returned them before Linux
 * 6.2 (0BH sub-leaf 1, the host's 0x8000001E); since then KVM lists 0BH
 * and 1FH sub-leaf 0 only, and all three leaves zeroed.
 */
static struct kvm_cpuid2 *host_leaves(void)
{
	static const struct kvm_cpuid_entry2 leaves[] = {
		{ .function = 0x0, .eax = 0x1f, .ebx = 0x68747541 },
		{ .function = 0x1,
		  .eax = 0x00a00f11,
		  .ebx = 0x07100800, /* APIC ID 7, 16 logical, CLFLUSH 64 */
		  .ecx = 0xf6f83203,
		  .edx = 0x178bfbff },
		{ .function = 0xb, .index = 0, .eax = 1, .ebx = 2, .edx = 7 },
		{ .function = 0xb, .index = 1, .eax = 4, .ebx = 16, .edx = 7 },
		{ .function = 0x1f, .index = 0, .edx = 7 },
		{ .function = 0x40000001, .eax = 0x01007afb },
		{ .function = 0x8000001e, .eax = 0, .ebx = 0x100 },
	};
	size_t n = sizeof(leaves) / sizeof(leaves[0]);
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + sizeof(leaves));

	ck_assert_ptr_nonnull(c);
	c->nent = n;
	memcpy(c->entries, leaves, sizeof(leaves));
	return c;
}

START_TEST(cpuid_names_the_vcpu)
{
	struct kvm_cpuid2 *c = host_leaves();

	x86_cpuid_for_vcpu(c, 0, 1, false);
	ck_assert_uint_eq(c->entries[1].ebx, 0x00010800); /* ID 0, 1 CPU */
	ck_assert_uint_eq(c->entries[1].ecx, 0xf6f83203 | (1u << 31));
	ck_assert_uint_eq(c->entries[1].eax, 0x00a00f11); /* untouched */
	ck_assert_uint_eq(c->entries[1].edx, 0x178bfbff);
	/* 0BH/1FH: one core, one thread, x2APIC ID 0; not the host's 2x16 */
	ck_assert_uint_eq(c->entries[2].eax, 0);
	ck_assert_uint_eq(c->entries[2].ebx, 1);
	ck_assert_uint_eq(c->entries[2].ecx, 0x100); /* level 0, type SMT */
	ck_assert_uint_eq(c->entries[2].edx, 0);
	ck_assert_uint_eq(c->entries[3].eax, 0); /* no bits for one core */
	ck_assert_uint_eq(c->entries[3].ebx, 1);
	ck_assert_uint_eq(c->entries[3].ecx, 0x201); /* level 1, type core */
	ck_assert_uint_eq(c->entries[3].edx, 0);
	ck_assert_uint_eq(c->entries[4].ebx, 1);
	ck_assert_uint_eq(c->entries[4].edx, 0);
	ck_assert_uint_eq(c->entries[6].eax, 0);
	ck_assert_uint_eq(c->entries[6].ebx, 0x100);
	ck_assert_uint_eq(c->entries[0].ebx, 0x68747541); /* "Auth" */
	ck_assert_uint_eq(c->entries[5].eax, 0x01007afb); /* KVM features */
	free(c);
}
END_TEST

START_TEST(cpuid_for_the_third_of_four_vcpus)
{
	struct kvm_cpuid2 *c = host_leaves();

	x86_cpuid_for_vcpu(c, 2, 4, true);
	ck_assert_uint_eq(c->entries[1].ebx, 0x02040800);
	ck_assert_uint_eq(c->entries[1].ecx,
			  0xf6f83203 | (1u << 24) | (1u << 31));
	ck_assert_uint_eq(c->entries[2].edx, 2);
	ck_assert_uint_eq(c->entries[3].edx, 2);
	ck_assert_uint_eq(c->entries[3].eax, 2); /* 4 cores: 2 bits of ID */
	ck_assert_uint_eq(c->entries[3].ebx, 4);
	ck_assert_uint_eq(c->entries[4].edx, 2);
	ck_assert_uint_eq(c->entries[6].eax, 2);
	free(c);
}
END_TEST

/* --cpus N: each vCPU's APIC ID in leaf 01H and 0BH, the same package. */
START_TEST(cpuid_apic_ids_and_topology_of_n_vcpus)
{
	static const struct {
		uint32_t count, shift;
	} machines[] = { { 1, 0 }, { 2, 1 }, { 3, 2 },
			 { 8, 3 }, { 9, 4 }, { 255, 8 } };

	for (size_t m = 0; m < sizeof(machines) / sizeof(machines[0]); m++)
		for (uint32_t id = 0; id < machines[m].count; id++) {
			struct kvm_cpuid2 *c = host_leaves();

			x86_cpuid_for_vcpu(c, id, machines[m].count, false);
			ck_assert_uint_eq(c->entries[1].ebx >> 24, id);
			ck_assert_uint_eq((c->entries[1].ebx >> 16) & 0xff,
					  machines[m].count & 0xff);
			ck_assert_uint_eq(c->entries[2].edx, id);
			ck_assert_uint_eq(c->entries[3].edx, id);
			ck_assert_uint_eq(c->entries[3].eax, machines[m].shift);
			ck_assert_uint_eq(c->entries[3].ebx, machines[m].count);
			ck_assert_uint_eq(c->entries[6].eax, id);
			free(c);
		}
}
END_TEST

/* Sub-leaves past the core level end the list: type 0, no processors. */
START_TEST(cpuid_topology_ends_after_the_core_level)
{
	struct kvm_cpuid_entry2 e = {
		.function = 0xb, .index = 2, .eax = 5, .ebx = 32, .ecx = 0x302
	};

	cpuid_topology(&e, 7, 8);
	ck_assert_uint_eq(e.eax, 0);
	ck_assert_uint_eq(e.ebx, 0);
	ck_assert_uint_eq(e.ecx, 2); /* its index, type 0 */
	ck_assert_uint_eq(e.edx, 7);
}
END_TEST

/* book:begin test_boot_msrs */
START_TEST(boot_msrs_as_firmware_leaves_them)
{
	unsigned int n;
	const struct x86_msr *m = x86_boot_msrs(&n);
	uint64_t misc = ~0ULL, mtrr = ~0ULL;

	ck_assert_uint_eq(n, 11);
	for (unsigned int i = 0; i < n; i++) {
		if (m[i].index == 0x1a0)
			misc = m[i].value;
		else if (m[i].index == 0x2ff)
			mtrr = m[i].value;
		else
			ck_assert_uint_eq(m[i].value, 0);
		ck_assert_ptr_nonnull(m[i].name);
	}
	ck_assert_uint_eq(misc, 0x1);	/* fast strings */
	ck_assert_uint_eq(mtrr, 0x806); /* E | write-back */
	ck_assert_uint_eq(m[0].index, 0x174);
	ck_assert_str_eq(m[0].name, "MSR_IA32_SYSENTER_CS");
	ck_assert_uint_eq(m[8].index, 0x10);
	ck_assert_str_eq(m[8].name, "MSR_IA32_TSC");
}
END_TEST
/* book:end test_boot_msrs */

/*
 * KVM resets the LVT entries masked (0x10000); LINT0 becomes ExtINT
 * (0x700) and stays masked, LINT1 NMI (0x400), unmasked; nothing else in
 * the page moves.
 */
START_TEST(lapic_lint0_extint_lint1_nmi)
{
	struct kvm_lapic_state lapic, before;

	memset(&lapic, 0, sizeof(lapic));
	for (unsigned int reg = 0x320; reg <= 0x370; reg += 0x10)
		lapic_set_reg(&lapic, reg, APIC_LVT_MASKED);
	lapic_set_reg(&lapic, 0x20, 0x01000000); /* APIC ID 1 */
	before = lapic;
	x86_lapic_lint_setup(&lapic);
	ck_assert_uint_eq(x86_lapic_reg(&lapic, 0x350), 0x10700);
	ck_assert_uint_eq(x86_lapic_reg(&lapic, 0x360), 0x400);
	ck_assert_uint_eq(x86_lapic_reg(&lapic, 0x370), 0x10000);
	ck_assert_uint_eq(x86_lapic_reg(&lapic, 0x340), 0x10000);
	ck_assert_uint_eq(x86_lapic_reg(&lapic, 0x20), 0x01000000);
	ck_assert_mem_eq(lapic.regs, before.regs, 0x350);
	ck_assert_mem_eq(lapic.regs + 0x370, before.regs + 0x370,
			 sizeof(lapic.regs) - 0x370);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("x86_cpu");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, cpuid_names_the_vcpu);
	tcase_add_test(tc, cpuid_for_the_third_of_four_vcpus);
	tcase_add_test(tc, cpuid_apic_ids_and_topology_of_n_vcpus);
	tcase_add_test(tc, cpuid_topology_ends_after_the_core_level);
	tcase_add_test(tc, boot_msrs_as_firmware_leaves_them);
	tcase_add_test(tc, lapic_lint0_extint_lint1_nmi);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
