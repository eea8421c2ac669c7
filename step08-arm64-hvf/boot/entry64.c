/*
 * entry64.c - put a fresh vCPU where a 64-bit boot loader leaves the CPU
 * when it jumps to Linux: long mode, paging on, a GDT with __BOOT_CS and
 * __BOOT_DS, interrupts off, RSI pointing at boot_params.
 *
 * Runs: userspace (the VMM), before the first KVM_RUN; pure functions over
 * guest memory and struct kvm_sregs / kvm_regs (the unit tests include
 * this file).
 *
 * Spec: Documentation/arch/x86/boot.rst, "64-bit Boot Protocol": "At
 * entry, the CPU must be in 64-bit mode with paging enabled.  The range
 * with setup_header.init_size from start address of loaded kernel and
 * zero page and command line buffer get ident mapping; a GDT must be
 * loaded with the descriptors for selectors __BOOT_CS(0x10) and
 * __BOOT_DS(0x18); both descriptors must be 4G flat segment; __BOOT_CS
 * must have execute/read permission, and __BOOT_DS must have read/write
 * permission; CS must be __BOOT_CS and DS, ES, SS must be __BOOT_DS;
 * interrupt must be disabled; %rsi must hold the base address of the
 * struct boot_params."  Intel SDM Vol. 3A: "Segment Descriptors",
 * "Code- and Data-Segment Descriptor Types", "4-Level Paging",
 * "Initializing IA-32e Mode".
 *
 * A real boot loader gets there by running code; a VMM writes the end
 * state into the vCPU, including each segment register's hidden part,
 * which is exactly the descriptor it would have loaded from the GDT.
 */
#include <errno.h>
#include <string.h>
#include <asm/processor-flags.h>

#include "entry64.h"
#include "machine.h"

/* IA32_EFER bits (Linux: arch/x86/include/asm/msr-index.h, not UAPI). */
#define EFER_LME (1ULL << 8)  /* Long Mode Enable */
#define EFER_LMA (1ULL << 10) /* Long Mode Active */

/* Segment types with S=1, "Code- and Data-Segment Descriptor Types". */
#define SEG_TYPE_DATA_RW_ACCESSED 0x3 /* read/write, accessed */
#define SEG_TYPE_CODE_XR_ACCESSED 0xb /* execute/read, accessed */
#define SEG_LIMIT_4G		  0xffffffff
#define PAGE_SHIFT_4K		  12 /* G=1: the limit counts 4 KiB pages */

/* Paging-structure entry bits, as Linux spells them (pgtable_types.h). */
#define _PAGE_PRESENT  (1ULL << 0)
#define _PAGE_RW       (1ULL << 1)
#define _PAGE_PSE      (1ULL << 7) /* in a PD entry: a 2 MiB page */
#define PT_ENTRIES     512
#define PT_SIZE	       (PT_ENTRIES * sizeof(uint64_t))
#define PAGE_SIZE_2M   (1ULL << 21)
#define IDENTITY_PDS   4 /* 4 x 512 x 2 MiB: all of the low 4 GiB */
#define IDENTITY_PAGES (IDENTITY_PDS * PT_ENTRIES)

/*
 * "Segment Descriptors", field by field.  Base and limit are cut in
 * pieces for compatibility with the 80286; GCC lays bit-fields out from
 * the least significant bit, as the SDM numbers them.
 */
struct seg_desc {
	uint64_t limit_15_0 : 16;
	uint64_t base_23_0 : 24;
	uint64_t type : 4;
	uint64_t s : 1; /* 1: code or data, 0: system */
	uint64_t dpl : 2;
	uint64_t p : 1;
	uint64_t limit_19_16 : 4;
	uint64_t avl : 1;
	uint64_t l : 1;	 /* 64-bit code segment */
	uint64_t db : 1; /* 32-bit default operand size; must be 0 if l */
	uint64_t g : 1;	 /* limit in 4 KiB pages */
	uint64_t base_31_24 : 8;
};
_Static_assert(sizeof(struct seg_desc) == 8, "a descriptor is 8 bytes");

/* book:begin boot_gdt */
/*
 * The boot GDT, as the segment registers' hidden parts: entries 0 and 1
 * are null, __BOOT_CS is a flat 64-bit execute/read code segment (L=1,
 * which requires D=0), __BOOT_DS a flat read/write data segment.
 */
static const struct kvm_segment boot_segments[BOOT_GDT_ENTRIES] = {
	[GDT_ENTRY_BOOT_CS] = { .limit = SEG_LIMIT_4G,
				.selector = __BOOT_CS,
				.type = SEG_TYPE_CODE_XR_ACCESSED,
				.present = 1,
				.s = 1,
				.l = 1,
				.g = 1 },
	[GDT_ENTRY_BOOT_DS] = { .limit = SEG_LIMIT_4G,
				.selector = __BOOT_DS,
				.type = SEG_TYPE_DATA_RW_ACCESSED,
				.present = 1,
				.s = 1,
				.db = 1,
				.g = 1 },
};
/* book:end boot_gdt */

/* The 8-byte descriptor the CPU would load seg's hidden part from. */
static uint64_t seg_desc_encode(const struct kvm_segment *seg)
{
	uint32_t limit = seg->g ? seg->limit >> PAGE_SHIFT_4K : seg->limit;
	union {
		struct seg_desc d;
		uint64_t raw;
	} u = { .raw = 0 };

	if (!seg->present)
		return 0; /* a null descriptor */
	u.d.limit_15_0 = limit & 0xffff;
	u.d.limit_19_16 = limit >> 16 & 0xf;
	u.d.base_23_0 = seg->base & 0xffffff;
	u.d.base_31_24 = seg->base >> 24 & 0xff;
	u.d.type = seg->type;
	u.d.s = seg->s;
	u.d.dpl = seg->dpl;
	u.d.p = seg->present;
	u.d.avl = seg->avl;
	u.d.l = seg->l;
	u.d.db = seg->db;
	u.d.g = seg->g;
	return u.raw;
}

void entry64_gdt_build(uint64_t gdt[BOOT_GDT_ENTRIES])
{
	for (unsigned int i = 0; i < BOOT_GDT_ENTRIES; i++)
		gdt[i] = seg_desc_encode(&boot_segments[i]);
}

/* What a segment register holds after loading entry index of the GDT. */
struct kvm_segment entry64_segment(unsigned int index)
{
	struct kvm_segment none = { .unusable = 1 };

	return index < BOOT_GDT_ENTRIES ? boot_segments[index] : none;
}

/* book:begin identity_map */
/*
 * Identity-map the low 4 GiB with 2 MiB pages: PML4[0] -> PDPT, PDPT[0..3]
 * -> four page directories of 512 large pages each.  That covers every
 * range the protocol wants mapped (kernel + init_size, zero page, command
 * line: all of RAM, which ends below 3 GiB), and the device windows too.
 */
int entry64_page_tables_build(const struct guest_mem *mem, uint64_t *cr3)
{
	uint64_t *pml4 = gpa_to_hva(mem, MACHINE_PML4_ADDR, PT_SIZE);
	uint64_t *pdpt = gpa_to_hva(mem, MACHINE_PDPT_ADDR, PT_SIZE);
	uint64_t *pd = gpa_to_hva(mem, MACHINE_PD_ADDR, IDENTITY_PDS * PT_SIZE);

	if (!pml4 || !pdpt || !pd)
		return -EFAULT;
	memset(pml4, 0, PT_SIZE);
	memset(pdpt, 0, PT_SIZE);
	pml4[0] = MACHINE_PDPT_ADDR | _PAGE_PRESENT | _PAGE_RW;
	for (uint64_t i = 0; i < IDENTITY_PDS; i++)
		pdpt[i] = (MACHINE_PD_ADDR + i * PT_SIZE) | _PAGE_PRESENT |
			  _PAGE_RW;
	for (uint64_t i = 0; i < IDENTITY_PAGES; i++)
		pd[i] = i * PAGE_SIZE_2M | _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE;
	*cr3 = MACHINE_PML4_ADDR;
	return 0;
}
/* book:end identity_map */

static void load_boot_data_segments(struct kvm_sregs *sregs)
{
	struct kvm_segment *data[] = { &sregs->ds, &sregs->es, &sregs->fs,
				       &sregs->gs, &sregs->ss };

	for (size_t i = 0; i < sizeof(data) / sizeof(data[0]); i++)
		*data[i] = boot_segments[GDT_ENTRY_BOOT_DS];
}

/* book:begin entry64_setup */
/*
 * The state "64-bit Boot Protocol" asks for, written over the reset state
 * KVM_GET_SREGS gave: GDT, CS = __BOOT_CS, DS = ES = SS (and FS, GS) =
 * __BOOT_DS, identity-mapped page tables, CR0.PE|PG (ET, as after reset;
 * CD and NW cleared: caches on), CR4.PAE, EFER.LME|LMA, an empty IDT (an
 * exception before the kernel loads its own is a triple fault the VMM
 * sees, not a jump through garbage), RFLAGS with IF clear, RSI =
 * boot_params, RIP = the entry point.  TR and LDT keep their reset values
 * (a busy TSS, which VM entry into IA-32e mode requires).
 */
int entry64_setup(const struct guest_mem *mem, uint64_t entry,
		  uint64_t boot_params, struct kvm_sregs *sregs,
		  struct kvm_regs *regs)
{
	uint64_t *gdt = gpa_to_hva(mem, MACHINE_GDT_ADDR,
				   BOOT_GDT_ENTRIES * sizeof(uint64_t));
	uint64_t cr3;

	if (!gdt || entry64_page_tables_build(mem, &cr3) < 0)
		return -EFAULT;
	entry64_gdt_build(gdt);
	sregs->gdt.base = MACHINE_GDT_ADDR;
	sregs->gdt.limit = BOOT_GDT_ENTRIES * sizeof(uint64_t) - 1;
	sregs->idt.base = 0;
	sregs->idt.limit = 0;
	sregs->cs = boot_segments[GDT_ENTRY_BOOT_CS];
	load_boot_data_segments(sregs);
	sregs->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_PG;
	sregs->cr3 = cr3;
	sregs->cr4 = X86_CR4_PAE;
	sregs->efer = EFER_LME | EFER_LMA;
	memset(regs, 0, sizeof(*regs));
	regs->rflags = X86_EFLAGS_FIXED;
	regs->rip = entry;
	regs->rsi = boot_params;
	regs->rsp = MACHINE_STACK_TOP;
	return 0;
}
/* book:end entry64_setup */
