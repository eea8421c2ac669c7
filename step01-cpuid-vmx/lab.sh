#!/bin/sh
# step01-cpuid-vmx/lab.sh — runs inside the lab VM (busybox sh, as root).
#
# Loads step01.ko, which reads CR0/CR4/EFER in ring 0 and then reports what
# this CPU's VMX offers, unloads it, loads it again with a bad parameter
# (which must fail), and prints the verdict. On a CPU without VMX the load
# fails with -ENODEV and the verdict is SKIP, with the module's reason.
step=step01-cpuid-vmx

fail() {
	echo "$step: FAIL reason=$1"
	exit 1
}
# The module's kernel-log lines since the last call, without timestamps.
# busybox insmod retries a failed finit_module() with init_module(), so a
# refused load logs its message twice: uniq folds the repeat.
klog() { dmesg -c | grep 'step01: ' | sed 's/^\[[ 0-9.]*\] //' | uniq; }

dmesg -c >/dev/null
echo "# insmod step01.ko"
# book:begin skip
if ! out=$(insmod ./step01.ko 2>&1); then
	echo "$out"
	# The retried load logged the whole init twice: show each line once.
	log=$(klog | awk '!seen[$0]++')
	echo "$log"
	# No VMX is the one refusal we expect; the module names the CPU vendor.
	vendor=$(echo "$log" | sed -n 's/.*CPU vendor \([^:]*\): CPUID.1:ECX.VMX\[bit 5\] = 0.*/\1/p')
	case "$out" in
	*'No such device'*) [ -n "$vendor" ] || fail enodev-without-reason ;;
	*) fail insmod ;;
	esac
	echo "$step: SKIP reason=no-vmx cpuid_vmx=0 vendor=$vendor errno=ENODEV engine=$LAB_ENGINE"
	exit 0
fi
# book:end skip
log=$(klog)
echo "$log" | grep -v ' result '
result=$(echo "$log" | sed -n 's/^step01: result //p')
[ -n "$result" ] || fail no-result-line

echo "# rmmod step01"
rmmod step01 || fail rmmod
log=$(klog)
echo "$log"
case "$log" in
*'step01: unloaded'*) ;;
*) fail no-unload-line ;;
esac

# book:begin bad-param
echo "# insmod step01.ko cpu=4096   (no such CPU: the load must fail)"
if out=$(insmod ./step01.ko cpu=4096 2>&1); then
	fail bad-param-accepted
fi
echo "$out"
klog
case "$out" in
*'Invalid argument'*) ;;
*) fail bad-param-error-was-not-EINVAL ;;
esac
# book:end bad-param
grep -q '^step01 ' /proc/modules && fail module-left-loaded

echo "$step: PASS $result engine=$LAB_ENGINE"
