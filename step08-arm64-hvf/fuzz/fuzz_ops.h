/*
 * fuzz_ops.h - the language of the virtio fuzz target: how a byte string
 * becomes a hostile driver's actions.  Shared by the target and by the
 * program that writes its seed corpus.
 *
 * Runs: on the host, in fuzz_virtio.c (clang -fsanitize=fuzzer) and
 * gen_seeds.c.
 * Spec: none of its own; the actions are the driver's side of virtio 1.x
 * "Virtio Over MMIO" and "Split Virtqueues".
 *
 * Input: one byte choosing the device (FZ_DEV_*), then operations until
 * the bytes run out.  Each
 * operation is an opcode byte (taken modulo FZ_OP_COUNT) and its
 * operands, little-endian.  Raw operations can do anything a guest can
 * (any register, any width, any guest memory); the composite ones (INIT,
 * REQUEST) do in a few bytes what a real driver does, so the fuzzer
 * reaches DRIVER_OK and real requests quickly and mutates from there.
 */
#ifndef FUZZ_OPS_H
#define FUZZ_OPS_H

enum fz_op {
	FZ_MMIO_WRITE32, /* u8 register/4, u32 value */
	FZ_MMIO_READ,	 /* u16 offset, u8 width */
	FZ_MMIO_WRITE,	 /* u16 offset, u8 width, width bytes */
	FZ_MEM_WRITE,	 /* u16 gpa, u8 len, len bytes */
	FZ_DESC,	 /* u8 index, u16 addr, u32 len, u8 flags, u8 next */
	FZ_DESC64,	 /* u8 index, u64 addr, u32 len, u8 flags, u8 next */
	FZ_AVAIL,	 /* u8 head: put it in the avail ring, bump idx */
	FZ_AVAIL_IDX,	 /* u16: store avail.idx as is */
	FZ_KICK,	 /* u8 queue index */
	FZ_INIT,	 /* u8 feature choice, u8 queue size order and place */
	FZ_REQUEST,    /* u8 type, u8 sector, u8 segments, u8 size, u8 layout */
	FZ_ACK,	       /* read InterruptStatus, acknowledge it */
	FZ_RESET,      /* Status = 0 */
	FZ_USED_EVENT, /* u16: the driver's used_event */
	FZ_INPUT,      /* u8 len, len bytes: console input from the VMM, or
			  a message from virtio-net's tap, header included */
	FZ_SELECT,     /* u8: the queue DESC, AVAIL... act on (mod 2) */
	FZ_PACKET,     /* u16 len, u8 seed: a tap message of len bytes
			  (FZ_PACKET_TOO_LONG: longer than any packet) */
	FZ_OP_COUNT
};

/* The first byte: which device, and how. */
#define FZ_DEV_CONSOLE 0x01 /* else virtio-blk */
#define FZ_DEV_RO      0x02 /* virtio-blk on a read-only image */
#define FZ_DEV_NET     0x04 /* virtio-net on a socketpair (before CONSOLE) */

#define FZ_PACKET_TOO_LONG 0xffff

/* FZ_INIT's feature choice. */
#define FZ_F_INDIRECT  0x01
#define FZ_F_EVENT_IDX 0x02
#define FZ_F_DEVICE                                                            \
	0x04 /* the device's own: blk FLUSH, SEG_MAX, SIZE_MAX;
				net MAC */
#define FZ_F_RO                                                                \
	0x08		     /* VIRTIO_BLK_F_RO (offered with FZ_DEV_RO); net:
				the checksum and TSO offloads */
#define FZ_F_UNOFFERED	0x10 /* a feature no device offers */
#define FZ_F_NO_VERSION 0x20 /* leave out VIRTIO_F_VERSION_1 */

/* FZ_INIT's second byte: the queue size is 2^(order % 10), and ... */
#define FZ_Q_ORDER	0x0f
#define FZ_Q_MISALIGN	0x40 /* the descriptor table 8 bytes off */
#define FZ_Q_BEYOND_RAM 0x80 /* the used ring 4 GiB up */

/* FZ_REQUEST's layout choice.  For virtio-net: type picks the header
 * (offload flags, GSO types), sector adds to the frame's length, size * 8
 * is the frame's length (transmit) or each buffer's (receive). */
#define FZ_L_ANY_LAYOUT	 0x01 /* header and data share a buffer */
#define FZ_L_STATUS_RO	 0x02 /* the status buffer is device-readable */
#define FZ_L_STATUS_ZERO 0x04 /* the status buffer has length 0 */
#define FZ_L_INDIRECT	 0x08 /* everything in one indirect table */
#define FZ_L_SHORT_HDR	 0x10 /* an 8-byte header */
#define FZ_L_WILD_SECTOR                                                       \
	0x20		  /* sector counted down from 2^64; net: a
				 frame over VIRTIO_NET_PACKET_MAX */
#define FZ_L_QUEUE_1 0x40 /* console, net: the transmit queue */

/* Guest RAM of the target: queue i's rings at i * FZ_RING_STRIDE, then
 * the buffers REQUEST allocates, round-robin. */
#define FZ_RAM_SIZE    0x10000
#define FZ_QUEUES      2
#define FZ_DESC_ADDR   0x0000 /* up to 256 descriptors */
#define FZ_AVAIL_ADDR  0x1000
#define FZ_USED_ADDR   0x2000
#define FZ_RING_STRIDE 0x3000
#define FZ_HEAP_ADDR   (FZ_QUEUES * FZ_RING_STRIDE)
#define FZ_TABLE_SIZE  256 /* descriptors DESC and REQUEST address */

#endif
