/*
 * test_hypercalls.c - unit tests of the hypercall dispatcher: each call's
 * result, each rejection's error number, the statistics, and that nothing
 * a guest passes touches memory outside guest RAM.
 *
 * Runs: on the host, no KVM (Check).  Includes the units under test.
 * Spec: the hypercall ABI in common/include/hypercall.h.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "guest_mem.c"
#include "hypercalls.c"

#define MEM	0x10000ULL
#define U64_MAX 0xffffffffffffffffULL

static uint8_t *ram;
static struct hc_vm vm;
static char console[8192];
static size_t console_len;
static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

static void capture(const char *buf, size_t len)
{
	ck_assert_uint_le(console_len + len, sizeof(console));
	memcpy(console + console_len, buf, len);
	console_len += len;
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

START_TEST(control_bytes_are_not_passed_to_the_terminal)
{
	memcpy(ram, "\033[2J\tx\n\x7f\x80", 9);
	ck_assert_int_eq(call(HC_PUTS, 0, 9), 9);
	ck_assert_int_eq(memcmp(console, ".[2J\tx\n..", 9), 0);
	ck_assert_int_eq(call(HC_PUTCHAR, 0x07, 0), 0); /* BEL */
	ck_assert_int_eq(console[9], '.');
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
	ck_assert_str_eq(hc_name(U64_MAX), "(unknown)");
	ck_assert_str_eq(hc_name(HC_PUTS), "PUTS");
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

/* A flood of random garbage: every answer is a result or -errno, RAM only. */
START_TEST(a_flood_of_random_calls)
{
	uint64_t x = 0x2545f4914f6cdd1dULL;

	for (int i = 0; i < 100000 && !vm.exited; i++) {
		int64_t ret;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		console_len = 0;
		ret = call(x % (HC_COUNT + 2) == HC_EXIT ? HC_GETTIME
							 : x % (HC_COUNT + 2),
			   x >> (x & 63), (x >> 3) % (MEM * 2));
		ck_assert(ret >= 0 || ret == -EFAULT || ret == -EINVAL ||
			  ret == -E2BIG || ret == -ENOSYS);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hypercalls");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, putchar_and_puts_reach_the_console);
	tcase_add_test(tc, puts_of_the_last_bytes_of_ram);
	tcase_add_test(tc, control_bytes_are_not_passed_to_the_terminal);
	tcase_add_test(tc, gettime_counts_from_vm_start);
	tcase_add_test(tc, vminfo_copies_host_facts);
	tcase_add_test(tc, exit_records_the_code);
	tcase_add_test(tc, unknown_numbers_are_enosys);
	tcase_add_test(tc, statistics_count_calls_and_rejections);
	tcase_add_test(tc, a_flood_of_random_calls);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
