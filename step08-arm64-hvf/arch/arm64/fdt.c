/*
 * fdt.c - build the arm64 machine's device tree with libfdt.
 *
 * Runs: userspace (the VMM, any backend), once, before any vCPU runs; pure
 * over its arguments and the buffer (the unit tests include this file and
 * decompile what it builds with dtc).
 *
 * Spec: Devicetree Specification v0.4: "Device Node Requirements" (the
 * root's #address-cells and #size-cells, /memory's device_type and reg,
 * /chosen's bootargs and stdout-path, /cpus with one cpu node per CPU whose
 * reg is its MPIDR affinity), "Interrupts and Interrupt Mapping"
 * (interrupt-parent, #interrupt-cells).  The bindings in the kernel's
 * Documentation/devicetree/bindings: interrupt-controller/arm,gic-v3.yaml
 * (compatible "arm,gic-v3"; reg: the distributor, then the redistributor
 * region; three interrupt cells: SPI or PPI, the number within that
 * range, the trigger flags), timer/arm,arch_timer.yaml (four PPIs: secure
 * physical, non-secure physical, virtual, hypervisor), arm/psci.yaml
 * ("arm,psci-0.2", method "hvc"), arm/cpus.yaml (enable-method "psci"),
 * serial/8250.yaml ("ns16550a", reg-shift, reg-io-width, clock-frequency),
 * virtio/mmio.yaml ("virtio,mmio"), chosen.yaml (linux,initrd-start and
 * linux,initrd-end: the initrd is [start, end)).
 *
 * libfdt's sequential-write API builds the blob front to back: open a node,
 * write its properties, open its children, close it.  Every call returns 0
 * or -FDT_ERR_*; the first error sticks (err = err ?: next call) and the
 * calls after it are not made.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <libfdt.h>

#include "fdt.h"
#include "machine.h"

/*
 * The GIC's interrupt cells (arm,gic-v3.yaml; the kernel's
 * include/dt-bindings/interrupt-controller/arm-gic.h and irq.h, which are
 * not UAPI headers): the first cell says SPI or PPI, the third the trigger.
 */
#define FDT_GIC_SPI		0
#define FDT_GIC_PPI		1
#define FDT_IRQ_TYPE_LEVEL_HIGH 4
#define FDT_INTERRUPT_CELLS	3

/* Two cells of address and two of size under the root: 64-bit both. */
#define FDT_ROOT_ADDRESS_CELLS 2
#define FDT_ROOT_SIZE_CELLS    2
/* cpu nodes: one cell of MPIDR affinity (Aff2.Aff1.Aff0), no size. */
#define FDT_CPU_ADDRESS_CELLS 1
#define FDT_CPU_SIZE_CELLS    0
#define MPIDR_AFF_LOW_MASK    0xffffffULL     /* Aff2..Aff0, bits 23:0 */
#define MPIDR_AFF3_MASK	      0xff00000000ULL /* Aff3, bits 39:32 */

#define FDT_NODE_NAME_MAX 40

/* The node name "name@address" of a device at base. */
static const char *unit_name(char *buf, const char *name, uint64_t base)
{
	snprintf(buf, FDT_NODE_NAME_MAX, "%s@%llx", name,
		 (unsigned long long)base);
	return buf;
}

/* reg = <base size>, in the root's 2 + 2 cells. */
static int fdt_reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t reg[] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

/* interrupts = <type number flags>: one level-triggered GIC interrupt. */
static int fdt_interrupt(void *fdt, uint32_t type, uint32_t number)
{
	fdt32_t cells[] = { cpu_to_fdt32(type), cpu_to_fdt32(number),
			    cpu_to_fdt32(FDT_IRQ_TYPE_LEVEL_HIGH) };

	return fdt_property(fdt, "interrupts", cells, sizeof(cells));
}

/* book:begin fdt_root */
/* The root: what machine, how wide addresses are, whose interrupts. */
static int fdt_root(void *fdt)
{
	int err = fdt_begin_node(fdt, "");

	err = err ?: fdt_property_string(fdt, "compatible", "linux,dummy-virt");
	err = err ?: fdt_property_string(fdt, "model", "hvcourse arm64 VMM");
	err = err
		      ?: fdt_property_u32(fdt, "#address-cells",
					  FDT_ROOT_ADDRESS_CELLS);
	err = err ?: fdt_property_u32(fdt, "#size-cells", FDT_ROOT_SIZE_CELLS);
	err = err
		      ?: fdt_property_u32(fdt, "interrupt-parent",
					  ARM64_FDT_PHANDLE_GIC);
	return err;
}
/* book:end fdt_root */

/* book:begin fdt_chosen */
/*
 * /chosen: the command line, where the console is (so that a bare
 * `earlycon` finds the UART), and the initrd the loader placed.
 */
static int fdt_chosen(void *fdt, const struct arm64_fdt_machine *m)
{
	char uart[FDT_NODE_NAME_MAX + 1] = "/";
	int err = fdt_begin_node(fdt, "chosen");

	unit_name(uart + 1, "serial", MACHINE_UART_BASE);
	err = err
		      ?: fdt_property_string(fdt, "bootargs",
					     m->bootargs ? m->bootargs : "");
	err = err ?: fdt_property_string(fdt, "stdout-path", uart);
	if (m->initrd_end != m->initrd_start) {
		err = err
			      ?: fdt_property_u64(fdt, "linux,initrd-start",
						  m->initrd_start);
		err = err
			      ?: fdt_property_u64(fdt, "linux,initrd-end",
						  m->initrd_end);
	}
	return err ?: fdt_end_node(fdt);
}
/* book:end fdt_chosen */

static int fdt_memory(void *fdt, const struct arm64_fdt_machine *m)
{
	char name[FDT_NODE_NAME_MAX];
	int err = fdt_begin_node(fdt, unit_name(name, "memory", 0));

	err = err ?: fdt_property_string(fdt, "device_type", "memory");
	err = err ?: fdt_reg(fdt, 0, m->mem_size);
	return err ?: fdt_end_node(fdt);
}

/* book:begin fdt_cpus */
/*
 * /cpus: one node per vCPU, named and numbered by its MPIDR affinity,
 * started through PSCI: the boot CPU runs the kernel, the others wait
 * (powered off) until it calls PSCI CPU_ON for them.
 */
static int fdt_cpus(void *fdt, const struct arm64_fdt_machine *m)
{
	char name[FDT_NODE_NAME_MAX];
	int err = fdt_begin_node(fdt, "cpus");

	err = err
		      ?: fdt_property_u32(fdt, "#address-cells",
					  FDT_CPU_ADDRESS_CELLS);
	err = err ?: fdt_property_u32(fdt, "#size-cells", FDT_CPU_SIZE_CELLS);
	for (unsigned int i = 0; i < m->ncpus; i++) {
		uint32_t aff = (uint32_t)(m->mpidr[i] & MPIDR_AFF_LOW_MASK);

		err = err ?: fdt_begin_node(fdt, unit_name(name, "cpu", aff));
		err = err ?: fdt_property_string(fdt, "device_type", "cpu");
		err = err
			      ?: fdt_property_string(fdt, "compatible",
						     "arm,arm-v8");
		err = err ?: fdt_property_string(fdt, "enable-method", "psci");
		err = err ?: fdt_property_u32(fdt, "reg", aff);
		err = err ?: fdt_end_node(fdt);
	}
	return err ?: fdt_end_node(fdt);
}
/* book:end fdt_cpus */

/* PSCI 0.2 and later, called with HVC: the hypervisor is the firmware. */
static int fdt_psci(void *fdt)
{
	int err = fdt_begin_node(fdt, "psci");

	err = err ?: fdt_property_string(fdt, "compatible", "arm,psci-0.2");
	err = err ?: fdt_property_string(fdt, "method", "hvc");
	return err ?: fdt_end_node(fdt);
}

/* book:begin fdt_gic */
/*
 * The GICv3: the distributor, then one region with a redistributor for
 * each vCPU.  Its phandle is what every interrupt-parent points to.
 */
static int fdt_gic(void *fdt, const struct arm64_fdt_machine *m)
{
	char name[FDT_NODE_NAME_MAX];
	fdt64_t reg[] = {
		cpu_to_fdt64(MACHINE_GICD_BASE),
		cpu_to_fdt64(MACHINE_GICD_SIZE),
		cpu_to_fdt64(MACHINE_GICR_BASE),
		cpu_to_fdt64((uint64_t)m->ncpus * MACHINE_GICR_SIZE),
	};
	int err = fdt_begin_node(fdt, unit_name(name, "interrupt-controller",
						MACHINE_GICD_BASE));

	err = err ?: fdt_property_string(fdt, "compatible", "arm,gic-v3");
	err = err
		      ?: fdt_property_u32(fdt, "#interrupt-cells",
					  FDT_INTERRUPT_CELLS);
	err = err ?: fdt_property(fdt, "interrupt-controller", NULL, 0);
	err = err ?: fdt_property(fdt, "reg", reg, sizeof(reg));
	err = err ?: fdt_property_u32(fdt, "phandle", ARM64_FDT_PHANDLE_GIC);
	return err ?: fdt_end_node(fdt);
}
/* book:end fdt_gic */

/* The architected timer: four PPIs, in the order the binding lists them. */
static int fdt_timer(void *fdt)
{
	static const uint32_t ppis[] = {
		MACHINE_PPI_TIMER_SEC,
		MACHINE_PPI_TIMER_PHYS,
		MACHINE_PPI_TIMER_VIRT,
		MACHINE_PPI_TIMER_HYP,
	};
	fdt32_t cells[sizeof(ppis) / sizeof(ppis[0]) * FDT_INTERRUPT_CELLS];
	int err = fdt_begin_node(fdt, "timer");

	for (size_t i = 0; i < sizeof(ppis) / sizeof(ppis[0]); i++) {
		cells[i * FDT_INTERRUPT_CELLS] = cpu_to_fdt32(FDT_GIC_PPI);
		cells[i * FDT_INTERRUPT_CELLS + 1] = cpu_to_fdt32(ppis[i]);
		cells[i * FDT_INTERRUPT_CELLS + 2] =
			cpu_to_fdt32(FDT_IRQ_TYPE_LEVEL_HIGH);
	}
	err = err ?: fdt_property_string(fdt, "compatible", "arm,armv8-timer");
	err = err ?: fdt_property(fdt, "interrupts", cells, sizeof(cells));
	err = err ?: fdt_property(fdt, "always-on", NULL, 0);
	return err ?: fdt_end_node(fdt);
}

/* book:begin fdt_uart */
/*
 * The course's 16550 on MMIO: one byte per register, 1.8432 MHz, SPI 4.
 * Linux binds its 8250 driver to "ns16550a" (8250_of.c) and its earlycon
 * to the node stdout-path names.
 */
static int fdt_uart(void *fdt)
{
	char name[FDT_NODE_NAME_MAX];
	int err = fdt_begin_node(fdt,
				 unit_name(name, "serial", MACHINE_UART_BASE));

	err = err ?: fdt_property_string(fdt, "compatible", "ns16550a");
	err = err ?: fdt_reg(fdt, MACHINE_UART_BASE, MACHINE_UART_SIZE);
	err = err ?: fdt_property_u32(fdt, "reg-shift", 0);
	err = err ?: fdt_property_u32(fdt, "reg-io-width", 1);
	err = err
		      ?: fdt_property_u32(fdt, "clock-frequency",
					  MACHINE_UART_CLOCK);
	err = err ?: fdt_interrupt(fdt, FDT_GIC_SPI, MACHINE_SPI_UART);
	return err ?: fdt_end_node(fdt);
}
/* book:end fdt_uart */

/*
 * A virtio-mmio device.  dma-coherent: the device (the VMM) sees guest
 * memory through the same caches as the vCPUs, so the guest must not clean
 * and invalidate its caches for it, as it would for a real DMA master.
 */
static int fdt_virtio(void *fdt, const struct arm64_fdt_virtio *v)
{
	char name[FDT_NODE_NAME_MAX];
	int err = fdt_begin_node(fdt, unit_name(name, "virtio_mmio", v->base));

	err = err ?: fdt_property_string(fdt, "compatible", "virtio,mmio");
	err = err ?: fdt_reg(fdt, v->base, v->size);
	err = err ?: fdt_interrupt(fdt, FDT_GIC_SPI, v->spi);
	err = err ?: fdt_property(fdt, "dma-coherent", NULL, 0);
	return err ?: fdt_end_node(fdt);
}

/*
 * What the tree can describe: 1..MACHINE_CPUS_MAX CPUs whose MPIDRs fit
 * one cell (no Aff3), at most MACHINE_VIRTIO_MAX devices, an initrd
 * inside RAM.
 */
static bool machine_ok(const struct arm64_fdt_machine *m)
{
	if (m->mem_size == 0 || m->ncpus == 0 || m->ncpus > MACHINE_CPUS_MAX ||
	    !m->mpidr || m->nvirtio > MACHINE_VIRTIO_MAX ||
	    (m->nvirtio && !m->virtio))
		return false;
	for (unsigned int i = 0; i < m->ncpus; i++)
		if (m->mpidr[i] & MPIDR_AFF3_MASK)
			return false;
	return m->initrd_start <= m->initrd_end && m->initrd_end <= m->mem_size;
}

/* book:begin arm64_fdt_build */
/*
 * Build the tree into buf.  Returns 0 (the blob's size is then
 * fdt_totalsize(buf)), -EINVAL for a machine it cannot describe, -ENOSPC
 * if buf is too small, -EIO if libfdt failed otherwise.
 */
int arm64_fdt_build(const struct arm64_fdt_machine *m, void *buf, size_t size)
{
	int err;

	if (!machine_ok(m) || size > INT_MAX)
		return -EINVAL;
	err = fdt_create(buf, (int)size);
	err = err ?: fdt_finish_reservemap(buf);
	err = err ?: fdt_root(buf);
	err = err ?: fdt_chosen(buf, m);
	err = err ?: fdt_memory(buf, m);
	err = err ?: fdt_cpus(buf, m);
	err = err ?: fdt_psci(buf);
	err = err ?: fdt_gic(buf, m);
	err = err ?: fdt_timer(buf);
	err = err ?: fdt_uart(buf);
	for (unsigned int i = 0; i < m->nvirtio; i++)
		err = err ?: fdt_virtio(buf, &m->virtio[i]);
	err = err ?: fdt_end_node(buf); /* the root */
	err = err ?: fdt_finish(buf);
	if (err == -FDT_ERR_NOSPACE)
		return -ENOSPC;
	return err ? -EIO : 0;
}
/* book:end arm64_fdt_build */

const char *arm64_fdt_strerror(int err)
{
	switch (err) {
	case -EINVAL:
		return "a machine the device tree cannot describe (CPUs, MPIDRs, devices or initrd out of range)";
	case -ENOSPC:
		return "the device tree does not fit its buffer";
	case -EIO:
		return "libfdt failed";
	default:
		return "unknown error";
	}
}
