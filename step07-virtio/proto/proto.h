/*
 * proto.h - the throwaway prototype that proves step07's parts boot
 * Linux: one VM, one vCPU, COM1 and the i8042 on the port bus.
 *
 * Runs: userspace, on a host (or in the lab VM) with a working /dev/kvm.
 * It is to be folded into vm.c / vcpu.c / vmm.c; until then proto_kvm.c
 * holds every KVM call and main.c the rest.
 * Spec: Documentation/virt/kvm/api.rst (see proto_kvm.c).
 */
#ifndef PROTO_H
#define PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "bus.h"
#include "guest_mem.h"
#include "irq.h"

#define EXIT_REASONS_COUNTED 64
#define PIO_PORTS	     0x10000

struct proto_vm {
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	struct guest_mem mem;
	struct bus pio, mmio;
	bool reset_requested;	  /* a device pulled the reset line */
	const char *reset_reason; /* which one */
	unsigned int notes;	  /* notes about single exits so far */
	uint64_t exits[EXIT_REASONS_COUNTED];
	uint32_t pio_exits[PIO_PORTS]; /* KVM_EXIT_IO per port */
};

/* How the run loop ended. */
enum run_end { RUN_RESET, RUN_SHUTDOWN, RUN_FAILED, RUN_TIMEOUT };

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die_perror(const char *call);

void kvm_open(struct proto_vm *vm);
void vm_create(struct proto_vm *vm, uint64_t mem_size);
void vm_irq_line_init(struct proto_vm *vm, struct irq_line *line,
		      unsigned int gsi);
void vcpu_create(struct proto_vm *vm);
void vcpu_boot(struct proto_vm *vm, uint64_t entry, uint64_t boot_params);
void vcpu_budget(struct proto_vm *vm, unsigned int seconds);
enum run_end vcpu_run(struct proto_vm *vm);
const char *kvm_exit_name(uint32_t reason);
void vcpu_dump(struct proto_vm *vm);
void vm_dump_interrupts(struct proto_vm *vm);

#endif
