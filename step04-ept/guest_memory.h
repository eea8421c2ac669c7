/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest_memory.h - the guest's physical memory: host pages the module
 * allocates, mapped at guest-physical addresses by extended page tables.
 *
 * Runs in the kernel module, VMX root operation.
 *
 * Spec: Intel SDM Vol. 3, "EPT Translation Mechanism", "Invalidating
 * Cached Translation Information", "INVEPT - Invalidate Translations
 * Derived from EPT".
 */
#ifndef GUEST_MEMORY_H
#define GUEST_MEMORY_H

#include <linux/gfp.h>
#include <linux/types.h>

#include "vmx_caps.h"

struct guest_memory {
	u64 *pml4;		/* the root of the EPT hierarchy */
	u64 eptp;		/* what EPT_POINTER holds */
	int invept_type;	/* VMX_EPT_EXTENT_CONTEXT or ..._GLOBAL */
	unsigned int nr_tables; /* EPT pages, root included */
	unsigned int nr_pages;	/* guest pages mapped */
	bool invept_failed;	/* then the CPU may still use our pages */
};

int guest_memory_create(struct guest_memory *mem, const struct vmx_caps *caps);
/*
 * Free every guest page and every EPT table (nothing if none was created;
 * nothing, with a message, if an INVEPT failed).
 */
void guest_memory_destroy(struct guest_memory *mem);

/*
 * Back the page at @gpa with a fresh zeroed host page, with access rights
 * @rwx (VMX_EPT_*_MASK). @gfp: GFP_ATOMIC when interrupts are off.
 * Returns 0, -EEXIST if @gpa is mapped already, -EINVAL if the walk cannot
 * reach it (ept_gpa_valid()), -ENOMEM.
 */
int guest_memory_map(struct guest_memory *mem, u64 gpa, u64 rwx, gfp_t gfp);

/* The host address of guest-physical @gpa, NULL if not mapped. */
void *guest_memory_hva(struct guest_memory *mem, u64 gpa);

/* Copy to/from guest-physical memory; -EFAULT where it is not mapped. */
int guest_memory_write(struct guest_memory *mem, u64 gpa, const void *src,
		       size_t len);
int guest_memory_read(struct guest_memory *mem, u64 gpa, void *dst, size_t len);

/* INVEPT: forget what this CPU cached from our EPT. */
int guest_memory_invalidate(struct guest_memory *mem);

#endif /* GUEST_MEMORY_H */
