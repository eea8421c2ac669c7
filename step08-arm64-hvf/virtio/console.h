/*
 * console.h - virtio-console with one port: the guest's hvc0.
 *
 * Runs: userspace (the VMM).  Output is served on the vCPU thread that
 * kicks the transmit queue; input comes from any thread (the VMM's stdin
 * reader) through virtio_console_input().  Both hold the device's lock
 * (virtio/mmio.h, "Locking") while they touch the queues.
 *
 * Spec: virtio 1.x, "Console Device" ("Virtqueues", "Feature bits",
 * "Device configuration layout", "Device Operation").  We offer no
 * feature: no VIRTIO_CONSOLE_F_SIZE, no VIRTIO_CONSOLE_F_MULTIPORT (so no
 * control queues), no VIRTIO_CONSOLE_F_EMERG_WRITE.
 *
 * The VMM creates one and registers con->mmio on its MMIO bus:
 *
 *	err = virtio_console_init(&con, write_to_stdout, NULL, &mem, &irq);
 *	bus_register(&mmio_bus, base, VIRTIO_MMIO_SIZE, virtio_mmio_access,
 *		     &con.mmio, "virtio-console");
 *	... and on its input thread:
 *	taken = virtio_console_input(&con, buf, n);   (retry the rest later)
 */
#ifndef VIRTIO_CONSOLE_H
#define VIRTIO_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_console.h>

#include "mmio.h"

/* Port 0's queues ("Console Device", "Virtqueues"). */
#define VIRTIO_CONSOLE_RECEIVEQ	 0 /* device to driver: the guest's input */
#define VIRTIO_CONSOLE_TRANSMITQ 1 /* driver to device: the guest's output */
#define VIRTIO_CONSOLE_QUEUES	 2

/* Input waiting for the guest's receive buffers, at most this much. */
#define VIRTIO_CONSOLE_INPUT_MAX 4096

/*
 * Where guest output goes.  Called with the device's lock held, on the
 * vCPU thread that kicked the queue; buf points into guest memory.
 */
typedef void (*virtio_console_output_fn)(void *opaque, const uint8_t *buf,
					 size_t len);

struct virtio_console_stats {
	uint64_t tx_bytes;    /* guest output passed to output() */
	uint64_t tx_chains;   /* transmit chains used */
	uint64_t rx_bytes;    /* input placed in receive buffers */
	uint64_t rx_chains;   /* receive chains used */
	uint64_t rx_unusable; /* receive chains without a writable byte */
};

struct virtio_console {
	struct virtio_mmio mmio; /* the transport: put it on the bus */
	virtio_console_output_fn output;
	void *opaque;
	uint8_t input[VIRTIO_CONSOLE_INPUT_MAX]; /* a ring of pending input */
	size_t input_head;			 /* its oldest byte */
	size_t input_len;
	struct virtq_chain chain; /* the chain being served */
	struct virtio_console_stats stats;
};

int virtio_console_init(struct virtio_console *con,
			virtio_console_output_fn output, void *opaque,
			const struct guest_mem *mem, struct irq_line *irq);
void virtio_console_exit(struct virtio_console *con);
size_t virtio_console_input(struct virtio_console *con, const void *buf,
			    size_t len);

#endif
