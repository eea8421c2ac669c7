/*
 * acpi_ref.h - what test_aml.c and test_acpi.c share: loading a table iasl
 * compiled from the reference sources at test-build time, and comparing
 * ours with it byte for byte.
 *
 * Runs: on the host, inside Check tests.  tests/Makefile defines
 * ACPI_REF_DIR, where iasl's outputs are.
 * Spec: ACPI 6.5 "System Description Table Header" (which bytes iasl
 * sets itself: the checksum and the ASL compiler ID and revision).
 */
#ifndef ACPI_REF_H
#define ACPI_REF_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>

#ifndef ACPI_REF_DIR
#error "tests/Makefile passes -DACPI_REF_DIR (iasl's reference tables)"
#endif

#define REF_MAX		  0x4000
#define HDR_SIZE	  36 /* "System Description Table Header" */
#define HDR_CHECKSUM	  9
#define HDR_COMPILER_ID	  28 /* ASL compiler ID (4) and revision (4) */
#define HDR_COMPILER_SIZE 8

/* Read ACPI_REF_DIR/name into buf; fails the test if it is not there. */
static size_t ref_load(const char *name, uint8_t *buf, size_t cap)
{
	char path[4096];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", ACPI_REF_DIR, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "no reference table %s (run make in tests/)",
		      path);
	n = fread(buf, 1, cap, f);
	fclose(f);
	ck_assert_msg(n > 0 && n < cap, "reference %s: %zu bytes", path, n);
	return n;
}

/* Every byte in [from, to) equal; a failure names the first difference. */
static void ck_same_bytes(const uint8_t *ours, const uint8_t *ref, size_t from,
			  size_t to, const char *what)
{
	for (size_t i = from; i < to; i++)
		ck_assert_msg(ours[i] == ref[i],
			      "%s: byte %zu (0x%zx) is 0x%02x, iasl has 0x%02x",
			      what, i, i, ours[i], ref[i]);
}

/* The bytes of a table sum to zero (mod 256). */
static uint8_t byte_sum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum;
}

/*
 * Our table against iasl's, compiled from ref_name: the same length,
 * every byte the same except those iasl stamps itself (the checksum, its
 * compiler ID and revision), and our own checksum right.
 */
static void ck_table_matches_iasl(const uint8_t *ours, size_t len,
				  const char *ref_name)
{
	static uint8_t ref[REF_MAX];
	size_t ref_len = ref_load(ref_name, ref, sizeof(ref));

	ck_assert_uint_eq(len, ref_len);
	ck_same_bytes(ours, ref, 0, HDR_CHECKSUM, ref_name);
	ck_same_bytes(ours, ref, HDR_CHECKSUM + 1, HDR_COMPILER_ID, ref_name);
	ck_same_bytes(ours, ref, HDR_SIZE, len, ref_name);
	ck_assert_uint_eq(byte_sum(ours, len), 0);
	ck_assert_uint_eq(byte_sum(ref, ref_len), 0); /* iasl's, for sanity */
}

#endif
