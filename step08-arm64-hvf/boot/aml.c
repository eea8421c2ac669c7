/*
 * aml.c - a small AML encoder: names, integers, strings, buffers,
 * packages, Name, Scope, Device, and the resource descriptors a
 * virtio-mmio device and a 16550 need.
 *
 * Runs: userspace (the VMM), once at start; the host unit tests include
 * this file and compare its bytes with what iasl makes of the same ASL.
 * Spec: ACPI Specification, "ACPI Machine Language (AML) Specification":
 * "AML Byte Stream Byte Values", "Package Length Encoding", "Name Objects
 * Encoding", "Data Objects Encoding", "Namespace Modifier Objects
 * Encoding", "Named Objects Encoding", "Expression Opcodes Encoding";
 * "Resource Data Types for ACPI": "Small Resource Data Type", "Large
 * Resource Data Type", "IRQ Descriptor", "I/O Port Descriptor", "End Tag",
 * "32-Bit Fixed Memory Range Descriptor", "Extended Interrupt
 * Descriptor"; "ASL Operator Reference": "EISAID (EISA ID String To
 * Integer Conversion Macro)".
 */
#include <errno.h>
#include <string.h>

#include "aml.h"

/* "AML Byte Stream Byte Values" (the opcodes and prefixes we emit). */
#define AML_ZERO_OP	      0x00
#define AML_ONE_OP	      0x01
#define AML_NAME_OP	      0x08
#define AML_BYTE_PREFIX	      0x0a
#define AML_WORD_PREFIX	      0x0b
#define AML_DWORD_PREFIX      0x0c
#define AML_STRING_PREFIX     0x0d
#define AML_QWORD_PREFIX      0x0e
#define AML_SCOPE_OP	      0x10
#define AML_BUFFER_OP	      0x11
#define AML_PACKAGE_OP	      0x12
#define AML_DUAL_NAME_PREFIX  0x2e
#define AML_MULTI_NAME_PREFIX 0x2f
#define AML_EXT_OP_PREFIX     0x5b
#define AML_DEVICE_OP	      0x82 /* after AML_EXT_OP_PREFIX */
#define AML_ROOT_CHAR	      0x5c /* '\' */
#define AML_PARENT_PREFIX     0x5e /* '^' */
#define AML_NULL_NAME	      0x00
#define AML_ONES_OP	      0xff

#define AML_NAMESEG_SIZE  4
#define AML_NAMESEG_PAD	  '_'
#define AML_NAME_SEGS_MAX 255 /* MultiNamePrefix's SegCount is a byte */

/* "Package Length Encoding": bits 7-6 of the lead byte count the bytes
 * that follow; a one-byte PkgLength keeps 6 bits, longer ones 4. */
#define AML_PKGLENGTH_1BYTE_MAX	  0x3f
#define AML_PKGLENGTH_BYTES_SHIFT 6
#define AML_PKGLENGTH_LEAD_BITS	  4
#define AML_PKGLENGTH_LEAD_MASK	  0x0f
#define AML_PKGLENGTH_LIMIT	  (1u << 28) /* 4 + 3 * 8 bits */

/* "Small Resource Data Type": tag byte = item name << 3 | length. */
#define ACPI_RESOURCE_SMALL(name, len) ((uint8_t)((name) << 3 | (len)))
#define ACPI_RESOURCE_NAME_IRQ	       0x04
#define ACPI_RESOURCE_NAME_IO	       0x08
#define ACPI_RESOURCE_NAME_END_TAG     0x0f
#define ACPI_IRQ_NOFLAGS_LENGTH	       2 /* the two-byte mask, no flags */
#define ACPI_IO_LENGTH		       7
#define ACPI_END_TAG_LENGTH	       1
#define ACPI_IO_DECODE16	       (1u << 0)
#define ACPI_ISA_IRQS		       16

/* "Large Resource Data Type": tag byte = 0x80 | item name, then a
 * 16-bit length of the data that follows. */
#define ACPI_RESOURCE_LARGE(name)	  ((uint8_t)(0x80 | (name)))
#define ACPI_RESOURCE_NAME_FIXED_MEMORY32 0x06
#define ACPI_RESOURCE_NAME_EXTENDED_IRQ	  0x09
#define ACPI_FIXED_MEMORY32_LENGTH	  9
#define ACPI_EXTENDED_IRQ_LENGTH(n)	  (2 + 4 * (n)) /* flags, count */
#define ACPI_MEMORY32_READ_WRITE	  (1u << 0)

/* "EISAID": three letters of 5 bits each ('A' = 1) and four hex digits. */
#define EISAID_CHARS	7
#define EISAID_LETTERS	3
#define EISAID_LETTER_0 ('A' - 1)

void aml_init(struct aml *a, uint8_t *buf, size_t cap)
{
	a->buf = buf;
	a->cap = cap;
	a->len = 0;
	a->err = 0;
}

static void aml_fail(struct aml *a, int err)
{
	if (!a->err)
		a->err = err;
}

/* Append n bytes, or record -ENOSPC and write nothing. */
static void aml_emit(struct aml *a, const void *p, size_t n)
{
	if (a->err || n == 0) /* n == 0: p may be NULL (an empty Buffer) */
		return;
	if (n > a->cap - a->len) {
		aml_fail(a, -ENOSPC);
		return;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void aml_byte(struct aml *a, uint8_t b)
{
	aml_emit(a, &b, 1);
}

/* AML and resource data are little-endian: write byte by byte. */
static void aml_le(struct aml *a, uint64_t v, size_t bytes)
{
	for (size_t i = 0; i < bytes; i++)
		aml_byte(a, (uint8_t)(v >> (8 * i)));
}

/* Insert n bytes at offset at, moving what follows: how a PkgLength (or a
 * BufferSize) lands in front of contents already written. */
static void aml_insert(struct aml *a, size_t at, const uint8_t *p, size_t n)
{
	if (a->err)
		return;
	if (at > a->len || n > a->cap - a->len) {
		aml_fail(a, -ENOSPC);
		return;
	}
	memmove(a->buf + at + n, a->buf + at, a->len - at);
	memcpy(a->buf + at, p, n);
	a->len += n;
}

/* book:begin pkglength */
/*
 * "Package Length Encoding".  A PkgLength counts itself plus what follows
 * it up to the end of the object, so its own size takes part in the sum:
 * contents of 62 bytes give 63 (one byte), contents of 63 give 65 (two
 * bytes: 63 + 1 = 64 does not fit in six bits).  Returns the number of
 * bytes written to out (1-4), or 0 if the object is too big for AML.
 */
size_t aml_pkglength_encode(uint8_t out[AML_PKGLENGTH_MAX], size_t contents)
{
	size_t n, length = 0;

	if (contents + 1 <= AML_PKGLENGTH_1BYTE_MAX) {
		out[0] = (uint8_t)(contents + 1);
		return 1;
	}
	for (n = 2; n <= AML_PKGLENGTH_MAX; n++) {
		length = contents + n;
		if (length < 1u << (AML_PKGLENGTH_LEAD_BITS + 8 * (n - 1)))
			break;
	}
	if (n > AML_PKGLENGTH_MAX)
		return 0;
	out[0] = (uint8_t)((n - 1) << AML_PKGLENGTH_BYTES_SHIFT |
			   (length & AML_PKGLENGTH_LEAD_MASK));
	for (size_t i = 1; i < n; i++)
		out[i] = (uint8_t)(length >>
				   (AML_PKGLENGTH_LEAD_BITS + 8 * (i - 1)));
	return n;
}
/* book:end pkglength */

/* Close an object opened at mark: put its PkgLength in front of it. */
static void aml_pkg_end(struct aml *a, size_t mark)
{
	uint8_t pkglength[AML_PKGLENGTH_MAX];
	size_t n;

	if (a->err)
		return;
	n = aml_pkglength_encode(pkglength, a->len - mark);
	if (!n) {
		aml_fail(a, -ENOSPC);
		return;
	}
	aml_insert(a, mark, pkglength, n);
}

/* "Name Objects Encoding": LeadNameChar is 'A'-'Z' or '_'; NameChar adds
 * the digits.  Lower case is not allowed in AML. */
static bool aml_name_char_ok(char c, bool lead)
{
	if ((c >= 'A' && c <= 'Z') || c == '_')
		return true;
	return !lead && c >= '0' && c <= '9';
}

/* One NameSeg of 1-4 characters from s (up to '.' or the end), padded
 * with '_' to four as ASL does ("_SB" is "_SB_").  Returns its length. */
static size_t aml_nameseg(struct aml *a, const char *s)
{
	char seg[AML_NAMESEG_SIZE];
	size_t n = strcspn(s, ".");

	if (n == 0 || n > AML_NAMESEG_SIZE) {
		aml_fail(a, -EINVAL);
		return n;
	}
	for (size_t i = 0; i < AML_NAMESEG_SIZE; i++) {
		seg[i] = i < n ? s[i] : AML_NAMESEG_PAD;
		if (!aml_name_char_ok(seg[i], i == 0))
			aml_fail(a, -EINVAL);
	}
	aml_emit(a, seg, AML_NAMESEG_SIZE);
	return n;
}

static size_t aml_count_segs(const char *path)
{
	size_t segs = *path ? 1 : 0;

	for (; *path; path++)
		segs += *path == '.';
	return segs;
}

/*
 * "Name Objects Encoding": NameString := <RootChar | PrefixPath> NamePath,
 * where NamePath is a NameSeg, DualNamePrefix + two, MultiNamePrefix +
 * SegCount + that many, or NullName.
 */
void aml_namestring(struct aml *a, const char *path)
{
	size_t segs;

	if (*path == AML_ROOT_CHAR)
		aml_byte(a, (uint8_t)*path++);
	else
		while (*path == AML_PARENT_PREFIX)
			aml_byte(a, (uint8_t)*path++);
	segs = aml_count_segs(path);
	if (segs == 0) {
		aml_byte(a, AML_NULL_NAME);
		return;
	}
	if (segs > AML_NAME_SEGS_MAX) {
		aml_fail(a, -EINVAL);
		return;
	}
	if (segs == 2) {
		aml_byte(a, AML_DUAL_NAME_PREFIX);
	} else if (segs > 2) {
		aml_byte(a, AML_MULTI_NAME_PREFIX);
		aml_byte(a, (uint8_t)segs);
	}
	while (!a->err) {
		path += aml_nameseg(a, path);
		if (*path++ != '.')
			break;
	}
}

/*
 * "Data Objects Encoding": ConstObj (ZeroOp, OneOp, OnesOp) where one
 * fits, else the smallest of ByteConst, WordConst, DWordConst, QWordConst.
 * Our tables are revision 2 (64-bit integers), so Ones is all 64 bits.
 * This is what iasl emits for an integer constant.
 */
void aml_integer(struct aml *a, uint64_t v)
{
	if (v == 0) {
		aml_byte(a, AML_ZERO_OP);
	} else if (v == 1) {
		aml_byte(a, AML_ONE_OP);
	} else if (v == UINT64_MAX) {
		aml_byte(a, AML_ONES_OP);
	} else if (v <= UINT8_MAX) {
		aml_byte(a, AML_BYTE_PREFIX);
		aml_le(a, v, sizeof(uint8_t));
	} else if (v <= UINT16_MAX) {
		aml_byte(a, AML_WORD_PREFIX);
		aml_le(a, v, sizeof(uint16_t));
	} else if (v <= UINT32_MAX) {
		aml_byte(a, AML_DWORD_PREFIX);
		aml_le(a, v, sizeof(uint32_t));
	} else {
		aml_byte(a, AML_QWORD_PREFIX);
		aml_le(a, v, sizeof(uint64_t));
	}
}

/* "Data Objects Encoding": String := StringPrefix AsciiCharList NullChar;
 * AsciiChar is 0x01-0x7F. */
void aml_string(struct aml *a, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] > 0x7f)
			aml_fail(a, -EINVAL);
	aml_byte(a, AML_STRING_PREFIX);
	aml_emit(a, s, n + 1);
}

/*
 * "Expression Opcodes Encoding": DefBuffer := BufferOp PkgLength
 * BufferSize ByteList.  BufferSize is an integer (smallest encoding) and
 * is counted inside the PkgLength.
 */
void aml_buffer(struct aml *a, const void *data, size_t len)
{
	size_t mark;

	aml_byte(a, AML_BUFFER_OP);
	mark = a->len;
	aml_integer(a, len);
	aml_emit(a, data, len);
	aml_pkg_end(a, mark);
}

/* Decode one hex digit of an EISA ID (upper case, as the spec writes). */
static int eisaid_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* book:begin eisaid */
/*
 * "EISAID": "PNP0501" becomes a 32-bit integer whose bytes, in memory
 * order, are the three letters packed 5 bits each (two bytes, big-endian)
 * and the four hex digits (two more bytes, as written).  Malformed IDs
 * set -EINVAL.
 */
void aml_eisaid(struct aml *a, const char *id)
{
	uint32_t letters = 0, digits = 0;
	size_t i;

	if (strlen(id) != EISAID_CHARS) {
		aml_fail(a, -EINVAL);
		return;
	}
	for (i = 0; i < EISAID_LETTERS; i++) {
		if (id[i] < 'A' || id[i] > 'Z')
			aml_fail(a, -EINVAL);
		letters = letters << 5 | (uint32_t)(id[i] - EISAID_LETTER_0);
	}
	for (; i < EISAID_CHARS; i++) {
		if (eisaid_hex(id[i]) < 0)
			aml_fail(a, -EINVAL);
		digits = digits << 4 | (uint32_t)(eisaid_hex(id[i]) & 0xf);
	}
	/* Memory order: letters (high byte first), then digits likewise. */
	aml_integer(a, (letters >> 8 & 0xff) | (letters & 0xff) << 8 |
			       (digits >> 8 & 0xff) << 16 |
			       (uint32_t)(digits & 0xff) << 24);
}
/* book:end eisaid */

/* "Namespace Modifier Objects Encoding": DefName := NameOp NameString
 * DataRefObject; the caller writes the object next. */
void aml_name(struct aml *a, const char *path)
{
	aml_byte(a, AML_NAME_OP);
	aml_namestring(a, path);
}

/* "Namespace Modifier Objects Encoding": DefScope := ScopeOp PkgLength
 * NameString TermList. */
size_t aml_scope_begin(struct aml *a, const char *path)
{
	size_t mark;

	aml_byte(a, AML_SCOPE_OP);
	mark = a->len;
	aml_namestring(a, path);
	return mark;
}

void aml_scope_end(struct aml *a, size_t mark)
{
	aml_pkg_end(a, mark);
}

/* "Named Objects Encoding": DefDevice := DeviceOp PkgLength NameString
 * TermList, DeviceOp being ExtOpPrefix 0x82. */
size_t aml_device_begin(struct aml *a, const char *path)
{
	size_t mark;

	aml_byte(a, AML_EXT_OP_PREFIX);
	aml_byte(a, AML_DEVICE_OP);
	mark = a->len;
	aml_namestring(a, path);
	return mark;
}

void aml_device_end(struct aml *a, size_t mark)
{
	aml_pkg_end(a, mark);
}

/* "Expression Opcodes Encoding": DefPackage := PackageOp PkgLength
 * NumElements PackageElementList. */
size_t aml_package_begin(struct aml *a, uint8_t num_elements)
{
	size_t mark;

	aml_byte(a, AML_PACKAGE_OP);
	mark = a->len;
	aml_byte(a, num_elements);
	return mark;
}

void aml_package_end(struct aml *a, size_t mark)
{
	aml_pkg_end(a, mark);
}

/* A ResourceTemplate is a Buffer whose ByteList is resource descriptors:
 * begin opens the Buffer; its size is known, and inserted, at the end. */
size_t aml_resource_template_begin(struct aml *a)
{
	aml_byte(a, AML_BUFFER_OP);
	return a->len;
}

/* book:begin end_tag */
/*
 * "End Tag": the tag and a checksum byte.  The spec gives the checksum
 * two meanings: a value that makes the resource data sum to zero, or 0,
 * which "is treated as if the checksum operation succeeded".  iasl writes
 * 0 (so do QEMU and Firecracker); we do too, and so our templates match
 * iasl's byte for byte.  Then the BufferSize goes in front, and the
 * PkgLength in front of that.
 */
void aml_resource_template_end(struct aml *a, size_t mark)
{
	struct aml size;
	uint8_t size_bytes[1 + sizeof(uint64_t)];

	aml_byte(a, ACPI_RESOURCE_SMALL(ACPI_RESOURCE_NAME_END_TAG,
					ACPI_END_TAG_LENGTH));
	aml_byte(a, 0); /* checksum: 0, "treated as if ... succeeded" */
	aml_init(&size, size_bytes, sizeof(size_bytes));
	aml_integer(&size, a->len - mark);
	aml_insert(a, mark, size_bytes, size.len);
	aml_pkg_end(a, mark);
}
/* book:end end_tag */

/* "32-Bit Fixed Memory Range Descriptor": a window at a fixed address. */
void aml_memory32_fixed(struct aml *a, bool writeable, uint32_t base,
			uint32_t length)
{
	aml_byte(a, ACPI_RESOURCE_LARGE(ACPI_RESOURCE_NAME_FIXED_MEMORY32));
	aml_le(a, ACPI_FIXED_MEMORY32_LENGTH, sizeof(uint16_t));
	aml_byte(a, writeable ? ACPI_MEMORY32_READ_WRITE : 0);
	aml_le(a, base, sizeof(uint32_t));
	aml_le(a, length, sizeof(uint32_t));
}

/* "Extended Interrupt Descriptor" with one interrupt number (a GSI on
 * x86) and no ResourceSource. */
void aml_extended_interrupt(struct aml *a, uint8_t flags, uint32_t gsi)
{
	aml_byte(a, ACPI_RESOURCE_LARGE(ACPI_RESOURCE_NAME_EXTENDED_IRQ));
	aml_le(a, ACPI_EXTENDED_IRQ_LENGTH(1), sizeof(uint16_t));
	aml_byte(a, flags);
	aml_byte(a, 1); /* interrupt table length */
	aml_le(a, gsi, sizeof(uint32_t));
}

/* "I/O Port Descriptor": a range of ports [min, max] in steps of
 * alignment, length ports long. */
void aml_io(struct aml *a, bool decode16, uint16_t min, uint16_t max,
	    uint8_t alignment, uint8_t length)
{
	aml_byte(a, ACPI_RESOURCE_SMALL(ACPI_RESOURCE_NAME_IO, ACPI_IO_LENGTH));
	aml_byte(a, decode16 ? ACPI_IO_DECODE16 : 0);
	aml_le(a, min, sizeof(uint16_t));
	aml_le(a, max, sizeof(uint16_t));
	aml_byte(a, alignment);
	aml_byte(a, length);
}

/* "IRQ Descriptor", the two-byte form: a mask of ISA IRQs 0-15 with the
 * ISA defaults (edge-triggered, active-high, exclusive). */
void aml_irq_noflags(struct aml *a, unsigned int irq)
{
	if (irq >= ACPI_ISA_IRQS) {
		aml_fail(a, -EINVAL);
		return;
	}
	aml_byte(a, ACPI_RESOURCE_SMALL(ACPI_RESOURCE_NAME_IRQ,
					ACPI_IRQ_NOFLAGS_LENGTH));
	aml_le(a, 1u << irq, sizeof(uint16_t));
}
