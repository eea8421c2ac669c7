/*
 * hello.c - a guest that says hello as the VM it is, counts, times the
 * hypercall round trip, and exits.
 *
 * Runs: inside the VM, freestanding C in 64-bit long mode on the runtime in
 * common/guest (run with `vmm --vms 2 hello.bin`: one copy per VM).
 * Spec: the hypercall ABI in common/include/hypercall.h.
 *
 * Hypercalls made, per VM: VMINFO 1, PUTS 1 + COUNT + 1, GETTIME
 * 2 + ROUND_TRIPS, EXIT 1 = 1011.
 */
#include "runtime.h"

#define COUNT	    5
#define ROUND_TRIPS 1000

/* book:begin hello */
int main(void)
{
	struct hc_vminfo info;
	uint64_t start, ns;

	if (vminfo(&info) < 0)
		return 1;
	printf("Hello from VM %u\n", info.vm_index);
	for (int i = 1; i <= COUNT; i++)
		printf("VM %u counts %d of %d\n", info.vm_index, i, COUNT);

	start = gettime_ns();
	for (int i = 0; i < ROUND_TRIPS; i++)
		gettime_ns();
	ns = gettime_ns() - start;
	printf("VM %u: %d GETTIME round trips, mean %lu ns (guest to VMM and back)\n",
	       info.vm_index, ROUND_TRIPS, ns / ROUND_TRIPS);
	return 0;
}
/* book:end hello */
