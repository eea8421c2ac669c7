// SPDX-License-Identifier: GPL-2.0
/*
 * with_kvm_vm.c - run a command while KVM owns VMX: "another hypervisor".
 *
 * Userspace (ring 3), runs inside the lab VM. It creates a KVM virtual
 * machine with KVM_CREATE_VM, which makes kvm_intel put every CPU into VMX
 * operation (CR4.VMXE set, VMXON), runs the given command while the VM
 * exists, then closes the VM (kvm_intel executes VMXOFF again) and exits
 * with the command's status. step02's lab.sh runs `insmod step02.ko` this
 * way to show that the module refuses with -EBUSY when VMX is taken.
 *
 * Spec: the KVM API, Documentation/virt/kvm/api.rst, "KVM_CREATE_VM"; on
 * Linux 6.1 kvm_intel enables VMX on all CPUs when the first VM is created.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * The helper itself failed, not the command: 125, as env(1) and timeout(1)
 * report it, so that no exit status of the command is mistaken for it.
 */
#define EXIT_HELPER_FAILED 125
/* A command killed by signal N: 128 + N, as the shell reports it. */
#define EXIT_KILLED_BY_SIGNAL 128

static void die_perror(const char *what)
{
	fprintf(stderr, "with_kvm_vm: %s: %s\n", what, strerror(errno));
	exit(EXIT_HELPER_FAILED);
}

int main(int argc, char **argv)
{
	int kvm, vm, status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: with_kvm_vm COMMAND [ARG...]\n");
		return 2;
	}
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die_perror("open /dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die_perror("KVM_CREATE_VM");
	printf("with_kvm_vm: KVM_CREATE_VM ok: kvm_intel now holds VMX on every CPU\n");
	fflush(stdout);

	pid = fork();
	if (pid < 0)
		die_perror("fork");
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		die_perror(argv[1]);
	}
	if (waitpid(pid, &status, 0) < 0)
		die_perror("waitpid");

	close(vm);
	close(kvm);
	printf("with_kvm_vm: VM closed: kvm_intel has left VMX operation\n");
	if (WIFSIGNALED(status))
		return EXIT_KILLED_BY_SIGNAL + WTERMSIG(status);
	return WEXITSTATUS(status);
}
