/*
 * vcpu.c - the x86 vCPU: created by the backend (kvm-x86: with the CPUID
 * KVM supports, for Linux the CPU x86_cpu.c makes of it), put into real,
 * protected or long mode, or at Linux's 64-bit entry point, then run: the
 * backend's run() in a loop, every exit by kind, until the guest stops or
 * its time is up.
 *
 * Runs: userspace (the VMM); a vCPU's calls on the thread that created
 * it (Linux's vCPUs other than 0: smp.c's threads).
 * Spec: hv.h; Documentation/virt/kvm/api.rst: "KVM_GET_SREGS/KVM_SET_SREGS",
 * "KVM_GET_REGS/KVM_SET_REGS", "The kvm_run structure"; Documentation/arch/x86/boot.rst, "64-bit Boot
 * Protocol".
 */
#include <cpuid.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "backends/kvm_x86.h"
#include "boot/entry64.h"
#include "budget.h"
#include "console.h"
#include "devices.h"
#include "exit_names.h"
#include "vcpu.h"

/* Where an x86 CPU starts after RESET or INIT: CS 0xf000, IP 0xfff0. */
#define RESET_CS_SELECTOR 0xf000
#define RESET_RIP	  0xfff0

/* book:begin vcpu_create */
/* A backend's error on this vCPU: the call it names, and why. */
void vcpu_check(const struct vcpu *cpu, int err)
{
	if (err < 0 && cpu->id)
		die("vCPU %u: %s: %s", cpu->id, cpu->hv->err_call,
		    strerror(-err));
	if (err < 0)
		die("%s: %s", cpu->hv->err_call, strerror(-err));
}

/*
 * The vCPU, made by the backend on this thread: for kvm-x86 a file
 * descriptor with its kvm_run page, and the CPUID KVM supports (for
 * Linux, the CPU x86_cpu.c makes of it: its APIC ID, which is the
 * vCPU's index, the hypervisor bit, the MSRs firmware leaves set, the
 * LAPIC's LINT pins wired).  The CPU Linux boots on (the BSP) is index
 * 0, KVM's default boot CPU.
 */
void vcpu_open(struct vcpu *cpu)
{
	struct vm *vm = cpu->vm;

	vcpu_check(cpu, vm->hv->vcpu_create(&vm->hv_vm, cpu->hv, cpu->id));
}

/* vCPU 0, the only one of a flat guest and Linux's BSP. */
void vcpu_create(struct vm *vm)
{
	struct vcpu cpu = { .vm = vm, .hv = &vm->vcpu, .exit = &vm->exit };

	vcpu_open(&cpu);
}
/* book:end vcpu_create */

/* book:begin vcpu_setup */
void vcpu_setup(struct vm *vm)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(kvm_x86_vcpu_fd(&vm->vcpu), KVM_GET_SREGS, &sregs) < 0)
		die_perror("KVM_GET_SREGS");
	switch (vm->opts->mode) {
	case MODE_REAL:
		setup_real_mode(&sregs, &regs);
		break;
	case MODE_PROTECTED:
		setup_protected_mode(vm->mem.base, &sregs, &regs);
		break;
	default:
		setup_long_mode(vm->mem.base, &sregs, &regs);
		break;
	}
	if (ioctl(kvm_x86_vcpu_fd(&vm->vcpu), KVM_SET_SREGS, &sregs) < 0)
		die_perror("KVM_SET_SREGS");
	if (ioctl(kvm_x86_vcpu_fd(&vm->vcpu), KVM_SET_REGS, &regs) < 0)
		die_perror("KVM_SET_REGS");
}
/* book:end vcpu_setup */

/* book:begin vcpu_setup_linux */
/*
 * Linux's 64-bit entry point, as the boot protocol asks (boot/entry64.c):
 * long mode with paging on an identity map, the boot GDT's flat segments,
 * interrupts off, RSI = the boot_params.
 */
void vcpu_setup_linux(struct vm *vm, uint64_t entry, uint64_t boot_params)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(kvm_x86_vcpu_fd(&vm->vcpu), KVM_GET_SREGS, &sregs) < 0)
		die_perror("KVM_GET_SREGS");
	if (entry64_setup(&vm->mem, entry, boot_params, &sregs, &regs) < 0)
		die("entry64_setup: guest memory too small for the boot tables");
	if (ioctl(kvm_x86_vcpu_fd(&vm->vcpu), KVM_SET_SREGS, &sregs) < 0)
		die_perror("KVM_SET_SREGS");
	if (ioctl(kvm_x86_vcpu_fd(&vm->vcpu), KVM_SET_REGS, &regs) < 0)
		die_perror("KVM_SET_REGS");
}
/* book:end vcpu_setup_linux */

/* The registers of a vCPU (called on its own thread). */
static void dump_regs(struct hyp_vcpu *vcpu)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	if (ioctl(kvm_x86_vcpu_fd(vcpu), KVM_GET_REGS, &r) < 0)
		die_perror("KVM_GET_REGS");
	if (ioctl(kvm_x86_vcpu_fd(vcpu), KVM_GET_SREGS, &s) < 0)
		die_perror("KVM_GET_SREGS");
	vmm_say("  rip %016llx  rsp %016llx  rflags %08llx", r.rip, r.rsp,
		r.rflags);
	vmm_say("  rax %016llx  rbx %016llx  rcx %016llx  rdx %016llx", r.rax,
		r.rbx, r.rcx, r.rdx);
	vmm_say("  cr0 %016llx  cr2 %016llx  cr3 %016llx  cr4 %016llx", s.cr0,
		s.cr2, s.cr3, s.cr4);
	vmm_say("  efer %llx  cs %04x (base %llx, l %u, db %u)  idt base %llx limit %x",
		s.efer, s.cs.selector, s.cs.base, s.cs.l, s.cs.db, s.idt.base,
		s.idt.limit);
	if (s.cs.selector == RESET_CS_SELECTOR && r.rip == RESET_RIP)
		vmm_say("  (this is the reset state: on AMD, KVM re-initializes the vCPU after a shutdown)");
}

void vcpu_dump(struct vm *vm)
{
	dump_regs(&vm->vcpu);
}

static enum cpu_vendor host_vendor(void)
{
	unsigned int max, regs[CPUID_VENDOR_LEN / sizeof(unsigned int)];

	__get_cpuid(CPUID_LEAF_VENDOR, &max, &regs[0], &regs[2],
		    &regs[1]); /* EBX EDX ECX */
	return vendor_from_cpuid((const char *)regs);
}

/* book:begin failure */
/* The guest stopped in a way it cannot continue from: say how, and where. */
static void report_failure(struct vcpu *cpu)
{
	struct kvm_run *run = kvm_x86_run_page(cpu->hv);
	uint64_t reason = run->fail_entry.hardware_entry_failure_reason;

	switch (run->exit_reason) {
	case KVM_EXIT_SHUTDOWN:
		vmm_say("KVM_EXIT_SHUTDOWN: the guest triple-faulted");
		break;
	case KVM_EXIT_FAIL_ENTRY: /* the reason is the CPU vendor's */
		vmm_say("KVM_EXIT_FAIL_ENTRY: hardware entry failure reason %#llx (%s) on cpu %u",
			(unsigned long long)reason,
			entry_failure_name(reason, host_vendor()),
			run->fail_entry.cpu);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		vmm_say("KVM_EXIT_INTERNAL_ERROR: suberror %u (%s)",
			run->internal.suberror,
			internal_error_name(run->internal.suberror));
		break;
	default:
		vmm_say("unexpected exit %u (%s)", run->exit_reason,
			kvm_exit_name(run->exit_reason));
		break;
	}
	if (cpu->id)
		vmm_say("  (on vCPU %u)", cpu->id);
	dump_regs(cpu->hv);
}
/* book:end failure */

/*
 * run() returned HYP_EXIT_INTERRUPTED: a signal (the budget's alarm, or a
 * kick: the run is over if either ended it, GUEST_RUNNING if not), or,
 * on kvm-x86, an AP whose INIT has come (run it again).
 */
static enum run_end run_interrupted(struct vm *vm)
{
	if (budget_spent())
		return GUEST_OVER_BUDGET;
	return vm_stopped(vm);
}

/* This vCPU's count is its thread's own; the VM's, every thread's. */
static void count_exit(struct vcpu *cpu)
{
	uint32_t reason = cpu->exit->reason;

	cpu->exits++;
	if (reason < EXIT_REASONS_COUNTED)
		__atomic_fetch_add(&cpu->vm->exits[reason], 1,
				   __ATOMIC_RELAXED);
}

/* book:begin run_loop */
/*
 * Run one vCPU until the guest halts, calls EXIT, stops in a way it
 * cannot continue from (GUEST_FAILED, after saying why), runs out of
 * time, or the run is stopped: by a device (Linux: power off, reset,
 * panic) or by another vCPU, which kicks this one out of run()
 * (HYP_EXIT_INTERRUPTED; smp.c).  With the irqchip in the hypervisor
 * (Linux), HLT never comes here: it waits for the next interrupt itself;
 * an AP waits there for its INIT and SIPI too; and a triple fault is
 * what resets a PC.  Called on the vCPU's own thread.
 */
enum run_end vcpu_loop(struct vcpu *cpu)
{
	struct hyp_exit *exit = cpu->exit;
	struct vm *vm = cpu->vm;

	for (;;) {
		vcpu_check(cpu, vm->hv->run(cpu->hv, exit));
		if (exit->kind == HYP_EXIT_INTERRUPTED) {
			enum run_end end = run_interrupted(vm);

			if (end != GUEST_RUNNING)
				return end;
			continue;
		}
		count_exit(cpu);

		switch (exit->kind) {
		case HYP_EXIT_PORT_IO:
			handle_io(vm, &exit->io);
			if (vm->hc.exited)
				return GUEST_EXITED;
			break;
		case HYP_EXIT_MMIO:
			handle_mmio(vm, &exit->io);
			break;
		case HYP_EXIT_HALT:
			return GUEST_HALTED;
		case HYP_EXIT_SHUTDOWN:
			if (vm->machine) {
				vmm_say("KVM_EXIT_SHUTDOWN on vCPU %u: the guest triple-faulted, which resets a PC",
					cpu->id);
				return GUEST_RESET;
			}
			/* a flat guest cannot continue from it: */
			/* fall through */
		default: /* KVM_EXIT_FAIL_ENTRY, _INTERNAL_ERROR, ... */
			report_failure(cpu);
			return GUEST_FAILED;
		}
		if (vm_stopped(vm) != GUEST_RUNNING)
			return vm_stopped(vm);
	}
}
/* book:end run_loop */

/* A flat guest's one vCPU. */
enum run_end vcpu_run(struct vm *vm)
{
	struct vcpu cpu = { .vm = vm, .hv = &vm->vcpu, .exit = &vm->exit };

	return vcpu_loop(&cpu);
}
