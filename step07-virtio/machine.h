/*
 * machine.h - the guest-physical map of the machine that boots Linux:
 * where the VMM puts what, which device answers where, on which interrupt.
 *
 * Runs: included by the VMM (userspace C) and its unit tests.
 * Spec: Documentation/arch/x86/boot.rst ("Memory layout", "64-bit boot
 * protocol"), the ACPI specification ("Root System Description Pointer
 * (RSDP)": the RSDP is found in the BIOS area 0xE0000-0xFFFFF, or through
 * boot_params.acpi_rsdp_addr), the Intel 82093AA IOAPIC and the SDM's
 * "Local APIC" (their default addresses).  The rest is ours to choose, as
 * the designer of this machine; the choices follow Firecracker's, which
 * boots the same kernels the same way.
 *
 *   0x00000000 +------------------------------+
 *              | real-mode IVT, BDA (unused)  |
 *   0x00000500 | GDT                  (VMM)   |
 *   0x00007000 | boot_params, "zero page"     |
 *   0x00008ff0 | boot stack top (grows down)  |
 *   0x00009000 | PML4, PDPT, PD x 4   (VMM)   |  identity map of 0..4 GiB
 *   0x00020000 | kernel command line          |
 *   0x0009fc00 | EBDA (reserved)              |
 *   0x000a0000 | VGA/BIOS hole (reserved)     |
 *   0x000e0000 | ACPI: RSDP, XSDT, FADT, ...  |
 *   0x00100000 | protected-mode kernel        |  (bzImage minus its setup)
 *              | ... RAM ...                  |
 *              | initrd (high, page-aligned)  |
 *   mem_size   +------------------------------+  at most MACHINE_RAM_MAX
 *              | (nothing)                    |
 *   0xd0000000 | virtio-mmio device 0, 1, ... |  MACHINE_VIRTIO_STRIDE apart
 *   0xfec00000 | IOAPIC (in-kernel irqchip)   |
 *   0xfee00000 | local APIC (in-kernel)       |
 *   0xfffbc000 | KVM: identity map, TSS pages |  Intel without unrestricted guest
 *   4 GiB      +------------------------------+
 */
#ifndef MACHINE_H
#define MACHINE_H

/* Where the VMM writes the boot structures (below the EBDA). */
#define MACHINE_GDT_ADDR	 0x500
#define MACHINE_BOOT_PARAMS_ADDR 0x7000
#define MACHINE_STACK_TOP	 0x8ff0
#define MACHINE_PML4_ADDR	 0x9000
#define MACHINE_PDPT_ADDR	 0xa000
#define MACHINE_PD_ADDR		 0xb000 /* four PDs: 0xb000..0xefff */
#define MACHINE_CMDLINE_ADDR	 0x20000
#define MACHINE_CMDLINE_MAX	 0x10000 /* room; the kernel's cmdline_size rules */

/* The PC's low memory: usable up to the EBDA, reserved from there to 1 MiB. */
#define MACHINE_EBDA_ADDR  0x9fc00
#define MACHINE_HIMEM_ADDR 0x100000 /* 1 MiB: where the kernel is loaded */

/* ACPI tables: the legacy BIOS area, where the RSDP is also searched for. */
#define MACHINE_ACPI_ADDR 0xe0000
#define MACHINE_ACPI_SIZE 0x20000

/* RAM is [0, mem_size); everything above it and below 4 GiB is devices. */
#define MACHINE_RAM_MIN 0x4000000  /* 64 MiB */
#define MACHINE_RAM_MAX 0xc0000000 /* 3 GiB: no RAM above 4 GiB in step07 */

/* virtio-mmio register windows (virtio 1.x "MMIO Device Register Layout"). */
#define MACHINE_VIRTIO_BASE 0xd0000000
#define MACHINE_VIRTIO_STRIDE                                                  \
	0x1000 /* one page each; the registers use 0x200 */
#define MACHINE_VIRTIO_MAX 8

/* The in-kernel interrupt controllers (KVM_CREATE_IRQCHIP) decode these. */
#define MACHINE_IOAPIC_ADDR 0xfec00000
#define MACHINE_LAPIC_ADDR  0xfee00000

/*
 * Four pages KVM needs on Intel CPUs without "unrestricted guest", where
 * it runs real mode under paging: one for an identity page table
 * (KVM_SET_IDENTITY_MAP_ADDR) and three for a TSS (KVM_SET_TSS_ADDR).
 * Outside RAM, below 4 GiB, clear of the APICs; where QEMU puts the TSS.
 * Both must be set before the first vCPU is created.  Unused on AMD.
 */
#define MACHINE_IDENTITY_MAP_ADDR 0xfffbc000
#define MACHINE_TSS_ADDR	  0xfffbd000

/*
 * Interrupt lines (GSIs).  0-15 are the ISA lines, wired to both the PIC
 * and the IOAPIC; 16-23 exist on the IOAPIC only: the virtio devices get
 * those, level-triggered, active high, one each.
 */
#define MACHINE_GSI_I8042_KBD 1
#define MACHINE_GSI_COM1      4
#define MACHINE_GSI_VIRTIO    16 /* device i: MACHINE_GSI_VIRTIO + i */
#define MACHINE_IOAPIC_PINS   24

/* Legacy ports. */
#define MACHINE_COM1_PORT	0x3f8
#define MACHINE_COM_PORTS	8
#define MACHINE_I8042_DATA_PORT 0x60
#define MACHINE_I8042_CMD_PORT	0x64
#define MACHINE_RTC_INDEX_PORT	0x70 /* the MC146818 RTC and CMOS RAM */
#define MACHINE_RTC_DATA_PORT	0x71

/*
 * The ACPI sleep control and status registers (devices/acpi_sleep.c): under
 * hardware-reduced ACPI the guest powers off through them.  Two byte ports
 * of our choosing, clear of every legacy device; the FADT points at them.
 */
#define MACHINE_ACPI_SLEEP_CONTROL_PORT 0x600
#define MACHINE_ACPI_SLEEP_STATUS_PORT	0x601

#endif
