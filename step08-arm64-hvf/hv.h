/*
 * hv.h - the hypervisor interface: everything the VMM's core (run loop,
 * buses, devices, virtio, loaders) asks of the hypervisor under it, as one
 * table of operations that each backend fills.  Three backends, one file
 * each: backends/kvm_x86.c (/dev/kvm on x86-64 Linux), backends/kvm_arm64.c
 * (/dev/kvm on arm64 Linux), backends/hvf_arm64.c (Hypervisor.framework on
 * macOS, Apple silicon).  Which ones a VMM has is decided when it is built
 * (by the target: backends/list_*.c); which one runs, by --backend where
 * several could.
 *
 * Runs: userspace (the VMM).
 * Spec: none of its own; it is the common ground of Documentation/virt/kvm/
 * api.rst ("KVM_CREATE_VM", "KVM_SET_USER_MEMORY_REGION", "KVM_CREATE_VCPU",
 * "KVM_RUN", "The kvm_run structure", "KVM_GET_ONE_REG", "KVM_IRQ_LINE") and
 * Apple's Hypervisor framework reference ("hv_vm_create", "hv_vm_map",
 * "hv_vcpu_create", "hv_vcpu_run", "hv_vcpu_get_reg", "hv_gic_set_spi").
 *
 * The names start with hyp_, not hv_: Apple's framework owns hv_ (hv_vm_map,
 * hv_vcpu_run, HV_REG_X0, HV_EXIT_REASON_EXCEPTION, ...) and the HVF
 * backend includes both.
 *
 * The contract, for every operation:
 *   - returns 0 or -errno; on failure it sets err_call in the hyp_vm or
 *     hyp_vcpu to the call that failed ("KVM_CREATE_VCPU", "hv_vm_map"),
 *     for the VMM's one-line message; -EOPNOTSUPP when the host lacks
 *     something (err_call then says what, in words a user can act on);
 *   - hyp_vm and hyp_vcpu are the caller's; the backend keeps its own
 *     state behind priv and frees it in vcpu_destroy / vm_destroy;
 *   - the order is: vm_create, map_memory, forward_hypercalls (arm64),
 *     vcpu_create for each vCPU (each on the thread that will run it:
 *     Hypervisor.framework binds a vCPU to its creating thread), vm_ready
 *     once they all exist, then run on each vCPU's thread;
 *   - get_reg, set_reg and run are called on the vCPU's own thread only;
 *     kick and irq_line from any thread (kick also from a signal handler).
 *
 * What stays behind the interface, in the backend: the firmware's work
 * (PSCI on arm64: CPU_ON, CPU_OFF, SYSTEM_OFF, ...; KVM does it in the
 * kernel, the HVF backend in backends/), the interrupt controller and the
 * timer (KVM's in-kernel irqchip or vGIC, the framework's GIC), and the
 * completion of an access (an MMIO read's data into the guest's register,
 * the PC past the instruction).  What stays out of it: x86's segment and
 * control registers, which only the one x86 backend has
 * (backends/kvm_x86.h, used by the x86 code, vcpu.c and doorbell.c, and
 * nothing else).
 */
#ifndef HV_H
#define HV_H

#include <stdbool.h>
#include <stdint.h>

enum hyp_arch {
	HYP_ARCH_X86_64,
	HYP_ARCH_ARM64,
};

/* book:begin exit */
/* Why run() returned: the only exit kinds the core understands. */
enum hyp_exit_kind {
	HYP_EXIT_PORT_IO,      /* x86 IN/OUT: exit.io */
	HYP_EXIT_MMIO,	       /* a load or store where no RAM is: exit.io */
	HYP_EXIT_HYPERCALL,    /* arm64 HVC/SMC to the VMM: exit.hypercall */
	HYP_EXIT_SYSTEM_EVENT, /* the guest powers off or resets: exit.event */
	HYP_EXIT_SHUTDOWN,     /* x86 triple fault: the CPU cannot go on */
	HYP_EXIT_HALT,	       /* HLT/WFI with no interrupt to wait for */
	HYP_EXIT_INTERRUPTED,  /* kick(), or a signal: nothing to handle */
	HYP_EXIT_FAILED,       /* the guest cannot continue: reason says why */
};

/*
 * A port or MMIO access.  data holds len * count bytes: for a write, what
 * the guest wrote; for a read, the core fills it before the next run(),
 * which completes the access (the value into the guest's register, the
 * PC past the instruction).  The buffer is the backend's (KVM: inside
 * kvm_run), valid until the next run().  count is 1 but for x86 string
 * I/O, which KVM may hand over several elements at a time.
 */
struct hyp_io {
	uint64_t addr; /* port number, or guest-physical address */
	uint8_t *data;
	uint32_t len; /* bytes per access: 1, 2, 4 or 8 */
	uint32_t count;
	bool is_write;
};

/* How an arm64 guest called: Arm DEN0028 "SMC Calling Convention". */
enum hyp_conduit {
	HYP_CONDUIT_HVC,
	HYP_CONDUIT_SMC,
};

/*
 * An SMCCC call that reached the VMM: its function ID (W0, the low 32 bits
 * of X0), how it was made, and the instruction's immediate where the
 * backend can see it (HVF sees it in the ESR; KVM cannot tell HVC #1 from
 * HVC #0: imm_known false).  The PC is already past the instruction.  The
 * arguments are X1..X4 (get_reg), the result goes into X0 (set_reg).
 */
struct hyp_hypercall {
	uint32_t function;
	enum hyp_conduit conduit;
	uint16_t imm;
	bool imm_known;
};

enum hyp_event {
	HYP_EVENT_POWER_OFF, /* PSCI SYSTEM_OFF */
	HYP_EVENT_RESET,     /* PSCI SYSTEM_RESET */
};

struct hyp_exit {
	enum hyp_exit_kind kind;
	uint32_t reason; /* the backend's own code (KVM_EXIT_*, ...): counted,
			    and named by ops->exit_name */
	union {
		struct hyp_io io;
		struct hyp_hypercall hypercall;
		enum hyp_event event;
	};
};
/* book:end exit */

/*
 * The registers the core reads and writes.  arm64: the general registers,
 * the PC, PSTATE (CPSR on Apple's side), SP_EL1, and MPIDR_EL1 (vCPU i's is
 * what the device tree's cpu@i says; the backend sets it, the core reads
 * it).  x86-64: the general registers, RIP and RFLAGS.
 */
enum hyp_reg {
	HYP_REG_X0,
	HYP_REG_X30 = HYP_REG_X0 + 30,
	HYP_REG_PC,
	HYP_REG_PSTATE,
	HYP_REG_SP_EL1,
	HYP_REG_MPIDR_EL1,
	HYP_REG_RAX,
	HYP_REG_RBX,
	HYP_REG_RCX,
	HYP_REG_RDX,
	HYP_REG_RSI,
	HYP_REG_RDI,
	HYP_REG_RSP,
	HYP_REG_RBP,
	HYP_REG_RIP,
	HYP_REG_RFLAGS,
	HYP_REG_COUNT,
};

#define HYP_REG_X(n) ((enum hyp_reg)(HYP_REG_X0 + (n)))

/* book:begin config */
/*
 * The machine the backend creates.  irqchip: an interrupt controller and
 * timer inside the hypervisor (a Linux guest); false for a flat guest,
 * which takes no interrupts.  The addresses are the machine's (its
 * machine.h); a backend refuses (-EINVAL, err_call says which) what its
 * hypervisor cannot place there.
 */
struct hyp_config {
	unsigned int nr_vcpus;
	bool irqchip;
	union {
		struct {
			uint64_t tss_addr;	    /* KVM_SET_TSS_ADDR */
			uint64_t identity_map_addr; /* with irqchip only */
		} x86;
		struct {
			uint64_t gicd_base; /* GICv3 distributor */
			uint64_t gicr_base; /* redistributors, in vCPU order */
			uint32_t nr_irqs;   /* 32 private + the SPIs */
		} arm64;
	};
};
/* book:end config */

struct hyp_vm {
	const struct hyp_ops *ops;
	const char *err_call; /* the call behind the last error */
	void *priv;	      /* the backend's */
};

struct hyp_vcpu {
	struct hyp_vm *vm;
	unsigned int index; /* 0 is the boot CPU */
	const char *err_call;
	void *priv;
};

/* book:begin ops */
struct hyp_ops {
	const char *name; /* "kvm-x86", "kvm-arm64", "hvf-arm64": --backend */
	enum hyp_arch arch;

	/* The VM with its interrupt controller (cfg->irqchip), no vCPU yet. */
	int (*vm_create)(struct hyp_vm *vm, const struct hyp_config *cfg);
	/* Guest-physical [gpa, gpa + size) is host memory [hva, hva + size). */
	int (*map_memory)(struct hyp_vm *vm, uint64_t gpa, void *hva,
			  uint64_t size);
	/*
	 * arm64: SMCCC calls with function IDs [first, first + count) exit
	 * as HYP_EXIT_HYPERCALL; every other call the backend answers
	 * itself (PSCI, KVM's own services, or SMCCC's NOT_SUPPORTED, -1).
	 * Before any vCPU exists.  KVM needs Linux 6.4 or later:
	 * -EOPNOTSUPP before.
	 * NULL on x86, where the doorbell is port I/O.
	 */
	int (*forward_hypercalls)(struct hyp_vm *vm, uint32_t first,
				  uint32_t count);
	/* vCPU index, on the thread that will run it.  arm64: vCPU 0 is
	 * runnable, the others powered off until the guest's PSCI CPU_ON
	 * (their run() waits until then). */
	int (*vcpu_create)(struct hyp_vm *vm, struct hyp_vcpu *vcpu,
			   unsigned int index);
	/* Every vCPU exists, none has run (KVM arm64: the vGIC's init). */
	int (*vm_ready)(struct hyp_vm *vm);
	/* Run until the guest needs the core: one exit, decoded. */
	int (*run)(struct hyp_vcpu *vcpu, struct hyp_exit *exit);
	/* Make run() return HYP_EXIT_INTERRUPTED soon (or at once, if it is
	 * not in the guest now).  Async-signal-safe; any thread. */
	void (*kick)(struct hyp_vcpu *vcpu);
	int (*get_reg)(struct hyp_vcpu *vcpu, enum hyp_reg reg, uint64_t *val);
	int (*set_reg)(struct hyp_vcpu *vcpu, enum hyp_reg reg, uint64_t val);
	/* A level-triggered interrupt line, numbered as the firmware tables
	 * number it: x86 a GSI, arm64 an SPI (INTID 32 + line). */
	int (*irq_line)(struct hyp_vm *vm, unsigned int line, bool level);
	/*
	 * Optional: NULL where the hypervisor has nothing like it (HVF).
	 * From now on the guest's write of len bytes of value datamatch to
	 * guest-physical addr signals the eventfd fd, and the vCPU goes on
	 * without an exit (KVM_IOEVENTFD).  Without it such a write exits
	 * as HYP_EXIT_MMIO, and the device's handler does the work.
	 */
	int (*ioeventfd)(struct hyp_vm *vm, uint64_t addr, uint32_t len,
			 uint64_t datamatch, int fd);
	/* A printable name for exit.reason. */
	const char *(*exit_name)(uint32_t reason);
	void (*vcpu_destroy)(struct hyp_vcpu *vcpu);
	void (*vm_destroy)(struct hyp_vm *vm);
};
/* book:end ops */

/*
 * The backends this VMM was built with (backends/list_<target>.c), NULL-
 * terminated; the first is the default.
 */
extern const struct hyp_ops *const hyp_backends[];

/* The backend called name, or NULL. */
const struct hyp_ops *hyp_backend_find(const char *name);

#endif
