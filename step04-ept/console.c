// SPDX-License-Identifier: GPL-2.0
/*
 * console.c - the console device of the step04 guest: two byte-wide
 * registers at guest-physical CONSOLE_DATA and CONSOLE_STATUS, and no
 * memory behind them. Every access the guest makes is an EPT violation;
 * ept_violation.c sends it here. An EPT violation names the direction and
 * the address, but not the register that holds the data nor the length of
 * the instruction (VM_EXIT_INSTRUCTION_LEN is not defined for EPT
 * violations): we read the instruction at the guest's RIP, decode it
 * (mmio.c), perform the access and move RIP past it.
 *
 * Runs in the kernel module, VMX root operation, in the exit loop.
 *
 * Spec: Intel SDM Vol. 3, "EPT Violations", "Basic VM-Exit Information"
 * (VM-exit instruction length: undefined for EPT violations); Vol. 2,
 * "MOV - Move".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/kernel.h>
#include <asm/processor-flags.h>
#include <asm/vmx.h>

#include "console.h"
#include "exit_loop.h"
#include "guest_memory.h"
#include "mmio.h"
#include "vcpu.h"

/* AL, CL, DL, BL are bits 7:0 of RAX, RCX, RDX, RBX. */
#define BYTE_REG_MASK GENMASK_ULL(7, 0)

/*
 * mmio_decode() knows 32-bit addressing only (in 16-bit code the same
 * ModRM bytes mean other addresses and lengths), and we read the
 * instruction by guest-physical address: so the guest must be in protected
 * mode, without paging, running 32-bit code.
 */
static bool guest_in_32bit_mode_without_paging(void)
{
	u64 cr0 = vmcs_read(GUEST_CR0);

	return (cr0 & X86_CR0_PE) && !(cr0 & X86_CR0_PG) &&
	       (vmcs_read(GUEST_CS_AR_BYTES) & VMX_AR_DB_MASK);
}

/* book:begin registers */
/* The device itself: DATA takes a character, STATUS always reads READY. */
static int console_access(struct console *con, u64 gpa, bool write, u8 *value)
{
	if (write && gpa == CONSOLE_DATA) {
		if (con->len < CONSOLE_MAX) {
			con->text[con->len] = *value;
			guest_text_sanitize(&con->text[con->len], 1, "\"\\");
			con->len++;
		}
		con->writes++;
		return 0;
	}
	if (!write && gpa == CONSOLE_STATUS) {
		*value = CONSOLE_STATUS_READY;
		con->reads++;
		return 0;
	}
	return -EOPNOTSUPP; /* no such register */
}
/* book:end registers */

/* book:begin emulate */
int console_emulate(struct vcpu *vcpu, u64 gpa, enum ept_access access)
{
	bool write = access == EPT_ACCESS_WRITE;
	unsigned long *gpr = vcpu->regs.gpr;
	u64 linear = vmcs_read(GUEST_CS_BASE) + vmcs_read(GUEST_RIP);
	u8 insn[MMIO_INSN_MAX_LEN], value;
	struct mmio_insn mi;

	/* No paging: the linear address is a guest-physical address. */
	if (!guest_in_32bit_mode_without_paging() ||
	    guest_memory_read(&vcpu->mem, linear, insn, sizeof(insn)) ||
	    !mmio_decode(insn, sizeof(insn), &mi) || mi.write != write)
		return -EOPNOTSUPP;
	value = gpr[mi.reg] & BYTE_REG_MASK; /* mi.reg < 4: AL..BL */
	if (console_access(&vcpu->console, gpa, write, &value))
		return -EOPNOTSUPP;
	if (!write)
		gpr[mi.reg] = (gpr[mi.reg] & ~BYTE_REG_MASK) | value;

	if ((write ? vcpu->console.writes : vcpu->console.reads) == 1)
		pr_info("exit %u: EPT_VIOLATION, %s at GPA 0x%llx: console %s, emulated %02x %02x (%s) %s 0x%02x\n",
			vcpu->nr_exits, ept_access_name(access), gpa,
			write ? "CONSOLE_DATA" : "CONSOLE_STATUS", insn[0],
			insn[1], write ? "mov [reg], r8" : "mov r8, [reg]",
			write ? "wrote" : "read", value);
	return skip_instruction(mi.len);
}
/* book:end emulate */
