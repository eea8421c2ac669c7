#!/bin/sh
# step03-vmcs/lab.sh — runs inside the lab VM (busybox sh, as root).
#
# Loads step03.ko, which does what step02 did (ring 0, VMX discovery, VMXON
# on every CPU) and then runs one guest to its end on the loading CPU,
# logging each VM exit; unloads it (VMXOFF on every CPU); loads it twice
# with a VMCS broken on purpose, which must fail, saying how VM entry
# refused; loads it with an exit budget too small for the guest, which must
# fail; prints the verdict. (step02's bad-parameter, reload and
# KVM-holds-VMX checks stay in step02: this lab is about the guest.)
step=step03-vmcs

fail() {
	echo "$step: FAIL reason=$1"
	exit 1
}
# The module's kernel-log lines since the last call, without timestamps.
# busybox insmod retries a failed finit_module() with init_module(), so a
# refused load logs everything twice: awk keeps the first of each line.
klog() { dmesg -c | grep 'step03: ' | sed 's/^\[[ 0-9.]*\] //' | awk '!seen[$0]++'; }
# The kernel's own formats: "WARNING: CPU: ...", "Oops: ...", "BUG: ...".
bad_kernel_lines() { grep -c -e 'WARNING: ' -e 'Oops: ' -e 'BUG: ' -e 'kernel BUG at'; }

dmesg -c >/dev/null
echo "# insmod step03.ko   (step01's control tables left out here)"
out=$(insmod ./step03.ko 2>&1) || { echo "$out"; klog; fail insmod; }
kernel=$(dmesg)
bad=$(echo "$kernel" | bad_kernel_lines)
log=$(klog)
echo "$log" | grep -E '^step03: (CPU vendor|IA32_FEATURE_CONTROL|cpu[0-9]+:|VMCS at|guest:|[A-Z_]+_CONTROLS? +=|exit [0-9]+:|  (CPUID|VMCALL|HLT)|result)'
on=$(echo "$log" | sed -n 's/^step03: result cpus=\([0-9]*\) vmxon=\([0-9]*\)$/\1 \2/p')
cpus=${on% *} vmxon=${on#* }
[ -n "$on" ] || fail no-vmxon-result-line
result=$(echo "$log" | sed -n 's/^step03: result \(exits=.*\)$/\1/p')

echo "# rmmod step03"
rmmod step03 || fail rmmod
log=$(klog)
echo "$log" | grep -v ' result '
vmxoff=$(echo "$log" | sed -n 's/^step03: result vmxoff=\([0-9]*\)$/\1/p')

# book:begin broken
# A VMCS broken on purpose: the guest never runs, the load fails, and the
# module says how VM entry refused.
for broken in guest host; do
	echo "# insmod step03.ko report=0 break_state=$broken   (must fail)"
	if insmod ./step03.ko report=0 break_state=$broken 2>/dev/null; then
		fail "broken-$broken-state-accepted"
	fi
	kernel=$(dmesg)
	bad=$((bad + $(echo "$kernel" | bad_kernel_lines)))
	klog | grep -E '^step03: (break_state|VMLAUNCH|  GUEST_RFLAGS)'
done
# book:end broken

# book:begin budget
# A guest that wants more than its budget: this one needs 4 exits.
echo "# insmod step03.ko report=0 exit_budget=3   (must fail)"
if out=$(insmod ./step03.ko report=0 exit_budget=3 2>&1); then
	fail exit-budget-not-enforced
fi
echo "$out"
kernel=$(dmesg)
bad=$((bad + $(echo "$kernel" | bad_kernel_lines)))
klog | grep -E '^step03: (exit budget|time budget|the guest did not)'
# book:end budget
grep -q '^step03 ' /proc/modules && fail module-left-loaded
echo "kernel log: $bad warnings/oopses/BUGs"

[ "$cpus" = "$LAB_CPUS" ] || fail "cpus=$cpus-but-LAB_CPUS=$LAB_CPUS"
[ "$vmxon" = "$cpus" ] || fail "vmxon=$vmxon-of-$cpus"
[ "$vmxoff" = "$cpus" ] || fail "vmxoff=$vmxoff-of-$cpus"
[ "$bad" -eq 0 ] || fail kernel-log-has-warnings
case $result in
exits=*' result=5050 signature='*) ;;
*) fail the-guest-reported-no-result ;;
esac
echo "$step: PASS $result engine=$LAB_ENGINE"
