/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest_abi.h - what the step04 guest and its VMM agree on: the guest's
 * physical memory map, the console device's registers, the CPUID leaf that
 * answers with the hypervisor's signature, and the VMCALL numbers.
 *
 * Written once, read by both sides: the module (C) includes it, and Kbuild
 * turns its #define lines into guest_abi.inc for the guest (nasm). So it
 * holds nothing but "#define NAME value" lines and comments.
 *
 * VMCALL convention (the same as KVM's): RAX = hypercall number, RBX = first
 * argument; the VMM returns a status in RAX (0 = done).
 *
 * Spec: Intel SDM Vol. 2, "CPUID" (leaves 40000000H-4FFFFFFFH are reserved
 * for hypervisors); Vol. 3, "VMCALL - Call to VM Monitor", "EPT Violations".
 */
#define GUEST_CPUID_SIGNATURE_LEAF 0x40000000

/* RBX, RCX, RDX = the 12 signature bytes exactly as CPUID returned them. */
#define HC_REPORT_SIGNATURE 1
/* RBX = the checksum the guest computed. */
#define HC_REPORT_RESULT 2

/* Guest-physical memory map. Page size: 4 KiB. */
#define GUEST_PAGE_SIZE 0x1000
/* RAM mapped before the guest starts (read, write, execute). */
#define GUEST_RAM_BASE 0x00000000
#define GUEST_RAM_SIZE 0x00010000
/* Where the image is loaded and the guest starts, in real mode, at 0:7c00. */
#define GUEST_LOAD_ADDR 0x7c00
/* The top of the guest's stack, below the image. */
#define GUEST_STACK_TOP 0x7000
/* Demand-paged RAM: unmapped at start, a fresh page on first touch. */
#define GUEST_DEMAND_BASE  0x00100000
#define GUEST_DEMAND_PAGES 16
/* The console device: never mapped, every access is emulated. */
#define GUEST_DEVICE_BASE 0xd0000000
#define GUEST_DEVICE_SIZE 0x1000
/* Console registers (byte wide): write a character to DATA; STATUS reads READY. */
#define CONSOLE_DATA	     0xd0000000
#define CONSOLE_STATUS	     0xd0000004
#define CONSOLE_STATUS_READY 0x01
