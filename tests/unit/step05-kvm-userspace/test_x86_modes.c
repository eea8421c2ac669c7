/*
 * test_x86_modes.c - unit tests of the GDT and page-table builders and
 * of the register state each CPU mode starts in (x86_modes.c, the same in
 * step05 and step06: step06's tests are this file, through a link).
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: Intel SDM Vol. 3A, "Segment Descriptors", "4-Level Paging",
 * "Initializing IA-32e Mode".
 */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>

#include "x86_modes.c"

/* A flat 4 GiB code segment as every OS writes it: 0x00cf9b000000ffff. */
START_TEST(gdt_encodes_flat_segments_as_the_sdm_does)
{
	uint64_t gdt[GDT_ENTRIES];

	gdt_build(gdt);
	ck_assert_uint_eq(gdt[GDT_NULL], 0);
	ck_assert_uint_eq(gdt[GDT_CODE32], 0x00cf9b000000ffffULL);
	ck_assert_uint_eq(gdt[GDT_DATA], 0x00cf93000000ffffULL);
	ck_assert_uint_eq(gdt[GDT_CODE64], 0x00af9b000000ffffULL);
}
END_TEST

START_TEST(gdt_decode_inverts_encode)
{
	struct kvm_segment in = { .base = 0x12345678,
				  .limit = 0xabcde,
				  .type = 0xa,
				  .present = 1,
				  .dpl = 3,
				  .s = 1,
				  .db = 1,
				  .avl = 1 };
	struct kvm_segment out = gdt_decode(gdt_encode(&in), 0x2b);

	ck_assert_uint_eq(out.base, 0x12345678);
	ck_assert_uint_eq(out.limit, 0xabcde);
	ck_assert_uint_eq(out.selector, 0x2b);
	ck_assert_uint_eq(out.type, 0xa);
	ck_assert_uint_eq(out.dpl, 3);
	ck_assert_uint_eq(out.present, 1);
	ck_assert_uint_eq(out.s, 1);
	ck_assert_uint_eq(out.db, 1);
	ck_assert_uint_eq(out.avl, 1);
	ck_assert_uint_eq(out.l, 0);
	ck_assert_uint_eq(out.g, 0);
}
END_TEST

/* With G=1 the 20-bit limit counts 4 KiB pages: 0xfffff -> 0xffffffff. */
START_TEST(gdt_granularity_scales_the_limit)
{
	struct kvm_segment seg = gdt_decode(0x00cf93000000ffffULL, 0x10);

	ck_assert_uint_eq(seg.limit, 0xffffffff);
	ck_assert_uint_eq(seg.g, 1);
	ck_assert_uint_eq(seg.base, 0);
}
END_TEST

START_TEST(page_tables_identity_map_the_first_gib)
{
	uint8_t *mem = calloc(1, GUEST_MEM_MIN);
	uint64_t *pml4 = (uint64_t *)(mem + GUEST_PML4_ADDR);
	uint64_t *pdpt = (uint64_t *)(mem + GUEST_PDPT_ADDR);
	uint64_t *pd = (uint64_t *)(mem + GUEST_PD_ADDR);

	ck_assert_uint_eq(page_tables_build(mem), GUEST_PML4_ADDR);
	ck_assert_uint_eq(pml4[0], GUEST_PDPT_ADDR | 0x3); /* P, RW */
	ck_assert_uint_eq(pml4[1], 0);
	ck_assert_uint_eq(pdpt[0], GUEST_PD_ADDR | 0x3);
	ck_assert_uint_eq(pdpt[1], 0);
	ck_assert_uint_eq(pd[0], 0x83); /* P, RW, PS */
	ck_assert_uint_eq(pd[1], 0x200000 | 0x83);
	ck_assert_uint_eq(pd[511], 0x3fe00000 | 0x83);
	/* The MMIO result register is mapped too (PD entry 256). */
	ck_assert_uint_eq(pd[GUEST_MMIO_RESULT >> 21],
			  GUEST_MMIO_RESULT | 0x83);
	free(mem);
}
END_TEST

START_TEST(long_mode_state_is_complete)
{
	uint8_t *mem = calloc(1, GUEST_MEM_MIN);
	struct kvm_sregs s = { 0 };
	struct kvm_regs r;

	setup_long_mode(mem, &s, &r);
	ck_assert_uint_eq(s.cr0 & (X86_CR0_PE | X86_CR0_PG),
			  X86_CR0_PE | X86_CR0_PG);
	ck_assert_uint_eq(s.cr4 & X86_CR4_PAE, X86_CR4_PAE);
	ck_assert_uint_eq(s.efer, EFER_LME | EFER_LMA);
	ck_assert_uint_eq(s.cr3, GUEST_PML4_ADDR);
	ck_assert_uint_eq(s.cs.selector, GDT_SELECTOR(GDT_CODE64));
	ck_assert_uint_eq(s.cs.l, 1);
	ck_assert_uint_eq(s.cs.db, 0); /* L=1 requires D=0 */
	ck_assert_uint_eq(s.ss.selector, GDT_SELECTOR(GDT_DATA));
	ck_assert_uint_eq(s.gdt.base, GUEST_GDT_ADDR);
	ck_assert_uint_eq(s.gdt.limit, GDT_ENTRIES * 8 - 1);
	ck_assert_uint_eq(r.rip, GUEST_LOAD_ADDR);
	ck_assert_uint_eq(r.rsp, GUEST_STACK_TOP);
	ck_assert_uint_eq(r.rflags, X86_EFLAGS_FIXED);
	free(mem);
}
END_TEST

START_TEST(protected_mode_has_no_paging)
{
	uint8_t *mem = calloc(1, GUEST_MEM_MIN);
	struct kvm_sregs s = { 0 };
	struct kvm_regs r;

	setup_protected_mode(mem, &s, &r);
	ck_assert_uint_eq(s.cr0, X86_CR0_PE);
	ck_assert_uint_eq(s.efer, 0);
	ck_assert_uint_eq(s.cs.selector, GDT_SELECTOR(GDT_CODE32));
	ck_assert_uint_eq(s.cs.db, 1);
	ck_assert_uint_eq(s.ds.limit, 0xffffffff);
	free(mem);
}
END_TEST

START_TEST(real_mode_moves_cs_base_to_zero)
{
	struct kvm_sregs s = { 0 };
	struct kvm_regs r;

	s.cs.base = 0xffff0000; /* the reset state */
	s.cs.selector = 0xf000;
	s.ds.limit = 0xffff;
	setup_real_mode(&s, &r);
	ck_assert_uint_eq(s.cs.base, 0);
	ck_assert_uint_eq(s.cs.selector, 0);
	ck_assert_uint_eq(s.es.limit, 0xffff);
	ck_assert_uint_eq(s.cr0, 0);
	ck_assert_uint_eq(r.rip, GUEST_LOAD_ADDR);
}
END_TEST

START_TEST(mode_names_parse_and_print)
{
	enum cpu_mode m;

	ck_assert_int_eq(mode_parse("protected", &m), 0);
	ck_assert_int_eq(m, MODE_PROTECTED);
	ck_assert_int_eq(mode_parse("Long", &m), -EINVAL);
	ck_assert_int_eq(mode_parse("", &m), -EINVAL);
	ck_assert_str_eq(mode_name(MODE_LONG), "long");
	ck_assert_uint_eq(mode_result_width(MODE_REAL), 2);
	ck_assert_uint_eq(mode_result_width(MODE_LONG), 8);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("x86_modes");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, gdt_encodes_flat_segments_as_the_sdm_does);
	tcase_add_test(tc, gdt_decode_inverts_encode);
	tcase_add_test(tc, gdt_granularity_scales_the_limit);
	tcase_add_test(tc, page_tables_identity_map_the_first_gib);
	tcase_add_test(tc, long_mode_state_is_complete);
	tcase_add_test(tc, protected_mode_has_no_paging);
	tcase_add_test(tc, real_mode_moves_cs_base_to_zero);
	tcase_add_test(tc, mode_names_parse_and_print);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
