/*
 * test_virtio_mmio.c - unit tests of the virtio-mmio transport with a test
 * device behind it: the identity registers, feature negotiation, the
 * status rules, which queue register writes are refused when, what a bad
 * queue configuration costs, notifications, interrupts and the line, the
 * config space's bounds and widths, and reset.
 *
 * Runs: on the host, no KVM (Check).  Includes the units under test.
 * Spec: virtio 1.x, "Virtio Over MMIO", "Device Status Field", "Feature
 * Bits", "Device Configuration Space", "Device Reset", "Device
 * Initialization".
 */
#include <check.h>

#include "run_suite.h"

#include "guest_mem.c"
#include "virtio/mmio.c"
#include "virtio/queue.c"

#include <linux/virtio_ids.h>

#include "vdriver.h"

#define RAM	       0x40000ULL
#define TDEV_QUEUES    2
#define TDEV_NUM_MAX   16
#define TDEV_CONFIG    8
#define TDEV_FEATURE   3 /* offered */
#define TDEV_UNOFFERED 5
#define F_VERSION_1    (1ULL << VIRTIO_F_VERSION_1)
#define F_TDEV	       (1ULL << TDEV_FEATURE)
#define S_ACK	       VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRIVER       VIRTIO_CONFIG_S_DRIVER
#define S_FEATURES_OK  VIRTIO_CONFIG_S_FEATURES_OK
#define S_DRIVER_OK    VIRTIO_CONFIG_S_DRIVER_OK
#define S_NEEDS_RESET  VIRTIO_CONFIG_S_NEEDS_RESET
#define S_LIVE	       (S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK)
#define CONFIG(off)    (VIRTIO_MMIO_CONFIG + (off))

/* The test device: records what the transport asks of it. */
enum tdev_action { TDEV_NOTHING, TDEV_USE_ALL, TDEV_BREAK };

static struct tdev {
	unsigned int notifies[TDEV_QUEUES];
	unsigned int driver_oks, resets;
	uint64_t ok_features;
	enum tdev_action action;
	struct virtq_chain chain;
} td;

static const uint8_t tdev_config[TDEV_CONFIG] = { 0x11, 0x22, 0x33, 0x44,
						  0x55, 0x66, 0x77, 0x88 };

static uint64_t tdev_features(void *dev)
{
	(void)dev;
	return F_TDEV;
}

static void tdev_config_read(void *dev, uint8_t *config)
{
	(void)dev;
	memcpy(config, tdev_config, TDEV_CONFIG);
}

static void tdev_driver_ok(void *dev, uint64_t features)
{
	struct tdev *d = dev;

	d->driver_oks++;
	d->ok_features = features;
}

static void tdev_notify(void *dev, struct virtq *q, unsigned int index)
{
	struct tdev *d = dev;

	d->notifies[index]++;
	if (d->action == TDEV_BREAK)
		virtq_set_broken(q, VIRTQ_ERR_FRAMING);
	while (d->action == TDEV_USE_ALL && virtq_pop(q, &d->chain) > 0)
		virtq_push(q, &d->chain, 0);
}

static void tdev_reset(void *dev)
{
	struct tdev *d = dev;

	d->resets++;
}

static const struct virtio_device_ops tdev_ops = {
	.name = "test",
	.device_id = VIRTIO_ID_RNG,
	.num_queues = TDEV_QUEUES,
	.queue_num_max = TDEV_NUM_MAX,
	.config_size = TDEV_CONFIG,
	.features = tdev_features,
	.config_read = tdev_config_read,
	.driver_ok = tdev_driver_ok,
	.notify = tdev_notify,
	.reset = tdev_reset,
};

static struct vdev vd;
static struct virtio_mmio t;

static void setup(void)
{
	memset(&td, 0, sizeof(td));
	vd_init(&vd, RAM);
	ck_assert_int_eq(
		virtio_mmio_init(&t, &tdev_ops, &td, &vd.ram.mem, &vd.irq), 0);
	vd.t = &t;
}

static void teardown(void)
{
	virtio_mmio_exit(&t);
	vd_ram_free(&vd.ram);
}

/* Put one chain on queue index, for the device to use. */
static void offer_one(uint32_t index)
{
	struct vd_ring *g = &vd.rings[index];
	const struct vd_buf buf = { vd_alloc(&vd.ram, 8), 8,
				    VRING_DESC_F_WRITE };

	vd_make_available(g, vd_add_chain(g, &buf, 1));
}

START_TEST(identity_registers)
{
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_VERSION), 2);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_RNG);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_VENDOR_ID), 0x6f637668);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_STATUS), 0);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_CONFIG_GENERATION), 0);
	ck_assert_uint_eq(t.stats.bad_accesses, 0);
}
END_TEST

/* DeviceFeaturesSel 0 and 1 give bits 0-31 and 32-63; others read 0. */
START_TEST(device_features_by_word)
{
	vd_w32(&vd, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_DEVICE_FEATURES),
			  F_TDEV | (1u << VIRTIO_RING_F_INDIRECT_DESC) |
				  (1u << VIRTIO_RING_F_EVENT_IDX));
	vd_w32(&vd, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_DEVICE_FEATURES),
			  1u << (VIRTIO_F_VERSION_1 - 32));
	vd_w32(&vd, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_DEVICE_FEATURES), 0);
	vd_w32(&vd, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0xffffffff);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_DEVICE_FEATURES), 0);
}
END_TEST

START_TEST(features_ok_with_version_1)
{
	ck_assert_uint_eq(vd_negotiate(&vd, F_VERSION_1 | F_TDEV),
			  S_ACK | S_DRIVER | S_FEATURES_OK);
	ck_assert_uint_eq(t.driver_features, F_VERSION_1 | F_TDEV);
}
END_TEST

/* "A device MAY fail to operate further if VIRTIO_F_VERSION_1 is not
 * accepted": FEATURES_OK does not stick, so neither does DRIVER_OK. */
START_TEST(driver_without_version_1_is_refused)
{
	ck_assert_uint_eq(vd_negotiate(&vd, F_TDEV), S_ACK | S_DRIVER);
	vd_add_status(&vd, S_FEATURES_OK | S_DRIVER_OK);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_STATUS), S_ACK | S_DRIVER);
	ck_assert_uint_eq(td.driver_oks, 0);
	vd_kick(&vd, 0);
	ck_assert_uint_eq(td.notifies[0], 0);
	ck_assert_uint_eq(t.stats.dropped_notifies, 1);
}
END_TEST

START_TEST(driver_accepting_an_unoffered_feature_is_refused)
{
	ck_assert_uint_eq(
		vd_negotiate(&vd, F_VERSION_1 | (1ULL << TDEV_UNOFFERED)),
		S_ACK | S_DRIVER);
	ck_assert_uint_eq(vd_negotiate(&vd, F_VERSION_1 | (1ULL << 63)),
			  S_ACK | S_DRIVER);
}
END_TEST

/* "The driver MUST NOT accept new feature bits after" FEATURES_OK. */
START_TEST(driver_features_frozen_after_features_ok)
{
	vd_negotiate(&vd, F_VERSION_1);
	vd_w32(&vd, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	vd_w32(&vd, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)F_TDEV);
	ck_assert_uint_eq(t.driver_features, F_VERSION_1);
	ck_assert_uint_eq(t.stats.ignored_writes, 1);
}
END_TEST

START_TEST(driver_features_sel_beyond_64_bits_ignored)
{
	vd_w32(&vd, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 2);
	vd_w32(&vd, VIRTIO_MMIO_DRIVER_FEATURES, 0xffffffff);
	ck_assert_uint_eq(t.driver_features, 0);
	ck_assert_uint_eq(t.stats.ignored_writes, 1);
}
END_TEST

/* Each status bit needs the step before it; early bits do not stick. */
START_TEST(status_bits_need_the_step_before)
{
	vd_w32(&vd, VIRTIO_MMIO_STATUS, S_DRIVER);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_STATUS), 0);
	vd_w32(&vd, VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER_OK);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_STATUS), S_ACK);
	vd_w32(&vd, VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_STATUS), S_ACK | S_DRIVER);
	ck_assert_uint_eq(td.driver_oks, 0);
	ck_assert_uint_eq(td.resets, 0); /* none of these was a reset */
}
END_TEST

/* "The driver MUST NOT clear a device status bit." */
START_TEST(status_bits_cannot_be_cleared)
{
	vd_bring_up(&vd, F_VERSION_1, TDEV_QUEUES, 8);
	vd_w32(&vd, VIRTIO_MMIO_STATUS, S_ACK | S_DRIVER);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_STATUS), S_LIVE);
	ck_assert_uint_eq(t.stats.ignored_writes, 1);
	ck_assert_uint_eq(td.driver_oks, 1);
	ck_assert_uint_eq(td.ok_features, F_VERSION_1);
	vd_add_status(&vd, VIRTIO_CONFIG_S_FAILED); /* adding is fine */
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_STATUS),
			  S_LIVE | VIRTIO_CONFIG_S_FAILED);
}
END_TEST

/* Queue registers before FEATURES_OK: nothing configured. */
START_TEST(queue_registers_before_features_ok_ignored)
{
	vd_w32(&vd, VIRTIO_MMIO_STATUS, S_ACK);
	vd_add_status(&vd, S_DRIVER);
	vd_ring_init(&vd.rings[0], &vd.ram, 8, VD_RING_BASE);
	vd_queue_regs(&vd, 0, 8, 0x1000, 0x2000, 0x3000);
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_READY, 1);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_QUEUE_READY), 0);
	ck_assert_uint_eq(t.queues[0].num, 0);
	ck_assert_uint_eq(t.queues[0].desc_gpa, 0);
	ck_assert_uint_eq(t.queues[0].used_gpa, 0);
	ck_assert_uint_eq(t.stats.ignored_writes, 8); /* 7 + QueueReady */
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_STATUS), S_ACK | S_DRIVER);
}
END_TEST

/* After DRIVER_OK a live queue cannot be moved under the device. */
START_TEST(queue_registers_after_driver_ok_ignored)
{
	vd_bring_up(&vd, F_VERSION_1, TDEV_QUEUES, 8);
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_SEL, 1);
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x8000);
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_NUM, 4);
	ck_assert_uint_eq(t.queues[1].desc_gpa, vd.rings[1].desc);
	ck_assert_uint_eq(t.queues[1].num, 8);
	ck_assert_uint_eq(t.stats.ignored_writes, 2);
}
END_TEST

/* "When QueueReady is not zero, the driver MUST NOT access QueueSize,
 * QueueDescLow, ...": ignored even inside the setup window. */
START_TEST(queue_registers_of_a_ready_queue_ignored)
{
	vd_negotiate(&vd, F_VERSION_1);
	ck_assert_uint_eq(vd_setup_queue(&vd, 0, 8), 1);
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_NUM, 16);
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_USED_HIGH, 1);
	ck_assert_uint_eq(t.queues[0].num, 8);
	ck_assert_uint_eq(t.queues[0].used_gpa, vd.rings[0].used);
	ck_assert_uint_eq(t.stats.ignored_writes, 2);
}
END_TEST

/* "To stop using the queue the driver MUST write zero": always allowed. */
START_TEST(queue_ready_zero_stops_a_live_queue)
{
	vd_bring_up(&vd, F_VERSION_1, TDEV_QUEUES, 8);
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_SEL, 1);
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_READY, 0);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_QUEUE_READY), 0);
	vd_kick(&vd, 1);
	vd_kick(&vd, 0);
	ck_assert_uint_eq(td.notifies[1], 0);
	ck_assert_uint_eq(td.notifies[0], 1);
	ck_assert_uint_eq(t.stats.dropped_notifies, 1);
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_READY,
	       1); /* not again: after DRIVER_OK */
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_QUEUE_READY), 0);
}
END_TEST

START_TEST(queue_sel_beyond_the_queues)
{
	vd_negotiate(&vd, F_VERSION_1);
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_SEL, TDEV_QUEUES);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_NUM, 8);
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_READY, 1);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_QUEUE_READY), 0);
	ck_assert_uint_eq(t.stats.ignored_writes, 2);
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_SEL, 0);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_QUEUE_NUM_MAX), TDEV_NUM_MAX);
}
END_TEST

/* A queue that cannot be enabled: not ready, DEVICE_NEEDS_RESET, and
 * (DRIVER_OK not being set yet) no configuration interrupt. */
static void check_bad_queue(uint32_t num, uint64_t desc, uint64_t avail,
			    uint64_t used, enum virtq_error why)
{
	vd_negotiate(&vd, F_VERSION_1);
	vd_queue_regs(&vd, 0, num, desc, avail, used);
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_READY, 1);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_QUEUE_READY), 0);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_STATUS),
			  S_ACK | S_DRIVER | S_FEATURES_OK | S_NEEDS_RESET);
	ck_assert_int_eq(t.error, why);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	ck_assert_uint_eq(vd.raises, 0);
	vd_add_status(&vd, S_DRIVER_OK); /* live, yet it serves nothing */
	vd_kick(&vd, 0);
	ck_assert_uint_eq(td.notifies[0], 0);
	ck_assert_ptr_null(virtio_mmio_live_queue(&t, 1));
}

START_TEST(queue_size_not_a_power_of_two)
{
	check_bad_queue(12, 0x1000, 0x2000, 0x3000, VIRTQ_ERR_SIZE);
}
END_TEST

START_TEST(queue_size_above_queue_num_max)
{
	check_bad_queue(TDEV_NUM_MAX * 2, 0x1000, 0x2000, 0x3000,
			VIRTQ_ERR_SIZE);
}
END_TEST

START_TEST(queue_misaligned)
{
	check_bad_queue(8, 0x1008, 0x2000, 0x3000, VIRTQ_ERR_ALIGN);
}
END_TEST

START_TEST(queue_outside_ram)
{
	check_bad_queue(8, 0x1000, 0x2000, 0x100000000ULL,
			VIRTQ_ERR_RING_RANGE);
	ck_assert_uint_eq(t.queues[0].used_gpa, 0x100000000ULL); /* High */
}
END_TEST

/* "The driver MUST NOT send any buffer available notifications to the
 * device before setting DRIVER_OK": the device does not look. */
START_TEST(notify_before_driver_ok_dropped)
{
	vd_negotiate(&vd, F_VERSION_1);
	ck_assert_uint_eq(vd_setup_queue(&vd, 0, 8), 1);
	td.action = TDEV_USE_ALL;
	offer_one(0);
	vd_kick(&vd, 0);
	ck_assert_uint_eq(td.notifies[0], 0);
	ck_assert_uint_eq(vd_used_idx(&vd.rings[0]), 0);
	ck_assert_uint_eq(t.stats.dropped_notifies, 1);
	ck_assert_uint_eq(vd.raises, 0);
}
END_TEST

START_TEST(notify_of_a_queue_that_does_not_exist)
{
	vd_bring_up(&vd, F_VERSION_1, TDEV_QUEUES, 8);
	vd_kick(&vd, TDEV_QUEUES);
	vd_kick(&vd, 0x10000); /* not even a 16-bit index */
	ck_assert_uint_eq(td.notifies[0] + td.notifies[1], 0);
	ck_assert_uint_eq(t.stats.dropped_notifies, 2);
}
END_TEST

START_TEST(used_buffers_raise_the_line_until_acknowledged)
{
	vd_bring_up(&vd, F_VERSION_1, TDEV_QUEUES, 8);
	td.action = TDEV_USE_ALL;
	offer_one(1);
	offer_one(1);
	vd_kick(&vd, 1);
	ck_assert_uint_eq(td.notifies[1], 1);
	ck_assert_uint_eq(vd_used_idx(&vd.rings[1]), 2);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_INTERRUPT_STATUS),
			  VIRTIO_MMIO_INT_VRING);
	ck_assert(vd.level);
	ck_assert_uint_eq(vd.raises, 1);
	vd_w32(&vd, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
	ck_assert(vd.level); /* acknowledging another bit changes nothing */
	vd_w32(&vd, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	ck_assert(!vd.level);
	ck_assert_uint_eq(vd.lowers, 1);
	vd_kick(&vd, 1); /* nothing new used: no interrupt */
	ck_assert(!vd.level);
}
END_TEST

/* "If DRIVER_OK is set, after it sets DEVICE_NEEDS_RESET, the device MUST
 * send a device configuration change notification to the driver." */
START_TEST(broken_queue_needs_reset_and_a_config_interrupt)
{
	vd_bring_up(&vd, F_VERSION_1, TDEV_QUEUES, 8);
	td.action = TDEV_BREAK;
	vd_kick(&vd, 0);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_STATUS),
			  S_LIVE | S_NEEDS_RESET);
	ck_assert_int_eq(t.error, VIRTQ_ERR_FRAMING);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_INTERRUPT_STATUS),
			  VIRTIO_MMIO_INT_CONFIG);
	ck_assert(vd.level);
	td.action = TDEV_USE_ALL; /* a device needing reset serves nothing */
	vd_kick(&vd, 1);
	ck_assert_uint_eq(td.notifies[1], 0);
	ck_assert_ptr_null(virtio_mmio_live_queue(&t, 1));
	/* The driver cannot clear the bit, only reset the device. */
	vd_w32(&vd, VIRTIO_MMIO_STATUS, S_LIVE);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_STATUS),
			  S_LIVE | S_NEEDS_RESET);
	vd_bring_up(&vd, F_VERSION_1, TDEV_QUEUES, 8);
	ck_assert(!vd.level);
	offer_one(1);
	vd_kick(&vd, 1);
	ck_assert_uint_eq(td.notifies[1], 1);
}
END_TEST

START_TEST(driver_cannot_set_needs_reset)
{
	vd_w32(&vd, VIRTIO_MMIO_STATUS, S_ACK | S_NEEDS_RESET);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_STATUS), S_ACK);
}
END_TEST

/* "Upon reset, the device MUST clear all bits in InterruptStatus and
 * ready bits in the QueueReady register for all queues". */
START_TEST(reset_returns_to_the_initial_state)
{
	vd_bring_up(&vd, F_VERSION_1 | F_TDEV, TDEV_QUEUES, 8);
	td.action = TDEV_USE_ALL;
	offer_one(0);
	vd_kick(&vd, 0);
	ck_assert(vd.level);
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_SEL, 1);
	vd_w32(&vd, VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_STATUS), 0);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	ck_assert(!vd.level);
	ck_assert_uint_eq(td.resets, 2); /* vd_bring_up's, and this one */
	ck_assert_uint_eq(t.driver_features, 0);
	ck_assert_uint_eq(t.queue_sel, 0);
	for (unsigned int i = 0; i < TDEV_QUEUES; i++) {
		vd_w32(&vd, VIRTIO_MMIO_QUEUE_SEL, i);
		ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_QUEUE_READY), 0);
		ck_assert_uint_eq(t.queues[i].num, 0);
		ck_assert_uint_eq(t.queues[i].num_max, TDEV_NUM_MAX);
	}
	vd_kick(&vd, 0);
	ck_assert_uint_eq(td.notifies[0], 1); /* only the one before reset */
}
END_TEST

START_TEST(config_reads_of_each_width)
{
	ck_assert_uint_eq(vd_read(&vd, CONFIG(0), 1), 0x11);
	ck_assert_uint_eq(vd_read(&vd, CONFIG(7), 1), 0x88);
	ck_assert_uint_eq(vd_read(&vd, CONFIG(2), 2), 0x4433);
	ck_assert_uint_eq(vd_read(&vd, CONFIG(4), 4), 0x88776655);
	ck_assert_uint_eq(t.stats.bad_accesses, 0);
}
END_TEST

START_TEST(config_reads_out_of_range)
{
	ck_assert_uint_eq(vd_read(&vd, CONFIG(TDEV_CONFIG), 1), 0);
	ck_assert_uint_eq(vd_read(&vd, CONFIG(6), 4), 0); /* straddles */
	ck_assert_uint_eq(vd_read(&vd, VIRTIO_MMIO_SIZE - 4, 4), 0);
	ck_assert_uint_eq(vd_read(&vd, 0xffffffffffffff00ULL, 4), 0);
	ck_assert_uint_eq(t.stats.bad_accesses, 4);
}
END_TEST

/* Widths 1, 2 and 4 only, each aligned to itself. */
START_TEST(config_reads_of_odd_widths)
{
	ck_assert_uint_eq(vd_read(&vd, CONFIG(0), 3), 0);
	ck_assert_uint_eq(vd_read(&vd, CONFIG(0), 8), 0);
	ck_assert_uint_eq(vd_read(&vd, CONFIG(1), 2), 0);
	ck_assert_uint_eq(vd_read(&vd, CONFIG(2), 4), 0);
	ck_assert_uint_eq(vd_read(&vd, CONFIG(0), 0), 0);
	ck_assert_uint_eq(t.stats.bad_accesses, 5);
}
END_TEST

START_TEST(config_writes_dropped)
{
	vd_write(&vd, CONFIG(0), 4, 0xdeadbeef);
	vd_write(&vd, CONFIG(1), 4, 0xdeadbeef);
	ck_assert_uint_eq(vd_read(&vd, CONFIG(0), 4), 0x44332211);
	ck_assert_uint_eq(t.stats.ignored_writes, 1);
	ck_assert_uint_eq(t.stats.bad_accesses, 1);
}
END_TEST

/* "The driver MUST only use 32 bit wide and aligned reads and writes to
 * access the control registers". */
START_TEST(register_accesses_of_other_widths_do_nothing)
{
	ck_assert_uint_eq(vd_read(&vd, VIRTIO_MMIO_MAGIC_VALUE, 2), 0);
	ck_assert_uint_eq(vd_read(&vd, VIRTIO_MMIO_MAGIC_VALUE, 8), 0);
	ck_assert_uint_eq(vd_read(&vd, VIRTIO_MMIO_MAGIC_VALUE + 1, 4), 0);
	vd_write(&vd, VIRTIO_MMIO_STATUS, 1, S_ACK);
	vd_write(&vd, VIRTIO_MMIO_STATUS + 2, 4, S_ACK);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_STATUS), 0);
	ck_assert_uint_eq(t.stats.bad_accesses, 5);
}
END_TEST

/* Write-only registers read 0, read-only ones ignore writes. */
START_TEST(registers_used_against_their_direction)
{
	vd_negotiate(&vd, F_VERSION_1);
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_NUM, 8);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_QUEUE_NUM), 0);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_QUEUE_NOTIFY), 0);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_GUEST_PAGE_SIZE), 0);
	vd_w32(&vd, VIRTIO_MMIO_MAGIC_VALUE, 0);
	vd_w32(&vd, VIRTIO_MMIO_INTERRUPT_STATUS, 3);
	vd_w32(&vd, VIRTIO_MMIO_QUEUE_PFN, 0x1234); /* legacy */
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	ck_assert_uint_eq(t.stats.bad_accesses, 6);
	ck_assert(!vd.level);
}
END_TEST

/* "Reading from a non-existent region ... results in a length of -1". */
START_TEST(no_shared_memory_regions)
{
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_SHM_LEN_HIGH), 0xffffffff);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_SHM_BASE_LOW), 0xffffffff);
	ck_assert_uint_eq(vd_r32(&vd, VIRTIO_MMIO_SHM_BASE_HIGH), 0xffffffff);
}
END_TEST

/* Another thread's way in: the queue only when the device is live. */
START_TEST(live_queue_only_when_live)
{
	vd_negotiate(&vd, F_VERSION_1);
	ck_assert_uint_eq(vd_setup_queue(&vd, 0, 8), 1);
	virtio_mmio_lock(&t);
	ck_assert_ptr_null(virtio_mmio_live_queue(&t, 0));
	virtio_mmio_unlock(&t);
	vd_add_status(&vd, S_DRIVER_OK);
	virtio_mmio_lock(&t);
	ck_assert_ptr_eq(virtio_mmio_live_queue(&t, 0), &t.queues[0]);
	ck_assert_ptr_null(virtio_mmio_live_queue(&t, 1)); /* not ready */
	ck_assert_ptr_null(virtio_mmio_live_queue(&t, TDEV_QUEUES));
	virtio_mmio_unlock(&t);
}
END_TEST

/* Work done between lock and unlock earns its interrupt at unlock. */
START_TEST(unlock_raises_the_interrupt_work_earned)
{
	struct virtq *q;

	vd_bring_up(&vd, F_VERSION_1, TDEV_QUEUES, 8);
	offer_one(0);
	virtio_mmio_lock(&t);
	q = virtio_mmio_live_queue(&t, 0);
	ck_assert_int_eq(virtq_pop(q, &td.chain), 1);
	virtq_push(q, &td.chain, 4);
	ck_assert(!vd.level);
	virtio_mmio_unlock(&t);
	ck_assert(vd.level);
	ck_assert_uint_eq(vd_used_len(&vd.rings[0], 0), 4);
}
END_TEST

START_TEST(notify_without_an_exit)
{
	vd_bring_up(&vd, F_VERSION_1, TDEV_QUEUES, 8);
	td.action = TDEV_USE_ALL;
	offer_one(1);
	virtio_mmio_notify(&t, 1);
	ck_assert_uint_eq(td.notifies[1], 1);
	ck_assert_uint_eq(vd_used_idx(&vd.rings[1]), 1);
	ck_assert(vd.level);
}
END_TEST

START_TEST(init_refuses_a_device_larger_than_the_transport)
{
	struct virtio_device_ops big = tdev_ops;
	struct virtio_mmio other;

	big.num_queues = VIRTIO_MMIO_QUEUES_MAX + 1;
	ck_assert_int_eq(virtio_mmio_init(&other, &big, &td, &vd.ram.mem, NULL),
			 -EINVAL);
	big = tdev_ops;
	big.queue_num_max = VIRTQ_SIZE_MAX * 2;
	ck_assert_int_eq(virtio_mmio_init(&other, &big, &td, &vd.ram.mem, NULL),
			 -EINVAL);
	big = tdev_ops;
	big.config_size = VIRTIO_MMIO_CONFIG_MAX + 1;
	ck_assert_int_eq(virtio_mmio_init(&other, &big, &td, &vd.ram.mem, NULL),
			 -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("virtio_mmio");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, identity_registers);
	tcase_add_test(tc, device_features_by_word);
	tcase_add_test(tc, features_ok_with_version_1);
	tcase_add_test(tc, driver_without_version_1_is_refused);
	tcase_add_test(tc, driver_accepting_an_unoffered_feature_is_refused);
	tcase_add_test(tc, driver_features_frozen_after_features_ok);
	tcase_add_test(tc, driver_features_sel_beyond_64_bits_ignored);
	tcase_add_test(tc, status_bits_need_the_step_before);
	tcase_add_test(tc, status_bits_cannot_be_cleared);
	tcase_add_test(tc, queue_registers_before_features_ok_ignored);
	tcase_add_test(tc, queue_registers_after_driver_ok_ignored);
	tcase_add_test(tc, queue_registers_of_a_ready_queue_ignored);
	tcase_add_test(tc, queue_ready_zero_stops_a_live_queue);
	tcase_add_test(tc, queue_sel_beyond_the_queues);
	tcase_add_test(tc, queue_size_not_a_power_of_two);
	tcase_add_test(tc, queue_size_above_queue_num_max);
	tcase_add_test(tc, queue_misaligned);
	tcase_add_test(tc, queue_outside_ram);
	tcase_add_test(tc, notify_before_driver_ok_dropped);
	tcase_add_test(tc, notify_of_a_queue_that_does_not_exist);
	tcase_add_test(tc, used_buffers_raise_the_line_until_acknowledged);
	tcase_add_test(tc, broken_queue_needs_reset_and_a_config_interrupt);
	tcase_add_test(tc, driver_cannot_set_needs_reset);
	tcase_add_test(tc, reset_returns_to_the_initial_state);
	tcase_add_test(tc, config_reads_of_each_width);
	tcase_add_test(tc, config_reads_out_of_range);
	tcase_add_test(tc, config_reads_of_odd_widths);
	tcase_add_test(tc, config_writes_dropped);
	tcase_add_test(tc, register_accesses_of_other_widths_do_nothing);
	tcase_add_test(tc, registers_used_against_their_direction);
	tcase_add_test(tc, no_shared_memory_regions);
	tcase_add_test(tc, live_queue_only_when_live);
	tcase_add_test(tc, unlock_raises_the_interrupt_work_earned);
	tcase_add_test(tc, notify_without_an_exit);
	tcase_add_test(tc, init_refuses_a_device_larger_than_the_transport);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
