/*
 * test_reset_vector.c - unit tests of the machine's firmware: the bytes
 * at the reset vector are "mov al, 0xfe; out 0x64, al; hlt; jmp hlt",
 * the rest of the first MiB's last 16 bytes HLT, nothing else touched;
 * RAM that does not reach the vector is refused.
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: Intel SDM Vol. 2 (the opcodes), Vol. 3A "First Instruction
 * Executed"; IBM PC/AT Technical Reference, "Keyboard Controller".
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "run_suite.h"

#include "boot/reset_vector.c"
#include "guest_mem.c"

#define MiB 0x100000

START_TEST(reset_vector_pulses_the_i8042_reset_line)
{
	static const uint8_t want[RESET_VECTOR_SIZE] = {
		0xb0, 0xfe, /* mov al, 0xfe */
		0xe6, 0x64, /* out 0x64, al */
		0xf4,	    /* hlt */
		0xeb, 0xfd, /* jmp -3: to the hlt */
		0xf4, 0xf4, 0xf4, 0xf4, 0xf4, 0xf4, 0xf4, 0xf4, 0xf4,
	};
	struct guest_mem mem = { .base = calloc(1, 2 * MiB), .size = 2 * MiB };

	ck_assert_ptr_nonnull(mem.base);
	ck_assert_int_eq(reset_vector_write(&mem), 0);
	ck_assert_mem_eq(mem.base + 0xffff0, want, sizeof(want));
	for (size_t i = 0; i < 2 * MiB; i++)
		if ((i < 0xffff0 || i >= MiB) && mem.base[i])
			ck_abort_msg("byte %#zx written", i);
	free(mem.base);
}
END_TEST

START_TEST(ram_below_the_vector_is_efault)
{
	struct guest_mem mem = { .base = calloc(1, MiB - 8), .size = MiB - 8 };

	ck_assert_int_eq(reset_vector_write(&mem), -EFAULT);
	free(mem.base);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reset_vector");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, reset_vector_pulses_the_i8042_reset_line);
	tcase_add_test(tc, ram_below_the_vector_is_efault);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
