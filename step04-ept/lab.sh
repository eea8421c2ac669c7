#!/bin/sh
# step04-ept/lab.sh — runs inside the lab VM (busybox sh, as root).
#
# Loads step04.ko, which does what step02 did (ring 0, VMX discovery, VMXON
# on every CPU) and then runs one guest with its own physical memory (EPT)
# to its end on the loading CPU, logging its VM exits; unloads it (VMXOFF on
# every CPU); prints the verdict. (step02's and step03's extra checks stay
# in their steps: this lab is about the guest's memory.)
step=step04-ept
DEMAND_PAGES=16	# GUEST_DEMAND_PAGES in guest_abi.h

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

dmesg -c >/dev/null
echo "# insmod step04.ko   (step01's control tables left out here)"
out=$(insmod ./step04.ko 2>&1) || { echo "$out"; klog; fail insmod; }
kernel=$(dmesg)
bad=$(echo "$kernel" | bad_kernel_lines)
log=$(klog)
echo "$log" | grep -E '^step04: (CPU vendor|IA32_FEATURE_CONTROL|cpu[0-9]+:|EPT:|guest RAM:|not mapped:|VMCS at|[A-Z_]+_CONTROLS? +=|exit [0-9]+:|  (CPUID|VMCALL|HLT)|console:|result)'
on=$(echo "$log" | sed -n 's/^step04: result cpus=\([0-9]*\) vmxon=\([0-9]*\)$/\1 \2/p')
cpus=${on% *} vmxon=${on#* }
[ -n "$on" ] || fail no-vmxon-result-line
result=$(echo "$log" | sed -n 's/^step04: result \(ept_violations=.*\)$/\1/p')

echo "# rmmod step04"
rmmod step04 || fail rmmod
log=$(klog)
echo "$log" | grep -v ' result '
vmxoff=$(echo "$log" | sed -n 's/^step04: result vmxoff=\([0-9]*\)$/\1/p')

grep -q '^step04 ' /proc/modules && fail module-left-loaded
echo "kernel log: $bad warnings/oopses/BUGs"

[ "$cpus" = "$LAB_CPUS" ] || fail "cpus=$cpus-but-LAB_CPUS=$LAB_CPUS"
[ "$vmxon" = "$cpus" ] || fail "vmxon=$vmxon-of-$cpus"
[ "$vmxoff" = "$cpus" ] || fail "vmxoff=$vmxoff-of-$cpus"
[ "$bad" -eq 0 ] || fail kernel-log-has-warnings
case $result in
ept_violations=*" demand_pages=$DEMAND_PAGES console="*' result=0x'*) ;;
*) fail the-guest-reported-no-result ;;
esac
echo "$step: PASS $result engine=$LAB_ENGINE"
