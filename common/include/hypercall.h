/*
 * hypercall.h - the hypercall ABI between the course's guests and its VMMs.
 *
 * Runs: included by both sides: the guests (freestanding C, 64-bit long
 * mode, inside the VM) and the VMM (userspace on the host).  This header is
 * the whole contract; the chapter "Hypercalls" (book/06) explains it.
 *
 * Spec: our own ABI.  It rides on port I/O ("IN/OUT" in the Intel SDM
 * Vol. 2; KVM_EXIT_IO in Documentation/virt/kvm/api.rst) because KVM keeps
 * VMCALL/VMMCALL for itself: a userspace VMM never sees them.
 *
 * A call:
 *   RAX = the number (enum hc_number)
 *   RBX, RCX, RDX, RSI = arguments 0..3
 *   OUT HC_PORT, AL   -- the doorbell: the vCPU exits to the VMM
 *   RAX = the result: >= 0 on success, -errno on failure
 * Every other register is preserved.  Guest addresses (gpa) are
 * guest-physical; the VMM checks every (gpa, len) against guest RAM.
 *
 * Only a one-byte OUT rings the doorbell.  Any other access to HC_PORT is
 * refused: a 2- or 4-byte OUT gets -EINVAL in RAX and does nothing else; an
 * IN reads all ones, as from a port with nothing behind it.
 *
 * Errors: EINVAL (an argument out of range), EFAULT (a gpa range outside
 * RAM), E2BIG (PUTS longer than HC_PUTS_MAX), ENOSPC (the console budget
 * is spent), ENOSYS (no such call); Linux's numbers.
 *
 * The numbers of the first two calls are those of the TinyVMM seed on
 * Hypervisor.framework (HVC #0 with X0 = 0 exit, 1 putchar).
 */
#ifndef HYPERCALL_H
#define HYPERCALL_H

#include <stdint.h>

/* The doorbell: an 8-bit port, so "OUT imm8, AL" leaves RDX free for args. */
#define HC_PORT 0xE8

enum hc_number {
	HC_EXIT = 0,	/* (code 0..255): the guest is done; never returns */
	HC_PUTCHAR = 1, /* (c 0..255): one byte of console output -> 0 */
	HC_PUTS = 2,	/* (gpa, len <= HC_PUTS_MAX): output -> bytes written */
	HC_GETTIME = 3, /* (): nanoseconds since the VM started */
	HC_VMINFO = 4,	/* (gpa, len): copy struct hc_vminfo -> its size */
	HC_COUNT
};

#define HC_PUTS_MAX 4096 /* longer strings: split them */

/*
 * The console budget: all the output of one VM (PUTCHAR, PUTS and the
 * console port together) is at most this many bytes.  Like write(2), PUTS
 * then writes what still fits and returns that count; once nothing fits,
 * PUTS and PUTCHAR return -ENOSPC, and the console port drops its bytes.
 */
#define HC_OUTPUT_MAX (1024 * 1024)

/* What HC_VMINFO copies into the guest: facts only the host knows. */
struct hc_vminfo {
	uint32_t vm_index; /* 1..vm_count: which of the VMs this is */
	uint32_t vm_count; /* how many VMs this vmm runs (--vms) */
	uint64_t mem_size; /* bytes of guest RAM, from guest-physical 0 */
	char host[64];	   /* the host's name (uname -n), NUL-terminated */
};
_Static_assert(sizeof(struct hc_vminfo) == 80, "hc_vminfo is ABI");

/*
 * The guest side: a freestanding compiler (-ffreestanding) defines
 * __STDC_HOSTED__ as 0, and only guests are built that way.
 */
#if !__STDC_HOSTED__
static inline int64_t hypercall(uint64_t nr, uint64_t a0, uint64_t a1,
				uint64_t a2, uint64_t a3)
{
	int64_t ret;

	__asm__ volatile("outb %%al, %[port]"
			 : "=a"(ret)
			 : "a"(nr), "b"(a0), "c"(a1), "d"(a2),
			   "S"(a3), [port] "i"(HC_PORT)
			 : "memory");
	return ret;
}
#endif

#endif
