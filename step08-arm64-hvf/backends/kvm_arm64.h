/*
 * kvm_arm64.h - the KVM arm64 backend: a VM, its vCPUs, the GICv3, the
 * hypercall filter and the exits, on /dev/kvm of an arm64 Linux host.
 *
 * Runs: userspace (the VMM), on an arm64 host or in the arm64 lab VM; one
 * thread per vCPU (KVM_RUN), the VM-wide calls from the main thread before
 * the vCPUs start.  Built against the UAPI headers of Linux 6.4+ (the
 * lab's sysroot: `LAB_ARCH=arm64 common/lab/lab-assets vmm-cflags`).
 *
 * Spec: Documentation/virt/kvm/api.rst ("KVM_ARM_PREFERRED_TARGET",
 * "KVM_ARM_VCPU_INIT", "KVM_GET_ONE_REG"/"KVM_SET_ONE_REG" and its arm64
 * register IDs, "KVM_IRQ_LINE" with the arm64 irq field, "KVM_CREATE_DEVICE",
 * "KVM_RUN" exits KVM_EXIT_MMIO, KVM_EXIT_HYPERCALL, KVM_EXIT_SYSTEM_EVENT);
 * Documentation/virt/kvm/devices/arm-vgic-v3.rst (KVM_DEV_ARM_VGIC_GRP_ADDR,
 * _NR_IRQS, _CTRL/KVM_DEV_ARM_VGIC_CTRL_INIT) and devices/vm.rst
 * (KVM_ARM_VM_SMCCC_CTRL/KVM_ARM_VM_SMCCC_FILTER); Arm DEN0022 "Power State
 * Coordination Interface" (CPU_ON, SYSTEM_OFF, SYSTEM_RESET, which KVM
 * implements in the kernel); Documentation/arch/arm64/booting.rst ("Call
 * the kernel image": the boot CPU's registers).
 */
#ifndef BACKENDS_KVM_ARM64_H
#define BACKENDS_KVM_ARM64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "hv.h"

extern const struct hyp_ops kvm_arm64_ops; /* hv.h's table */

/* One VM.  err_call names the ioctl behind the last -errno returned. */
struct kvm_arm64_vm {
	int kvm_fd, vm_fd, vgic_fd;
	size_t run_size;
	struct kvm_vcpu_init target; /* KVM_ARM_PREFERRED_TARGET's answer */
	const char *err_call;
};

struct kvm_arm64_vcpu {
	int fd;
	unsigned int index; /* 0 is the boot CPU */
	struct kvm_run *run;
	const char *err_call;
};

/* What an exit means to the machine: the backend-neutral kinds. */
enum kvm_arm64_exit_kind {
	KVM_ARM64_EXIT_MMIO,	   /* a load or store the bus must answer */
	KVM_ARM64_EXIT_HYPERCALL,  /* an HVC (or SMC) in the forwarded range */
	KVM_ARM64_EXIT_SYSTEM_OFF, /* PSCI SYSTEM_OFF */
	KVM_ARM64_EXIT_SYSTEM_RESET, /* PSCI SYSTEM_RESET */
	KVM_ARM64_EXIT_INTERRUPTED,  /* a signal: KVM_RUN returned early */
	KVM_ARM64_EXIT_UNHANDLED,    /* anything else: reason says what */
};

struct kvm_arm64_exit {
	enum kvm_arm64_exit_kind kind;
	uint32_t reason; /* KVM_EXIT_* */
	union {
		struct {
			uint64_t addr;
			uint8_t *data; /* run->mmio.data: the bus fills it */
			uint32_t len;
			bool is_write;
		} mmio;
		struct {
			uint64_t function; /* the SMCCC function ID (W0) */
			uint64_t flags;	   /* KVM_HYPERCALL_EXIT_SMC, ... */
		} hypercall;
		uint32_t system_event; /* KVM_SYSTEM_EVENT_* */
	};
};

/* arm64 register IDs for KVM_GET_ONE_REG / KVM_SET_ONE_REG. */
uint64_t kvm_arm64_reg_x(unsigned int n);
uint64_t kvm_arm64_reg_pc(void);
uint64_t kvm_arm64_reg_pstate(void);
uint64_t kvm_arm64_reg_mpidr(void);
/* The irq field of KVM_IRQ_LINE for SPI number spi (from 32). */
uint32_t kvm_arm64_irq_spi(unsigned int spi);
/* The boot CPU's PSTATE: EL1h, with debug, SError, IRQ and FIQ masked. */
uint64_t kvm_arm64_boot_pstate(void);

int kvm_arm64_vm_create(struct kvm_arm64_vm *vm);
int kvm_arm64_map_ram(struct kvm_arm64_vm *vm, void *hva, uint64_t size);
int kvm_arm64_forward_hypercalls(struct kvm_arm64_vm *vm, uint32_t base,
				 uint32_t count);
int kvm_arm64_vcpu_create(struct kvm_arm64_vm *vm, struct kvm_arm64_vcpu *vcpu,
			  unsigned int index);
int kvm_arm64_vgic_create(struct kvm_arm64_vm *vm, uint64_t dist_base,
			  uint64_t redist_base, uint32_t nr_irqs);
int kvm_arm64_vgic_init(struct kvm_arm64_vm *vm);
int kvm_arm64_irq_line(struct kvm_arm64_vm *vm, unsigned int spi, bool level);

int kvm_arm64_get_reg(struct kvm_arm64_vcpu *vcpu, uint64_t id, uint64_t *val);
int kvm_arm64_set_reg(struct kvm_arm64_vcpu *vcpu, uint64_t id, uint64_t val);
int kvm_arm64_vcpu_boot(struct kvm_arm64_vcpu *vcpu, uint64_t pc, uint64_t x0);

void kvm_arm64_decode_exit(struct kvm_run *run, struct kvm_arm64_exit *exit);
int kvm_arm64_run(struct kvm_arm64_vcpu *vcpu, struct kvm_arm64_exit *exit);
const char *kvm_arm64_exit_name(uint32_t reason);

void kvm_arm64_vcpu_destroy(struct kvm_arm64_vm *vm,
			    struct kvm_arm64_vcpu *vcpu);
void kvm_arm64_vm_destroy(struct kvm_arm64_vm *vm);

#endif
