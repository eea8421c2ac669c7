/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmio.h - decode the instructions the step04 guest uses to reach its
 * emulated console, so the VMM can carry them out after an EPT violation.
 *
 * Pure functions: run in the kernel module and in the host's unit tests,
 * which feed them hostile bytes too.
 *
 * Spec: Intel SDM Vol. 2, "MOV - Move" (88 /r, 8A /r), "Instruction
 * Format" ("ModR/M and SIB Bytes"), table "32-Bit Addressing Forms with the
 * ModR/M Byte".
 */
#ifndef MMIO_H
#define MMIO_H

#include <linux/types.h>

#define OPCODE_MOV_RM8_R8 0x88 /* MOV r/m8, r8: a byte store */
#define OPCODE_MOV_R8_RM8 0x8a /* MOV r8, r/m8: a byte load */
#define MMIO_INSN_MAX_LEN 2    /* opcode + ModRM: all we decode */

/* A decoded access: direction, the byte register (x86 number), length. */
struct mmio_insn {
	bool write;
	unsigned int reg; /* 0 = AL, 1 = CL, 2 = DL, 3 = BL */
	unsigned int len;
};

/*
 * Decode the @avail bytes at @insn. Only 88 /r and 8A /r with ModRM mod = 00
 * and a plain register as the address ([eax]..[ebx], [esi], [edi]: no SIB
 * byte, no displacement), and only AL, CL, DL, BL as the byte register.
 * Returns false for anything else: the VMM refuses what it cannot decode.
 */
bool mmio_decode(const u8 *insn, size_t avail, struct mmio_insn *out);

#endif /* MMIO_H */
