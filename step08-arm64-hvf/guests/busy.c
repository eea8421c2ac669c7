/*
 * busy.c - a guest that never stops calling: GETTIME in a loop, forever.
 *
 * Runs: inside the VM, freestanding C in 64-bit long mode on the runtime in
 * common/guest.  The VMM's time budget (--timeout) must stop it although
 * the VMM is busy with its exits nearly all the time: the alarm then rings
 * while the doorbell has borrowed immediate_exit (budget_rearm() in
 * budget.c must not lose it).
 * Spec: none; see "Nothing a guest does can hang the VMM" in
 * book/06-hypercalls.md.
 */
#include "runtime.h"

int main(void)
{
	printf("busy: calling GETTIME forever\n");
	for (;;)
		gettime_ns();
}
