/*
 * guest_mem.h - guest-physical addresses, checked before the VMM touches them.
 *
 * Runs: userspace (the VMM) and the host unit tests.
 * Spec: none beyond C's unsigned arithmetic; see guest_mem.c.
 */
#ifndef GUEST_MEM_H
#define GUEST_MEM_H

#include <stdbool.h>
#include <stdint.h>

/* Guest RAM: guest-physical [0, size) is host memory [base, base + size). */
struct guest_mem {
	uint8_t *base;
	uint64_t size;
};

bool gpa_range_ok(uint64_t gpa, uint64_t len, uint64_t mem_size);
void *gpa_to_hva(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

#endif
