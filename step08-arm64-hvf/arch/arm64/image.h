/*
 * image.h - the arm64 Linux boot protocol, as a boot loader sees it: check
 * an Image's header, decide where kernel, initrd and device tree go, and
 * copy the kernel and initrd into guest memory.
 *
 * Runs: userspace (the VMM, any backend), before any vCPU runs.  Pure over
 * its arguments and guest memory, so the host unit tests include image.c.
 *
 * Spec: Documentation/arch/arm64/booting.rst ("Setup the device tree",
 * "Decompress the kernel image", "Call the kernel image": the 64-byte
 * header, text_offset, image_size, the flags, the 2 MiB aligned base).
 * The header is not in any UAPI header (arch/arm64/include/asm/image.h is
 * the kernel's own), so its layout is written here from booting.rst.
 */
#ifndef ARCH_ARM64_IMAGE_H
#define ARCH_ARM64_IMAGE_H

#include <stdint.h>

#include "guest_mem.h"

/* "Call the kernel image": the header at the start of the Image. */
struct arm64_image_header {
	uint32_t code0; /* executable code: a branch past the header */
	uint32_t code1;
	uint64_t text_offset; /* image load offset, little-endian */
	uint64_t image_size;  /* effective image size (bss included), LE */
	uint64_t flags;	      /* kernel flags, LE */
	uint64_t res2, res3, res4;
	uint32_t magic; /* "ARM\x64" */
	uint32_t res5;	/* the PE header's offset, for EFI */
};
_Static_assert(sizeof(struct arm64_image_header) == 64,
	       "booting.rst: a 64-byte header");

#define ARM64_IMAGE_MAGIC 0x644d5241 /* "ARM\x64", little-endian */

/* The flags field, bit by bit. */
#define ARM64_IMAGE_FLAG_BE (1ULL << 0) /* 1: big-endian kernel */
#define ARM64_IMAGE_FLAG_PAGE_SIZE_SHIFT                                       \
	1 /* bits 1-2: the kernel's page size */
#define ARM64_IMAGE_FLAG_PAGE_SIZE_MASK                                        \
	(3ULL << ARM64_IMAGE_FLAG_PAGE_SIZE_SHIFT)
#define ARM64_IMAGE_FLAG_PHYS_ANYWHERE                                         \
	(1ULL << 3) /* placement anywhere in RAM */

/* Page size codes of flags bits 1-2: unspecified, 4K, 16K, 64K. */
#define ARM64_IMAGE_PAGE_SIZE_UNSPECIFIED 0
#define ARM64_IMAGE_PAGE_SIZE_4K	  1
#define ARM64_IMAGE_PAGE_SIZE_16K	  2
#define ARM64_IMAGE_PAGE_SIZE_64K	  3

/* "The Image must be placed text_offset bytes from a 2MB aligned base". */
#define ARM64_IMAGE_BASE_ALIGN 0x200000

/* A checked Image: where its bytes are and what its header says. */
struct arm64_image {
	const uint8_t *file;
	uint64_t file_size;
	uint64_t text_offset;
	uint64_t image_size; /* what the kernel uses from its load address */
	uint64_t flags;
};

/* Where everything goes in guest memory; arm64_image_layout() decides. */
struct arm64_boot_layout {
	uint64_t mem_size;
	uint64_t kernel_addr; /* base + text_offset: the entry point too */
	uint64_t kernel_end;  /* kernel_addr + image_size */
	uint64_t initrd_addr; /* 0 without an initrd */
	uint64_t initrd_size;
	uint64_t dtb_addr; /* the device tree's 2 MiB region */
};

int arm64_image_parse(const uint8_t *file, uint64_t size,
		      struct arm64_image *img);
unsigned int arm64_image_page_size_kib(const struct arm64_image *img);
int arm64_image_layout(const struct arm64_image *img, uint64_t mem_size,
		       uint64_t initrd_size, struct arm64_boot_layout *lay);
int arm64_image_load(const struct guest_mem *mem, const struct arm64_image *img,
		     const struct arm64_boot_layout *lay,
		     const uint8_t *initrd);
const char *arm64_image_strerror(int err);

#endif
