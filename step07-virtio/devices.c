/*
 * devices.c - where KVM_EXIT_IO and KVM_EXIT_MMIO go: the I/O bus (bus.c)
 * finds the device behind the port or the address; an access nobody
 * decodes finds nothing, as on a real bus.  The hypercall doorbell of the
 * flat guests is the one exception: it needs the vCPU's registers, which
 * a device never sees.  And the flat guests' own two devices: a console
 * port the guest writes bytes to, and a result register above RAM.
 *
 * Runs: userspace (the VMM), from the run loop in vcpu.c, on the thread
 * of the vCPU whose exit it is (run is that vCPU's kvm_run page); with
 * several vCPUs, on several threads at once: the bus needs no lock
 * (bus.c), each device takes its own, the counters here are atomic.
 * Spec: Documentation/virt/kvm/api.rst, "The kvm_run structure"
 * (KVM_EXIT_IO, KVM_EXIT_MMIO); the port and address are in layout.h.
 */
#include <string.h>

#include "budget.h"
#include "console.h"
#include "devices.h"
#include "doorbell.h"
#include "layout.h"

/* What a read from nothing returns: the bus floats high, all ones. */
#define BUS_FLOAT_BYTE 0xff

/* The console port: each byte OUT is a character of the guest's output,
 * sanitized and on budget, like PUTS; the port cannot fail.  Reads and
 * wider writes find no register: all ones, and nothing printed. */
static void console_port_access(void *opaque, uint64_t offset, uint8_t *data,
				uint32_t len, bool is_write)
{
	struct vm *vm = opaque;

	(void)offset;
	if (is_write && len == 1)
		hc_console(&vm->hc, data, len);
	else if (!is_write)
		memset(data, BUS_FLOAT_BYTE, len);
}

/* The result register: a write at its first byte is the guest's answer;
 * anything else reads all ones and changes nothing. */
static void result_register_access(void *opaque, uint64_t offset, uint8_t *data,
				   uint32_t len, bool is_write)
{
	struct vm *vm = opaque;
	uint64_t value = 0;

	if (!is_write || offset != 0) {
		if (!is_write)
			memset(data, BUS_FLOAT_BYTE, len);
		return;
	}
	memcpy(&value, data, len);
	vm->mmio_seen = true;
	vm->mmio_value = value;
	if (note_allowed(vm))
		vmm_say("KVM_EXIT_MMIO: %u-byte write of %llu to the result register at %#x",
			len, (unsigned long long)value, GUEST_MMIO_RESULT);
}

/* book:begin devices_register */
/* The flat guests' machine: two devices on the bus. */
void devices_register(struct vm *vm)
{
	if (bus_register(&vm->pio, GUEST_CONSOLE_PORT, 1, console_port_access,
			 vm, "console port") < 0 ||
	    bus_register(&vm->mmio, GUEST_MMIO_RESULT, sizeof(uint64_t),
			 result_register_access, vm, "result register") < 0)
		die("bus_register: the flat guests' devices overlap");
}
/* book:end devices_register */

/* book:begin handle_io */
/*
 * The data of a KVM_EXIT_IO: io.size x io.count bytes at io.data_offset
 * inside the kvm_run mapping.  KVM promises they fit; a pointer we compute
 * from numbers in a shared page is checked all the same.
 */
static uint8_t *io_data(struct vm *vm, struct kvm_run *run)
{
	uint64_t len = (uint64_t)run->io.size * run->io.count;

	if (run->io.data_offset > vm->run_size ||
	    len > vm->run_size - run->io.data_offset)
		die("KVM_EXIT_IO: %llu bytes at offset %llu overrun the %zu-byte kvm_run mapping",
		    (unsigned long long)len,
		    (unsigned long long)run->io.data_offset, vm->run_size);
	return (uint8_t *)run + run->io.data_offset;
}

/* Nothing decoded this access: count it, and note the first few. */
static void unclaimed(struct vm *vm, const char *what, uint32_t len,
		      const char *where, uint64_t addr)
{
	__atomic_fetch_add(&vm->unclaimed, 1, __ATOMIC_RELAXED);
	if (note_allowed(vm))
		vmm_say("unhandled %s of %u bytes at %s%#llx", what, len, where,
			(unsigned long long)addr);
}

/*
 * KVM_EXIT_IO: the guest executed IN or OUT.  The data sits inside the
 * kvm_run page at io.data_offset (see io_data()): io.size bytes, io.count
 * times, each element one access on the port bus.  KVM emulates a string
 * OUTS one element per exit (count 1, as the lab measures); a REP INS it
 * may hand over several at once.
 */
void handle_io(struct vm *vm, struct kvm_run *run)
{
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;
	uint8_t *data = io_data(vm, run);

	if (run->io.port == HC_PORT && !vm->machine) {
		doorbell_exit(vm, data);
		return;
	}
	for (uint32_t i = 0; i < run->io.count; i++)
		if (!bus_access(&vm->pio, run->io.port,
				data + (size_t)i * run->io.size, run->io.size,
				is_write))
			unclaimed(vm, is_write ? "out" : "in", run->io.size,
				  "port ", run->io.port);
}
/* book:end handle_io */

/* book:begin handle_mmio */
/* KVM_EXIT_MMIO: an access to a guest-physical address with no RAM. */
void handle_mmio(struct vm *vm, struct kvm_run *run)
{

	if (run->mmio.len > sizeof(run->mmio.data))
		die("KVM_EXIT_MMIO: an access of %u bytes", run->mmio.len);
	if (!bus_access(&vm->mmio, run->mmio.phys_addr, run->mmio.data,
			run->mmio.len, run->mmio.is_write))
		unclaimed(vm, run->mmio.is_write ? "MMIO write" : "MMIO read",
			  run->mmio.len, "", run->mmio.phys_addr);
}
/* book:end handle_mmio */
