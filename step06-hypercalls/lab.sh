#!/bin/sh
# lab.sh — step06-hypercalls where KVM is real: inside the lab VM (nested
# KVM on QEMU TCG's emulated SVM) or on a host with hardware-accelerated KVM.
#
# Runs the hello guest in two VMs at once, the hostile guest, and the guest
# that never stops; shows what the VMM prints, and ends with the verdict:
#   step06-hypercalls: PASS vms=2 hypercalls=N bad_calls_rejected=N engine=E
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

# run ARGS... — run the vmm, show its output; its status is in $st.
# The hostile guest's output flood (thousands of lines of '~') is shown as
# one line that counts them.
run() {
	echo "\$ ./vmm $*"
	./vmm "$@" >"$out" 2>&1
	st=$?
	awk '/^\[VM [0-9]+\] ~+$/ { n++; next }
	     n { print "(" n " lines of the output flood, all ~, not shown)"; n = 0 }
	     { print }
	     END { if (n) print "(" n " lines of the output flood, all ~, not shown)" }' "$out"
	echo "(exit status $st)"
}

# sum_of KEY — the sum over all VMs of "vmm: hypercalls: N, rejected: M".
sum_of() {
	sed -n "s/^\[VM [0-9]*\] vmm: hypercalls: \([0-9]*\), rejected: \([0-9]*\)\$/\1 \2/p" "$out" |
		awk -v k="$1" '{ s += (k == "calls" ? $1 : $2) } END { print s + 0 }'
}

run --vms 2 --stats hello.bin
[ $st -eq 0 ] || fail "hello-exit-status-$st"
for k in 1 2; do
	grep -q "^\[VM $k\] Hello from VM $k\$" "$out" || fail "no-hello-from-vm-$k"
	grep -q "^vmm: VM $k exited with status 0\$" "$out" || fail "vm-$k-status"
done
hypercalls=$(sum_of calls)

run --stats hostile.bin
[ $st -eq 0 ] || fail "hostile-exit-status-$st"
rejected=$(sum_of rejected)

run triple_fault.bin
[ $st -eq 1 ] && grep -q '^\[VM 1\] vmm: KVM_EXIT_SHUTDOWN' "$out" ||
	fail triple-fault-not-reported

run --timeout 1 runaway.bin
[ $st -eq 3 ] && grep -q 'ran out of its time budget of 1 s' "$out" ||
	fail runaway-not-stopped

rm -f "$out"
echo "$step: PASS vms=2 hypercalls=$hypercalls bad_calls_rejected=$rejected engine=$engine"
