/*
 * hypercall.h - the hypercall ABI between the course's guests and its VMMs.
 *
 * Runs: included by both sides: the guests (freestanding C, 64-bit long
 * mode, inside the VM) and the VMM (userspace on the host).  This header is
 * the whole contract; the chapter "Hypercalls" (book/06) explains it.
 *
 * Spec: our own ABI.  It rides on port I/O ("IN/OUT" in the Intel SDM
 * Vol. 2; KVM_EXIT_IO in Documentation/virt/kvm/api.rst, "The kvm_run
 * structure").  Why not VMCALL (VMMCALL on AMD), the instructions made for
 * this?  KVM handles them in the kernel: its own KVM_HC_* calls, and
 * -KVM_ENOSYS for any other number (-KVM_EPERM when the guest is not at
 * CPL 0).  A userspace VMM sees them only when it takes on another
 * hypervisor's hypercall ABI: Xen's (KVM_XEN_HVM_CONFIG with
 * KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL, Linux 5.12 and later: they exit as
 * KVM_EXIT_XEN) or Hyper-V's (a few calls, HvPostMessage among them,
 * exit as KVM_EXIT_HYPERV; KVM answers the others itself, unknown codes
 * with HV_STATUS_INVALID_HYPERCALL_CODE).  An OUT to a port that no
 * in-kernel device claims reaches userspace on every KVM, Intel and AMD
 * alike, with nothing to set up; the exit costs the same.
 *
 * A call:
 *   RAX = the number (enum hc_number)
 *   RBX, RCX, RDX, RSI = arguments 0..3
 *   OUT HC_PORT, AL   -- the doorbell: the vCPU exits to the VMM
 *   RAX = the result: >= 0 on success, -errno on failure
 * Every other register is preserved.  Guest addresses (gpa) are
 * guest-physical; the VMM checks every (gpa, len) against guest RAM.
 *
 * Only a one-byte, non-string OUT rings the doorbell: "OUT HC_PORT, AL",
 * or "OUT DX, AL" with DX = HC_PORT (KVM_EXIT_IO cannot tell the two
 * apart, and need not).  Any other access to HC_PORT is refused: a 2- or
 * 4-byte OUT, and each byte of a string OUTSB, REP or not, gets -EINVAL in
 * RAX and does nothing else; an IN reads all ones, as from a port with
 * nothing behind it.
 *
 * Errors: EINVAL (an argument out of range), EFAULT (a gpa range outside
 * RAM), E2BIG (PUTS longer than HC_PUTS_MAX), ENOSPC (the console budget
 * is spent), ENOSYS (no such call); Linux's numbers.
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

#define HC_PUTS_MAX	 4096 /* longer strings: split them */
#define HC_EXIT_CODE_MAX 255  /* EXIT: what a process exit status can carry */

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
