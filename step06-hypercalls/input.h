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

int parse_size(const char *text, uint64_t *size);
int parse_count(const char *text, unsigned int max, unsigned int *count);
int image_load(const char *path, uint8_t *dst, size_t room, size_t *size);

#endif
