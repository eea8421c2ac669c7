/*
 * kvm_x86.c - the KVM x86 backend: hv.h's operations, each one or a few
 * ioctls on /dev/kvm; step07's KVM code, moved behind the interface.  A
 * VM (with, for Linux, the PC's interrupt controllers and timer inside
 * KVM), its memory, its vCPUs with their CPUID, KVM_RUN and its exits
 * decoded into the core's hyp_exit.
 *
 * Runs: userspace (the VMM), on an x86-64 Linux host whose /dev/kvm works,
 * or inside the x86 lab VM (nested KVM).
 * Spec: Documentation/virt/kvm/api.rst: "General description",
 * "KVM_GET_API_VERSION", "KVM_CHECK_EXTENSION", "KVM_CREATE_VM",
 * "KVM_SET_TSS_ADDR", "KVM_SET_IDENTITY_MAP_ADDR", "KVM_CREATE_IRQCHIP",
 * "KVM_CREATE_PIT2", "KVM_SET_USER_MEMORY_REGION", "KVM_CREATE_VCPU",
 * "KVM_GET_VCPU_MMAP_SIZE", "KVM_RUN", "The kvm_run structure",
 * "KVM_GET_REGS/KVM_SET_REGS", "KVM_IRQ_LINE".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backends/kvm_x86.h"
#include "exit_names.h"
#include "backends/kvm_eventfd.h"
#include "x86_cpu.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct kvm_x86_vm {
	int kvm_fd; /* /dev/kvm: system ioctls */
	int vm_fd;  /* KVM_CREATE_VM: VM ioctls */
	size_t run_size;
	struct hyp_config cfg;
};

struct kvm_x86_vcpu {
	int fd;		     /* KVM_CREATE_VCPU: vCPU ioctls */
	struct kvm_run *run; /* shared with KVM: why KVM_RUN returned */
	size_t run_size;
	volatile sig_atomic_t kicked; /* kick() was called */
};

/* A failed call: remember its name, return -errno. */
static int vm_fail(struct hyp_vm *vm, const char *call)
{
	vm->err_call = call;
	return errno ? -errno : -EIO;
}

static int vcpu_fail(struct hyp_vcpu *vcpu, const char *call)
{
	vcpu->err_call = call;
	return errno ? -errno : -EIO;
}

/* book:begin caps */
struct kvm_cap {
	int cap;
	const char *name;
};

static const struct kvm_cap required_caps[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CHECK_EXTENSION(KVM_CAP_USER_MEMORY)" },
	{ KVM_CAP_SET_TSS_ADDR, "KVM_CHECK_EXTENSION(KVM_CAP_SET_TSS_ADDR)" },
	{ KVM_CAP_EXT_CPUID, "KVM_CHECK_EXTENSION(KVM_CAP_EXT_CPUID)" },
	{ KVM_CAP_IMMEDIATE_EXIT,
	  "KVM_CHECK_EXTENSION(KVM_CAP_IMMEDIATE_EXIT)" },
};

/* What the machine Linux boots on needs besides (create_irqchip). */
static const struct kvm_cap irqchip_caps[] = {
	{ KVM_CAP_SET_IDENTITY_MAP_ADDR,
	  "KVM_CHECK_EXTENSION(KVM_CAP_SET_IDENTITY_MAP_ADDR)" },
	{ KVM_CAP_IRQCHIP, "KVM_CHECK_EXTENSION(KVM_CAP_IRQCHIP)" },
	{ KVM_CAP_PIT2, "KVM_CHECK_EXTENSION(KVM_CAP_PIT2)" },
	{ KVM_CAP_IOEVENTFD, /* virtio-net's kicks */
	  "KVM_CHECK_EXTENSION(KVM_CAP_IOEVENTFD)" },
};

static int require_caps(struct hyp_vm *vm, int kvm_fd,
			const struct kvm_cap *caps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, caps[i].cap) <= 0) {
			vm->err_call = caps[i].name;
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

/* The API version is frozen at 12; extensions say what else there is. */
static int kvm_open(struct hyp_vm *vm, struct kvm_x86_vm *k)
{
	int version, size;

	k->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (k->kvm_fd < 0)
		return vm_fail(vm, "open /dev/kvm");
	version = ioctl(k->kvm_fd, KVM_GET_API_VERSION, 0);
	if (version < 0)
		return vm_fail(vm, "KVM_GET_API_VERSION");
	if (version != KVM_API_VERSION) {
		vm->err_call = "KVM_GET_API_VERSION (not 12)";
		return -EPROTO;
	}
	size = ioctl(k->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run))
		return vm_fail(vm, "KVM_GET_VCPU_MMAP_SIZE");
	k->run_size = (size_t)size;
	return require_caps(vm, k->kvm_fd, required_caps,
			    ARRAY_SIZE(required_caps));
}

/*
 * How many vCPUs KVM allows in one VM: KVM_CAP_MAX_VCPUS, or, on kernels
 * that lack it, KVM_CAP_NR_VCPUS, or 4 when neither answers (api.rst).
 */
static int check_nr_vcpus(struct hyp_vm *vm, int kvm_fd, unsigned int n)
{
	int max = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);

	if (max <= 0)
		max = ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	if (max <= 0)
		max = 4;
	if (n <= (unsigned int)max)
		return 0;
	vm->err_call = "KVM_CAP_MAX_VCPUS (KVM allows fewer vCPUs than asked)";
	return -EINVAL;
}
/* book:end caps */

/* book:begin vm_create */
/*
 * The PC's interrupt controllers and timer, emulated inside KVM, for the
 * machine Linux boots on: two 8259 PICs, an IOAPIC and a local APIC per
 * vCPU (KVM_CREATE_IRQCHIP), and the 8254 PIT (KVM_CREATE_PIT2), whose
 * KVM_PIT_SPEAKER_DUMMY makes KVM answer port 0x61 too (the PIT channel
 * 2 gate and output, by which Linux calibrates the TSC when kvm-clock does
 * not give it the frequency).  Before them, the identity-map page KVM
 * needs on Intel without unrestricted guest; all before the first vCPU.
 */
static int create_irqchip(struct hyp_vm *vm, struct kvm_x86_vm *k)
{
	uint64_t identity = k->cfg.x86.identity_map_addr;
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	int err = require_caps(vm, k->kvm_fd, irqchip_caps,
			       ARRAY_SIZE(irqchip_caps));

	if (err)
		return err;
	if (ioctl(k->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &identity) < 0)
		return vm_fail(vm, "KVM_SET_IDENTITY_MAP_ADDR");
	if (ioctl(k->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return vm_fail(vm, "KVM_CREATE_IRQCHIP");
	if (ioctl(k->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		return vm_fail(vm, "KVM_CREATE_PIT2");
	return 0;
}

static int kvm_x86_vm_create(struct hyp_vm *vm, const struct hyp_config *cfg)
{
	struct kvm_x86_vm *k = calloc(1, sizeof(*k));
	int err;

	if (!k)
		return vm_fail(vm, "calloc");
	*k = (struct kvm_x86_vm){ .kvm_fd = -1, .vm_fd = -1, .cfg = *cfg };
	vm->priv = k;
	err = kvm_open(vm, k);
	if (!err)
		err = check_nr_vcpus(vm, k->kvm_fd, cfg->nr_vcpus);
	if (err)
		return err;
	k->vm_fd = ioctl(k->kvm_fd, KVM_CREATE_VM, 0);
	if (k->vm_fd < 0)
		return vm_fail(vm, "KVM_CREATE_VM");
	if (ioctl(k->vm_fd, KVM_SET_TSS_ADDR, cfg->x86.tss_addr) < 0)
		return vm_fail(vm, "KVM_SET_TSS_ADDR");
	return cfg->irqchip ? create_irqchip(vm, k) : 0;
}
/* book:end vm_create */

static int kvm_x86_map_memory(struct hyp_vm *vm, uint64_t gpa, void *hva,
			      uint64_t size)
{
	struct kvm_x86_vm *k = vm->priv;
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	if (ioctl(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return vm_fail(vm, "KVM_SET_USER_MEMORY_REGION");
	return 0;
}

/* book:begin vcpu_create */
/*
 * The CPU a flat guest sees: the CPUID KVM can support (without it, a
 * long-mode guest has no "LM" bit).  Linux gets more (x86_cpu.c): its
 * APIC ID, the hypervisor bit, the MSRs firmware leaves set, the LAPIC's
 * LINT pins wired.
 */
static int cpu_setup(struct hyp_vcpu *vcpu, struct kvm_x86_vm *k,
		     struct kvm_x86_vcpu *v)
{
	struct kvm_cpuid2 *cpuid;
	int ret;

	if (k->cfg.irqchip)
		return x86_vcpu_setup(k->kvm_fd, v->fd, vcpu->index,
				      k->cfg.nr_vcpus, &vcpu->err_call);
	cpuid = x86_supported_cpuid(k->kvm_fd);
	if (!cpuid)
		return vcpu_fail(vcpu, "KVM_GET_SUPPORTED_CPUID");
	ret = ioctl(v->fd, KVM_SET_CPUID2, cpuid);
	free(cpuid);
	return ret < 0 ? vcpu_fail(vcpu, "KVM_SET_CPUID2") : 0;
}

/*
 * A vCPU is a file descriptor; its kvm_run page, shared with the kernel,
 * tells us after each KVM_RUN why the guest stopped.
 */
static int kvm_x86_vcpu_create(struct hyp_vm *vm, struct hyp_vcpu *vcpu,
			       unsigned int index)
{
	struct kvm_x86_vm *k = vm->priv;
	struct kvm_x86_vcpu *v = calloc(1, sizeof(*v));

	*vcpu = (struct hyp_vcpu){ .vm = vm, .index = index, .priv = v };
	if (!v)
		return vcpu_fail(vcpu, "calloc");
	v->run_size = k->run_size;
	v->fd = ioctl(k->vm_fd, KVM_CREATE_VCPU, (unsigned long)index);
	if (v->fd < 0)
		return vcpu_fail(vcpu, "KVM_CREATE_VCPU");
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		return vcpu_fail(vcpu, "mmap kvm_run");
	}
	return cpu_setup(vcpu, k, v);
}
/* book:end vcpu_create */

/* Nothing waits for the last vCPU on x86: the irqchip came with the VM. */
static int kvm_x86_vm_ready(struct hyp_vm *vm)
{
	(void)vm;
	return 0;
}

/* book:begin decode */
/*
 * KVM_EXIT_IO's data: io.size x io.count bytes at io.data_offset inside
 * the kvm_run mapping.  KVM promises they fit; a pointer computed from
 * numbers in a shared page is checked all the same.
 */
static int decode_io(struct hyp_vcpu *vcpu, struct kvm_x86_vcpu *v,
		     struct hyp_exit *exit)
{
	struct kvm_run *run = v->run;
	uint64_t len = (uint64_t)run->io.size * run->io.count;

	if (run->io.data_offset > v->run_size ||
	    len > v->run_size - run->io.data_offset) {
		vcpu->err_call = "KVM_EXIT_IO (its data overruns kvm_run)";
		return -EPROTO;
	}
	exit->kind = HYP_EXIT_PORT_IO;
	exit->io = (struct hyp_io){
		.addr = run->io.port,
		.data = (uint8_t *)run + run->io.data_offset,
		.len = run->io.size,
		.count = run->io.count,
		.is_write = run->io.direction == KVM_EXIT_IO_OUT,
	};
	return 0;
}

static int decode_mmio(struct hyp_vcpu *vcpu, struct kvm_run *run,
		       struct hyp_exit *exit)
{
	if (run->mmio.len > sizeof(run->mmio.data)) {
		vcpu->err_call = "KVM_EXIT_MMIO (longer than its data)";
		return -EPROTO;
	}
	exit->kind = HYP_EXIT_MMIO;
	exit->io = (struct hyp_io){
		.addr = run->mmio.phys_addr,
		.data = run->mmio.data,
		.len = run->mmio.len,
		.count = 1,
		.is_write = run->mmio.is_write,
	};
	return 0;
}

/*
 * What KVM_RUN's exit asks of the core.  HLT reaches us only without the
 * in-kernel irqchip (a flat guest): with it, KVM waits for the interrupt.
 */
static int decode(struct hyp_vcpu *vcpu, struct kvm_x86_vcpu *v,
		  struct hyp_exit *exit)
{
	struct kvm_run *run = v->run;

	*exit = (struct hyp_exit){ .kind = HYP_EXIT_FAILED,
				   .reason = run->exit_reason };
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		return decode_io(vcpu, v, exit);
	case KVM_EXIT_MMIO:
		return decode_mmio(vcpu, run, exit);
	case KVM_EXIT_HLT:
		exit->kind = HYP_EXIT_HALT;
		break;
	case KVM_EXIT_SHUTDOWN:
		exit->kind = HYP_EXIT_SHUTDOWN;
		break;
	}
	return 0; /* the rest: HYP_EXIT_FAILED, vcpu.c says why */
}
/* book:end decode */

/* book:begin run */
/*
 * KVM_RUN until the guest needs us.  A signal, or immediate_exit set by
 * kick(), makes it return EINTR: HYP_EXIT_INTERRUPTED, with the reason
 * KVM_EXIT_INTR.  So does EAGAIN, which an AP's first KVM_RUN returns
 * once its INIT has come (KVM x86 asks to be called again, as kvmtool
 * and Firecracker do).
 */
static int kvm_x86_run(struct hyp_vcpu *vcpu, struct hyp_exit *exit)
{
	struct kvm_x86_vcpu *v = vcpu->priv;

	if (ioctl(v->fd, KVM_RUN, 0) < 0) {
		if (errno != EINTR && errno != EAGAIN)
			return vcpu_fail(vcpu, "KVM_RUN");
		*exit = (struct hyp_exit){ .kind = HYP_EXIT_INTERRUPTED,
					   .reason = KVM_EXIT_INTR };
		return 0;
	}
	return decode(vcpu, v, exit);
}

/*
 * From a signal handler too: immediate_exit makes the next KVM_RUN return
 * at once, should the signal land while the VMM handles an exit.
 */
static void kvm_x86_kick(struct hyp_vcpu *vcpu)
{
	struct kvm_x86_vcpu *v = vcpu->priv;

	v->kicked = 1;
	v->run->immediate_exit = 1;
}
/* book:end run */

/* book:begin complete_io */
/*
 * Let KVM complete the exit being handled without entering the guest:
 * KVM_RUN with immediate_exit set returns EINTR at once, after KVM has
 * stepped over the IN or OUT it returned from.  Then immediate_exit is
 * back to what kick() says: cleared, then set again if a kick came, in
 * this order, so that a kick in between is not lost.
 */
int kvm_x86_complete_io(struct hyp_vcpu *vcpu)
{
	struct kvm_x86_vcpu *v = vcpu->priv;
	int ret;

	v->run->immediate_exit = 1;
	ret = ioctl(v->fd, KVM_RUN, 0);
	v->run->immediate_exit = 0;
	atomic_signal_fence(memory_order_seq_cst);
	if (v->kicked)
		v->run->immediate_exit = 1;
	if (ret == 0 || errno != EINTR) {
		vcpu->err_call = "KVM_RUN with immediate_exit (not EINTR)";
		return ret == 0 ? -EPROTO : -errno;
	}
	return 0;
}
/* book:end complete_io */

/* book:begin regs */
/* Where each register the core asks for sits in struct kvm_regs. */
static const size_t reg_offset[HYP_REG_COUNT] = {
	[HYP_REG_RAX] = offsetof(struct kvm_regs, rax),
	[HYP_REG_RBX] = offsetof(struct kvm_regs, rbx),
	[HYP_REG_RCX] = offsetof(struct kvm_regs, rcx),
	[HYP_REG_RDX] = offsetof(struct kvm_regs, rdx),
	[HYP_REG_RSI] = offsetof(struct kvm_regs, rsi),
	[HYP_REG_RDI] = offsetof(struct kvm_regs, rdi),
	[HYP_REG_RSP] = offsetof(struct kvm_regs, rsp),
	[HYP_REG_RBP] = offsetof(struct kvm_regs, rbp),
	[HYP_REG_RIP] = offsetof(struct kvm_regs, rip),
	[HYP_REG_RFLAGS] = offsetof(struct kvm_regs, rflags),
};

static bool is_x86_reg(enum hyp_reg reg)
{
	return reg >= HYP_REG_RAX && reg <= HYP_REG_RFLAGS;
}

static int kvm_x86_get_reg(struct hyp_vcpu *vcpu, enum hyp_reg reg,
			   uint64_t *val)
{
	struct kvm_x86_vcpu *v = vcpu->priv;
	struct kvm_regs regs;

	if (!is_x86_reg(reg)) {
		vcpu->err_call = "get_reg (not an x86 register)";
		return -EINVAL;
	}
	if (ioctl(v->fd, KVM_GET_REGS, &regs) < 0)
		return vcpu_fail(vcpu, "KVM_GET_REGS");
	memcpy(val, (uint8_t *)&regs + reg_offset[reg], sizeof(*val));
	return 0;
}

static int kvm_x86_set_reg(struct hyp_vcpu *vcpu, enum hyp_reg reg,
			   uint64_t val)
{
	struct kvm_x86_vcpu *v = vcpu->priv;
	struct kvm_regs regs;

	if (!is_x86_reg(reg)) {
		vcpu->err_call = "set_reg (not an x86 register)";
		return -EINVAL;
	}
	if (ioctl(v->fd, KVM_GET_REGS, &regs) < 0)
		return vcpu_fail(vcpu, "KVM_GET_REGS");
	memcpy((uint8_t *)&regs + reg_offset[reg], &val, sizeof(val));
	if (ioctl(v->fd, KVM_SET_REGS, &regs) < 0)
		return vcpu_fail(vcpu, "KVM_SET_REGS");
	return 0;
}
/* book:end regs */

/* book:begin irq_line */
/*
 * KVM_IRQ_LINE on the in-kernel irqchip: the device states the level, and
 * the IOAPIC (and, for GSIs below 16, the PIC) makes an interrupt of a
 * rising edge on an edge-triggered input, or keeps asserting a level-
 * triggered one while the line is high.
 */
static int kvm_x86_irq_line(struct hyp_vm *vm, unsigned int gsi, bool level)
{
	struct kvm_x86_vm *k = vm->priv;
	struct kvm_irq_level irq = { .irq = gsi, .level = level };

	if (ioctl(k->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		return vm_fail(vm, "KVM_IRQ_LINE");
	return 0;
}
/* book:end irq_line */

static int kvm_x86_ioeventfd(struct hyp_vm *vm, uint64_t addr, uint32_t len,
			     uint64_t datamatch, int fd)
{
	struct kvm_x86_vm *k = vm->priv;
	int err = kvm_ioeventfd_assign(k->vm_fd, addr, len, datamatch, fd);

	if (err)
		vm->err_call = "KVM_IOEVENTFD";
	return err;
}

static void kvm_x86_vcpu_destroy(struct hyp_vcpu *vcpu)
{
	struct kvm_x86_vcpu *v = vcpu->priv;

	if (!v)
		return;
	if (v->run)
		munmap(v->run, v->run_size);
	if (v->fd >= 0)
		close(v->fd);
	free(v);
	vcpu->priv = NULL;
}

static void kvm_x86_vm_destroy(struct hyp_vm *vm)
{
	struct kvm_x86_vm *k = vm->priv;

	if (!k)
		return;
	if (k->vm_fd >= 0)
		close(k->vm_fd);
	if (k->kvm_fd >= 0)
		close(k->kvm_fd);
	free(k);
	vm->priv = NULL;
}

int kvm_x86_vcpu_fd(const struct hyp_vcpu *vcpu)
{
	const struct kvm_x86_vcpu *v = vcpu->priv;

	return v->fd;
}

struct kvm_run *kvm_x86_run_page(const struct hyp_vcpu *vcpu)
{
	const struct kvm_x86_vcpu *v = vcpu->priv;

	return v->run;
}

const struct hyp_ops kvm_x86_ops = {
	.name = "kvm-x86",
	.arch = HYP_ARCH_X86_64,
	.vm_create = kvm_x86_vm_create,
	.map_memory = kvm_x86_map_memory,
	.forward_hypercalls = NULL, /* the doorbell is port I/O */
	.vcpu_create = kvm_x86_vcpu_create,
	.vm_ready = kvm_x86_vm_ready,
	.run = kvm_x86_run,
	.kick = kvm_x86_kick,
	.get_reg = kvm_x86_get_reg,
	.set_reg = kvm_x86_set_reg,
	.irq_line = kvm_x86_irq_line,
	.ioeventfd = kvm_x86_ioeventfd,
	.exit_name = kvm_exit_name,
	.vcpu_destroy = kvm_x86_vcpu_destroy,
	.vm_destroy = kvm_x86_vm_destroy,
};
