#!/bin/sh
# step04-ept/lab.sh — runs inside the lab VM (busybox sh, as root).
#
# Loads step04.ko, which does what step02 did (ring 0, VMX discovery, VMXON
# on every CPU) and then runs one guest with its own physical memory (EPT)
# to its end on the loading CPU, logging its VM exits; unloads it (VMXOFF on
# every CPU). Then ldt_check, a process with an LDT, loads the module itself
# on CPU $LDT_CPU with the one-HLT guest (in real mode, in its own memory)
# and checks that its LDT and its FS and GS selectors came back. Prints the
# verdict. (step02's and step03's other checks stay in their steps: this
# lab is about the guest's memory.)
step=step04-ept
DEMAND_PAGES=16 # GUEST_DEMAND_PAGES in guest_abi.h
LDT_CPU=1

fail() {
	echo "$step: FAIL reason=$1"
	exit 1
}
# The module's kernel-log lines since the last call, without timestamps.
# busybox insmod retries a failed finit_module() with init_module(), so a
# refused load logs everything twice: awk keeps the first of each line.
klog() { dmesg -c | grep 'step04: ' | sed 's/^\[[ 0-9.]*\] //' | awk '!seen[$0]++'; }
# The kernel's own formats: "WARNING: CPU: ...", "Oops: ...", "BUG: ...".
bad_kernel_lines() { grep -c -e 'WARNING: ' -e 'Oops: ' -e 'BUG: ' -e 'kernel BUG at'; }
bad=0
check_kernel_log() { bad=$((bad + $(dmesg | bad_kernel_lines))); }

dmesg -c >/dev/null
echo "# insmod step04.ko   (step01's control tables left out here)"
out=$(insmod ./step04.ko 2>&1) || { echo "$out"; klog; fail insmod; }
check_kernel_log
log=$(klog)
echo "$log" | grep -E '^step04: (CPU vendor|IA32_FEATURE_CONTROL|cpu[0-9]+:|EPT:|guest RAM:|not mapped:|VMCS at|guest=|[A-Z_]+_CONTROLS? +=|exit [0-9]+:|  (CPUID|VMCALL|HLT)|console:|result)'
on=$(echo "$log" | sed -n 's/^step04: result cpus=\([0-9]*\) vmxon=\([0-9]*\)$/\1 \2/p')
cpus=${on% *} vmxon=${on#* }
[ -n "$on" ] || fail no-vmxon-result-line
result=$(echo "$log" | sed -n 's/^step04: result \(ept_violations=.*\)$/\1/p')
# How the guest ended: its last logged exit.
last_exit=$(echo "$log" | grep '^step04: exit [0-9]*:' | tail -n 1)

echo "# rmmod step04"
rmmod step04 || fail rmmod
log=$(klog)
echo "$log" | grep -v ' result '
vmxoff=$(echo "$log" | sed -n 's/^step04: result vmxoff=\([0-9]*\)$/\1/p')

# A process with an LDT: the guest runs in its context, on its CPU.
echo "# ldt_check $LDT_CPU step04.ko guest=hlt report=0"
./ldt_check $LDT_CPU ./step04.ko "guest=hlt report=0"
ldt=$?
check_kernel_log
log=$(klog)
echo "$log" | grep -E '^step04: (VMCS at|exit [0-9]+:)'
echo "$log" | grep -q "^step04: VMCS at .* on cpu$LDT_CPU " || fail "ldt-guest-not-on-cpu$LDT_CPU"
rmmod step04 || fail rmmod-after-ldt_check
klog >/dev/null

grep -q '^step04 ' /proc/modules && fail module-left-loaded
echo "kernel log: $bad warnings/oopses/BUGs"

[ "$cpus" = "$LAB_CPUS" ] || fail "cpus=$cpus-but-LAB_CPUS=$LAB_CPUS"
[ "$vmxon" = "$cpus" ] || fail "vmxon=$vmxon-of-$cpus"
[ "$vmxoff" = "$cpus" ] || fail "vmxoff=$vmxoff-of-$cpus"
[ "$bad" -eq 0 ] || fail kernel-log-has-warnings
[ "$ldt" -eq 0 ] || fail "ldt_check-status-$ldt"
case $result in
ept_violations=*" demand_pages=$DEMAND_PAGES console="*' result=0x'*) ;;
*) fail the-guest-reported-no-result ;;
esac
case $last_exit in
*'instruction fetch at GPA '*': refused, guest stopped') ;;
*) fail the-guest-was-not-stopped-by-the-refused-fetch ;;
esac
echo "$step: PASS $result engine=$LAB_ENGINE"
