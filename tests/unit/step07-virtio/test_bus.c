/*
 * test_bus.c - unit tests of the I/O bus: registration (empty, wrapping
 * and overlapping ranges, a full table) and dispatch (which device sees
 * which offset, accesses at and across the edges of a range, what each
 * range counts, and what a read sees when no device answers).
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: none; see bus.h.
 */
#include <check.h>
#include <errno.h>

#include "run_suite.h"

#include "bus.c"

#define U64_MAX 0xffffffffffffffffULL

/* A device that records its last access and answers reads with a pattern. */
struct probe {
	unsigned int calls;
	uint64_t offset;
	uint32_t len;
	bool is_write;
	uint8_t written[8];
};

static void probe_access(void *opaque, uint64_t offset, uint8_t *data,
			 uint32_t len, bool is_write)
{
	struct probe *p = opaque;

	p->calls++;
	p->offset = offset;
	p->len = len;
	p->is_write = is_write;
	if (is_write)
		memcpy(p->written, data, len);
	else
		for (uint32_t i = 0; i < len; i++)
			data[i] = (uint8_t)(0xa0 + offset + i);
}

START_TEST(empty_range_is_refused)
{
	struct bus bus = { .name = "pio" };
	struct probe p = { 0 };

	ck_assert_int_eq(bus_register(&bus, 0x3f8, 0, probe_access, &p, "x"),
			 -EINVAL);
	ck_assert_uint_eq(bus.count, 0);
}
END_TEST

START_TEST(range_without_handler_is_refused)
{
	struct bus bus = { .name = "pio" };

	ck_assert_int_eq(bus_register(&bus, 0x3f8, 8, NULL, NULL, "x"),
			 -EINVAL);
	ck_assert_uint_eq(bus.count, 0);
}
END_TEST

/* base + len - 1 must not pass 2^64 - 1; the very last address is fine. */
START_TEST(wrapping_range_is_refused)
{
	struct bus bus = { .name = "mmio" };
	struct probe p = { 0 };

	ck_assert_int_eq(bus_register(&bus, U64_MAX, 2, probe_access, &p, "x"),
			 -EINVAL);
	ck_assert_int_eq(bus_register(&bus, 2, U64_MAX, probe_access, &p, "x"),
			 -EINVAL); /* [2, 2^64 + 1) */
	ck_assert_int_eq(bus_register(&bus, U64_MAX - 0xfff, 0x2000,
				      probe_access, &p, "x"),
			 -EINVAL);
	ck_assert_uint_eq(bus.count, 0);
	ck_assert_int_eq(bus_register(&bus, U64_MAX, 1, probe_access, &p, "x"),
			 0);
	ck_assert_int_eq(bus_register(&bus, 0, U64_MAX, probe_access, &p, "y"),
			 0); /* [0, 2^64 - 1): touches the last byte only */
	ck_assert_uint_eq(bus.count, 2);
}
END_TEST

START_TEST(overlapping_ranges_are_refused)
{
	struct bus bus = { .name = "pio" };
	struct probe p = { 0 };

	ck_assert_int_eq(bus_register(&bus, 0x3f8, 8, probe_access, &p, "com1"),
			 0);
	/* the same, inside, around, over each end, one shared address */
	ck_assert_int_eq(bus_register(&bus, 0x3f8, 8, probe_access, &p, "x"),
			 -EEXIST);
	ck_assert_int_eq(bus_register(&bus, 0x3fa, 2, probe_access, &p, "x"),
			 -EEXIST);
	ck_assert_int_eq(
		bus_register(&bus, 0x300, 0x200, probe_access, &p, "x"),
		-EEXIST);
	ck_assert_int_eq(bus_register(&bus, 0x3f0, 9, probe_access, &p, "x"),
			 -EEXIST);
	ck_assert_int_eq(bus_register(&bus, 0x3ff, 1, probe_access, &p, "x"),
			 -EEXIST);
	ck_assert_uint_eq(bus.count, 1);
	/* touching on either side is not overlapping */
	ck_assert_int_eq(bus_register(&bus, 0x3f0, 8, probe_access, &p, "lo"),
			 0);
	ck_assert_int_eq(bus_register(&bus, 0x400, 8, probe_access, &p, "hi"),
			 0);
	ck_assert_uint_eq(bus.count, 3);
}
END_TEST

START_TEST(full_table_says_enospc)
{
	struct bus bus = { .name = "mmio" };
	struct probe p = { 0 };

	for (unsigned int i = 0; i < BUS_RANGES_MAX; i++)
		ck_assert_int_eq(bus_register(&bus, 0xd0000000 + i * 0x1000,
					      0x1000, probe_access, &p, "v"),
				 0);
	ck_assert_int_eq(
		bus_register(&bus, 0xe0000000, 0x1000, probe_access, &p, "v"),
		-ENOSPC);
	/* a malformed or overlapping range is still named as such */
	ck_assert_int_eq(
		bus_register(&bus, 0xe0000000, 0, probe_access, &p, "v"),
		-EINVAL);
	ck_assert_int_eq(
		bus_register(&bus, 0xd0000000, 1, probe_access, &p, "v"),
		-EEXIST);
	ck_assert_uint_eq(bus.count, BUS_RANGES_MAX);
}
END_TEST

/* The device sees its own offset; neighbours see nothing. */
START_TEST(access_goes_to_the_device_at_its_offset)
{
	struct bus bus = { .name = "pio" };
	struct probe com1 = { 0 }, lo = { 0 };
	uint8_t data[4] = { 0x5a };

	ck_assert_int_eq(bus_register(&bus, 0x3f0, 8, probe_access, &lo, "lo"),
			 0);
	ck_assert_int_eq(
		bus_register(&bus, 0x3f8, 8, probe_access, &com1, "com1"), 0);
	ck_assert(bus_access(&bus, 0x3fd, data, 1, false));
	ck_assert_uint_eq(com1.calls, 1);
	ck_assert_uint_eq(com1.offset, 5);
	ck_assert_uint_eq(com1.len, 1);
	ck_assert(!com1.is_write);
	ck_assert_uint_eq(data[0], 0xa5);
	data[0] = 0x41;
	ck_assert(bus_access(&bus, 0x3f8, data, 1, true));
	ck_assert_uint_eq(com1.calls, 2);
	ck_assert_uint_eq(com1.offset, 0);
	ck_assert(com1.is_write);
	ck_assert_uint_eq(com1.written[0], 0x41);
	ck_assert_uint_eq(lo.calls, 0);
	/* each range counts what it decoded (--stats) */
	ck_assert_uint_eq(bus.ranges[1].accesses, 2);
	ck_assert_uint_eq(bus.ranges[0].accesses, 0);
	ck_assert(!bus_access(&bus, 0x400, data, 1, false));
	ck_assert_uint_eq(bus.ranges[0].accesses + bus.ranges[1].accesses, 2);
}
END_TEST

START_TEST(accesses_at_the_edges_of_a_range)
{
	struct bus bus = { .name = "mmio" };
	struct probe p = { 0 };
	uint8_t data[8];

	ck_assert_int_eq(bus_register(&bus, 0xd0000000, 0x200, probe_access, &p,
				      "virtio"),
			 0);
	/* the first byte, the last byte, the last 4 and 8 bytes: inside */
	ck_assert(bus_access(&bus, 0xd0000000, data, 1, false));
	ck_assert_uint_eq(p.offset, 0);
	ck_assert(bus_access(&bus, 0xd00001ff, data, 1, false));
	ck_assert_uint_eq(p.offset, 0x1ff);
	ck_assert(bus_access(&bus, 0xd00001fc, data, 4, false));
	ck_assert_uint_eq(p.offset, 0x1fc);
	ck_assert_uint_eq(p.len, 4);
	ck_assert(bus_access(&bus, 0xd00001f8, data, 8, false));
	ck_assert_uint_eq(p.offset, 0x1f8);
	ck_assert_uint_eq(p.len, 8);
	ck_assert_uint_eq(p.calls, 4);
	/* one byte before, one after, and accesses that straddle an edge */
	ck_assert(!bus_access(&bus, 0xcfffffff, data, 1, false));
	ck_assert(!bus_access(&bus, 0xd0000200, data, 1, false));
	ck_assert(!bus_access(&bus, 0xd00001fe, data, 4, false));
	ck_assert(!bus_access(&bus, 0xcffffffe, data, 4, false));
	ck_assert_uint_eq(p.calls, 4);
}
END_TEST

/* An address nobody decodes: reads float high, writes vanish. */
START_TEST(nothing_decoded_reads_all_ones)
{
	struct bus bus = { .name = "pio" };
	struct probe p = { 0 };
	uint8_t data[8] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 };
	const uint8_t ones[8] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
	};
	uint8_t out[2] = { 0x55, 0x66 };

	ck_assert(!bus_access(&bus, 0x80, data, 4, false)); /* empty bus */
	ck_assert_mem_eq(data, ones, 4);
	ck_assert_uint_eq(data[4], 0x9a); /* only len bytes written */
	ck_assert_int_eq(bus_register(&bus, 0x3f8, 8, probe_access, &p, "c"),
			 0);
	ck_assert(!bus_access(&bus, 0x2f8, data, 8, false));
	ck_assert_mem_eq(data, ones, 8);
	ck_assert(!bus_access(&bus, 0x2f8, out, 2, true));
	ck_assert_uint_eq(out[0], 0x55); /* a write is not touched */
	ck_assert_uint_eq(p.calls, 0);
}
END_TEST

/* Accesses the bus never hands on: no bytes, or a range that wraps. */
START_TEST(empty_and_wrapping_accesses_are_not_decoded)
{
	struct bus bus = { .name = "mmio" };
	struct probe p = { 0 };
	uint8_t data[4] = { 1, 2, 3, 4 };

	ck_assert_int_eq(
		bus_register(&bus, U64_MAX - 7, 8, probe_access, &p, "top"), 0);
	ck_assert(!bus_access(&bus, U64_MAX - 7, data, 0, false));
	ck_assert_uint_eq(data[0], 1);
	ck_assert(!bus_access(&bus, U64_MAX - 1, data, 4, false)); /* wraps */
	ck_assert_uint_eq(p.calls, 0);
	ck_assert(bus_access(&bus, U64_MAX - 3, data, 4, false));
	ck_assert_uint_eq(p.offset, 4);
	ck_assert_uint_eq(p.calls, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bus");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, empty_range_is_refused);
	tcase_add_test(tc, range_without_handler_is_refused);
	tcase_add_test(tc, wrapping_range_is_refused);
	tcase_add_test(tc, overlapping_ranges_are_refused);
	tcase_add_test(tc, full_table_says_enospc);
	tcase_add_test(tc, access_goes_to_the_device_at_its_offset);
	tcase_add_test(tc, accesses_at_the_edges_of_a_range);
	tcase_add_test(tc, nothing_decoded_reads_all_ones);
	tcase_add_test(tc, empty_and_wrapping_accesses_are_not_decoded);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
