/*
 * bzimage.h - the Linux x86 boot protocol, as a boot loader sees it: check
 * a bzImage's setup header, decide where kernel, initrd and command line
 * go, and write them and the boot_params ("zero page") into guest memory.
 *
 * Runs: userspace (the VMM), before any vCPU runs.  Every function is pure
 * over its arguments and guest memory, so the host unit tests include
 * bzimage.c directly.
 *
 * Spec: Documentation/arch/x86/boot.rst ("The Real-Mode Kernel Header",
 * "Details of Header Fields", "Loading The Rest of The Kernel", "64-bit
 * Boot Protocol"), Documentation/arch/x86/zero-page.rst; the structures
 * and flags come from <asm/bootparam.h>, the e820 types from <asm/e820.h>.
 */
#ifndef BOOT_BZIMAGE_H
#define BOOT_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <asm/bootparam.h>

#include "guest_mem.h"

/*
 * "The Real-Mode Kernel Header": the setup header starts at 0x1f1 in the
 * image and in boot_params; its "jump" field (EB xx at 0x200) doubles as
 * its length, the header ending at 0x202 + xx.
 */
#define SETUP_HEADER_OFFSET   0x1f1
#define SETUP_HEADER_JUMP_END 0x202
#define SETUP_SECTOR_SIZE     512
#define SETUP_SECTS_DEFAULT   4 /* "if setup_sects is 0, the real value is 4" */
#define BOOT_FLAG_MAGIC	      0xAA55
#define HDRS_MAGIC	      0x53726448 /* "HdrS", little-endian */
#define SYSSIZE_UNIT	      16	 /* syssize counts 16-byte paragraphs */

/*
 * Protocol 2.12 added xloadflags, whose XLF_KERNEL_64 is the only way a
 * kernel says it has the 64-bit entry point; every field this loader
 * reads (init_size, pref_address: 2.10) is older.
 */
#define BOOT_PROTOCOL_MIN     0x020c
#define STARTUP_64_OFFSET     0x200  /* "64-bit Boot Protocol": entry + 0x200 */
#define LOADER_TYPE_UNDEFINED 0xff   /* type_of_loader: "0xFF = undefined" */
#define INITRD_ALIGN	      0x1000 /* the initrd starts on a page */

/* A checked bzImage: its setup header and where its parts are in the file. */
struct bzimage {
	const uint8_t *file;
	uint64_t file_size;
	struct setup_header hdr; /* the image's, zero past hdr_len */
	uint32_t hdr_len;	 /* bytes of setup header the image has */
	uint64_t
		setup_size; /* (setup_sects + 1) sectors: boot sector + setup */
	const uint8_t *kernel; /* the protected-mode kernel, after the setup */
	uint64_t kernel_size;  /* syssize paragraphs */
};

/* Where everything goes in guest memory; bzimage_layout() decides it. */
struct boot_layout {
	uint64_t mem_size;
	uint64_t kernel_addr; /* the protected-mode kernel: 1 MiB */
	uint64_t kernel_end;  /* end of what the kernel uses while it boots */
	uint64_t initrd_addr; /* 0 without an initrd */
	uint64_t initrd_size;
	uint64_t cmdline_len; /* bytes, without the terminating NUL */
	uint64_t entry;	      /* the 64-bit entry point */
};

int bzimage_parse(const uint8_t *file, uint64_t size, struct bzimage *bz);
int bzimage_layout(const struct bzimage *bz, uint64_t mem_size,
		   uint64_t initrd_size, uint64_t cmdline_len,
		   struct boot_layout *lay);
const char *bzimage_strerror(int err);
int bzimage_release(const struct bzimage *bz, char *buf, size_t len);

unsigned int e820_build(struct boot_e820_entry *table, uint64_t mem_size);
void boot_params_build(struct boot_params *bp, const struct bzimage *bz,
		       const struct boot_layout *lay, bool acpi);
int bzimage_load(const struct guest_mem *mem, const struct bzimage *bz,
		 const struct boot_layout *lay, const uint8_t *initrd,
		 const char *cmdline, bool acpi);

#endif
