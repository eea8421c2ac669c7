#!/bin/sh
# step00-module/lab.sh — runs inside the lab VM (busybox sh, as root).
#
# Loads step00.ko and shows what it read in ring 0, unloads it, loads it
# again with a bad parameter (which must fail), and prints the verdict.
step=step00-module

fail() {
	echo "$step: FAIL reason=$1"
	exit 1
}
# The module's kernel-log lines since the last call, without timestamps.
# busybox insmod retries a failed finit_module() with init_module(), so a
# refused load logs its message twice: uniq folds the repeat.
klog() { dmesg -c | grep 'step00: ' | sed 's/^\[[ 0-9.]*\] //' | uniq; }

dmesg -c >/dev/null
echo "# insmod step00.ko"
insmod ./step00.ko || fail insmod
log=$(klog)
echo "$log"
vmxe=$(echo "$log" | sed -n 's/.*CR4\.VMXE=\([01]\).*/\1/p')
[ -n "$vmxe" ] || fail no-cr4-line

echo "# rmmod step00"
rmmod step00 || fail rmmod
log=$(klog)
echo "$log"
case "$log" in
*'step00: unloaded'*) unload=ok ;;
*) fail no-unload-line ;;
esac

# book:begin bad-param
echo "# insmod step00.ko cpu=4096   (no such CPU: the load must fail)"
if out=$(insmod ./step00.ko cpu=4096 2>&1); then
	fail bad-param-accepted
fi
echo "$out"
klog
case "$out" in
*'Invalid argument'*) bad_param=rejected ;;
*) fail bad-param-error-was-not-EINVAL ;;
esac
# book:end bad-param
grep -q '^step00 ' /proc/modules && fail module-left-loaded

echo "$step: PASS engine=$LAB_ENGINE cr4_vmxe=$vmxe bad_param=$bad_param unload=$unload"
