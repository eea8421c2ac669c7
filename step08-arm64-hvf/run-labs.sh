#!/bin/sh
# run-labs.sh — `make run` of step08-arm64-hvf: its three labs, one verdict.
#
# Runs on the host, from the Makefile (RUN_LABS), after `make bundle`.
# First the hvf-arm64 backend, here: there is no Mac, so what can be
# verified of it is, on this host (hvf.mk: hvf-check compiles it and the
# arm64 VMM built on it against hvf_decls.h, hvf-unit runs its Check
# suites), into build/run-hvf.log.  Then the x86 half (lab.sh: step07's
# lab on the kvm-x86 backend) where x86 KVM is real, the arm64 half
# (lab-arm64.sh: arm64 Linux, virtio-net, the two-VM HVC demo) where
# arm64 KVM is real, and a short third round (lab-arm64-old.sh: the same
# arm64 VMM in the arm64 lab VM on Debian 12's own 6.1 kernel, whose KVM
# cannot forward HVC: the demo must say so and run nothing), each through
# run-step with a log of its own.  build/run.log is the x86, arm64,
# third-round and hvf logs in that order, then the step's verdict, made
# from the halves' verdict lines (each value as that half measured it),
# the third round's, and hvf-check's and hvf-unit's exit statuses:
#   step08-arm64-hvf: PASS arches=x86_64,arm64 linux_arm64=R init_ms=N
#   blk=verified net=verified cpus=2 vms=2 hypercalls=N
#   backends=kvm-x86,kvm-arm64 hvf=compiled,unit-tested engine=E
# or FAIL reason=R with the same keys, R naming each thing missing:
# x86-half-failed, arm64-half-failed, x86-net-unverified and
# arm64-net-unverified (net=verified only when both halves verified it),
# arm64-old-kernel-failed, hvf-failed (hvf=failed: hvf-check or hvf-unit
# failed).  engine is the arm64 half's (the x86 half's is in its verdict).
set -u
cd "$(dirname "$0")" || exit 1
step=step08-arm64-hvf
lab=../common/lab
mkdir -p build
rm -f build/hvf.status
{
	echo "== hvf-arm64 (Hypervisor.framework): no Mac here; compiled and unit-tested on this host"
	make --no-print-directory hvf-check 2>&1 && hvf=compiled
	make --no-print-directory hvf-unit 2>&1 && [ "${hvf:-}" = compiled ] && hvf=compiled,unit-tested
	echo "${hvf:-failed}" >build/hvf.status
} | tee build/run-hvf.log
hvf=$(cat build/hvf.status)
[ "$hvf" = compiled,unit-tested ] || hvf=failed
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
cat build/run-x86.log build/run-arm64.log build/run-arm64-old.log build/run-hvf.log >build/run.log

# half LOG — the half's verdict line; value LINE KEY — a value in it.
half() { grep -E "^$step: (PASS|FAIL)" "$1" | grep ' arches=' | tail -n 1; }
value() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
x86=$(half build/run-x86.log)
arm=$(half build/run-arm64.log)
reason=
missing() { reason=${reason:+$reason,}$1; }
[ "$(value "$x86" blk)/$(value "$x86" kill9)/$(value "$x86" cpus)" = verified/verified/2 ] ||
	missing x86-half-failed
{ [ "$(value "$arm" blk)" = verified ] && [ "$(value "$arm" cpus)" = 2 ] &&
	[ "$(value "$arm" vms)" = 2 ]; } || missing arm64-half-failed
net=verified
[ "$(value "$x86" net)" = verified ] || { net=unverified && missing x86-net-unverified; }
[ "$(value "$arm" net)" = verified ] || { net=unverified && missing arm64-net-unverified; }
[ "$(value "$(half build/run-arm64-old.log)" hvc)" = refused ] || missing arm64-old-kernel-failed
[ "$hvf" = compiled,unit-tested ] || missing hvf-failed
word="FAIL reason=$reason"
[ -n "$reason" ] || word=PASS
echo "$step: $word arches=x86_64,arm64 linux_arm64=$(value "$arm" linux_arm64) init_ms=$(value "$arm" init_ms) blk=$(value "$arm" blk) net=$net cpus=$(value "$arm" cpus) vms=$(value "$arm" vms) hypercalls=$(value "$arm" hypercalls) backends=kvm-x86,kvm-arm64 hvf=$hvf engine=$(value "$arm" engine)" |
	tee -a build/run.log
[ -z "$reason" ]
