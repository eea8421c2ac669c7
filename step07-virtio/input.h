/*
 * input.h - everything the user hands the VMM, checked before KVM is touched.
 *
 * Runs: userspace (the VMM) and the host unit tests.
 * Spec: none; this is the VMM's own command-line and image contract.
 */
#ifndef INPUT_H
#define INPUT_H

#include <stddef.h>
#include <stdint.h>

/* Why a number from the command line was refused. */
enum number_error {
	NUMBER_OK,
	NUMBER_MALFORMED,    /* not one of the forms --help lists */
	NUMBER_LEADING_ZERO, /* 010: octal to C, ten to everyone else */
	NUMBER_OUT_OF_RANGE,
	NUMBER_NOT_PAGES, /* a size that is not whole pages */
};

const char *number_error_text(enum number_error err);
enum number_error parse_size_in(const char *text, uint64_t min, uint64_t max,
				uint64_t *size);
enum number_error parse_size(const char *text, uint64_t *size);
enum number_error parse_count(const char *text, unsigned int max,
			      unsigned int *count);
int image_load(const char *path, uint8_t *dst, size_t room, size_t *size);

#endif
