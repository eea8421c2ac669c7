#!/bin/sh
# lab.sh — step07-virtio where KVM is real: inside the lab VM (nested KVM
# on QEMU TCG's emulated SVM) or on a host with hardware-accelerated KVM.
#
# First step06's flat guests, unchanged in what they must do: two hello
# VMs at once, the hostile guest, a triple fault, two guests stopped by
# their time budget, and the vmm parent killed alone (its VM processes
# die with it).  Then Linux, the lab's own Debian kernel with the
# initramfs of guests/linux, seven boots:
#   blk    serial console, the whole boot log; a line through stdin; an
#          ext4 disk written, a read-only raw disk read and refused a
#          write; poweroff -f: exit status 0.  debugfs then reads the
#          ext4 image here, outside the guest, and checksums it.
#   hvc0   console=hvc0 (--console virtio): a line through stdin into the
#          virtio console; reboot -f: exit status 4.
#   kill9  a file written and fsync'ed; when the boot timer says so, the
#          vmm is killed with SIGKILL; the data is on the image.  The
#          VMM's memory is measured then (smaps_rollup).
#   panic  echo c >/proc/sysrq-trigger: pvpanic, exit status 5.
#   smp    --cpus 2: the guest starts its second CPU (INIT, SIPI through
#          KVM's local APIC), writes to its disk which CPUs are online,
#          CPUID leaf 0BH as each CPU sees it (/dev/cpu/N/cpuid) and
#          where a job pinned to each CPU ran; poweroff -f from one vCPU
#          ends both: exit status 0.  debugfs reads the file here.
#   budget --cpus 2 --timeout 2: both vCPU threads stopped, status 3.
#   net    --net tap=vmtap0, a tap made here (net/net-host.sh) with
#          169.254.10.1/16: the guest takes 169.254.10.2, pings, sends
#          guest.bin over TCP, receives host.bin (busybox nc both ways);
#          the file it sent compared here byte for byte, the one it
#          received by the size and SHA-256 it computed; reboot -f.
# The other boots run on one vCPU, the default.
# The verdict:
#   step07-virtio: PASS linux=R init_ms=N devices=serial,virtio-console,
#   virtio-blk,virtio-net blk=verified kill9=verified net=verified cpus=2
#   engine=E
# Every value comes from a VMM's report file (--report), which only the
# VMM writes, or from a check this script made (debugfs, sha256sum):
# never from the console, where guests print too.
set -u
cd "$(dirname "$0")" || exit 1
step=step07-virtio
# The engine that runs this script, as the lab names it (qemu-tcg or
# qemu-kvm in the lab VM; host-kvm on a host with accelerated KVM).
engine=${LAB_ENGINE:-unknown}
fail() {
	echo "$step: FAIL reason=$1"
	exit 1
}
[ -c /dev/kvm ] || fail no-dev-kvm
out=$(mktemp) || fail mktemp

# run ARGS... — run the vmm with a report file; show what it printed, its
# exit status and its report.  The status is in $st.  The hostile guest's
# output flood (thousands of lines of '~') is shown as one line that
# counts them.
run() {
	rm -f report.txt
	echo "\$ ./vmm --report report.txt $*"
	./vmm --report report.txt "$@" >"$out" 2>&1
	st=$?
	awk '/^\[VM [0-9]+\] guest: ~+$/ { n++; next }
	     n { print "(" n " lines of the output flood, all ~, not shown)"; n = 0 }
	     { print }
	     END { if (n) print "(" n " lines of the output flood, all ~, not shown)" }' "$out"
	echo "(exit status $st)"
	echo "(report.txt: $(tr '\n' ' ' <report.txt 2>/dev/null | sed 's/ $//'))"
}
# report KEY — a value from the VMM's report file.
report() { sed -n "s/^$1=//p" report.txt 2>/dev/null; }

run --vms 2 --stats hello.bin
[ $st -eq 0 ] || fail "hello-exit-status-$st"
for k in 1 2; do
	[ "$(report vm$k.end)" = exited ] && [ "$(report vm$k.status)" = 0 ] ||
		fail "vm-$k-did-not-exit-0"
done

run --stats hostile.bin
[ $st -eq 0 ] || fail "hostile-exit-status-$st"

run triple_fault.bin
[ $st -eq 1 ] && [ "$(report vm1.last_exit)" = KVM_EXIT_SHUTDOWN ] ||
	fail triple-fault-not-reported

run --timeout 1 runaway.bin
[ $st -eq 3 ] && [ "$(report vm1.end)" = over-budget ] ||
	fail runaway-not-stopped

run --timeout 1 busy.bin
[ $st -eq 3 ] && [ "$(report vm1.end)" = over-budget ] ||
	fail busy-guest-not-stopped

# vm_processes — how many VM processes live: processes named vmm that are
# not zombies (a zombie has died; its parent, now init, has not reaped it).
vm_processes() {
	cat /proc/[0-9]*/stat 2>/dev/null |
		awk '$2 == "(vmm)" && $3 != "Z" { n++ } END { print n + 0 }'
}

# orphans SIGNAL — start two VMs that never stop, kill the vmm parent
# alone with SIGNAL once both guests run (three vmm processes), and count
# the VM processes left.
orphans() {
	echo "\$ ./vmm --vms 2 --timeout 60 runaway.bin &   # then: kill -$1 (the parent only)"
	: >"$out" # now: the job's own redirection may come after the loop below
	./vmm --vms 2 --timeout 60 runaway.bin >>"$out" 2>&1 &
	parent=$!
	i=0
	while [ "$(grep -c 'guest: runaway: spinning' "$out")" -lt 2 ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(vm_processes)" -eq 3 ] || fail "vms-not-running-before-SIG$1"
	kill "-$1" "$parent"
	wait "$parent" 2>/dev/null # not the shell's own word on the signal
	i=0
	while [ "$(vm_processes)" -gt 0 ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	left=$(vm_processes)
	echo "(the vmm parent killed by SIG$1: $left VM processes left)"
	[ "$left" -eq 0 ] || fail "vms-outlived-parent-killed-by-$1"
}
orphans TERM
orphans HUP
orphans KILL


rm -f "$out" report.txt

# --- Linux -----------------------------------------------------------------
# A Linux guest takes 5 to 40 s to boot here (nested emulation, and how
# busy the machine is); --timeout is only the backstop.
linux_timeout=300

# linux_start NAME ARGS... — boot the lab kernel with the test NAME
# (step07=NAME on its command line), its report in NAME.report, stdin
# from a FIFO this script holds open (fd 3) until linux_end.
linux_start() {
	name=$1
	shift
	rm -f "$name.report" stdin.fifo
	mkfifo stdin.fifo || fail mkfifo
	echo "\$ ./vmm --kernel bzImage --initrd initramfs.cpio --timeout $linux_timeout --report $name.report $*"
	./vmm --kernel bzImage --initrd initramfs.cpio --timeout $linux_timeout \
		--report "$name.report" "$@" <stdin.fifo &
	pid=$!
	exec 3>stdin.fifo
}

# key NAME KEY — a value from the VMM's report NAME.report.
key() { sed -n "s/^$2=//p" "$1.report" 2>/dev/null | tail -n 1; }

# wait_for NAME KEY — until the report has KEY (the VMM wrote it) or the
# VMM ended; false if it ended first.
wait_for() {
	while [ -z "$(key "$1" "$2")" ]; do
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.2
	done
}

# linux_end NAME — stdin ends, the VMM ends; its status in $st; the
# report shown.
linux_end() {
	exec 3>&-
	{ wait "$pid"; } 2>/dev/null # not the shell's own word on a signal
	st=$?
	rm -f stdin.fifo
	echo "(exit status $st)"
	echo "($1.report: $(tr '\n' ' ' <"$1.report" | sed 's/ $//'))"
}

# debugfs IMAGE CMD — e2fsprogs' debugfs from the bundle, through the
# dynamic loader named explicitly: the lab VM has no C library.
debugfs() {
	e2fs/ld-linux-x86-64.so.2 --library-path e2fs e2fs/debugfs "$@"
}
# sum — the SHA-256 of stdin.
sum() { sha256sum | cut -d ' ' -f 1; }

# 1. The serial console, the whole boot log; the disks; poweroff.
line="a line for the guest, from the lab"
cp ext4.img blk.img
linux_start blk --cmdline "step07=blk panic=-1" --disk blk.img \
	--disk raw.img,ro --stats
wait_for blk mark3_ms && echo "$line" >&3
linux_end blk
[ $st -eq 0 ] && [ "$(key blk end)" = powered-off ] || fail "poweroff-exit-status-$st"
init_ms=$(key blk init_ms)
linux=$(key blk kernel)
[ -n "$init_ms" ] || fail blk-no-init-mark
[ "$(key blk serial.tx_bytes)" -gt 0 ] || fail serial-no-output
echo "\$ debugfs -R 'ls -l' blk.img; cat and checksum what the guest wrote"
debugfs -R "ls -l" blk.img 2>/dev/null | grep -v '^debugfs'
seq_sum=$(debugfs -R "cat /seq.txt" blk.img 2>/dev/null | sum)
sectors_sum=$(debugfs -R "cat /sectors.bin" blk.img 2>/dev/null | sum)
ro_error=$(debugfs -R "cat /ro.txt" blk.img 2>/dev/null | head -n 1)
console_line=$(debugfs -R "cat /console.txt" blk.img 2>/dev/null)
echo "(seq.txt: $seq_sum; seq 1 20000 here: $(seq 1 20000 | sum))"
echo "(sectors.bin: $sectors_sum; sectors 2048-2303 of raw.img, from the host: $(cat raw-sectors.sha256))"
echo "(ro.txt: $ro_error)"
echo "(console.txt: $console_line)"
[ "$seq_sum" = "$(seq 1 20000 | sum)" ] || fail blk-file-differs
[ "$sectors_sum" = "$(cat raw-sectors.sha256)" ] || fail blk-sectors-differ
[ "$ro_error" = "dd: error writing '/dev/vdb': Operation not permitted" ] ||
	fail blk-ro-write-not-refused
[ "$(key blk disk1.bytes_written)" = 0 ] || fail blk-ro-disk-written
[ "$console_line" = "$line" ] || fail serial-input-lost
[ "$(key blk disk0.flushes)" -gt 0 ] || fail blk-no-flush
blk=verified

# 2. console=hvc0 (virtio-console has stdin too); reboot.
linux_start hvc0 --console virtio --cmdline "step07=hvc0 panic=-1 quiet"
wait_for hvc0 mark3_ms && echo "$line" >&3
linux_end hvc0
[ $st -eq 4 ] && [ "$(key hvc0 end)" = reset ] || fail "reboot-exit-status-$st"
[ -n "$(key hvc0 init_ms)" ] || fail hvc0-no-init-mark
[ "$(key hvc0 console.tx_bytes)" -gt 0 ] || fail hvc0-no-output
[ "$(key hvc0 console.rx_bytes)" = "$(key blk serial.rx_bytes)" ] || fail hvc0-input-lost

# 3. The guest writes and fsyncs, says so; the vmm dies by SIGKILL.
cp ext4.img kill9.img
linux_start kill9 --cmdline "step07=kill9 panic=-1 quiet" --disk kill9.img
wait_for kill9 mark2_ms || fail kill9-no-mark
rss=$(sed -n 's/^Rss: *\([0-9]*\) kB$/\1/p' "/proc/$pid/smaps_rollup")
guest_rss=$(awk '/^[0-9a-f]+-[0-9a-f]+ / { ram = 0 } /^Size: +262144 kB$/ { ram = 1 }
	ram && /^Rss:/ { print $2; exit }' "/proc/$pid/smaps")
echo "(the vmm, 256 MiB guest: Rss $rss kB, of it guest RAM $guest_rss kB: the VMM's own $((rss - guest_rss)) kB)"
echo "\$ kill -KILL $pid   # the vmm"
kill -KILL "$pid"
linux_end kill9
[ $st -eq 137 ] || fail "kill9-exit-status-$st"
echo "\$ debugfs -w -R journal_run kill9.img; cat and checksum kill9.txt"
debugfs -w -R journal_run kill9.img 2>/dev/null
kill9_sum=$(debugfs -R "cat /kill9.txt" kill9.img 2>/dev/null | sum)
echo "(kill9.txt: $kill9_sum; seq 1 30000 here: $(seq 1 30000 | sum))"
[ "$kill9_sum" = "$(seq 1 30000 | sum)" ] || fail kill9-data-lost
kill9=verified

# 4. A panic, reported through pvpanic.
linux_start panic --cmdline "step07=panic panic=-1 quiet"
linux_end panic
[ $st -eq 5 ] && [ "$(key panic end)" = panicked ] || fail "panic-exit-status-$st"

# 5. Two vCPUs: both online in the guest, a job on each.
cp ext4.img smp.img
linux_start smp --cpus 2 --cmdline "step07=smp panic=-1" --disk smp.img
linux_end smp
[ $st -eq 0 ] && [ "$(key smp end)" = powered-off ] || fail "smp-exit-status-$st"
[ "$(key smp cpus)" = 2 ] || fail smp-not-2-vcpus
echo "\$ debugfs -R 'cat /smp.txt' smp.img"
smp_txt=$(debugfs -R "cat /smp.txt" smp.img 2>/dev/null)
printf '%s\n' "$smp_txt" | sed 's/^/(smp.txt: /; s/$/)/'
[ "$(printf '%s\n' "$smp_txt" | grep -v '^cpuid ')" = "online 0-1
nproc 2
job 0 ran on 0
job 1 ran on 1" ] || fail smp-guest-did-not-use-2-cpus
# Leaf 0BH as each vCPU executed CPUID: EAX EBX ECX EDX of sub-leaf 0
# (SMT: 1 thread, shift 0), 1 (core: 2 cores, shift 1), 2 (type 0),
# EDX the x2APIC ID.
[ "$(printf '%s\n' "$smp_txt" | grep '^cpuid ')" = "cpuid 0BH.0 cpu0: 00000000 00000001 00000100 00000000
cpuid 0BH.1 cpu0: 00000001 00000002 00000201 00000000
cpuid 0BH.2 cpu0: 00000000 00000000 00000002 00000000
cpuid 0BH.0 cpu1: 00000000 00000001 00000100 00000001
cpuid 0BH.1 cpu1: 00000001 00000002 00000201 00000001
cpuid 0BH.2 cpu1: 00000000 00000000 00000002 00000001" ] || fail smp-cpuid-topology
cpus=2

# 6. Two vCPUs out of time: the alarm lands on one vCPU's thread, that
# one stops the run and kicks the other (still waiting for its SIPI, or
# running): both threads end, and the VMM with status 3.
linux_start budget --cpus 2 --timeout 2 --cmdline "step07=budget panic=-1 quiet"
linux_end budget
[ $st -eq 3 ] && [ "$(key budget end)" = over-budget ] || fail "smp-budget-exit-status-$st"


# 7. virtio-net on a tap: a file each way over TCP.
. ./net-host.sh
net_host_up vmtap0 169.254.10.1/16 || fail net-no-tap
net_host_listen from_guest.bin
echo "\$ ./vmm --kernel bzImage --initrd initramfs.cpio --timeout $linux_timeout --report net.report --cmdline 'step07=net panic=-1 quiet' --net tap=vmtap0 --stats"
./vmm --kernel bzImage --initrd initramfs.cpio --timeout $linux_timeout \
	--report net.report --cmdline "step07=net panic=-1 quiet" \
	--net tap=vmtap0 --stats </dev/null >net.log 2>&1 &
pid=$!
net_host_send net.log 169.254.10.2 host.bin
{ wait "$pid"; } 2>/dev/null
st=$?
cat net.log
echo "(exit status $st)"
echo "(net.report: $(tr '\n' ' ' <net.report | sed 's/ $//'))"
[ $st -eq 4 ] && [ "$(key net end)" = reset ] || fail "net-exit-status-$st"
[ "$(net_marker net.log eth0 driver)" = virtio_net ] || fail net-no-virtio-net
# Each file's bytes went through the card (and headers, pings and ACKs).
[ "$(key net net.tx_bytes)" -gt "$(stat -c %s guest.bin)" ] || fail net-tx-bytes
[ "$(key net net.rx_bytes)" -gt "$(stat -c %s host.bin)" ] || fail net-rx-bytes
[ "$(key net net.dropped)" = 0 ] || fail net-dropped
checked=$(net_host_check net.log from_guest.bin guest.bin host.bin)
echo "($checked)"
[ "$checked" = net=verified ] || fail "${checked#net=failed reason=}"
net=verified


rm -f blk.img kill9.img smp.img ./*.report net.log from_guest.bin net-hold
devices=serial,virtio-console,virtio-blk,virtio-net
echo "$step: PASS linux=$linux init_ms=$init_ms devices=$devices blk=$blk kill9=$kill9 net=$net cpus=$cpus engine=$engine"
