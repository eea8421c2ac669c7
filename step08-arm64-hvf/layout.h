/*
 * layout.h - the guest-physical memory map of our tiny virtual machine.
 *
 * Runs: included by the VMM (userspace C) and, converted to layout.inc by
 * the Makefile, by the nasm guests.  Keep every value a plain number: the
 * conversion is a sed script, not a C compiler.
 *
 * Spec: Intel SDM Vol. 3A, "Paging" (4-level paging) and "Segment
 * Descriptor Tables" (where the GDT may live); the addresses themselves
 * are ours to choose, because we are the machine's designer.
 *
 *   0x00000  +---------------------------+
 *            | (real-mode IVT, unused)   |
 *   0x01000  | GDT           (VMM)       |  protected and long mode
 *   0x02000  | PML4          (VMM)       |  long mode
 *   0x03000  | PDPT          (VMM)       |  long mode
 *   0x04000  | PD            (VMM)       |  long mode: 512 x 2 MiB = 1 GiB
 *   0x05000  | result word   (guest)     |  the guest's answer, 8 bytes
 *            | stack, grows down         |
 *   0x08000  | image: code + data        |  entry point = first byte
 *            | ...                       |
 *   mem_size +---------------------------+
 *            | (nothing)                 |
 *   0x20000000 result register (MMIO)    |  not RAM: writes exit to the VMM
 */
#ifndef LAYOUT_H
#define LAYOUT_H

#define GUEST_GDT_ADDR	  0x1000
#define GUEST_PML4_ADDR	  0x2000
#define GUEST_PDPT_ADDR	  0x3000
#define GUEST_PD_ADDR	  0x4000
#define GUEST_RESULT_ADDR 0x5000
#define GUEST_STACK_TOP	  0x8000
#define GUEST_LOAD_ADDR	  0x8000

/* Units of sizes, for people: KiB and MiB. */
#define KIB 0x400
#define MIB 0x100000

/* Guest RAM: [0, mem_size).  Long mode's page tables map the first GiB. */
#define GUEST_MEM_DEFAULT 0x200000
#define GUEST_MEM_MIN	  0x10000
#define GUEST_MEM_MAX	  0x20000000

/* A device register above the largest RAM: writing it is KVM_EXIT_MMIO. */
#define GUEST_MMIO_RESULT 0x20000000

/*
 * Three pages KVM needs for its real-mode emulation on Intel CPUs without
 * "unrestricted guest" (KVM_SET_TSS_ADDR); outside RAM, below 4 GiB, where
 * Firecracker puts them (QEMU uses 0xfeffd000).  Unused on AMD.
 */
#define GUEST_TSS_ADDR 0xfffbd000

/* Port I/O: one byte written here is one character of console output. */
#define GUEST_CONSOLE_PORT 0xE9

#endif
