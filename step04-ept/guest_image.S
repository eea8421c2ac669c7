/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest_image.S - the guest's machine code (guest.bin, assembled by nasm
 * from guest.asm) embedded in the module's text section.
 *
 * In step04 the guest has its own physical memory: vcpu.c copies these
 * bytes to guest-physical GUEST_LOAD_ADDR before the guest starts.
 */
	.section .text, "ax"
	.balign 16
	.globl guest_image_start
	.globl guest_image_end
guest_image_start:
	.incbin GUEST_BIN
guest_image_end:
