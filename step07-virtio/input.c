/*
 * input.c - the numbers of the command line, and the guest image.
 *
 * Runs: userspace (the VMM), before /dev/kvm is opened, so bad input fails
 * the same way on every machine, with or without KVM.  The host unit tests
 * include this file directly.
 *
 * Spec: none.  The image format is the simplest there is: a flat binary,
 * copied byte for byte to GUEST_LOAD_ADDR, entered at its first byte.
 */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout.h"
#include "input.h"

/* KVM_SET_USER_MEMORY_REGION wants whole pages. */
#define GUEST_PAGE_SIZE 0x1000

#define DECIMAL		10
#define HEXADECIMAL	16
#define SIZE_UNIT_SHIFT 10 /* K, M, G: each 1024 times the one before */

static const char *const number_errors[] = {
	[NUMBER_OK] = "a number",
	[NUMBER_MALFORMED] = "not a number of the forms --help lists",
	[NUMBER_LEADING_ZERO] = "a leading zero, which C reads as octal",
	[NUMBER_OUT_OF_RANGE] = "out of range",
	[NUMBER_NOT_PAGES] = "not a whole number of 4K pages",
};

const char *number_error_text(enum number_error err)
{
	return number_errors[err];
}

/* The value of digit c in base, or -1. */
static int digit_value(char c, unsigned int base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (base == HEXADECIMAL && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (base == HEXADECIMAL && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The digits at *text, in base, as a 64-bit value; *text moves past them.
 * Our own loop, not strtoull(): that one would skip spaces, take a sign,
 * and accept a second "0x".
 */
static enum number_error parse_digits(const char **text, unsigned int base,
				      uint64_t *value)
{
	const char *p = *text;
	uint64_t v = 0;
	int d;

	if (digit_value(*p, base) < 0)
		return NUMBER_MALFORMED;
	for (; (d = digit_value(*p, base)) >= 0; p++) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return NUMBER_OUT_OF_RANGE;
		v = v * base + (uint64_t)d;
	}
	*text = p;
	*value = v;
	return NUMBER_OK;
}

/*
 * The base a number is written in: hexadecimal after "0x", else decimal.
 * A leading zero before more digits is refused: C reads 010 as 8.
 */
static enum number_error number_base(const char **text, unsigned int *base)
{
	const char *p = *text;

	*base = DECIMAL;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		*base = HEXADECIMAL;
		*text = p + 2;
	} else if (p[0] == '0' && digit_value(p[1], DECIMAL) >= 0) {
		return NUMBER_LEADING_ZERO;
	}
	return NUMBER_OK;
}

/*
 * "2097152", "0x200000", "2048K", "2M" -> bytes: a number, then K, M or G
 * if you like.  Returns NUMBER_OK and sets *size, or says why not: a size
 * must be [min, max] and whole pages.
 */
enum number_error parse_size_in(const char *text, uint64_t min, uint64_t max,
				uint64_t *size)
{
	unsigned int base, shift = 0;
	enum number_error err;
	uint64_t value;

	err = number_base(&text, &base);
	if (err == NUMBER_OK)
		err = parse_digits(&text, base, &value);
	if (err != NUMBER_OK)
		return err;
	switch (*text) {
	case 'G':
		shift += SIZE_UNIT_SHIFT; /* fall through */
	case 'M':
		shift += SIZE_UNIT_SHIFT; /* fall through */
	case 'K':
		shift += SIZE_UNIT_SHIFT;
		text++;
		break;
	}
	if (*text != '\0')
		return NUMBER_MALFORMED;
	if (value > max >> shift || value << shift < min)
		return NUMBER_OUT_OF_RANGE;
	if ((value << shift) % GUEST_PAGE_SIZE)
		return NUMBER_NOT_PAGES;
	*size = value << shift;
	return NUMBER_OK;
}

/* A flat guest's memory size: [GUEST_MEM_MIN, GUEST_MEM_MAX]. */
enum number_error parse_size(const char *text, uint64_t *size)
{
	return parse_size_in(text, GUEST_MEM_MIN, GUEST_MEM_MAX, size);
}

/* "1".."max", decimal, -> a count.  Returns NUMBER_OK, or says why not. */
enum number_error parse_count(const char *text, unsigned int max,
			      unsigned int *count)
{
	enum number_error err;
	unsigned int base;
	uint64_t value;

	err = number_base(&text, &base);
	if (err == NUMBER_OK && base != DECIMAL)
		err = NUMBER_MALFORMED;
	if (err == NUMBER_OK)
		err = parse_digits(&text, base, &value);
	if (err != NUMBER_OK)
		return err;
	if (*text != '\0')
		return NUMBER_MALFORMED;
	if (value < 1 || value > max)
		return NUMBER_OUT_OF_RANGE;
	*count = (unsigned int)value;
	return NUMBER_OK;
}

/* book:begin image_load */
/*
 * Copy the flat image at path into dst, which has room bytes (guest memory
 * from GUEST_LOAD_ADDR to its end).  Returns 0 and the image size, or
 * -errno from open/read, -EINVAL (not a regular file: a directory, a FIFO,
 * a device), -ENODATA (empty), -EFBIG (more than room bytes; *size is then
 * the file's size).
 */
int image_load(const char *path, uint8_t *dst, size_t room, size_t *size)
{
	struct stat st;
	size_t done = 0;
	int fd, err = 0;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	fd = open(path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		err = -EINVAL;
	else if (st.st_size == 0)
		err = -ENODATA;
	else if ((uint64_t)st.st_size > room)
		err = -EFBIG;
	while (!err && done < (size_t)st.st_size) {
		ssize_t n = read(fd, dst + done, (size_t)st.st_size - done);

		if (n <= 0)
			err = n < 0 ? -errno : -EIO; /* shrank under us */
		else
			done += (size_t)n;
	}
	close(fd);
	if (err == -EFBIG)
		done = (size_t)st.st_size;
	*size = done;
	return err;
}
/* book:end image_load */
