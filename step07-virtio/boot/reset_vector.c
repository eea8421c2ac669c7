/*
 * reset_vector.c - the only firmware this machine has: at the reset
 * vector, code that asks the i8042 to pulse the reset line, which ends
 * the VM as a reset (exit status 4).
 *
 * Runs: userspace (the VMM), once, before the first vCPU runs; the host
 * unit tests include this file directly.
 * Spec: Intel SDM Vol. 3A, "First Instruction Executed"; Vol. 2,
 * "MOV", "OUT", "HLT", "JMP" (the opcodes below); IBM PC/AT Technical
 * Reference, "Keyboard Controller" (command 0xFE: pulse output port bit
 * 0, the CPU's reset line; devices/i8042.c); Linux's
 * arch/x86/kernel/reboot.c.
 *
 * Why any firmware at all: a guest that "reboots through the BIOS" jumps
 * to F000:FFF0 in real mode.  Linux does, by default, on this machine:
 * with hardware-reduced ACPI and EFI runtime services not disabled it
 * starts its reboot with BOOT_EFI (efi_reboot_required()), which finds no
 * EFI and falls through to BOOT_BIOS, machine_real_restart(), before it
 * would try the keyboard controller.  Measured in the lab: with zeros at
 * the reset vector, `reboot -f` left the vCPU executing them, forever,
 * without an exit.  A PC's BIOS would reset the machine from there; these
 * bytes do what it would, in the way our machine can: an OUT the VMM sees.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "machine.h"
#include "reset_vector.h"

/* Opcodes (SDM Vol. 2), and the i8042 command that pulses the reset line. */
#define OP_MOV_AL_IMM8	  0xb0
#define OP_OUT_IMM8_AL	  0xe6
#define OP_HLT		  0xf4
#define OP_JMP_REL8	  0xeb
#define I8042_PULSE_RESET 0xfe /* "pulse output port", bit 0 low */

/* book:begin reset_vector */
static const uint8_t reset_code[] = {
	OP_MOV_AL_IMM8, I8042_PULSE_RESET,	/* mov al, 0xfe */
	OP_OUT_IMM8_AL, MACHINE_I8042_CMD_PORT, /* out 0x64, al: reset */
	OP_HLT,					/* the VMM stops it first, */
	OP_JMP_REL8,	(uint8_t)-3,		/* but should it not: hlt */
};
_Static_assert(sizeof(reset_code) <= RESET_VECTOR_SIZE,
	       "the code fits before the end of the first MiB");

/* Write the code at the reset vector; -EFAULT if RAM does not reach it. */
int reset_vector_write(const struct guest_mem *mem)
{
	uint8_t *p = gpa_to_hva(mem, RESET_VECTOR_ADDR, RESET_VECTOR_SIZE);

	if (!p)
		return -EFAULT;
	memset(p, OP_HLT, RESET_VECTOR_SIZE);
	memcpy(p, reset_code, sizeof(reset_code));
	return 0;
}
/* book:end reset_vector */
