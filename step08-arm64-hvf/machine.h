/*
 * machine.h - the guest-physical map of the machine that boots Linux:
 * where the VMM puts what, which device answers where, on which interrupt.
 *
 * Runs: included by the VMM (userspace C) and its unit tests; the devices
 * themselves are created in machine.c (declared at the end).
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
 *   0x000ffff0 | reset vector: 7 bytes of ours|  boot/reset_vector.c
 *   0x00100000 | protected-mode kernel        |  (bzImage minus its setup)
 *              | ... RAM ...                  |
 *              | initrd (high, page-aligned)  |
 *   mem_size   +------------------------------+  at most MACHINE_RAM_MAX
 *              | (nothing)                    |
 *   0xd0000000 | virtio-mmio device 0, 1, ... |  MACHINE_VIRTIO_STRIDE apart
 *   0xd0100000 | boot timer                   |  one byte
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

/*
 * ACPI tables: the legacy BIOS area, where the RSDP is also searched for;
 * its upper 64 KiB, the BIOS segment F000, has the reset vector.
 */
#define MACHINE_ACPI_ADDR 0xe0000
#define MACHINE_ACPI_SIZE 0x10000

/*
 * RAM is [0, mem_size); everything above it and below 4 GiB is devices.
 * Debian's kernel decompresses itself from 16 MiB up and needs 67.5 MiB
 * before it reads the memory map (boot/bzimage.c, kernel_end()); 128 MiB
 * leaves it room for an initrd and a userspace.
 */
#define MACHINE_RAM_MIN	    0x8000000  /* 128 MiB */
#define MACHINE_RAM_DEFAULT 0x10000000 /* 256 MiB */
#define MACHINE_RAM_MAX	    0xc0000000 /* 3 GiB: no RAM above 4 GiB in step07 */

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
 * Outside RAM, below 4 GiB, clear of the APICs: KVM's own default for the
 * identity map (VMX_EPT_IDENTITY_PAGETABLE_ADDR) and Firecracker's TSS
 * (QEMU uses 0xfeffc000 and the page after it).  Both are set before the
 * first vCPU is created (KVM_SET_IDENTITY_MAP_ADDR must be).  Unused on AMD.
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

/*
 * Two registers of ours that tell the VMM how the guest is doing: the
 * pvpanic port (devices/pvpanic.c; 0x505 is where QEMU puts it, and the
 * DSDT says so), and the boot timer (devices/boot_timer.c; no driver:
 * the guest's /init writes it through /dev/mem, busybox's devmem, which
 * Debian's kernel allows for an address no driver claims; it has no
 * /dev/port, so the boot timer is in MMIO space, not a port).
 */
#define MACHINE_PVPANIC_PORT	0x505
#define MACHINE_BOOT_TIMER_ADDR 0xd0100000

/*
 * The ACPI sleep control and status registers (devices/acpi_sleep.c): under
 * hardware-reduced ACPI the guest powers off through them.  Two byte ports
 * of our choosing, clear of every legacy device; the FADT points at them.
 */
#define MACHINE_ACPI_SLEEP_CONTROL_PORT 0x600
#define MACHINE_ACPI_SLEEP_STATUS_PORT	0x601

/*
 * The virtio-mmio devices, in this order: the console, then one disk per
 * --disk, then the network card (--net).  Device i has window i and GSI MACHINE_GSI_VIRTIO + i.
 */
#define MACHINE_VIRTIO_CONSOLE 0
#define MACHINE_DISKS_MAX      (MACHINE_VIRTIO_MAX - 1)

/*
 * How Linux ended, as the VMM's exit status (0: it powered off; 1, 2, 3
 * as for every VM: console.h, budget.h).
 */
#define EXIT_GUEST_RESET    4 /* reboot: the reset line, or a triple fault */
#define EXIT_GUEST_PANICKED 5 /* pvpanic */

#include <net/if.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "boot/acpi.h"
#include "devices/acpi_sleep.h"
#include "devices/boot_timer.h"
#include "devices/i8042.h"
#include "devices/pvpanic.h"
#include "devices/serial_16550.h"
#include "iothread.h"
#include "irq.h"
#include "virtio/blk.h"
#include "virtio/console.h"
#include "virtio/net.h"

struct vm;

#define MACHINE_RELEASE_MAX 65 /* a kernel release and its NUL (uname's) */

/* The machine Linux boots on: its devices, and what the VMM saw of them. */
struct machine {
	struct vm *vm;
	struct serial_16550 com1;
	struct i8042 i8042;
	struct acpi_sleep sleep;
	struct pvpanic pvpanic;
	struct boot_timer boot_timer;
	struct virtio_console console;
	struct virtio_blk disks[MACHINE_DISKS_MAX];
	unsigned int nr_disks;
	struct virtio_net net; /* with --net: after the disks */
	char tap[IF_NAMESIZE]; /* its tap; "": no --net */
	uint64_t net_window;   /* its registers' guest-physical address */
	struct iothread io;    /* serves the network card */
	struct irq_line com1_irq, kbd_irq, virtio_irq[MACHINE_VIRTIO_MAX];
	struct acpi_mmio_device windows[MACHINE_VIRTIO_MAX]; /* for ACPI */
	unsigned int nr_virtio;
	char release[MACHINE_RELEASE_MAX]; /* the kernel's, from its file */
	uint64_t entry;			   /* where the vCPU starts */
	uint64_t start_ns;		   /* when the VMM started */
	uint64_t init_ns;     /* BOOT_TIMER_MARK_INIT; 0: not yet */
	const char *reset_by; /* what reset the machine, if it did */
	pthread_t input;      /* the stdin reader */
};

void machine_create(struct vm *vm, uint64_t start_ns);
struct acpi_machine machine_acpi(const struct machine *m);
void machine_start_input(struct vm *vm);
void machine_start_io(struct vm *vm);
void machine_stop_io(struct vm *vm);

#endif
