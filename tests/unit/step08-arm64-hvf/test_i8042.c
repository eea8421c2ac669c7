/*
 * test_i8042.c - unit tests of the keyboard controller: the status a
 * driver polls, `reboot=k` (and every other way of pulling the reset
 * line), the commands Linux's i8042 driver sends while probing, and what
 * a byte for the absent keyboard gets.
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: IBM PC/AT Technical Reference, "Keyboard Controller";
 * arch/x86/kernel/reboot.c (BOOT_KBD); drivers/input/serio/i8042.c.
 */
#include <check.h>

#include "run_suite.h"

#include "devices/i8042.c"

struct line {
	struct irq_line irq;
	bool level;
	unsigned int raised;
};

static void line_set_level(struct irq_line *irq, bool level)
{
	struct line *l = (struct line *)irq;

	ck_assert_int_ne(l->level, level);
	l->level = level;
	l->raised += level;
}

static unsigned int resets_seen;

static void on_reset(void *opaque)
{
	ck_assert_ptr_eq(opaque, &resets_seen);
	resets_seen++;
}

static struct i8042 kbc;
static struct line line;

static void setup(void)
{
	memset(&line, 0, sizeof(line));
	line.irq = (struct irq_line){ .set_level = line_set_level, .gsi = 1 };
	resets_seen = 0;
	i8042_init(&kbc, &line.irq, on_reset, &resets_seen);
}

static void teardown(void)
{
	i8042_destroy(&kbc);
}

static uint8_t status(void)
{
	uint8_t v = 0;

	i8042_command_access(&kbc, 0, &v, 1, false);
	return v;
}

static void cmd(uint8_t c)
{
	i8042_command_access(&kbc, 0, &c, 1, true);
}

static void data_out(uint8_t d)
{
	i8042_data_access(&kbc, 0, &d, 1, true);
}

static uint8_t data_in(void)
{
	uint8_t v = 0;

	i8042_data_access(&kbc, 0, &v, 1, false);
	return v;
}

/* No data waiting, input buffer empty, self-tested, not inhibited. */
START_TEST(status_after_reset)
{
	ck_assert_uint_eq(status(), 0x14);
	ck_assert_uint_eq(status() & I8042_STR_IBF, 0);
	ck_assert(!line.level);
	ck_assert_uint_eq(resets_seen, 0);
}
END_TEST

/* book:begin test_reboot_k */
/*
 * reboot=k (arch/x86/kernel/reboot.c): wait while IBF is set, then
 * outb(0xfe, 0x64): "pulse reset low".  The VMM hears it once per pulse.
 */
START_TEST(reboot_k_pulses_the_reset_line)
{
	int spins = 0;

	while ((status() & I8042_STR_IBF) && spins < 0x10000)
		spins++;
	ck_assert_int_eq(spins, 0);
	cmd(0xfe);
	ck_assert_uint_eq(resets_seen, 1);
	ck_assert_uint_eq(kbc.resets, 1);
	ck_assert_uint_eq(status(), 0x1c); /* CMDDAT: last write a command */
}
END_TEST
/* book:end test_reboot_k */

/* Pulse commands 0xf0-0xff: bit 0 clear pulses the reset line. */
START_TEST(only_pulses_of_bit_0_reset)
{
	cmd(0xff); /* pulse nothing */
	cmd(0xfd);
	cmd(0xf1);
	ck_assert_uint_eq(resets_seen, 0);
	cmd(0xf0); /* pulse bits 3:0, reset among them */
	cmd(0xfa);
	ck_assert_uint_eq(resets_seen, 2);
}
END_TEST

/* The output port: bit 0 written low is a reset too; read it back. */
START_TEST(output_port_bit_0_is_the_reset_line)
{
	cmd(0xd0);
	ck_assert_uint_eq(status() & I8042_STR_OBF, I8042_STR_OBF);
	ck_assert_uint_eq(data_in(), 0x03); /* reset high, A20 on */
	cmd(0xd1);
	data_out(0x03);
	ck_assert_uint_eq(resets_seen, 0);
	cmd(0xd1);
	data_out(0x02);
	ck_assert_uint_eq(resets_seen, 1);
	ck_assert_uint_eq(status() & I8042_STR_OBF, 0);
}
END_TEST

/* i8042_controller_init(): read the CTR, write it, read it back. */
START_TEST(command_byte_reads_and_writes)
{
	cmd(0x20);
	ck_assert_uint_eq(status(), 0x1d); /* OBF | CMDDAT | SYS | KEYLOCK */
	ck_assert_uint_eq(data_in(), 0x65);
	ck_assert_uint_eq(status(), 0x1c);
	cmd(0x60);
	data_out(0x74); /* KBDDIS | AUXDIS | XLATE | SYS: interrupts off */
	ck_assert_uint_eq(status(), 0x14);
	cmd(0x20);
	ck_assert_uint_eq(data_in(), 0x74);
	cmd(0xae); /* enable the keyboard interface */
	cmd(0xa8); /* and the mouse's */
	cmd(0x20);
	ck_assert_uint_eq(data_in(), 0x44);
	cmd(0xad);
	cmd(0xa7);
	cmd(0x20);
	ck_assert_uint_eq(data_in(), 0x74);
}
END_TEST

START_TEST(self_tests_pass)
{
	cmd(0xaa);
	ck_assert_uint_eq(data_in(), 0x55);
	cmd(0xab);
	ck_assert_uint_eq(data_in(), 0x00);
}
END_TEST

/*
 * i8042_check_aux(): the AUX loopback answers without AUXDATA (a time-out
 * on the keyboard side), and the AUX interface test reports a stuck
 * clock, so the driver decides "no mouse port" at once.
 */
START_TEST(aux_port_probe_fails_fast)
{
	cmd(0xd3);
	data_out(0x5a);
	ck_assert_uint_eq(status(), 0x55); /* OBF | TIMEOUT, no AUXDATA */
	ck_assert_uint_eq(status() & I8042_STR_AUXDATA, 0);
	ck_assert_uint_eq(data_in(), 0xfe);
	cmd(0xa9);
	ck_assert_uint_eq(data_in(), 0x01);
	cmd(0xd4); /* a byte for the mouse */
	data_out(0xf4);
	ck_assert_uint_eq(status(), 0x55);
	ck_assert_uint_eq(data_in(), 0xfe);
}
END_TEST

/*
 * atkbd's probe writes a command byte for the keyboard to 0x60: with
 * nothing plugged in it comes back 0xfe with the time-out bit, through
 * the keyboard interrupt, which falls when the byte is read.
 */
START_TEST(keyboard_byte_gets_a_timeout_and_an_interrupt)
{
	data_out(0xf2); /* ATKBD_CMD_GETID */
	ck_assert_uint_eq(status(), 0x55);
	ck_assert(line.level);
	ck_assert_uint_eq(data_in(), 0xfe);
	ck_assert(!line.level);
	ck_assert_uint_eq(status(), 0x14);
	ck_assert_uint_eq(line.raised, 1);
	cmd(0x60);
	data_out(0x64); /* KBDINT off */
	data_out(0xed);
	ck_assert_uint_eq(status() & I8042_STR_OBF, I8042_STR_OBF);
	ck_assert(!line.level);
	ck_assert_uint_eq(line.raised, 1);
}
END_TEST

/* KBD_LOOP: the byte comes back as keyboard data, not a time-out. */
START_TEST(keyboard_loop_echoes)
{
	cmd(0xd2);
	data_out(0x1c);
	ck_assert_uint_eq(status(), 0x15);
	ck_assert(line.level);
	ck_assert_uint_eq(data_in(), 0x1c);
	ck_assert(!line.level);
}
END_TEST

/* Unknown commands change nothing; an empty buffer reads stale, OBF 0. */
START_TEST(other_commands_are_harmless)
{
	cmd(0xc0); /* read input port: not here */
	cmd(0x90); /* a multiplexer command */
	cmd(0x00);
	ck_assert_uint_eq(status(), 0x1c);
	ck_assert_uint_eq(data_in(), 0);
	cmd(0x20);
	ck_assert_uint_eq(data_in(), 0x65);
	ck_assert_uint_eq(data_in(), 0x65); /* stale */
	ck_assert_uint_eq(status() & I8042_STR_OBF, 0);
	cmd(0x60); /* a command waiting for data, then another command */
	cmd(0x20);
	ck_assert_uint_eq(data_in(), 0x65);
	ck_assert_uint_eq(resets_seen, 0);
}
END_TEST

/* Without a reset function the pulse is still counted, nothing breaks. */
START_TEST(reset_without_a_listener)
{
	struct i8042 k;
	uint8_t c = 0xfe;

	i8042_init(&k, NULL, NULL, NULL);
	i8042_command_access(&k, 0, &c, 1, true);
	ck_assert_uint_eq(k.resets, 1);
	i8042_destroy(&k);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("i8042");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, status_after_reset);
	tcase_add_test(tc, reboot_k_pulses_the_reset_line);
	tcase_add_test(tc, only_pulses_of_bit_0_reset);
	tcase_add_test(tc, output_port_bit_0_is_the_reset_line);
	tcase_add_test(tc, command_byte_reads_and_writes);
	tcase_add_test(tc, self_tests_pass);
	tcase_add_test(tc, aux_port_probe_fails_fast);
	tcase_add_test(tc, keyboard_byte_gets_a_timeout_and_an_interrupt);
	tcase_add_test(tc, keyboard_loop_echoes);
	tcase_add_test(tc, other_commands_are_harmless);
	tcase_add_test(tc, reset_without_a_listener);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
