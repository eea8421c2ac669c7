#!/bin/sh
# step02-vmxon/lab.sh — runs inside the lab VM (busybox sh, as root).
#
# Loads step02.ko, which reads CR0/CR4/EFER in ring 0, discovers VMX and puts
# every CPU into VMX root operation; unloads it (VMXOFF on every CPU); loads
# it again with bad parameters (which must fail); makes VMXON really fail on
# CPU 1 (CPU 0 must roll back); takes CPU 1 offline and online again while
# loaded; loads and unloads it 20 times more and counts kernel warnings;
# loads it while KVM holds VMX, which must fail with -EBUSY; and prints the
# verdict.
step=step02-vmxon
RELOADS=20

fail() {
	echo "$step: FAIL reason=$1"
	exit 1
}
# The module's kernel-log lines since the last call, without timestamps.
# busybox insmod retries a failed finit_module() with init_module(), so a
# refused load logs its message twice: uniq folds the repeat.
klog() { dmesg -c | grep 'step02: ' | sed 's/^\[[ 0-9.]*\] //' | uniq; }

dmesg -c >/dev/null
# The kernel's own formats: "WARNING: CPU: ...", "Oops: ...", "BUG: ...".
bad_kernel_lines() { grep -c -e 'WARNING: ' -e 'Oops: ' -e 'BUG: ' -e 'kernel BUG at'; }

echo "# insmod step02.ko   (step01's control tables left out here)"
out=$(insmod ./step02.ko 2>&1) || { echo "$out"; klog | awk '!seen[$0]++'; fail insmod; }
log=$(klog)
echo "$log" | grep -E '^step02: (loaded|CR0|CR4|EFER|CPU vendor|IA32_FEATURE_CONTROL|IA32_VMX_BASIC|cpu[0-9]+:|VMX)'
on=$(echo "$log" | sed -n 's/^step02: result cpus=\([0-9]*\) vmxon=\([0-9]*\)$/\1 \2/p')
cpus=${on% *} vmxon=${on#* }
[ -n "$on" ] || fail no-vmxon-result-line

echo "# rmmod step02"
rmmod step02 || fail rmmod
log=$(klog)
echo "$log" | grep -v ' result '
vmxoff=$(echo "$log" | sed -n 's/^step02: result vmxoff=\([0-9]*\)$/\1/p')
case "$log" in
*'step02: unloaded'*) ;;
*) fail no-unload-line ;;
esac

# book:begin bad-param
for param in cpu=4096 fail_on_cpu=4096; do
	echo "# insmod step02.ko report=0 $param   (no such CPU: the load must fail)"
	if out=$(insmod ./step02.ko report=0 $param 2>&1); then
		fail "bad-param-$param-accepted"
	fi
	echo "$out"
	klog | awk '!seen[$0]++' | grep -e ' is not ' -e 'VMXON failed'
	case "$out" in
	*'Invalid argument'*) ;;
	*) fail "bad-param-$param-error-was-not-EINVAL" ;;
	esac
done
# book:end bad-param
grep -q '^step02 ' /proc/modules && fail module-left-loaded

# book:begin rollback
echo "# insmod step02.ko report=0 fail_on_cpu=1   (VMXON fails on CPU 1: CPU 0 must leave VMX again)"
if out=$(insmod ./step02.ko report=0 fail_on_cpu=1 2>&1); then
	fail rollback-load-succeeded
fi
echo "$out"
klog | awk '!seen[$0]++' | grep -e ' cpu[0-9]*: ' -e 'VMXON: ' -e 'VMXON failed'
grep -q '^step02 ' /proc/modules && fail module-left-loaded
# book:end rollback

# book:begin hotplug
# While the module is loaded, CPU 1 goes offline (it must leave VMX operation
# first) and comes back (it must enter VMX operation again).
online=/sys/devices/system/cpu/cpu1/online
[ -w $online ] || fail no-cpu1-hotplug
echo "# insmod step02.ko report=0; cpu1 offline; cpu1 online; rmmod step02"
insmod ./step02.ko report=0 || fail hotplug-insmod
echo 0 >$online || fail cpu1-offline
echo 1 >$online || fail cpu1-online
rmmod step02 || fail hotplug-rmmod
kernel=$(dmesg -c | sed 's/^\[[ 0-9.]*\] //')
echo "$kernel" | grep -e '^step02: cpu[0-9]*: ' -e '^smpboot: ' -e 'is now offline'
hotplug_bad=$(echo "$kernel" | bad_kernel_lines)
echo "hotplug: kernel log: $hotplug_bad warnings/oopses/BUGs"
echo "$kernel" | grep -q '^step02: cpu1: VMXOFF' || fail hotplug-cpu1-no-vmxoff
# book:end hotplug

# book:begin reload
echo "# $RELOADS x (insmod step02.ko report=0; rmmod step02)"
ok=0 i=0
while [ $i -lt $RELOADS ]; do
	insmod ./step02.ko report=0 && rmmod step02 && ok=$((ok + 1))
	i=$((i + 1))
done
bad=$(dmesg | bad_kernel_lines)
dmesg | grep -e 'WARNING: ' -e 'Oops: ' -e 'BUG: ' -e 'kernel BUG at'
dmesg -c >/dev/null
echo "reload: $ok of $RELOADS load/unload cycles ok; kernel log: $bad warnings/oopses/BUGs"
# book:end reload

# book:begin busy
# Another hypervisor: kvm_intel with a VM has CR4.VMXE set on every CPU.
if modprobe kvm_intel; then
	echo "# with_kvm_vm insmod step02.ko   (KVM holds VMX: the load must fail)"
	dmesg -c >/dev/null
	if out=$(./with_kvm_vm insmod ./step02.ko report=0 2>&1); then
		fail loaded-while-kvm-held-vmx
	fi
	echo "$out"
	klog | awk '!seen[$0]++' | grep -v -e ' CR[04] ' -e ' EFER ' -e ' CPU vendor' -e ' loaded: ' -e ' result '
	case "$out" in
	*'Device or resource busy'*) busy=EBUSY ;;
	*) fail busy-load-was-not-EBUSY ;;
	esac
	modprobe -r kvm_intel
else
	busy=no-kvm_intel
fi
echo "busy: load while another hypervisor holds VMX: $busy"
# book:end busy

[ "$cpus" = "$LAB_CPUS" ] || fail "cpus=$cpus-but-LAB_CPUS=$LAB_CPUS"
[ "$vmxon" = "$cpus" ] || fail "vmxon=$vmxon-of-$cpus"
[ "$vmxoff" = "$cpus" ] || fail "vmxoff=$vmxoff-of-$cpus"
[ $ok -eq $RELOADS ] || fail "reload-$ok-of-$RELOADS"
[ "$bad" -eq 0 ] || fail kernel-log-has-warnings
[ "$hotplug_bad" -eq 0 ] || fail hotplug-kernel-log-has-warnings
echo "$step: PASS cpus=$cpus vmxon=$vmxon vmxoff=$vmxoff engine=$LAB_ENGINE"
