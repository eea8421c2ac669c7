#!/bin/sh
# lab.sh — in the lab VM (nested KVM on QEMU TCG's emulated SVM): boot the
# lab's own Debian kernel under the prototype VMM with a busybox initramfs
# whose /init prints @@proto:init@@, shows what the kernel found, and
# reboots (reboot=k: the i8042 reset line ends the VMM, status 0).
# First with the whole boot log on the serial console, then with `quiet`:
# here every console character costs two exits (LSR poll, THR write).
#
# Not `noxsave`, though it would spare the lab's XSAVE warning (QEMU's TCG
# does not make an L2 guest's XSETBV exit to L1, so KVM's idea of XCR0 goes
# stale and Linux warns, then uses FXSAVE): with noxsave, QEMU 7.2's
# emulated SVM stops delivering interrupts to the L2 guest (KVM's stats:
# 1 irq_injection, 490000 halt_exits; a good boot: 4009 and 54) and the
# guest hangs before or at /init, 8 times in 9.
cd "$(dirname "$0")" || exit 1
[ -c /dev/kvm ] || { echo "proto: FAIL no /dev/kvm"; exit 1; }
status=0
for extra in "" " quiet"; do
	cmdline="console=ttyS0 reboot=k panic=-1$extra"
	echo "proto: ./vmm --kernel bzImage --initrd initrd.cpio --mem 256M --cmdline '$cmdline' --marker @@proto:init@@ --stats"
	./vmm --kernel bzImage --initrd initrd.cpio --mem 256M \
		--cmdline "$cmdline" --marker @@proto:init@@ --timeout 120 \
		--stats </dev/null
	st=$?
	echo "proto: vmm exit status $st (engine ${LAB_ENGINE:-?})"
	[ $st -eq 0 ] || status=$st
done
exit $status
