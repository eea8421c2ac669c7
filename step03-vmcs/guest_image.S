/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest_image.S - the guests' machine code (guest_hlt.bin and guest.bin,
 * assembled by nasm from guest_hlt.asm and guest.asm) embedded in the
 * module's text section.
 *
 * In step03 the guest runs on the host's page tables, so it executes right
 * here, at this kernel address: module text is mapped executable in every
 * address space the kernel uses.
 */
	.section .text, "ax"
	.balign 16
	.globl guest_hlt_image_start
	.globl guest_hlt_image_end
guest_hlt_image_start:
	.incbin GUEST_HLT_BIN
guest_hlt_image_end:

	.balign 16
	.globl guest_image_start
	.globl guest_image_end
guest_image_start:
	.incbin GUEST_BIN
guest_image_end:
