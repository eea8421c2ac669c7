# shellcheck shell=sh
# machines/aarch64.sh — the two VMMs of make bench on arm64, sourced by
# lab.sh (in the arm64 lab VM, by `uname -m`) and by run-bench (on the
# host, by BENCH_ARCH): our arm64 VMM (arch/arm64, on its kvm-arm64
# backend) and QEMU's virt machine with KVM, given the same kernel (the
# arm64 lab's own Debian Image), initramfs, memory, vCPU count, disk and
# tap.  The shape of machines/x86_64.sh: the BENCH_* settings and the
# functions ours and qemu.
#
# The machines differ where their designers chose differently, and the
# table's notes say so: ours has RAM at 0 and the course's 16550 as
# ns16550a (ttyS0); virt has RAM at 1 GiB, a PL011 (ttyAMA0), a PL031 RTC,
# fw_cfg, a PCIe host bridge and two flash devices.  Each guest's console
# is its machine's UART, named on the command line, the rest of which is
# the same.  No early console: under quiet an arm64 kernel with earlycon
# printed nothing before /init, so the boot's parts come from KVM's
# debugfs and the kernel's own clock.  GICv3 on both (virt's
# default under KVM is a GICv2, which a GICv3 host need not emulate), the
# modern (version 2) virtio-mmio transport on both.
# Read by run-bench on the host: what lab-run must give the lab VM, and
# what qemu-pack puts into it: Debian's arm64 QEMU, unpacked by lab-assets
# (qemu-root, LAB_ARCH=BENCH_QEMU_ASSETS); virt boots -kernel without
# firmware.
# shellcheck disable=SC2034
BENCH_LAB_NEEDS=kvm-arm64
# shellcheck disable=SC2034
BENCH_QEMU_ASSETS=arm64
# shellcheck disable=SC2034
BENCH_LAB_MODULES="tun vhost_net"
# shellcheck disable=SC2034
BENCH_QEMU_NAME=qemu-system-aarch64
# shellcheck disable=SC2034
BENCH_QEMU_FIRMWARE=
# shellcheck disable=SC2034
BENCH_QEMU_MACHINE=virt,gic-version=3
# Read by lab.sh: the loader's path (the binary's program interpreter),
# the kernel's file in the bundle; no reference boot rows (virt has its
# RTC: nothing like microvm's missing one to compare with).
# shellcheck disable=SC2034
BENCH_QEMU_LOADER=/lib/ld-linux-aarch64.so.1
# shellcheck disable=SC2034
BENCH_KERNEL=Image
# shellcheck disable=SC2034
BENCH_QEMU_RTC_MACHINE=
# The guest's command line, before the bench's own words; each VMM adds
# its UART's console= in front.
# shellcheck disable=SC2034
BENCH_CMDLINE="quiet panic=-1"

# ours CMDLINE
ours() {
	set -- ./vmm --kernel "$BENCH_KERNEL" --initrd initrd.cpio \
		--mem "${BENCH_MEM}M" --cmdline "console=ttyS0 $1" \
		--disk "$BENCH_DISK,ro"
	if [ -n "$BENCH_OURS_NET" ]; then
		measure ours "$@" --net "tap=$BENCH_OURS_NET"
	else
		measure ours "$@"
	fi
}

# qemu CMDLINE [vhost]: QEMU's virt machine with KVM, the host's CPU, a
# GICv3 and the modern virtio-mmio transport, like ours; the machine's
# own defaults otherwise.  One variant for a reference row, not for the
# match: vhost (the tap served by vhost-net in the kernel).
qemu() {
	name=qemu vhost=off
	[ "${2:-}" = vhost ] && name=qemu-vhost vhost=on
	set -- "console=ttyAMA0 $1" -L "$BENCH_QEMU_DATA" \
		-M "$BENCH_QEMU_MACHINE" -accel kvm -cpu host \
		-smp 1 -m "${BENCH_MEM}M" -nodefaults -no-user-config \
		-display none -serial stdio -kernel "$BENCH_KERNEL" \
		-initrd initrd.cpio -global virtio-mmio.force-legacy=false \
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
