/*
 * serial_16550.h - a 16550A UART, the PC's COM port: the console a Linux
 * kernel finds without being told anything but console=ttyS0.
 *
 * Runs: userspace (the VMM).  Its registers sit on the port bus
 * (bus.h); its interrupt is an irq_line (irq.h); what the guest transmits
 * goes to an output function, what the VMM receives (its stdin) comes in
 * through serial_16550_receive().  The guest's vCPU threads and the VMM's
 * input thread meet in it, so each device has a mutex.
 *
 * Spec: National Semiconductor PC16550D datasheet ("Registers", "FIFO
 * Interrupt Mode Operation", "Loopback"); the register and bit names are
 * <linux/serial_reg.h>'s.
 */
#ifndef DEVICES_SERIAL_16550_H
#define DEVICES_SERIAL_16550_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "irq.h"

#define SERIAL_16550_REGS      8  /* eight consecutive ports */
#define SERIAL_16550_FIFO_SIZE 16 /* the 16550A's receive FIFO */

/* Where transmitted bytes go (the VMM's stdout), len bytes at a time. */
typedef void (*serial_output_fn)(void *opaque, const uint8_t *buf, size_t len);

struct serial_16550 {
	pthread_mutex_t lock;
	struct irq_line *irq;
	serial_output_fn output;
	void *opaque;

	uint8_t ier, lcr, mcr, msr, scr, fcr;
	uint8_t dll, dlm;  /* the divisor latch (LCR.DLAB = 1) */
	bool overrun;	   /* LSR.OE, until the LSR is read */
	bool thr_ipending; /* the THRE interrupt's own latch */
	bool irq_level;	   /* what the line was last driven to */

	uint8_t rx[SERIAL_16550_FIFO_SIZE]; /* a ring: rx_count from rx_head */
	unsigned int rx_head, rx_count;

	uint64_t tx_bytes, rx_bytes, rx_overruns; /* for --stats */
};

void serial_16550_init(struct serial_16550 *s, struct irq_line *irq,
		       serial_output_fn output, void *opaque);
void serial_16550_destroy(struct serial_16550 *s);
void serial_16550_access(void *opaque, uint64_t offset, uint8_t *data,
			 uint32_t len, bool is_write);
size_t serial_16550_receive(struct serial_16550 *s, const uint8_t *buf,
			    size_t len);
size_t serial_16550_rx_room(struct serial_16550 *s);

#endif
