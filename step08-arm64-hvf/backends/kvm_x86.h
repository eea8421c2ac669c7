/*
 * kvm_x86.h - the KVM x86 backend: hv.h's operations on /dev/kvm of an
 * x86-64 Linux host; and what only x86 has, for the x86 code and nothing
 * else: the vCPU's file descriptor (its segment and control registers,
 * KVM_GET/SET_SREGS, stay visible ioctls in vcpu.c), its kvm_run page
 * (why an entry failed), and the completion of a port access without
 * entering the guest (the doorbell's check for a string OUTS).
 *
 * Runs: userspace (the VMM), on an x86-64 host or in the x86 lab VM.
 * Spec: Documentation/virt/kvm/api.rst; see kvm_x86.c.
 */
#ifndef BACKENDS_KVM_X86_H
#define BACKENDS_KVM_X86_H

#include <linux/kvm.h>

#include "hv.h"

extern const struct hyp_ops kvm_x86_ops;

int kvm_x86_vcpu_fd(const struct hyp_vcpu *vcpu);
struct kvm_run *kvm_x86_run_page(const struct hyp_vcpu *vcpu);
int kvm_x86_complete_io(struct hyp_vcpu *vcpu);

#endif
