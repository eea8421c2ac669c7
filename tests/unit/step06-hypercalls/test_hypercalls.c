/*
 * test_hypercalls.c - unit tests of the hypercall dispatcher: each call's
 * result, each rejection's error number, the statistics, the doorbell
 * rule, the console budget, and that nothing a guest passes touches memory
 * outside guest RAM.
 *
 * Runs: on the host, no KVM (Check).  Includes the units under test.
 * Spec: the hypercall ABI in common/include/hypercall.h.
 */
#include <check.h>

#include "run_suite.h"
#include <stdlib.h>
#include <string.h>

#include "guest_mem.c"
#include "hypercalls.c"

#define MEM	0x10000ULL
#define U64_MAX 0xffffffffffffffffULL

static uint8_t *ram;
static struct hc_vm vm;
static char console[8192]; /* the first bytes printed ... */
static size_t console_len;
static uint64_t console_total; /* ... and how many in all */
static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

static void capture(const char *buf, size_t len)
{
	size_t room = sizeof(console) - console_len;
	size_t n = len < room ? len : room;

	memcpy(console + console_len, buf, n);
	console_len += n;
	console_total += len;
}

/* Guest RAM sits between two guard areas that must stay untouched. */
#define GUARD 4096
static uint8_t *block;

static void setup(void)
{
	block = malloc(GUARD + MEM + GUARD);
	memset(block, 0xAA, GUARD + MEM + GUARD);
	ram = block + GUARD;
	memset(ram, 0, MEM);
	memset(&vm, 0, sizeof(vm));
	vm.mem = (struct guest_mem){ .base = ram, .size = MEM };
	vm.info = (struct hc_vminfo){ .vm_index = 2,
				      .vm_count = 3,
				      .mem_size = MEM,
				      .host = "testhost" };
	vm.now_ns = fake_clock;
	vm.output = capture;
	vm.start_ns = fake_now = 1000;
	console_len = 0;
	console_total = 0;
}

static void teardown(void)
{
	for (size_t i = 0; i < GUARD; i++) {
		ck_assert_uint_eq(block[i], 0xAA);
		ck_assert_uint_eq(block[GUARD + MEM + i], 0xAA);
	}
	free(block);
}

static int64_t call(uint64_t nr, uint64_t a0, uint64_t a1)
{
	struct hc_call c = { .nr = nr, .arg = { a0, a1, 0, 0 } };

	return hc_dispatch(&vm, &c);
}

START_TEST(putchar_and_puts_reach_the_console)
{
	memcpy(ram + 0x100, "hello\n", 6);
	ck_assert_int_eq(call(HC_PUTCHAR, '>', 0), 0);
	ck_assert_int_eq(call(HC_PUTS, 0x100, 6), 6);
	ck_assert_int_eq(call(HC_PUTS, 0x100, 0), 0);
	ck_assert_uint_eq(console_len, 7);
	ck_assert_int_eq(memcmp(console, ">hello\n", 7), 0);
}
END_TEST

START_TEST(puts_of_the_last_bytes_of_ram)
{
	memcpy(ram + MEM - 2, "ok", 2);
	ck_assert_int_eq(call(HC_PUTS, MEM - 2, 2), 2);
	ck_assert_int_eq(call(HC_PUTS, MEM - 2, 3), -EFAULT);
	ck_assert_int_eq(call(HC_PUTS, MEM, 1), -EFAULT);
	ck_assert_int_eq(call(HC_PUTS, U64_MAX, 2), -EFAULT);
	ck_assert_int_eq(call(HC_PUTS, 0, HC_PUTS_MAX + 1), -E2BIG);
	ck_assert_int_eq(call(HC_PUTS, 0, U64_MAX), -E2BIG);
	ck_assert_uint_eq(console_len, 2);
}
END_TEST

/* Every byte value goes to the console as it was; the console sanitizes. */
START_TEST(the_console_gets_every_byte_as_sent)
{
	memcpy(ram, "\033[2J\tx\n\x7f\x80", 9);
	ck_assert_int_eq(call(HC_PUTS, 0, 9), 9);
	ck_assert_int_eq(memcmp(console, "\033[2J\tx\n\x7f\x80", 9), 0);
	ck_assert_int_eq(call(HC_PUTCHAR, 0x07, 0), 0); /* BEL */
	ck_assert_int_eq(console[9], 0x07);
	ck_assert_int_eq(call(HC_PUTCHAR, 0x100, 0), -EINVAL);
}
END_TEST

START_TEST(gettime_counts_from_vm_start)
{
	fake_now = 1000 + 123456789;
	ck_assert_int_eq(call(HC_GETTIME, 0, 0), 123456789);
}
END_TEST

START_TEST(vminfo_copies_host_facts)
{
	struct hc_vminfo *info = (struct hc_vminfo *)(ram + 0x200);

	ck_assert_int_eq(call(HC_VMINFO, 0x200, sizeof(*info)), 80);
	ck_assert_uint_eq(info->vm_index, 2);
	ck_assert_uint_eq(info->vm_count, 3);
	ck_assert_uint_eq(info->mem_size, MEM);
	ck_assert_str_eq(info->host, "testhost");
	ck_assert_int_eq(call(HC_VMINFO, MEM - 80, 4096), 80); /* copies 80 */
	ck_assert_int_eq(call(HC_VMINFO, MEM - 79, 80), -EFAULT);
	ck_assert_int_eq(call(HC_VMINFO, U64_MAX - 7, 80), -EFAULT);
	ck_assert_int_eq(call(HC_VMINFO, 0, 79), -EINVAL);
}
END_TEST

START_TEST(exit_records_the_code)
{
	ck_assert_int_eq(call(HC_EXIT, 256, 0), -EINVAL);
	ck_assert(!vm.exited);
	ck_assert_int_eq(call(HC_EXIT, U64_MAX, 0), -EINVAL);
	ck_assert_int_eq(call(HC_EXIT, 42, 0), 0);
	ck_assert(vm.exited);
	ck_assert_int_eq(vm.exit_code, 42);
}
END_TEST

START_TEST(unknown_numbers_are_enosys)
{
	ck_assert_int_eq(call(HC_COUNT, 0, 0), -ENOSYS);
	ck_assert_int_eq(call(1ULL << 63, 0, 0), -ENOSYS);
	ck_assert_int_eq(call(U64_MAX, 0, 0), -ENOSYS);
	ck_assert_int_eq(call((1ULL << 32) + HC_EXIT, 0, 0), -ENOSYS);
	ck_assert(!vm.exited);
	ck_assert_uint_eq(vm.stats[HC_UNKNOWN].calls, 4);
	ck_assert_uint_eq(vm.stats[HC_UNKNOWN].rejected, 4);
	ck_assert_str_eq(hc_slot_name(HC_UNKNOWN), "(unknown)");
	ck_assert_str_eq(hc_slot_name(HC_BAD_ACCESS), "(not OUT AL)");
	ck_assert_str_eq(hc_slot_name(HC_PUTS), "PUTS");
}
END_TEST

START_TEST(statistics_count_calls_and_rejections)
{
	call(HC_GETTIME, 0, 0);
	call(HC_GETTIME, 0, 0);
	call(HC_PUTS, MEM, 1);
	call(HC_PUTS, 0, 0);
	ck_assert_uint_eq(vm.stats[HC_GETTIME].calls, 2);
	ck_assert_uint_eq(vm.stats[HC_GETTIME].rejected, 0);
	ck_assert_uint_eq(vm.stats[HC_PUTS].calls, 2);
	ck_assert_uint_eq(vm.stats[HC_PUTS].rejected, 1);
}
END_TEST

/*
 * Only "OUT HC_PORT, AL" is a call: one byte, once, and completed by KVM
 * (a byte of a string OUTSB KVM had emulated already, and looks the same).
 */
START_TEST(only_a_one_byte_out_rings_the_doorbell)
{
	ck_assert(hc_is_doorbell(1, 1, true));
	ck_assert(!hc_is_doorbell(2, 1, true));	 /* OUT DX, AX */
	ck_assert(!hc_is_doorbell(4, 1, true));	 /* OUT DX, EAX */
	ck_assert(!hc_is_doorbell(1, 1, false)); /* a byte of OUTSB */
	ck_assert(!hc_is_doorbell(1, 3, true));	 /* a string KVM batched */
	ck_assert(!hc_is_doorbell(1, 0, true));
	ck_assert_int_eq(hc_refuse_access(&vm), -EINVAL);
	ck_assert_int_eq(hc_refuse_access(&vm), -EINVAL);
	ck_assert_uint_eq(vm.stats[HC_BAD_ACCESS].calls, 2);
	ck_assert_uint_eq(vm.stats[HC_BAD_ACCESS].rejected, 2);
	ck_assert_uint_eq(vm.stats[HC_UNKNOWN].calls, 0);
}
END_TEST

/* Like write(2): what fits, then -ENOSPC; the rest is counted as dropped. */
START_TEST(the_console_budget_runs_out)
{
	uint64_t puts_calls = 0;

	memset(ram, 'x', HC_PUTS_MAX);
	ck_assert_int_eq(call(HC_PUTS, 0, 100), 100);
	for (uint64_t left = HC_OUTPUT_MAX - 100; left >= HC_PUTS_MAX;
	     left -= HC_PUTS_MAX, puts_calls++)
		ck_assert_int_eq(call(HC_PUTS, 0, HC_PUTS_MAX), HC_PUTS_MAX);
	ck_assert_uint_eq(puts_calls, 255); /* 100 + 255 * 4096 bytes */
	ck_assert_int_eq(call(HC_PUTS, 0, HC_PUTS_MAX), HC_PUTS_MAX - 100);
	ck_assert_uint_eq(console_total, HC_OUTPUT_MAX);
	ck_assert_uint_eq(vm.output_dropped, 100);
	ck_assert_int_eq(call(HC_PUTS, 0, 1), -ENOSPC);
	ck_assert_int_eq(call(HC_PUTCHAR, 'x', 0), -ENOSPC);
	/* nothing asked, none refused; the console port is refused too */
	ck_assert_int_eq(call(HC_PUTS, 0, 0), 0);
	ck_assert_int_eq(hc_console(&vm, ram, 7), -ENOSPC);
	ck_assert_uint_eq(vm.output_dropped, 100 + 1 + 1 + 7);
	ck_assert_uint_eq(console_total, HC_OUTPUT_MAX);
	ck_assert_uint_eq(vm.stats[HC_PUTS].rejected, 1);
	ck_assert_uint_eq(vm.stats[HC_PUTCHAR].rejected, 1);
	/* bad arguments are still told apart from a full console */
	ck_assert_int_eq(call(HC_PUTS, MEM, 1), -EFAULT);
	ck_assert_int_eq(call(HC_PUTS, 0, HC_PUTS_MAX + 1), -E2BIG);
}
END_TEST

/* The console port has no length limit of its own: chunks, every byte. */
START_TEST(console_writes_longer_than_a_chunk)
{
	memset(ram, 'a', 3 * HC_PUTS_MAX);
	ram[HC_PUTS_MAX + 5] = 0x1b; /* ESC, inside the second chunk */
	ck_assert_int_eq(hc_console(&vm, ram, 3 * HC_PUTS_MAX),
			 3 * HC_PUTS_MAX);
	ck_assert_uint_eq(console_total, 3 * HC_PUTS_MAX);
	ck_assert_uint_eq(vm.output_used, 3 * HC_PUTS_MAX);
	ck_assert_int_eq(console[HC_PUTS_MAX + 4], 'a');
	ck_assert_int_eq(console[HC_PUTS_MAX + 5], 0x1b);
}
END_TEST

/*
 * What each call must answer, worked out independently of hypercalls.c:
 * ranges in 128-bit arithmetic, which cannot wrap, and the console budget
 * kept in a counter of our own.
 */
static uint64_t oracle_printed;

static int64_t oracle(uint64_t nr, uint64_t a0, uint64_t a1)
{
	unsigned __int128 end = (unsigned __int128)a0 + a1;
	uint64_t room = HC_OUTPUT_MAX - oracle_printed;

	switch (nr) {
	case HC_PUTCHAR:
		if (a0 > 255)
			return -EINVAL;
		if (room == 0)
			return -ENOSPC;
		oracle_printed++;
		return 0;
	case HC_PUTS:
		if (a1 > HC_PUTS_MAX)
			return -E2BIG;
		if (end > MEM)
			return -EFAULT;
		if (a1 > 0 && room == 0)
			return -ENOSPC;
		a1 = a1 < room ? a1 : room;
		oracle_printed += a1;
		return (int64_t)a1;
	case HC_GETTIME:
		return (int64_t)(fake_now - 1000);
	case HC_VMINFO:
		if (a1 < sizeof(struct hc_vminfo))
			return -EINVAL;
		end = (unsigned __int128)a0 + sizeof(struct hc_vminfo);
		return end > MEM ? -EFAULT : (int64_t)sizeof(struct hc_vminfo);
	default:
		return -ENOSYS;
	}
}

/*
 * A flood of random garbage, long enough to spend the console budget:
 * each answer is exactly the oracle's, and only RAM is touched.
 */
START_TEST(a_flood_of_random_calls)
{
	uint64_t x = 0x2545f4914f6cdd1dULL;
	int full = 0;

	oracle_printed = 0;

	for (int i = 0; i < 100000; i++) {
		uint64_t nr, a0, a1;
		int64_t want;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		nr = x % (HC_COUNT + 2);
		if (nr == HC_EXIT) /* tested above; it would end the VM */
			nr = i & 1 ? x : HC_GETTIME; /* a huge unknown number */
		a0 = x & 8 ? (x >> 3) % (MEM * 2) : x >> (x & 63);
		a1 = x & 16 ? (x >> 5) % (HC_PUTS_MAX + 2) : x >> (x & 31);
		fake_now += x & 0xff;
		console_len = 0;
		want = oracle(nr, a0, a1);
		ck_assert_int_eq(call(nr, a0, a1), want);
		full += want == -ENOSPC;
	}
	ck_assert(!vm.exited);
	/* the budget ran out, and the flood went on after that */
	ck_assert_uint_eq(console_total, HC_OUTPUT_MAX);
	ck_assert_int_gt(full, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hypercalls");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, putchar_and_puts_reach_the_console);
	tcase_add_test(tc, puts_of_the_last_bytes_of_ram);
	tcase_add_test(tc, the_console_gets_every_byte_as_sent);
	tcase_add_test(tc, gettime_counts_from_vm_start);
	tcase_add_test(tc, vminfo_copies_host_facts);
	tcase_add_test(tc, exit_records_the_code);
	tcase_add_test(tc, unknown_numbers_are_enosys);
	tcase_add_test(tc, statistics_count_calls_and_rejections);
	tcase_add_test(tc, only_a_one_byte_out_rings_the_doorbell);
	tcase_add_test(tc, the_console_budget_runs_out);
	tcase_add_test(tc, console_writes_longer_than_a_chunk);
	tcase_add_test(tc, a_flood_of_random_calls);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
