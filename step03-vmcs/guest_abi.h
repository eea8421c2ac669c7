/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest_abi.h - what the step03 guest and its VMM agree on: the CPUID leaf
 * that answers with the hypervisor's signature and the VMCALL numbers.
 *
 * Written once, read by both sides: the module (C) includes it, and Kbuild
 * turns its #define lines into guest_abi.inc for the guest (nasm). So it
 * holds nothing but "#define NAME value" lines and comments.
 *
 * VMCALL convention (the same as KVM's): RAX = hypercall number, RBX = first
 * argument; the VMM returns a status in RAX (0 = done).
 *
 * Spec: Intel SDM Vol. 2, "CPUID" (leaves 40000000H-4FFFFFFFH are reserved
 * for hypervisors); Vol. 3, "VMCALL - Call to VM Monitor".
 */
#define GUEST_CPUID_SIGNATURE_LEAF 0x40000000

/* RBX, RCX, RDX = the 12 signature bytes exactly as CPUID returned them. */
#define HC_REPORT_SIGNATURE 1
/* RBX = the sum the guest computed. */
#define HC_REPORT_RESULT 2

#define GUEST_STACK_SIZE 4096
