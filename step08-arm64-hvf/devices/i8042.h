/*
 * i8042.h - the PC's keyboard controller, as much of it as a Linux guest
 * needs: its probe succeeds at once, and `reboot=k` (the controller's
 * "pulse reset line" command) ends the machine.
 *
 * Runs: userspace (the VMM).  Two ports on the port bus: data (0x60) and
 * command/status (0x64), each with its own bus handler; the keyboard
 * interrupt is an irq_line; a reset request calls the VMM's function.
 *
 * Spec: IBM PC/AT Technical Reference, "Keyboard Controller" (status
 * register, commands, output port); the names of the bits and commands
 * are Linux's, drivers/input/serio/i8042.h (not UAPI).
 */
#ifndef DEVICES_I8042_H
#define DEVICES_I8042_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "irq.h"

/* The VMM's answer to the guest pulling the reset line. */
typedef void (*i8042_reset_fn)(void *opaque);

struct i8042 {
	pthread_mutex_t lock;
	struct irq_line *kbd_irq;
	i8042_reset_fn reset;
	void *opaque;

	uint8_t ctr;	   /* the controller command byte */
	uint8_t outp;	   /* the output port: bit 0 is the reset line */
	uint8_t out;	   /* the output buffer */
	bool obf;	   /* ... and whether it holds a byte */
	bool out_timeout;  /* that byte is a time-out, not data */
	bool last_was_cmd; /* status bit 3: the last write went to 0x64 */
	uint8_t pending;   /* a command waiting for its data byte, or 0 */
	bool irq_level;
	unsigned int resets; /* times the reset line was pulled */
};

void i8042_init(struct i8042 *k, struct irq_line *kbd_irq, i8042_reset_fn reset,
		void *opaque);
void i8042_destroy(struct i8042 *k);
void i8042_data_access(void *opaque, uint64_t offset, uint8_t *data,
		       uint32_t len, bool is_write);
void i8042_command_access(void *opaque, uint64_t offset, uint8_t *data,
			  uint32_t len, bool is_write);

#endif
