/*
 * test_entry64.c - unit tests of the 64-bit entry state: the boot GDT
 * descriptors bit for bit, the identity map walked like the MMU walks it,
 * and every register "64-bit Boot Protocol" names.
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: Documentation/arch/x86/boot.rst, "64-bit Boot Protocol"; Intel SDM
 * Vol. 3A, "Segment Descriptors", "4-Level Paging".
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include "run_suite.h"

#include "guest_mem.c"
#include "boot/entry64.c"

#define MEM_SIZE   0x10000000ULL /* 256 MiB */
#define ENTRY	   0x100200
#define PT_ADDR(e) ((e)&0x000ffffffffff000ULL)

/* The flat descriptors every OS writes: 64-bit code and 32-bit data. */
START_TEST(boot_gdt_has_boot_cs_and_boot_ds)
{
	uint64_t gdt[BOOT_GDT_ENTRIES];

	ck_assert_uint_eq(__BOOT_CS, 0x10);
	ck_assert_uint_eq(__BOOT_DS, 0x18);
	entry64_gdt_build(gdt);
	ck_assert_uint_eq(gdt[0], 0);
	ck_assert_uint_eq(gdt[1], 0);
	ck_assert_uint_eq(gdt[GDT_ENTRY_BOOT_CS], 0x00af9b000000ffffULL);
	ck_assert_uint_eq(gdt[GDT_ENTRY_BOOT_DS], 0x00cf93000000ffffULL);
}
END_TEST

START_TEST(segment_registers_hold_what_the_gdt_says)
{
	struct kvm_segment cs = entry64_segment(GDT_ENTRY_BOOT_CS);
	struct kvm_segment ds = entry64_segment(GDT_ENTRY_BOOT_DS);

	ck_assert_uint_eq(cs.selector, 0x10);
	ck_assert_uint_eq(cs.base, 0);
	ck_assert_uint_eq(cs.limit, 0xffffffff);
	ck_assert_uint_eq(cs.type, 0xb); /* execute/read, accessed */
	ck_assert_uint_eq(cs.l, 1);
	ck_assert_uint_eq(cs.db, 0);
	ck_assert_uint_eq(cs.present, 1);
	ck_assert_uint_eq(ds.selector, 0x18);
	ck_assert_uint_eq(ds.type, 0x3); /* read/write, accessed */
	ck_assert_uint_eq(ds.db, 1);
	ck_assert_uint_eq(ds.l, 0);
	ck_assert_uint_eq(entry64_segment(4).unusable, 1);
}
END_TEST

/* Translate va as the MMU would through CR3; ~0 if not present. */
static uint64_t walk(const uint8_t *mem, uint64_t cr3, uint64_t va)
{
	const uint64_t *pml4 = (const uint64_t *)(mem + cr3);
	uint64_t e = pml4[va >> 39 & 511];
	const uint64_t *pdpt, *pd;

	if (!(e & _PAGE_PRESENT))
		return ~0ULL;
	pdpt = (const uint64_t *)(mem + PT_ADDR(e));
	e = pdpt[va >> 30 & 511];
	if (!(e & _PAGE_PRESENT))
		return ~0ULL;
	pd = (const uint64_t *)(mem + PT_ADDR(e));
	e = pd[va >> 21 & 511];
	if (!(e & _PAGE_PRESENT) || !(e & _PAGE_PSE))
		return ~0ULL;
	return (e & ~(PAGE_SIZE_2M - 1) & 0x000fffffffffffffULL) |
	       (va & (PAGE_SIZE_2M - 1));
}

START_TEST(identity_map_covers_the_low_4g)
{
	struct guest_mem mem = { .size = MEM_SIZE };
	const uint64_t *pdpt, *pd;
	uint64_t cr3 = 0;

	mem.base = calloc(1, mem.size);
	ck_assert_ptr_nonnull(mem.base);
	ck_assert_int_eq(entry64_page_tables_build(&mem, &cr3), 0);
	ck_assert_uint_eq(cr3, 0x9000);
	pdpt = (const uint64_t *)(mem.base + 0xa000);
	pd = (const uint64_t *)(mem.base + 0xb000);
	ck_assert_uint_eq(((uint64_t *)(mem.base + 0x9000))[0], 0xa003);
	ck_assert_uint_eq(((uint64_t *)(mem.base + 0x9000))[1], 0);
	ck_assert_uint_eq(pdpt[0], 0xb003);
	ck_assert_uint_eq(pdpt[3], 0xe003);
	ck_assert_uint_eq(pdpt[4], 0);
	ck_assert_uint_eq(pd[0], 0x83);
	ck_assert_uint_eq(pd[1], 0x200083);
	ck_assert_uint_eq(pd[2047], 0xffe00083);
	ck_assert_uint_eq(walk(mem.base, cr3, 0x7000), 0x7000);
	ck_assert_uint_eq(walk(mem.base, cr3, ENTRY), ENTRY);
	ck_assert_uint_eq(walk(mem.base, cr3, 0x4377fff), 0x4377fff);
	ck_assert_uint_eq(walk(mem.base, cr3, 0xfee00000), 0xfee00000);
	ck_assert_uint_eq(walk(mem.base, cr3, 0xffffffff), 0xffffffff);
	ck_assert_uint_eq(walk(mem.base, cr3, 0x100000000ULL), ~0ULL);
	free(mem.base);
}
END_TEST

/* book:begin test_entry64_setup */
START_TEST(entry_state_is_the_64_bit_boot_protocol)
{
	struct guest_mem mem = { .size = MEM_SIZE };
	struct kvm_sregs sregs = { 0 };
	struct kvm_regs regs;
	const struct kvm_segment *data[] = { &sregs.ds, &sregs.es, &sregs.ss,
					     &sregs.fs, &sregs.gs };

	mem.base = calloc(1, mem.size);
	ck_assert_ptr_nonnull(mem.base);
	sregs.tr = (struct kvm_segment){ .type = 0xb, .present = 1 };
	sregs.cr0 = 0x60000010; /* KVM's reset value: CD, NW, ET */
	memset(&regs, 0xa5, sizeof(regs));
	ck_assert_int_eq(entry64_setup(&mem, ENTRY, 0x7000, &sregs, &regs), 0);
	ck_assert_uint_eq(sregs.cs.selector, __BOOT_CS);
	ck_assert_uint_eq(sregs.cs.l, 1);
	for (size_t i = 0; i < sizeof(data) / sizeof(data[0]); i++) {
		ck_assert_uint_eq(data[i]->selector, __BOOT_DS);
		ck_assert_uint_eq(data[i]->type, 0x3);
	}
	ck_assert_uint_eq(sregs.gdt.base, 0x500);
	ck_assert_uint_eq(sregs.gdt.limit, 31);
	ck_assert_uint_eq(((uint64_t *)(mem.base + 0x500))[2],
			  0x00af9b000000ffffULL);
	ck_assert_uint_eq(sregs.idt.limit, 0);
	ck_assert_uint_eq(sregs.cr0, 0x80000011); /* PG | ET | PE */
	ck_assert_uint_eq(sregs.cr3, 0x9000);
	ck_assert_uint_eq(sregs.cr4, 0x20);    /* PAE */
	ck_assert_uint_eq(sregs.efer, 0x500);  /* LMA | LME */
	ck_assert_uint_eq(sregs.tr.type, 0xb); /* kept */
	ck_assert_uint_eq(regs.rip, ENTRY);
	ck_assert_uint_eq(regs.rsi, 0x7000);
	ck_assert_uint_eq(regs.rflags, 0x2); /* IF clear */
	ck_assert_uint_eq(regs.rsp, 0x8ff0);
	ck_assert_uint_eq(regs.rax | regs.rbx | regs.rcx | regs.rdx | regs.rdi |
				  regs.rbp | regs.r8 | regs.r15,
			  0);
	free(mem.base);
}
END_TEST
/* book:end test_entry64_setup */

/* Memory that ends before the page directories: refused, not overrun. */
START_TEST(entry_state_needs_room_for_the_tables)
{
	struct guest_mem mem = { .size = 0xe000 };
	struct kvm_sregs sregs = { 0 };
	struct kvm_regs regs = { 0 };
	uint64_t cr3 = 0;

	mem.base = calloc(1, mem.size);
	ck_assert_ptr_nonnull(mem.base);
	ck_assert_int_eq(entry64_page_tables_build(&mem, &cr3), -EFAULT);
	ck_assert_int_eq(entry64_setup(&mem, ENTRY, 0x7000, &sregs, &regs),
			 -EFAULT);
	ck_assert_uint_eq(regs.rip, 0);
	free(mem.base);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("entry64");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, boot_gdt_has_boot_cs_and_boot_ds);
	tcase_add_test(tc, segment_registers_hold_what_the_gdt_says);
	tcase_add_test(tc, identity_map_covers_the_low_4g);
	tcase_add_test(tc, entry_state_is_the_64_bit_boot_protocol);
	tcase_add_test(tc, entry_state_needs_room_for_the_tables);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
