/*
 * linux.c - boot Linux: the kernel, its initrd and its command line
 * checked and placed in guest memory as the x86 boot protocol asks, the
 * machine's devices created and described in ACPI tables next to them;
 * then the run, from the VM's creation to the report.
 *
 * Runs: userspace (the VMM), from main(): linux_load() before /dev/kvm is
 * opened, so that every piece of bad input (a file that is not a bzImage
 * or is cut short, a boot protocol too old, an initrd that fits nowhere,
 * too little --mem, a command line too long, a disk that cannot be
 * opened) ends the VMM with one line and exit status 2, on any machine,
 * before anything ran; linux_run() after.
 * Spec: Documentation/arch/x86/boot.rst ("Loading The Rest of The
 * Kernel", "64-bit Boot Protocol"), boot/bzimage.c; the ACPI tables:
 * boot/acpi.c; Documentation/virt/kvm/api.rst (vm.c, vcpu.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/acpi.h"
#include "boot/bzimage.h"
#include "boot/cmdline.h"
#include "boot/reset_vector.h"
#include "budget.h"
#include "console.h"
#include "layout.h"
#include "linux.h"
#include "machine.h"
#include "report.h"
#include "smp.h"
#include "stats.h"
#include "vcpu.h"

/* The files the user named, open and measured. */
struct linux_files {
	uint8_t *kernel; /* the whole bzImage */
	uint64_t kernel_size;
	int initrd_fd; /* -1: no initrd */
	uint64_t initrd_size;
	char *cmdline; /* the user's, with what the machine adds */
};

/*
 * A regular file, opened for reading (O_NONBLOCK: a FIFO must not make us
 * wait for a writer), and its size; or exit 2 naming the problem.
 */
static int open_input(const char *what, const char *path, uint64_t *size)
{
	char shown[SHOWN_MAX];
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	console_shown(shown, path);
	if (fd < 0)
		bad_input("%s '%s': %s", what, shown, strerror(errno));
	if (fstat(fd, &st) < 0)
		bad_input("%s '%s': %s", what, shown, strerror(errno));
	if (!S_ISREG(st.st_mode))
		bad_input("%s '%s' is not a regular file", what, shown);
	if (st.st_size == 0)
		bad_input("%s '%s' is empty", what, shown);
	*size = (uint64_t)st.st_size;
	return fd;
}

/* Read size bytes of fd into dst, or exit: the file changed under us. */
static void read_all(int fd, uint8_t *dst, uint64_t size, const char *what)
{
	for (uint64_t done = 0; done < size;) {
		ssize_t n = read(fd, dst + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			bad_input("%s: %s", what,
				  n ? strerror(errno)
				    : "shorter than when it was opened");
		done += (uint64_t)n;
	}
}

/* The kernel into our memory (not the guest's: its header decides where
 * its parts go), the initrd opened, the command line made. */
static void open_files(const struct options *o, struct linux_files *f)
{
	int fd = open_input("kernel", o->kernel, &f->kernel_size);

	if (f->kernel_size > MACHINE_RAM_MAX)
		bad_input("kernel is larger than any guest memory: %llu bytes",
			  (unsigned long long)f->kernel_size);
	f->kernel = malloc(f->kernel_size);
	if (!f->kernel)
		die_perror("malloc kernel");
	read_all(fd, f->kernel, f->kernel_size, "kernel");
	close(fd);
	f->initrd_fd = -1;
	f->initrd_size = 0;
	if (o->initrd)
		f->initrd_fd = open_input("initrd", o->initrd, &f->initrd_size);
	f->cmdline = cmdline_build(o->cmdline, o->console);
	if (!f->cmdline)
		die_perror("cmdline_build");
}

/* book:begin linux_layout */
/*
 * Check the bzImage and decide where everything goes (bzimage_layout()),
 * or exit 2 with the reason and the numbers that led to it.
 */
static void check_kernel(const struct options *o, const struct linux_files *f,
			 struct bzimage *bz, struct boot_layout *lay)
{
	char kernel[SHOWN_MAX];
	int err;

	console_shown(kernel, o->kernel);
	err = bzimage_parse(f->kernel, f->kernel_size, bz);
	if (err < 0)
		bad_input("kernel '%s': %s", kernel, bzimage_strerror(err));
	err = bzimage_layout(bz, o->mem_size, f->initrd_size,
			     strlen(f->cmdline), lay);
	if (err == -E2BIG)
		bad_input("--cmdline: %s: %zu bytes, at most %u",
			  bzimage_strerror(err), strlen(f->cmdline),
			  bz->hdr.cmdline_size);
	if (err == -EFBIG)
		bad_input("initrd: %s (%#x): %llu bytes", bzimage_strerror(err),
			  bz->hdr.initrd_addr_max,
			  (unsigned long long)f->initrd_size);
	if (err < 0)
		bad_input("kernel '%s': %s: --mem %llu MiB, initrd %llu bytes",
			  kernel, bzimage_strerror(err),
			  (unsigned long long)o->mem_size / MIB,
			  (unsigned long long)f->initrd_size);
}
/* book:end linux_layout */

/* book:begin linux_place */
/*
 * Into guest memory: the kernel, the command line and boot_params
 * (bzimage_load), the initrd straight from its file to its place, the
 * ACPI tables of the machine just created, and the reset vector's code.
 */
static void place(struct vm *vm, const struct linux_files *f,
		  const struct bzimage *bz, const struct boot_layout *lay)
{
	struct acpi_machine acpi = machine_acpi(vm->machine);
	int64_t rsdp;

	guest_memory_map(vm, vm->opts->mem_size);
	if (bzimage_load(&vm->mem, bz, lay, NULL, f->cmdline, true) < 0)
		die("bzimage_load: the layout does not fit guest memory");
	if (f->initrd_fd >= 0)
		read_all(f->initrd_fd,
			 gpa_to_hva(&vm->mem, lay->initrd_addr, f->initrd_size),
			 f->initrd_size, "initrd");
	rsdp = acpi_write_tables(&vm->mem, &acpi);
	if (rsdp != MACHINE_ACPI_ADDR)
		die("acpi_write_tables: %s",
		    strerror(rsdp < 0 ? (int)-rsdp : EINVAL));
	if (reset_vector_write(&vm->mem) < 0)
		die("reset_vector_write: RAM does not reach the reset vector");
	vm->machine->entry = lay->entry;
}
/* book:end linux_place */

/* What the VMM did, for the person reading the console. */
static void say_loaded(const struct vm *vm, const struct linux_files *f,
		       const struct bzimage *bz, const struct boot_layout *lay)
{
	const struct machine *m = vm->machine;

	vmm_say("Linux %s, boot protocol %u.%02u: kernel %llu bytes at %#llx (it uses up to %#llx to boot), entry %#llx",
		m->release, bz->hdr.version >> 8, bz->hdr.version & 0xff,
		(unsigned long long)bz->kernel_size,
		(unsigned long long)lay->kernel_addr,
		(unsigned long long)lay->kernel_end,
		(unsigned long long)lay->entry);
	if (lay->initrd_size)
		vmm_say("initrd %llu bytes at %#llx; %llu MiB of memory",
			(unsigned long long)lay->initrd_size,
			(unsigned long long)lay->initrd_addr,
			(unsigned long long)vm->mem.size / MIB);
	vmm_say("command line: %s", f->cmdline);
	vmm_say("devices: com1, i8042, acpi sleep, pvpanic, boot timer, virtio-console, %u virtio-blk; stdin to %s",
		m->nr_disks,
		vm->opts->console == CONSOLE_VIRTIO ? "virtio-console"
						    : "com1");
	if (m->tap[0])
		vmm_say("virtio-net on tap %s, MAC %02x:%02x:%02x:%02x:%02x:%02x",
			m->tap, m->net.mac[0], m->net.mac[1], m->net.mac[2],
			m->net.mac[3], m->net.mac[4], m->net.mac[5]);
}

/* book:begin linux_load */
/*
 * Everything the user gave, checked, then placed: the kernel, the initrd,
 * the command line, the disks (machine_create).  Bad input exits 2 here,
 * and nothing has touched KVM yet.
 */
void linux_load(struct vm *vm)
{
	uint64_t start_ns = now_ns();
	struct linux_files f;
	struct boot_layout lay;
	struct bzimage bz;

	if (vm->opts->raw)
		console_raw();
	open_files(vm->opts, &f);
	check_kernel(vm->opts, &f, &bz, &lay);
	machine_create(vm, start_ns);
	if (bzimage_release(&bz, vm->machine->release, MACHINE_RELEASE_MAX))
		strcpy(vm->machine->release, "unknown");
	place(vm, &f, &bz, &lay);
	say_loaded(vm, &f, &bz, &lay);
	report_loaded(vm);
	free(f.kernel);
	free(f.cmdline);
	if (f.initrd_fd >= 0)
		close(f.initrd_fd);
}
/* book:end linux_load */

/* book:begin linux_run */
/*
 * The run: a VM with the irqchip and the PIT, vCPU 0 at the 64-bit entry
 * point (the other --cpus wait for the guest to start them: smp.c),
 * the I/O thread and its ioeventfds when there is a network card, stdin
 * to the console, the time budget if one was given; KVM_RUN on
 * every vCPU until the guest powers off, resets, panics or runs out of
 * time; then the report.  Returns the VMM's exit status.
 */
int linux_run(struct vm *vm)
{
	enum run_end end;

	vm_create(vm);
	vcpu_create(vm);
	vcpu_setup_linux(vm, vm->machine->entry, MACHINE_BOOT_PARAMS_ADDR);
	smp_create(vm);
	machine_start_io(vm);
	machine_start_input(vm);
	budget_start(vm);
	end = smp_run(vm);
	budget_stop();
	machine_stop_io(vm);
	return report_linux(vm, end);
}
/* book:end linux_run */
