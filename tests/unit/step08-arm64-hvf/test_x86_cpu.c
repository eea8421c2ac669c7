/*
 * test_x86_cpu.c - unit tests of the vCPU builders: the CPUID list
 * built for one vCPU from KVM_GET_SUPPORTED_CPUID's, as KVM gives it
 * since Linux 6.2 and as it gave it before (the fields that say who the
 * vCPU is rewritten; leaves 0BH and 1FH built whole for --cpus N), the
 * boot MSR list, the LAPIC LINT pins.
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: SDM Vol. 2A "CPUID", AMD APM "CPUID Fn8000_001E", SDM Vol. 3A
 * "Local Vector Table", "MTRRdefType Register".
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include "run_suite.h"

#include "x86_cpu.c"

#define SIGNIFICANT KVM_CPUID_FLAG_SIGNIFCANT_INDEX

/*
 * A host's leaves as KVM_GET_SUPPORTED_CPUID returns them since Linux
 * 6.2 (commit 45e966fcca03; the lab's 6.1.0-57 too, measured): 0BH
 * sub-leaf 0 alone, zeroed; this host's leaf 0 stops at 0DH, so no 1FH,
 * and its extended leaves stop at 0x8000000A, so no 0x8000001E.
 */
static const struct kvm_cpuid_entry2 leaves_now[] = {
	{ .function = 0x0, .eax = 0xd, .ebx = 0x68747541 },
	{ .function = 0x1,
	  .eax = 0x00a00f11,
	  .ebx = 0x07100800, /* APIC ID 7, 16 logical, CLFLUSH 64 */
	  .ecx = 0xf6f83203,
	  .edx = 0x178bfbff },
	{ .function = 0xb, .index = 0, .flags = SIGNIFICANT },
	{ .function = 0xd, .index = 0, .flags = SIGNIFICANT, .eax = 7 },
	{ .function = 0x40000001, .eax = 0x01007afb },
	{ .function = 0x8000000a, .eax = 1, .ebx = 0x10 },
};

/*
 * The same host's leaves before Linux 6.2, on a CPU whose leaf 0 reaches
 * 1FH: the host's own topology (2 threads a core, 16 logical processors
 * a package, this CPU x2APIC ID 7), every sub-leaf up to the first of
 * type 0, and 0x8000001E as the host has it.
 */
static const struct kvm_cpuid_entry2 leaves_before_6_2[] = {
	{ .function = 0x0, .eax = 0x1f, .ebx = 0x68747541 },
	{ .function = 0x1,
	  .eax = 0x00a00f11,
	  .ebx = 0x07100800,
	  .ecx = 0xf6f83203,
	  .edx = 0x178bfbff },
	{ .function = 0xb,
	  .index = 0,
	  .flags = SIGNIFICANT,
	  .eax = 1,
	  .ebx = 2,
	  .ecx = 0x100,
	  .edx = 7 },
	{ .function = 0xb,
	  .index = 1,
	  .flags = SIGNIFICANT,
	  .eax = 4,
	  .ebx = 16,
	  .ecx = 0x201,
	  .edx = 7 },
	{ .function = 0xb,
	  .index = 2,
	  .flags = SIGNIFICANT,
	  .ecx = 2,
	  .edx = 7 },
	{ .function = 0xd, .index = 0, .flags = SIGNIFICANT, .eax = 7 },
	{ .function = 0x1f,
	  .index = 0,
	  .flags = SIGNIFICANT,
	  .eax = 1,
	  .ebx = 2,
	  .ecx = 0x100,
	  .edx = 7 },
	{ .function = 0x1f,
	  .index = 1,
	  .flags = SIGNIFICANT,
	  .eax = 4,
	  .ebx = 16,
	  .ecx = 0x201,
	  .edx = 7 },
	{ .function = 0x1f,
	  .index = 2,
	  .flags = SIGNIFICANT,
	  .ecx = 2,
	  .edx = 7 },
	{ .function = 0x40000001, .eax = 0x01007afb },
	{ .function = 0x8000000a, .eax = 1, .ebx = 0x10 },
	{ .function = 0x8000001e, .eax = 7, .ebx = 0x103 },
};

#define N_NOW	     (sizeof(leaves_now) / sizeof(leaves_now[0]))
#define N_BEFORE_6_2 (sizeof(leaves_before_6_2) / sizeof(leaves_before_6_2[0]))

/* KVM_GET_SUPPORTED_CPUID's answer: a kvm_cpuid2 holding these leaves. */
static struct kvm_cpuid2 *host_leaves(const struct kvm_cpuid_entry2 *l,
				      size_t n)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(*l));

	ck_assert_ptr_nonnull(c);
	c->nent = n;
	memcpy(c->entries, l, n * sizeof(*l));
	return c;
}

/* The vCPU's list, built from a host list; the host list is freed. */
static struct kvm_cpuid2 *for_vcpu(const struct kvm_cpuid_entry2 *l, size_t n,
				   uint32_t apic_id, uint32_t count,
				   bool deadline)
{
	struct kvm_cpuid2 *host = host_leaves(l, n);
	struct kvm_cpuid2 *c =
		x86_cpuid_for_vcpu(host, apic_id, count, deadline);

	ck_assert_ptr_nonnull(c);
	free(host);
	return c;
}

/* How many entries hold this leaf (and sub-leaf, unless ANY). */
#define ANY 0xffffffffu
static unsigned int entries(const struct kvm_cpuid2 *c, uint32_t function,
			    uint32_t index)
{
	unsigned int n = 0;

	for (uint32_t i = 0; i < c->nent; i++)
		n += c->entries[i].function == function &&
		     (index == ANY || c->entries[i].index == index);
	return n;
}

/* The one entry of this leaf and sub-leaf (the test fails on none). */
static const struct kvm_cpuid_entry2 *entry(const struct kvm_cpuid2 *c,
					    uint32_t function, uint32_t index)
{
	ck_assert_uint_eq(entries(c, function, index), 1);
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == function &&
		    c->entries[i].index == index)
			return &c->entries[i];
	return NULL;
}

static void assert_regs(const struct kvm_cpuid_entry2 *e, uint32_t eax,
			uint32_t ebx, uint32_t ecx, uint32_t edx)
{
	ck_assert_uint_eq(e->eax, eax);
	ck_assert_uint_eq(e->ebx, ebx);
	ck_assert_uint_eq(e->ecx, ecx);
	ck_assert_uint_eq(e->edx, edx);
}

/* No leaf and sub-leaf appears twice: KVM would use the first. */
static void assert_no_duplicates(const struct kvm_cpuid2 *c)
{
	for (uint32_t i = 0; i < c->nent; i++)
		for (uint32_t j = i + 1; j < c->nent; j++)
			ck_assert(c->entries[i].function !=
					  c->entries[j].function ||
				  c->entries[i].index != c->entries[j].index);
}

START_TEST(cpuid_names_the_vcpu)
{
	struct kvm_cpuid2 *c = for_vcpu(leaves_now, N_NOW, 0, 1, false);

	/* leaf 01H: APIC ID 0, 1 logical processor, hypervisor bit */
	assert_regs(entry(c, 0x1, 0), 0x00a00f11, 0x00010800,
		    0xf6f83203 | (1u << 31), 0x178bfbff);
	assert_regs(entry(c, 0x0, 0), 0xd, 0x68747541, 0, 0); /* "Auth" */
	assert_regs(entry(c, 0xd, 0), 7, 0, 0, 0);
	assert_regs(entry(c, 0x40000001, 0), 0x01007afb, 0, 0, 0);
	assert_regs(entry(c, 0x8000000a, 0), 1, 0x10, 0, 0);
	ck_assert_uint_eq(entry(c, 0xd, 0)->flags, SIGNIFICANT);
	/* 5 leaves copied, 0BH sub-leaf 0 replaced by sub-leaves 0-2 */
	ck_assert_uint_eq(c->nent, 8);
	ck_assert_uint_eq(entries(c, 0x1f, ANY), 0);
	ck_assert_uint_eq(entries(c, 0x8000001e, ANY), 0);
	assert_no_duplicates(c);
	free(c);
}
END_TEST

START_TEST(cpuid_for_the_third_of_four_vcpus)
{
	struct kvm_cpuid2 *c =
		for_vcpu(leaves_before_6_2, N_BEFORE_6_2, 2, 4, true);

	/* APIC ID 2, 4 logical; TSC-deadline and hypervisor bits */
	assert_regs(entry(c, 0x1, 0), 0x00a00f11, 0x02040800,
		    0xf6f83203 | (1u << 24) | (1u << 31), 0x178bfbff);
	assert_regs(entry(c, 0x8000001e, 0), 2, 0x103, 0, 0);
	/* 6 leaves copied; the host's 3 sub-leaves of 0BH and 1FH: ours */
	ck_assert_uint_eq(c->nent, 12);
	assert_no_duplicates(c);
	free(c);
}
END_TEST

/*
 * Leaves 0BH and (where KVM lists it) 1FH for vCPU id of count: exactly
 * sub-leaves 0 (SMT: 1 thread, shift 0), 1 (core: count cores, shift
 * core_shift) and 2 (type 0), EDX the x2APIC ID, looked up by sub-leaf.
 */
static void assert_topology(const struct kvm_cpuid2 *c, uint32_t function,
			    uint32_t id, uint32_t count, uint32_t core_shift)
{
	ck_assert_uint_eq(entries(c, function, ANY), 3);
	assert_regs(entry(c, function, 0), 0, 1, 0x100, id);
	assert_regs(entry(c, function, 1), core_shift, count, 0x201, id);
	assert_regs(entry(c, function, 2), 0, 0, 0x002, id);
	for (uint32_t level = 0; level < 3; level++)
		ck_assert_uint_eq(entry(c, function, level)->flags,
				  SIGNIFICANT);
}

/* --cpus 1, 2, 4: every vCPU's topology, from KVM's list now and before. */
START_TEST(cpuid_topology_of_1_2_4_vcpus)
{
	static const struct {
		uint32_t count, core_shift;
	} machines[] = { { 1, 0 }, { 2, 1 }, { 4, 2 } };

	for (size_t m = 0; m < sizeof(machines) / sizeof(machines[0]); m++)
		for (uint32_t id = 0; id < machines[m].count; id++) {
			uint32_t n = machines[m].count;
			uint32_t s = machines[m].core_shift;
			struct kvm_cpuid2 *c;

			c = for_vcpu(leaves_now, N_NOW, id, n, false);
			assert_topology(c, 0xb, id, n, s);
			ck_assert_uint_eq(entries(c, 0x1f, ANY), 0);
			assert_no_duplicates(c);
			free(c);
			c = for_vcpu(leaves_before_6_2, N_BEFORE_6_2, id, n,
				     false);
			assert_topology(c, 0xb, id, n, s);
			assert_topology(c, 0x1f, id, n, s);
			assert_no_duplicates(c);
			free(c);
		}
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
			uint32_t n = machines[m].count;
			struct kvm_cpuid2 *c;

			c = for_vcpu(leaves_before_6_2, N_BEFORE_6_2, id, n,
				     false);
			ck_assert_uint_eq(entry(c, 0x1, 0)->ebx >> 24, id);
			ck_assert_uint_eq((entry(c, 0x1, 0)->ebx >> 16) & 0xff,
					  n & 0xff);
			assert_topology(c, 0xb, id, n, machines[m].shift);
			assert_topology(c, 0x1f, id, n, machines[m].shift);
			ck_assert_uint_eq(entry(c, 0x8000001e, 0)->eax, id);
			free(c);
		}
}
END_TEST

/*
 * KVM_SET_CPUID2 takes at most 256 entries: 253 leaves and 0BH's three
 * sub-leaves fit; one more leaf is E2BIG, and nothing is returned.
 */
START_TEST(cpuid_list_longer_than_kvm_takes_is_e2big)
{
	struct kvm_cpuid_entry2 l[255] = { { .function = 0xb } };
	struct kvm_cpuid2 *host, *c;

	for (uint32_t i = 1; i < 255; i++)
		l[i] = (struct kvm_cpuid_entry2){ .function = 0x40000100 + i };
	c = for_vcpu(l, 254, 0, 2, false);
	ck_assert_uint_eq(c->nent, 256);
	assert_topology(c, 0xb, 0, 2, 1);
	free(c);
	host = host_leaves(l, 255);
	errno = 0;
	ck_assert_ptr_null(x86_cpuid_for_vcpu(host, 0, 2, false));
	ck_assert_int_eq(errno, E2BIG);
	free(host);
}
END_TEST

/* Sub-leaves past the core level end the list: type 0, no processors. */
START_TEST(cpuid_topology_ends_after_the_core_level)
{
	struct kvm_cpuid_entry2 e = cpuid_topology(0xb, 2, 7, 8);

	ck_assert_uint_eq(e.function, 0xb);
	ck_assert_uint_eq(e.index, 2);
	ck_assert_uint_eq(e.flags, SIGNIFICANT);
	assert_regs(&e, 0, 0, 2, 7); /* ECX: its index, type 0 */
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
	tcase_add_test(tc, cpuid_topology_of_1_2_4_vcpus);
	tcase_add_test(tc, cpuid_apic_ids_and_topology_of_n_vcpus);
	tcase_add_test(tc, cpuid_list_longer_than_kvm_takes_is_e2big);
	tcase_add_test(tc, cpuid_topology_ends_after_the_core_level);
	tcase_add_test(tc, boot_msrs_as_firmware_leaves_them);
	tcase_add_test(tc, lapic_lint0_extint_lint1_nmi);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
