#!/bin/sh
# lab-arm64.sh — step08-arm64-hvf's arm64 half, in the arm64 lab VM
# (Debian's 6.12 arm64 kernel with KVM at EL2: engine qemu-tcg-arm64, or
# host-kvm on an arm64 host).  The bundle names it lab.sh.
#
# The arm64 VMM on its kvm-arm64 backend boots the same Debian kernel as
# an L2 guest with the initramfs of guests/linux-arm64, 2 vCPUs, a
# writable raw disk (blk.img), a read-only one (raw.img) and a network
# card on the tap vmtap0, made here with 169.254.10.1/16 (step07's
# net/net-host.sh): the guest copies 256 sectors from one disk to the
# other; takes 169.254.10.2, pings, sends guest.bin over TCP and
# receives host.bin (busybox nc both ways); and powers off.  Then, here,
# outside the guest: the copy's checksum against the one the host
# computed when it made raw.img, raw.img unchanged, the file the guest
# sent compared byte for byte, the one it received by the size and
# SHA-256 it computed, and the card's counts in the report (more bytes
# each way than the file, nothing dropped).  One boot for both: an L2
# boot costs 10 to 30 s here.  Then the
# two-VM hypercall demo (hello.bin, --vms 2: HVC #0 through KVM's SMCCC
# filter) and the probe's hostile calls, judged by the VMM's report: every
# call counted, each refusal counted as rejected.  The verdict:
#   step08-arm64-hvf: FAIL reason=arm64-half-only
#   arches=arm64 linux_arm64=R init_ms=N blk=verified net=verified cpus=2
#   vms=2 hypercalls=N backends=kvm-arm64 engine=E
# (FAIL: the step's verdict needs both halves and hvf; this run
# says what it showed and claims nothing else).  Every value comes from
# the VMM's report file or from a check made here.
set -u
cd "$(dirname "$0")" || exit 1
step=step08-arm64-hvf
engine=${LAB_ENGINE:-unknown}
fail() {
	echo "$step: FAIL reason=$1"
	exit 1
}
[ -c /dev/kvm ] || fail no-dev-kvm
. ./vmm-abi.sh
# The probe's refused calls: an unknown number, one too wide for 16
# bits, PUTS outside RAM, PUTS too long, PUTCHAR(256), and SMC #0; its
# calls in all: VMINFO, those six, the PUTCHAR with X0's upper half set,
# its PUTS lines (9) and EXIT.  HVC #0 with W0 = 0xC7000000 never reaches
# the VMM (KVM answers -1).
PROBE_REJECTED=6
PROBE_CALLS=18
key() { sed -n "s/^$1=//p" linux.report; }

rm -f blk.img && dd if=/dev/zero of=blk.img bs=1024 count=1024 2>/dev/null
raw_before=$(sha256sum raw.img | cut -d ' ' -f 1)
. ./net-host.sh
net_host_up vmtap0 169.254.10.1/16 || fail net-no-tap
net_host_listen from_guest.bin
echo "\$ ./vmm --kernel Image --initrd initramfs.cpio --cpus 2 --disk blk.img --disk raw.img,ro --net tap=vmtap0 --cmdline 'panic=-1 quiet' --timeout 300 --stats --report linux.report"
./vmm --kernel Image --initrd initramfs.cpio --cpus 2 --disk blk.img \
	--disk raw.img,ro --net tap=vmtap0 --cmdline "panic=-1 quiet" \
	--timeout 300 --stats --report linux.report </dev/null >linux.log 2>&1 &
pid=$!
# host.bin to the guest once it listens; busybox time's lines, after the
# VMM's, for the transcript.
net_host_send linux.log 169.254.10.2 host.bin >net-send.log 2>&1
{ wait "$pid"; } 2>/dev/null
st=$?
cat linux.log
echo "(exit status $st)"
echo "(linux.report: $(tr '\n' ' ' <linux.report 2>/dev/null))"
echo "(host.bin to the guest, this side's nc: $(tr '\t\n' '  ' <net-send.log | sed 's/ *$//'))"
[ $st -eq 0 ] && [ "$(key end)" = powered-off ] || fail "linux-exit-status-$st"
init_ms=$(key init_ms)
[ -n "$init_ms" ] || fail no-init-mark
cpus=$(key marks | tr ',' '\n' | awk -v base="$MARK_CPUS" '$1 > base { print $1 - base }')
[ "$cpus" = 2 ] || fail "cpus-online-${cpus:-unknown}"
copy=$(dd if=blk.img bs=512 count=256 2>/dev/null | sha256sum | cut -d ' ' -f 1)
echo "(blk.img sectors 0..255: $copy; raw.img sectors 2048..2303, by the host: $(cat raw-sectors.sha256))"
[ "$copy" = "$(cat raw-sectors.sha256)" ] || fail blk-copy-differs
[ "$(sha256sum raw.img | cut -d ' ' -f 1)" = "$raw_before" ] || fail ro-disk-written
blk=verified
# The network, as step07's lab checks it: the card was virtio_net's, each
# file's bytes went through it (and headers, pings and ACKs), nothing
# was dropped, and both files arrived whole.
[ "$(net_marker linux.log eth0 driver)" = virtio_net ] || fail net-no-virtio-net
[ "$(key net.tx_bytes)" -gt "$(stat -c %s guest.bin)" ] || fail net-tx-bytes
[ "$(key net.rx_bytes)" -gt "$(stat -c %s host.bin)" ] || fail net-rx-bytes
[ "$(key net.dropped)" = 0 ] || fail net-dropped
checked=$(net_host_check linux.log from_guest.bin guest.bin host.bin)
echo "($checked)"
[ "$checked" = net=verified ] || fail "${checked#net=failed reason=}"
net=verified
rm -f linux.log net-send.log from_guest.bin net-hold

# The two-VM hypercall demo: step06's hello.c built for arm64, two VMs in
# two processes, each calling the VMM with HVC #0 (KVM's SMCCC filter
# forwards 0xC6000000..0xC600FFFF); then the probe's hostile calls.
rkey() { sed -n "s/^$1=//p" report.txt; }
for guest in "--vms 2 --stats hello.bin" "--stats probe_arm64.bin"; do
	echo "\$ ./vmm --report report.txt $guest"
	# shellcheck disable=SC2086 # the arguments are words
	./vmm --report report.txt $guest </dev/null
	st=$?
	echo "(exit status $st)"
	echo "(report.txt: $(tr '\n' ' ' <report.txt 2>/dev/null))"
	case $guest in
	*hello*)
		[ $st -eq 0 ] || fail "hello-exit-status-$st"
		for k in 1 2; do
			[ "$(rkey vm$k.end)" = exited ] && [ "$(rkey vm$k.hypercalls)" = 1011 ] &&
				[ "$(rkey vm$k.rejected)" = 0 ] || fail "hello-vm$k"
		done
		vms=$(rkey vms)
		hypercalls=$(rkey hypercalls)
		;;
	*probe*)
		[ $st -eq 0 ] && [ "$(rkey vm1.end)" = exited ] || fail "probe-exit-status-$st"
		[ "$(rkey vm1.hypercalls)" = "$PROBE_CALLS" ] && [ "$(rkey vm1.rejected)" = "$PROBE_REJECTED" ] ||
			fail "probe-calls-$(rkey vm1.hypercalls)-rejected-$(rkey vm1.rejected)"
		;;
	esac
done
# Bad input: refused with exit status 2 and one line naming the problem,
# before the hypervisor is touched.  (The arm64 VMM runs only on arm64:
# these checks are here, not in test.sh on the x86 host.)
bad() {
	echo "\$ ./vmm $*"
	./vmm "$@" </dev/null >bad.txt 2>&1
	st=$?
	cat bad.txt
	echo "(exit status $st)"
	[ $st -eq 2 ] || fail "bad-input-status-$st"
}
bad --kernel initramfs.cpio
bad --kernel Image --mem 32M
bad --kernel Image --cpus 9
bad --kernel Image --disk no-such.img
bad --kernel Image --vms 2
bad --backend kvm-x86 hello.bin
# --net: step07's parser, its refusals word for word; a tap that cannot
# be opened (lo is an interface, not a tap) is bad input too, before the
# VM is made; no window left with seven disks; no card for a flat guest.
for value in foo tap=a/b tap= tap=abcdefghijklmnop tap,mac=01:02:03:04:05:06 \
	tap,mac=zz tap,offload=maybe tap,mac=02:00:00:00:00:01,mac=02:00:00:00:00:02 \
	tap=x,color=red tap=lo; do
	bad --kernel Image --net "$value"
done
bad --kernel Image --net tap --net tap=x
bad --kernel Image --net tap --disk raw.img,ro --disk raw.img,ro --disk raw.img,ro \
	--disk raw.img,ro --disk raw.img,ro --disk raw.img,ro --disk raw.img,ro
bad --net tap hello.bin
rm -f bad.txt

echo "$step: FAIL reason=arm64-half-only arches=arm64 linux_arm64=$(key kernel) init_ms=$init_ms blk=$blk net=$net cpus=$cpus vms=$vms hypercalls=$hypercalls backends=$(key backend) engine=$engine"
