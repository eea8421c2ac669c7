/*
 * devices.c - the machine's devices: a console port the guest writes bytes
 * to, a result register above RAM, and the hypercall doorbell.
 * KVM_EXIT_IO and KVM_EXIT_MMIO land here; an access to anything else finds
 * nothing, as on a real bus.
 *
 * Runs: userspace (the VMM), from the run loop in vcpu.c.
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

/* book:begin handle_io */
/*
 * The data of a KVM_EXIT_IO: io.size x io.count bytes at io.data_offset
 * inside the kvm_run mapping.  KVM promises they fit; a pointer we compute
 * from numbers in a shared page is checked all the same.
 */
static uint8_t *io_data(struct vm *vm)
{
	struct kvm_run *run = vm->run;
	uint64_t len = (uint64_t)run->io.size * run->io.count;

	if (run->io.data_offset > vm->run_size ||
	    len > vm->run_size - run->io.data_offset)
		die("KVM_EXIT_IO: %llu bytes at offset %llu overrun the %zu-byte kvm_run mapping",
		    (unsigned long long)len,
		    (unsigned long long)run->io.data_offset, vm->run_size);
	return (uint8_t *)run + run->io.data_offset;
}

/*
 * KVM_EXIT_IO: the guest executed IN or OUT.  The data sits inside the
 * kvm_run page at io.data_offset (see io_data()): io.size bytes, io.count
 * times.  KVM emulates a string OUTS one element per exit (count 1, as
 * the lab measures); a REP INS it may hand over several at once.
 */
void handle_io(struct vm *vm)
{
	struct kvm_run *run = vm->run;
	uint8_t *data = io_data(vm);

	if (run->io.port == HC_PORT) {
		doorbell_exit(vm, data);
		return;
	}
	if (run->io.port == GUEST_CONSOLE_PORT &&
	    run->io.direction == KVM_EXIT_IO_OUT && run->io.size == 1) {
		/* sanitized and on budget, like PUTS; the port cannot fail */
		hc_console(&vm->hc, data, run->io.count);
		return;
	}
	if (run->io.direction == KVM_EXIT_IO_IN) /* nothing there */
		memset(data, BUS_FLOAT_BYTE,
		       (size_t)run->io.size * run->io.count);
	if (note_allowed(vm))
		vmm_say("unhandled %s of %u bytes at port %#x",
			run->io.direction == KVM_EXIT_IO_IN ? "in" : "out",
			run->io.size, run->io.port);
}
/* book:end handle_io */

/* book:begin handle_mmio */
/* KVM_EXIT_MMIO: an access to a guest-physical address with no RAM. */
void handle_mmio(struct vm *vm)
{
	struct kvm_run *run = vm->run;
	uint64_t value = 0;

	if (run->mmio.is_write && run->mmio.phys_addr == GUEST_MMIO_RESULT &&
	    run->mmio.len <= sizeof(value)) {
		memcpy(&value, run->mmio.data, run->mmio.len);
		vm->mmio_seen = true;
		vm->mmio_value = value;
		if (note_allowed(vm))
			vmm_say("KVM_EXIT_MMIO: %u-byte write of %llu to the result register at %#x",
				run->mmio.len, (unsigned long long)value,
				GUEST_MMIO_RESULT);
		return;
	}
	if (!run->mmio.is_write)
		memset(run->mmio.data, BUS_FLOAT_BYTE, sizeof(run->mmio.data));
	if (note_allowed(vm))
		vmm_say("unhandled MMIO %s of %u bytes at %#llx",
			run->mmio.is_write ? "write" : "read", run->mmio.len,
			(unsigned long long)run->mmio.phys_addr);
}
/* book:end handle_mmio */
