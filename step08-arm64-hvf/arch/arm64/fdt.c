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
 * or -FDT_ERR_*; struct fdt_writer keeps the first error and makes no call
 * after it.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <libfdt.h>

#include "arch/arm64/fdt.h"
#include "arch/arm64/machine.h"

/*
 * The GIC's interrupt cells (arm,gic-v3.yaml; the kernel's
 * include/dt-bindings/interrupt-controller/arm-gic.h and irq.h, which are
 * not UAPI headers): the first cell says SPI or PPI, the third the trigger.
 */
#define FDT_GIC_SPI		0
#define FDT_GIC_PPI		1
#define FDT_IRQ_TYPE_LEVEL_HIGH 4
#define FDT_INTERRUPT_CELLS	3
/*
 * The GIC has no child nodes (no ITS here); an interrupt provider still
 * states its #address-cells, which an interrupt-map pointing at it would
 * read (dtc's interrupt_provider check asks for it).
 */
#define FDT_GIC_ADDRESS_CELLS 0

/* Two cells of address and two of size under the root: 64-bit both. */
#define FDT_ROOT_ADDRESS_CELLS 2
#define FDT_ROOT_SIZE_CELLS    2
/* cpu nodes: one cell of MPIDR affinity (Aff2.Aff1.Aff0), no size. */
#define FDT_CPU_ADDRESS_CELLS 1
#define FDT_CPU_SIZE_CELLS    0
#define MPIDR_AFF_LOW_MASK    0xffffffULL     /* Aff2..Aff0, bits 23:0 */
#define MPIDR_AFF3_MASK	      0xff00000000ULL /* Aff3, bits 39:32 */

#define FDT_NODE_NAME_MAX 40

/*
 * The blob being written, and the first libfdt error (0 or -FDT_ERR_*).
 * Once a call failed, the writers below do nothing: a node function reads
 * as the list of its properties, and the caller looks at err once.
 */
struct fdt_writer {
	void *fdt;
	int err;
};

static void begin_node(struct fdt_writer *w, const char *name)
{
	if (!w->err)
		w->err = fdt_begin_node(w->fdt, name);
}

/* A device's node, "name@address". */
static void begin_unit(struct fdt_writer *w, const char *name, uint64_t base)
{
	char unit[FDT_NODE_NAME_MAX];

	snprintf(unit, sizeof(unit), "%s@%llx", name, (unsigned long long)base);
	begin_node(w, unit);
}

static void end_node(struct fdt_writer *w)
{
	if (!w->err)
		w->err = fdt_end_node(w->fdt);
}

/* A property of len bytes, already big-endian; an empty one: NULL, 0. */
static void prop(struct fdt_writer *w, const char *name, const void *val,
		 int len)
{
	if (!w->err)
		w->err = fdt_property(w->fdt, name, val, len);
}

static void prop_string(struct fdt_writer *w, const char *name, const char *val)
{
	if (!w->err)
		w->err = fdt_property_string(w->fdt, name, val);
}

static void prop_u32(struct fdt_writer *w, const char *name, uint32_t val)
{
	if (!w->err)
		w->err = fdt_property_u32(w->fdt, name, val);
}

static void prop_u64(struct fdt_writer *w, const char *name, uint64_t val)
{
	if (!w->err)
		w->err = fdt_property_u64(w->fdt, name, val);
}

/* reg = <base size>, in the root's 2 + 2 cells. */
static void prop_reg(struct fdt_writer *w, uint64_t base, uint64_t size)
{
	fdt64_t reg[] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	prop(w, "reg", reg, sizeof(reg));
}

/* interrupts = <type number flags>: one level-triggered GIC interrupt. */
static void prop_interrupt(struct fdt_writer *w, uint32_t type, uint32_t number)
{
	fdt32_t cells[] = { cpu_to_fdt32(type), cpu_to_fdt32(number),
			    cpu_to_fdt32(FDT_IRQ_TYPE_LEVEL_HIGH) };

	prop(w, "interrupts", cells, sizeof(cells));
}

/* book:begin fdt_root */
/* The root: what machine, how wide addresses are, whose interrupts. */
static void fdt_root(struct fdt_writer *w)
{
	begin_node(w, "");
	prop_string(w, "compatible", "linux,dummy-virt");
	prop_string(w, "model", "hvcourse arm64 VMM");
	prop_u32(w, "#address-cells", FDT_ROOT_ADDRESS_CELLS);
	prop_u32(w, "#size-cells", FDT_ROOT_SIZE_CELLS);
	prop_u32(w, "interrupt-parent", ARM64_FDT_PHANDLE_GIC);
}
/* book:end fdt_root */

/* book:begin fdt_chosen */
/*
 * /chosen: the command line, where the console is (so that a bare
 * `earlycon` finds the UART), and the initrd the loader placed.
 */
static void fdt_chosen(struct fdt_writer *w, const struct arm64_fdt_machine *m)
{
	char uart[FDT_NODE_NAME_MAX];

	snprintf(uart, sizeof(uart), "/serial@%llx",
		 (unsigned long long)MACHINE_UART_BASE);
	begin_node(w, "chosen");
	prop_string(w, "bootargs", m->bootargs ? m->bootargs : "");
	prop_string(w, "stdout-path", uart);
	if (m->initrd_end != m->initrd_start) {
		prop_u64(w, "linux,initrd-start", m->initrd_start);
		prop_u64(w, "linux,initrd-end", m->initrd_end);
	}
	end_node(w);
}
/* book:end fdt_chosen */

static void fdt_memory(struct fdt_writer *w, const struct arm64_fdt_machine *m)
{
	begin_unit(w, "memory", 0);
	prop_string(w, "device_type", "memory");
	prop_reg(w, 0, m->mem_size);
	end_node(w);
}

/* book:begin fdt_cpus */
/*
 * /cpus: one node per vCPU, named and numbered by its MPIDR affinity,
 * started through PSCI: the boot CPU runs the kernel, the others wait
 * (powered off) until it calls PSCI CPU_ON for them.
 */
static void fdt_cpus(struct fdt_writer *w, const struct arm64_fdt_machine *m)
{
	begin_node(w, "cpus");
	prop_u32(w, "#address-cells", FDT_CPU_ADDRESS_CELLS);
	prop_u32(w, "#size-cells", FDT_CPU_SIZE_CELLS);
	for (unsigned int i = 0; i < m->ncpus; i++) {
		uint32_t aff = (uint32_t)(m->mpidr[i] & MPIDR_AFF_LOW_MASK);

		begin_unit(w, "cpu", aff);
		prop_string(w, "device_type", "cpu");
		prop_string(w, "compatible", "arm,arm-v8");
		prop_string(w, "enable-method", "psci");
		prop_u32(w, "reg", aff);
		end_node(w);
	}
	end_node(w);
}
/* book:end fdt_cpus */

/* PSCI 0.2 and later, called with HVC: the hypervisor is the firmware. */
static void fdt_psci(struct fdt_writer *w)
{
	begin_node(w, "psci");
	prop_string(w, "compatible", "arm,psci-0.2");
	prop_string(w, "method", "hvc");
	end_node(w);
}

/* book:begin fdt_gic */
/*
 * The GICv3: the distributor, then one region with a redistributor for
 * each vCPU.  Its phandle is what every interrupt-parent points to.
 */
static void fdt_gic(struct fdt_writer *w, const struct arm64_fdt_machine *m)
{
	fdt64_t reg[] = {
		cpu_to_fdt64(MACHINE_GICD_BASE),
		cpu_to_fdt64(MACHINE_GICD_SIZE),
		cpu_to_fdt64(MACHINE_GICR_BASE),
		cpu_to_fdt64((uint64_t)m->ncpus * MACHINE_GICR_SIZE),
	};

	begin_unit(w, "interrupt-controller", MACHINE_GICD_BASE);
	prop_string(w, "compatible", "arm,gic-v3");
	prop_u32(w, "#interrupt-cells", FDT_INTERRUPT_CELLS);
	prop_u32(w, "#address-cells", FDT_GIC_ADDRESS_CELLS);
	prop(w, "interrupt-controller", NULL, 0);
	prop(w, "reg", reg, sizeof(reg));
	prop_u32(w, "phandle", ARM64_FDT_PHANDLE_GIC);
	end_node(w);
}
/* book:end fdt_gic */

/* The architected timer: four PPIs, in the order the binding lists them. */
static void fdt_timer(struct fdt_writer *w)
{
	static const uint32_t ppis[] = {
		MACHINE_PPI_TIMER_SEC,
		MACHINE_PPI_TIMER_PHYS,
		MACHINE_PPI_TIMER_VIRT,
		MACHINE_PPI_TIMER_HYP,
	};
	fdt32_t cells[sizeof(ppis) / sizeof(ppis[0]) * FDT_INTERRUPT_CELLS];

	for (size_t i = 0; i < sizeof(ppis) / sizeof(ppis[0]); i++) {
		cells[i * FDT_INTERRUPT_CELLS] = cpu_to_fdt32(FDT_GIC_PPI);
		cells[i * FDT_INTERRUPT_CELLS + 1] = cpu_to_fdt32(ppis[i]);
		cells[i * FDT_INTERRUPT_CELLS + 2] =
			cpu_to_fdt32(FDT_IRQ_TYPE_LEVEL_HIGH);
	}
	begin_node(w, "timer");
	prop_string(w, "compatible", "arm,armv8-timer");
	prop(w, "interrupts", cells, sizeof(cells));
	prop(w, "always-on", NULL, 0);
	end_node(w);
}

/* book:begin fdt_uart */
/*
 * The course's 16550 on MMIO: one byte per register, 1.8432 MHz, SPI 4.
 * Linux binds its 8250 driver to "ns16550a" (8250_of.c) and its earlycon
 * to the node stdout-path names.
 */
static void fdt_uart(struct fdt_writer *w)
{
	begin_unit(w, "serial", MACHINE_UART_BASE);
	prop_string(w, "compatible", "ns16550a");
	prop_reg(w, MACHINE_UART_BASE, MACHINE_UART_SIZE);
	prop_u32(w, "reg-shift", 0);
	prop_u32(w, "reg-io-width", 1);
	prop_u32(w, "clock-frequency", MACHINE_UART_CLOCK);
	prop_interrupt(w, FDT_GIC_SPI, MACHINE_SPI_UART);
	end_node(w);
}
/* book:end fdt_uart */

/*
 * A virtio-mmio device.  dma-coherent: the device (the VMM) sees guest
 * memory through the same caches as the vCPUs, so the guest must not clean
 * and invalidate its caches for it, as it would for a real DMA master.
 */
static void fdt_virtio(struct fdt_writer *w, const struct arm64_fdt_virtio *v)
{
	begin_unit(w, "virtio_mmio", v->base);
	prop_string(w, "compatible", "virtio,mmio");
	prop_reg(w, v->base, v->size);
	prop_interrupt(w, FDT_GIC_SPI, v->spi);
	prop(w, "dma-coherent", NULL, 0);
	end_node(w);
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
	struct fdt_writer w = { .fdt = buf };

	if (!machine_ok(m) || size > INT_MAX)
		return -EINVAL;
	w.err = fdt_create(buf, (int)size);
	if (!w.err)
		w.err = fdt_finish_reservemap(buf);
	fdt_root(&w);
	fdt_chosen(&w, m);
	fdt_memory(&w, m);
	fdt_cpus(&w, m);
	fdt_psci(&w);
	fdt_gic(&w, m);
	fdt_timer(&w);
	fdt_uart(&w);
	for (unsigned int i = 0; i < m->nvirtio; i++)
		fdt_virtio(&w, &m->virtio[i]);
	end_node(&w); /* the root */
	if (!w.err)
		w.err = fdt_finish(buf);
	if (w.err == -FDT_ERR_NOSPACE)
		return -ENOSPC;
	return w.err ? -EIO : 0;
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
