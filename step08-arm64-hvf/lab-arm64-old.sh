#!/bin/sh
# lab-arm64-old.sh — step08-arm64-hvf's third lab round, in the arm64 lab
# VM on Debian 12's own 6.1 kernel (LAB_ARM64_KERNEL_SUITE=bookworm; engine
# qemu-tcg-arm64).  The bundle names it lab.sh.
#
# KVM before Linux 6.4 answers every HVC itself: it has no SMCCC filter to
# forward one to a VMM.  The same arm64 VMM as in lab-arm64.sh (built
# against the 6.12 headers) must say so and run nothing: the two-VM
# hypercall demo and the probe each exit with status 4 (EXIT_HOST_CANNOT)
# after the VMM's probe, KVM_HAS_DEVICE_ATTR on the VM fd, and no VM
# reports a run.  Judged by the VMM's exit status and its report; the
# answer the probe got is read from the VMM's own message.  The verdict:
#   step08-arm64-hvf: FAIL reason=old-kernel-only arches=arm64
#   linux_arm64=R hvc=refused answered=E status=4 vms_ran=0 engine=E
# (FAIL: this round shows one thing, the refusal, and claims nothing else).
set -u
cd "$(dirname "$0")" || exit 1
step=step08-arm64-hvf
engine=${LAB_ENGINE:-unknown}
fail() {
	echo "$step: FAIL reason=$1"
	exit 1
}
[ -c /dev/kvm ] || fail no-dev-kvm
# The VMM's exit status when the hypervisor cannot hand HVC to it.
EXIT_HOST_CANNOT=4
rkey() { sed -n "s/^$1=//p" report.txt; }

answered=
for guest in "--vms 2 hello.bin" "probe_arm64.bin"; do
	echo "\$ ./vmm --report report.txt $guest"
	rm -f report.txt
	# shellcheck disable=SC2086 # the arguments are words
	./vmm --report report.txt $guest </dev/null >out.txt 2>&1
	st=$?
	cat out.txt
	echo "(exit status $st)"
	echo "(report.txt: $(tr '\n' ' ' <report.txt 2>/dev/null))"
	[ $st -eq $EXIT_HOST_CANNOT ] || fail "status-$st"
	[ "$(rkey status)" = $EXIT_HOST_CANNOT ] && [ "$(rkey hypercalls)" = 0 ] ||
		fail "report-status-$(rkey status)"
	# A VM that ran reports how it ended (vmK.end); none may.
	ran=$(grep -c '^vm[0-9]*\.end=' report.txt)
	[ "$ran" = 0 ] || fail "vms-ran-$ran"
	# What the VMM's probe was answered, as the VMM says (one word,
	# the same in every VM and every run).
	a=$(sed -n 's/.*(KVM_HAS_DEVICE_ATTR(KVM_ARM_VM_SMCCC_FILTER) answered \([A-Z]*\)).*/\1/p' out.txt | sort -u)
	case $a in
	'' | *[!A-Z]*) fail "probe-answer-unknown" ;;
	esac
	[ -z "$answered" ] || [ "$a" = "$answered" ] || fail "probe-answers-differ"
	answered=$a
done
rm -f out.txt

echo "$step: FAIL reason=old-kernel-only arches=arm64 linux_arm64=$LAB_KREL hvc=refused answered=$answered status=$st vms_ran=$ran engine=$engine"
