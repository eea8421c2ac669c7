/*
 * test_arm64_fdt.c - unit tests of the arm64 device tree: the tree built
 * for three machines (the smallest, two CPUs with two virtio devices, and
 * the arm64 lab's with its disks and network card), decompiled with dtc
 * (device-tree-compiler) and compared with reference sources a reader can
 * check against the bindings (unit/fdt_*.dts, compiled and decompiled the
 * same way); dtc's own checks on what we build; what the kernel will read
 * back with libfdt; and every machine the tree refuses to describe.
 *
 * Runs: on the host, no KVM (Check); runs dtc.  Includes the unit under
 * test; links the host's libfdt (libfdt-dev).
 * Spec: Devicetree Specification v0.4 and the bindings named in
 * arch/arm64/fdt.c.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "run_suite.h"

#include "arch/arm64/fdt.c"

#define MiB	       0x100000ULL
#define DTC_OUTPUT_MAX 16384
#define INITRD_START   0xfc3c000ULL
#define INITRD_SIZE    1848320ULL

static uint8_t blob[MACHINE_DTB_MAX];
static const uint64_t mpidr_01[] = { 0, 1 };
static const struct arm64_fdt_virtio two_virtio[] = {
	{ MACHINE_VIRTIO_BASE, 0x200, MACHINE_SPI_VIRTIO },
	{ MACHINE_VIRTIO_BASE + MACHINE_VIRTIO_STRIDE, 0x200,
	  MACHINE_SPI_VIRTIO + 1 },
};

/* The machine of fdt_2cpus.dts: the lab run's, with two devices more. */
static struct arm64_fdt_machine two_cpus(void)
{
	return (struct arm64_fdt_machine){
		.mem_size = 256 * MiB,
		.ncpus = 2,
		.mpidr = mpidr_01,
		.virtio = two_virtio,
		.nvirtio = 2,
		.bootargs = "console=ttyS0 earlycon panic=-1",
		.initrd_start = INITRD_START,
		.initrd_end = INITRD_START + INITRD_SIZE,
	};
}

/*
 * The machine of fdt_lab.dts: the arm64 lab's boot, the virtio-console,
 * two disks and the network card on windows 0-3, SPIs 16-19, as
 * machine.c places them (MACHINE_VIRTIO_BASE + i * stride, SPI 16 + i).
 */
#define LAB_VIRTIO	 4
#define LAB_INITRD_START 0xf429000ULL
#define LAB_INITRD_SIZE	 10316800ULL
#define LAB_NET_WINDOW	 3
static struct arm64_fdt_virtio lab_virtio[LAB_VIRTIO];

static struct arm64_fdt_machine lab_machine(void)
{
	for (unsigned int i = 0; i < LAB_VIRTIO; i++)
		lab_virtio[i] = (struct arm64_fdt_virtio){
			MACHINE_VIRTIO_BASE + i * MACHINE_VIRTIO_STRIDE, 0x200,
			MACHINE_SPI_VIRTIO + i
		};
	return (struct arm64_fdt_machine){
		.mem_size = 256 * MiB,
		.ncpus = 2,
		.mpidr = mpidr_01,
		.virtio = lab_virtio,
		.nvirtio = LAB_VIRTIO,
		.bootargs = "panic=-1 quiet console=ttyS0",
		.initrd_start = LAB_INITRD_START,
		.initrd_end = LAB_INITRD_START + LAB_INITRD_SIZE,
	};
}

/* Run a shell command; its stdout in out (NUL-terminated), its status. */
static int run(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "r");
	size_t n;

	ck_assert_ptr_nonnull(p);
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	return pclose(p);
}

/* What dtc makes of a blob: sorted source text; dtc's warnings in warn. */
static void decompile(const void *fdt, char *dts, char *warn)
{
	char path[] = "/tmp/test_arm64_fdt.XXXXXX", cmd[256];
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, fdt, fdt_totalsize(fdt)),
			 (ssize_t)fdt_totalsize(fdt));
	close(fd);
	snprintf(cmd, sizeof(cmd), "dtc -s -I dtb -O dts %s 2>/dev/null", path);
	ck_assert_int_eq(run(cmd, dts, DTC_OUTPUT_MAX), 0);
	snprintf(cmd, sizeof(cmd), "dtc -s -I dtb -O dts %s 2>&1 >/dev/null",
		 path);
	ck_assert_int_eq(run(cmd, warn, DTC_OUTPUT_MAX), 0);
	unlink(path);
}

/* The reference source, compiled and decompiled the same way. */
static void reference(const char *name, char *dts)
{
	char cmd[512];

	snprintf(
		cmd, sizeof(cmd),
		"dtc -I dts -O dtb %s/%s 2>/dev/null | dtc -s -I dtb -O dts 2>/dev/null",
		FDT_REF_DIR, name);
	ck_assert_int_eq(run(cmd, dts, DTC_OUTPUT_MAX), 0);
	ck_assert_ptr_nonnull(strstr(dts, "/dts-v1/;"));
}

START_TEST(two_cpus_two_virtio_devices)
{
	static char ours[DTC_OUTPUT_MAX], ref[DTC_OUTPUT_MAX],
		warn[DTC_OUTPUT_MAX];
	struct arm64_fdt_machine m = two_cpus();

	ck_assert_int_eq(arm64_fdt_build(&m, blob, sizeof(blob)), 0);
	ck_assert_int_eq(fdt_check_header(blob), 0);
	decompile(blob, ours, warn);
	reference("fdt_2cpus.dts", ref);
	ck_assert_str_eq(ours, ref);
	ck_assert_str_eq(warn, "");
}
END_TEST

START_TEST(one_cpu_nothing_else)
{
	static char ours[DTC_OUTPUT_MAX], ref[DTC_OUTPUT_MAX],
		warn[DTC_OUTPUT_MAX];
	static const uint64_t mpidr0 = 0;
	struct arm64_fdt_machine m = {
		.mem_size = 64 * MiB,
		.ncpus = 1,
		.mpidr = &mpidr0,
	};

	ck_assert_int_eq(arm64_fdt_build(&m, blob, sizeof(blob)), 0);
	decompile(blob, ours, warn);
	reference("fdt_1cpu.dts", ref);
	ck_assert_str_eq(ours, ref);
	ck_assert_str_eq(warn, "");
}
END_TEST

START_TEST(the_lab_machine_with_its_network_card)
{
	static char ours[DTC_OUTPUT_MAX], ref[DTC_OUTPUT_MAX],
		warn[DTC_OUTPUT_MAX];
	struct arm64_fdt_machine m = lab_machine();
	const fdt32_t *irq;
	int node, len;

	ck_assert_int_eq(arm64_fdt_build(&m, blob, sizeof(blob)), 0);
	decompile(blob, ours, warn);
	reference("fdt_lab.dts", ref);
	ck_assert_str_eq(ours, ref);
	ck_assert_str_eq(warn, "");
	/* The card's node, as the kernel's virtio_mmio driver finds it. */
	node = fdt_path_offset(blob, "/virtio_mmio@d0003000");
	ck_assert_int_ge(node, 0);
	irq = fdt_getprop(blob, node, "interrupts", &len);
	ck_assert_int_eq(len, 12);
	ck_assert_uint_eq(fdt32_to_cpu(irq[1]),
			  MACHINE_SPI_VIRTIO + LAB_NET_WINDOW);
	ck_assert_uint_eq(fdt32_to_cpu(irq[1]), 19);
}
END_TEST

/* What the kernel reads: through libfdt, as of/fdt.c does at boot. */
START_TEST(the_kernel_reads_chosen_and_the_gic)
{
	struct arm64_fdt_machine m = two_cpus();
	const fdt64_t *v;
	const fdt32_t *c;
	int node, len;

	ck_assert_int_eq(arm64_fdt_build(&m, blob, sizeof(blob)), 0);
	ck_assert_uint_lt(fdt_totalsize(blob), 4096);
	node = fdt_path_offset(blob, "/chosen");
	ck_assert_int_ge(node, 0);
	v = fdt_getprop(blob, node, "linux,initrd-start", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(fdt64_to_cpu(*v), INITRD_START);
	v = fdt_getprop(blob, node, "linux,initrd-end", &len);
	ck_assert_uint_eq(fdt64_to_cpu(*v), INITRD_START + INITRD_SIZE);
	ck_assert_str_eq(fdt_getprop(blob, node, "stdout-path", NULL),
			 "/serial@e0000000");
	node = fdt_node_offset_by_phandle(blob, ARM64_FDT_PHANDLE_GIC);
	ck_assert_int_eq(
		node, fdt_path_offset(blob, "/interrupt-controller@f0000000"));
	ck_assert_int_eq(fdt_node_check_compatible(blob, node, "arm,gic-v3"),
			 0);
	c = fdt_getprop(blob, 0, "interrupt-parent", &len);
	ck_assert_uint_eq(fdt32_to_cpu(*c), ARM64_FDT_PHANDLE_GIC);
	node = fdt_path_offset(blob, "/serial@e0000000");
	c = fdt_getprop(blob, node, "interrupts", &len);
	ck_assert_int_eq(len, 12);
	ck_assert_uint_eq(fdt32_to_cpu(c[1]), MACHINE_SPI_UART);
}
END_TEST

/* MPIDR affinity beyond Aff0 names the cpu node: cluster 1, core 0. */
START_TEST(cpu_nodes_follow_mpidr)
{
	static const uint64_t mpidr[] = { 0x80000000,
					  0x80000100 }; /* U=0, bit 31 RES1 */
	struct arm64_fdt_machine m = two_cpus();
	const fdt32_t *reg;
	int node;

	m.mpidr = mpidr;
	ck_assert_int_eq(arm64_fdt_build(&m, blob, sizeof(blob)), 0);
	node = fdt_path_offset(blob, "/cpus/cpu@100");
	ck_assert_int_ge(node, 0);
	reg = fdt_getprop(blob, node, "reg", NULL);
	ck_assert_uint_eq(fdt32_to_cpu(*reg), 0x100);
	ck_assert_int_ge(fdt_path_offset(blob, "/cpus/cpu@0"), 0);
	node = fdt_path_offset(blob, "/interrupt-controller@f0000000");
	reg = fdt_getprop(blob, node, "reg", NULL);
	ck_assert_uint_eq(fdt32_to_cpu(reg[7]), 2 * MACHINE_GICR_SIZE);
}
END_TEST

START_TEST(a_small_buffer_is_enospc)
{
	struct arm64_fdt_machine m = two_cpus();

	ck_assert_int_eq(arm64_fdt_build(&m, blob, 256), -ENOSPC);
	ck_assert_int_eq(arm64_fdt_build(&m, blob, 0), -ENOSPC);
	ck_assert_int_eq(arm64_fdt_build(&m, blob, (size_t)INT_MAX + 1),
			 -EINVAL);
}
END_TEST

START_TEST(machines_it_cannot_describe_are_einval)
{
	static const uint64_t aff3[] = { 0, 1ULL << 32 };
	static const uint64_t nine[9] = { 0 };
	struct arm64_fdt_machine m;

	m = two_cpus(), m.ncpus = 0;
	ck_assert_int_eq(arm64_fdt_build(&m, blob, sizeof(blob)), -EINVAL);
	m = two_cpus(), m.ncpus = MACHINE_CPUS_MAX + 1, m.mpidr = nine;
	ck_assert_int_eq(arm64_fdt_build(&m, blob, sizeof(blob)), -EINVAL);
	m = two_cpus(), m.mpidr = NULL;
	ck_assert_int_eq(arm64_fdt_build(&m, blob, sizeof(blob)), -EINVAL);
	m = two_cpus(), m.mpidr = aff3;
	ck_assert_int_eq(arm64_fdt_build(&m, blob, sizeof(blob)), -EINVAL);
	m = two_cpus(), m.nvirtio = MACHINE_VIRTIO_MAX + 1;
	ck_assert_int_eq(arm64_fdt_build(&m, blob, sizeof(blob)), -EINVAL);
	m = two_cpus(), m.virtio = NULL;
	ck_assert_int_eq(arm64_fdt_build(&m, blob, sizeof(blob)), -EINVAL);
	m = two_cpus(), m.initrd_end = m.initrd_start - 1;
	ck_assert_int_eq(arm64_fdt_build(&m, blob, sizeof(blob)), -EINVAL);
	m = two_cpus(), m.initrd_end = m.mem_size + 1;
	ck_assert_int_eq(arm64_fdt_build(&m, blob, sizeof(blob)), -EINVAL);
	m = two_cpus(), m.mem_size = 0;
	ck_assert_int_eq(arm64_fdt_build(&m, blob, sizeof(blob)), -EINVAL);
	m = two_cpus(), m.initrd_end = m.mem_size; /* up to the end: fine */
	ck_assert_int_eq(arm64_fdt_build(&m, blob, sizeof(blob)), 0);
}
END_TEST

START_TEST(every_error_has_its_message)
{
	ck_assert_str_eq(arm64_fdt_strerror(-ENOSPC),
			 "the device tree does not fit its buffer");
	ck_assert_str_ne(arm64_fdt_strerror(-EINVAL), "unknown error");
	ck_assert_str_eq(arm64_fdt_strerror(-EIO), "libfdt failed");
	ck_assert_str_eq(arm64_fdt_strerror(-E2BIG), "unknown error");
}
END_TEST

static Suite *fdt_suite(void)
{
	Suite *s = suite_create("arm64_fdt");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, two_cpus_two_virtio_devices);
	tcase_add_test(tc, one_cpu_nothing_else);
	tcase_add_test(tc, the_lab_machine_with_its_network_card);
	tcase_add_test(tc, the_kernel_reads_chosen_and_the_gic);
	tcase_add_test(tc, cpu_nodes_follow_mpidr);
	tcase_add_test(tc, a_small_buffer_is_enospc);
	tcase_add_test(tc, machines_it_cannot_describe_are_einval);
	tcase_add_test(tc, every_error_has_its_message);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(fdt_suite());
}
