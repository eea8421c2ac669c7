#!/bin/sh
# lab.sh — make bench where KVM is real: in the lab VM (nested KVM: the
# x86 lab VM, or the arm64 one), or on a host whose /dev/kvm is
# hardware-accelerated (engine host-kvm).  The machine file of this
# architecture (machines/$(uname -m).sh) says how each VMM is started.
#
# Boots the same guest (the lab's Debian kernel, guest/init's initramfs,
# 256 MiB, one vCPU, a read-only disk, a tap) under our VMM and under QEMU,
# BENCH_ITER times each, alternating (ours first in odd rounds, QEMU first
# in even ones, so that a drift of the machine's speed falls on both), each
# run timed and weighed from outside by the stopwatch.  Prints, for
# bench-table on the host:
#   bench-info: KEY=VALUE       the machine, the engine, the versions
#   bench: vmm=NAME KEY=VALUE   one line per run (see stopwatch.c)
#   bench-note: TEXT            what was left out, and why
#   bench-console: NAME: LINE   the guest's console in the first round
# Settings come from bench.conf (BENCH_STEP, BENCH_ITER, BENCH_READS,
# BENCH_EXITS, BENCH_NET_BYTES, BENCH_VHOST_RUNS, BENCH_RTC_RUNS,
# BENCH_INITCALLS, BENCH_MEM, BENCH_DISK_MIB, BENCH_VMMS), written by
# run-bench.
set -u
cd "$(dirname "$0")" || exit 1
# shellcheck source=/dev/null
. ./bench.conf
# shellcheck source=machines/x86_64.sh
. "./machines/$(uname -m).sh"
# This file's QEMU is the one in the bundle (see below), or the host's.

BENCH_RUN_TIMEOUT=${BENCH_RUN_TIMEOUT:-240}
BENCH_TAP='' BENCH_OURS_NET='' BENCH_NET_PORT=5201
BENCH_HOST_IP=169.254.100.1 BENCH_GUEST_IP=169.254.100.2
note() { echo "bench-note: $*"; }
info() { echo "bench-info: $1=$2"; }
[ -c /dev/kvm ] || { note "no /dev/kvm here"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

# QEMU: the copy packed into the bundle (its loader, libraries, firmware)
# in the lab VM, which has no C library; the host's own otherwise.
if [ -d qemu ]; then
	mkdir -p "$(dirname "$BENCH_QEMU_LOADER")" &&
		ln -sf "$PWD/qemu/lib/$(basename "$BENCH_QEMU_LOADER")" "$BENCH_QEMU_LOADER"
	export LD_LIBRARY_PATH="$PWD/qemu/lib"
	BENCH_QEMU=$PWD/qemu/bin/$BENCH_QEMU_NAME BENCH_QEMU_DATA=$PWD/qemu/share
else
	BENCH_QEMU=$(command -v "$BENCH_QEMU_NAME") || { note "no $BENCH_QEMU_NAME"; exit 1; }
	BENCH_QEMU_DATA=/usr/share/qemu
fi

# The disk: a file in RAM (the lab VM's root is tmpfs), so that the rows
# measure the virtio path and not a disk; made of zeroes, read-only.
BENCH_DISK=$work/disk.img
dd if=/dev/zero of="$BENCH_DISK" bs=1M count="$BENCH_DISK_MIB" 2>/dev/null ||
	{ note "cannot make the disk image"; exit 1; }

# The network: a persistent tap whose lab-VM end is BENCH_HOST_IP, made
# once; each VMM attaches to it in turn (ours with --net tap=bench0), and
# a receiver waits at this end for each run.
net_setup() {
	[ "$BENCH_NET_BYTES" -gt 0 ] || return 0
	modprobe tun 2>/dev/null
	if [ ! -c /dev/net/tun ] || ! tunctl -t bench0 >/dev/null 2>&1; then
		note "net: cannot make a tap here (no /dev/net/tun, or no CAP_NET_ADMIN)"
		return 0
	fi
	if ! { ip addr add "$BENCH_HOST_IP/16" dev bench0 && ip link set bench0 up; }; then
		note "net: cannot configure the tap"
		return 0
	fi
	BENCH_TAP=bench0
	BENCH_CMDLINE="$BENCH_CMDLINE bench.net=$BENCH_NET_BYTES bench.port=$BENCH_NET_PORT bench.host_ip=$BENCH_HOST_IP bench.guest_ip=$BENCH_GUEST_IP"
	# Our VMM gets the tap when it has a network card (its --help names
	# --net); without one its net row stays pending, and QEMU's runs.
	if ./vmm --help 2>&1 | grep -q -- '--net'; then
		BENCH_OURS_NET=$BENCH_TAP
	else
		note "net: our VMM has no --net (its --help names none): its net row is pending"
	fi
	modprobe vhost_net 2>/dev/null
	[ -c /dev/vhost-net ] || {
		note "net: no /dev/vhost-net: no vhost reference row"
		BENCH_VHOST_RUNS=0
	}
}

# measure NAME VMM [ARG]...: one run under the stopwatch, its line with
# the round's number; the end of the console when the run went wrong.
measure() {
	name=$1
	shift
	log=$work/$name-$round.log
	receiver=
	if [ -n "$BENCH_TAP" ]; then
		./tcpbench recv "$BENCH_NET_PORT" >"$work/recv.log" 2>&1 &
		receiver=$!
	fi
	line=$(./stopwatch --name "$name" --ram $((BENCH_MEM * 1048576)) \
		--log "$log" --timeout "$BENCH_RUN_TIMEOUT" -- "$@")
	echo "$line round=$round"
	if [ -n "$receiver" ]; then
		kill "$receiver" 2>/dev/null
		wait "$receiver" 2>/dev/null
	fi
	case "$line" in
	*" exit=0 "*" done_us="*)
		# The first round's console, for the reader (quiet: short).
		[ "$round" = 1 ] && head -n 60 "$log" | tr -d '\r' |
			sed "s/^/bench-console: $name: /"
		;;
	*)
		note "$name, round $round, went wrong; the end of its console:"
		tail -n 20 "$log" | tr -d '\r' | sed "s/^/bench-log: $name: /"
		;;
	esac
}

base=$BENCH_CMDLINE
net_setup
cmdline="$BENCH_CMDLINE bench.reads=$BENCH_READS bench.exits=$BENCH_EXITS"
info arch "$(uname -m)"
# shellcheck disable=SC2153 # from bench.conf
info step "$BENCH_STEP"
info engine "${LAB_ENGINE:-unknown}"
info lab_kernel "$(uname -r)"
info lab_cpus "$(nproc)"
info lab_cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
info qemu "$("$BENCH_QEMU" --version | head -n 1)"
info qemu_machine "$BENCH_QEMU_MACHINE"
info guest_mem_mib "$BENCH_MEM"
info cmdline "$cmdline"
info rounds "$BENCH_ITER"

# The VMMs of BENCH_VMMS in order in odd rounds, in reverse in even ones.
reversed=
for v in $BENCH_VMMS; do reversed="$v $reversed"; done
round=1
while [ "$round" -le "$BENCH_ITER" ]; do
	order=$BENCH_VMMS
	[ $((round % 2)) -eq 0 ] && order=$reversed
	for v in $order; do
		"$v" "$cmdline"
	done
	round=$((round + 1))
done
# vhost-net: QEMU's reference row for the network, not part of the match.
round=1
while [ -n "$BENCH_TAP" ] && [ "$round" -le "$BENCH_VHOST_RUNS" ]; do
	qemu "$cmdline" vhost
	round=$((round + 1))
done
# QEMU's microvm with its RTC (x86): the boot without the CMOS probe that
# its default (no RTC under KVM, yet none ruled out in its ACPI tables)
# makes Linux poll.  The guest only boots (no measurements after /init).
# A machine without such a variant (arm64's virt) has no BENCH_QEMU_RTC_MACHINE.
round=1
while [ -n "$BENCH_QEMU_RTC_MACHINE" ] && [ "$round" -le "$BENCH_RTC_RUNS" ]; do
	qemu "$base" rtc
	round=$((round + 1))
done
# One run each with initcall_debug, for the breakdown of the kernel's
# init: which initcalls take the time (in the kernel's log, not on the
# console; not part of the boot rows, it slows the boot a little).
if [ "$BENCH_INITCALLS" -gt 0 ]; then
	round=initcalls
	initcalls="$base initcall_debug log_buf_len=4M"
	for v in $BENCH_VMMS; do
		"$v" "$initcalls"
	done
fi
echo "bench-end: rounds=$BENCH_ITER"
