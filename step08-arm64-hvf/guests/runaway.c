/*
 * runaway.c - a guest that never stops: it says so, then spins without a
 * single VM exit.
 *
 * Runs: inside the VM, freestanding C in 64-bit long mode on the runtime in
 * common/guest.  The VMM's time budget (--timeout) must stop it.
 * Spec: none; see "The time budget" in book/06-hypercalls.md.
 */
#include "runtime.h"

int main(void)
{
	printf("runaway: spinning forever, no exits\n");
	for (;;)
		__asm__ volatile("" ::: "memory");
}
