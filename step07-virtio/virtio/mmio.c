/*
 * mmio.c - the virtio-mmio register file (version 2): what each register
 * does when the driver reads or writes it, and what the device refuses.
 *
 * Runs: userspace (the VMM), on a vCPU thread for each guest access to the
 * window (through the bus), or on another thread through
 * virtio_mmio_lock().  Host unit tests and the fuzzer include this file.
 *
 * Spec: virtio 1.x, "Virtio Over MMIO": "MMIO Device Register Layout" and
 * its device and driver requirements, "MMIO-specific Initialization And
 * Device Operation"; "Device Status Field", "Feature Bits", "Device
 * Configuration Space", "Device Reset", "Device Initialization",
 * "Reserved Feature Bits", "Notification of Device Configuration Changes".
 *
 * The rules this file enforces, each against the spec's wording:
 * - Control registers are 32 bits wide and aligned ("The driver MUST only
 *   use 32 bit wide and aligned reads and writes to access the control
 *   registers"); any other access, a read of a write-only register and a
 *   write of a read-only one do nothing (reads return 0) and are counted.
 * - The config space takes 8-, 16- and 32-bit accesses aligned to their
 *   width ("For the device-specific configuration space, the driver MUST
 *   use 8 bit wide accesses for 8 bit wide fields, 16 bit wide and aligned
 *   accesses for 16 bit wide fields and 32 bit wide and aligned accesses
 *   for 32 and 64 bit wide fields"), inside the device's config size;
 *   anything else reads 0 and writes nothing.  Our devices have no
 *   writable config field, so config writes are dropped.
 * - Status only grows until reset ("The driver MUST NOT clear a device
 *   status bit"): a write that would clear a bit is ignored.  Each bit
 *   needs the step before it ("Device Initialization"): DRIVER needs
 *   ACKNOWLEDGE, FEATURES_OK needs DRIVER and an acceptable feature set,
 *   DRIVER_OK needs FEATURES_OK; a bit written too early does not stick.
 *   DEVICE_NEEDS_RESET is the device's: the driver cannot set or clear it.
 * - FEATURES_OK sticks only if the driver accepted nothing we did not
 *   offer ("The driver MUST NOT accept a feature which the device did not
 *   offer") and accepted VIRTIO_F_VERSION_1 ("A device MAY fail to operate
 *   further if VIRTIO_F_VERSION_1 is not accepted"; "otherwise it MUST
 *   fail to set the FEATURES_OK device status bit").  DriverFeatures
 *   writes after FEATURES_OK are ignored ("The driver MUST NOT accept new
 *   feature bits after this step").
 * - Queue registers are written between FEATURES_OK and DRIVER_OK, while
 *   the selected queue is not ready ("Perform device-specific setup,
 *   including discovery of virtqueues" comes after FEATURES_OK; "When
 *   QueueReady is not zero, the driver MUST NOT access QueueSize,
 *   QueueDescLow, ..."); other writes are ignored.  Writing 0 to
 *   QueueReady is always allowed ("To stop using the queue the driver
 *   MUST write zero (0x0) to this QueueReady").
 * - QueueReady = 1 checks the queue's configuration (virtq_enable); if it
 *   is bad the queue stays not ready and the device sets
 *   DEVICE_NEEDS_RESET ("The device SHOULD set DEVICE_NEEDS_RESET when it
 *   enters an error state that a reset is needed").  So does a queue the
 *   driver breaks later; then, DRIVER_OK being set, we also send a
 *   configuration change notification ("If DRIVER_OK is set, after it
 *   sets DEVICE_NEEDS_RESET, the device MUST send a device configuration
 *   change notification to the driver").  A device needing reset serves
 *   no queue until the driver resets it.
 * - QueueNotify before DRIVER_OK, for a queue that does not exist or is
 *   not ready, is dropped ("The device MUST NOT consume buffers or send
 *   any used buffer notifications to the driver before DRIVER_OK"; "The
 *   driver MUST NOT send any buffer available notifications to the
 *   device before setting DRIVER_OK").
 */
#define _DEFAULT_SOURCE 1
#include <endian.h>
#include <errno.h>
#include <string.h>

#include <linux/virtio_config.h>

#include "mmio.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The status bits a driver may set. */
#define STATUS_DRIVER_BITS                                                     \
	(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |                \
	 VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK |             \
	 VIRTIO_CONFIG_S_FAILED)

/* Each step of "Device Initialization" needs the one before it. */
static const struct {
	uint32_t bit;
	uint32_t needs;
} status_order[] = {
	{ VIRTIO_CONFIG_S_DRIVER, VIRTIO_CONFIG_S_ACKNOWLEDGE },
	{ VIRTIO_CONFIG_S_FEATURES_OK, VIRTIO_CONFIG_S_DRIVER },
	{ VIRTIO_CONFIG_S_DRIVER_OK, VIRTIO_CONFIG_S_FEATURES_OK },
};

#define FEATURE_WORD_BITS 32
#define FEATURE_WORDS	  2 /* DeviceFeaturesSel 0 and 1: bits 0-63 */
#define LOW_32		  0x00000000ffffffffULL

/* What we offer: the device's bits, the queue layer's, and VERSION_1. */
static uint64_t offered_features(const struct virtio_mmio *t)
{
	return t->ops->features(t->dev) | VIRTQ_FEATURES |
	       (1ULL << VIRTIO_F_VERSION_1);
}

static struct virtq *selected_queue(struct virtio_mmio *t)
{
	if (t->queue_sel >= t->ops->num_queues)
		return NULL;
	return &t->queues[t->queue_sel];
}

static bool device_live(const struct virtio_mmio *t)
{
	return (t->status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	       !(t->status & VIRTIO_CONFIG_S_NEEDS_RESET);
}

/* The line is high while InterruptStatus is not zero (irq.h). */
static void update_line(struct virtio_mmio *t)
{
	bool level = t->interrupt_status != 0;

	if (level != t->line_level) {
		t->line_level = level;
		irq_set_level(t->irq, level);
	}
}

static void set_needs_reset(struct virtio_mmio *t, enum virtq_error why)
{
	if (t->status & VIRTIO_CONFIG_S_NEEDS_RESET)
		return;
	t->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	t->error = why;
	if (t->status & VIRTIO_CONFIG_S_DRIVER_OK)
		t->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
}

/*
 * After anything that may have run the device: a broken queue becomes
 * DEVICE_NEEDS_RESET, pushes the driver wants to hear about become a used
 * buffer notification, and the line follows InterruptStatus.
 */
static void finish_work(struct virtio_mmio *t)
{
	for (unsigned int i = 0; i < t->ops->num_queues; i++) {
		struct virtq *q = &t->queues[i];

		if (q->error != VIRTQ_OK)
			set_needs_reset(t, q->error);
		if (virtq_should_signal(q))
			t->interrupt_status |= VIRTIO_MMIO_INT_VRING;
	}
	update_line(t);
}

/* "Device Reset": status 0, no queue, no interrupt, nothing negotiated. */
static void device_reset(struct virtio_mmio *t)
{
	t->status = 0;
	t->device_features_sel = 0;
	t->driver_features_sel = 0;
	t->driver_features = 0;
	t->queue_sel = 0;
	t->interrupt_status = 0;
	t->error = VIRTQ_OK;
	for (unsigned int i = 0; i < t->ops->num_queues; i++)
		virtq_init(&t->queues[i], t->ops->queue_num_max);
	t->ops->reset(t->dev);
}

static bool features_acceptable(const struct virtio_mmio *t)
{
	return !(t->driver_features & ~offered_features(t)) &&
	       (t->driver_features & (1ULL << VIRTIO_F_VERSION_1));
}

/* Drop each newly set bit whose step before it is missing. */
static uint32_t accept_status_bits(const struct virtio_mmio *t, uint32_t was,
				   uint32_t now)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(status_order); i++) {
		uint32_t bit = status_order[i].bit;

		if (!(now & ~was & bit))
			continue;
		if (!(now & status_order[i].needs) ||
		    (bit == VIRTIO_CONFIG_S_FEATURES_OK &&
		     !features_acceptable(t)))
			now &= ~bit;
	}
	return now;
}

/* book:begin write_status */
static void write_status(struct virtio_mmio *t, uint32_t val)
{
	uint32_t was = t->status & STATUS_DRIVER_BITS;
	uint32_t now = val & STATUS_DRIVER_BITS;

	if (val == 0) {
		device_reset(t);
		return;
	}
	if (was & ~now) {
		t->stats.ignored_writes++; /* a driver never clears a bit */
		return;
	}
	now = accept_status_bits(t, was, now);
	t->status = now | (t->status & VIRTIO_CONFIG_S_NEEDS_RESET);
	if (now & ~was & VIRTIO_CONFIG_S_DRIVER_OK)
		t->ops->driver_ok(t->dev, t->driver_features);
}
/* book:end write_status */

static void write_driver_features(struct virtio_mmio *t, uint32_t val)
{
	unsigned int shift;

	if ((t->status & VIRTIO_CONFIG_S_FEATURES_OK) ||
	    t->driver_features_sel >= FEATURE_WORDS) {
		t->stats.ignored_writes++;
		return;
	}
	shift = FEATURE_WORD_BITS * t->driver_features_sel;
	t->driver_features &= ~(LOW_32 << shift);
	t->driver_features |= (uint64_t)val << shift;
}

static void set_half(uint64_t *addr, uint32_t val, bool high)
{
	if (high)
		*addr = (*addr & LOW_32) | (uint64_t)val << FEATURE_WORD_BITS;
	else
		*addr = (*addr & ~LOW_32) | val;
}

static bool queue_setup_window(const struct virtio_mmio *t)
{
	return (t->status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	       !(t->status & VIRTIO_CONFIG_S_DRIVER_OK);
}

/* QueueNum, QueueDesc/Driver/Device Low/High, QueueReady. */
static void write_queue_reg(struct virtio_mmio *t, uint32_t offset,
			    uint32_t val)
{
	struct virtq *q = selected_queue(t);

	if (q && offset == VIRTIO_MMIO_QUEUE_READY && val == 0) {
		q->ready = false;
		return;
	}
	if (!q || q->ready || !queue_setup_window(t)) {
		t->stats.ignored_writes++;
		return;
	}
	switch (offset) {
	case VIRTIO_MMIO_QUEUE_NUM:
		q->num = val;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_half(&q->desc_gpa, val,
			 offset == VIRTIO_MMIO_QUEUE_DESC_HIGH);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		set_half(&q->avail_gpa, val,
			 offset == VIRTIO_MMIO_QUEUE_AVAIL_HIGH);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		set_half(&q->used_gpa, val,
			 offset == VIRTIO_MMIO_QUEUE_USED_HIGH);
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		virtq_enable(q, t->mem, t->driver_features);
		break;
	}
}

static void notify_locked(struct virtio_mmio *t, uint32_t index)
{
	struct virtq *q = virtio_mmio_live_queue(t, index);

	if (!q) {
		t->stats.dropped_notifies++;
		return;
	}
	t->ops->notify(t->dev, q, index);
}

static void write_reg(struct virtio_mmio *t, uint32_t offset, uint32_t val)
{
	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		t->device_features_sel = val;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		t->driver_features_sel = val;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		write_driver_features(t, val);
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		t->queue_sel = val;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_READY:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		write_queue_reg(t, offset, val);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		notify_locked(t, val);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		t->interrupt_status &= ~val;
		break;
	case VIRTIO_MMIO_STATUS:
		write_status(t, val);
		break;
	default: /* read-only, legacy-only or no register */
		t->stats.bad_accesses++;
	}
}

static uint32_t feature_word(const struct virtio_mmio *t)
{
	if (t->device_features_sel >= FEATURE_WORDS)
		return 0;
	return (uint32_t)(offered_features(t) >>
			  (FEATURE_WORD_BITS * t->device_features_sel));
}

static uint32_t read_reg(struct virtio_mmio *t, uint32_t offset)
{
	struct virtq *q = selected_queue(t);

	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_VERSION_MODERN;
	case VIRTIO_MMIO_DEVICE_ID:
		return t->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return feature_word(t);
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q ? q->num_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return q ? q->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return t->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return t->status;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return t->config_generation;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		return UINT32_MAX; /* no such region: length and base are -1 */
	default:		   /* write-only, legacy-only or no register */
		t->stats.bad_accesses++;
		return 0;
	}
}

/* Config space: width 1, 2 or 4, aligned to it, inside config_size. */
static void config_access(struct virtio_mmio *t, uint64_t offset, uint8_t *data,
			  uint32_t len, bool is_write)
{
	uint8_t config[VIRTIO_MMIO_CONFIG_MAX];
	bool width_ok = len == 1 || len == 2 || len == 4;

	if (!width_ok || offset % len != 0 ||
	    !gpa_range_ok(offset, len, t->ops->config_size)) {
		t->stats.bad_accesses++;
		if (!is_write)
			memset(data, 0, len);
		return;
	}
	if (is_write) {
		t->stats.ignored_writes++; /* no writable config field */
		return;
	}
	t->ops->config_read(t->dev, config);
	memcpy(data, config + offset, len);
}

/* book:begin access */
void virtio_mmio_access(void *opaque, uint64_t offset, uint8_t *data,
			uint32_t len, bool is_write)
{
	struct virtio_mmio *t = opaque;
	uint32_t val;

	pthread_mutex_lock(&t->lock);
	if (offset >= VIRTIO_MMIO_CONFIG) {
		config_access(t, offset - VIRTIO_MMIO_CONFIG, data, len,
			      is_write);
	} else if (len != sizeof(val) || offset % sizeof(val) != 0) {
		t->stats.bad_accesses++;
		if (!is_write)
			memset(data, 0, len);
	} else if (is_write) {
		memcpy(&val, data, sizeof(val));
		write_reg(t, (uint32_t)offset, le32toh(val));
	} else {
		val = htole32(read_reg(t, (uint32_t)offset));
		memcpy(data, &val, sizeof(val));
	}
	finish_work(t);
	pthread_mutex_unlock(&t->lock);
}
/* book:end access */

void virtio_mmio_notify(struct virtio_mmio *t, uint32_t index)
{
	pthread_mutex_lock(&t->lock);
	notify_locked(t, index);
	finish_work(t);
	pthread_mutex_unlock(&t->lock);
}

void virtio_mmio_lock(struct virtio_mmio *t)
{
	pthread_mutex_lock(&t->lock);
}

/* book:begin live_queue */
struct virtq *virtio_mmio_live_queue(struct virtio_mmio *t, uint32_t index)
{
	struct virtq *q;

	if (index >= t->ops->num_queues || !device_live(t))
		return NULL;
	q = &t->queues[index];
	return q->ready && q->error == VIRTQ_OK ? q : NULL;
}
/* book:end live_queue */

void virtio_mmio_unlock(struct virtio_mmio *t)
{
	finish_work(t);
	pthread_mutex_unlock(&t->lock);
}

/*
 * Set up the transport of one device, in the state after reset.  Returns
 * 0, or -EINVAL if the device asks for more than the transport holds, or
 * the error of pthread_mutex_init.  The line starts (and stays) low.
 */
int virtio_mmio_init(struct virtio_mmio *t, const struct virtio_device_ops *ops,
		     void *dev, const struct guest_mem *mem,
		     struct irq_line *irq)
{
	int err;

	if (ops->num_queues > VIRTIO_MMIO_QUEUES_MAX ||
	    ops->queue_num_max > VIRTQ_SIZE_MAX ||
	    ops->config_size > VIRTIO_MMIO_CONFIG_MAX)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	err = pthread_mutex_init(&t->lock, NULL);
	if (err)
		return -err;
	t->ops = ops;
	t->dev = dev;
	t->mem = mem;
	t->irq = irq;
	for (unsigned int i = 0; i < ops->num_queues; i++)
		virtq_init(&t->queues[i], ops->queue_num_max);
	return 0;
}

void virtio_mmio_exit(struct virtio_mmio *t)
{
	pthread_mutex_destroy(&t->lock);
}
