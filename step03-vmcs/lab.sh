#!/bin/sh
# step03-vmcs/lab.sh — runs inside the lab VM (busybox sh, as root).
#
# Loads step03.ko with guest=hlt: step02's VMXON on every CPU, then one
# VMLAUNCH of a guest that is one HLT, one VM exit, back; unloads it (VMXOFF
# on every CPU). Loads it again with the full guest, which the exit loop
# runs to its end, logging each VM exit. Loads it twice with a VMCS broken
# on purpose and once with an exit budget too small for the guest: each
# load must fail, saying why. Then ldt_check, a process with an LDT, loads
# the module itself on CPU $LDT_CPU and checks that its LDT and its FS and
# GS selectors came back. Prints the verdict. (step02's bad-parameter,
# reload and KVM-holds-VMX checks stay in step02: this lab is about the
# guest.)
step=step03-vmcs
LDT_CPU=1

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
# The value of KEY in the module's result line $1.
value() { echo "$1" | sed -n "s/.* $2=\([^ ]*\).*/\1/p"; }
bad=0
check_kernel_log() { bad=$((bad + $(dmesg | bad_kernel_lines))); }

dmesg -c >/dev/null
# book:begin launch
echo "# insmod step03.ko guest=hlt   (one VMLAUNCH, one VM exit; step01's tables left out)"
out=$(insmod ./step03.ko guest=hlt 2>&1) || { echo "$out"; klog; fail insmod-guest-hlt; }
check_kernel_log
log=$(klog)
echo "$log" | grep -E '^step03: (CPU vendor|IA32_FEATURE_CONTROL|cpu[0-9]+:|VMCS at|guest=|[A-Z_]+_CONTROLS? +=|exit [0-9]+:|result exits)'
# book:end launch
on=$(echo "$log" | sed -n 's/^step03: result cpus=\([0-9]*\) vmxon=\([0-9]*\)$/\1 \2/p')
cpus=${on% *} vmxon=${on#* }
[ -n "$on" ] || fail no-vmxon-result-line
hlt=$(echo "$log" | sed -n 's/^step03: result \(exits=.*\)$/\1/p')
echo "# rmmod step03"
rmmod step03 || fail rmmod-guest-hlt
log=$(klog)
echo "$log" | grep -v ' result '
vmxoff=$(echo "$log" | sed -n 's/^step03: result vmxoff=\([0-9]*\)$/\1/p')

# book:begin loop
echo "# insmod step03.ko report=0   (the full guest, in the exit loop)"
out=$(insmod ./step03.ko report=0 2>&1) || { echo "$out"; klog; fail insmod-guest-full; }
check_kernel_log
log=$(klog)
echo "$log" | grep -E '^step03: (guest=|[A-Z_]+_CONTROLS? +=|exit [0-9]+:|  (CPUID|VMCALL|HLT)|result exits)'
# book:end loop
result=$(echo "$log" | sed -n 's/^step03: result \(exits=.*\)$/\1/p')
rmmod step03 || fail rmmod-guest-full
klog >/dev/null

# book:begin broken
# A VMCS broken on purpose: the guest never runs, the load fails, and the
# module says how VM entry refused.
for broken in guest host; do
	echo "# insmod step03.ko report=0 break_state=$broken   (must fail)"
	if insmod ./step03.ko report=0 break_state=$broken 2>/dev/null; then
		fail "broken-$broken-state-accepted"
	fi
	check_kernel_log
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
check_kernel_log
klog | grep -E '^step03: (exit budget|time budget|the guest did not)'
# book:end budget
grep -q '^step03 ' /proc/modules && fail module-left-loaded

# book:begin ldt
# A process with an LDT: the guest runs in its context, on its CPU.
echo "# ldt_check $LDT_CPU step03.ko guest=hlt report=0"
./ldt_check $LDT_CPU ./step03.ko "guest=hlt report=0"
ldt=$?
check_kernel_log
log=$(klog)
echo "$log" | grep -E '^step03: (VMCS at|exit [0-9]+:)'
# book:end ldt
echo "$log" | grep -q "^step03: VMCS at .* on cpu$LDT_CPU " || fail "ldt-guest-not-on-cpu$LDT_CPU"
rmmod step03 || fail rmmod-after-ldt_check
klog >/dev/null
echo "kernel log: $bad warnings/oopses/BUGs"

[ "$cpus" = "$LAB_CPUS" ] || fail "cpus=$cpus-but-LAB_CPUS=$LAB_CPUS"
[ "$vmxon" = "$cpus" ] || fail "vmxon=$vmxon-of-$cpus"
[ "$vmxoff" = "$cpus" ] || fail "vmxoff=$vmxoff-of-$cpus"
[ "$bad" -eq 0 ] || fail kernel-log-has-warnings
[ "$(value " $hlt" exits)" = cpuid:0,vmcall:0,hlt:1 ] || fail "guest-hlt-exits-$(value " $hlt" exits)"
[ "$ldt" -eq 0 ] || fail "ldt_check-status-$ldt"
[ "$(value " $result" result)" = 5050 ] || fail the-guest-reported-no-result
echo "$step: PASS $result engine=$LAB_ENGINE"
