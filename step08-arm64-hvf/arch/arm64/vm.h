/*
 * vm.h (arm64) - the arm64 VMM's machine: its options, its devices, its
 * VM and vCPUs on an hv.h backend, and what it counts; the functions its
 * files share (cli.c, machine.c, linux.c, report.c, vmm.c).
 *
 * Runs: userspace (the arm64 VMM).
 * Spec: hv.h; arch/arm64/machine.h (the map).
 */
#ifndef ARCH_ARM64_VM_H
#define ARCH_ARM64_VM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arch/arm64/fdt.h"
#include "arch/arm64/image.h"
#include "arch/arm64/machine.h"
#include "bus.h"
#include "devices/boot_timer.h"
#include "devices/serial_16550.h"
#include "guest_mem.h"
#include "hv.h"
#include "hypercalls.h"
#include "iothread.h"
#include "net/net_option.h"
#include "virtio/blk.h"
#include "virtio/console.h"
#include "virtio/net.h"

#define EXIT_OVER_BUDGET 3
#define EXIT_GUEST_RESET 4
#define EXIT_HOST_CANNOT 4
#define MEM_DEFAULT	 0x10000000ULL /* 256 MiB */
#define TIMEOUT_MAX	 3600
#define DISKS_MAX	 (MACHINE_VIRTIO_MAX - 1)
#define EXITS_COUNTED	 64
#define VMS_MAX		 8
#define NS_PER_SEC	 1000000000ULL
#define NS_PER_MS	 1000000ULL
#define MIB		 0x100000ULL

struct arm64_options {
	const char *kernel, *initrd, *cmdline, *guest, *report, *backend;
	const char *net_text; /* --net as given; NULL: no network card */
	struct net_option net;
	struct {
		const char *path;
		bool read_only;
	} disks[DISKS_MAX];
	unsigned int nr_disks, cpus, timeout, vms;
	uint64_t mem_size;
	bool stats;
};

/* The machine, shared by the vCPU threads: lock guards all but the vCPUs. */
struct arm64_machine {
	struct arm64_options o;
	const struct hyp_ops *hv;
	struct hyp_vm vm;
	struct hyp_vcpu vcpus[MACHINE_CPUS_MAX];
	uint64_t mpidr[MACHINE_CPUS_MAX];
	struct guest_mem mem;
	struct bus mmio;
	struct serial_16550 uart;
	struct boot_timer timer;
	struct virtio_console console;
	struct virtio_blk disks[DISKS_MAX];
	struct virtio_net net; /* with --net: after the disks */
	char tap[IF_NAMESIZE]; /* its tap; "": no --net */
	uint64_t net_window;   /* its registers' guest-physical address */
	struct iothread io;    /* serves the network card */
	struct irq_line uart_irq, virtio_irq[MACHINE_VIRTIO_MAX];
	struct arm64_fdt_virtio windows[MACHINE_VIRTIO_MAX];
	unsigned int nr_virtio;
	struct hc_vm hc;
	struct arm64_boot_layout lay;
	char release[65];
	pthread_barrier_t created, ready;
	pthread_mutex_t lock;
	pthread_cond_t done_cond;
	bool done;
	int status;
	const char *end;	    /* how it ended, for the report */
	uint32_t last_exit;	    /* the exit that ended it */
	uint64_t start_ns, init_ns; /* VMM start; the boot timer's init mark */
	uint64_t marks[BOOT_TIMER_MARKS / 64]; /* every mark the guest wrote */
	uint64_t exits[EXITS_COUNTED], unclaimed;
};

uint64_t arm64_clock_ns(void);
void arm64_check(int err, const char *const *err_call);

void arm64_cli_parse(int argc, char **argv, struct arm64_options *o);
void arm64_machine_create(struct arm64_machine *m);
void arm64_machine_fdt(struct arm64_machine *m, const char *cmdline);
void arm64_machine_start_io(struct arm64_machine *m);
void arm64_machine_stop_io(struct arm64_machine *m);
uint8_t *arm64_read_file(const char *what, const char *path, uint64_t *size);
char *arm64_cmdline(const char *user);
void arm64_linux_load(struct arm64_machine *m, const char *cmdline);
void arm64_guest_load(struct arm64_machine *m);
void arm64_report(struct arm64_machine *m, FILE *f);

#endif
