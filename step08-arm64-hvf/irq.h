/*
 * irq.h - a device's interrupt line, as the device sees it.
 *
 * Runs: userspace (the VMM).  A device states the level of its line: high
 * while it wants attention (the 16550's IIR has a pending cause, a
 * virtio-mmio device's InterruptStatus is not zero), low otherwise.  How
 * that reaches the guest is the machine's business, not the device's:
 * on KVM x86 it is KVM_IRQ_LINE on the in-kernel IOAPIC/PIC (vm.c), in a
 * unit test it is a counter.
 *
 * Spec: none; a level-sensitive line is the hardware's own model (PC/AT
 * ISA lines, the IOAPIC's redirection entries, the GIC's SPIs).
 */
#ifndef IRQ_H
#define IRQ_H

#include <stdbool.h>

struct irq_line {
	/* Drive the line to level; called only when the level changes. */
	void (*set_level)(struct irq_line *line, bool level);
	unsigned int gsi; /* the interrupt number the firmware tables give */
	void *opaque;	  /* the machine's (the VM's) */
};

static inline void irq_set_level(struct irq_line *line, bool level)
{
	if (line && line->set_level)
		line->set_level(line, level);
}

#endif
