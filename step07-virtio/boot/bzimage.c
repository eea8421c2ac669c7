/*
 * bzimage.c - load a Linux bzImage the way the x86 boot protocol asks a
 * boot loader to: read the setup header, refuse what this loader cannot
 * boot, place kernel, initrd and command line, build boot_params.
 *
 * Runs: userspace (the VMM), before any vCPU runs; pure functions over
 * the image, the layout and guest memory (the unit tests include this
 * file).  Nothing is written to guest memory before every check passed.
 *
 * Spec: Documentation/arch/x86/boot.rst: "The Real-Mode Kernel Header",
 * "Details of Header Fields" (setup_sects, syssize, boot_flag, header,
 * version, loadflags, code32_start, initrd_addr_max, kernel_alignment,
 * relocatable_kernel, xloadflags, cmdline_size, pref_address, init_size),
 * "The Kernel Command Line", "Loading The Rest of The Kernel", "64-bit
 * Boot Protocol"; Documentation/arch/x86/zero-page.rst (acpi_rsdp_addr,
 * e820_entries, e820_table); arch/x86/boot/compressed/head_64.S
 * (startup_64: where a relocatable kernel decompresses itself).
 *
 * A bzImage is two programs in one file: the real-mode setup (boot sector
 * plus setup_sects sectors), which a BIOS boot loader would run, and the
 * protected-mode kernel after it.  A 64-bit loader skips the setup: it
 * copies the protected-mode part to 1 MiB, fills in boot_params itself
 * and jumps to the kernel's 64-bit entry point, 0x200 bytes in.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <asm/boot.h>
#include <asm/e820.h>

#include "bzimage.h"
#include "machine.h"

/* Header fields as file offsets, for the checks before the copy. */
#define BOOT_FLAG_OFFSET                                                       \
	(SETUP_HEADER_OFFSET + offsetof(struct setup_header, boot_flag))
#define HEADER_OFFSET                                                          \
	(SETUP_HEADER_OFFSET + offsetof(struct setup_header, header))
#define VERSION_OFFSET                                                         \
	(SETUP_HEADER_OFFSET + offsetof(struct setup_header, version))
#define VERSION_END (VERSION_OFFSET + sizeof(uint16_t))
/* The setup header's room in boot_params: from 0x1f1 to edd_mbr_sig_buffer. */
#define SETUP_HEADER_ROOM                                                      \
	(offsetof(struct boot_params, edd_mbr_sig_buffer) -                    \
	 offsetof(struct boot_params, hdr))
/* A 2.12 header reaches at least to the end of init_size. */
#define SETUP_HEADER_2_12_LEN                                                  \
	(offsetof(struct setup_header, init_size) + sizeof(uint32_t))

_Static_assert(offsetof(struct boot_params, hdr) == SETUP_HEADER_OFFSET,
	       "boot_params.hdr sits where the image's header does");
_Static_assert(sizeof(struct boot_params) == 4096, "the zero page is a page");

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* book:begin bzimage_parse */
/*
 * Is this a bzImage the 64-bit boot protocol can start?  Returns 0 and
 * fills *bz, or:
 *   -ENOEXEC          no 0xAA55 boot_flag and "HdrS" header (not a Linux
 *                     kernel), or LOADED_HIGH clear (a zImage)
 *   -EPROTONOSUPPORT  boot protocol older than 2.12
 *   -ENODATA          the file ends before its setup header, its setup
 *                     sectors or the syssize paragraphs it claims
 *   -EOPNOTSUPP       XLF_KERNEL_64 clear: no 64-bit entry point
 *   -EINVAL           a header that contradicts itself (a 2.12 header too
 *                     short for 2.12, kernel_alignment not a power of
 *                     two, no init_size, no room for the entry point)
 */
int bzimage_parse(const uint8_t *file, uint64_t size, struct bzimage *bz)
{
	const struct setup_header *h = &bz->hdr;
	uint64_t hdr_end, sects;

	memset(bz, 0, sizeof(*bz));
	if (size < VERSION_END ||
	    get_le16(file + BOOT_FLAG_OFFSET) != BOOT_FLAG_MAGIC ||
	    get_le32(file + HEADER_OFFSET) != HDRS_MAGIC)
		return -ENOEXEC;
	if (get_le16(file + VERSION_OFFSET) < BOOT_PROTOCOL_MIN)
		return -EPROTONOSUPPORT;
	hdr_end = SETUP_HEADER_JUMP_END + file[SETUP_HEADER_JUMP_END - 1];
	if (hdr_end > size)
		return -ENODATA;
	bz->hdr_len = hdr_end - SETUP_HEADER_OFFSET;
	if (bz->hdr_len > SETUP_HEADER_ROOM)
		bz->hdr_len = SETUP_HEADER_ROOM;
	memcpy(&bz->hdr, file + SETUP_HEADER_OFFSET,
	       bz->hdr_len < sizeof(bz->hdr) ? bz->hdr_len : sizeof(bz->hdr));
	if (!(h->loadflags & LOADED_HIGH))
		return -ENOEXEC;
	if (!(h->xloadflags & XLF_KERNEL_64))
		return -EOPNOTSUPP;
	sects = h->setup_sects ? h->setup_sects : SETUP_SECTS_DEFAULT;
	bz->setup_size = (sects + 1) * SETUP_SECTOR_SIZE;
	bz->kernel_size = (uint64_t)h->syssize * SYSSIZE_UNIT;
	if (bz->setup_size > size || bz->kernel_size > size - bz->setup_size)
		return -ENODATA;
	if (bz->hdr_len < SETUP_HEADER_2_12_LEN || h->init_size == 0 ||
	    bz->kernel_size <= STARTUP_64_OFFSET ||
	    (h->relocatable_kernel &&
	     (h->kernel_alignment == 0 ||
	      (h->kernel_alignment & (h->kernel_alignment - 1)))))
		return -EINVAL;
	bz->file = file;
	bz->file_size = size;
	bz->kernel = file + bz->setup_size;
	return 0;
}
/* book:end bzimage_parse */

/* book:begin kernel_end */
/*
 * The end of the memory the kernel takes for itself before it has read
 * the e820 map: init_size bytes from where it will run ("init_size").
 * boot.rst says a relocatable kernel runs at its load address aligned up
 * to kernel_alignment; the decompressor (compressed/head_64.S, startup_64)
 * goes further and never runs below LOAD_PHYSICAL_ADDR, which the header
 * gives as pref_address: a kernel loaded at 1 MiB decompresses at 16 MiB.
 * A kernel that is not relocatable runs at pref_address.  The loaded image
 * itself counts too, in case it reaches further.  Returns false on
 * overflow (a hostile pref_address).
 */
static bool kernel_end(const struct bzimage *bz, uint64_t load, uint64_t *end)
{
	const struct setup_header *h = &bz->hdr;
	uint64_t run = h->pref_address;

	if (h->relocatable_kernel) {
		uint64_t mask = (uint64_t)h->kernel_alignment - 1;
		uint64_t aligned = (load + mask) & ~mask;

		if (aligned > run)
			run = aligned;
	}
	if (__builtin_add_overflow(run, (uint64_t)h->init_size, end))
		return false;
	if (*end < load + bz->kernel_size)
		*end = load + bz->kernel_size;
	return true;
}
/* book:end kernel_end */

static uint64_t align_down(uint64_t x, uint64_t a)
{
	return x & ~(a - 1);
}

/* Can size bytes start on a page at or above lo and end by limit? */
static bool initrd_fits(uint64_t lo, uint64_t limit, uint64_t size)
{
	return size <= limit && align_down(limit - size, INITRD_ALIGN) >= lo;
}

/* book:begin bzimage_layout */
/*
 * Decide where everything goes for mem_size bytes of RAM, an initrd of
 * initrd_size bytes (0: none) and a command line of cmdline_len bytes.
 * The initrd goes as high as it can, page-aligned, below both
 * initrd_addr_max (the highest byte it may occupy) and the end of RAM,
 * above everything the kernel claims.  Returns 0, or:
 *   -E2BIG    the command line is longer than cmdline_size (or our room)
 *   -ENOMEM   RAM ends before the kernel's end (kernel_end())
 *   -EFBIG    the initrd cannot fit below initrd_addr_max above the
 *             kernel, however much RAM there is
 *   -ENOSPC   it would, but RAM ends first: memory too small for both
 */
int bzimage_layout(const struct bzimage *bz, uint64_t mem_size,
		   uint64_t initrd_size, uint64_t cmdline_len,
		   struct boot_layout *lay)
{
	uint64_t max_cmdline = bz->hdr.cmdline_size;
	uint64_t initrd_limit = (uint64_t)bz->hdr.initrd_addr_max + 1;
	uint64_t lo, top;

	memset(lay, 0, sizeof(*lay));
	if (max_cmdline > MACHINE_CMDLINE_MAX - 1)
		max_cmdline = MACHINE_CMDLINE_MAX - 1;
	if (cmdline_len > max_cmdline)
		return -E2BIG;
	lay->mem_size = mem_size;
	lay->kernel_addr = MACHINE_HIMEM_ADDR;
	lay->entry = MACHINE_HIMEM_ADDR + STARTUP_64_OFFSET;
	lay->cmdline_len = cmdline_len;
	if (!kernel_end(bz, lay->kernel_addr, &lay->kernel_end) ||
	    lay->kernel_end > mem_size)
		return -ENOMEM;
	if (initrd_size == 0)
		return 0;
	lo = (lay->kernel_end + INITRD_ALIGN - 1) &
	     ~(uint64_t)(INITRD_ALIGN - 1);
	if (!initrd_fits(lo, initrd_limit, initrd_size))
		return -EFBIG;
	if (!initrd_fits(lo, mem_size, initrd_size))
		return -ENOSPC;
	top = initrd_limit < mem_size ? initrd_limit : mem_size;
	lay->initrd_addr = align_down(top - initrd_size, INITRD_ALIGN);
	lay->initrd_size = initrd_size;
	return 0;
}
/* book:end bzimage_layout */

/* book:begin bzimage_release */
/*
 * The kernel's release ("6.1.0-57-cloud-amd64"): the first word of the
 * version string kernel_version points at ("less 0x200": it is an offset
 * into the setup, past the boot sector), which must end, printable, inside
 * the setup.  A boot loader shows it; the VMM reports it, from the file,
 * before the guest has said anything.  Returns 0, or -ENODATA when the
 * header has none, or none that fits in len bytes with its NUL.
 */
int bzimage_release(const struct bzimage *bz, char *buf, size_t len)
{
	uint64_t at = (uint64_t)bz->hdr.kernel_version + SETUP_SECTOR_SIZE;
	size_t n = 0;

	if (!bz->hdr.kernel_version || len == 0)
		return -ENODATA;
	for (; at + n < bz->setup_size && n < len; n++) {
		uint8_t c = bz->file[at + n];

		if (c == ' ' || c == '\0')
			break;
		if (c < '!' || c > '~')
			return -ENODATA;
		buf[n] = (char)c;
	}
	if (n == 0 || n == len || at + n >= bz->setup_size)
		return -ENODATA;
	buf[n] = '\0';
	return 0;
}
/* book:end bzimage_release */

/* One sentence per error of bzimage_parse() and bzimage_layout(). */
const char *bzimage_strerror(int err)
{
	switch (err) {
	case -ENOEXEC:
		return "not a bzImage (no 0xAA55 boot flag and \"HdrS\" header, or not loaded high)";
	case -EPROTONOSUPPORT:
		return "boot protocol older than 2.12, the first with a 64-bit entry point";
	case -ENODATA:
		return "truncated: the file is shorter than its setup header says";
	case -EOPNOTSUPP:
		return "no 64-bit entry point (XLF_KERNEL_64 is clear)";
	case -EINVAL:
		return "the setup header contradicts itself";
	case -E2BIG:
		return "the command line is longer than the kernel accepts (cmdline_size)";
	case -ENOMEM:
		return "memory too small for the kernel (from 1 MiB: pref_address + init_size)";
	case -EFBIG:
		return "the initrd does not fit below the kernel's initrd_addr_max";
	case -ENOSPC:
		return "memory too small for the kernel and the initrd";
	default:
		return "unknown error";
	}
}

/* book:begin e820_build */
/*
 * The machine's RAM as the BIOS E820 call would report it (machine.h):
 * usable below the EBDA, reserved from there to 1 MiB (EBDA, VGA hole,
 * BIOS area with our ACPI tables), usable from 1 MiB to the end of RAM.
 * Returns the number of entries.
 */
unsigned int e820_build(struct boot_e820_entry *table, uint64_t mem_size)
{
	const struct boot_e820_entry map[] = {
		{ 0, MACHINE_EBDA_ADDR, E820_RAM },
		{ MACHINE_EBDA_ADDR, MACHINE_HIMEM_ADDR - MACHINE_EBDA_ADDR,
		  E820_RESERVED },
		{ MACHINE_HIMEM_ADDR, mem_size - MACHINE_HIMEM_ADDR, E820_RAM },
	};
	unsigned int n = sizeof(map) / sizeof(map[0]);

	memcpy(table, map, sizeof(map));
	return n;
}
/* book:end e820_build */

/* book:begin boot_params_build */
/*
 * The zero page: all zeros, then the image's setup header ("loaded into
 * struct boot_params"), then what a loader must write: type_of_loader,
 * vid_mode, code32_start (we load at 1 MiB), the command line and initrd,
 * the memory map, and where the ACPI RSDP is when there are tables.
 */
void boot_params_build(struct boot_params *bp, const struct bzimage *bz,
		       const struct boot_layout *lay, bool acpi)
{
	struct setup_header *h = &bp->hdr;

	memset(bp, 0, sizeof(*bp));
	memcpy((uint8_t *)bp + SETUP_HEADER_OFFSET,
	       bz->file + SETUP_HEADER_OFFSET, bz->hdr_len);
	h->type_of_loader = LOADER_TYPE_UNDEFINED;
	h->vid_mode = NORMAL_VGA;
	h->code32_start = lay->kernel_addr;
	h->cmd_line_ptr = MACHINE_CMDLINE_ADDR;
	h->ramdisk_image = lay->initrd_addr;
	h->ramdisk_size = lay->initrd_size;
	bp->e820_entries = e820_build(bp->e820_table, lay->mem_size);
	if (acpi)
		bp->acpi_rsdp_addr = MACHINE_ACPI_ADDR;
}
/* book:end boot_params_build */

/* book:begin bzimage_load */
/*
 * Write kernel, initrd, command line and boot_params into guest memory as
 * lay says.  Every range is checked against RAM again (gpa_to_hva), so a
 * layout made for other memory cannot write outside this one: -EFAULT;
 * a command line of another length than the layout's: -EINVAL.  With
 * initrd NULL the caller puts the initrd at lay->initrd_addr itself (the
 * VMM reads it from its file straight into guest memory).
 */
int bzimage_load(const struct guest_mem *mem, const struct bzimage *bz,
		 const struct boot_layout *lay, const uint8_t *initrd,
		 const char *cmdline, bool acpi)
{
	void *kernel = gpa_to_hva(mem, lay->kernel_addr, bz->kernel_size);
	void *rd = gpa_to_hva(mem, lay->initrd_addr, lay->initrd_size);
	char *cl = gpa_to_hva(mem, MACHINE_CMDLINE_ADDR, lay->cmdline_len + 1);
	void *bp = gpa_to_hva(mem, MACHINE_BOOT_PARAMS_ADDR,
			      sizeof(struct boot_params));

	if (!kernel || !rd || !cl || !bp || lay->mem_size != mem->size)
		return -EFAULT;
	if (memchr(cmdline, '\0', lay->cmdline_len + 1) !=
	    cmdline + lay->cmdline_len)
		return -EINVAL; /* its NUL is not where the layout says */
	memcpy(kernel, bz->kernel, bz->kernel_size);
	if (lay->initrd_size && initrd)
		memcpy(rd, initrd, lay->initrd_size);
	memcpy(cl, cmdline, lay->cmdline_len);
	cl[lay->cmdline_len] = '\0';
	boot_params_build(bp, bz, lay, acpi);
	return 0;
}
/* book:end bzimage_load */
