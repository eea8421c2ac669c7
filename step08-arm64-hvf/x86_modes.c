/*
 * x86_modes.c - put a fresh vCPU into real, protected or long mode.
 *
 * Runs: userspace (the VMM), before the first KVM_RUN; pure functions over
 * guest memory and the register structures of <linux/kvm.h>, so the host
 * unit tests include this file directly.
 *
 * Spec: Intel SDM Vol. 3A, "Segment Descriptors", "Code- and Data-Segment
 * Descriptor Types", "Global and Local Descriptor Tables", "4-Level Paging"
 * (formats of PML4, PDPT and PD entries), "Initializing IA-32e Mode".
 *
 * A real CPU gets from real mode to long mode by running code: lgdt, set
 * CR0.PE, far jump, set CR4.PAE, load CR3, set EFER.LME, set CR0.PG.  A VMM
 * does not have to: it writes the end state straight into the vCPU with
 * KVM_SET_SREGS, including the hidden part of each segment register that
 * the CPU would otherwise load from the GDT.
 */
#include <errno.h>
#include <string.h>
#include <asm/processor-flags.h>

#include "layout.h"
#include "x86_modes.h"

/* IA32_EFER bits (Linux: arch/x86/include/asm/msr-index.h, not UAPI). */
#define EFER_LME (1ULL << 8)  /* Long Mode Enable */
#define EFER_LMA (1ULL << 10) /* Long Mode Active */

/*
 * A segment descriptor as "Segment Descriptors" draws it, field by field
 * from bit 0 up.  The System V ABI allocates bit-fields from the least
 * significant bit, which Linux's struct desc_struct relies on too.
 */
struct seg_desc {
	uint64_t limit_15_0 : 16; /* Segment Limit 15:00 */
	uint64_t base_15_0 : 16;  /* Base Address 15:00 */
	uint64_t base_23_16 : 8;  /* Base 23:16 */
	uint64_t type : 4;	  /* Type (below) */
	uint64_t s : 1;		  /* S: 1 code or data, 0 system */
	uint64_t dpl : 2;	  /* DPL: Descriptor Privilege Level */
	uint64_t p : 1;		  /* P: Segment Present */
	uint64_t limit_19_16 : 4; /* Seg. Limit 19:16 */
	uint64_t avl : 1;	  /* AVL: for use by system software */
	uint64_t l : 1;		  /* L: 64-bit code segment */
	uint64_t db : 1;	  /* D/B: default operation size 32 bits */
	uint64_t g : 1;		  /* G: the limit counts 4 KiB units */
	uint64_t base_31_24 : 8;  /* Base 31:24 */
};
_Static_assert(sizeof(struct seg_desc) == 8, "a descriptor is 8 bytes");

/* With G=1 the 20-bit limit counts 4 KiB units: shift by 12 ... */
#define SEG_GRANULARITY_SHIFT 12
/* ... and the low 12 bits of the byte limit are all ones. */
#define SEG_GRANULARITY_MASK ((1U << SEG_GRANULARITY_SHIFT) - 1)
#define SEG_LIMIT_4G	     0xffffffff /* a flat segment: all of 4 GiB */

/* Segment types with S=1, "Code- and Data-Segment Descriptor Types". */
#define SEG_TYPE_DATA_RW_ACCESSED 0x3 /* read/write, accessed */
#define SEG_TYPE_CODE_XR_ACCESSED 0xB /* execute/read, accessed */

/* Paging-structure entry bits, as Linux spells them (pgtable_types.h). */
#define _PAGE_PRESENT (1ULL << 0)
#define _PAGE_RW      (1ULL << 1)
#define _PAGE_PSE     (1ULL << 7) /* in a PD entry: maps a 2 MiB page */
#define PT_ENTRIES    512
#define PAGE_SIZE_2M  (1ULL << 21)

static const char *const mode_names[MODE_COUNT] = {
	[MODE_REAL] = "real",
	[MODE_PROTECTED] = "protected",
	[MODE_LONG] = "long",
};

/* The width of the guest's answer: a 16-, 32- or 64-bit register. */
static const size_t mode_widths[MODE_COUNT] = {
	[MODE_REAL] = sizeof(uint16_t),
	[MODE_PROTECTED] = sizeof(uint32_t),
	[MODE_LONG] = sizeof(uint64_t),
};

const char *mode_name(enum cpu_mode mode)
{
	return mode < MODE_COUNT ? mode_names[mode] : "?";
}

size_t mode_result_width(enum cpu_mode mode)
{
	return mode < MODE_COUNT ? mode_widths[mode] : 0;
}

/* Returns 0 and sets *mode, or -EINVAL for a name that is not a mode. */
int mode_parse(const char *name, enum cpu_mode *mode)
{
	for (int m = 0; m < MODE_COUNT; m++) {
		if (strcmp(name, mode_names[m]) == 0) {
			*mode = (enum cpu_mode)m;
			return 0;
		}
	}
	return -EINVAL;
}

/* book:begin gdt */
/*
 * The flat segments every mode above real mode uses: base 0, limit 4 GiB.
 * struct kvm_segment is exactly the decoded form of a descriptor (the
 * "hidden part" of a segment register), so we describe each one that way
 * and encode it into the 8-byte format the SDM defines.
 */
static const struct kvm_segment gdt_template[GDT_ENTRIES] = {
	[GDT_CODE32] = { .limit = SEG_LIMIT_4G,
			 .type = SEG_TYPE_CODE_XR_ACCESSED,
			 .present = 1,
			 .s = 1,
			 .db = 1,
			 .g = 1 },
	[GDT_DATA] = { .limit = SEG_LIMIT_4G,
		       .type = SEG_TYPE_DATA_RW_ACCESSED,
		       .present = 1,
		       .s = 1,
		       .db = 1,
		       .g = 1 },
	[GDT_CODE64] = { .limit = SEG_LIMIT_4G,
			 .type = SEG_TYPE_CODE_XR_ACCESSED,
			 .present = 1,
			 .s = 1,
			 .l = 1,
			 .g = 1 },
};

/*
 * "Segment Descriptors": base and limit are scattered across the 8 bytes;
 * the fields' names say which bits of the base or limit each one holds.
 */
uint64_t gdt_encode(const struct kvm_segment *seg)
{
	uint32_t limit =
		seg->g ? seg->limit >> SEG_GRANULARITY_SHIFT : seg->limit;
	struct seg_desc d = {
		.limit_15_0 = limit,
		.base_15_0 = seg->base,
		.base_23_16 = seg->base >> 16,
		.type = seg->type,
		.s = seg->s,
		.dpl = seg->dpl,
		.p = seg->present,
		.limit_19_16 = limit >> 16,
		.avl = seg->avl,
		.l = seg->l,
		.db = seg->db,
		.g = seg->g,
		.base_31_24 = seg->base >> 24,
	};
	uint64_t desc;

	memcpy(&desc, &d, sizeof(desc));
	return desc;
}
/* book:end gdt */

/* What the CPU loads into a segment register's hidden part on a mov/jmp. */
struct kvm_segment gdt_decode(uint64_t desc, uint16_t selector)
{
	struct seg_desc d;
	uint32_t limit;

	memcpy(&d, &desc, sizeof(d));
	limit = (uint32_t)d.limit_19_16 << 16 | d.limit_15_0;
	return (struct kvm_segment){
		.base = (uint64_t)d.base_31_24 << 24 | d.base_23_16 << 16 |
			d.base_15_0,
		.limit = d.g ? limit << SEG_GRANULARITY_SHIFT |
					 SEG_GRANULARITY_MASK
			     : limit,
		.selector = selector,
		.type = d.type,
		.s = d.s,
		.dpl = d.dpl,
		.present = d.p,
		.avl = d.avl,
		.l = d.l,
		.db = d.db,
		.g = d.g,
	};
}

void gdt_build(uint64_t gdt[GDT_ENTRIES])
{
	for (int i = 0; i < GDT_ENTRIES; i++)
		gdt[i] = i == GDT_NULL ? 0 : gdt_encode(&gdt_template[i]);
}

/* book:begin page_tables */
/*
 * Identity-map the first GiB with 2 MiB pages: one PML4 entry -> one PDPT
 * entry -> one page directory of 512 large pages.  Guest-virtual equals
 * guest-physical, so the image runs at the address it was loaded at.
 * The tables live in guest memory, at the addresses layout.h reserves.
 * Returns the value for CR3.
 */
uint64_t page_tables_build(uint8_t *mem)
{
	uint64_t *pml4 = (uint64_t *)(mem + GUEST_PML4_ADDR);
	uint64_t *pdpt = (uint64_t *)(mem + GUEST_PDPT_ADDR);
	uint64_t *pd = (uint64_t *)(mem + GUEST_PD_ADDR);

	memset(pml4, 0, PT_ENTRIES * sizeof(*pml4));
	memset(pdpt, 0, PT_ENTRIES * sizeof(*pdpt));
	pml4[0] = GUEST_PDPT_ADDR | _PAGE_PRESENT | _PAGE_RW;
	pdpt[0] = GUEST_PD_ADDR | _PAGE_PRESENT | _PAGE_RW;
	for (uint64_t i = 0; i < PT_ENTRIES; i++)
		pd[i] = i * PAGE_SIZE_2M | _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE;
	return GUEST_PML4_ADDR;
}
/* book:end page_tables */

/* Every data segment register gets the same treatment: one table, no copies. */
static void load_data_segments(struct kvm_sregs *sregs,
			       const struct kvm_segment *seg)
{
	struct kvm_segment *data[] = { &sregs->ds, &sregs->es, &sregs->fs,
				       &sregs->gs, &sregs->ss };

	for (size_t i = 0; i < sizeof(data) / sizeof(data[0]); i++)
		*data[i] = *seg;
}

static void start_at_entry(struct kvm_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
	regs->rip = GUEST_LOAD_ADDR;
	regs->rsp = GUEST_STACK_TOP;
	regs->rflags = X86_EFLAGS_FIXED;
}

/* book:begin real_mode */
/*
 * After reset the vCPU is already in real mode, executing at CS base
 * 0xffff0000.  We only move every segment base to 0, so that CS:IP =
 * 0:GUEST_LOAD_ADDR is the first byte of the image.
 */
void setup_real_mode(struct kvm_sregs *sregs, struct kvm_regs *regs)
{
	struct kvm_segment seg = sregs->ds; /* reset state: limit 0xffff */

	seg.base = 0;
	seg.selector = 0;
	load_data_segments(sregs, &seg);
	sregs->cs.base = 0;
	sregs->cs.selector = 0;
	start_at_entry(regs);
}
/* book:end real_mode */

/* book:begin protected_mode */
/* Write the GDT, point GDTR at it, load flat segments, set CR0.PE. */
void setup_protected_mode(uint8_t *mem, struct kvm_sregs *sregs,
			  struct kvm_regs *regs)
{
	uint64_t *gdt = (uint64_t *)(mem + GUEST_GDT_ADDR);
	struct kvm_segment data;

	gdt_build(gdt);
	sregs->gdt.base = GUEST_GDT_ADDR;
	sregs->gdt.limit = GDT_ENTRIES * sizeof(*gdt) - 1;
	sregs->cs = gdt_decode(gdt[GDT_CODE32], GDT_SELECTOR(GDT_CODE32));
	data = gdt_decode(gdt[GDT_DATA], GDT_SELECTOR(GDT_DATA));
	load_data_segments(sregs, &data);
	sregs->cr0 |= X86_CR0_PE;
	start_at_entry(regs);
}
/* book:end protected_mode */

/* book:begin long_mode */
/*
 * Protected mode plus paging: page tables, CR3, CR4.PAE, EFER.LME and LMA,
 * CR0.PG, and a code segment with L=1.  This is the state "Initializing
 * IA-32e Mode" ends in; the guest never runs the code that gets there.
 */
void setup_long_mode(uint8_t *mem, struct kvm_sregs *sregs,
		     struct kvm_regs *regs)
{
	uint64_t *gdt = (uint64_t *)(mem + GUEST_GDT_ADDR);

	setup_protected_mode(mem, sregs, regs);
	sregs->cs = gdt_decode(gdt[GDT_CODE64], GDT_SELECTOR(GDT_CODE64));
	sregs->cr3 = page_tables_build(mem);
	sregs->cr4 |= X86_CR4_PAE;
	sregs->efer |= EFER_LME | EFER_LMA;
	sregs->cr0 |= X86_CR0_PE | X86_CR0_PG;
}
/* book:end long_mode */
