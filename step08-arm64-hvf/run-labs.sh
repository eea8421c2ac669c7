#!/bin/sh
# run-labs.sh — `make run` of step08-arm64-hvf: its three labs, one verdict.
#
# Runs on the host, from the Makefile (RUN_LABS), after `make bundle`.
# The x86 half (lab.sh: step07's lab on the kvm-x86 backend) where x86 KVM
# is real, the arm64 half (lab-arm64.sh: arm64 Linux, the two-VM HVC demo)
# where arm64 KVM is real, and a short third round (lab-arm64-old.sh: the
# same arm64 VMM in the arm64 lab VM on Debian 12's own 6.1 kernel, whose
# KVM cannot forward HVC: the demo must say so and run nothing), each
# through run-step with a log of its own; build/run.log is the three logs,
# then the step's verdict, made from the two halves' verdict lines (each
# value as that half measured it; the third round only fails it):
#   step08-arm64-hvf: FAIL reason=R arches=x86_64,arm64 linux_arm64=R
#   init_ms=N blk=verified net=verified cpus=2 vms=2 hypercalls=N
#   backends=kvm-x86,kvm-arm64 engine=E
# FAIL until the step has all it must: reason names what is missing
# (Hypervisor.framework is not here yet; virtio-net while a half has
# not verified it) or which half failed.  net=verified only when both
# halves verified it.  engine is the arm64 half's (the x86 half's is in
# its verdict).
set -u
cd "$(dirname "$0")" || exit 1
step=step08-arm64-hvf
lab=../common/lab
mkdir -p build
"$lab/run-step" --step $step --log build/run-x86.log -- \
	--needs kvm-userspace --cpus 2 --mem 1024 --timeout 600 --load tun build/lab/$step
if make --no-print-directory build/lab/step08-arm64 >build/arm64-build.log 2>&1; then
	"$lab/run-step" --step $step --log build/run-arm64.log -- \
		--needs kvm-arm64 --cpus 2 --mem 1024 --timeout 600 --load tun build/lab/step08-arm64
else
	cat build/arm64-build.log
	echo "$step: FAIL reason=build-arm64" | tee build/run-arm64.log
fi
# Only the lab VM has that kernel: the round never runs on host-kvm.
if make --no-print-directory build/lab/step08-arm64-old >>build/arm64-build.log 2>&1; then
	LAB_ENGINE=qemu-tcg-arm64 LAB_ARM64_KERNEL_SUITE=bookworm "$lab/run-step" --step $step \
		--log build/run-arm64-old.log -- --needs kvm-arm64 build/lab/step08-arm64-old
else
	echo "$step: FAIL reason=build-arm64" | tee build/run-arm64-old.log
fi
cat build/run-x86.log build/run-arm64.log build/run-arm64-old.log >build/run.log

# half LOG — the half's verdict line; value LINE KEY — a value in it.
half() { grep -E "^$step: (PASS|FAIL)" "$1" | grep ' arches=' | tail -n 1; }
value() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
x86=$(half build/run-x86.log)
arm=$(half build/run-arm64.log)
# net: verified by both halves, or the reason says which has not.
net=verified reason=
[ "$(value "$x86" net)" = verified ] || net=unverified reason=x86-net-unverified,
[ "$(value "$arm" net)" = verified ] || net=unverified reason=${reason}arm64-net-unverified,
reason=${reason}no-hvf-backend
[ "$(value "$x86" blk)/$(value "$x86" kill9)/$(value "$x86" cpus)" = verified/verified/2 ] ||
	reason="x86-half-failed"
[ "$(value "$arm" blk)" = verified ] && [ "$(value "$arm" cpus)" = 2 ] &&
	[ "$(value "$arm" vms)" = 2 ] || reason="arm64-half-failed"
[ "$(value "$(half build/run-arm64-old.log)" hvc)" = refused ] || reason="arm64-old-kernel-failed"
echo "$step: FAIL reason=$reason arches=x86_64,arm64 linux_arm64=$(value "$arm" linux_arm64) init_ms=$(value "$arm" init_ms) blk=$(value "$arm" blk) net=$net cpus=$(value "$arm" cpus) vms=$(value "$arm" vms) hypercalls=$(value "$arm" hypercalls) backends=kvm-x86,kvm-arm64 engine=$(value "$arm" engine)" |
	tee -a build/run.log
exit 1
