#!/bin/sh
# lab.sh — step06-hypercalls where KVM is real: inside the lab VM (nested
# KVM on QEMU TCG's emulated SVM) or on a host with hardware-accelerated KVM.
#
# Runs the hello guest in two VMs at once, the hostile guest, the guest
# that triple-faults, the guest that never stops and the one that never
# stops calling, then kills the vmm parent of two VMs that never stop
# (their processes must die with it); shows what the VMM prints and what
# it reports, and ends with the verdict:
#   step06-hypercalls: PASS vms=2 hypercalls=N bad_calls_rejected=N engine=E
# The verdict's values come from the VMM's report file (--report), which
# only the VMM writes: never from the console, where guests print too.
set -u
cd "$(dirname "$0")" || exit 1
step=step06-hypercalls
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

run --timeout 1 busy.bin
[ $st -eq 3 ] && [ "$(report vm1.end)" = over-budget ] ||
	fail busy-guest-not-stopped

# vm_processes — how many VM processes live: processes named vmm that are
# not zombies (a zombie has died; its parent, now init, has not reaped it).
vm_processes() {
	cat /proc/[0-9]*/stat 2>/dev/null |
		awk '$2 == "(vmm)" && $3 != "Z" { n++ } END { print n + 0 }'
}

# orphans SIGNAL — start two VMs that never stop, kill the vmm parent
# alone with SIGNAL once both guests run (three vmm processes), and count
# the VM processes left.
orphans() {
	echo "\$ ./vmm --vms 2 --timeout 60 runaway.bin &   # then: kill -$1 (the parent only)"
	: >"$out" # now: the job's own redirection may come after the loop below
	./vmm --vms 2 --timeout 60 runaway.bin >>"$out" 2>&1 &
	parent=$!
	i=0
	while [ "$(grep -c 'guest: runaway: spinning' "$out")" -lt 2 ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(vm_processes)" -eq 3 ] || fail "vms-not-running-before-SIG$1"
	kill "-$1" "$parent"
	wait "$parent" 2>/dev/null # not the shell's own word on the signal
	i=0
	while [ "$(vm_processes)" -gt 0 ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	left=$(vm_processes)
	echo "(the vmm parent killed by SIG$1: $left VM processes left)"
	[ "$left" -eq 0 ] || fail "vms-outlived-parent-killed-by-$1"
}
orphans TERM
orphans HUP
orphans KILL

rm -f "$out" report.txt
echo "$step: PASS vms=2 hypercalls=$hypercalls bad_calls_rejected=$rejected engine=$engine"
