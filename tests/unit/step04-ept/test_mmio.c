// SPDX-License-Identifier: GPL-2.0
/*
 * test_mmio.c - Check unit tests for step04's console-access decoder
 * (step04-ept/mmio.c): the two instruction forms the guest uses decode to
 * the right direction, register and length; every other byte sequence,
 * including truncated and hostile ones, is refused.
 *
 * Runs on the host (userspace), no VMX needed.
 *
 * Spec: Intel SDM Vol. 2, "MOV - Move", "Instruction Format", table
 * "32-Bit Addressing Forms with the ModR/M Byte".
 */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>

#include "mmio.c"

START_TEST(the_guests_console_read)
{
	const u8 insn[] = { 0x8a, 0x13 }; /* mov dl, [ebx] */
	struct mmio_insn mi;

	ck_assert(mmio_decode(insn, sizeof(insn), &mi));
	ck_assert(!mi.write);
	ck_assert_uint_eq(mi.reg, 2); /* DL */
	ck_assert_uint_eq(mi.len, 2);
}
END_TEST

START_TEST(the_guests_console_write)
{
	const u8 insn[] = { 0x88, 0x03 }; /* mov [ebx], al */
	struct mmio_insn mi;

	ck_assert(mmio_decode(insn, sizeof(insn), &mi));
	ck_assert(mi.write);
	ck_assert_uint_eq(mi.reg, 0); /* AL */
	ck_assert_uint_eq(mi.len, 2);
}
END_TEST

START_TEST(other_plain_register_addresses)
{
	const u8 esi[] = { 0x88, 0x1e }; /* mov [esi], bl */
	const u8 edi[] = { 0x8a, 0x0f }; /* mov cl, [edi] */
	struct mmio_insn mi;

	ck_assert(mmio_decode(esi, sizeof(esi), &mi));
	ck_assert(mi.write);
	ck_assert_uint_eq(mi.reg, 3);
	ck_assert(mmio_decode(edi, sizeof(edi), &mi));
	ck_assert(!mi.write);
	ck_assert_uint_eq(mi.reg, 1);
}
END_TEST

START_TEST(forms_we_do_not_decode)
{
	static const u8 refused[][2] = {
		{ 0x88, 0x04 }, /* [SIB]: a SIB byte would follow */
		{ 0x88, 0x05 }, /* [disp32] */
		{ 0x88, 0x43 }, /* [ebx+disp8] */
		{ 0x88, 0x83 }, /* [ebx+disp32] */
		{ 0x8a, 0xc3 }, /* mov al, bl: register to register */
		{ 0x88, 0x23 }, /* mov [ebx], ah: a high byte register */
		{ 0x88, 0x3b }, /* mov [ebx], bh */
		{ 0x89, 0x03 }, /* mov [ebx], eax: 32-bit */
		{ 0x8b, 0x03 }, /* mov eax, [ebx] */
		{ 0x66, 0x89 }, /* an operand-size prefix */
		{ 0xc6, 0x03 }, /* mov byte [ebx], imm8 */
		{ 0x00, 0x00 }, { 0xff, 0xff },
	};
	struct mmio_insn mi;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(refused); i++)
		ck_assert_msg(!mmio_decode(refused[i], 2, &mi),
			      "%02x %02x was decoded", refused[i][0],
			      refused[i][1]);
}
END_TEST

START_TEST(truncated_instructions)
{
	const u8 insn[] = { 0x88, 0x03 };
	struct mmio_insn mi;

	ck_assert(!mmio_decode(insn, 1, &mi));
	ck_assert(!mmio_decode(insn, 0, &mi));
}
END_TEST

static Suite *mmio_suite(void)
{
	Suite *s = suite_create("mmio");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, the_guests_console_read);
	tcase_add_test(tc, the_guests_console_write);
	tcase_add_test(tc, other_plain_register_addresses);
	tcase_add_test(tc, forms_we_do_not_decode);
	tcase_add_test(tc, truncated_instructions);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(mmio_suite());
}
