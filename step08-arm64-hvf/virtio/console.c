/*
 * console.c - virtio-console, one port: guest output to a callback, VMM
 * input into the guest's receive buffers.
 *
 * Runs: userspace (the VMM): transmit on the kicking vCPU thread, input
 * on the caller's thread, both under the device's lock.  Host unit tests
 * include this file.
 *
 * Spec: virtio 1.x, "Console Device": "Virtqueues" (receiveq(port0) is
 * queue 0, transmitq(port0) queue 1), "Device configuration layout",
 * "Device Operation" ("For output, a buffer containing the characters is
 * placed in the port's transmitq"; "When a buffer is used in the
 * receiveq ..., the contents is the input to the port").
 *
 * Decisions:
 * - Input never costs the guest a buffer it did not need: a receive
 *   chain is taken off the ring only when there is input to put in it.
 *   With no input the guest's buffers simply wait on the ring; nothing
 *   blocks.  Input that arrives with no buffer waits here, up to
 *   VIRTIO_CONSOLE_INPUT_MAX bytes; virtio_console_input() says how much
 *   it took, and never blocks.
 * - Transmit chains are used at once, with used length 0 (the device
 *   wrote nothing): Linux polls for them ("the current Linux
 *   implementation polls for the buffer to become used").
 * - "The driver MUST NOT put a device-readable buffer in a receiveq. The
 *   driver MUST NOT put a device-writable buffer in a transmitq."  If it
 *   does anyway, we ignore those buffers: a receive chain with no
 *   writable byte is used with length 0 (and counted), writable parts of
 *   a transmit chain are not read.
 * - Input waiting here survives a device reset: it is the user's typing,
 *   not device state, and reaches the driver once it is live again.
 */
#define _DEFAULT_SOURCE 1
#include <string.h>

#include <linux/virtio_ids.h>

#include "console.h"

/* Every readable buffer of every available chain goes to output(). */
static void console_transmit(struct virtio_console *con, struct virtq *q)
{
	struct virtq_chain *chain = &con->chain;

	while (!virtio_mmio_stopping(&con->mmio) && virtq_pop(q, chain) > 0) {
		for (unsigned int i = 0; i < chain->nr_readable; i++)
			con->output(con->opaque, chain->iov[i].iov_base,
				    chain->iov[i].iov_len);
		con->stats.tx_bytes += chain->readable_bytes;
		con->stats.tx_chains++;
		virtq_push(q, chain, 0);
	}
}

/* Move up to room pending bytes into the chain's writable part. */
static size_t input_to_chain(struct virtio_console *con,
			     const struct virtq_chain *chain)
{
	uint64_t room = chain->writable_bytes;
	size_t n = con->input_len < room ? con->input_len : (size_t)room;
	size_t first = VIRTIO_CONSOLE_INPUT_MAX - con->input_head;

	if (first > n)
		first = n;
	virtq_chain_write(chain, 0, con->input + con->input_head, first);
	virtq_chain_write(chain, first, con->input, n - first);
	con->input_head = (con->input_head + n) % VIRTIO_CONSOLE_INPUT_MAX;
	con->input_len -= n;
	return n;
}

/* Fill receive chains while there is input and the guest has buffers. */
static void console_deliver(struct virtio_console *con, struct virtq *q)
{
	struct virtq_chain *chain = &con->chain;
	size_t n;

	while (con->input_len > 0 && !virtio_mmio_stopping(&con->mmio) &&
	       virtq_pop(q, chain) > 0) {
		n = input_to_chain(con, chain);
		if (n == 0)
			con->stats.rx_unusable++;
		con->stats.rx_bytes += n;
		con->stats.rx_chains++;
		virtq_push(q, chain, (uint32_t)n);
	}
}

static void console_notify(void *dev, struct virtq *q, unsigned int index)
{
	struct virtio_console *con = dev;

	if (index == VIRTIO_CONSOLE_TRANSMITQ)
		console_transmit(con, q);
	else
		console_deliver(con, q); /* new receive buffers */
}

/* Live now: input that waited for the driver can go. */
static void console_driver_ok(void *dev, uint64_t features)
{
	struct virtio_console *con = dev;
	struct virtq *q =
		virtio_mmio_live_queue(&con->mmio, VIRTIO_CONSOLE_RECEIVEQ);

	(void)features;
	if (q)
		console_deliver(con, q);
}

static uint64_t console_features(void *dev)
{
	(void)dev;
	return 0;
}

/* cols, rows, max_nr_ports, emerg_wr: all 0, no feature makes them valid. */
static void console_config_read(void *dev, uint8_t *config)
{
	(void)dev;
	memset(config, 0, sizeof(struct virtio_console_config));
}

static void console_reset(void *dev)
{
	(void)dev; /* pending input stays: see the decisions above */
}

static const struct virtio_device_ops virtio_console_ops = {
	.name = "virtio-console",
	.device_id = VIRTIO_ID_CONSOLE,
	.num_queues = VIRTIO_CONSOLE_QUEUES,
	.queue_num_max = VIRTQ_SIZE_MAX,
	.config_size = sizeof(struct virtio_console_config),
	.features = console_features,
	.config_read = console_config_read,
	.driver_ok = console_driver_ok,
	.notify = console_notify,
	.reset = console_reset,
};

/* Append what fits of buf to the pending input; returns how much. */
static size_t input_store(struct virtio_console *con, const uint8_t *buf,
			  size_t len)
{
	size_t room = VIRTIO_CONSOLE_INPUT_MAX - con->input_len, n, tail;

	n = len < room ? len : room;
	for (size_t done = 0; done < n; done += tail) {
		size_t at = (con->input_head + con->input_len) %
			    VIRTIO_CONSOLE_INPUT_MAX;

		tail = VIRTIO_CONSOLE_INPUT_MAX - at;
		if (tail > n - done)
			tail = n - done;
		memcpy(con->input + at, buf + done, tail);
		con->input_len += tail;
	}
	return n;
}

/* book:begin console_input */
/*
 * Input from the VMM (its stdin, say), from any thread: hand it to the
 * guest's receive buffers, keeping what does not fit yet.  Returns how
 * many bytes were taken; the caller offers the rest again later (the
 * guest makes room by posting receive buffers).  Never blocks.
 */
size_t virtio_console_input(struct virtio_console *con, const void *buf,
			    size_t len)
{
	const uint8_t *p = buf;
	size_t taken = 0, n;
	struct virtq *q;

	virtio_mmio_lock(&con->mmio);
	do {
		n = input_store(con, p + taken, len - taken);
		taken += n;
		q = virtio_mmio_live_queue(&con->mmio, VIRTIO_CONSOLE_RECEIVEQ);
		if (q)
			console_deliver(con, q);
	} while (n > 0 && taken < len);
	virtio_mmio_unlock(&con->mmio);
	return taken;
}
/* book:end console_input */

/*
 * Set up a console whose output goes to output(opaque, ...).  Returns 0
 * or -errno (from the transport).
 */
int virtio_console_init(struct virtio_console *con,
			virtio_console_output_fn output, void *opaque,
			const struct guest_mem *mem, struct irq_line *irq)
{
	memset(con, 0, sizeof(*con));
	con->output = output;
	con->opaque = opaque;
	return virtio_mmio_init(&con->mmio, &virtio_console_ops, con, mem, irq);
}

void virtio_console_exit(struct virtio_console *con)
{
	virtio_mmio_exit(&con->mmio);
}
