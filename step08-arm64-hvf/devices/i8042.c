/*
 * i8042.c - the keyboard controller, with no keyboard and no mouse
 * attached: enough for Linux's i8042 driver to probe it quickly and for
 * `reboot=k` to reach the VMM.
 *
 * Runs: userspace (the VMM), on a vCPU thread that exits on port 0x60 or
 * 0x64.  The host unit tests include this file.
 *
 * Spec: IBM PC/AT Technical Reference, "Keyboard Controller": the status
 * register, the controller commands (read/write the command byte, self
 * test, interface tests, enable/disable, read/write the output port,
 * "pulse output port"), the output port (bit 0: system reset).  Names as
 * drivers/input/serio/i8042.h spells them; Linux reboots with
 * `outb(0xfe, 0x64)` in arch/x86/kernel/reboot.c (BOOT_KBD, `reboot=k`).
 *
 * Every command answers at once.  What would talk to a device answers as
 * a controller with nothing plugged in does: a byte for the keyboard gets
 * 0xFE with the time-out bit (and the keyboard interrupt); the auxiliary
 * (mouse) port has no loopback and fails its interface test, so Linux
 * concludes there is no mouse port without waiting for a time-out.
 */
#include <string.h>

#include "i8042.h"

/* Status register (port 0x64, read). */
#define I8042_STR_OBF	  0x01 /* output buffer full: data for the host */
#define I8042_STR_IBF	  0x02 /* input buffer full: never, we are fast */
#define I8042_STR_SYSFLAG 0x04 /* system flag: self-test passed */
#define I8042_STR_CMDDAT  0x08 /* last write was a command */
#define I8042_STR_KEYLOCK 0x10 /* 1: the keyboard is not inhibited */
#define I8042_STR_AUXDATA 0x20 /* the byte is from the mouse: never here */
#define I8042_STR_TIMEOUT 0x40 /* the device did not answer */

/* The controller command byte ("CTR"). */
#define I8042_CTR_KBDINT  0x01 /* keyboard interrupt on output */
#define I8042_CTR_AUXINT  0x02
#define I8042_CTR_SYSFLAG 0x04
#define I8042_CTR_KBDDIS  0x10
#define I8042_CTR_AUXDIS  0x20
#define I8042_CTR_XLATE	  0x40 /* translate to scan code set 1 */

/* Controller commands: the low byte of Linux's I8042_CMD_* values. */
#define I8042_CMD_CTL_RCTR    0x20
#define I8042_CMD_CTL_WCTR    0x60
#define I8042_CMD_AUX_DISABLE 0xa7
#define I8042_CMD_AUX_ENABLE  0xa8
#define I8042_CMD_AUX_TEST    0xa9
#define I8042_CMD_CTL_TEST    0xaa
#define I8042_CMD_KBD_TEST    0xab
#define I8042_CMD_KBD_DISABLE 0xad
#define I8042_CMD_KBD_ENABLE  0xae
#define I8042_CMD_READ_OUTP   0xd0
#define I8042_CMD_WRITE_OUTP  0xd1
#define I8042_CMD_KBD_LOOP    0xd2
#define I8042_CMD_AUX_LOOP    0xd3
#define I8042_CMD_AUX_SEND    0xd4
#define I8042_CMD_PULSE_OUTP  0xf0 /* 0xf0-0xff: low bits 0 = pulse */

#define I8042_RET_CTL_TEST 0x55 /* self test passed */
#define I8042_RET_PORT_OK  0x00 /* interface test passed */
#define I8042_RET_CLK_LOW  0x01 /* interface test: clock line stuck low */
#define PS2_RET_NAK	   0xfe /* what a missing device "answers" */
#define I8042_OUTP_RESET   0x01 /* output port bit 0: 0 resets the CPU */
#define I8042_OUTP_A20	   0x02

/* As a BIOS leaves it: keyboard interrupt on, translation on, no mouse. */
#define I8042_CTR_DEFAULT                                                      \
	(I8042_CTR_KBDINT | I8042_CTR_SYSFLAG | I8042_CTR_AUXDIS |             \
	 I8042_CTR_XLATE)

/* The keyboard line: high while a keyboard-side byte waits and KBDINT. */
static void i8042_update_irq(struct i8042 *k)
{
	bool level = k->obf && (k->ctr & I8042_CTR_KBDINT);

	if (level == k->irq_level)
		return;
	k->irq_level = level;
	irq_set_level(k->kbd_irq, level);
}

/* Put a byte in the output buffer for the guest to read from 0x60. */
static void output(struct i8042 *k, uint8_t byte, bool timeout)
{
	k->out = byte;
	k->obf = true;
	k->out_timeout = timeout;
}

/* book:begin i8042_reset */
/*
 * The output port's bit 0 is wired to the CPU's reset line: pulling it
 * low (a "pulse output port" command with bit 0 clear, 0xfe being the
 * one everybody uses, or writing the port with bit 0 clear) resets the
 * machine.  The VMM decides what a reset means.
 */
static void pull_reset(struct i8042 *k)
{
	k->resets++;
	if (k->reset)
		k->reset(k->opaque);
}
/* book:end i8042_reset */

/* A command's data byte arrived at port 0x60. */
static void command_data(struct i8042 *k, uint8_t cmd, uint8_t val)
{
	switch (cmd) {
	case I8042_CMD_CTL_WCTR:
		k->ctr = val;
		break;
	case I8042_CMD_WRITE_OUTP:
		k->outp = val;
		if (!(val & I8042_OUTP_RESET))
			pull_reset(k);
		break;
	case I8042_CMD_KBD_LOOP: /* as if the keyboard had sent it */
		output(k, val, false);
		break;
	default: /* AUX_LOOP, AUX_SEND: no mouse port to carry it */
		output(k, PS2_RET_NAK, true);
		break;
	}
}

/*
 * Port 0x60: read the output buffer; write a command's data byte, or a
 * byte for the keyboard, which is not there.
 */
void i8042_data_access(void *opaque, uint64_t offset, uint8_t *data,
		       uint32_t len, bool is_write)
{
	struct i8042 *k = opaque;

	(void)offset;
	(void)len;
	pthread_mutex_lock(&k->lock);
	if (!is_write) {
		data[0] = k->out; /* stale when empty, as on the chip */
		k->obf = false;
		k->out_timeout = false;
	} else {
		uint8_t cmd = k->pending;

		k->pending = 0;
		k->last_was_cmd = false;
		if (cmd)
			command_data(k, cmd, data[0]);
		else
			output(k, PS2_RET_NAK, true); /* no keyboard */
	}
	i8042_update_irq(k);
	pthread_mutex_unlock(&k->lock);
}

/* book:begin i8042_command */
/* A command written to port 0x64. */
static void command(struct i8042 *k, uint8_t cmd)
{
	switch (cmd) {
	case I8042_CMD_CTL_RCTR:
		output(k, k->ctr, false);
		break;
	case I8042_CMD_CTL_WCTR:
	case I8042_CMD_WRITE_OUTP:
	case I8042_CMD_KBD_LOOP:
	case I8042_CMD_AUX_LOOP:
	case I8042_CMD_AUX_SEND:
		k->pending = cmd; /* the data byte follows at 0x60 */
		break;
	case I8042_CMD_AUX_DISABLE:
		k->ctr |= I8042_CTR_AUXDIS;
		break;
	case I8042_CMD_AUX_ENABLE:
		k->ctr &= ~I8042_CTR_AUXDIS;
		break;
	case I8042_CMD_AUX_TEST:
		output(k, I8042_RET_CLK_LOW, false);
		break;
	case I8042_CMD_CTL_TEST:
		output(k, I8042_RET_CTL_TEST, false);
		break;
	case I8042_CMD_KBD_TEST:
		output(k, I8042_RET_PORT_OK, false);
		break;
	case I8042_CMD_KBD_DISABLE:
		k->ctr |= I8042_CTR_KBDDIS;
		break;
	case I8042_CMD_KBD_ENABLE:
		k->ctr &= ~I8042_CTR_KBDDIS;
		break;
	case I8042_CMD_READ_OUTP:
		output(k, k->outp, false);
		break;
	default:
		if (cmd >= I8042_CMD_PULSE_OUTP && !(cmd & I8042_OUTP_RESET))
			pull_reset(k);
		break; /* anything else: ignored */
	}
}
/* book:end i8042_command */

/* Port 0x64: read the status register, write a command. */
void i8042_command_access(void *opaque, uint64_t offset, uint8_t *data,
			  uint32_t len, bool is_write)
{
	struct i8042 *k = opaque;

	(void)offset;
	(void)len;
	pthread_mutex_lock(&k->lock);
	if (!is_write) {
		data[0] = I8042_STR_SYSFLAG | I8042_STR_KEYLOCK |
			  (k->obf ? I8042_STR_OBF : 0) |
			  (k->out_timeout ? I8042_STR_TIMEOUT : 0) |
			  (k->last_was_cmd ? I8042_STR_CMDDAT : 0);
	} else {
		k->pending = 0;
		k->last_was_cmd = true;
		command(k, data[0]);
	}
	i8042_update_irq(k);
	pthread_mutex_unlock(&k->lock);
}

void i8042_init(struct i8042 *k, struct irq_line *kbd_irq, i8042_reset_fn reset,
		void *opaque)
{
	memset(k, 0, sizeof(*k));
	pthread_mutex_init(&k->lock, NULL);
	k->kbd_irq = kbd_irq;
	k->reset = reset;
	k->opaque = opaque;
	k->ctr = I8042_CTR_DEFAULT;
	k->outp = I8042_OUTP_RESET | I8042_OUTP_A20;
}

void i8042_destroy(struct i8042 *k)
{
	pthread_mutex_destroy(&k->lock);
}
