/*
 * kvm_eventfd.h - KVM_IOEVENTFD: a guest's write to a chosen address
 * signals an eventfd inside KVM, so the vCPU goes straight back into the
 * guest instead of exiting to the VMM (KVM_EXIT_MMIO), and the VMM's I/O
 * thread (iothread.h) does the work the write asked for.
 *
 * Runs: userspace (the VMM), in both KVM backends' ioeventfd operation
 * (hv.h), after the VM exists and before its vCPUs run; the I/O thread
 * reads the eventfds.  Devices themselves never call KVM.
 *
 * Spec: Documentation/virt/kvm/api.rst, "KVM_IOEVENTFD" (datamatch, len,
 * KVM_IOEVENTFD_FLAG_DATAMATCH; KVM_CAP_IOEVENTFD); virtio 1.x "MMIO
 * Device Register Layout" (QueueNotify: the driver writes the index of
 * the queue it kicks).
 */
#ifndef KVM_EVENTFD_H
#define KVM_EVENTFD_H

#include <stdint.h>

int kvm_ioeventfd_assign(int vm_fd, uint64_t addr, uint32_t len,
			 uint64_t datamatch, int fd);

#endif
