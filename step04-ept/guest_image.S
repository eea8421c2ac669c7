/* SPDX-License-Identifier: GPL-2.0 */
/*
 * guest_image.S - the guests' machine code (guest_hlt.bin and guest.bin,
 * assembled by nasm from guest_hlt.asm and guest.asm) embedded in the
 * module.
 *
 * In step04 the guest has its own physical memory: vcpu.c copies one of
 * these images to guest-physical GUEST_LOAD_ADDR before the guest starts,
 * so they are data to the module, not code it runs.
 */
	.section .rodata, "a"
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
