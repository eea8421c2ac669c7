/*
 * vmm.c - a virtual machine monitor on /dev/kvm, from userspace: flat
 * guests with a hypercall ABI, several at once, or a machine that boots
 * Linux with a serial port and virtio devices: main().
 *
 * Runs: userspace, on a Linux host whose /dev/kvm is hardware-accelerated,
 * or inside the lab VM (nested KVM).  Linked statically: the lab VM is a
 * busybox initramfs without a C library.
 * Spec: Documentation/virt/kvm/api.rst, "General description".
 *
 *   vmm [--mode real|protected|long] [--mem SIZE] [--vms N] [--stats]
 *       [--timeout SECS] [--report FILE] IMAGE
 *   vmm --kernel BZIMAGE [--initrd FILE] [--cmdline STR] [--mem SIZE]
 *       [--disk FILE[,ro]]... [--console serial|virtio] [--raw] [--cpus N] [--stats]
 *       [--timeout SECS] [--report FILE]
 *
 * main() reads in the order every KVM VMM does its work: the options, then
 * the machine (memory with the guest in it, /dev/kvm), then the run.  A
 * flat guest: several VMs, each in a process of its own (vms.c), each a
 * VM, its vCPU, KVM_RUN until the guest stops, the report.  Linux: one VM
 * in this process (linux.c), its devices (machine.c), the same exit loop.
 * Each part lives in the file named for it: cli.c, vm.c, vcpu.c,
 * devices.c, bus.c, machine.c, linux.c, doorbell.c, hypercalls.c,
 * budget.c, stats.c, report.c, vms.c; boot/, devices/, virtio/.
 */
#include "cli.h"
#include "linux.h"
#include "vm.h"
#include "vms.h"

/* book:begin main */
int main(int argc, char **argv)
{
	struct options opts;
	struct vm vm = { .opts = &opts };

	cli_parse(argc, argv, &opts); /* a bad option exits 2 here ... */
	if (opts.kernel) {
		linux_load(&vm); /* ... a bad kernel, initrd or disk here */
		hv_choose(&vm);
		return linux_run(&vm);
	}
	guest_memory_load(&vm); /* ... and a bad image here */
	hv_choose(&vm);
	return vms_run(&vm); /* each VM: vm_run() in a process of its own */
}
/* book:end main */
