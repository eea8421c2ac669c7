/*
 * machine.h - the guest-physical map of the arm64 machine: where RAM is,
 * where the VMM puts kernel, initrd and device tree, which device answers
 * where, on which interrupt.
 *
 * Runs: included by the VMM (userspace C, any backend) and its unit tests.
 * Spec: Documentation/arch/arm64/booting.rst ("Setup the device tree",
 * "Call the kernel image": the Image at a 2 MiB aligned base, the DTB on an
 * 8-byte boundary, at most 2 MiB, in a 2 MiB region of its own); the Arm
 * GICv3 architecture specification (IHI 0069, "The GIC Distributor
 * register map", "The GIC Redistributor register map": 64 KiB of
 * distributor, two 64 KiB frames per redistributor; "INTIDs": SGIs,
 * PPIs, SPIs); the Arm Base System Architecture (DEN0094, "PPI
 * assignments": the timers' interrupts).  Everything else is ours to
 * choose as the machine's designer.
 *
 * RAM starts at guest-physical 0, as on x86: guest_mem.h's rule "guest
 * address = offset into RAM" then holds on both architectures, and the
 * devices, virtio included, run unchanged.  (QEMU's virt machine and
 * kvmtool put RAM at 1 or 2 GiB; the architecture does not ask for it.)
 *
 *   0x00000000 +------------------------------+
 *              | kernel Image (text_offset 0) |  or a flat guest
 *              | ... RAM ...                  |
 *              | initrd (page-aligned)        |
 *   end - 2M   | device tree blob             |  its own 2 MiB region
 *   mem_size   +------------------------------+  at most MACHINE_RAM_MAX
 *              | (nothing)                    |
 *   0xd0000000 | virtio-mmio device 0, 1, ... |  0x1000 apart, as on x86
 *   0xd0100000 | boot timer                   |  one byte, as on x86
 *   0xe0000000 | 16550 UART (ns16550a)        |
 *   0xf0000000 | GICv3 distributor            |  64 KiB
 *   0xf0010000 | GICv3 redistributors         |  128 KiB per vCPU
 *   4 GiB      +------------------------------+
 */
#ifndef ARCH_ARM64_MACHINE_H
#define ARCH_ARM64_MACHINE_H

/* RAM is [0, mem_size); everything above it and below 4 GiB is devices. */
#define MACHINE_RAM_MIN	     0x4000000	/* 64 MiB */
#define MACHINE_RAM_MAX	     0xc0000000 /* 3 GiB */
#define MACHINE_RAM_ALIGN    0x200000	/* whole 2 MiB blocks: see the DTB */
#define MACHINE_KERNEL_BASE  0x0	/* 2 MiB aligned: + text_offset */
#define MACHINE_DTB_MAX	     0x200000	/* booting.rst: at most 2 MiB ... */
#define MACHINE_DTB_ALIGN    0x200000	/* ... in a 2 MiB region of its own */
#define MACHINE_INITRD_ALIGN 0x1000

/*
 * How a CPU enters the kernel (booting.rst, "Call the kernel image"): in
 * EL1 using SP_EL1 (EL1h), all of D, A, I and F masked.  The PSTATE bits,
 * as the Arm ARM's SPSR_EL2 lays them out (Linux's PSR_MODE_EL1h,
 * PSR_D_BIT, ... in asm/ptrace.h; Apple's CPSR is the same register).
 */
#define ARM64_PSTATE_MODE_EL1H 0x5
#define ARM64_PSTATE_F	       (1U << 6)
#define ARM64_PSTATE_I	       (1U << 7)
#define ARM64_PSTATE_A	       (1U << 8)
#define ARM64_PSTATE_D	       (1U << 9)
#define MACHINE_BOOT_PSTATE                                                    \
	(ARM64_PSTATE_MODE_EL1H | ARM64_PSTATE_F | ARM64_PSTATE_I |            \
	 ARM64_PSTATE_A | ARM64_PSTATE_D)

/* A flat guest (the hypercall demos): loaded and entered here. */
#define MACHINE_GUEST_LOAD_ADDR 0x80000

/* virtio-mmio register windows (virtio 1.x "MMIO Device Register Layout"). */
#define MACHINE_VIRTIO_BASE 0xd0000000
#define MACHINE_VIRTIO_STRIDE                                                  \
	0x1000 /* one page each; the registers use 0x200 */
#define MACHINE_VIRTIO_MAX 8

/*
 * The boot timer (devices/boot_timer.c): the guest's /init writes a mark
 * through /dev/mem (busybox devmem); no driver, so not in the device tree.
 * Where the x86 machine has it.
 */
#define MACHINE_BOOT_TIMER_ADDR 0xd0100000

/*
 * The UART: the course's 16550 (devices/serial_16550.c) on MMIO, one byte
 * per register (reg-shift 0, reg-io-width 1), clocked as the PC's at
 * 1.8432 MHz so that divisor 1 is 115200 baud.
 */
#define MACHINE_UART_BASE  0xe0000000
#define MACHINE_UART_SIZE  0x1000
#define MACHINE_UART_CLOCK 1843200

/*
 * The GICv3: one distributor (64 KiB) and one redistributor per vCPU (two
 * 64 KiB frames: RD_base and SGI_base), contiguous.  KVM's asm/kvm.h names
 * the same sizes (KVM_VGIC_V3_DIST_SIZE, KVM_VGIC_V3_REDIST_SIZE) with the
 * kernel's SZ_64K, which userspace does not have.
 */
#define MACHINE_GICD_BASE      0xf0000000
#define MACHINE_GICD_SIZE      0x10000
#define MACHINE_GICR_BASE      0xf0010000
#define MACHINE_GICR_SIZE      0x20000 /* per vCPU */
#define MACHINE_CPUS_MAX       8
#define MACHINE_GICR_AREA_SIZE (MACHINE_CPUS_MAX * MACHINE_GICR_SIZE)

/*
 * Interrupts.  The GIC numbers them by INTID: 0-15 SGIs, 16-31 PPIs (one
 * per CPU), 32-1019 SPIs.  A device tree names an SPI by its number from
 * 32 and a PPI by its number from 16.  The devices get SPIs, level-
 * triggered, the same numbers as the PC's GSIs (COM1 4, virtio 16 + i).
 */
#define GIC_INTID_SPI_BASE 32 /* the GIC's INTID of SPI 0 */
#define GIC_INTID_PPI_BASE 16 /* the GIC's INTID of PPI 0 */
#define MACHINE_SPI_UART   4
#define MACHINE_SPI_VIRTIO 16 /* device i: MACHINE_SPI_VIRTIO + i */
#define MACHINE_GIC_NR_IRQS                                                    \
	128 /* INTIDs 0..127: 32 private + 96 SPIs (a multiple of 32) */

/*
 * The architected timer's PPIs, as KVM wires them by default (and as the
 * Arm Base System Architecture recommends): secure and non-secure EL1
 * physical timers 13 and 14, EL1 virtual timer 11, EL2 timer 10 (the
 * numbers from 16: INTIDs 29, 30, 27, 26).
 */
#define MACHINE_PPI_TIMER_SEC  13
#define MACHINE_PPI_TIMER_PHYS 14
#define MACHINE_PPI_TIMER_VIRT 11
#define MACHINE_PPI_TIMER_HYP  10

#endif
