/*
 * hv.c - the backends this VMM was built with, found by name (--backend).
 *
 * Runs: userspace (the VMM), from main(), before the hypervisor is touched.
 * Spec: hv.h.
 */
#include <string.h>

#include "hv.h"

const struct hyp_ops *hyp_backend_find(const char *name)
{
	for (const struct hyp_ops *const *b = hyp_backends; *b; b++)
		if (strcmp((*b)->name, name) == 0)
			return *b;
	return NULL;
}
