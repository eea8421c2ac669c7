/*
 * aml.h - a small encoder for ACPI Machine Language (AML), the bytecode of
 * a DSDT: enough to describe a machine's devices to an operating system.
 *
 * Runs: userspace (the VMM), once, before the first vCPU runs; the host
 * unit tests include aml.c directly.
 * Spec: ACPI Specification, "ACPI Machine Language (AML) Specification"
 * ("AML Grammar Definition", "AML Byte Stream Byte Values", "Package
 * Length Encoding") and "Resource Data Types for ACPI".
 *
 * The writer appends to a caller's buffer and never writes past its end:
 * the first error (no room, a malformed name or ID) sticks in `err`, every
 * later call does nothing, and the caller checks once at the end.
 *
 * Objects that carry a PkgLength (Scope, Device, Package, Buffer) are
 * written as a begin/end pair: begin writes the opcode and returns a mark,
 * the caller writes the contents, end measures them and inserts the
 * PkgLength in front.  That is how nesting stays readable:
 *
 *	size_t sb = aml_scope_begin(a, "_SB_");
 *	size_t dev = aml_device_begin(a, "COM1");
 *	aml_name(a, "_HID");
 *	aml_eisaid(a, "PNP0501");
 *	aml_device_end(a, dev);
 *	aml_scope_end(a, sb);
 */
#ifndef AML_H
#define AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct aml {
	uint8_t *buf;
	size_t cap; /* bytes at buf */
	size_t len; /* bytes written */
	int err;    /* 0, -ENOSPC (no room) or -EINVAL (bad name or ID) */
};

void aml_init(struct aml *a, uint8_t *buf, size_t cap);

/* "Package Length Encoding": the 1-4 bytes of a PkgLength, or 0 if the
 * length needs more than 28 bits. */
#define AML_PKGLENGTH_MAX 4
size_t aml_pkglength_encode(uint8_t out[AML_PKGLENGTH_MAX], size_t length);

/* Names: "_SB_", "COM1", "\\_SB_.COM1", "^PARN"; short segments such as
 * "_SB" are padded with '_' as ASL does. */
void aml_namestring(struct aml *a, const char *path);

/* Data objects, each in its smallest encoding. */
void aml_integer(struct aml *a, uint64_t value);
void aml_string(struct aml *a, const char *s);
void aml_buffer(struct aml *a, const void *data, size_t len);
void aml_eisaid(struct aml *a, const char *id); /* "PNP0501" -> DWord */

/* Name (path, <the data object the caller writes next>) */
void aml_name(struct aml *a, const char *path);

/* Objects with a PkgLength. */
size_t aml_scope_begin(struct aml *a, const char *path);
void aml_scope_end(struct aml *a, size_t mark);
size_t aml_device_begin(struct aml *a, const char *path);
void aml_device_end(struct aml *a, size_t mark);
size_t aml_package_begin(struct aml *a, uint8_t num_elements);
void aml_package_end(struct aml *a, size_t mark);

/*
 * ResourceTemplate () { ... }: a Buffer holding resource descriptors and
 * the End Tag.  Between begin and end, write descriptors only.
 */
size_t aml_resource_template_begin(struct aml *a);
void aml_resource_template_end(struct aml *a, size_t mark);

/* Memory32Fixed (ReadWrite|ReadOnly, base, length) */
void aml_memory32_fixed(struct aml *a, bool writeable, uint32_t base,
			uint32_t length);

/* "Extended Interrupt Descriptor", Interrupt Vector Flags (byte 3). */
#define AML_INTERRUPT_CONSUMER	 (1u << 0) /* else the device produces it */
#define AML_INTERRUPT_EDGE	 (1u << 1) /* else level-triggered */
#define AML_INTERRUPT_ACTIVE_LOW (1u << 2) /* else active-high */
#define AML_INTERRUPT_SHARED	 (1u << 3) /* else exclusive */
#define AML_INTERRUPT_WAKE	 (1u << 4) /* can wake the system */

/* Interrupt (flags...) { gsi } */
void aml_extended_interrupt(struct aml *a, uint8_t flags, uint32_t gsi);

/* IO (Decode16|Decode10, min, max, alignment, length) */
void aml_io(struct aml *a, bool decode16, uint16_t min, uint16_t max,
	    uint8_t alignment, uint8_t length);

/* IRQNoFlags () { irq }: an ISA line, edge-triggered, active-high. */
void aml_irq_noflags(struct aml *a, unsigned int irq);

#endif
