/*
 * vmm.c - a virtual machine monitor on /dev/kvm, from userspace, with a
 * hypercall ABI and several VMs at once: main().
 *
 * Runs: userspace, on a Linux host whose /dev/kvm is hardware-accelerated,
 * or inside the lab VM (nested KVM).  Linked statically: the lab VM is a
 * busybox initramfs without a C library.
 * Spec: Documentation/virt/kvm/api.rst, "General description".
 *
 *   vmm [--mode real|protected|long] [--mem SIZE] [--vms N] [--stats]
 *       [--timeout SECS] [--report FILE] IMAGE
 *
 * main() reads in the order every KVM VMM does its work: the options, then
 * the machine (memory with the image in it, /dev/kvm), then the run: here
 * several VMs, each in a process of its own (vms.c), each a VM, its vCPU,
 * KVM_RUN until the guest stops, the report.  Each part lives in the file
 * named for it: cli.c, vm.c, vcpu.c, devices.c, doorbell.c, hypercalls.c,
 * budget.c, stats.c, report.c, vms.c.
 */
#include "cli.h"
#include "vm.h"
#include "vms.h"

/* book:begin main */
int main(int argc, char **argv)
{
	struct options opts;
	struct vm vm = { .opts = &opts };

	cli_parse(argc, argv, &opts); /* a bad option exits 2 here ... */
	guest_memory_load(&vm);	      /* ... and a bad image here */
	kvm_open(&vm);
	return vms_run(&vm); /* each VM: vm_run() in a process of its own */
}
/* book:end main */
