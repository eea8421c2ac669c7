/*
 * test_aml.c - unit tests of the AML encoder: byte for byte against iasl
 * (aml.asl, pkglength.sh), the PkgLength limits, and what it does with
 * bad names, bad IDs and a full buffer.
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.
 * Spec: ACPI 6.5 "AML Byte Stream Byte Values", "Package Length
 * Encoding", "Name Objects Encoding", "Data Objects Encoding",
 * "Resource Data Types for ACPI"; EISAID.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "run_suite.h"
#include "step07-virtio/acpi_ref.h"

#include "boot/aml.c"

static uint8_t out[REF_MAX];
static uint8_t ref[REF_MAX];

/* Our AML body against the body of iasl's table (after its header). */
static void ck_body_matches_iasl(const struct aml *a, const char *ref_name)
{
	size_t ref_len = ref_load(ref_name, ref, sizeof(ref));

	ck_assert_int_eq(a->err, 0);
	ck_assert_uint_eq(a->len, ref_len - HDR_SIZE);
	ck_same_bytes(a->buf - HDR_SIZE, ref, HDR_SIZE, ref_len, ref_name);
}

static void name_integer(struct aml *a, const char *name, uint64_t v)
{
	aml_name(a, name);
	aml_integer(a, v);
}

/* aml.asl, lines 1-3: integers, strings, buffers, EISA IDs. */
static void encode_data_objects(struct aml *a)
{
	static const uint8_t two[] = { 0x12, 0x34 };

	name_integer(a, "I000", 0);
	name_integer(a, "I001", 1);
	name_integer(a, "I002", 2);
	name_integer(a, "I0FF", 0xff);
	name_integer(a, "I100", 0x100);
	name_integer(a, "IFFF", 0xffff);
	name_integer(a, "I10K", 0x10000);
	name_integer(a, "I4GM", 0xffffffff);
	name_integer(a, "I4GB", 0x100000000);
	name_integer(a, "IBIG", 0xfffffffffffffffe);
	name_integer(a, "IMAX", UINT64_MAX);
	aml_name(a, "SEMP");
	aml_string(a, "");
	aml_name(a, "SHID");
	aml_string(a, "LNRO0005");
	aml_name(a, "BEMP");
	aml_buffer(a, NULL, 0);
	aml_name(a, "BTWO");
	aml_buffer(a, two, sizeof(two));
	aml_name(a, "E000");
	aml_eisaid(a, "PNP0501");
	aml_name(a, "E001");
	aml_eisaid(a, "PNP0A03");
	aml_name(a, "E002");
	aml_eisaid(a, "QEM7EFF");
}

/* aml.asl: packages and every kind of name path. */
static void encode_packages_and_names(struct aml *a)
{
	size_t pkg, inner, sb, dev, sub;

	aml_name(a, "PKG0");
	aml_package_end(a, aml_package_begin(a, 0));
	aml_name(a, "PKG3");
	pkg = aml_package_begin(a, 3);
	aml_integer(a, 5);
	aml_string(a, "S");
	inner = aml_package_begin(a, 1);
	aml_integer(a, 1);
	aml_package_end(a, inner);
	aml_package_end(a, pkg);

	sb = aml_scope_begin(a, "_SB");
	dev = aml_device_begin(a, "DEV0");
	name_integer(a, "_ADR", 0);
	sub = aml_device_begin(a, "SUB");
	name_integer(a, "_ADR", 0);
	aml_device_end(a, sub);
	aml_device_end(a, dev);
	name_integer(a, "^RT1", 1);
	aml_scope_end(a, sb);
	name_integer(a, "\\_SB.DEV0.SUB.X", 1);
	name_integer(a, "_SB.DEV0.Y", 2);
	name_integer(a, "_SB.Z", 3);
}

/* aml.asl: one resource template with every descriptor, one empty. */
static void encode_resources(struct aml *a)
{
	size_t crs;

	aml_name(a, "RES0");
	crs = aml_resource_template_begin(a);
	aml_memory32_fixed(a, true, 0xd0000000, 0x1000);
	aml_memory32_fixed(a, false, 0xfed00000, 0x400);
	aml_extended_interrupt(a, AML_INTERRUPT_CONSUMER, 16);
	aml_extended_interrupt(a,
			       AML_INTERRUPT_CONSUMER | AML_INTERRUPT_EDGE |
				       AML_INTERRUPT_ACTIVE_LOW |
				       AML_INTERRUPT_SHARED,
			       0x12345678);
	aml_extended_interrupt(a, AML_INTERRUPT_WAKE, 5);
	aml_io(a, true, 0x3f8, 0x3f8, 1, 8);
	aml_io(a, false, 0x60, 0x64, 4, 1);
	aml_irq_noflags(a, 0);
	aml_irq_noflags(a, 15);
	aml_resource_template_end(a, crs);
	aml_name(a, "RES1");
	aml_resource_template_end(a, aml_resource_template_begin(a));
}

START_TEST(encoder_matches_iasl)
{
	struct aml a;

	aml_init(&a, out + HDR_SIZE, sizeof(out) - HDR_SIZE);
	encode_data_objects(&a);
	encode_packages_and_names(&a);
	encode_resources(&a);
	ck_body_matches_iasl(&a, "aml.aml");
}
END_TEST

/* pkglength.sh: buffers of 60, 61, 4090 and 4091 bytes, "A...A\0". */
START_TEST(pkglength_edges_match_iasl)
{
	static const size_t sizes[] = { 60, 61, 4090, 4091 };
	static uint8_t data[4091];
	char name[5];
	struct aml a;

	aml_init(&a, out + HDR_SIZE, sizeof(out) - HDR_SIZE);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(data, 'A', sizes[i] - 1);
		data[sizes[i] - 1] = '\0';
		snprintf(name, sizeof(name), "B%03zu", i);
		aml_name(&a, name);
		aml_buffer(&a, data, sizes[i]);
	}
	ck_body_matches_iasl(&a, "pkglength.aml");
}
END_TEST

/* "Package Length Encoding", at every limit (contents = what follows the
 * PkgLength; the encoded value counts the PkgLength's own bytes too). */
START_TEST(pkglength_limits)
{
	static const struct {
		size_t contents;
		size_t n;
		uint8_t bytes[AML_PKGLENGTH_MAX];
	} cases[] = {
		{ 0, 1, { 0x01 } },
		{ 62, 1, { 0x3f } },			      /* 63: one byte */
		{ 63, 2, { 0x41, 0x04 } },		      /* 65, not 64 */
		{ 4093, 2, { 0x4f, 0xff } },		      /* 4095 */
		{ 4094, 3, { 0x81, 0x00, 0x01 } },	      /* 4097 */
		{ 0xffffc, 3, { 0x8f, 0xff, 0xff } },	      /* 2^20 - 1 */
		{ 0xffffd, 4, { 0xc1, 0x00, 0x00, 0x01 } },   /* 2^20 + 1 */
		{ 0xffffffb, 4, { 0xcf, 0xff, 0xff, 0xff } }, /* 2^28 - 1 */
	};
	uint8_t got[AML_PKGLENGTH_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(got, 0xee, sizeof(got));
		ck_assert_uint_eq(aml_pkglength_encode(got, cases[i].contents),
				  cases[i].n);
		ck_assert_mem_eq(got, cases[i].bytes, cases[i].n);
	}
	/* 2^28 - 4 bytes of contents need a PkgLength of 2^28: too big. */
	ck_assert_uint_eq(aml_pkglength_encode(got, 0xffffffc), 0);
}
END_TEST

/* Each bad name sets -EINVAL; the good ones around them do not. */
START_TEST(bad_names_are_refused)
{
	static const char *const bad[] = { "abcd", "1ABC", "ABCDE", "A..B",
					   "A.",   ".A",   "A-B",   "\\\\A" };
	static const char *const good[] = { "A", "_S5", "\\", "^^AB",
					    "\\_SB.PCI0" };
	struct aml a;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		aml_init(&a, out, sizeof(out));
		aml_namestring(&a, bad[i]);
		ck_assert_msg(a.err == -EINVAL, "\"%s\" gave %d", bad[i],
			      a.err);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		aml_init(&a, out, sizeof(out));
		aml_namestring(&a, good[i]);
		ck_assert_msg(a.err == 0, "\"%s\" gave %d", good[i], a.err);
	}
}
END_TEST

START_TEST(name_path_encodings)
{
	static const uint8_t root[] = { 0x5c, 0x00 }; /* RootChar NullName */
	static const uint8_t parent2[] = { 0x5e, 0x5e, 'A', 'B', '_', '_' };
	static const uint8_t dual[] = { 0x2e, '_', 'S', 'B', '_',
					'P',  'C', 'I', '0' };
	struct aml a;

	aml_init(&a, out, sizeof(out));
	aml_namestring(&a, "\\");
	ck_assert_uint_eq(a.len, sizeof(root));
	ck_assert_mem_eq(out, root, sizeof(root));
	aml_init(&a, out, sizeof(out));
	aml_namestring(&a, "^^AB");
	ck_assert_uint_eq(a.len, sizeof(parent2));
	ck_assert_mem_eq(out, parent2, sizeof(parent2));
	aml_init(&a, out, sizeof(out));
	aml_namestring(&a, "_SB.PCI0");
	ck_assert_uint_eq(a.len, sizeof(dual));
	ck_assert_mem_eq(out, dual, sizeof(dual));
}
END_TEST

START_TEST(bad_ids_strings_and_irqs_are_refused)
{
	static const char *const bad_ids[] = { "PNP050",  "PNP05011", "pnp0501",
					       "PNP05G1", "P1P0501",  "" };
	struct aml a;

	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		aml_init(&a, out, sizeof(out));
		aml_eisaid(&a, bad_ids[i]);
		ck_assert_msg(a.err == -EINVAL, "\"%s\" gave %d", bad_ids[i],
			      a.err);
	}
	aml_init(&a, out, sizeof(out));
	aml_string(&a, "caf\xc3\xa9"); /* not ASCII */
	ck_assert_int_eq(a.err, -EINVAL);
	aml_init(&a, out, sizeof(out));
	aml_irq_noflags(&a, 16); /* ISA has IRQs 0-15 */
	ck_assert_int_eq(a.err, -EINVAL);
	ck_assert_uint_eq(a.len, 0);
}
END_TEST

/* A writer that runs out of room stops at its end, says -ENOSPC, and
 * every later call does nothing. */
START_TEST(full_buffer_is_never_overrun)
{
	static uint8_t guarded[64];
	const size_t cap = 16;
	struct aml a;
	size_t dev;

	memset(guarded, 0xa5, sizeof(guarded));
	aml_init(&a, guarded, cap);
	dev = aml_device_begin(&a, "V000");
	aml_name(&a, "_HID");
	aml_string(&a, "LNRO0005");
	/* ExtOpPrefix DeviceOp V000 (6), NameOp _HID (5), StringPrefix (1):
	 * the string's 9 bytes do not fit in the 4 left. */
	ck_assert_int_eq(a.err, -ENOSPC);
	ck_assert_uint_eq(a.len, 12);
	aml_integer(&a, 1);
	aml_device_end(&a, dev);
	ck_assert_uint_eq(a.len, 12);
	for (size_t i = cap; i < sizeof(guarded); i++)
		ck_assert_uint_eq(guarded[i], 0xa5);
}
END_TEST

/* The PkgLength inserted at the end is what does not fit. */
START_TEST(pkglength_that_does_not_fit_is_refused)
{
	static uint8_t guarded[16];
	struct aml a;
	size_t sb;

	memset(guarded, 0xa5, sizeof(guarded));
	aml_init(&a, guarded, 5);
	sb = aml_scope_begin(&a, "_SB_"); /* ScopeOp + 4: the buffer is full */
	ck_assert_int_eq(a.err, 0);
	aml_scope_end(&a, sb);
	ck_assert_int_eq(a.err, -ENOSPC);
	ck_assert_uint_eq(a.len, 5);
	for (size_t i = 5; i < sizeof(guarded); i++)
		ck_assert_uint_eq(guarded[i], 0xa5);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("aml");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, encoder_matches_iasl);
	tcase_add_test(tc, pkglength_edges_match_iasl);
	tcase_add_test(tc, pkglength_limits);
	tcase_add_test(tc, bad_names_are_refused);
	tcase_add_test(tc, name_path_encodings);
	tcase_add_test(tc, bad_ids_strings_and_irqs_are_refused);
	tcase_add_test(tc, full_buffer_is_never_overrun);
	tcase_add_test(tc, pkglength_that_does_not_fit_is_refused);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
