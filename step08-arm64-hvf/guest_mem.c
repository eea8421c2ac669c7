/*
 * guest_mem.c - translate a guest's (address, length) into host memory,
 * or refuse.
 *
 * Runs: userspace (the VMM), on every guest-supplied pointer; the host unit
 * tests include this file directly.
 * Spec: none: this is the rule every VMM lives by (Firecracker's
 * GuestMemory, kvmtool's guest_flat_to_host): the guest is hostile, and an
 * address it hands us is a number, not a pointer, until checked.
 */
#include <stddef.h>

#include "guest_mem.h"

/* book:begin gpa_range_ok */
/*
 * Is [gpa, gpa + len) inside [0, mem_size)?  The obvious test,
 * gpa + len <= mem_size, is wrong: gpa + len can wrap around 2^64 and come
 * out small (gpa = 2^64 - 1, len = 2 gives 1).  Subtracting on the side
 * that cannot underflow keeps every intermediate value in range.
 * A zero-length range at gpa == mem_size is fine: it touches nothing.
 */
bool gpa_range_ok(uint64_t gpa, uint64_t len, uint64_t mem_size)
{
	return len <= mem_size && gpa <= mem_size - len;
}
/* book:end gpa_range_ok */

/* The host address of guest range [gpa, gpa + len), or NULL if outside RAM. */
void *gpa_to_hva(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	if (!gpa_range_ok(gpa, len, mem->size))
		return NULL;
	return mem->base + gpa;
}
