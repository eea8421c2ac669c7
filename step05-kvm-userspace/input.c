/*
 * input.c - parse the guest memory size and load the guest image.
 *
 * Runs: userspace (the VMM), before /dev/kvm is opened, so bad input fails
 * the same way on every machine, with or without KVM.  The host unit tests
 * include this file directly.
 *
 * Spec: none.  The image format is the simplest there is: a flat binary,
 * copied byte for byte to GUEST_LOAD_ADDR, entered at its first byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout.h"
#include "input.h"

/* KVM_SET_USER_MEMORY_REGION wants whole pages. */
#define GUEST_PAGE_SIZE 0x1000

/*
 * "2M", "64K", "1G", "4096" or "0x200000" -> bytes.  Returns 0, -EINVAL for
 * text that is not a size or not a whole number of pages, -ERANGE outside
 * [GUEST_MEM_MIN, GUEST_MEM_MAX].
 */
int parse_size(const char *text, uint64_t *size)
{
	unsigned long long value;
	unsigned int shift = 0;
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return -EINVAL; /* strtoull would accept "-1" and " 1" */
	errno = 0;
	value = strtoull(text, &end, 0);
	if (errno)
		return -ERANGE;
	switch (*end) {
	case 'G':
		shift += 10; /* fall through */
	case 'M':
		shift += 10; /* fall through */
	case 'K':
		shift += 10;
		end++;
		break;
	}
	if (*end != '\0' || end == text)
		return -EINVAL;
	if (value > (uint64_t)GUEST_MEM_MAX >> shift)
		return -ERANGE;
	value <<= shift;
	if (value < GUEST_MEM_MIN)
		return -ERANGE;
	if (value % GUEST_PAGE_SIZE)
		return -EINVAL;
	*size = value;
	return 0;
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
