/*
 * x86_cpu.c - make a KVM vCPU the x86 CPU a Linux kernel boots on.
 *
 * Runs: userspace (the VMM), once per vCPU after KVM_CREATE_VCPU, before
 * the first KVM_RUN.  The host unit tests include this file (they call
 * the pure builders; the ioctls need /dev/kvm).
 *
 * Spec: Intel SDM Vol. 2A, "CPUID" (leaf 01H: EBX[31:24] initial APIC ID,
 * EBX[23:16] addressable IDs for logical processors in the package,
 * ECX[24] TSC-deadline, ECX[31] "not used", which hypervisors set;
 * Documentation/virt/kvm/x86/cpuid.rst: KVM's leaves 0x40000000+ are
 * found through it; leaves 0BH and 1FH: EDX is the x2APIC ID;
 * api.rst, "CPU topology"); AMD APM Vol. 3, "CPUID Fn8000_001E" (EAX is
 * the extended APIC ID); SDM Vol. 3A, "Local Vector Table" (LINT0, LINT1,
 * delivery modes ExtINT and NMI), "MTRRdefType Register", Vol. 4
 * "Model-Specific Registers"; Documentation/virt/kvm/api.rst
 * (KVM_GET_SUPPORTED_CPUID, KVM_SET_CPUID2, KVM_SET_MSRS, KVM_GET_LAPIC,
 * KVM_SET_LAPIC, KVM_CAP_TSC_DEADLINE_TIMER).
 *
 * What a BIOS would have done before a boot loader runs is ours to do:
 * tell the CPU its APIC ID, turn on fast strings and write-back caching
 * through the MTRRs, and wire the local APIC's LINT0 to the 8259 PIC
 * (ExtINT, masked: see x86_lapic_lint_setup) and LINT1 to NMI.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "x86_cpu.h"

/* CPUID leaves and fields (SDM "CPUID"; AMD APM "CPUID"). */
#define CPUID_LEAF_FEATURES	  0x01
#define CPUID_LEAF_TOPOLOGY	  0x0b
#define CPUID_LEAF_TOPOLOGY_V2	  0x1f
#define CPUID_LEAF_AMD_EXT_APIC	  0x8000001e
#define CPUID_1_EBX_APIC_ID_SHIFT 24
#define CPUID_1_EBX_LOGICAL_SHIFT 16
#define CPUID_1_EBX_ID_MASK	  0xffu
#define CPUID_1_ECX_TSC_DEADLINE  (1u << 24)
#define CPUID_1_ECX_HYPERVISOR	  (1u << 31)
/*
 * Leaves 0BH and 1FH: sub-leaf n describes topology level n, from the
 * innermost; the first sub-leaf of type 0 ends the list.
 */
#define CPUID_TOPOLOGY_SMT	    0 /* sub-leaf 0: threads of a core */
#define CPUID_TOPOLOGY_CORE	    1 /* sub-leaf 1: cores of a package */
#define CPUID_TOPOLOGY_END	    2 /* sub-leaf 2: type 0, no more levels */
#define CPUID_TOPOLOGY_SUBLEAVES    3 /* the sub-leaves the VMM writes */
#define CPUID_TOPOLOGY_TYPE_SHIFT   8 /* ECX[15:8]: the level's type */
#define CPUID_TOPOLOGY_TYPE_INVALID 0 /* Linux: INVALID_TYPE */
#define CPUID_TOPOLOGY_TYPE_SMT	    1
#define CPUID_TOPOLOGY_TYPE_CORE    2

/*
 * KVM_GET_SUPPORTED_CPUID: room for this many leaves at first, doubled on
 * E2BIG up to the most KVM accepts (its KVM_MAX_CPUID_ENTRIES).
 */
#define CPUID_ENTRIES_FIRST 64
#define CPUID_ENTRIES_MAX   256

/* MSR numbers and bits as Linux names them (asm/msr-index.h, not UAPI). */
#define MSR_IA32_TSC			 0x00000010
#define MSR_IA32_SYSENTER_CS		 0x00000174
#define MSR_IA32_SYSENTER_ESP		 0x00000175
#define MSR_IA32_SYSENTER_EIP		 0x00000176
#define MSR_IA32_MISC_ENABLE		 0x000001a0
#define MSR_MTRRdefType			 0x000002ff
#define MSR_STAR			 0xc0000081
#define MSR_LSTAR			 0xc0000082
#define MSR_CSTAR			 0xc0000083
#define MSR_SYSCALL_MASK		 0xc0000084
#define MSR_KERNEL_GS_BASE		 0xc0000102
#define MSR_IA32_MISC_ENABLE_FAST_STRING (1ULL << 0)
#define MTRR_DEF_TYPE_E			 (1ULL << 11) /* MTRRs enabled */
#define MTRR_TYPE_WRBACK		 6

/* Local APIC registers and LVT fields (Linux: asm/apicdef.h, not UAPI). */
#define APIC_LVT0	0x350
#define APIC_LVT1	0x360
#define APIC_DM_NMI	0x00400 /* delivery mode 100b */
#define APIC_DM_EXTINT	0x00700 /* delivery mode 111b */
#define APIC_LVT_MASKED 0x10000

/* book:begin supported_cpuid */
/*
 * All the CPUID leaves KVM can offer on this host.  The caller sizes the
 * array; KVM says E2BIG when it is too small, so grow it until it fits.
 * Returns NULL with errno set on failure.
 */
struct kvm_cpuid2 *x86_supported_cpuid(int kvm_fd)
{
	for (uint32_t n = CPUID_ENTRIES_FIRST;; n *= 2) {
		struct kvm_cpuid2 *cpuid;

		cpuid = calloc(1,
			       sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));
		if (!cpuid)
			return NULL;
		cpuid->nent = n;
		if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
			return cpuid;
		free(cpuid);
		if (errno != E2BIG || n >= CPUID_ENTRIES_MAX)
			return NULL;
	}
}
/* book:end supported_cpuid */

static void set_field(uint32_t *reg, unsigned int shift, uint32_t value)
{
	*reg = (*reg & ~(CPUID_1_EBX_ID_MASK << shift)) |
	       (value & CPUID_1_EBX_ID_MASK) << shift;
}

/* The bits an ID needs to tell n things apart: ceil(log2(n)). */
static uint32_t id_bits(uint32_t n)
{
	uint32_t bits = 0;

	while ((1ull << bits) < n)
		bits++;
	return bits;
}

/* book:begin cpuid_topology */
/*
 * Sub-leaf `level` of leaf 0BH or 1FH, "Extended Topology Enumeration",
 * for a package of vcpu_count cores with one thread each: level 0 (SMT)
 * has one logical processor and shifts the x2APIC ID by 0 bits, level 1
 * (core) has vcpu_count and shifts by the bits they need, level 2 ends
 * the list (type 0).  Every sub-leaf's EDX is this vCPU's x2APIC ID, and
 * each is flagged KVM_CPUID_FLAG_SIGNIFCANT_INDEX: KVM looks it up by
 * leaf and sub-leaf.
 */
static struct kvm_cpuid_entry2 cpuid_topology(uint32_t function, uint32_t level,
					      uint32_t apic_id,
					      uint32_t vcpu_count)
{
	struct kvm_cpuid_entry2 e = {
		.function = function,
		.index = level,
		.flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX,
		.ecx = level, /* ECX[7:0]: the sub-leaf asked for */
		.edx = apic_id,
	};

	switch (level) {
	case CPUID_TOPOLOGY_SMT:
		e.ebx = 1;
		e.ecx |= CPUID_TOPOLOGY_TYPE_SMT << CPUID_TOPOLOGY_TYPE_SHIFT;
		break;
	case CPUID_TOPOLOGY_CORE:
		e.eax = id_bits(vcpu_count);
		e.ebx = vcpu_count;
		e.ecx |= CPUID_TOPOLOGY_TYPE_CORE << CPUID_TOPOLOGY_TYPE_SHIFT;
		break;
	default:
		e.ecx |= CPUID_TOPOLOGY_TYPE_INVALID
			 << CPUID_TOPOLOGY_TYPE_SHIFT;
		break;
	}
	return e;
}
/* book:end cpuid_topology */

static bool is_topology_leaf(uint32_t function)
{
	return function == CPUID_LEAF_TOPOLOGY ||
	       function == CPUID_LEAF_TOPOLOGY_V2;
}

/* Does the list hold any sub-leaf of this leaf? */
static bool cpuid_has_leaf(const struct kvm_cpuid2 *cpuid, uint32_t function)
{
	for (uint32_t i = 0; i < cpuid->nent; i++)
		if (cpuid->entries[i].function == function)
			return true;
	return false;
}

/* Sub-leaves 0 to 2 of a topology leaf, after the list's last entry. */
static void add_topology(struct kvm_cpuid2 *cpuid, uint32_t function,
			 uint32_t apic_id, uint32_t vcpu_count)
{
	for (uint32_t level = 0; level < CPUID_TOPOLOGY_SUBLEAVES; level++)
		cpuid->entries[cpuid->nent++] =
			cpuid_topology(function, level, apic_id, vcpu_count);
}

/* book:begin cpuid_leaf_for_vcpu */
/*
 * Leaf 01H and AMD's 0x8000001E, as KVM listed them, for this vCPU: its
 * APIC ID where each keeps one; leaf 01H counts the VM's logical
 * processors and sets the hypervisor bit (KVM's list describes the
 * hardware and leaves it clear; without it Linux never looks at KVM's
 * leaves 0x40000000+ and boots "on bare hardware", without kvm-clock),
 * and announces TSC-deadline mode when KVM's in-kernel local APIC has it
 * (left out of the list too, by the lab's 6.1 and every KVM before
 * commit 9be4ec35d668 of December 2024: it is emulated, not the host's).
 */
static void cpuid_leaf_for_vcpu(struct kvm_cpuid_entry2 *e, uint32_t apic_id,
				uint32_t vcpu_count, bool tsc_deadline)
{
	switch (e->function) {
	case CPUID_LEAF_FEATURES:
		set_field(&e->ebx, CPUID_1_EBX_APIC_ID_SHIFT, apic_id);
		set_field(&e->ebx, CPUID_1_EBX_LOGICAL_SHIFT, vcpu_count);
		e->ecx |= CPUID_1_ECX_HYPERVISOR;
		if (tsc_deadline)
			e->ecx |= CPUID_1_ECX_TSC_DEADLINE;
		break;
	case CPUID_LEAF_AMD_EXT_APIC:
		e->eax = apic_id;
		break;
	}
}
/* book:end cpuid_leaf_for_vcpu */

/* book:begin cpuid_for_vcpu */
/*
 * KVM's supported leaves describe the host: the list for this vCPU,
 * newly allocated (the caller frees it), with the leaves that say who it
 * is rewritten and the topology leaves built whole.  KVM since Linux 6.2
 * (commit 45e966fcca03, in the stable kernels too: the lab's 6.1) lists
 * sub-leaf 0 of 0BH and 1FH alone, zeroed (api.rst, "CPU topology"), and
 * before it as many sub-leaves as the host has; so each of these leaves
 * KVM lists is replaced by the three sub-leaves cpuid_topology builds.
 * 1FH is added only where KVM lists it: the host's leaf 0 (whose EAX,
 * the highest basic leaf, KVM passes on) then reaches 1FH; past that
 * maximum a guest does not look.  Returns NULL with errno set: ENOMEM,
 * or E2BIG past the entries KVM_SET_CPUID2 accepts.
 */
struct kvm_cpuid2 *x86_cpuid_for_vcpu(const struct kvm_cpuid2 *supported,
				      uint32_t apic_id, uint32_t vcpu_count,
				      bool tsc_deadline)
{
	/* KVM's sub-leaves of 0BH and 1FH are dropped, 3 of each added. */
	uint32_t room = supported->nent + 2 * CPUID_TOPOLOGY_SUBLEAVES;
	struct kvm_cpuid2 *cpuid;

	cpuid = calloc(1, sizeof(*cpuid) + room * sizeof(cpuid->entries[0]));
	if (!cpuid)
		return NULL;
	for (uint32_t i = 0; i < supported->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &supported->entries[i];

		if (!is_topology_leaf(e->function)) {
			cpuid->entries[cpuid->nent] = *e;
			cpuid_leaf_for_vcpu(&cpuid->entries[cpuid->nent++],
					    apic_id, vcpu_count, tsc_deadline);
		} else if (!cpuid_has_leaf(cpuid, e->function)) {
			add_topology(cpuid, e->function, apic_id, vcpu_count);
		}
	}
	if (cpuid->nent > CPUID_ENTRIES_MAX) {
		free(cpuid);
		errno = E2BIG;
		return NULL;
	}
	return cpuid;
}
/* book:end cpuid_for_vcpu */

/* book:begin boot_msrs */
/*
 * The MSRs as firmware leaves them: the system-call MSRs and the TSC at
 * zero (as after reset; the kernel programs them), fast string operations
 * on (IA32_MISC_ENABLE bit 0), and the MTRRs enabled with write-back as
 * the default memory type, so RAM is cached (kvmtool and Firecracker set
 * the same).
 */
static const struct x86_msr boot_msrs[] = {
	{ MSR_IA32_SYSENTER_CS, 0, "MSR_IA32_SYSENTER_CS" },
	{ MSR_IA32_SYSENTER_ESP, 0, "MSR_IA32_SYSENTER_ESP" },
	{ MSR_IA32_SYSENTER_EIP, 0, "MSR_IA32_SYSENTER_EIP" },
	{ MSR_STAR, 0, "MSR_STAR" },
	{ MSR_LSTAR, 0, "MSR_LSTAR" },
	{ MSR_CSTAR, 0, "MSR_CSTAR" },
	{ MSR_SYSCALL_MASK, 0, "MSR_SYSCALL_MASK" },
	{ MSR_KERNEL_GS_BASE, 0, "MSR_KERNEL_GS_BASE" },
	{ MSR_IA32_TSC, 0, "MSR_IA32_TSC" },
	{ MSR_IA32_MISC_ENABLE, MSR_IA32_MISC_ENABLE_FAST_STRING,
	  "MSR_IA32_MISC_ENABLE" },
	{ MSR_MTRRdefType, MTRR_DEF_TYPE_E | MTRR_TYPE_WRBACK,
	  "MSR_MTRRdefType" },
};
/* book:end boot_msrs */

const struct x86_msr *x86_boot_msrs(unsigned int *count)
{
	*count = sizeof(boot_msrs) / sizeof(boot_msrs[0]);
	return boot_msrs;
}

/* The local APIC page is little-endian 32-bit registers, 16 bytes apart. */
uint32_t x86_lapic_reg(const struct kvm_lapic_state *lapic, unsigned int reg)
{
	uint32_t v;

	memcpy(&v, lapic->regs + reg, sizeof(v));
	return v;
}

static void lapic_set_reg(struct kvm_lapic_state *lapic, unsigned int reg,
			  uint32_t v)
{
	memcpy(lapic->regs + reg, &v, sizeof(v));
}

/* book:begin lapic_lint */
/*
 * LINT0 <- the 8259 PIC's INTR, delivered as ExtINT (the PIC supplies the
 * vector), masked; LINT1 <- NMI, unmasked.  A BIOS would leave LINT0
 * unmasked ("virtual wire" mode, how PC interrupts reach the CPU before
 * the IOAPIC is set up), but this machine's OS runs hardware-reduced
 * ACPI, which never initializes the 8259s KVM_CREATE_IRQCHIP creates:
 * their lines are all unmasked, their vector base is 0, so COM1's IRQ 4
 * through an unmasked LINT0 would arrive as vector 4, an exception's.
 * Measured with Debian's 6.1 kernel: it writes LVT0 "masked ExtINT on
 * CPU#0" itself either way, and IRQ 4 stays pending in the PIC, never
 * taken; masked from the start, there is no window at all.  An OS that
 * wants the PIC (acpi=off, PIC mode) unmasks LINT0 itself.
 */
void x86_lapic_lint_setup(struct kvm_lapic_state *lapic)
{
	lapic_set_reg(lapic, APIC_LVT0, APIC_DM_EXTINT | APIC_LVT_MASKED);
	lapic_set_reg(lapic, APIC_LVT1, APIC_DM_NMI);
}
/* book:end lapic_lint */

/* KVM_SET_MSRS with the boot MSRs; it returns how many it set. */
static int set_boot_msrs(int vcpu_fd, const char **failed)
{
	unsigned int n;
	const struct x86_msr *msrs = x86_boot_msrs(&n);
	struct kvm_msrs *list;
	int set;

	list = calloc(1, sizeof(*list) + n * sizeof(list->entries[0]));
	if (!list)
		return -ENOMEM;
	list->nmsrs = n;
	for (unsigned int i = 0; i < n; i++)
		list->entries[i] =
			(struct kvm_msr_entry){ .index = msrs[i].index,
						.data = msrs[i].value };
	set = ioctl(vcpu_fd, KVM_SET_MSRS, list);
	free(list);
	*failed = "KVM_SET_MSRS";
	if (set < 0)
		return -errno;
	if ((unsigned int)set < n) {
		*failed = msrs[set].name; /* KVM stops at the first refusal */
		return -EINVAL;
	}
	return 0;
}

static int set_lapic_lints(int vcpu_fd, const char **failed)
{
	struct kvm_lapic_state lapic;

	*failed = "KVM_GET_LAPIC";
	if (ioctl(vcpu_fd, KVM_GET_LAPIC, &lapic) < 0)
		return -errno;
	x86_lapic_lint_setup(&lapic);
	*failed = "KVM_SET_LAPIC";
	if (ioctl(vcpu_fd, KVM_SET_LAPIC, &lapic) < 0)
		return -errno;
	return 0;
}

/* book:begin vcpu_setup */
/*
 * CPUID, MSRs and LINT pins for vCPU apic_id of vcpu_count.  Needs the
 * in-kernel irqchip (KVM_CREATE_IRQCHIP) for the LAPIC.  Returns 0, or
 * -errno with *failed naming the ioctl (or the MSR, or the CPUID list
 * built for the vCPU) that failed.
 */
int x86_vcpu_setup(int kvm_fd, int vcpu_fd, uint32_t apic_id,
		   uint32_t vcpu_count, const char **failed)
{
	bool deadline = ioctl(kvm_fd, KVM_CHECK_EXTENSION,
			      KVM_CAP_TSC_DEADLINE_TIMER) > 0;
	struct kvm_cpuid2 *supported = x86_supported_cpuid(kvm_fd);
	struct kvm_cpuid2 *cpuid;
	int err;

	*failed = "KVM_GET_SUPPORTED_CPUID";
	if (!supported)
		return -errno;
	cpuid = x86_cpuid_for_vcpu(supported, apic_id, vcpu_count, deadline);
	err = cpuid ? 0 : -errno;
	free(supported);
	*failed = "the vCPU's CPUID list";
	if (err)
		return err;
	*failed = "KVM_SET_CPUID2";
	err = ioctl(vcpu_fd, KVM_SET_CPUID2, cpuid) < 0 ? -errno : 0;
	free(cpuid);
	if (err)
		return err;
	err = set_boot_msrs(vcpu_fd, failed);
	if (err)
		return err;
	return set_lapic_lints(vcpu_fd, failed);
}
/* book:end vcpu_setup */
