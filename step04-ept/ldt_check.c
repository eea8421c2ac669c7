// SPDX-License-Identifier: GPL-2.0
/*
 * ldt_check.c - a process with an LDT runs the guest on its own CPU, then
 * checks that its segments came back.
 *
 * Userspace (ring 3, 64-bit mode), static, runs inside the lab VM. It pins
 * itself to one CPU, writes two entries into its LDT with modify_ldt(),
 * loads GS and FS with selectors that point into that LDT, and loads the
 * step's module itself with finit_module(): the module's init, and the
 * guest with it, runs in this process, on this CPU. A VM exit leaves LDTR
 * null and loads the FS and GS selectors the host-state area holds (null:
 * a host selector may not point into an LDT); the module must put back
 * what the process had, as KVM does. Afterwards the program reads its FS
 * and GS selectors, and loads both again through the LDT and reads through
 * them: with LDTR null that load is a #GP, and the process dies (SIGSEGV).
 *
 * usage: ldt_check CPU MODULE.ko [PARAMETERS]
 * Exits 0 if the selectors and what they read are the same after the
 * guest's run, 1 if not, 2 on bad usage or a failed system call.
 *
 * Spec: Intel SDM Vol. 3, "Segment Selectors", "Segment Descriptor Tables"
 * (the LDT), "Loading Host Segment and Descriptor-Table Registers" (LDTR
 * is unusable after a VM exit); Linux: modify_ldt(2), finit_module(2),
 * arch_prctl(2), sched_setaffinity(2).
 */
#define _GNU_SOURCE
#include <asm/ldt.h>
#include <asm/prctl.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A segment selector: index, table indicator (1: the LDT), privilege. */
#define SELECTOR_INDEX_SHIFT 3
#define SELECTOR_TI_LDT	     0x4
#define SELECTOR_RPL_USER    0x3
#define LDT_SELECTOR(index)                                                    \
	(((index) << SELECTOR_INDEX_SHIFT) | SELECTOR_TI_LDT |                 \
	 SELECTOR_RPL_USER)

/* modify_ldt(2): function 0x11 writes one entry (the "new" mode). */
#define MODIFY_LDT_WRITE 0x11
#define SEGMENT_LIMIT	 0xfff

enum { LDT_ENTRY_GS, LDT_ENTRY_FS, NR_LDT_ENTRIES };
/* The first four bytes of each segment: "GSGS" and "FSFS" in memory. */
static const unsigned int marks[NR_LDT_ENTRIES] = { 0x53475347, 0x53465346 };

/* What the process saw, around the guest's run. */
struct seen {
	long finit_ret;			   /* finit_module(): 0 or -errno */
	unsigned short gs, fs;		   /* the selectors after the run */
	unsigned int gs_before, fs_before; /* read through them before */
	unsigned int gs_again, fs_again;   /* loaded again after, read */
};

static void die(const char *what)
{
	fprintf(stderr, "ldt_check: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* Two data segments in the LDT, each a small page area below 4 GiB. */
static unsigned int *ldt_setup(void)
{
	unsigned int *cells, i;

	cells = mmap(NULL, NR_LDT_ENTRIES * (SEGMENT_LIMIT + 1),
		     PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (cells == MAP_FAILED)
		die("mmap");
	for (i = 0; i < NR_LDT_ENTRIES; i++) {
		unsigned int *cell = cells + i * (SEGMENT_LIMIT + 1) / 4;
		struct user_desc d = {
			.entry_number = i,
			.base_addr = (unsigned int)(unsigned long)cell,
			.limit = SEGMENT_LIMIT,
			.seg_32bit = 1,
			.contents = MODIFY_LDT_CONTENTS_DATA,
			.useable = 1,
		};

		*cell = marks[i];
		if (syscall(SYS_modify_ldt, MODIFY_LDT_WRITE, &d, sizeof(d)))
			die("modify_ldt");
	}
	return cells;
}

/*
 * With GS and FS loaded from the LDT: read through them, let finit_module()
 * load the module (the guest runs in there, on this CPU), read the
 * selectors as the kernel left them, load both again through the LDT and
 * read through them. One asm statement: glibc keeps its thread pointer in
 * FS, so no C code may run while FS points elsewhere (compiled without
 * stack protector, which reads FS); arch_prctl(ARCH_SET_FS) puts it back
 * before the statement ends.
 */
static void run_with_ldt_segments(int fd, const char *params, unsigned long tls,
				  struct seen *s)
{
	register long rax asm("rax") = SYS_finit_module;
	register long rdi asm("rdi") = fd;
	register long rsi asm("rsi") = (long)params;
	register long rdx asm("rdx") = 0;
	unsigned short gs_sel = LDT_SELECTOR(LDT_ENTRY_GS);
	unsigned short fs_sel = LDT_SELECTOR(LDT_ENTRY_FS);

	asm volatile(
		"mov %[gs_sel], %%gs\n\t"
		"mov %[fs_sel], %%fs\n\t"
		"mov %%gs:0, %%r8d\n\t"
		"mov %%r8d, %[gs_before]\n\t"
		"mov %%fs:0, %%r8d\n\t"
		"mov %%r8d, %[fs_before]\n\t"
		"syscall\n\t" /* finit_module(fd, params, 0) */
		"mov %%rax, %[ret]\n\t"
		"mov %%gs, %[gs_after]\n\t"
		"mov %%fs, %[fs_after]\n\t"
		"mov %[gs_sel], %%gs\n\t" /* #GP here if LDTR is null */
		"mov %[fs_sel], %%fs\n\t"
		"mov %%gs:0, %%r8d\n\t"
		"mov %%r8d, %[gs_again]\n\t"
		"mov %%fs:0, %%r8d\n\t"
		"mov %%r8d, %[fs_again]\n\t"
		"mov %[nr_arch_prctl], %%eax\n\t"
		"mov %[set_fs], %%edi\n\t"
		"mov %[tls], %%rsi\n\t"
		"syscall" /* arch_prctl(ARCH_SET_FS, tls) */
		: "+r"(rax), "+r"(rdi),
		  "+r"(rsi), [ret] "=m"(s->finit_ret), [gs_after] "=m"(s->gs),
		  [fs_after] "=m"(s->fs), [gs_before] "=m"(s->gs_before),
		  [fs_before] "=m"(s->fs_before), [gs_again] "=m"(s->gs_again),
		  [fs_again] "=m"(s->fs_again)
		: "r"(rdx), [gs_sel] "r"(gs_sel), [fs_sel] "r"(fs_sel),
		  [tls] "r"(tls), [nr_arch_prctl] "i"(SYS_arch_prctl),
		  [set_fs] "i"(ARCH_SET_FS)
		: "rcx", "r8", "r11", "memory", "cc");
}

static void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
	if (sched_getcpu() != cpu) {
		fprintf(stderr, "ldt_check: still on cpu%d, not cpu%d\n",
			sched_getcpu(), cpu);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	const char *params = argc > 3 ? argv[3] : "";
	struct seen s = { 0 };
	unsigned long tls;
	int cpu, fd, same;

	if (argc < 3 || argc > 4) {
		fprintf(stderr,
			"usage: ldt_check CPU MODULE.ko [PARAMETERS]\n");
		return 2;
	}
	cpu = atoi(argv[1]);
	pin_to_cpu(cpu);
	fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(argv[2]);
	if (syscall(SYS_arch_prctl, ARCH_GET_FS, &tls))
		die("arch_prctl(ARCH_GET_FS)");
	ldt_setup();
	printf("ldt_check: on cpu%d, GS = 0x%x and FS = 0x%x from the LDT\n",
	       cpu, LDT_SELECTOR(LDT_ENTRY_GS), LDT_SELECTOR(LDT_ENTRY_FS));
	fflush(stdout);

	run_with_ldt_segments(fd, params, tls, &s);

	printf("ldt_check: before: GS:0 = 0x%08x, FS:0 = 0x%08x\n", s.gs_before,
	       s.fs_before);
	if (s.finit_ret) {
		errno = -s.finit_ret;
		die("finit_module");
	}
	printf("ldt_check: finit_module(%s, \"%s\") = 0: the guest ran on cpu%d\n",
	       argv[2], params, cpu);
	printf("ldt_check: after: GS = 0x%x, FS = 0x%x; loaded again through the LDT: GS:0 = 0x%08x, FS:0 = 0x%08x\n",
	       s.gs, s.fs, s.gs_again, s.fs_again);
	same = s.gs == LDT_SELECTOR(LDT_ENTRY_GS) &&
	       s.fs == LDT_SELECTOR(LDT_ENTRY_FS) &&
	       s.gs_before == marks[LDT_ENTRY_GS] &&
	       s.fs_before == marks[LDT_ENTRY_FS] &&
	       s.gs_again == s.gs_before && s.fs_again == s.fs_before;
	printf("ldt_check: %s\n",
	       same ? "the LDT and the GS and FS selectors came back"
		    : "the segments CHANGED while the guest ran");
	return same ? 0 : 1;
}
