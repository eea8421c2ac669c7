/*
 * vcpu.c - the vCPU: created with the CPUID KVM supports (for Linux: the
 * CPU x86_cpu.c makes of it), put into real, protected or long mode, or
 * at Linux's 64-bit entry point, then run: KVM_RUN in a loop, every exit
 * by name, until the guest stops or its time is up.
 *
 * Runs: userspace (the VMM).
 * Spec: Documentation/virt/kvm/api.rst: "KVM_CREATE_VCPU",
 * "KVM_GET_VCPU_MMAP_SIZE", "KVM_GET_SUPPORTED_CPUID", "KVM_SET_CPUID2",
 * "KVM_GET_SREGS/KVM_SET_SREGS", "KVM_GET_REGS/KVM_SET_REGS", "KVM_RUN",
 * "The kvm_run structure"; Documentation/arch/x86/boot.rst, "64-bit Boot
 * Protocol".
 */
#include <cpuid.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "boot/entry64.h"
#include "budget.h"
#include "console.h"
#include "devices.h"
#include "exit_names.h"
#include "vcpu.h"
#include "x86_cpu.h"

/* Where an x86 CPU starts after RESET or INIT: CS 0xf000, IP 0xfff0. */
#define RESET_CS_SELECTOR 0xf000
#define RESET_RIP	  0xfff0

/* book:begin vcpu_create */
/*
 * The CPU a flat guest sees: the CPUID KVM can support (without it, a
 * long-mode guest has no "LM" bit).  Linux gets more (x86_cpu.c): its
 * APIC ID, the hypervisor bit, the MSRs firmware leaves set, the LAPIC's
 * LINT pins wired.
 */
static void vcpu_cpu_setup(struct vm *vm)
{
	struct kvm_cpuid2 *cpuid;
	const char *failed;
	int err;

	if (vm->machine) {
		err = x86_vcpu_setup(vm->kvm_fd, vm->vcpu_fd, 0, vm->opts->cpus,
				     &failed);
		if (err < 0)
			die("%s: %s", failed, strerror(-err));
		return;
	}
	cpuid = x86_supported_cpuid(vm->kvm_fd);
	if (!cpuid)
		die_perror("KVM_GET_SUPPORTED_CPUID");
	if (ioctl(vm->vcpu_fd, KVM_SET_CPUID2, cpuid) < 0)
		die_perror("KVM_SET_CPUID2");
	free(cpuid);
}

/*
 * A vCPU is a file descriptor; its kvm_run page, shared with the kernel,
 * tells us after each KVM_RUN why the guest stopped.  KVM_CREATE_VCPU's
 * argument is the vcpu_id, which on x86 is also the local APIC's ID; the
 * CPU Linux boots on (the BSP) is id 0, KVM's default boot CPU.
 */
void vcpu_open(struct vm *vm, struct vcpu *cpu, unsigned int id)
{
	int size;

	*cpu = (struct vcpu){ .vm = vm, .id = id };
	cpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (cpu->fd < 0)
		die_perror("KVM_CREATE_VCPU");
	size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		die_perror("KVM_GET_VCPU_MMAP_SIZE");
	if ((size_t)size < sizeof(struct kvm_run))
		die("KVM_GET_VCPU_MMAP_SIZE: %d bytes, less than struct kvm_run",
		    size);
	if (id == 0) /* the same for every vCPU; the APs' threads read it */
		vm->run_size = (size_t)size;
	cpu->run = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED,
			cpu->fd, 0);
	if (cpu->run == MAP_FAILED)
		die_perror("mmap kvm_run");
}

/* vCPU 0, the only one of a flat guest and Linux's BSP. */
void vcpu_create(struct vm *vm)
{
	struct vcpu cpu;

	vcpu_open(vm, &cpu, 0);
	vm->vcpu_fd = cpu.fd;
	vm->run = cpu.run;
	vcpu_cpu_setup(vm);
}
/* book:end vcpu_create */

/* book:begin vcpu_setup */
void vcpu_setup(struct vm *vm)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
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
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		die_perror("KVM_SET_SREGS");
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
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

	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		die_perror("KVM_GET_SREGS");
	if (entry64_setup(&vm->mem, entry, boot_params, &sregs, &regs) < 0)
		die("entry64_setup: guest memory too small for the boot tables");
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		die_perror("KVM_SET_SREGS");
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		die_perror("KVM_SET_REGS");
}
/* book:end vcpu_setup_linux */

/* The registers of the vCPU behind fd (called on its own thread). */
static void dump_regs(int fd)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	if (ioctl(fd, KVM_GET_REGS, &r) < 0)
		die_perror("KVM_GET_REGS");
	if (ioctl(fd, KVM_GET_SREGS, &s) < 0)
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
	dump_regs(vm->vcpu_fd);
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
	struct kvm_run *run = cpu->run;
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
	dump_regs(cpu->fd);
}
/* book:end failure */

/*
 * KVM_RUN returned -1 with errno: EAGAIN, an AP got its INIT (run it
 * again); EINTR, a signal (the budget's alarm, or a kick: the run is
 * over if either ended it, GUEST_RUNNING if not); anything else is the
 * VMM's failure.
 */
static enum run_end run_interrupted(struct vm *vm)
{
	if (errno == EAGAIN)
		return GUEST_RUNNING;
	if (errno != EINTR)
		die_perror("KVM_RUN");
	if (budget_spent())
		return GUEST_OVER_BUDGET;
	return vm_stopped(vm);
}

/* This vCPU's count is its thread's own; the VM's, every thread's. */
static void count_exit(struct vcpu *cpu)
{
	uint32_t reason = cpu->run->exit_reason;

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
 * panic) or by another vCPU, which kicks this one out of KVM_RUN (EINTR;
 * smp.c).  With the irqchip in the kernel (Linux), HLT never comes here:
 * KVM waits for the next interrupt itself; an AP waits there for its
 * INIT and SIPI too (KVM_RUN then returns EAGAIN once, when the INIT
 * has come: KVM x86 asks to be called again, as kvmtool and Firecracker
 * do); and a triple fault is what resets a PC.  Called on
 * the vCPU's own thread.
 */
enum run_end vcpu_loop(struct vcpu *cpu)
{
	struct kvm_run *run = cpu->run;
	struct vm *vm = cpu->vm;

	for (;;) {
		if (ioctl(cpu->fd, KVM_RUN, 0) < 0) {
			enum run_end end = run_interrupted(vm);

			if (end != GUEST_RUNNING)
				return end;
			continue;
		}
		count_exit(cpu);

		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			handle_io(vm, run);
			if (vm->hc.exited)
				return GUEST_EXITED;
			break;
		case KVM_EXIT_MMIO:
			handle_mmio(vm, run);
			break;
		case KVM_EXIT_HLT:
			return GUEST_HALTED;
		case KVM_EXIT_SHUTDOWN:
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
	struct vcpu cpu = {
		.vm = vm, .id = 0, .fd = vm->vcpu_fd, .run = vm->run
	};

	return vcpu_loop(&cpu);
}
