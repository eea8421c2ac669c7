/*
 * linux.c (arm64) - what goes into guest RAM before a vCPU runs: an arm64
 * Image and its initrd, checked and placed as booting.rst asks (the device
 * tree follows, machine.c), or a flat guest at MACHINE_GUEST_LOAD_ADDR;
 * the kernel's command line.
 *
 * Runs: userspace (the arm64 VMM), from main(), before the hypervisor is
 * touched: a bad file is bad input, exit status 2.
 * Spec: Documentation/arch/arm64/booting.rst (arch/arm64/image.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch/arm64/vm.h"
#include "console.h"

#define CMDLINE_CONSOLE "console=ttyS0"

/* A whole regular file in memory, or exit 2 naming the problem. */
uint8_t *arm64_read_file(const char *what, const char *path, uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	char shown[SHOWN_MAX];
	struct stat st;
	uint8_t *buf;

	console_shown(shown, path);
	if (fd < 0)
		bad_input("%s '%s': %s", what, shown, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
		bad_input("%s '%s' is not a regular file with data", what,
			  shown);
	buf = malloc((size_t)st.st_size);
	if (!buf)
		die_perror("malloc");
	for (off_t got = 0, n; got < st.st_size; got += n) {
		n = read(fd, buf + got, (size_t)(st.st_size - got));
		if (n <= 0)
			bad_input("%s '%s': %s", what, shown,
				  n ? strerror(errno) : "shorter than it said");
	}
	close(fd);
	*size = (uint64_t)st.st_size;
	return buf;
}

/* The VM is over: the first to say so decides the status. */
/* book:begin load */
/*
 * The kernel's release, from its banner ("Linux version 6.12.95+deb12-
 * cloud-arm64 (...)"), which an uncompressed Image holds as plain text;
 * "unknown" when it has none.
 */
static void image_release(const uint8_t *image, uint64_t size, char *dst,
			  size_t room)
{
	static const char banner[] = "Linux version ";
	const uint8_t *p = memmem(image, size, banner, sizeof(banner) - 1);
	size_t n = 0;

	if (p) {
		p += sizeof(banner) - 1;
		while (n + 1 < room && p + n < image + size && p[n] > ' ' &&
		       p[n] < 0x7f)
			n++;
	}
	snprintf(dst, room, "%.*s", (int)n, n ? (const char *)p : "unknown");
}

/* The kernel and its initrd, checked against the Image header and --mem. */
void arm64_linux_load(struct arm64_machine *m, const char *cmdline)
{
	uint64_t ksize, isize = 0;
	uint8_t *kernel = arm64_read_file("kernel", m->o.kernel, &ksize);
	uint8_t *initrd =
		m->o.initrd ? arm64_read_file("initrd", m->o.initrd, &isize)
			    : NULL;
	struct arm64_image img;
	char shown[SHOWN_MAX];
	int err = arm64_image_parse(kernel, ksize, &img);

	console_shown(shown, m->o.kernel);
	if (err)
		bad_input("kernel '%s': %s", shown, arm64_image_strerror(err));
	err = arm64_image_layout(&img, m->o.mem_size, isize, &m->lay);
	if (err)
		bad_input("kernel '%s': %s (--mem %llu MiB, initrd %llu bytes)",
			  shown, arm64_image_strerror(err),
			  (unsigned long long)(m->o.mem_size / MIB),
			  (unsigned long long)isize);
	image_release(kernel, ksize, m->release, sizeof(m->release));
	if (arm64_image_load(&m->mem, &img, &m->lay, initrd) < 0)
		die("arm64_image_load: the layout does not fit guest memory");
	vmm_say("arm64 Image (Linux %s), text_offset %#llx, image_size %#llx, %u KiB pages, at %#llx; initrd %llu bytes at %#llx; device tree at %#llx; %u vCPU%s; %llu MiB",
		m->release, (unsigned long long)img.text_offset,
		(unsigned long long)img.image_size,
		arm64_image_page_size_kib(&img),
		(unsigned long long)m->lay.kernel_addr,
		(unsigned long long)m->lay.initrd_size,
		(unsigned long long)m->lay.initrd_addr,
		(unsigned long long)m->lay.dtb_addr, m->o.cpus,
		m->o.cpus > 1 ? "s" : "",
		(unsigned long long)(m->o.mem_size / MIB));
	vmm_say("command line: %s", cmdline);
	free(kernel);
	free(initrd);
}

/* A flat guest: its bytes at MACHINE_GUEST_LOAD_ADDR, entered there. */
void arm64_guest_load(struct arm64_machine *m)
{
	uint64_t size;
	uint8_t *bin = arm64_read_file("guest", m->o.guest, &size);

	if (size > m->o.mem_size - MACHINE_GUEST_LOAD_ADDR)
		bad_input("guest: %llu bytes do not fit in RAM",
			  (unsigned long long)size);
	memcpy(gpa_to_hva(&m->mem, MACHINE_GUEST_LOAD_ADDR, size), bin, size);
	vmm_say("loaded %s (%llu bytes) at %#x", m->o.guest,
		(unsigned long long)size, MACHINE_GUEST_LOAD_ADDR);
	free(bin);
}

/* book:end load */

/* The command line: the user's, with the serial console when it names
 * none. */
char *arm64_cmdline(const char *user)
{
	char *s;

	if (!user)
		user = "";
	if (strstr(user, "console="))
		return strdup(user);
	if (asprintf(&s, "%s%s%s", user, *user ? " " : "", CMDLINE_CONSOLE) < 0)
		die_perror("asprintf");
	return s;
}
