/*
 * image.c - load an arm64 Linux Image the way booting.rst asks a boot
 * loader to: read the 64-byte header, refuse what cannot be booted, place
 * kernel, initrd and device tree, copy them in.
 *
 * Runs: userspace (the VMM, any backend), before any vCPU runs; pure
 * functions over the file, the layout and guest memory (the unit tests
 * include this file).  Nothing is written to guest memory before every
 * check passed.
 *
 * Spec: Documentation/arch/arm64/booting.rst: "Setup the device tree" (the
 * DTB on an 8-byte boundary, at most 2 MiB, not in a 2 MiB region mapped
 * with special attributes), "Setup the initrd/initramfs" (anywhere in RAM,
 * given in /chosen), "Call the kernel image" (the header: magic, endianness,
 * text_offset, image_size, flags; "The Image must be placed text_offset
 * bytes from a 2MB aligned base address anywhere in usable system RAM";
 * "At least image_size bytes from the start of the image must be free for
 * use by the kernel"; pre-3.17 kernels have image_size 0).
 *
 * Unlike x86's bzImage, an arm64 Image is the kernel itself, uncompressed,
 * with a header that is also its first instructions: code0 branches past
 * it.  The loader copies the file, tells the kernel where its device tree
 * is (X0) and jumps to the first byte.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "arch/arm64/image.h"
#include "arch/arm64/machine.h"

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

#define HEADER_FIELD(f) offsetof(struct arm64_image_header, f)

/* book:begin arm64_image_parse */
/*
 * Is this an Image the arm64 boot protocol can start on this machine?
 * Returns 0 and fills *img, or:
 *   -ENOEXEC          shorter than the header, or no "ARM\x64" magic (a
 *                     gzip-compressed vmlinuz, an ELF vmlinux, an x86 kernel)
 *   -EPROTONOSUPPORT  a big-endian kernel (flags bit 0)
 *   -EOPNOTSUPP       image_size 0: a kernel older than 3.17, whose memory
 *                     needs the header does not state
 *   -EINVAL           a header that contradicts itself: text_offset not
 *                     inside the 2 MiB its base is aligned to, or an
 *                     image_size smaller than the file
 */
int arm64_image_parse(const uint8_t *file, uint64_t size,
		      struct arm64_image *img)
{
	memset(img, 0, sizeof(*img));
	if (size < sizeof(struct arm64_image_header) ||
	    get_le32(file + HEADER_FIELD(magic)) != ARM64_IMAGE_MAGIC)
		return -ENOEXEC;
	img->text_offset = get_le64(file + HEADER_FIELD(text_offset));
	img->image_size = get_le64(file + HEADER_FIELD(image_size));
	img->flags = get_le64(file + HEADER_FIELD(flags));
	if (img->flags & ARM64_IMAGE_FLAG_BE)
		return -EPROTONOSUPPORT;
	if (img->image_size == 0)
		return -EOPNOTSUPP;
	if (img->text_offset >= ARM64_IMAGE_BASE_ALIGN ||
	    img->image_size < size)
		return -EINVAL;
	img->file = file;
	img->file_size = size;
	return 0;
}
/* book:end arm64_image_parse */

/* The kernel's page size from flags bits 1-2, in KiB; 0 if unspecified. */
unsigned int arm64_image_page_size_kib(const struct arm64_image *img)
{
	static const unsigned int kib[] = {
		[ARM64_IMAGE_PAGE_SIZE_UNSPECIFIED] = 0,
		[ARM64_IMAGE_PAGE_SIZE_4K] = 4,
		[ARM64_IMAGE_PAGE_SIZE_16K] = 16,
		[ARM64_IMAGE_PAGE_SIZE_64K] = 64,
	};

	return kib[(img->flags & ARM64_IMAGE_FLAG_PAGE_SIZE_MASK) >>
		   ARM64_IMAGE_FLAG_PAGE_SIZE_SHIFT];
}

/* book:begin arm64_image_layout */
/*
 * Where kernel, initrd and device tree go in RAM [0, mem_size):
 *   the kernel at MACHINE_KERNEL_BASE + text_offset, the base being RAM's
 *   first 2 MiB boundary ("as close as possible to the base of DRAM", which
 *   matters to kernels without the physical-placement flag), with
 *   image_size bytes free from there;
 *   the device tree in RAM's last 2 MiB region, which nothing else shares;
 *   the initrd just below it, page-aligned, above the kernel's image_size.
 * Returns 0, or -ERANGE for a memory size the machine does not have (not
 * whole 2 MiB blocks, below MACHINE_RAM_MIN, above MACHINE_RAM_MAX),
 * -ENOMEM if the kernel's image_size does not fit below the device tree,
 * -ENOSPC if the initrd does not fit between the kernel and the tree.
 */
int arm64_image_layout(const struct arm64_image *img, uint64_t mem_size,
		       uint64_t initrd_size, struct arm64_boot_layout *lay)
{
	memset(lay, 0, sizeof(*lay));
	if (mem_size < MACHINE_RAM_MIN || mem_size > MACHINE_RAM_MAX ||
	    mem_size % MACHINE_RAM_ALIGN)
		return -ERANGE;
	lay->mem_size = mem_size;
	lay->dtb_addr = mem_size - MACHINE_DTB_MAX;
	lay->kernel_addr = MACHINE_KERNEL_BASE + img->text_offset;
	if (img->image_size > lay->dtb_addr - lay->kernel_addr)
		return -ENOMEM;
	lay->kernel_end = lay->kernel_addr + img->image_size;
	if (initrd_size == 0)
		return 0;
	if (initrd_size > lay->dtb_addr - lay->kernel_end)
		return -ENOSPC;
	lay->initrd_addr = (lay->dtb_addr - initrd_size) &
			   ~(uint64_t)(MACHINE_INITRD_ALIGN - 1);
	if (lay->initrd_addr < lay->kernel_end)
		return -ENOSPC;
	lay->initrd_size = initrd_size;
	return 0;
}
/* book:end arm64_image_layout */

/*
 * Copy the kernel file and the initrd where the layout says.  The rest of
 * the kernel's image_size (its bss) is left as RAM comes: zero, since the
 * VMM's guest memory is fresh anonymous memory.  -EFAULT if the layout
 * does not fit this guest memory (a layout made for another size).
 */
int arm64_image_load(const struct guest_mem *mem, const struct arm64_image *img,
		     const struct arm64_boot_layout *lay, const uint8_t *initrd)
{
	uint8_t *kernel = gpa_to_hva(mem, lay->kernel_addr, img->image_size);
	uint8_t *rd = NULL;

	if (!kernel || lay->mem_size != mem->size)
		return -EFAULT;
	if (lay->initrd_size) {
		rd = gpa_to_hva(mem, lay->initrd_addr, lay->initrd_size);
		if (!rd)
			return -EFAULT;
	}
	memcpy(kernel, img->file, img->file_size);
	if (rd)
		memcpy(rd, initrd, lay->initrd_size);
	return 0;
}

const char *arm64_image_strerror(int err)
{
	switch (err) {
	case -ENOEXEC:
		return "not an arm64 Image (no \"ARM\\x64\" magic at offset 56; a gzip-compressed vmlinuz must be gunzipped first)";
	case -EPROTONOSUPPORT:
		return "a big-endian kernel (flags bit 0); this machine boots little-endian ones";
	case -EOPNOTSUPP:
		return "image_size is 0: a kernel older than 3.17, whose memory needs its header does not state";
	case -EINVAL:
		return "the header contradicts itself (text_offset of 2 MiB or more, or image_size smaller than the file)";
	case -ERANGE:
		return "a memory size this machine cannot have (64 MiB to 3 GiB, in whole 2 MiB blocks)";
	case -ENOMEM:
		return "memory too small for the kernel (image_size from its load address, below the device tree)";
	case -ENOSPC:
		return "memory too small for the kernel and the initrd";
	case -EFAULT:
		return "the layout does not fit the guest memory";
	default:
		return "unknown error";
	}
}
