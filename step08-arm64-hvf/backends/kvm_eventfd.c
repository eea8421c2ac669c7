/*
 * kvm_eventfd.c - KVM_IOEVENTFD, for the virtio-mmio QueueNotify register:
 * a queue kick becomes an eventfd signal, with no exit to userspace.
 *
 * Runs: userspace (the VMM), at VM set-up, on the main thread: the KVM
 * backends' ioeventfd operation (hv.h), which machine.c calls.
 *
 * Spec: Documentation/virt/kvm/api.rst, "KVM_IOEVENTFD": the ioctl
 * attaches an eventfd to a guest PIO or MMIO address; a guest write
 * there signals the eventfd instead of exiting.  With
 * KVM_IOEVENTFD_FLAG_DATAMATCH only a write of exactly len bytes whose
 * value is datamatch does; any other write to the address still exits,
 * as KVM_EXIT_MMIO, to the device's ordinary handler.
 *
 * Why per queue with datamatch: QueueNotify is one register for all of a
 * device's queues, and the value written is the queue's index ("MMIO
 * Device Register Layout").  One eventfd per (register, index) tells the
 * I/O thread which queue was kicked without reading anything; an index
 * the guest makes up matches no ioeventfd, exits, and meets the
 * transport's checks (virtio_mmio_access) like any other write.
 */
#include <errno.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include "kvm_eventfd.h"

/*
 * From now on a guest write of len bytes of value datamatch to the MMIO
 * address addr signals fd instead of exiting.  Returns 0 or -errno
 * (-EEXIST: that address and value have one already; -EINVAL: a bad
 * length or flags).
 */
int kvm_ioeventfd_assign(int vm_fd, uint64_t addr, uint32_t len,
			 uint64_t datamatch, int fd)
{
	struct kvm_ioeventfd ioev = {
		.datamatch = datamatch,
		.addr = addr,
		.len = len,
		.fd = fd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	return ioctl(vm_fd, KVM_IOEVENTFD, &ioev) < 0 ? -errno : 0;
}
