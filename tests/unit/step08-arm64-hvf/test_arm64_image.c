/*
 * test_arm64_image.c - unit tests of the arm64 Image loader: synthetic
 * headers for every way a file is refused (each with its exact error), the
 * layout (where kernel, initrd and device tree land, and when they do not
 * fit), the copy into guest memory, and the lab's real Debian arm64 Image.
 *
 * Runs: on the host, no KVM (Check).  Includes the unit under test.  The
 * real-kernel test asks common/lab/lab-assets for the arm64 lab's kernel
 * (LAB_ASSETS, set by the Makefile) and fails loudly if it cannot have it.
 * Spec: Documentation/arch/arm64/booting.rst; see arch/arm64/image.c.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "run_suite.h"

#include "guest_mem.c"
#include "arch/arm64/image.c"

#define MiB		0x100000ULL
#define TEST_FILE_SIZE	0x3000
#define TEST_IMAGE_SIZE 0x2230000ULL /* Debian 6.12 cloud's image_size */
#define TEST_FLAGS	0xaULL	     /* LE, 4K pages, anywhere: Debian's */
#define MAGIC_OFFSET	56

static uint8_t image[TEST_FILE_SIZE];

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * An Image as Debian's arm64 kernels describe themselves: text_offset 0,
 * image_size larger than the file (the bss), flags 0xa, the magic; a
 * patterned body so copies can be checked byte for byte.
 */
static void make_image(void)
{
	for (size_t i = 0; i < sizeof(image); i++)
		image[i] = (uint8_t)(i * 7 + 3);
	memset(image, 0, sizeof(struct arm64_image_header));
	put_le64(image + HEADER_FIELD(text_offset), 0);
	put_le64(image + HEADER_FIELD(image_size), TEST_IMAGE_SIZE);
	put_le64(image + HEADER_FIELD(flags), TEST_FLAGS);
	memcpy(image + MAGIC_OFFSET, "ARM\x64", 4);
}

static int parse(struct arm64_image *img)
{
	return arm64_image_parse(image, sizeof(image), img);
}

START_TEST(parse_accepts_a_debian_style_image)
{
	struct arm64_image img;

	make_image();
	ck_assert_int_eq(parse(&img), 0);
	ck_assert_uint_eq(img.text_offset, 0);
	ck_assert_uint_eq(img.image_size, TEST_IMAGE_SIZE);
	ck_assert_uint_eq(img.flags, TEST_FLAGS);
	ck_assert_uint_eq(img.file_size, TEST_FILE_SIZE);
	ck_assert_ptr_eq(img.file, image);
	ck_assert_uint_eq(arm64_image_page_size_kib(&img), 4);
	ck_assert_uint_eq(HEADER_FIELD(magic), MAGIC_OFFSET);
}
END_TEST

START_TEST(page_size_codes_of_flags_bits_1_and_2)
{
	static const unsigned int kib[] = { 0, 4, 16, 64 };
	struct arm64_image img;

	for (uint64_t code = 0; code < 4; code++) {
		make_image();
		put_le64(image + HEADER_FIELD(flags), code << 1);
		ck_assert_int_eq(parse(&img), 0);
		ck_assert_uint_eq(arm64_image_page_size_kib(&img), kib[code]);
	}
}
END_TEST

START_TEST(not_an_image_is_enoexec)
{
	static const uint8_t gzip[] = { 0x1f, 0x8b, 0x08, 0x00 };
	struct arm64_image img;

	make_image();
	image[MAGIC_OFFSET + 3] = 0x65; /* "ARMe" */
	ck_assert_int_eq(parse(&img), -ENOEXEC);
	make_image(); /* a gzip-compressed vmlinuz */
	memset(image, 0, 64);
	memcpy(image, gzip, sizeof(gzip));
	ck_assert_int_eq(parse(&img), -ENOEXEC);
	make_image(); /* an ELF vmlinux */
	memset(image, 0, 64);
	memcpy(image, "\177ELF", 4);
	ck_assert_int_eq(parse(&img), -ENOEXEC);
	make_image(); /* shorter than the 64-byte header */
	ck_assert_int_eq(arm64_image_parse(image, 0, &img), -ENOEXEC);
	ck_assert_int_eq(arm64_image_parse(image, 63, &img), -ENOEXEC);
	ck_assert_int_eq(arm64_image_parse(image, 64, &img), 0);
}
END_TEST

START_TEST(big_endian_kernel_is_eprotonosupport)
{
	struct arm64_image img;

	make_image();
	put_le64(image + HEADER_FIELD(flags), TEST_FLAGS | ARM64_IMAGE_FLAG_BE);
	ck_assert_int_eq(parse(&img), -EPROTONOSUPPORT);
}
END_TEST

START_TEST(pre_3_17_kernel_is_eopnotsupp)
{
	struct arm64_image img;

	make_image(); /* image_size 0, text_offset 0x80000: Linux 3.16 */
	put_le64(image + HEADER_FIELD(image_size), 0);
	put_le64(image + HEADER_FIELD(text_offset), 0x80000);
	ck_assert_int_eq(parse(&img), -EOPNOTSUPP);
}
END_TEST

START_TEST(contradictory_header_is_einval)
{
	struct arm64_image img;

	make_image();
	put_le64(image + HEADER_FIELD(text_offset), ARM64_IMAGE_BASE_ALIGN);
	ck_assert_int_eq(parse(&img), -EINVAL);
	make_image();
	put_le64(image + HEADER_FIELD(text_offset), UINT64_MAX);
	ck_assert_int_eq(parse(&img), -EINVAL);
	make_image(); /* image_size smaller than the file itself */
	put_le64(image + HEADER_FIELD(image_size), TEST_FILE_SIZE - 1);
	ck_assert_int_eq(parse(&img), -EINVAL);
	make_image(); /* equal is fine: a kernel without bss */
	put_le64(image + HEADER_FIELD(image_size), TEST_FILE_SIZE);
	ck_assert_int_eq(parse(&img), 0);
}
END_TEST

/* The layout of the lab run: 256 MiB, the 1848320-byte busybox initrd. */
START_TEST(layout_places_kernel_initrd_and_tree)
{
	struct arm64_boot_layout lay;
	struct arm64_image img;

	make_image();
	ck_assert_int_eq(parse(&img), 0);
	ck_assert_int_eq(arm64_image_layout(&img, 256 * MiB, 1848320, &lay), 0);
	ck_assert_uint_eq(lay.mem_size, 256 * MiB);
	ck_assert_uint_eq(lay.kernel_addr, 0);
	ck_assert_uint_eq(lay.kernel_end, TEST_IMAGE_SIZE);
	ck_assert_uint_eq(lay.dtb_addr, 0xfe00000);
	ck_assert_uint_eq(lay.initrd_addr, 0xfc3c000);
	ck_assert_uint_eq(lay.initrd_size, 1848320);
	ck_assert_uint_eq(lay.dtb_addr % MACHINE_DTB_ALIGN, 0);
}
END_TEST

START_TEST(layout_without_initrd_and_with_a_text_offset)
{
	struct arm64_boot_layout lay;
	struct arm64_image img;

	make_image();
	put_le64(image + HEADER_FIELD(text_offset), 0x80000);
	ck_assert_int_eq(parse(&img), 0);
	ck_assert_int_eq(arm64_image_layout(&img, 64 * MiB, 0, &lay), 0);
	ck_assert_uint_eq(lay.kernel_addr, 0x80000);
	ck_assert_uint_eq(lay.kernel_end, 0x80000 + TEST_IMAGE_SIZE);
	ck_assert_uint_eq(lay.initrd_addr, 0);
	ck_assert_uint_eq(lay.initrd_size, 0);
	ck_assert_uint_eq(lay.dtb_addr, 62 * MiB);
}
END_TEST

START_TEST(layout_refuses_a_memory_size_the_machine_cannot_have)
{
	struct arm64_boot_layout lay;
	struct arm64_image img;

	make_image();
	ck_assert_int_eq(parse(&img), 0);
	ck_assert_int_eq(arm64_image_layout(&img, 62 * MiB, 0, &lay), -ERANGE);
	ck_assert_int_eq(arm64_image_layout(&img, 65 * MiB, 0, &lay), -ERANGE);
	ck_assert_int_eq(
		arm64_image_layout(&img, 3072 * MiB + 2 * MiB, 0, &lay),
		-ERANGE);
	ck_assert_int_eq(arm64_image_layout(&img, 0, 0, &lay), -ERANGE);
	ck_assert_int_eq(arm64_image_layout(&img, 3072 * MiB, 0, &lay), 0);
	ck_assert_int_eq(arm64_image_layout(&img, 66 * MiB, 0, &lay), 0);
}
END_TEST

START_TEST(layout_refuses_what_does_not_fit)
{
	struct arm64_boot_layout lay;
	struct arm64_image img;

	make_image(); /* image_size up to the tree: fits exactly */
	put_le64(image + HEADER_FIELD(image_size), 62 * MiB);
	ck_assert_int_eq(parse(&img), 0);
	ck_assert_int_eq(arm64_image_layout(&img, 64 * MiB, 0, &lay), 0);
	ck_assert_uint_eq(lay.kernel_end, lay.dtb_addr);
	ck_assert_int_eq(arm64_image_layout(&img, 64 * MiB, 1, &lay), -ENOSPC);
	put_le64(image + HEADER_FIELD(image_size), 62 * MiB + 1);
	ck_assert_int_eq(parse(&img), 0);
	ck_assert_int_eq(arm64_image_layout(&img, 64 * MiB, 0, &lay), -ENOMEM);
	put_le64(image + HEADER_FIELD(image_size), UINT64_MAX);
	ck_assert_int_eq(parse(&img), 0);
	ck_assert_int_eq(arm64_image_layout(&img, 64 * MiB, 0, &lay), -ENOMEM);
}
END_TEST

START_TEST(layout_initrd_fits_to_the_page)
{
	struct arm64_boot_layout lay;
	struct arm64_image img;
	uint64_t room;

	make_image(); /* the kernel ends on a page: the room is whole pages */
	put_le64(image + HEADER_FIELD(image_size), 32 * MiB);
	ck_assert_int_eq(parse(&img), 0);
	room = 62 * MiB - 32 * MiB;
	ck_assert_int_eq(arm64_image_layout(&img, 64 * MiB, room, &lay), 0);
	ck_assert_uint_eq(lay.initrd_addr, 32 * MiB);
	ck_assert_int_eq(arm64_image_layout(&img, 64 * MiB, room + 1, &lay),
			 -ENOSPC);
	ck_assert_int_eq(arm64_image_layout(&img, 64 * MiB, UINT64_MAX, &lay),
			 -ENOSPC);
	/* an unaligned end: the initrd goes down to the page below */
	put_le64(image + HEADER_FIELD(image_size), 32 * MiB + 1);
	ck_assert_int_eq(parse(&img), 0);
	ck_assert_int_eq(arm64_image_layout(&img, 64 * MiB, room - 1, &lay),
			 -ENOSPC);
	ck_assert_int_eq(arm64_image_layout(&img, 64 * MiB, room - 4096, &lay),
			 0);
	ck_assert_uint_eq(lay.initrd_addr, 32 * MiB + 4096);
}
END_TEST

START_TEST(load_copies_kernel_and_initrd)
{
	static uint8_t initrd[5000];
	struct arm64_boot_layout lay;
	struct arm64_image img;
	struct guest_mem mem = { .size = 64 * MiB };

	mem.base = calloc(1, mem.size);
	ck_assert_ptr_nonnull(mem.base);
	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i ^ 0x5a);
	make_image();
	put_le64(image + HEADER_FIELD(image_size), 16 * MiB);
	ck_assert_int_eq(parse(&img), 0);
	ck_assert_int_eq(
		arm64_image_layout(&img, 64 * MiB, sizeof(initrd), &lay), 0);
	ck_assert_int_eq(arm64_image_load(&mem, &img, &lay, initrd), 0);
	ck_assert_mem_eq(mem.base + lay.kernel_addr, image, sizeof(image));
	ck_assert_uint_eq(mem.base[lay.kernel_addr + sizeof(image)], 0);
	ck_assert_mem_eq(mem.base + lay.initrd_addr, initrd, sizeof(initrd));
	ck_assert_uint_eq(lay.initrd_addr, 62 * MiB - 8192);
	mem.size = 128 * MiB; /* a layout made for another memory size */
	ck_assert_int_eq(arm64_image_load(&mem, &img, &lay, initrd), -EFAULT);
	free(mem.base);
}
END_TEST

START_TEST(every_error_has_its_message)
{
	static const int errs[] = { -ENOEXEC, -EPROTONOSUPPORT, -EOPNOTSUPP,
				    -EINVAL,  -ERANGE,		-ENOMEM,
				    -ENOSPC,  -EFAULT };

	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		ck_assert_str_ne(arm64_image_strerror(errs[i]),
				 "unknown error");
	ck_assert_str_eq(
		arm64_image_strerror(-EPROTONOSUPPORT),
		"a big-endian kernel (flags bit 0); this machine boots little-endian ones");
	ck_assert_str_eq(arm64_image_strerror(-E2BIG), "unknown error");
}
END_TEST

/* The lab's own kernel: Debian's arm64 Image, as booted in the lab. */
START_TEST(the_lab_kernel_parses)
{
	FILE *p = popen("LAB_ARCH=arm64 " LAB_ASSETS " kernel", "r");
	char path[4096] = "";
	struct arm64_image img;
	struct stat st;
	uint8_t *buf;
	FILE *f;

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(fgets(path, sizeof(path), p));
	pclose(p);
	path[strcspn(path, "\n")] = '\0';
	ck_assert_msg(stat(path, &st) == 0, "no arm64 lab kernel at '%s'",
		      path);
	buf = malloc(st.st_size);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(buf, 1, st.st_size, f), (size_t)st.st_size);
	fclose(f);
	ck_assert_int_eq(arm64_image_parse(buf, st.st_size, &img), 0);
	ck_assert_uint_eq(img.text_offset, 0);
	ck_assert_uint_eq(img.flags & ARM64_IMAGE_FLAG_PHYS_ANYWHERE,
			  ARM64_IMAGE_FLAG_PHYS_ANYWHERE);
	ck_assert_uint_eq(arm64_image_page_size_kib(&img), 4);
	ck_assert_uint_ge(img.image_size, (uint64_t)st.st_size);
	free(buf);
}
END_TEST

static Suite *image_suite(void)
{
	Suite *s = suite_create("arm64_image");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, parse_accepts_a_debian_style_image);
	tcase_add_test(tc, page_size_codes_of_flags_bits_1_and_2);
	tcase_add_test(tc, not_an_image_is_enoexec);
	tcase_add_test(tc, big_endian_kernel_is_eprotonosupport);
	tcase_add_test(tc, pre_3_17_kernel_is_eopnotsupp);
	tcase_add_test(tc, contradictory_header_is_einval);
	tcase_add_test(tc, layout_places_kernel_initrd_and_tree);
	tcase_add_test(tc, layout_without_initrd_and_with_a_text_offset);
	tcase_add_test(tc,
		       layout_refuses_a_memory_size_the_machine_cannot_have);
	tcase_add_test(tc, layout_refuses_what_does_not_fit);
	tcase_add_test(tc, layout_initrd_fits_to_the_page);
	tcase_add_test(tc, load_copies_kernel_and_initrd);
	tcase_add_test(tc, every_error_has_its_message);
	tcase_add_test(tc, the_lab_kernel_parses);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(image_suite());
}
