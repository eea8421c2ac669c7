# shellcheck shell=sh
# machines/x86_64.sh — the two VMMs of make bench on x86_64, sourced by
# lab.sh (in the lab VM, by `uname -m`) and by run-bench (on the host, by
# BENCH_ARCH): our step07 VMM and QEMU's microvm, given the same kernel,
# initramfs, command line, memory, vCPU count, disk and tap.  Another
# architecture is another file of the same shape (step08: aarch64.sh, ours
# against qemu-system-aarch64 -M virt): the BENCH_* settings below and the
# functions ours and qemu, each of which hands its VMM's command line to
# lab.sh's measure NAME ARGV...
#
# The guest's console is the 16550 on COM1 under both; quiet keeps the
# boot log off it (in the kernel's buffer, where /init reads the times),
# since every character on a UART costs exits.  earlyprintk=ttyS0 makes
# the kernel print its first lines as soon as it parses its command line
# (setup_arch): the first console byte marks the end of the decompressor
# (Debian's decompressor itself prints nothing: no X86_VERBOSE_BOOTUP).
# Read by run-bench on the host: what lab-run must give the lab VM, and
# what qemu-pack puts into it (QEMU's binary, the firmware microvm reads).
# shellcheck disable=SC2034
BENCH_LAB_NEEDS=kvm-userspace
# shellcheck disable=SC2034
BENCH_LAB_MODULES="tun vhost_net"
# shellcheck disable=SC2034
BENCH_QEMU_NAME=qemu-system-x86_64
# shellcheck disable=SC2034
BENCH_QEMU_FIRMWARE="bios-microvm.bin linuxboot_dma.bin"
# shellcheck disable=SC2034
BENCH_QEMU_MACHINE=microvm
# Read by lab.sh: the guest's command line, before the bench's own words.
# shellcheck disable=SC2034
BENCH_CMDLINE="console=ttyS0 earlyprintk=ttyS0 quiet panic=-1"

# ours CMDLINE
ours() {
	if [ -n "$BENCH_OURS_NET" ]; then
		measure ours ./vmm --kernel bzImage --initrd initrd.cpio \
			--mem "${BENCH_MEM}M" --cmdline "$1" --raw \
			--disk "$BENCH_DISK,ro" --net "tap=$BENCH_OURS_NET"
	else
		measure ours ./vmm --kernel bzImage --initrd initrd.cpio \
			--mem "${BENCH_MEM}M" --cmdline "$1" --raw \
			--disk "$BENCH_DISK,ro"
	fi
}

# qemu CMDLINE [vhost|rtc]: QEMU's microvm with KVM and the host's CPU
# and the modern (version 2) virtio-mmio transport, like ours; the
# machine's own defaults otherwise (among them a split irqchip: the IOAPIC
# and the PIC in QEMU, the LAPIC in KVM; ACPI; no RTC under KVM).  Two
# variants for reference rows, not for the match: vhost (the tap served
# by vhost-net in the kernel, not by QEMU's main loop) and rtc (microvm
# with its MC146818 RTC, rtc=on).
qemu() {
	name=qemu vhost=off machine=$BENCH_QEMU_MACHINE
	case "${2:-}" in
	vhost) name=qemu-vhost vhost=on ;;
	rtc) name=qemu-rtc machine=$BENCH_QEMU_MACHINE,rtc=on ;;
	esac
	set -- "$1" -L "$BENCH_QEMU_DATA" -M "$machine" -accel kvm -cpu host \
		-smp 1 -m "${BENCH_MEM}M" -nodefaults -no-user-config \
		-display none -serial stdio -kernel bzImage -initrd initrd.cpio \
		-global virtio-mmio.force-legacy=false \
		-drive "id=vda,file=$BENCH_DISK,format=raw,if=none,readonly=on" \
		-device virtio-blk-device,drive=vda
	# (Not "cmdline": a shell function's variables are global, and
	# lab.sh's cmdline is the next run's.)
	qemu_append=$1
	shift
	if [ -n "$BENCH_TAP" ]; then
		measure "$name" "$BENCH_QEMU" -append "$qemu_append" "$@" \
			-netdev "tap,id=net0,ifname=$BENCH_TAP,script=no,downscript=no,vhost=$vhost" \
			-device virtio-net-device,netdev=net0
	else
		measure "$name" "$BENCH_QEMU" -append "$qemu_append" "$@"
	fi
}
