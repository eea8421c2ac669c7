/*
 * kvm-hold.c - keep two KVM VMs open for the whole lab session, so that no
 * VM a step creates or destroys makes the lab kernel rewrite its own code.
 *
 * Runs: userspace, inside the x86_64 lab VM (QEMU TCG), started by the lab's
 * /init (common/lab/mkinitramfs) when lab-run was asked for KVM (--needs kvm
 * or kvm-userspace) and /dev/kvm exists; never in a Bochs/VMX lab, where a
 * VM held by kvm_intel would keep VMX on and step02's own VMXON would fail.
 * Linked statically: the lab VM is a busybox initramfs without a C library.
 * Spec: Documentation/virt/kvm/api.rst, "KVM_CREATE_VM", "KVM_CREATE_VCPU",
 * "KVM_CREATE_IRQCHIP".
 *
 * Why.  KVM switches a few of the kernel's static keys (jump labels: a
 * branch compiled as a NOP that the kernel patches into a JMP) on while any
 * VM or vCPU of a kind exists, and off when the last one goes:
 *   - kvm_create_vm() calls preempt_notifier_inc() and kvm_destroy_vm()
 *     calls preempt_notifier_dec(): preempt_notifier_key, tested in the
 *     scheduler's context switch (__schedule() -> fire_sched_in/out);
 *   - kvm_arch_vcpu_create() of a vCPU without an in-kernel irqchip does
 *     static_branch_inc(&kvm_has_noapic_vcpu), kvm_arch_vcpu_destroy() the
 *     dec;
 *   - kvm_create_lapic() (a vCPU of a VM with KVM_CREATE_IRQCHIP) increments
 *     apic_sw_disabled, whose local APIC starts software-disabled; its
 *     decrement is deferred (a static_key_deferred, undone by a work item).
 * Each 0->1 and 1->0 goes through static_key_slow_inc()/dec() to
 * jump_label_update(), which on x86 rewrites the branch sites with
 * text_poke_bp(): an int3 is written over each site, every other CPU is
 * made to synchronise by IPI, then the new instruction is written and the
 * int3 removed; a CPU that meets the int3 meanwhile is handled by
 * poke_int3_handler().  Under QEMU's multi-threaded TCG with two CPUs this
 * sometimes never completes: one CPU loops on the #BP at the
 * preempt-notifier site inlined in __schedule(), the other spins on its runqueue
 * lock, and the lab VM stalls whole (about once in a hundred VM
 * create/destroy cycles, measured).  While this program holds VM A (no
 * irqchip, one vCPU) and VM B (KVM_CREATE_IRQCHIP, one vCPU whose LAPIC
 * stays software-disabled), each key's count stays at one or more, so the
 * steps' VMs only move counts and never patch text.
 *
 * The x86_64 lab only: the stall was seen there, and arm64 patches a jump
 * label as one atomic instruction write (aarch64_insn_patch_text_nosync()),
 * with no breakpoint phase; lab-run does not build this for its arm64 VM.
 *
 *   kvm-hold     (no arguments) holds the VMs in a child process, prints
 *                that child's pid on stdout and exits 0 once they exist;
 *                on an error, one line on stderr and exit status 1.
 */
#define _POSIX_C_SOURCE 200809L /* O_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void die_perror(const char *what)
{
	fprintf(stderr, "kvm-hold: %s: %s\n", what, strerror(errno));
	exit(EXIT_FAILURE);
}

/*
 * Create a VM on the /dev/kvm file kvm, with the in-kernel irqchip (and so
 * a local APIC for each vCPU) when irqchip is set, and its vCPU 0.  The
 * file descriptors are kept open and never run: holding them is the point.
 */
static void hold_vm(int kvm, int irqchip)
{
	int vm, vcpu;

	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die_perror("KVM_CREATE_VM");
	if (irqchip && ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0)
		die_perror("KVM_CREATE_IRQCHIP");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die_perror("KVM_CREATE_VCPU");
}

/*
 * The VMs are created here, so that an error is this process's exit
 * status; a child inherits their file descriptors and holds them until the
 * lab VM powers off, and the parent returns as soon as they exist.
 */
int main(void)
{
	pid_t child;
	int kvm;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die_perror("open /dev/kvm");
	hold_vm(kvm, 0); /* VM A: preempt notifiers, kvm_has_noapic_vcpu */
	hold_vm(kvm, 1); /* VM B: apic_sw_disabled */
	child = fork();
	if (child < 0)
		die_perror("fork");
	if (child > 0) {
		printf("%d\n", (int)child);
		return EXIT_SUCCESS;
	}
	/* Whoever reads the pid waits for the end of stdout: let it go. */
	close(STDIN_FILENO);
	close(STDOUT_FILENO);
	close(STDERR_FILENO);
	for (;;)
		pause();
}
