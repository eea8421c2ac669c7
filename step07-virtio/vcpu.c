/*
 * vcpu.c - the vCPU: created with the CPUID KVM supports, put into real,
 * protected or long mode, then run: KVM_RUN in a loop, every exit by name,
 * until the guest stops or its time is up.
 *
 * Runs: userspace (the VMM).
 * Spec: Documentation/virt/kvm/api.rst: "KVM_CREATE_VCPU",
 * "KVM_GET_VCPU_MMAP_SIZE", "KVM_GET_SUPPORTED_CPUID", "KVM_SET_CPUID2",
 * "KVM_GET_SREGS/KVM_SET_SREGS", "KVM_GET_REGS/KVM_SET_REGS", "KVM_RUN",
 * "The kvm_run structure".
 */
#include <cpuid.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "budget.h"
#include "console.h"
#include "devices.h"
#include "exit_names.h"
#include "vcpu.h"

/*
 * KVM_GET_SUPPORTED_CPUID: room for this many leaves at first, doubled on
 * E2BIG up to the most KVM accepts (its KVM_MAX_CPUID_ENTRIES).
 */
#define CPUID_ENTRIES_FIRST 64
#define CPUID_ENTRIES_MAX   256

/* Where an x86 CPU starts after RESET or INIT: CS 0xf000, IP 0xfff0. */
#define RESET_CS_SELECTOR 0xf000
#define RESET_RIP	  0xfff0

/*
 * All the CPUID leaves KVM can offer on this host.  The caller sizes the
 * array; KVM says E2BIG when it is too small, so grow it until it fits.
 */
static struct kvm_cpuid2 *supported_cpuid(struct vm *vm)
{
	for (uint32_t n = CPUID_ENTRIES_FIRST;; n *= 2) {
		struct kvm_cpuid2 *cpuid;

		cpuid = calloc(1,
			       sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));
		if (!cpuid)
			die_perror("calloc cpuid");
		cpuid->nent = n;
		if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
			return cpuid;
		if (errno != E2BIG || n >= CPUID_ENTRIES_MAX)
			die_perror("KVM_GET_SUPPORTED_CPUID");
		free(cpuid);
	}
}

/* book:begin vcpu_create */
/*
 * A vCPU is a file descriptor; its kvm_run page, shared with the kernel,
 * tells us after each KVM_RUN why the guest stopped.  The guest sees the
 * CPUID KVM can support (without it, a long-mode guest has no "LM" bit).
 */
void vcpu_create(struct vm *vm)
{
	struct kvm_cpuid2 *cpuid;
	int size;

	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		die_perror("KVM_CREATE_VCPU");
	size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		die_perror("KVM_GET_VCPU_MMAP_SIZE");
	if ((size_t)size < sizeof(struct kvm_run))
		die("KVM_GET_VCPU_MMAP_SIZE: %d bytes, less than struct kvm_run",
		    size);
	vm->run_size = (size_t)size;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED)
		die_perror("mmap kvm_run");

	cpuid = supported_cpuid(vm);
	if (ioctl(vm->vcpu_fd, KVM_SET_CPUID2, cpuid) < 0)
		die_perror("KVM_SET_CPUID2");
	free(cpuid);
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
		setup_protected_mode(vm->mem, &sregs, &regs);
		break;
	default:
		setup_long_mode(vm->mem, &sregs, &regs);
		break;
	}
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		die_perror("KVM_SET_SREGS");
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		die_perror("KVM_SET_REGS");
}
/* book:end vcpu_setup */

static void dump_registers(struct vm *vm)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &r) < 0)
		die_perror("KVM_GET_REGS");
	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &s) < 0)
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

static enum cpu_vendor host_vendor(void)
{
	unsigned int max, regs[CPUID_VENDOR_LEN / sizeof(unsigned int)];

	__get_cpuid(CPUID_LEAF_VENDOR, &max, &regs[0], &regs[2],
		    &regs[1]); /* EBX EDX ECX */
	return vendor_from_cpuid((const char *)regs);
}

/* book:begin failure */
/* The guest stopped in a way it cannot continue from: say how, and where. */
static void report_failure(struct vm *vm)
{
	struct kvm_run *run = vm->run;
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
	dump_registers(vm);
}
/* book:end failure */

/* book:begin run_loop */
/*
 * Run the vCPU until the guest halts, calls EXIT, stops in a way it cannot
 * continue from (GUEST_FAILED, after saying why), or runs out of time.
 */
enum run_end vcpu_run(struct vm *vm)
{
	struct kvm_run *run = vm->run;

	for (;;) {
		if (ioctl(vm->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno != EINTR)
				die_perror("KVM_RUN");
			if (budget_spent())
				return GUEST_OVER_BUDGET;
			continue;
		}
		if (run->exit_reason < EXIT_REASONS_COUNTED)
			vm->exits[run->exit_reason]++;

		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			handle_io(vm);
			if (vm->hc.exited)
				return GUEST_EXITED;
			break;
		case KVM_EXIT_MMIO:
			handle_mmio(vm);
			break;
		case KVM_EXIT_HLT:
			return GUEST_HALTED;
		default: /* KVM_EXIT_SHUTDOWN, _FAIL_ENTRY, _INTERNAL_ERROR */
			report_failure(vm);
			return GUEST_FAILED;
		}
	}
}
/* book:end run_loop */
