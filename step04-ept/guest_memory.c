// SPDX-License-Identifier: GPL-2.0
/*
 * guest_memory.c - guest-physical memory through extended page tables.
 *
 * With EPT on, every guest-physical address the guest uses (for code, data,
 * its own page tables if it had any) goes through a second translation the
 * VMM owns: a 4-level tree of 512-entry tables, just like x86-64 paging,
 * whose leaves point to host pages. A GPA with no leaf is not memory at all:
 * touching it is an EPT violation, a VM exit the VMM can resolve (map a
 * page, emulate a device) or refuse.
 *
 * Runs in the kernel module, VMX root operation.
 *
 * Spec: Intel SDM Vol. 3, "EPT Overview", "EPT Translation Mechanism",
 * "Translation of Guest-Physical Addresses Using EPT", "Invalidating
 * Cached Translation Information" ("Guidelines for Use of the INVEPT
 * Instruction"), "INVEPT - Invalidate Translations Derived from EPT"
 * (Vol. 3, "VMX Instruction Reference").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/vmx.h>

#include "ept.h"
#include "guest_memory.h"
#include "vmx_insn.h"

/* book:begin walk */
/*
 * The leaf entry that maps @gpa: start at the PML4, follow one entry per
 * level. A missing table is allocated on the way when @gfp is non-zero;
 * otherwise the walk stops and returns NULL. A GPA the walk cannot reach
 * (bits above 47; the guest chooses GPAs) is never aliased: NULL.
 */
static u64 *ept_walk(struct guest_memory *mem, u64 gpa, gfp_t gfp)
{
	u64 *table = mem->pml4;
	int level;

	if (!ept_gpa_valid(gpa))
		return NULL;
	for (level = EPT_LEVELS; level > 1; level--) {
		u64 *entry = &table[ept_index(gpa, level)];

		if (!ept_entry_present(*entry)) {
			void *next = gfp ? (void *)get_zeroed_page(gfp) : NULL;

			if (!next)
				return NULL;
			mem->nr_tables++;
			*entry = ept_table_entry(__pa(next));
		}
		table = __va(ept_entry_addr(*entry));
	}
	return &table[ept_index(gpa, 1)];
}

int guest_memory_map(struct guest_memory *mem, u64 gpa, u64 rwx, gfp_t gfp)
{
	u64 *leaf;
	void *page;

	if (!ept_gpa_valid(gpa))
		return -EINVAL;
	leaf = ept_walk(mem, gpa, gfp);
	if (!leaf)
		return -ENOMEM;
	if (ept_entry_present(*leaf))
		return -EEXIST;
	page = (void *)get_zeroed_page(gfp);
	if (!page)
		return -ENOMEM;
	*leaf = ept_page_entry(__pa(page), rwx);
	mem->nr_pages++;
	return 0;
}
/* book:end walk */

void *guest_memory_hva(struct guest_memory *mem, u64 gpa)
{
	u64 *leaf = ept_walk(mem, gpa, 0);

	if (!leaf || !ept_entry_present(*leaf))
		return NULL;
	return __va(ept_entry_addr(*leaf)) + (gpa & (EPT_PAGE_SIZE - 1));
}

/* Copy @len bytes between @buf and guest-physical @gpa, page by page. */
static int guest_memory_copy(struct guest_memory *mem, u64 gpa, void *buf,
			     size_t len, bool to_guest)
{
	while (len) {
		size_t in_page = EPT_PAGE_SIZE - (gpa & (EPT_PAGE_SIZE - 1));
		size_t chunk = min(len, in_page);
		void *hva = guest_memory_hva(mem, gpa);

		if (!hva)
			return -EFAULT;
		if (to_guest)
			memcpy(hva, buf, chunk);
		else
			memcpy(buf, hva, chunk);
		gpa += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

int guest_memory_write(struct guest_memory *mem, u64 gpa, const void *src,
		       size_t len)
{
	return guest_memory_copy(mem, gpa, (void *)src, len, true);
}

int guest_memory_read(struct guest_memory *mem, u64 gpa, void *dst, size_t len)
{
	return guest_memory_copy(mem, gpa, dst, len, false);
}

/* book:begin invept */
/*
 * The CPU caches EPT translations (and EPT paging-structure entries) tagged
 * with the EPTP. After changing an entry, INVEPT drops what it may have
 * cached, for our EPTP only (single-context) where the CPU supports that.
 */
int guest_memory_invalidate(struct guest_memory *mem)
{
	enum vmx_insn_status status = vmx_invept(mem->invept_type, mem->eptp);
	int err = vmx_insn_failed("INVEPT", status);

	if (err)
		mem->invept_failed = true;
	return err;
}
/* book:end invept */

/* book:begin create */
int guest_memory_create(struct guest_memory *mem, const struct vmx_caps *caps)
{
	bool wb;

	memset(mem, 0, sizeof(*mem));
	mem->invept_type = ept_invept_type(caps->ept_vpid_cap);
	if (!mem->invept_type) {
		pr_err("IA32_VMX_EPT_VPID_CAP = 0x%llx: no INVEPT\n",
		       caps->ept_vpid_cap);
		return -EOPNOTSUPP;
	}
	mem->pml4 = (u64 *)get_zeroed_page(GFP_KERNEL);
	if (!mem->pml4)
		return -ENOMEM;
	mem->nr_tables = 1;
	if (!ept_build_eptp(caps->ept_vpid_cap, __pa(mem->pml4), &mem->eptp)) {
		pr_err("IA32_VMX_EPT_VPID_CAP = 0x%llx: no 4-level walk with a usable memory type\n",
		       caps->ept_vpid_cap);
		free_page((unsigned long)mem->pml4);
		mem->pml4 = NULL;
		return -EOPNOTSUPP;
	}
	wb = (mem->eptp & VMX_EPTP_MT_MASK) == VMX_EPTP_MT_WB;
	pr_info("EPT: PML4 at host 0x%llx, EPTP 0x%llx (4-level walk, %s)\n",
		(u64)__pa(mem->pml4), mem->eptp,
		wb ? "write-back" : "uncacheable");
	return 0;
}
/* book:end create */

static void ept_free_table(u64 *table, int level)
{
	unsigned int i;

	for (i = 0; i < EPT_ENTRIES; i++) {
		void *next;

		if (!ept_entry_present(table[i]))
			continue;
		next = __va(ept_entry_addr(table[i]));
		if (level > 1)
			ept_free_table(next, level - 1);
		else
			free_page((unsigned long)next);
	}
	free_page((unsigned long)table);
}

void guest_memory_destroy(struct guest_memory *mem)
{
	if (!mem->pml4)
		return;
	if (mem->invept_failed) {
		pr_err("guest memory leaked, not freed: an INVEPT failed, so the CPU may still use it\n");
		return;
	}
	ept_free_table(mem->pml4, EPT_LEVELS);
	mem->pml4 = NULL;
}
