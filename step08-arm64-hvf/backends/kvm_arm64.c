/*
 * kvm_arm64.c - the KVM arm64 backend: everything the machine asks of
 * /dev/kvm on an arm64 host, one ioctl at a time.
 *
 * Runs: userspace (the VMM) on arm64 Linux with KVM (in the course: inside
 * the arm64 lab VM, where Debian's 6.12 kernel runs KVM at EL2).  The
 * VM-wide calls run on the main thread before any vCPU runs; each vCPU
 * then runs on a thread of its own (kvm_arm64_run).  The pure functions
 * (register IDs, the irq encoding, exit decoding) are unit-tested on any
 * host against the arm64 UAPI headers.
 *
 * Spec: Documentation/virt/kvm/api.rst, devices/arm-vgic-v3.rst,
 * devices/vm.rst; Arm DEN0022 (PSCI); Arm DEN0028 "SMC Calling
 * Convention" ("Function Identifier": what the filter's range covers);
 * Documentation/arch/arm64/booting.rst ("Call the kernel image").  See
 * kvm_arm64.h.
 *
 * What KVM does for us on arm64, unlike x86: it is the firmware.  PSCI
 * (starting and stopping CPUs, powering off) is handled in the kernel;
 * the VMM only asks for it (KVM_ARM_VCPU_PSCI_0_2) and learns of SYSTEM_OFF
 * and SYSTEM_RESET as KVM_EXIT_SYSTEM_EVENT.  The GIC and the timer are in
 * the kernel too.  What it does not do by itself is let us see an HVC: from
 * Linux 6.4 on, an SMCCC filter forwards a chosen range to userspace.
 *
 * Every function returns 0 or -errno and, on failure, names the call that
 * failed in err_call, for the VMM's one-line message.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arch/arm64/machine.h"
#include "backends/kvm_arm64.h"
#include "backends/kvm_eventfd.h"

/* A failed call: remember its name, return -errno. */
static int vm_fail(struct kvm_arm64_vm *vm, const char *call)
{
	int err = errno ? -errno : -EIO;

	vm->err_call = call;
	return err;
}

static int vcpu_fail(struct kvm_arm64_vcpu *vcpu, const char *call)
{
	int err = errno ? -errno : -EIO;

	vcpu->err_call = call;
	return err;
}

/* book:begin reg_ids */
/*
 * api.rst, "KVM_SET_ONE_REG", arm64: a core register's ID is its offset
 * into struct kvm_regs in 32-bit units (KVM_REG_ARM_CORE_REG), tagged
 * arm64, core, 64 bits wide.  X0..X30 are consecutive u64s.
 */
static uint64_t core_reg(uint64_t offset_u32)
{
	return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | offset_u32;
}

#define ARM64_GPRS    31 /* X0..X30 */
#define U32S_PER_X    (sizeof(__u64) / sizeof(__u32))
#define MPIDR_EL1_OP0 3 /* MPIDR_EL1 is S3_0_C0_C0_5 */
#define MPIDR_EL1_OP1 0
#define MPIDR_EL1_CRN 0
#define MPIDR_EL1_CRM 0
#define MPIDR_EL1_OP2 5

uint64_t kvm_arm64_reg_x(unsigned int n)
{
	return core_reg(KVM_REG_ARM_CORE_REG(regs.regs) + n * U32S_PER_X);
}

uint64_t kvm_arm64_reg_pc(void)
{
	return core_reg(KVM_REG_ARM_CORE_REG(regs.pc));
}

uint64_t kvm_arm64_reg_pstate(void)
{
	return core_reg(KVM_REG_ARM_CORE_REG(regs.pstate));
}

uint64_t kvm_arm64_reg_mpidr(void)
{
	return ARM64_SYS_REG(MPIDR_EL1_OP0, MPIDR_EL1_OP1, MPIDR_EL1_CRN,
			     MPIDR_EL1_CRM, MPIDR_EL1_OP2);
}
/* book:end reg_ids */

/* book:begin irq_spi */
/*
 * api.rst, "KVM_IRQ_LINE", arm64: the irq field packs a type, a vCPU and
 * an INTID.  With the in-kernel GIC, an SPI is KVM_ARM_IRQ_TYPE_SPI and
 * its INTID (32 + the SPI number the device tree gives); no vCPU (the
 * distributor routes it).
 */
uint32_t kvm_arm64_irq_spi(unsigned int spi)
{
	return (uint32_t)KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT |
	       ((GIC_INTID_SPI_BASE + spi) & KVM_ARM_IRQ_NUM_MASK)
		       << KVM_ARM_IRQ_NUM_SHIFT;
}
/* book:end irq_spi */

/*
 * booting.rst, "Call the kernel image": "Primary CPU general-purpose
 * register settings: x0 = physical address of device tree blob; x1 = x2 =
 * x3 = 0"; "All forms of interrupts must be masked in PSTATE.DAIF"; the
 * CPU in EL1 (or EL2) with the MMU off.  EL1h: EL1 using SP_EL1.
 */
uint64_t kvm_arm64_boot_pstate(void)
{
	return PSR_MODE_EL1h | PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT;
}

/* What this backend needs of KVM, by the capability that says so. */
static const struct {
	long cap;
	const char *name;
} caps[] = {
	{ KVM_CAP_ONE_REG, "KVM_CHECK_EXTENSION(KVM_CAP_ONE_REG)" },
	{ KVM_CAP_ARM_PSCI_0_2, "KVM_CHECK_EXTENSION(KVM_CAP_ARM_PSCI_0_2)" },
	{ KVM_CAP_DEVICE_CTRL, "KVM_CHECK_EXTENSION(KVM_CAP_DEVICE_CTRL)" },
};

/* book:begin vm_create */
/*
 * Open /dev/kvm, check what this backend relies on, create the VM (the
 * default 40-bit guest-physical space: RAM and devices are below 4 GiB)
 * and ask which vCPU model this host prefers.
 */
int kvm_arm64_vm_create(struct kvm_arm64_vm *vm)
{
	int err, size;

	*vm = (struct kvm_arm64_vm){ .kvm_fd = -1, .vm_fd = -1, .vgic_fd = -1 };
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return vm_fail(vm, "open /dev/kvm");
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, caps[i].cap) <= 0) {
			vm->err_call = caps[i].name;
			err = -EOPNOTSUPP;
			goto err_close;
		}
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		err = vm_fail(vm, "KVM_CREATE_VM");
		goto err_close;
	}
	size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run)) {
		err = vm_fail(vm, "KVM_GET_VCPU_MMAP_SIZE");
		goto err_close;
	}
	vm->run_size = (size_t)size;
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &vm->target) < 0) {
		err = vm_fail(vm, "KVM_ARM_PREFERRED_TARGET");
		goto err_close;
	}
	return 0;
err_close:
	kvm_arm64_vm_destroy(vm);
	return err;
}
/* book:end vm_create */

/* Guest RAM: guest-physical [0, size) is host memory [hva, hva + size). */
int kvm_arm64_map_ram(struct kvm_arm64_vm *vm, void *hva, uint64_t size)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return vm_fail(vm, "KVM_SET_USER_MEMORY_REGION");
	return 0;
}

#define SMCCC_PROBE "KVM_HAS_DEVICE_ATTR(KVM_ARM_VM_SMCCC_FILTER)"

/* book:begin forward_hypercalls */
/*
 * devices/vm.rst, KVM_ARM_VM_SMCCC_FILTER: SMCCC calls (HVC or SMC) whose
 * function ID is in [base, base + count) leave KVM_RUN as
 * KVM_EXIT_HYPERCALL instead of being answered by KVM ("not supported").
 * Only before any vCPU has run (-EBUSY after).  A kernel before 6.4 has no
 * such filter: KVM_HAS_DEVICE_ATTR on the VM fd answers EINVAL there
 * (measured on Debian's 6.1: arm64 KVM knows no attribute ioctl on a VM
 * fd before 6.4; a newer kernel without the attribute would answer
 * ENXIO), and this returns -EOPNOTSUPP, naming the probe.  The probe is
 * the ioctl itself: KVM_CAP_VM_ATTRIBUTES, which api.rst names for the VM
 * fd's attributes, is 0 on arm64 even where the filter works (6.12).
 */
int kvm_arm64_forward_hypercalls(struct kvm_arm64_vm *vm, uint32_t base,
				 uint32_t count)
{
	struct kvm_smccc_filter filter = {
		.base = base,
		.nr_functions = count,
		.action = KVM_SMCCC_FILTER_FWD_TO_USER,
	};
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
		.addr = (uintptr_t)&filter,
	};

	if (ioctl(vm->vm_fd, KVM_HAS_DEVICE_ATTR, &attr) < 0) {
		if (errno == EINVAL)
			vm->err_call = SMCCC_PROBE " answered EINVAL";
		else if (errno == ENXIO)
			vm->err_call = SMCCC_PROBE " answered ENXIO";
		else
			return vm_fail(vm, SMCCC_PROBE);
		return -EOPNOTSUPP;
	}
	if (ioctl(vm->vm_fd, KVM_SET_DEVICE_ATTR, &attr) < 0)
		return vm_fail(vm,
			       "KVM_SET_DEVICE_ATTR(KVM_ARM_VM_SMCCC_FILTER)");
	return 0;
}
/* book:end forward_hypercalls */

/* book:begin vcpu_create */
/*
 * A vCPU: create it, map its kvm_run, and initialise it as the host's
 * preferred model with PSCI 0.2+ (so KVM answers the guest's PSCI calls).
 * Every vCPU but the boot CPU starts powered off: it waits in KVM_RUN
 * until the guest's PSCI CPU_ON gives it an entry point, as a real
 * secondary core waits for its firmware.
 */
int kvm_arm64_vcpu_create(struct kvm_arm64_vm *vm, struct kvm_arm64_vcpu *vcpu,
			  unsigned int index)
{
	struct kvm_vcpu_init init = vm->target;
	void *run;

	*vcpu = (struct kvm_arm64_vcpu){ .fd = -1, .index = index };
	vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)index);
	if (vcpu->fd < 0)
		return vcpu_fail(vcpu, "KVM_CREATE_VCPU");
	run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	if (run == MAP_FAILED) {
		int err = vcpu_fail(vcpu, "mmap kvm_run");

		close(vcpu->fd);
		vcpu->fd = -1;
		return err;
	}
	vcpu->run = run;
	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (index > 0)
		init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	if (ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init) < 0)
		return vcpu_fail(vcpu, "KVM_ARM_VCPU_INIT");
	return 0;
}
/* book:end vcpu_create */

static int vgic_set(struct kvm_arm64_vm *vm, uint32_t group, uint64_t attr,
		    void *val, const char *call)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (uintptr_t)val,
	};

	if (ioctl(vm->vgic_fd, KVM_SET_DEVICE_ATTR, &a) < 0)
		return vm_fail(vm, call);
	return 0;
}

/* book:begin vgic */
/*
 * arm-vgic-v3.rst: create the in-kernel GICv3, place its distributor and
 * its redistributor region (one 128 KiB redistributor per vCPU, in vCPU
 * order), and say how many interrupts it has (32 private + the SPIs).
 */
int kvm_arm64_vgic_create(struct kvm_arm64_vm *vm, uint64_t dist_base,
			  uint64_t redist_base, uint32_t nr_irqs)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	int err;

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &dev) < 0)
		return vm_fail(vm,
			       "KVM_CREATE_DEVICE(KVM_DEV_TYPE_ARM_VGIC_V3)");
	vm->vgic_fd = (int)dev.fd;
	err = vgic_set(vm, KVM_DEV_ARM_VGIC_GRP_ADDR,
		       KVM_VGIC_V3_ADDR_TYPE_DIST, &dist_base,
		       "KVM_SET_DEVICE_ATTR(KVM_VGIC_V3_ADDR_TYPE_DIST)");
	if (err)
		return err;
	err = vgic_set(vm, KVM_DEV_ARM_VGIC_GRP_ADDR,
		       KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist_base,
		       "KVM_SET_DEVICE_ATTR(KVM_VGIC_V3_ADDR_TYPE_REDIST)");
	if (err)
		return err;
	return vgic_set(vm, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs,
			"KVM_SET_DEVICE_ATTR(KVM_DEV_ARM_VGIC_GRP_NR_IRQS)");
}

/* Once every vCPU exists ("must be called after all VCPUs have been created"). */
int kvm_arm64_vgic_init(struct kvm_arm64_vm *vm)
{
	return vgic_set(vm, KVM_DEV_ARM_VGIC_GRP_CTRL,
			KVM_DEV_ARM_VGIC_CTRL_INIT, NULL,
			"KVM_SET_DEVICE_ATTR(KVM_DEV_ARM_VGIC_CTRL_INIT)");
}
/* book:end vgic */

/* A device's level-triggered SPI: high or low (irq.h's set_level). */
int kvm_arm64_irq_line(struct kvm_arm64_vm *vm, unsigned int spi, bool level)
{
	struct kvm_irq_level irq = {
		.irq = kvm_arm64_irq_spi(spi),
		.level = level,
	};

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		return vm_fail(vm, "KVM_IRQ_LINE");
	return 0;
}

int kvm_arm64_get_reg(struct kvm_arm64_vcpu *vcpu, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	if (ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg) < 0)
		return vcpu_fail(vcpu, "KVM_GET_ONE_REG");
	return 0;
}

int kvm_arm64_set_reg(struct kvm_arm64_vcpu *vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	if (ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg) < 0)
		return vcpu_fail(vcpu, "KVM_SET_ONE_REG");
	return 0;
}

/* book:begin vcpu_boot */
/* The boot CPU's registers as booting.rst asks: X0 = the DTB, X1-X3 = 0. */
int kvm_arm64_vcpu_boot(struct kvm_arm64_vcpu *vcpu, uint64_t pc, uint64_t x0)
{
	const struct {
		uint64_t id, val;
	} regs[] = {
		{ kvm_arm64_reg_x(0), x0 },
		{ kvm_arm64_reg_x(1), 0 },
		{ kvm_arm64_reg_x(2), 0 },
		{ kvm_arm64_reg_x(3), 0 },
		{ kvm_arm64_reg_pstate(), kvm_arm64_boot_pstate() },
		{ kvm_arm64_reg_pc(), pc },
	};

	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		int err = kvm_arm64_set_reg(vcpu, regs[i].id, regs[i].val);

		if (err)
			return err;
	}
	return 0;
}
/* book:end vcpu_boot */

/* book:begin decode_exit */
/*
 * What an exit asks of the machine.  MMIO: an access KVM could not handle
 * (nothing in the kernel decodes that address); the data lives in kvm_run
 * and, for a read, the bus writes it there before the next KVM_RUN.
 * HYPERCALL: an SMCCC call in the forwarded range (KVM has already
 * advanced the PC past the HVC or SMC; the arguments are in X1.., read
 * with KVM_GET_ONE_REG: KVM does not copy them into kvm_run on arm64).
 * SYSTEM_EVENT: the guest's PSCI SYSTEM_OFF or SYSTEM_RESET.
 */
void kvm_arm64_decode_exit(struct kvm_run *run, struct kvm_arm64_exit *exit)
{
	memset(exit, 0, sizeof(*exit));
	exit->reason = run->exit_reason;
	exit->kind = KVM_ARM64_EXIT_UNHANDLED;
	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		exit->kind = KVM_ARM64_EXIT_MMIO;
		exit->mmio.addr = run->mmio.phys_addr;
		exit->mmio.data = run->mmio.data;
		exit->mmio.len = run->mmio.len;
		exit->mmio.is_write = run->mmio.is_write;
		break;
	case KVM_EXIT_HYPERCALL:
		exit->kind = KVM_ARM64_EXIT_HYPERCALL;
		exit->hypercall.function = run->hypercall.nr;
		exit->hypercall.flags = run->hypercall.flags;
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		exit->system_event = run->system_event.type;
		if (run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN)
			exit->kind = KVM_ARM64_EXIT_SYSTEM_OFF;
		else if (run->system_event.type == KVM_SYSTEM_EVENT_RESET)
			exit->kind = KVM_ARM64_EXIT_SYSTEM_RESET;
		break;
	case KVM_EXIT_INTR:
		exit->kind = KVM_ARM64_EXIT_INTERRUPTED;
		break;
	}
}
/* book:end decode_exit */

/*
 * Run the vCPU until it exits to us.  A signal (the VMM stopping this
 * thread) is an exit too: KVM_RUN returns EINTR, reported as
 * KVM_EXIT_INTR.
 */
int kvm_arm64_run(struct kvm_arm64_vcpu *vcpu, struct kvm_arm64_exit *exit)
{
	if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
		if (errno != EINTR)
			return vcpu_fail(vcpu, "KVM_RUN");
		vcpu->run->exit_reason = KVM_EXIT_INTR;
	}
	kvm_arm64_decode_exit(vcpu->run, exit);
	return 0;
}

/* The KVM_EXIT_* an arm64 VMM can meet, by name. */
const char *kvm_arm64_exit_name(uint32_t reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "KVM_EXIT_UNKNOWN",
		[KVM_EXIT_HYPERCALL] = "KVM_EXIT_HYPERCALL",
		[KVM_EXIT_DEBUG] = "KVM_EXIT_DEBUG",
		[KVM_EXIT_MMIO] = "KVM_EXIT_MMIO",
		[KVM_EXIT_SHUTDOWN] = "KVM_EXIT_SHUTDOWN",
		[KVM_EXIT_FAIL_ENTRY] = "KVM_EXIT_FAIL_ENTRY",
		[KVM_EXIT_INTR] = "KVM_EXIT_INTR",
		[KVM_EXIT_INTERNAL_ERROR] = "KVM_EXIT_INTERNAL_ERROR",
		[KVM_EXIT_SYSTEM_EVENT] = "KVM_EXIT_SYSTEM_EVENT",
		[KVM_EXIT_ARM_NISV] = "KVM_EXIT_ARM_NISV",
	};

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "(an exit this backend does not expect)";
}

void kvm_arm64_vcpu_destroy(struct kvm_arm64_vm *vm,
			    struct kvm_arm64_vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vm->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->run = NULL;
	vcpu->fd = -1;
}

void kvm_arm64_vm_destroy(struct kvm_arm64_vm *vm)
{
	if (vm->vgic_fd >= 0)
		close(vm->vgic_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->vgic_fd = vm->vm_fd = vm->kvm_fd = -1;
}

/* book:begin hyp_ops */
/*
 * hv.h's operations, on the functions above.  The VM-wide state is a
 * struct kvm_arm64_vm plus the machine's configuration (the GIC is made
 * in vm_ready, once every vCPU exists: arm-vgic-v3.rst's INIT "must be
 * called after all VCPUs have been created"); a vCPU is a struct
 * kvm_arm64_vcpu.  Errors carry the failing call's name up to hv.h's
 * err_call.
 */
struct kvm_arm64_hyp_vm {
	struct kvm_arm64_vm k;
	struct hyp_config cfg;
};

static int op_vm_err(struct hyp_vm *vm, struct kvm_arm64_hyp_vm *h, int err)
{
	if (err)
		vm->err_call = h->k.err_call;
	return err;
}

static int op_vm_create(struct hyp_vm *vm, const struct hyp_config *cfg)
{
	struct kvm_arm64_hyp_vm *h = calloc(1, sizeof(*h));

	if (!h) {
		vm->err_call = "calloc";
		return -ENOMEM;
	}
	vm->priv = h;
	h->cfg = *cfg;
	return op_vm_err(vm, h, kvm_arm64_vm_create(&h->k));
}

static int op_map_memory(struct hyp_vm *vm, uint64_t gpa, void *hva,
			 uint64_t size)
{
	struct kvm_arm64_hyp_vm *h = vm->priv;

	if (gpa != 0) { /* one slot, at 0: arch/arm64/machine.h */
		vm->err_call = "map_memory (RAM must start at 0)";
		return -EINVAL;
	}
	return op_vm_err(vm, h, kvm_arm64_map_ram(&h->k, hva, size));
}

static int op_forward_hypercalls(struct hyp_vm *vm, uint32_t first,
				 uint32_t count)
{
	struct kvm_arm64_hyp_vm *h = vm->priv;

	return op_vm_err(vm, h,
			 kvm_arm64_forward_hypercalls(&h->k, first, count));
}

static int op_vcpu_create(struct hyp_vm *vm, struct hyp_vcpu *vcpu,
			  unsigned int index)
{
	struct kvm_arm64_hyp_vm *h = vm->priv;
	struct kvm_arm64_vcpu *v = calloc(1, sizeof(*v));
	int err;

	*vcpu = (struct hyp_vcpu){ .vm = vm, .index = index, .priv = v };
	if (!v) {
		vcpu->err_call = "calloc";
		return -ENOMEM;
	}
	err = kvm_arm64_vcpu_create(&h->k, v, index);
	if (err)
		vcpu->err_call = v->err_call;
	return err;
}

static int op_vm_ready(struct hyp_vm *vm)
{
	struct kvm_arm64_hyp_vm *h = vm->priv;
	int err;

	if (!h->cfg.irqchip)
		return 0;
	err = kvm_arm64_vgic_create(&h->k, h->cfg.arm64.gicd_base,
				    h->cfg.arm64.gicr_base,
				    h->cfg.arm64.nr_irqs);
	if (!err)
		err = kvm_arm64_vgic_init(&h->k);
	return op_vm_err(vm, h, err);
}

/* The backend's exit kinds, as hv.h's. */
static void to_hyp_exit(const struct kvm_arm64_exit *e, struct hyp_exit *exit)
{
	*exit = (struct hyp_exit){ .kind = HYP_EXIT_FAILED,
				   .reason = e->reason };
	switch (e->kind) {
	case KVM_ARM64_EXIT_MMIO:
		exit->kind = HYP_EXIT_MMIO;
		exit->io = (struct hyp_io){ .addr = e->mmio.addr,
					    .data = e->mmio.data,
					    .len = e->mmio.len,
					    .count = 1,
					    .is_write = e->mmio.is_write };
		break;
	case KVM_ARM64_EXIT_HYPERCALL:
		exit->kind = HYP_EXIT_HYPERCALL;
		exit->hypercall = (struct hyp_hypercall){
			.function = (uint32_t)e->hypercall.function,
			.conduit = e->hypercall.flags & KVM_HYPERCALL_EXIT_SMC
					   ? HYP_CONDUIT_SMC
					   : HYP_CONDUIT_HVC,
		};
		break;
	case KVM_ARM64_EXIT_SYSTEM_OFF:
	case KVM_ARM64_EXIT_SYSTEM_RESET:
		exit->kind = HYP_EXIT_SYSTEM_EVENT;
		exit->event = e->kind == KVM_ARM64_EXIT_SYSTEM_OFF
				      ? HYP_EVENT_POWER_OFF
				      : HYP_EVENT_RESET;
		break;
	case KVM_ARM64_EXIT_INTERRUPTED:
		exit->kind = HYP_EXIT_INTERRUPTED;
		break;
	case KVM_ARM64_EXIT_UNHANDLED:
		break;
	}
}

static int op_run(struct hyp_vcpu *vcpu, struct hyp_exit *exit)
{
	struct kvm_arm64_vcpu *v = vcpu->priv;
	struct kvm_arm64_exit e;
	int err = kvm_arm64_run(v, &e);

	if (err) {
		vcpu->err_call = v->err_call;
		return err;
	}
	to_hyp_exit(&e, exit);
	return 0;
}

/* immediate_exit: the next KVM_RUN returns EINTR at once. */
static void op_kick(struct hyp_vcpu *vcpu)
{
	struct kvm_arm64_vcpu *v = vcpu->priv;

	v->run->immediate_exit = 1;
}

/* hv.h's register names as KVM_GET_ONE_REG IDs; 0: not an arm64 one. */
static uint64_t reg_id(enum hyp_reg reg)
{
	if (reg >= HYP_REG_X0 && reg <= HYP_REG_X30)
		return kvm_arm64_reg_x(reg - HYP_REG_X0);
	switch (reg) {
	case HYP_REG_PC:
		return kvm_arm64_reg_pc();
	case HYP_REG_PSTATE:
		return kvm_arm64_reg_pstate();
	case HYP_REG_SP_EL1:
		return core_reg(KVM_REG_ARM_CORE_REG(sp_el1));
	case HYP_REG_MPIDR_EL1:
		return kvm_arm64_reg_mpidr();
	default:
		return 0;
	}
}

static int op_get_reg(struct hyp_vcpu *vcpu, enum hyp_reg reg, uint64_t *val)
{
	struct kvm_arm64_vcpu *v = vcpu->priv;
	uint64_t id = reg_id(reg);
	int err;

	if (!id) {
		vcpu->err_call = "get_reg (not an arm64 register)";
		return -EINVAL;
	}
	err = kvm_arm64_get_reg(v, id, val);
	if (err)
		vcpu->err_call = v->err_call;
	return err;
}

static int op_set_reg(struct hyp_vcpu *vcpu, enum hyp_reg reg, uint64_t val)
{
	struct kvm_arm64_vcpu *v = vcpu->priv;
	uint64_t id = reg_id(reg);
	int err;

	if (!id) {
		vcpu->err_call = "set_reg (not an arm64 register)";
		return -EINVAL;
	}
	err = kvm_arm64_set_reg(v, id, val);
	if (err)
		vcpu->err_call = v->err_call;
	return err;
}

static int op_irq_line(struct hyp_vm *vm, unsigned int spi, bool level)
{
	struct kvm_arm64_hyp_vm *h = vm->priv;

	return op_vm_err(vm, h, kvm_arm64_irq_line(&h->k, spi, level));
}

static void op_vcpu_destroy(struct hyp_vcpu *vcpu)
{
	struct kvm_arm64_hyp_vm *h = vcpu->vm->priv;

	if (!vcpu->priv)
		return;
	kvm_arm64_vcpu_destroy(&h->k, vcpu->priv);
	free(vcpu->priv);
	vcpu->priv = NULL;
}

static void op_vm_destroy(struct hyp_vm *vm)
{
	struct kvm_arm64_hyp_vm *h = vm->priv;

	if (!h)
		return;
	kvm_arm64_vm_destroy(&h->k);
	free(h);
	vm->priv = NULL;
}

static int op_ioeventfd(struct hyp_vm *vm, uint64_t addr, uint32_t len,
			uint64_t datamatch, int fd)
{
	struct kvm_arm64_hyp_vm *h = vm->priv;
	int err = kvm_ioeventfd_assign(h->k.vm_fd, addr, len, datamatch, fd);

	if (err)
		vm->err_call = "KVM_IOEVENTFD";
	return err;
}

const struct hyp_ops kvm_arm64_ops = {
	.name = "kvm-arm64",
	.arch = HYP_ARCH_ARM64,
	.vm_create = op_vm_create,
	.map_memory = op_map_memory,
	.forward_hypercalls = op_forward_hypercalls,
	.vcpu_create = op_vcpu_create,
	.vm_ready = op_vm_ready,
	.run = op_run,
	.kick = op_kick,
	.get_reg = op_get_reg,
	.set_reg = op_set_reg,
	.irq_line = op_irq_line,
	.ioeventfd = op_ioeventfd,
	.exit_name = kvm_arm64_exit_name,
	.vcpu_destroy = op_vcpu_destroy,
	.vm_destroy = op_vm_destroy,
};
/* book:end hyp_ops */
