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
 * The arm64 doorbell (step08).  arm64 has no port I/O; it has HVC, the
 * instruction made for calling a hypervisor, and a convention for such
 * calls, Arm's SMC Calling Convention (DEN0028, "Function Identifier"):
 *   X0 = HC_ARM64_FUNCTION(nr): a fast call (bit 31), SMC64 (bit 30),
 *        owning entity 6, "Vendor Specific Hypervisor Service" (bits 29:24),
 *        function number nr (bits 15:0); only W0 counts, as SMCCC says
 *   X1, X2, X3, X4 = arguments 0..3
 *   HVC #0      -- the doorbell: the vCPU exits to the VMM
 *   X0 = the result: >= 0 on success, -errno on failure
 * X1-X3 may change (SMCCC's result registers); every other register is
 * preserved.  The calls, their arguments and their errors are the x86
 * ones.  A number too wide for the 16-bit function number is sent as
 * HC_ARM64_NR_INVALID, which no call has: the guest gets -ENOSYS, as on
 * x86 (sending its low 16 bits instead would make 2^32 + HC_PUTS a PUTS).
 *
 * How it reaches the VMM.  KVM answers every HVC in the kernel (PSCI, its
 * own services, "not supported" for the rest) unless told otherwise: from
 * Linux 6.4 its SMCCC filter (KVM_ARM_VM_SMCCC_FILTER, action
 * FWD_TO_USER) hands the range [HC_ARM64_FUNCTION_BASE,
 * + HC_ARM64_FUNCTION_COUNT) to the VMM as KVM_EXIT_HYPERCALL, the PC
 * already past the HVC.  Hypervisor.framework hands every HVC to the VMM
 * as an exception exit (EC 0x16).  KVM's own vendor calls are SMC32
 * (0x86...), PSCI is owning entity 4: neither is in this range.
 */
#define HC_ARM64_SMCCC_FAST_CALL   (1U << 31)
#define HC_ARM64_SMCCC_SMC64	   (1U << 30)
#define HC_ARM64_SMCCC_OWNER_SHIFT 24
#define HC_ARM64_SMCCC_OWNER_VENDOR_HYP                                        \
	6U /* Vendor Specific Hypervisor Service */
#define HC_ARM64_FUNCTION_BASE                                                 \
	(HC_ARM64_SMCCC_FAST_CALL | HC_ARM64_SMCCC_SMC64 |                     \
	 HC_ARM64_SMCCC_OWNER_VENDOR_HYP << HC_ARM64_SMCCC_OWNER_SHIFT)
#define HC_ARM64_FUNCTION_COUNT 0x10000U /* the 16-bit function number */
#define HC_ARM64_NR_INVALID	(HC_ARM64_FUNCTION_COUNT - 1)
#define HC_ARM64_FUNCTION(nr)	(HC_ARM64_FUNCTION_BASE | (uint32_t)(nr))
_Static_assert(HC_ARM64_FUNCTION_BASE == 0xC6000000U, "SMC64 fast, owner 6");
_Static_assert(HC_COUNT <= HC_ARM64_NR_INVALID, "every call has a number");

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
#if defined(__aarch64__)
static inline int64_t hypercall(uint64_t nr, uint64_t a0, uint64_t a1,
				uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = HC_ARM64_FUNCTION(
		nr < HC_ARM64_FUNCTION_COUNT ? nr : HC_ARM64_NR_INVALID);
	register uint64_t x1 __asm__("x1") = a0;
	register uint64_t x2 __asm__("x2") = a1;
	register uint64_t x3 __asm__("x3") = a2;
	register uint64_t x4 __asm__("x4") = a3;

	__asm__ volatile("hvc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 : "r"(x4)
			 : "memory");
	return (int64_t)x0;
}
#else
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

#endif
