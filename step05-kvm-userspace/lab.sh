#!/bin/sh
# lab.sh — step05-kvm-userspace where KVM is real: inside the lab VM (nested
# KVM on QEMU TCG's emulated SVM) or on a host with hardware-accelerated KVM.
#
# Runs each CPU-mode guest and the guest that triple-faults on purpose, shows
# what the VMM prints, and ends with the verdict line:
#   step05-kvm-userspace: PASS modes=real,protected,long results=R,P,L engine=E
set -u
cd "$(dirname "$0")" || exit 1
step=step05-kvm-userspace
case "${LAB_ENGINE:-}" in
host-kvm) engine=host-kvm ;;
*) engine=lab-kvm ;;
esac
fail() {
	echo "$step: FAIL reason=$1"
	exit 1
}
[ -c /dev/kvm ] || fail no-dev-kvm
out=$(mktemp) || fail mktemp

# run MODE IMAGE — run the vmm, show its output; its status is in $st.
run() {
	echo "\$ ./vmm --mode $1 $2"
	./vmm --mode "$1" "$2" >"$out" 2>&1
	st=$?
	cat "$out"
	echo "(exit status $st)"
}

results=
for mode in real protected long; do
	run $mode $mode.bin
	[ $st -eq 0 ] || fail "$mode-guest-exit-status-$st"
	r=$(sed -n "s/^vmm: $mode mode guest halted: result=\([0-9]*\)\$/\1/p" "$out")
	[ -n "$r" ] || fail "$mode-guest-no-result"
	results=${results:+$results,}$r
done

run long triple_fault.bin
[ $st -eq 1 ] && grep -q '^vmm: KVM_EXIT_SHUTDOWN' "$out" ||
	fail triple-fault-not-reported

rm -f "$out"
echo "$step: PASS modes=real,protected,long results=$results engine=$engine"
