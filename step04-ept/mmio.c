// SPDX-License-Identifier: GPL-2.0
/*
 * mmio.c - the smallest x86 instruction decoder that can emulate the step04
 * guest's console accesses: MOV between a byte register and [register].
 *
 * An EPT violation tells the VMM the guest-physical address and whether the
 * access was a read or a write, but not which register the data comes from
 * or goes to, nor the instruction's length (VM_EXIT_INSTRUCTION_LEN is not
 * defined for EPT violations). So the VMM reads the instruction at the
 * guest's RIP and decodes it. A real VMM decodes every form (KVM's
 * emulate.c is thousands of lines); we decode two, and refuse the rest.
 *
 * Pure function: runs in the kernel module and in the host's unit tests.
 *
 * Spec: Intel SDM Vol. 2, "MOV - Move", "Instruction Format" ("ModR/M and
 * SIB Bytes", table "32-Bit Addressing Forms with the ModR/M Byte").
 */
#include <linux/kernel.h>
#include <linux/types.h>

#include "mmio.h"

/* ModRM: mod (bits 7:6), reg (5:3), rm (2:0). */
#define MODRM_MOD_SHIFT	   6
#define MODRM_REG_SHIFT	   3
#define MODRM_RM_SHIFT	   0
#define MODRM_REG_RM_MASK  0x7 /* reg and rm are 3 bits wide */
#define MODRM_MOD(b)	   ((b) >> MODRM_MOD_SHIFT)
#define MODRM_REG(b)	   (((b) >> MODRM_REG_SHIFT) & MODRM_REG_RM_MASK)
#define MODRM_RM(b)	   (((b) >> MODRM_RM_SHIFT) & MODRM_REG_RM_MASK)
#define MODRM_MOD_INDIRECT 0 /* [register], no displacement */
#define MODRM_RM_SIB	   4 /* a SIB byte follows */
#define MODRM_RM_DISP32	   5 /* with mod 00: [disp32] */
#define BYTE_REG_LOW_MAX   3 /* AL, CL, DL, BL; 4-7 are AH..BH */

/* book:begin decode */
bool mmio_decode(const u8 *insn, size_t avail, struct mmio_insn *out)
{
	u8 modrm;

	if (avail < MMIO_INSN_MAX_LEN)
		return false;
	if (insn[0] != OPCODE_MOV_RM8_R8 && insn[0] != OPCODE_MOV_R8_RM8)
		return false;
	modrm = insn[1];
	if (MODRM_MOD(modrm) != MODRM_MOD_INDIRECT ||
	    MODRM_RM(modrm) == MODRM_RM_SIB ||
	    MODRM_RM(modrm) == MODRM_RM_DISP32 ||
	    MODRM_REG(modrm) > BYTE_REG_LOW_MAX)
		return false;
	out->write = insn[0] == OPCODE_MOV_RM8_R8;
	out->reg = MODRM_REG(modrm);
	out->len = MMIO_INSN_MAX_LEN;
	return true;
}
/* book:end decode */
