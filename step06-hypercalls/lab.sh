#!/bin/sh
# lab.sh — step06-hypercalls where KVM is real: inside the lab VM (nested
# KVM on QEMU TCG's emulated SVM) or on a host with hardware-accelerated KVM.
#
# Runs the hello guest in two VMs at once, the hostile guest, the guest
# that triple-faults and the guest that never stops; shows what the VMM
# prints and what it reports, and ends with the verdict:
#   step06-hypercalls: PASS vms=2 hypercalls=N bad_calls_rejected=N engine=E
# The verdict's values come from the VMM's report file (--report), which
# only the VMM writes: never from the console, where guests print too.
set -u
cd "$(dirname "$0")" || exit 1
step=step06-hypercalls
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

# run ARGS... — run the vmm with a report file; show what it printed, its
# exit status and its report.  The status is in $st.  The hostile guest's
# output flood (thousands of lines of '~') is shown as one line that
# counts them.
run() {
	rm -f report.txt
	echo "\$ ./vmm --report report.txt $*"
	./vmm --report report.txt "$@" >"$out" 2>&1
	st=$?
	awk '/^\[VM [0-9]+\] guest: ~+$/ { n++; next }
	     n { print "(" n " lines of the output flood, all ~, not shown)"; n = 0 }
	     { print }
	     END { if (n) print "(" n " lines of the output flood, all ~, not shown)" }' "$out"
	echo "(exit status $st)"
	echo "(report.txt: $(tr '\n' ' ' <report.txt 2>/dev/null | sed 's/ $//'))"
}
# report KEY — a value from the VMM's report file.
report() { sed -n "s/^$1=//p" report.txt 2>/dev/null; }

run --vms 2 --stats hello.bin
[ $st -eq 0 ] || fail "hello-exit-status-$st"
for k in 1 2; do
	[ "$(report vm$k.end)" = exited ] && [ "$(report vm$k.status)" = 0 ] ||
		fail "vm-$k-did-not-exit-0"
done
hypercalls=$(report hypercalls)

run --stats hostile.bin
[ $st -eq 0 ] || fail "hostile-exit-status-$st"
rejected=$(report rejected)

run triple_fault.bin
[ $st -eq 1 ] && [ "$(report vm1.last_exit)" = KVM_EXIT_SHUTDOWN ] ||
	fail triple-fault-not-reported

run --timeout 1 runaway.bin
[ $st -eq 3 ] && [ "$(report vm1.end)" = over-budget ] ||
	fail runaway-not-stopped

rm -f "$out" report.txt
echo "$step: PASS vms=2 hypercalls=$hypercalls bad_calls_rejected=$rejected engine=$engine"
