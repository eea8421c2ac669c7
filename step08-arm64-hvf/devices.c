/*
 * devices.c - where port I/O and MMIO exits go: the I/O bus (bus.c)
 * finds the device behind the port or the address; an access nobody
 * decodes finds nothing, as on a real bus.  The hypercall doorbell of the
 * flat guests is the one exception: it needs the vCPU's registers, which
 * a device never sees.  And the flat guests' own two devices: a console
 * port the guest writes bytes to, and a result register above RAM.
 *
 * Runs: userspace (the VMM), from the run loop in vcpu.c, on the thread
 * of the vCPU whose exit it is; with several vCPUs, on several threads at
 * once: the bus needs no lock (bus.c), each device takes its own, the
 * counters here are atomic.
 * Spec: hv.h (struct hyp_io); the port and address are in layout.h.
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
 * HYP_EXIT_PORT_IO: the guest executed IN or OUT.  The data is the
 * backend's (kvm-x86: inside the kvm_run page): io->len bytes, io->count
 * times, each element one access on the port bus.  KVM emulates a string
 * OUTS one element per exit (count 1, as the lab measures); a REP INS it
 * may hand over several at once.
 */
void handle_io(struct vm *vm, const struct hyp_io *io)
{
	if (io->addr == HC_PORT && !vm->machine) {
		doorbell_exit(vm, io);
		return;
	}
	for (uint32_t i = 0; i < io->count; i++)
		if (!bus_access(&vm->pio, io->addr,
				io->data + (size_t)i * io->len, io->len,
				io->is_write))
			unclaimed(vm, io->is_write ? "out" : "in", io->len,
				  "port ", io->addr);
}
/* book:end handle_io */

/* book:begin handle_mmio */
/* HYP_EXIT_MMIO: an access to a guest-physical address with no RAM. */
void handle_mmio(struct vm *vm, const struct hyp_io *io)
{
	if (!bus_access(&vm->mmio, io->addr, io->data, io->len, io->is_write))
		unclaimed(vm, io->is_write ? "MMIO write" : "MMIO read",
			  io->len, "", io->addr);
}
/* book:end handle_mmio */
