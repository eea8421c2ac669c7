/*
 * test_bzimage.c - unit tests of the boot protocol loader: synthetic
 * setup headers for every way a file can be refused (each with its exact
 * error), the layout (where kernel end, initrd and entry point land), the
 * e820 map and boot_params field by field, the copy into guest memory, and
 * the lab's real Debian kernel.
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.  The
 * real-kernel test asks common/lab/lab-assets for the kernel (from the
 * tests directory, as `make -C tests unit` runs it) and says so loudly if
 * it cannot have it.
 * Spec: Documentation/arch/x86/boot.rst, zero-page.rst; see bzimage.c.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "run_suite.h"

#include "guest_mem.c"
#include "boot/bzimage.c"

#define MiB		 0x100000ULL
#define TEST_SECTS	 4
#define TEST_SETUP_SIZE	 ((TEST_SECTS + 1) * 512)
#define TEST_KERNEL_SIZE 0x2000
#define TEST_IMAGE_SIZE	 (TEST_SETUP_SIZE + TEST_KERNEL_SIZE)
#define TEST_INIT_SIZE	 0x3000000 /* 48 MiB */
#define TEST_PREF	 0x1000000 /* 16 MiB, Debian's LOAD_PHYSICAL_ADDR */
#define TEST_JUMP	 0x6aeb	   /* EB 6A: the header ends at 0x26c */
#define LAB_ASSETS	 "../common/lab/lab-assets"

static uint8_t image[TEST_IMAGE_SIZE];

static struct setup_header *hdr(void)
{
	return (struct setup_header *)(image + SETUP_HEADER_OFFSET);
}

/*
 * A small bzImage as Debian's kernels describe themselves (protocol 2.15,
 * relocatable, 2 MiB alignment, pref_address 16 MiB), with a patterned
 * protected-mode part so copies can be checked byte for byte.
 */
static void make_image(void)
{
	struct setup_header *h = hdr();

	memset(image, 0, sizeof(image));
	for (size_t i = TEST_SETUP_SIZE; i < TEST_IMAGE_SIZE; i++)
		image[i] = (uint8_t)(i * 7 + 3);
	h->setup_sects = TEST_SECTS;
	h->syssize = TEST_KERNEL_SIZE / SYSSIZE_UNIT;
	h->boot_flag = BOOT_FLAG_MAGIC;
	h->jump = TEST_JUMP;
	h->header = HDRS_MAGIC;
	h->version = 0x020f;
	h->loadflags = LOADED_HIGH;
	h->code32_start = 0x100000;
	h->initrd_addr_max = 0x7fffffff;
	h->kernel_alignment = 0x200000;
	h->relocatable_kernel = 1;
	h->min_alignment = 21;
	h->xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G;
	h->cmdline_size = 2047;
	h->pref_address = TEST_PREF;
	h->init_size = TEST_INIT_SIZE;
}

static int parse(struct bzimage *bz)
{
	return bzimage_parse(image, sizeof(image), bz);
}

START_TEST(parse_accepts_a_64_bit_bzimage)
{
	struct bzimage bz;

	make_image();
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_uint_eq(bz.hdr_len, 0x26c - 0x1f1);
	ck_assert_uint_eq(bz.setup_size, 0xa00);
	ck_assert_uint_eq(bz.kernel_size, TEST_KERNEL_SIZE);
	ck_assert_ptr_eq(bz.kernel, image + 0xa00);
	ck_assert_uint_eq(bz.hdr.version, 0x020f);
	ck_assert_uint_eq(bz.hdr.init_size, TEST_INIT_SIZE);
	ck_assert_uint_eq(bz.hdr.pref_address, TEST_PREF);
}
END_TEST

START_TEST(setup_sects_zero_means_four)
{
	struct bzimage bz;

	make_image();
	hdr()->setup_sects = 0;
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_uint_eq(bz.setup_size, 5 * 512);
}
END_TEST

START_TEST(not_a_bzimage_is_enoexec)
{
	struct bzimage bz;

	make_image();
	hdr()->boot_flag = 0xAA56;
	ck_assert_int_eq(parse(&bz), -ENOEXEC);
	make_image();
	hdr()->header = 0x53726449; /* "IdrS" */
	ck_assert_int_eq(parse(&bz), -ENOEXEC);
	make_image(); /* an ELF file, say */
	memcpy(image, "\177ELF", 4);
	memset(image + SETUP_HEADER_OFFSET, 0, 0x20);
	ck_assert_int_eq(parse(&bz), -ENOEXEC);
	make_image(); /* too short to hold the magic and the version */
	ck_assert_int_eq(bzimage_parse(image, 0, &bz), -ENOEXEC);
	ck_assert_int_eq(bzimage_parse(image, 0x207, &bz), -ENOEXEC);
	make_image(); /* a zImage: loaded low */
	hdr()->loadflags = 0;
	ck_assert_int_eq(parse(&bz), -ENOEXEC);
}
END_TEST

START_TEST(protocol_older_than_2_12_is_eprotonosupport)
{
	struct bzimage bz;

	make_image();
	hdr()->version = 0x020b;
	ck_assert_int_eq(parse(&bz), -EPROTONOSUPPORT);
	hdr()->version = 0x0100;
	ck_assert_int_eq(parse(&bz), -EPROTONOSUPPORT);
	hdr()->version = 0x020c;
	ck_assert_int_eq(parse(&bz), 0);
}
END_TEST

START_TEST(truncated_file_is_enodata)
{
	struct bzimage bz;

	make_image();
	/* one byte short of setup + syssize paragraphs */
	ck_assert_int_eq(bzimage_parse(image, TEST_IMAGE_SIZE - 1, &bz),
			 -ENODATA);
	/* inside the setup sectors */
	ck_assert_int_eq(bzimage_parse(image, TEST_SETUP_SIZE - 1, &bz),
			 -ENODATA);
	/* inside the setup header itself (it ends at 0x26c) */
	ck_assert_int_eq(bzimage_parse(image, 0x26b, &bz), -ENODATA);
	/* a header claiming more kernel than the file has */
	hdr()->syssize = TEST_KERNEL_SIZE / SYSSIZE_UNIT + 1;
	ck_assert_int_eq(parse(&bz), -ENODATA);
	hdr()->syssize = 0xffffffff;
	ck_assert_int_eq(parse(&bz), -ENODATA);
	make_image();
	hdr()->setup_sects = 0xff; /* 128 KiB of setup: past the end */
	ck_assert_int_eq(parse(&bz), -ENODATA);
}
END_TEST

START_TEST(no_64_bit_entry_is_eopnotsupp)
{
	struct bzimage bz;

	make_image();
	hdr()->xloadflags = XLF_CAN_BE_LOADED_ABOVE_4G | XLF_EFI_HANDOVER_32;
	ck_assert_int_eq(parse(&bz), -EOPNOTSUPP);
}
END_TEST

START_TEST(contradictory_header_is_einval)
{
	struct bzimage bz;

	make_image();
	hdr()->kernel_alignment = 0x300000; /* not a power of two */
	ck_assert_int_eq(parse(&bz), -EINVAL);
	hdr()->kernel_alignment = 0;
	ck_assert_int_eq(parse(&bz), -EINVAL);
	hdr()->relocatable_kernel = 0; /* then the alignment is not used */
	ck_assert_int_eq(parse(&bz), 0);
	make_image();
	hdr()->init_size = 0;
	ck_assert_int_eq(parse(&bz), -EINVAL);
	make_image(); /* says 2.15, but its header stops at 0x250 */
	hdr()->jump = 0x4eeb;
	ck_assert_int_eq(parse(&bz), -EINVAL);
	make_image(); /* a kernel too small to hold its own entry point */
	hdr()->syssize = 0x200 / SYSSIZE_UNIT;
	ck_assert_int_eq(parse(&bz), -EINVAL);
}
END_TEST

/* book:begin test_layout */
/*
 * 256 MiB, a 0x123456-byte initrd: the kernel decompresses at 16 MiB and
 * claims init_size from there; the initrd ends as close to the end of RAM
 * as a page-aligned start allows.
 */
START_TEST(layout_of_256m_with_an_initrd)
{
	struct boot_layout lay;
	struct bzimage bz;

	make_image();
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_int_eq(bzimage_layout(&bz, 256 * MiB, 0x123456, 30, &lay), 0);
	ck_assert_uint_eq(lay.mem_size, 0x10000000);
	ck_assert_uint_eq(lay.kernel_addr, 0x100000);
	ck_assert_uint_eq(lay.entry, 0x100200);
	ck_assert_uint_eq(lay.kernel_end, 0x4000000); /* 16 + 48 MiB */
	ck_assert_uint_eq(lay.initrd_addr, 0xfedc000);
	ck_assert_uint_eq(lay.initrd_size, 0x123456);
	ck_assert_uint_eq(lay.cmdline_len, 30);
}
END_TEST
/* book:end test_layout */

START_TEST(layout_without_initrd)
{
	struct boot_layout lay;
	struct bzimage bz;

	make_image();
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_int_eq(bzimage_layout(&bz, 64 * MiB, 0, 0, &lay), 0);
	ck_assert_uint_eq(lay.kernel_end, 64 * MiB);
	ck_assert_uint_eq(lay.initrd_addr, 0);
	ck_assert_uint_eq(lay.initrd_size, 0);
}
END_TEST

/* The initrd's last byte may be initrd_addr_max itself, not beyond. */
START_TEST(initrd_stays_below_initrd_addr_max)
{
	struct boot_layout lay;
	struct bzimage bz;

	make_image();
	hdr()->initrd_addr_max = 0x07ffffff; /* 128 MiB - 1 */
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_int_eq(bzimage_layout(&bz, 1024 * MiB, 0x1000, 0, &lay), 0);
	ck_assert_uint_eq(lay.initrd_addr, 0x7fff000);
	ck_assert_int_eq(bzimage_layout(&bz, 1024 * MiB, 0x1001, 0, &lay), 0);
	ck_assert_uint_eq(lay.initrd_addr, 0x7ffe000);
}
END_TEST

/* Where the kernel runs decides its end: boot.rst plus head_64.S. */
START_TEST(kernel_end_follows_relocation_rules)
{
	struct boot_layout lay;
	struct bzimage bz;

	make_image(); /* not relocatable: runs at pref_address */
	hdr()->relocatable_kernel = 0;
	hdr()->pref_address = 0x2000000;
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_int_eq(bzimage_layout(&bz, 256 * MiB, 0, 0, &lay), 0);
	ck_assert_uint_eq(lay.kernel_end, 0x5000000);
	make_image(); /* relocatable, pref below: 1 MiB aligned up to 2 MiB */
	hdr()->pref_address = 0x100000;
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_int_eq(bzimage_layout(&bz, 256 * MiB, 0, 0, &lay), 0);
	ck_assert_uint_eq(lay.kernel_end, 0x200000 + TEST_INIT_SIZE);
	make_image(); /* an init_size smaller than the image itself */
	hdr()->pref_address = 0;
	hdr()->kernel_alignment = 0x1000;
	hdr()->init_size = 0x1000;
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_int_eq(bzimage_layout(&bz, 256 * MiB, 0, 0, &lay), 0);
	ck_assert_uint_eq(lay.kernel_end, 0x100000 + TEST_KERNEL_SIZE);
}
END_TEST

START_TEST(memory_too_small_for_the_kernel_is_enomem)
{
	struct boot_layout lay;
	struct bzimage bz;

	make_image();
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_int_eq(bzimage_layout(&bz, 64 * MiB, 0, 0, &lay), 0);
	ck_assert_int_eq(bzimage_layout(&bz, 64 * MiB - 0x1000, 0, 0, &lay),
			 -ENOMEM);
	make_image(); /* a hostile pref_address: the sum wraps */
	hdr()->relocatable_kernel = 0;
	hdr()->pref_address = 0xfffffffffffff000ULL;
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_int_eq(bzimage_layout(&bz, 256 * MiB, 0, 0, &lay), -ENOMEM);
}
END_TEST

START_TEST(initrd_beyond_initrd_addr_max_is_efbig)
{
	struct boot_layout lay;
	struct bzimage bz;

	make_image();
	hdr()->initrd_addr_max = 0x04ffffff; /* 80 MiB - 1; kernel ends at 64 */
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_int_eq(bzimage_layout(&bz, 1024 * MiB, 16 * MiB, 0, &lay), 0);
	ck_assert_uint_eq(lay.initrd_addr, 64 * MiB);
	ck_assert_int_eq(bzimage_layout(&bz, 1024 * MiB, 16 * MiB + 1, 0, &lay),
			 -EFBIG);
	ck_assert_int_eq(
		bzimage_layout(&bz, 1024 * MiB, 0x100000000ULL, 0, &lay),
		-EFBIG);
	hdr()->initrd_addr_max = 0x03ffffff; /* below the kernel's end */
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_int_eq(bzimage_layout(&bz, 1024 * MiB, 1, 0, &lay), -EFBIG);
}
END_TEST

START_TEST(memory_too_small_for_kernel_and_initrd_is_enospc)
{
	struct boot_layout lay;
	struct bzimage bz;

	make_image();
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_int_eq(bzimage_layout(&bz, 96 * MiB, 32 * MiB, 0, &lay), 0);
	ck_assert_uint_eq(lay.initrd_addr, 64 * MiB);
	ck_assert_int_eq(bzimage_layout(&bz, 96 * MiB, 32 * MiB + 1, 0, &lay),
			 -ENOSPC);
	ck_assert_int_eq(bzimage_layout(&bz, 64 * MiB, 1, 0, &lay), -ENOSPC);
}
END_TEST

START_TEST(cmdline_longer_than_cmdline_size_is_e2big)
{
	struct boot_layout lay;
	struct bzimage bz;

	make_image();
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_int_eq(bzimage_layout(&bz, 256 * MiB, 0, 2047, &lay), 0);
	ck_assert_int_eq(bzimage_layout(&bz, 256 * MiB, 0, 2048, &lay), -E2BIG);
	/* a header allowing 4 GiB of command line gets our room at most */
	hdr()->cmdline_size = 0xffffffff;
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_int_eq(bzimage_layout(&bz, 256 * MiB, 0,
					MACHINE_CMDLINE_MAX - 1, &lay),
			 0);
	ck_assert_int_eq(
		bzimage_layout(&bz, 256 * MiB, 0, MACHINE_CMDLINE_MAX, &lay),
		-E2BIG);
}
END_TEST

START_TEST(each_error_has_its_own_sentence)
{
	static const int errs[] = { -ENOEXEC,	 -EPROTONOSUPPORT, -ENODATA,
				    -EOPNOTSUPP, -EINVAL,	   -E2BIG,
				    -ENOMEM,	 -EFBIG,	   -ENOSPC };
	size_t n = sizeof(errs) / sizeof(errs[0]);

	for (size_t i = 0; i < n; i++) {
		ck_assert_str_ne(bzimage_strerror(errs[i]), "unknown error");
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(bzimage_strerror(errs[i]),
					 bzimage_strerror(errs[j]));
	}
	ck_assert_str_eq(
		bzimage_strerror(-EPROTONOSUPPORT),
		"boot protocol older than 2.12, the first with a 64-bit entry point");
	ck_assert_str_eq(bzimage_strerror(-EIO), "unknown error");
}
END_TEST

/* book:begin test_e820 */
START_TEST(e820_map_of_256m)
{
	struct boot_e820_entry t[E820_MAX_ENTRIES_ZEROPAGE];

	ck_assert_uint_eq(e820_build(t, 256 * MiB), 3);
	ck_assert_uint_eq(t[0].addr, 0);
	ck_assert_uint_eq(t[0].size, 0x9fc00);
	ck_assert_uint_eq(t[0].type, E820_RAM);
	ck_assert_uint_eq(t[1].addr, 0x9fc00);
	ck_assert_uint_eq(t[1].size, 0x60400);
	ck_assert_uint_eq(t[1].type, E820_RESERVED);
	ck_assert_uint_eq(t[2].addr, 0x100000);
	ck_assert_uint_eq(t[2].size, 0xff00000);
	ck_assert_uint_eq(t[2].type, E820_RAM);
}
END_TEST
/* book:end test_e820 */

static void layout_256m(struct bzimage *bz, struct boot_layout *lay)
{
	make_image();
	ck_assert_int_eq(parse(bz), 0);
	ck_assert_int_eq(bzimage_layout(bz, 256 * MiB, 0x5000, 11, lay), 0);
}

START_TEST(boot_params_fields)
{
	static struct boot_params bp;
	struct boot_layout lay;
	struct bzimage bz;

	layout_256m(&bz, &lay);
	memset(&bp, 0x5a, sizeof(bp)); /* garbage the builder must clear */
	boot_params_build(&bp, &bz, &lay, false);
	ck_assert_uint_eq(bp.hdr.type_of_loader, 0xff);
	ck_assert_uint_eq(bp.hdr.vid_mode, 0xffff);
	ck_assert_uint_eq(bp.hdr.code32_start, 0x100000);
	ck_assert_uint_eq(bp.hdr.cmd_line_ptr, 0x20000);
	ck_assert_uint_eq(bp.hdr.ramdisk_image, 0xfffb000);
	ck_assert_uint_eq(bp.hdr.ramdisk_size, 0x5000);
	ck_assert_uint_eq(bp.e820_entries, 3);
	ck_assert_uint_eq(bp.e820_table[2].size, 0xff00000);
	ck_assert_uint_eq(bp.e820_table[3].size, 0);
	ck_assert_uint_eq(bp.acpi_rsdp_addr, 0);
	ck_assert_uint_eq(bp.ext_ramdisk_image, 0);
	ck_assert_uint_eq(bp.ext_cmd_line_ptr, 0);
	ck_assert_uint_eq(bp.sentinel, 0);
	/* the rest of the header is the image's, untouched */
	ck_assert_uint_eq(bp.hdr.setup_sects, TEST_SECTS);
	ck_assert_uint_eq(bp.hdr.boot_flag, 0xaa55);
	ck_assert_uint_eq(bp.hdr.header, HDRS_MAGIC);
	ck_assert_uint_eq(bp.hdr.version, 0x020f);
	ck_assert_uint_eq(bp.hdr.loadflags, LOADED_HIGH);
	ck_assert_uint_eq(bp.hdr.syssize, TEST_KERNEL_SIZE / 16);
	ck_assert_uint_eq(bp.hdr.kernel_alignment, 0x200000);
	ck_assert_uint_eq(bp.hdr.init_size, TEST_INIT_SIZE);
	ck_assert_uint_eq(bp.hdr.cmdline_size, 2047);
	ck_assert_uint_eq(bp.hdr.hardware_subarch, 0);
	boot_params_build(&bp, &bz, &lay, true);
	ck_assert_uint_eq(bp.acpi_rsdp_addr, 0xe0000);
}
END_TEST

/*
 * "The end of setup header can be calculated as 0x0202 + byte value at
 * offset 0x0201": a newer kernel's longer header is copied whole, up to
 * the room boot_params has for it; nothing after it is.
 */
START_TEST(boot_params_copy_the_header_the_image_declares)
{
	static struct boot_params bp;
	struct boot_layout lay;
	struct bzimage bz;
	uint8_t *raw = (uint8_t *)&bp;

	make_image();
	hdr()->jump = 0x7feb; /* ends at 0x281 */
	image[0x270] = 0x77;
	image[0x280] = 0x88;
	image[0x281] = 0x99;
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_uint_eq(bz.hdr_len, 0x90);
	ck_assert_int_eq(bzimage_layout(&bz, 256 * MiB, 0, 0, &lay), 0);
	boot_params_build(&bp, &bz, &lay, false);
	ck_assert_uint_eq(raw[0x270], 0x77);
	ck_assert_uint_eq(raw[0x280], 0x88);
	ck_assert_uint_eq(raw[0x281], 0);
	image[0x201] = 0xff; /* ends at 0x301: past edd_mbr_sig_buffer */
	image[0x290] = 0x66;
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_uint_eq(bz.hdr_len, 0x290 - 0x1f1);
	boot_params_build(&bp, &bz, &lay, false);
	ck_assert_uint_eq(raw[0x28f], 0);
	ck_assert_uint_eq(raw[0x290], 0);
}
END_TEST

START_TEST(load_writes_kernel_initrd_cmdline_and_zero_page)
{
	static const uint8_t initrd[0x5000] = { [0] = 0x1f, [0x4fff] = 0x8b };
	static struct boot_params want;
	struct boot_layout lay;
	struct bzimage bz;
	struct guest_mem mem = { .size = 256 * MiB };

	mem.base = calloc(1, mem.size);
	ck_assert_ptr_nonnull(mem.base);
	layout_256m(&bz, &lay);
	ck_assert_int_eq(
		bzimage_load(&mem, &bz, &lay, initrd, "console=ttyS0", true),
		-EINVAL); /* 13 bytes, the layout said 11 */
	ck_assert_int_eq(
		bzimage_load(&mem, &bz, &lay, initrd, "root=/dev/x", true), 0);
	ck_assert_mem_eq(mem.base + 0x100000, image + TEST_SETUP_SIZE,
			 TEST_KERNEL_SIZE);
	ck_assert_uint_eq(mem.base[0x100000 + TEST_KERNEL_SIZE], 0);
	ck_assert_mem_eq(mem.base + 0xfffb000, initrd, sizeof(initrd));
	ck_assert_mem_eq(mem.base + 0x20000, "root=/dev/x", 12); /* and NUL */
	boot_params_build(&want, &bz, &lay, true);
	ck_assert_mem_eq(mem.base + 0x7000, &want, sizeof(want));
	free(mem.base);
}
END_TEST

START_TEST(load_refuses_a_layout_for_other_memory)
{
	struct boot_layout lay;
	struct bzimage bz;
	struct guest_mem mem = { .size = 128 * MiB };

	mem.base = calloc(1, mem.size);
	ck_assert_ptr_nonnull(mem.base);
	layout_256m(&bz, &lay); /* its initrd is at 256 MiB - 20 KiB */
	ck_assert_int_eq(bzimage_load(&mem, &bz, &lay, NULL, "", false),
			 -EFAULT);
	ck_assert_uint_eq(mem.base[0x100000], 0); /* nothing written */
	free(mem.base);
}
END_TEST

/*
 * kernel_version points, less 0x200, at "RELEASE (builder) #1 ..." inside
 * the setup: the release is its first word.  A string that is missing,
 * not printable, runs out of the setup or does not fit is -ENODATA.
 */
START_TEST(release_is_the_first_word_of_kernel_version)
{
	static const char version[] =
		"6.1.0-57-cloud-amd64 (debian-kernel@lists.debian.org) #1 SMP";
	const uint64_t at = 0x400; /* in the setup: 0x200 + 0x200 */
	struct bzimage bz;
	char rel[65];

	make_image();
	memcpy(image + at, version, sizeof(version));
	hdr()->kernel_version = at - 0x200;
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_int_eq(bzimage_release(&bz, rel, sizeof(rel)), 0);
	ck_assert_str_eq(rel, "6.1.0-57-cloud-amd64");
	ck_assert_int_eq(bzimage_release(&bz, rel, 20), -ENODATA); /* no NUL */
	ck_assert_int_eq(bzimage_release(&bz, rel, 21), 0);
	image[at + 3] = '\033'; /* an escape in the name: not a release */
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_int_eq(bzimage_release(&bz, rel, sizeof(rel)), -ENODATA);
	hdr()->kernel_version = 0;
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_int_eq(bzimage_release(&bz, rel, sizeof(rel)), -ENODATA);
	memset(image + TEST_SETUP_SIZE - 8, 'x', 8); /* up to the setup's end */
	hdr()->kernel_version = TEST_SETUP_SIZE - 8 - 0x200;
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_int_eq(bzimage_release(&bz, rel, sizeof(rel)), -ENODATA);
	hdr()->kernel_version = 0xffff; /* past the setup, past the file */
	ck_assert_int_eq(parse(&bz), 0);
	ck_assert_int_eq(bzimage_release(&bz, rel, sizeof(rel)), -ENODATA);
}
END_TEST

/* The path lab-assets prints, or NULL with the reason on stderr. */
static char *lab_kernel_path(void)
{
	static char path[4096];
	FILE *p = popen(LAB_ASSETS " kernel", "r");
	size_t n;

	if (!p || !fgets(path, sizeof(path), p)) {
		if (p)
			pclose(p);
		return NULL;
	}
	if (pclose(p) != 0)
		return NULL;
	n = strcspn(path, "\n");
	path[n] = '\0';
	return path;
}

static uint8_t *read_file(const char *path, uint64_t *size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *buf;

	if (!f || fstat(fileno(f), &st) < 0)
		return NULL;
	buf = malloc(st.st_size);
	if (buf && fread(buf, 1, st.st_size, f) != (size_t)st.st_size) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = st.st_size;
	return buf;
}

/* The release lab-assets names (the kernel's file name says it too). */
static const char *lab_release(void)
{
	static char rel[128];
	FILE *p = popen(LAB_ASSETS " release", "r");

	ck_assert_msg(p && fgets(rel, sizeof(rel), p), "%s release failed",
		      LAB_ASSETS);
	pclose(p);
	rel[strcspn(rel, "\n")] = '\0';
	return rel;
}

/*
 * Debian's amd64 kernel, as the lab boots it: protocol 2.15, 64-bit entry,
 * relocatable at 2 MiB alignment, LOAD_PHYSICAL_ADDR 16 MiB; the header
 * copied into boot_params is the file's, byte for byte.
 */
START_TEST(the_lab_kernel_parses_and_lays_out)
{
	static struct boot_params bp;
	char release[65];
	char *path = lab_kernel_path();
	struct boot_layout lay;
	struct bzimage bz;
	uint64_t size;
	uint8_t *file;

	ck_assert_msg(path,
		      "%s kernel did not give the lab kernel "
		      "(run it by hand to see why)",
		      LAB_ASSETS);
	file = read_file(path, &size);
	ck_assert_msg(file, "cannot read %s", path);
	ck_assert_int_eq(bzimage_parse(file, size, &bz), 0);
	ck_assert_uint_eq(bz.hdr.version, 0x020f);
	ck_assert_uint_eq(bz.hdr.xloadflags & XLF_KERNEL_64, XLF_KERNEL_64);
	ck_assert_uint_eq(bz.hdr.relocatable_kernel, 1);
	ck_assert_uint_eq(bz.hdr.kernel_alignment, 0x200000);
	ck_assert_uint_eq(bz.hdr.pref_address, 0x1000000);
	ck_assert_uint_eq(bz.hdr.initrd_addr_max, 0x7fffffff);
	ck_assert_uint_eq(bz.hdr.cmdline_size, 2047);
	ck_assert_uint_eq(bz.hdr.code32_start, 0x100000);
	ck_assert_uint_eq(bz.hdr_len, sizeof(struct setup_header));
	ck_assert_uint_eq(bz.setup_size, (bz.hdr.setup_sects + 1) * 512);
	ck_assert_uint_le(bz.setup_size + bz.kernel_size, size);
	ck_assert_int_eq(bzimage_layout(&bz, 256 * MiB, 4 * MiB, 40, &lay), 0);
	ck_assert_uint_eq(lay.entry, 0x100200);
	ck_assert_uint_eq(lay.kernel_end, 0x1000000 + bz.hdr.init_size);
	ck_assert_uint_eq(lay.initrd_addr, 252 * MiB);
	boot_params_build(&bp, &bz, &lay, false);
	ck_assert_mem_eq((uint8_t *)&bp + 0x1f1, file + 0x1f1,
			 offsetof(struct setup_header, type_of_loader));
	ck_assert_uint_eq(bp.hdr.init_size, bz.hdr.init_size);
	ck_assert_int_eq(bzimage_release(&bz, release, sizeof(release)), 0);
	ck_assert_str_eq(release, lab_release());
	free(file);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bzimage");
	TCase *parse_tc = tcase_create("parse");
	TCase *layout_tc = tcase_create("layout");
	TCase *params_tc = tcase_create("boot_params");
	TCase *lab_tc = tcase_create("lab kernel");

	tcase_add_test(parse_tc, parse_accepts_a_64_bit_bzimage);
	tcase_add_test(parse_tc, setup_sects_zero_means_four);
	tcase_add_test(parse_tc, not_a_bzimage_is_enoexec);
	tcase_add_test(parse_tc, protocol_older_than_2_12_is_eprotonosupport);
	tcase_add_test(parse_tc, truncated_file_is_enodata);
	tcase_add_test(parse_tc, no_64_bit_entry_is_eopnotsupp);
	tcase_add_test(parse_tc, contradictory_header_is_einval);
	tcase_add_test(layout_tc, layout_of_256m_with_an_initrd);
	tcase_add_test(layout_tc, layout_without_initrd);
	tcase_add_test(layout_tc, initrd_stays_below_initrd_addr_max);
	tcase_add_test(layout_tc, kernel_end_follows_relocation_rules);
	tcase_add_test(layout_tc, memory_too_small_for_the_kernel_is_enomem);
	tcase_add_test(layout_tc, initrd_beyond_initrd_addr_max_is_efbig);
	tcase_add_test(layout_tc,
		       memory_too_small_for_kernel_and_initrd_is_enospc);
	tcase_add_test(layout_tc, cmdline_longer_than_cmdline_size_is_e2big);
	tcase_add_test(layout_tc, each_error_has_its_own_sentence);
	tcase_add_test(params_tc, e820_map_of_256m);
	tcase_add_test(params_tc, boot_params_fields);
	tcase_add_test(params_tc,
		       boot_params_copy_the_header_the_image_declares);
	tcase_add_test(params_tc,
		       load_writes_kernel_initrd_cmdline_and_zero_page);
	tcase_add_test(params_tc, load_refuses_a_layout_for_other_memory);
	tcase_add_test(parse_tc, release_is_the_first_word_of_kernel_version);
	tcase_add_test(lab_tc, the_lab_kernel_parses_and_lays_out);
	tcase_set_timeout(lab_tc, 600); /* lab-assets may have to fetch */
	suite_add_tcase(s, parse_tc);
	suite_add_tcase(s, layout_tc);
	suite_add_tcase(s, params_tc);
	suite_add_tcase(s, lab_tc);
	return run_suite(s);
}
