/*
 * reset_vector.h - this machine's whole firmware: a few bytes at the x86
 * reset vector that pull the i8042's reset line.
 *
 * Runs: userspace (the VMM), once, before the first vCPU runs; a pure
 * function over guest memory (the unit tests include reset_vector.c).
 * Spec: Intel SDM Vol. 3A, "First Instruction Executed" (F000:FFF0,
 * physical 0xFFFF0 once CS is reloaded in real mode); Linux's
 * arch/x86/kernel/reboot.c (BOOT_BIOS: machine_real_restart() jumps
 * there) and arch/x86/realmode/rm/reboot.S.
 */
#ifndef BOOT_RESET_VECTOR_H
#define BOOT_RESET_VECTOR_H

#include "guest_mem.h"

#define RESET_VECTOR_ADDR 0xffff0 /* F000:FFF0 */
#define RESET_VECTOR_SIZE 16	  /* up to the end of the first MiB */

int reset_vector_write(const struct guest_mem *mem);

#endif
