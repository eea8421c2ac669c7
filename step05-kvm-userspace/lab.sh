#!/bin/sh
# lab.sh — step05-kvm-userspace where KVM is real: inside the lab VM (nested
# KVM on QEMU TCG's emulated SVM) or on a host with hardware-accelerated KVM.
#
# Runs each CPU-mode guest and the guest that triple-faults on purpose, shows
# what the VMM prints and what it reports, and ends with the verdict line:
#   step05-kvm-userspace: PASS modes=real,protected,long results=R,P,L engine=E
# The verdict's values come from the VMM's report file (--report), which
# only the VMM writes: never from the console, where guests print too.
set -u
cd "$(dirname "$0")" || exit 1
step=step05-kvm-userspace
# The engine that runs this script, as the lab names it (qemu-tcg or
# qemu-kvm in the lab VM; host-kvm on a host with accelerated KVM).
engine=${LAB_ENGINE:-unknown}
fail() {
	echo "$step: FAIL reason=$1"
	exit 1
}
[ -c /dev/kvm ] || fail no-dev-kvm
out=$(mktemp) || fail mktemp

# run ARGS... — run the vmm with a report file; show what it printed, its
# exit status and its report.  The status is in $st.
run() {
	rm -f report.txt
	echo "\$ ./vmm --report report.txt $*"
	./vmm --report report.txt "$@" >"$out" 2>&1
	st=$?
	cat "$out"
	echo "(exit status $st)"
	echo "(report.txt: $(tr '\n' ' ' <report.txt 2>/dev/null | sed 's/ $//'))"
}
# report KEY — a value from the VMM's report file.
report() { sed -n "s/^$1=//p" report.txt 2>/dev/null; }

results=
for mode in real protected long; do
	run --mode $mode $mode.bin
	[ $st -eq 0 ] || fail "$mode-guest-exit-status-$st"
	[ "$(report end)" = halted ] && [ "$(report agree)" = yes ] ||
		fail "$mode-guest-result-not-in-agreement"
	results=${results:+$results,}$(report result)
done

run --mode long triple_fault.bin
[ $st -eq 1 ] && [ "$(report last_exit)" = KVM_EXIT_SHUTDOWN ] ||
	fail triple-fault-not-reported

rm -f "$out" report.txt
echo "$step: PASS modes=real,protected,long results=$results engine=$engine"
