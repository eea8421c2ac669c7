/*
 * test_hv.c - the backend interface (hv.h) on x86: the backend list and
 * --backend's lookup, and how the kvm-x86 backend decodes KVM_RUN's exits
 * into the core's hyp_exit, including a kvm_run page whose numbers point
 * outside it.
 *
 * Runs: on the host, no KVM: the decoder reads a kvm_run page made here.
 * Spec: hv.h; Documentation/virt/kvm/api.rst, "The kvm_run structure".
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include "run_suite.h"

#include "hv.c"
#include "exit_names.c"
#include "x86_cpu.c"
#include "backends/kvm_eventfd.c"
#include "backends/kvm_x86.c"
#include "backends/list_linux_x86_64.c"

#define RUN_SIZE 0x3000 /* a kvm_run mapping of three pages */

static struct kvm_x86_vcpu v;
static struct hyp_vcpu vcpu = { .priv = &v };
static struct hyp_exit x;

static void setup(void)
{
	v = (struct kvm_x86_vcpu){ .fd = -1,
				   .run = calloc(1, RUN_SIZE),
				   .run_size = RUN_SIZE };
	ck_assert_ptr_nonnull(v.run);
	vcpu.err_call = NULL;
}

static void teardown(void)
{
	free(v.run);
}

START_TEST(backend_list_and_lookup)
{
	ck_assert_ptr_eq(hyp_backends[0], &kvm_x86_ops);
	ck_assert_ptr_null(hyp_backends[1]);
	ck_assert_ptr_eq(hyp_backend_find("kvm-x86"), &kvm_x86_ops);
	ck_assert_ptr_null(hyp_backend_find("kvm-arm64"));
	ck_assert_ptr_null(hyp_backend_find("KVM-X86"));
	ck_assert_ptr_null(hyp_backend_find(""));
	ck_assert_int_eq(kvm_x86_ops.arch, HYP_ARCH_X86_64);
	ck_assert_ptr_null(kvm_x86_ops.forward_hypercalls);
}
END_TEST

START_TEST(port_io_out)
{
	v.run->exit_reason = KVM_EXIT_IO;
	v.run->io = (__typeof__(v.run->io)){ .direction = KVM_EXIT_IO_OUT,
					     .size = 1,
					     .port = 0x3f8,
					     .count = 1,
					     .data_offset = 0x1000 };
	ck_assert_int_eq(decode(&vcpu, &v, &x), 0);
	ck_assert_int_eq(x.kind, HYP_EXIT_PORT_IO);
	ck_assert_uint_eq(x.reason, KVM_EXIT_IO);
	ck_assert_uint_eq(x.io.addr, 0x3f8);
	ck_assert_ptr_eq(x.io.data, (uint8_t *)v.run + 0x1000);
	ck_assert_uint_eq(x.io.len, 1);
	ck_assert_uint_eq(x.io.count, 1);
	ck_assert(x.io.is_write);
}
END_TEST

/* A REP INSW's elements, all inside the mapping; one byte past: refused. */
START_TEST(port_io_data_must_lie_inside_kvm_run)
{
	v.run->exit_reason = KVM_EXIT_IO;
	v.run->io = (__typeof__(v.run->io)){ .direction = KVM_EXIT_IO_IN,
					     .size = 2,
					     .port = 0x60,
					     .count = 0x800,
					     .data_offset = 0x2000 };
	ck_assert_int_eq(decode(&vcpu, &v, &x), 0);
	ck_assert(!x.io.is_write);
	ck_assert_uint_eq(x.io.count, 0x800);
	v.run->io.data_offset = 0x2001;
	ck_assert_int_eq(decode(&vcpu, &v, &x), -EPROTO);
	ck_assert_str_eq(vcpu.err_call,
			 "KVM_EXIT_IO (its data overruns kvm_run)");
	v.run->io.data_offset = UINT64_MAX;
	v.run->io.count = 1;
	ck_assert_int_eq(decode(&vcpu, &v, &x), -EPROTO);
}
END_TEST

START_TEST(mmio_and_its_length)
{
	v.run->exit_reason = KVM_EXIT_MMIO;
	v.run->mmio.phys_addr = 0xd0000070;
	v.run->mmio.len = 4;
	v.run->mmio.is_write = 0;
	ck_assert_int_eq(decode(&vcpu, &v, &x), 0);
	ck_assert_int_eq(x.kind, HYP_EXIT_MMIO);
	ck_assert_uint_eq(x.io.addr, 0xd0000070);
	ck_assert_ptr_eq(x.io.data, v.run->mmio.data);
	ck_assert_uint_eq(x.io.len, 4);
	ck_assert_uint_eq(x.io.count, 1);
	ck_assert(!x.io.is_write);
	v.run->mmio.len = 9;
	ck_assert_int_eq(decode(&vcpu, &v, &x), -EPROTO);
	ck_assert_str_eq(vcpu.err_call, "KVM_EXIT_MMIO (longer than its data)");
}
END_TEST

START_TEST(halt_shutdown_and_the_rest)
{
	v.run->exit_reason = KVM_EXIT_HLT;
	ck_assert_int_eq(decode(&vcpu, &v, &x), 0);
	ck_assert_int_eq(x.kind, HYP_EXIT_HALT);
	v.run->exit_reason = KVM_EXIT_SHUTDOWN;
	ck_assert_int_eq(decode(&vcpu, &v, &x), 0);
	ck_assert_int_eq(x.kind, HYP_EXIT_SHUTDOWN);
	v.run->exit_reason = KVM_EXIT_FAIL_ENTRY;
	ck_assert_int_eq(decode(&vcpu, &v, &x), 0);
	ck_assert_int_eq(x.kind, HYP_EXIT_FAILED);
	ck_assert_uint_eq(x.reason, KVM_EXIT_FAIL_ENTRY);
	ck_assert_str_eq(kvm_x86_ops.exit_name(x.reason),
			 "KVM_EXIT_FAIL_ENTRY");
}
END_TEST

/* kick(): the next KVM_RUN returns at once, and the kick is remembered. */
START_TEST(kick_sets_immediate_exit)
{
	kvm_x86_ops.kick(&vcpu);
	ck_assert_uint_eq(v.run->immediate_exit, 1);
	ck_assert_int_eq(v.kicked, 1);
}
END_TEST

/* x86 registers only: an arm64 name is refused before any ioctl. */
START_TEST(registers_are_x86_ones)
{
	uint64_t val = 7;

	ck_assert_int_eq(kvm_x86_ops.get_reg(&vcpu, HYP_REG_X(0), &val),
			 -EINVAL);
	ck_assert_uint_eq(val, 7);
	ck_assert_int_eq(kvm_x86_ops.set_reg(&vcpu, HYP_REG_PC, 0), -EINVAL);
	ck_assert_str_eq(vcpu.err_call, "set_reg (not an x86 register)");
	ck_assert_uint_eq(reg_offset[HYP_REG_RIP],
			  offsetof(struct kvm_regs, rip));
	ck_assert_uint_eq(reg_offset[HYP_REG_RSI],
			  offsetof(struct kvm_regs, rsi));
}
END_TEST

static Suite *hv_suite(void)
{
	Suite *s = suite_create("hv");
	TCase *tc = tcase_create("kvm_x86");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, backend_list_and_lookup);
	tcase_add_test(tc, port_io_out);
	tcase_add_test(tc, port_io_data_must_lie_inside_kvm_run);
	tcase_add_test(tc, mmio_and_its_length);
	tcase_add_test(tc, halt_shutdown_and_the_rest);
	tcase_add_test(tc, kick_sets_immediate_exit);
	tcase_add_test(tc, registers_are_x86_ones);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(hv_suite());
}
