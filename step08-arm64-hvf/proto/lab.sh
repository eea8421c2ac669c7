#!/bin/sh
# lab.sh — in the arm64 lab VM (Debian's 6.12 arm64 kernel, KVM at EL2 in
# QEMU TCG): the prototype VMM boots the same kernel as an L2 guest with a
# busybox initramfs, first with 1 vCPU and the whole boot log, then quiet,
# then with 2 vCPUs (PSCI CPU_ON); then the flat hello guest makes the
# course's hypercalls with HVC #0, and the probe rings it right and wrong.
cd "$(dirname "$0")" || exit 1
[ -c /dev/kvm ] || { echo "proto: FAIL no /dev/kvm"; exit 1; }
status=0
run() {
	echo "proto: ./vmm $*"
	./vmm "$@" </dev/null
	st=$?
	echo "proto: vmm exit status $st (engine ${LAB_ENGINE:-?})"
	[ $st -eq 0 ] || status=$st
}
run --kernel Image --initrd initrd.cpio --mem 256M --marker @@proto:init@@ --timeout 200 --stats
run --kernel Image --initrd initrd.cpio --mem 256M --cmdline "console=ttyS0 earlycon panic=-1 quiet" --marker @@proto:init@@ --timeout 200 --stats
run --kernel Image --initrd initrd.cpio --mem 256M --cpus 2 --cmdline "console=ttyS0 earlycon panic=-1 quiet" --marker @@proto:init@@ --timeout 200 --stats
run --report --stats hello.bin
run --report --stats probe.bin
exit $status
