#!/bin/sh
# test.sh — step08-arm64-hvf's end-to-end checks; runs on the host.  The
# step's verdict; the x86 half: step07-virtio's checks, on the kvm-x86
# backend; the arm64 half: arm64 Linux with virtio-blk, virtio-net on a
# tap (ping, a file each way over TCP) and 2 vCPUs, the two-VM HVC demo
# and the probe's hostile calls, exact counts; the arm64 VMM's refusals,
# --net's among them; the third round: the same demo refused, exactly, on
# Debian 12's 6.1; the hvf-arm64 backend: what the run's hvf-check and
# hvf-unit showed, and, here, hvf-check failing on a broken copy of the
# declarations, the backend or the stand-in, and the arm64 VMM built as
# macOS would build it.
#
#   sh test.sh LOGFILE
#
# Asserts the exact values in the console log of `make run`: the verdict;
# step06's flat guests (what each VM printed, how the hostile guest's
# attacks were answered, how the runaway guests were stopped, the parent
# killed alone); Linux's five boots (how each ended and with which exit
# status, the VMM's reports, the checksums lab.sh compared, the error the
# read-only disk gave, the data that survived SIGKILL, the files moved
# over virtio-net and a tap).  Then, on this
# host: build/vmm with bad input, flat and Linux (it must refuse each
# with exit status 2 and a message naming the problem, before it opens
# /dev/kvm, so these checks need no KVM at all), hvf-check on broken
# copies, the bounded fuzz pass over the virtio code (fuzz-smoke), and the
# bench harness's checks with one short x86 round (bench-smoke: it boots a
# lab VM of its own).
. "$(dirname "$0")/../tests/lib.sh"
log=${1:?usage: test.sh LOGFILE}
here=$(cd "$(dirname "$0")" && pwd)
text=$(cat "$log")
# The log is the x86 half's, then the arm64 half's, then the third
# round's, then the step's verdict (run-labs.sh).  x86log: up to the x86
# half's verdict; armlog: to the arm64 half's (oldlog: below).
x86log=$(mktemp) armlog=$(mktemp)
trap 'rm -f "$x86log" "$armlog"' EXIT
awk '{ print } / reason=x86-half-only / { exit }' "$log" >"$x86log"
awk 'done { print } / reason=x86-half-only / { done = 1 } / reason=arm64-half-only / { exit }' "$log" >"$armlog"
release=$("$here/../common/lab/lab-assets" release)

# section CMD — what `./vmm --report report.txt CMD` printed in the run,
# through its exit status and its report.
section() {
	awk -v cmd="\$ ./vmm --report report.txt $1" '$0 == cmd { on = 1 } on { print } on && /^\(report\.txt:/ { exit }' "$x86log"
}
hello=$(section "--vms 2 --stats hello.bin")
hostile=$(section "--stats hostile.bin")
runaway=$(section "--timeout 1 runaway.bin")
crash=$(section "triple_fault.bin")
busy=$(section "--timeout 1 busy.bin")

# linux NAME — one Linux boot in the run, from its command line through
# its report (and what lab.sh checked after it, up to the next boot).
linux() {
	awk -v r="--report $1.report" 'index($0, "$ ./vmm --kernel") == 1 { on = index($0, r) > 0 }
		on { print }' "$x86log"
}
blk=$(linux blk)
hvc0=$(linux hvc0)
kill9=$(linux kill9)
panic=$(linux panic)
smp=$(linux smp)
budget=$(linux budget)
netboot=$(linux net)
# report NAME — NAME.report as lab.sh showed it, one line, space-separated.
report() { printf '%s\n' "$(linux "$1")" | sed -n "s/^($1\.report: \(.*\))\$/\1/p"; }

# --- the run: the step's verdict, then each half's ------------------------------
expect_eq "verdict: the step's" "$(verdict_word "$log")" PASS
expect_match "the step's verdict keys, in their order" "$(grep '^step08-arm64-hvf: ' "$log" | tail -n 1)" \
	'^step08-arm64-hvf: PASS arches=x86_64,arm64 linux_arm64=[^ ]+ init_ms=[0-9]+ blk=verified net=verified cpus=2 vms=2 hypercalls=[0-9]+ backends=kvm-x86,kvm-arm64 hvf=compiled,unit-tested engine=[a-z0-9-]+$'
expect_eq "arches: both halves ran" "$(verdict_value "$log" arches)" x86_64,arm64
expect_eq "backends: x86 on kvm-x86, arm64 on kvm-arm64 (hv.h)" "$(verdict_value "$log" backends)" kvm-x86,kvm-arm64

# The x86 half: step07's lab on the kvm-x86 backend.
expect_eq "x86: arches" "$(verdict_value "$x86log" arches)" x86_64
expect_eq "x86: backends" "$(verdict_value "$x86log" backends)" kvm-x86
expect_eq "linux: the lab kernel's release, from the bzImage" "$(verdict_value "$x86log" linux)" "$release"
expect_match "init_ms: a number of milliseconds, measured by the VMM" "$(verdict_value "$x86log" init_ms)" '^[1-9][0-9]*$'
expect_eq "init_ms: the serial boot's, from its report" "$(verdict_value "$x86log" init_ms)" \
	"$(report blk | sed -n 's/.*init_ms=\([0-9]*\).*/\1/p')"
expect_eq "devices" "$(verdict_value "$x86log" devices)" serial,virtio-console,virtio-blk,virtio-net
expect_eq "blk" "$(verdict_value "$x86log" blk)" verified
expect_eq "kill9" "$(verdict_value "$x86log" kill9)" verified
expect_eq "cpus: the guest used two vCPUs" "$(verdict_value "$x86log" cpus)" 2
expect_eq "net" "$(verdict_value "$x86log" net)" verified
expect_match "x86: the half's verdict keys, in their order" "$(grep '^step08-arm64-hvf: FAIL reason=x86-half-only ' "$x86log" | tail -n 1)" \
	'^step08-arm64-hvf: FAIL reason=x86-half-only arches=x86_64 linux=[^ ]+ init_ms=[0-9]+ devices=[^ ]+ blk=verified kill9=verified net=verified cpus=2 backends=kvm-x86 engine=[a-z-]+$'
expect_match "engine is a name LAB_ENGINE accepts for a KVM step" "$(verdict_value "$x86log" engine)" \
	'^(qemu-tcg|qemu-kvm|host-kvm)$'

# The arm64 half: arm64 Linux and the two-VM HVC demo on kvm-arm64.
arelease=$(LAB_ARCH=arm64 "$here/../common/lab/lab-assets" release)
are=$(printf '%s' "$arelease" | sed 's/[.+]/\\&/g') # as a regular expression
expect_eq "arm64: the step's values are the arm64 half's" \
	"$(verdict_value "$log" init_ms) $(verdict_value "$log" hypercalls)" \
	"$(verdict_value "$armlog" init_ms) $(verdict_value "$armlog" hypercalls)"
expect_eq "arm64: linux_arm64, the arm64 lab kernel's release, from the Image" "$(verdict_value "$armlog" linux_arm64)" "$arelease"
expect_match "arm64: init_ms, measured by the VMM's boot timer" "$(verdict_value "$armlog" init_ms)" '^[1-9][0-9]*$'
expect_eq "arm64: blk, the copy's checksum outside the guest" "$(verdict_value "$armlog" blk)" verified
expect_eq "arm64: net, both files compared outside the guest" "$(verdict_value "$armlog" net)" verified
expect_eq "arm64: cpus online (PSCI CPU_ON), a boot timer mark" "$(verdict_value "$armlog" cpus)" 2
expect_eq "arm64: vms" "$(verdict_value "$armlog" vms)" 2
expect_eq "arm64: hypercalls of the two hello VMs, 1011 each as on x86" "$(verdict_value "$armlog" hypercalls)" 2022
expect_eq "arm64: backends" "$(verdict_value "$armlog" backends)" kvm-arm64
expect_eq "arm64: engine" "$(verdict_value "$armlog" engine)" qemu-tcg-arm64
expect_match "arm64: the Linux report, the card's counts in it: the tap, nothing dropped" \
	"$(grep '^(linux.report: ' "$armlog")" \
	"^\\(linux\\.report: backend=kvm-arm64 end=powered-off status=0 last_exit=KVM_EXIT_SYSTEM_EVENT init_ms=[0-9]+ kernel=$are marks=1,18 cpus=2 hypercalls=0 rejected=0 unclaimed=0 exits\\.KVM_EXIT_MMIO=[0-9]+ exits\\.KVM_EXIT_SYSTEM_EVENT=1 net\\.tap=vmtap0 net\\.tx_packets=[0-9]+ net\\.tx_bytes=[0-9]+ net\\.rx_packets=[0-9]+ net\\.rx_bytes=[0-9]+ net\\.dropped=0 \\)$"
# More bytes each way than the 8 MiB file: the file, and the packets'
# headers, the pings and the ACKs.
for dir in tx rx; do
	bytes=$(grep '^(linux.report: ' "$armlog" | sed -n "s/.* net\\.${dir}_bytes=\\([0-9]*\\) .*/\\1/p")
	expect_eq "arm64: net.${dir}_bytes, more than the 8 MiB file" \
		"$([ "${bytes:-0}" -gt 8388608 ] && echo more || echo "${bytes:-none}")" more
done
# The network card on arm64: step07's device on window 3 (after the
# console and the two disks), SPI 16 + 3; its MAC from the tap's name.
mac=02:e3:a6:1a:95:7e
armtext=$(cat "$armlog")
expect_match "arm64 net: the VMM names the tap, the card's address and its SPI" "$armtext" \
	"^vmm: virtio-net on tap vmtap0, MAC $mac, SPI 19\$"
expect_match "arm64 net: the guest's eth0 has that address, driven by virtio_net" "$armtext" \
	"^guest: @@net:eth0 mac=$mac driver=virtio_net@@\$"
expect_match "arm64 net: ten pings to the lab VM's end, ten answers" "$armtext" \
	'^guest: @@net:ping transmitted=10 received=10@@$'
expect_match "arm64 net: the guest sent its 8 MiB file" "$armtext" '^guest: @@net:sent size=8388608 sha256=[0-9a-f]{64}@@$'
expect_match "arm64 net: the guest received 8 MiB" "$armtext" '^guest: @@net:received size=8388608 sha256=[0-9a-f]{64}@@$'
expect_match "arm64 net: the lab's nc sent host.bin, timed" "$armtext" \
	'^\(host\.bin to the guest, this side.s nc: real +[0-9]+m +[0-9.]+s user .* sys .*\)$'
expect_match "arm64 net: lab-arm64.sh compared both files" "$armtext" '^\(net=verified\)$'
expect_match "arm64 net: --stats: the card's counts, nothing dropped" "$armtext" \
	'^vmm: virtio-net: [0-9]+ packets \([0-9]+ bytes\) out, [0-9]+ \([0-9]+ bytes\) in, 0 dropped, [0-9]+ waited for buffers$'
expect_match "arm64: each hello VM said hello through HVC #0" "$(grep -c '^\[VM [12]\] guest: Hello from VM [12]$' "$armlog")" '^2$'
expect_match "arm64: the hello VMs' report" "$(grep '^(report.txt: vm1' "$armlog" | head -n 1)" \
	'vm1\.end=exited vm1\.status=0 vm1\.last_exit=KVM_EXIT_HYPERCALL vm1\.cpus=1 vm1\.hypercalls=1011 vm1\.rejected=0 vm1\.unclaimed=0 vm1\.exits\.KVM_EXIT_HYPERCALL=1011 vm2\.backend=kvm-arm64 vm2\.end=exited vm2\.status=0 vm2\.last_exit=KVM_EXIT_HYPERCALL vm2\.cpus=1 vm2\.hypercalls=1011 vm2\.rejected=0 vm2\.unclaimed=0 vm2\.exits\.KVM_EXIT_HYPERCALL=1011 vms=2 status=0 hypercalls=2022 rejected=0 \)$'
# badrun ARGS — what the arm64 VMM printed for ARGS, up to its exit status.
badrun() {
	awk -v cmd="\$ ./vmm $1" '$0 == cmd { on = 1; next } on && /^\(exit status/ { print; exit } on { print }' "$armlog"
}
expect_eq "arm64: a file that is no Image" "$(badrun '--kernel initramfs.cpio')" \
	"vmm: kernel 'initramfs.cpio': not an arm64 Image (no \"ARM\\x64\" magic at offset 56; a gzip-compressed vmlinuz must be gunzipped first)
Try 'vmm --help'.
(exit status 2)"
expect_eq "arm64: too little --mem" "$(badrun '--kernel Image --mem 32M')" \
	"vmm: bad --mem '32M': use 64M to 3G in whole 2M blocks
Try 'vmm --help'.
(exit status 2)"
expect_eq "arm64: more vCPUs than the machine has" "$(badrun '--kernel Image --cpus 9')" \
	"vmm: bad --cpus '9': use 1 to 8
Try 'vmm --help'.
(exit status 2)"
expect_eq "arm64: a disk that does not exist" "$(badrun '--kernel Image --disk no-such.img')" \
	"vmm: --disk 'no-such.img': No such file or directory
Try 'vmm --help'.
(exit status 2)"
expect_eq "arm64: --vms with a kernel" "$(badrun '--kernel Image --vms 2')" \
	"vmm: a kernel, or one flat guest without --cpus, --disk and --net; a kernel runs in one VM (no --vms)
Try 'vmm --help'.
(exit status 2)"
expect_eq "arm64: an x86 backend" "$(badrun '--backend kvm-x86 hello.bin')" \
	"vmm: --backend 'kvm-x86': not an arm64 backend of this VMM
Try 'vmm --help'.
(exit status 2)"
# --net on arm64: step07's parser, so step07's words; then what the arm64
# machine refuses.  refused_net VALUE MESSAGE — --net VALUE with a kernel.
refused_net() {
	expect_eq "arm64 --net $1: refused, exit status 2" "$(badrun "--kernel Image --net $1")" \
		"vmm: $2
Try 'vmm --help'.
(exit status 2)"
}
refused_net foo "bad --net 'foo': 'foo': the only backend is a tap (tap or tap=NAME)"
refused_net tap=a/b "bad --net 'tap=a/b': interface name 'a/b' holds '/' (not allowed: / : % and spaces)"
refused_net tap= "bad --net 'tap=': the interface name is empty (for a name the kernel chooses, say tap)"
refused_net tap=abcdefghijklmnop \
	"bad --net 'tap=abcdefghijklmnop': interface name 'abcdefghijklmnop' is longer than 15 characters"
refused_net tap,mac=01:02:03:04:05:06 \
	"bad --net 'tap,mac=01:02:03:04:05:06': mac 01:02:03:04:05:06 is a multicast address, not a card's"
refused_net tap,mac=zz "bad --net 'tap,mac=zz': mac 'zz' is not six hexadecimal octets separated by ':'"
refused_net tap,offload=maybe "bad --net 'tap,offload=maybe': offload='maybe': on or off"
refused_net tap,mac=02:00:00:00:00:01,mac=02:00:00:00:00:02 \
	"bad --net 'tap,mac=02:00:00:00:00:01,mac=02:00:00:00:00:02': mac= is given twice"
refused_net tap=x,color=red "bad --net 'tap=x,color=red': unknown setting 'color=red' (known: mac=, offload=)"
# lo is an interface, not a tap: TUNSETIFF refuses it, before any VM.
refused_net tap=lo "--net 'tap=lo': TUNSETIFF: Invalid argument (an interface of that name exists and is not a tap)"
expect_eq "arm64 --net twice" "$(badrun '--kernel Image --net tap --net tap=x')" \
	"vmm: more than one --net: this machine has one network card
Try 'vmm --help'.
(exit status 2)"
expect_eq "arm64 --net and seven disks: no window left" \
	"$(badrun '--kernel Image --net tap --disk raw.img,ro --disk raw.img,ro --disk raw.img,ro --disk raw.img,ro --disk raw.img,ro --disk raw.img,ro --disk raw.img,ro')" \
	"vmm: --net and 7 --disk: no virtio-mmio window is left for the network card (8 in all, one the console's)
Try 'vmm --help'.
(exit status 2)"
expect_eq "arm64 --net for a flat guest" "$(badrun '--net tap hello.bin')" \
	"vmm: a kernel, or one flat guest without --cpus, --disk and --net; a kernel runs in one VM (no --vms)
Try 'vmm --help'.
(exit status 2)"
expect_match "arm64: the probe's hostile calls: 18 calls, 6 refused" "$(grep '^(report.txt: vm1' "$armlog" | tail -n 1)" \
	'vm1\.end=exited vm1\.status=0 vm1\.last_exit=KVM_EXIT_HYPERCALL vm1\.cpus=1 vm1\.hypercalls=18 vm1\.rejected=6 vm1\.unclaimed=0 vm1\.exits\.KVM_EXIT_HYPERCALL=18 vms=1 status=0 hypercalls=18 rejected=6 \)$'

# --- the third round: the arm64 VMM on Debian 12's own 6.1 (no SMCCC filter) ----
# lab-arm64-old.sh in the arm64 lab VM on bookworm's 6.1 cloud kernel
# (LAB_ARM64_KERNEL_SUITE=bookworm): the HVC demo and the probe must each
# say, exactly, that this KVM cannot hand HVC to the VMM, exit 4 and run
# no VM.  oldlog: from lab-run's boot line naming that kernel to the
# round's verdict.
oldrel=$(LAB_ARCH=arm64 LAB_ARM64_KERNEL_SUITE=bookworm "$here/../common/lab/lab-assets" release)
ore=$(printf '%s' "$oldrel" | sed 's/[.+]/\\&/g')
cache=$(. "$here/../common/lab/config" && echo "$LAB_CACHE")
oldlog=$(awk -v b="lab: booting a qemu-tcg-arm64 VM: 1 CPU, 256 MiB, Debian kernel $oldrel " \
	'index($0, b) == 1 { on = 1 } on { print } on && / reason=old-kernel-only / { exit }' "$log")
expect_match "old: the kernel is Debian 12's own 6.1, cloud flavour" "$oldrel" '^6\.1\.0-[0-9]+-cloud-arm64$'
expect_eq "old: its release is pinned apart; the 6.12 lab's pin is unchanged" \
	"$(cat "$cache/release-cloud-arm64-bookworm") $(cat "$cache/release-cloud-arm64")" "$oldrel $arelease"
expect_match "old: lab-run booted it in the arm64 lab VM, even where host-kvm serves the other rounds" "$oldlog" \
	"^lab: booting a qemu-tcg-arm64 VM: 1 CPU, 256 MiB, Debian kernel $ore \\(time-out [0-9]+ s\\)\$"
expect_match "old: and reached init (the L1 boot time, measured by lab-run)" "$oldlog" '^lab: init reached after [0-9]+\.[0-9] s$'
# oldrun CMD — what `./vmm --report report.txt CMD` printed in the round,
# through its report, sorted (the two VMs' lines come in either order).
oldrun() {
	printf '%s\n' "$oldlog" | awk -v cmd="\$ ./vmm --report report.txt $1" \
		'$0 == cmd { on = 1 } on { print } on && /^\(report\.txt:/ { exit }' | sort
}
# Where the VMM loads a flat guest (arch/arm64/machine.h).
load=$(sed -n 's/^#define MACHINE_GUEST_LOAD_ADDR[ 	]*\(0x[0-9a-f]*\).*/\1/p' "$here/arch/arm64/machine.h")
# refusal K — the line VM K prints: the probe's answer, the release.
refusal() {
	printf "[VM %s] vmm: this host's hypervisor cannot hand HVC to the VMM (KVM_HAS_DEVICE_ATTR(KVM_ARM_VM_SMCCC_FILTER) answered EINVAL): KVM_ARM_VM_SMCCC_FILTER needs Linux 6.4 or later, and this is %s\n" "$1" "$oldrel"
}
expect_eq "old: the two-VM demo: each VM refused after the probe (EINVAL), exit status 4, no VM in the report" \
	"$(oldrun '--vms 2 hello.bin')" "$({
		echo "\$ ./vmm --report report.txt --vms 2 hello.bin"
		echo "vmm: loaded hello.bin ($(wc -c <"$here/build/arm64/hello.bin") bytes) at $load"
		refusal 1
		refusal 2
		echo "vmm: VM 1 exited with status 4"
		echo "vmm: VM 2 exited with status 4"
		echo "vmm: all VMs: hypercalls: 0, rejected: 0"
		echo "(exit status 4)"
		echo "(report.txt: vms=2 status=4 hypercalls=0 rejected=0 )"
	} | sort)"
expect_eq "old: the probe's hostile calls: refused the same way before any ran" \
	"$(oldrun 'probe_arm64.bin')" "$({
		echo "\$ ./vmm --report report.txt probe_arm64.bin"
		echo "vmm: loaded probe_arm64.bin ($(wc -c <"$here/build/arm64/probe_arm64.bin") bytes) at $load"
		refusal 1
		echo "vmm: VM 1 exited with status 4"
		echo "vmm: all VMs: hypercalls: 0, rejected: 0"
		echo "(exit status 4)"
		echo "(report.txt: vms=1 status=4 hypercalls=0 rejected=0 )"
	} | sort)"
expect_eq "old: the round's verdict: refused, what KVM answered, the status, no VM ran" \
	"$(printf '%s\n' "$oldlog" | grep ' reason=old-kernel-only ')" \
	"step08-arm64-hvf: FAIL reason=old-kernel-only arches=arm64 linux_arm64=$oldrel hvc=refused answered=EINVAL status=4 vms_ran=0 engine=qemu-tcg-arm64"
expect_no_match "old: the step's verdict does not name the round as failed" "$(verdict "$log")" ' reason=arm64-old-kernel-failed '

# --- step06's flat guests, unchanged ---------------------------------------------

for k in 1 2; do
	expect_match "VM $k says hello, its line marked as the guest's" "$hello" \
		"^\[VM $k\] guest: Hello from VM $k\$"
	expect_match "VM $k counts to 5" "$hello" "^\[VM $k\] guest: VM $k counts 5 of 5\$"
	expect_match "VM $k times its round trips" "$hello" \
		"^\[VM $k\] guest: VM $k: 1000 GETTIME round trips, mean [0-9]+ ns \(guest to VMM and back\)\$"
	expect_match "VM $k: the VMM counts each GETTIME" "$hello" \
		"^\[VM $k\] vmm: GETTIME +1002 +0 +[0-9]+\$"
	expect_match "the parent reports VM $k's exit status" "$hello" \
		"^vmm: VM $k exited with status 0\$"
done
expect_match "--stats: exits per reason" "$hello" '^\[VM 1\] vmm: exits: KVM_EXIT_IO=1011$'
expect_match "--stats: the table's header" "$hello" \
	'^\[VM 1\] vmm: hypercall +calls +rejected +mean ns$'
expect_match "hello: the parent's own totals" "$hello" \
	'^vmm: all VMs: hypercalls: 2022, rejected: 0$'
expect_match "hello: the report: each VM's, then the totals" "$hello" \
	'^\(report\.txt: vm1\.end=exited vm1\.status=0 vm1\.last_exit=KVM_EXIT_IO vm1\.hypercalls=1011 vm1\.rejected=0 vm1\.output_dropped=0 vm2\.end=exited vm2\.status=0 vm2\.last_exit=KVM_EXIT_IO vm2\.hypercalls=1011 vm2\.rejected=0 vm2\.output_dropped=0 vms=2 status=0 hypercalls=2022 rejected=0\)$'

expect_match "hostile: every bad call before the output flood rejected with the right error" "$hostile" \
	'^\[VM 1\] guest: hostile: 10023 bad calls rejected as they should be, 0 not; now the output flood$'
expect_match "hostile: unknown numbers counted, -EINVAL from an OUTSB too" "$hostile" \
	'^\[VM 1\] vmm: \(unknown\) +3339 +3339 +[0-9]+$'
expect_match "hostile: 2- and 4-byte OUT, 1- and 4-byte IN, and 3 + 1 + 1 OUTSB bytes at the doorbell refused" "$hostile" \
	'^\[VM 1\] vmm: \(not OUT AL\) +9 +9 +[0-9]+$'
expect_match "hostile: PUTS 3341 attacks + 3 forged lines + 257 flood calls, the last one -ENOSPC" "$hostile" \
	'^\[VM 1\] vmm: PUTS +3601 +3340 +[0-9]+$'
expect_match "hostile: PUTCHAR(256) -EINVAL, then -ENOSPC once the budget is spent" "$hostile" \
	'^\[VM 1\] vmm: PUTCHAR +2 +2 +[0-9]+$'
expect_match "hostile: the VMM kept running to the guest's EXIT(0)" "$hostile" \
	'^\[VM 1\] vmm: hypercalls: 10291, rejected: 10028$'
expect_match "hostile: exits: 10291 at the doorbell + 52 console-port bytes; 100 writes and 100 reads of no memory" "$hostile" \
	'^\[VM 1\] vmm: exits: KVM_EXIT_IO=10343 KVM_EXIT_MMIO=200$'
expect_eq "hostile: only the first 8 of 200 MMIO exits are noted" \
	"$(printf '%s\n' "$hostile" | grep -c '^\[VM 1\] vmm: unhandled MMIO \(write\|read\) of 8 bytes at 0x2000[0-9a-f][0-9a-f]$')" 8
expect_match "hostile: then one line says the rest are not shown" "$hostile" \
	'^\[VM 1\] vmm: \(further notes like these are not shown; the exit counts have them all\)$'
expect_match "hostile: reads from no memory returned all ones: the guest exits 0" "$hostile" \
	'^\(exit status 0\)$'
expect_no_match "hostile: no attack answered wrongly" "$hostile" '^\[VM 1\] guest: hostile: .*: got '
expect_no_match "hostile: no string OUT at the doorbell made a call (PUTCHAR 'Z')" "$hostile" 'Z'
expect_match "hostile: escape sequences through port 0xE9 arrive defused" "$hostile" \
	'^\[VM 1\] guest: \.\[7mhostile: escape sequences through port 0xE9\.\[0m$'
expect_no_match "no ESC or CR byte reaches the terminal" "$text" "$(printf '[\033\r]')"
expect_no_match "no guest line passes for the VMM's statistics" "$text" \
	'^\[VM [0-9]+\] vmm: hypercalls: 999999'
expect_eq "hostile: its imitations stay the guest's: plain, after 1024 bytes, behind erase-line and CR" \
	"$(printf '%s\n' "$hostile" | grep -c '^\[VM 1\] guest: \(\.\[2K\.\)\{0,1\}vmm: hypercalls: 999999, rejected: 999999$')" 3
expect_eq "hostile: the 1024-byte line goes on in lines of 256, each marked" \
	"$(printf '%s\n' "$hostile" | grep -c '^\[VM 1\] guest: -\{256\}$')" 4
expect_match "hostile: the flood printed 1 MiB - 1348 bytes: 16363 lines, the last one cut" "$hostile" \
	'^\(16363 lines of the output flood, all ~, not shown\)$'
expect_match "hostile: the budget is spent; 1348 + 1 + 1 bytes dropped" "$hostile" \
	'^\[VM 1\] vmm: console: the budget of 1048576 bytes is spent; 1350 bytes dropped$'
expect_match "hostile: the report has the VMM's counts, not the guest's" "$hostile" \
	'^\(report\.txt: vm1\.end=exited vm1\.status=0 vm1\.last_exit=KVM_EXIT_IO vm1\.hypercalls=10291 vm1\.rejected=10028 vm1\.output_dropped=1350 vms=1 status=0 hypercalls=10291 rejected=10028\)$'
expect_match "triple fault: KVM_EXIT_SHUTDOWN on a line of its own after the guest's unfinished one" "$crash" \
	'^\[VM 1\] vmm: KVM_EXIT_SHUTDOWN: the guest triple-faulted$'
expect_match "triple fault: the guest's imitation is marked as the guest's, defused" "$crash" \
	'^\[VM 1\] guest: \.\[2K\.vmm: long mode guest halted: result=1$'
expect_match "triple fault: the registers are dumped" "$crash" \
	'^\[VM 1\] vmm:   rip [0-9a-f]{16}  rsp [0-9a-f]{16}  rflags [0-9a-f]{8}$'
expect_match "triple fault: the VM's status is 1" "$crash" '^vmm: VM 1 exited with status 1$'
expect_match "triple fault: the report names the exit" "$crash" \
	'^\(report\.txt: vm1\.end=failed vm1\.status=1 vm1\.last_exit=KVM_EXIT_SHUTDOWN vm1\.hypercalls=0 vm1\.rejected=0 vm1\.output_dropped=0 vms=1 status=1 hypercalls=0 rejected=0\)$'
expect_match "runaway: stopped by the time budget" "$runaway" \
	'^\[VM 1\] vmm: stopped the guest: it ran out of its time budget of 1 s \(--timeout\)$'
expect_match "runaway: the VM's status is 3" "$runaway" '^vmm: VM 1 exited with status 3$'
expect_match "runaway: the vmm exits 3" "$runaway" '^\(exit status 3\)$'
expect_match "busy: a guest that never stops calling is stopped by the time budget too" "$busy" \
	'^\[VM 1\] vmm: stopped the guest: it ran out of its time budget of 1 s \(--timeout\)$'
expect_match "busy: the report says over-budget, the last exit a doorbell's" "$busy" \
	'^\(report\.txt: vm1\.end=over-budget vm1\.status=3 vm1\.last_exit=KVM_EXIT_(IO|INTR) vm1\.hypercalls=[0-9]+ vm1\.rejected=0 vm1\.output_dropped=0 vms=1 status=3 hypercalls=[0-9]+ rejected=0\)$'
for sig in TERM HUP KILL; do
	expect_match "SIG$sig to the vmm parent alone: its VM processes die with it" "$text" \
		"^\\(the vmm parent killed by SIG$sig: 0 VM processes left\\)\$"
done
expect_match "runaway: the report says over-budget" "$runaway" \
	'^\(report\.txt: vm1\.end=over-budget vm1\.status=3 vm1\.last_exit=KVM_EXIT_INTR vm1\.hypercalls=1 vm1\.rejected=0 vm1\.output_dropped=0 vms=1 status=3 hypercalls=1 rejected=0\)$'


# --- Linux: 1. the serial console, the disks, poweroff -------------------------
expect_match "blk: the VMM names the kernel from its file" "$blk" \
	"^vmm: Linux $release, boot protocol 2\\.15: kernel [0-9]+ bytes at 0x100000 \\(it uses up to 0x[0-9a-f]+ to boot\\), entry 0x100200\$"
expect_match "blk: console=ttyS0 appended to the command line" "$blk" \
	'^vmm: command line: step07=blk panic=-1 console=ttyS0$'
expect_match "blk: the whole boot log, marked as the guest's" "$blk" \
	'^guest: \[ *[0-9]+\.[0-9]+\] Linux version [0-9]'
expect_match "blk: Linux found the tables and its devices in ACPI" "$blk" \
	'^guest: \[ *[0-9]+\.[0-9]+\] ACPI: DSDT 0x[0-9A-F]+ [0-9A-F]+ \(v02 HVCOUR HVSTEP07'
expect_match "blk: COM1 on IRQ 4 from the DSDT (00:00: the first PNP device)" "$blk" \
	'^guest: \[ *[0-9]+\.[0-9]+\] 00:00: ttyS0 at I/O 0x3f8 \(irq = [0-9]+, base_baud = 115200\) is a 16550A$'
expect_match "blk: vda, 16 MiB" "$blk" \
	'^guest: \[ *[0-9]+\.[0-9]+\] virtio_blk virtio1: \[vda\] 32768 512-byte logical blocks'
expect_match "blk: vdb, 4 MiB" "$blk" \
	'^guest: \[ *[0-9]+\.[0-9]+\] virtio_blk virtio2: \[vdb\] 8192 512-byte logical blocks'
expect_match "blk: the boot timer's init mark" "$blk" \
	'^vmm: boot timer: the guest.s init started [0-9]+ ms after the VMM$'
expect_match "blk: the disks by their GET_ID, vdb read-only in the guest" "$blk" \
	'^guest: init: /dev/vda is blk\.img, /dev/vdb is raw\.img \(read-only: 1\)\.?$'
expect_match "blk: poweroff -f ends the VMM through ACPI S5" "$blk" \
	'^vmm: the guest powered the machine off \(ACPI S5\)$'
expect_match "blk: exit status 0" "$blk" '^\(exit status 0\)$'
expect_match "blk: --stats: the devices each exit went to" "$blk" \
	'^vmm: device accesses: com1=[0-9]+ acpi sleep=2 pvpanic=1 boot timer=2 virtio-console=[0-9]+ virtio-blk=[0-9]+ virtio-blk=[0-9]+; no device: [0-9]+$'
r=$(report blk)
expect_match "blk: the report at load: the kernel and the devices made" "$r" \
	"^kernel=$release devices=serial,i8042,acpi-sleep,pvpanic,boot-timer,virtio-console,virtio-blk,virtio-blk cpus=1 init_ms=[0-9]+ mark3_ms=[0-9]+ end=powered-off status=0 last_exit=KVM_EXIT_IO "
expect_match "blk: the line written to stdin reached COM1: 34 bytes and a newline" "$r" ' serial\.rx_bytes=35 '
expect_match "blk: nothing through virtio-console (console=ttyS0)" "$r" ' console\.tx_bytes=0 console\.rx_bytes=0 '
expect_match "blk: vda read-write, every request answered OK, flushed" "$r" \
	' disk0\.read_only=no disk0\.requests=([0-9]+) disk0\.ok=\1 disk0\.ioerr=0 disk0\.unsupp=0 disk0\.bytes_read=[0-9]+ disk0\.bytes_written=[1-9][0-9]* disk0\.flushes=[1-9][0-9]* '
expect_match "blk: vdb read-only: read, never written, nothing refused (the guest did not ask)" "$r" \
	' disk1\.read_only=yes disk1\.requests=([0-9]+) disk1\.ok=\1 disk1\.ioerr=0 disk1\.unsupp=0 disk1\.bytes_read=[1-9][0-9]* disk1\.bytes_written=0 disk1\.flushes=0 '
expect_match "blk: debugfs lists the guest's four files" "$blk" '^ +15 +100644 \(1\) +0 +0 +85 .* ro\.txt$'
# sums WHAT — the two sums lab.sh printed for WHAT: equal?
sums() {
	printf '%s\n' "$blk$kill9" | sed -n "s/^($1: \([0-9a-f]\{64\}\); [^:]*: \([0-9a-f]\{64\}\))\$/\1 \2/p"
}
expect_match "blk: seq.txt on the image has the sum of seq 1 20000" "$(sums seq.txt)" '^([0-9a-f]{64}) \1$'
expect_match "blk: sectors 2048-2303 of the raw disk, copied by the guest, have the host's sum" \
	"$(sums sectors.bin)" '^([0-9a-f]{64}) \1$'
expect_match "blk: a write to the read-only disk: EPERM from the block layer" "$blk" \
	"^\\(ro\\.txt: dd: error writing '/dev/vdb': Operation not permitted\\)\$"
expect_match "blk: the line from stdin, on the image" "$blk" \
	'^\(console\.txt: a line for the guest, from the lab\)$'

# --- Linux: 2. console=hvc0, reboot -------------------------------------------------
expect_match "hvc0: console=hvc0 appended" "$hvc0" '^vmm: command line: step07=hvc0 panic=-1 quiet console=hvc0$'
expect_match "hvc0: stdin goes to virtio-console" "$hvc0" '; stdin to virtio-console$'
expect_match "hvc0: the guest read the line through hvc0" "$hvc0" \
	'^guest: init: read from the console: a line for the guest, from the lab\.?$'
expect_match "hvc0: hvc0 is the guest's console" "$hvc0" '^guest: hvc0 +-W- \(EC'
expect_match "hvc0: reboot -f resets the machine through the i8042" "$hvc0" \
	"^vmm: the guest reset the machine \\(the i8042's reset line\\)\$"
expect_match "hvc0: exit status 4" "$hvc0" '^\(exit status 4\)$'
r=$(report hvc0)
expect_match "hvc0: the report: reset by the i8042" "$r" ' end=reset status=4 last_exit=KVM_EXIT_IO reset_by=i8042 '
expect_match "hvc0: nothing on COM1; the line through virtio-console" "$r" \
	' serial\.tx_bytes=0 serial\.rx_bytes=0 console\.tx_bytes=[1-9][0-9]* console\.rx_bytes=35 '

# --- Linux: 3. SIGKILL after fsync ------------------------------------------------
expect_match "kill9: the guest's mark 2 (kill9.txt fsync'ed), by the VMM's clock" "$kill9" \
	'^vmm: boot timer: mark 2 at [0-9]+ ms$'
expect_match "kill9: the VMM's memory measured while it ran" "$kill9" \
	'^\(the vmm, 256 MiB guest: Rss [0-9]+ kB, of it guest RAM [0-9]+ kB: the VMM.s own [0-9]+ kB\)$'
expect_match "kill9: killed: exit status 137" "$kill9" '^\(exit status 137\)$'
expect_match "kill9: the report is what the VMM knew when it died, line by line" "$(report kill9)" \
	"^kernel=$release devices=serial,i8042,acpi-sleep,pvpanic,boot-timer,virtio-console,virtio-blk cpus=1 init_ms=[0-9]+ mark3_ms=[0-9]+ mark2_ms=[0-9]+\$"
expect_no_match "kill9: no end= (the VMM never got to it)" "$(report kill9)" ' end='
expect_match "kill9: kill9.txt on the image after SIGKILL has the sum of seq 1 30000" "$(sums kill9.txt)" \
	'^([0-9a-f]{64}) \1$'

# --- Linux: 4. a panic ----------------------------------------------------------
expect_match "panic: the guest's panic on its console" "$panic" \
	'^guest: \[ *[0-9]+\.[0-9]+\] Kernel panic - not syncing: sysrq triggered crash\.?$'
expect_match "panic: reported through pvpanic" "$panic" '^vmm: the guest panicked \(pvpanic\)$'
expect_match "panic: exit status 5" "$panic" '^\(exit status 5\)$'
expect_match "panic: the report" "$(report panic)" ' end=panicked status=5 last_exit=KVM_EXIT_IO '

# --- Linux: one vCPU, the default ---------------------------------------------
expect_match "blk: one vCPU: Linux brings up 1 CPU" "$blk" \
	'^guest: \[ *[0-9]+\.[0-9]+\] smp: Brought up 1 node, 1 CPU$'
expect_no_match "blk: one vCPU: no AP waits for INIT and SIPI" "$blk" '^vmm: vCPU 1 '

# --- Linux: 5. two vCPUs ------------------------------------------------------
expect_match "smp: vCPU 1 is created waiting for INIT (KVM_MP_STATE_UNINITIALIZED)" "$smp" \
	"^vmm: vCPU 1 \\(APIC ID 1\\): KVM_MP_STATE_UNINITIALIZED, waiting in KVM_RUN for the guest's INIT and SIPI\$"
expect_match "smp: the MADT lists two local APICs: Linux allows 2 CPUs" "$smp" \
	'^guest: \[ *[0-9]+\.[0-9]+\] smpboot: Allowing 2 CPUs, 0 hotplug CPUs$'
expect_match "smp: Linux starts the AP through the local APIC" "$smp" \
	'^guest: \[ *[0-9]+\.[0-9]+\] x86: Booting SMP configuration:$'
expect_match "smp: Linux brings up 2 CPUs" "$smp" \
	'^guest: \[ *[0-9]+\.[0-9]+\] smp: Brought up 1 node, 2 CPUs$'
expect_match "smp: both CPUs online, from the guest's disk" "$smp" '^\(smp\.txt: online 0-1\)$'
expect_match "smp: nproc says 2" "$smp" '^\(smp\.txt: nproc 2\)$'
expect_match "smp: CPUID 0BH.0 on CPU 1: one thread a core, shift 0, type SMT, x2APIC ID 1" "$smp" \
	'^\(smp\.txt: cpuid 0BH\.0 cpu1: 00000000 00000001 00000100 00000001\)$'
expect_match "smp: CPUID 0BH.1 on CPU 1: two cores, shift 1, type core, x2APIC ID 1" "$smp" \
	'^\(smp\.txt: cpuid 0BH\.1 cpu1: 00000001 00000002 00000201 00000001\)$'
expect_match "smp: CPUID 0BH.2 on CPU 1: type 0, the end of the levels" "$smp" \
	'^\(smp\.txt: cpuid 0BH\.2 cpu1: 00000000 00000000 00000002 00000001\)$'
expect_match "smp: CPUID 0BH.1 on CPU 0: the same core level, x2APIC ID 0" "$smp" \
	'^\(smp\.txt: cpuid 0BH\.1 cpu0: 00000001 00000002 00000201 00000000\)$'
expect_match "smp: the job pinned to CPU 0 ran on CPU 0" "$smp" '^\(smp\.txt: job 0 ran on 0\)$'
expect_match "smp: the job pinned to CPU 1 ran on CPU 1" "$smp" '^\(smp\.txt: job 1 ran on 1\)$'
expect_match "smp: poweroff -f on one vCPU ends the VMM through ACPI S5" "$smp" \
	'^vmm: the guest powered the machine off \(ACPI S5\)$'
for v in 0 1; do
	expect_match "smp: vCPU $v's thread joined, its exits counted" "$smp" \
		"^vmm: vCPU $v \\(APIC ID $v\\): [1-9][0-9]* exits to the VMM\$"
done
expect_match "smp: exit status 0" "$smp" '^\(exit status 0\)$'
expect_match "smp: the report: two vCPUs, powered off" "$(report smp)" \
	"^kernel=$release devices=serial,i8042,acpi-sleep,pvpanic,boot-timer,virtio-console,virtio-blk cpus=2 init_ms=[0-9]+ mark3_ms=[0-9]+ end=powered-off status=0 "

# --- Linux: 6. two vCPUs out of time ---------------------------------------------
expect_match "budget: --timeout 2 stops the run on two vCPUs" "$budget" \
	'^vmm: stopped the guest: it ran out of its time budget of 2 s \(--timeout\); it was here:$'
for v in 0 1; do
	expect_match "budget: vCPU $v's thread kicked out of KVM_RUN and joined" "$budget" \
		"^vmm: vCPU $v \\(APIC ID $v\\): [0-9]+ exits to the VMM\$"
done
expect_match "budget: exit status 3" "$budget" '^\(exit status 3\)$'
expect_match "budget: the report" "$(report budget)" ' cpus=2 .*end=over-budget status=3 '

# --- Linux: 7. virtio-net on a tap ----------------------------------------------
# The card's address when --net gives none: from the tap's name (vmtap0).
mac=02:e3:a6:1a:95:7e
expect_match "net: the VMM names the tap and the card's address" "$netboot" "^vmm: virtio-net on tap vmtap0, MAC $mac\$"
expect_match "net: the guest's eth0 has that address, driven by virtio_net" "$netboot" \
	"^guest: @@net:eth0 mac=$mac driver=virtio_net@@\$"
expect_match "net: ten pings to the lab VM's end, ten answers" "$netboot" \
	'^guest: @@net:ping transmitted=10 received=10@@$'
expect_match "net: the guest sent its 8 MiB file" "$netboot" '^guest: @@net:sent size=8388608 sha256=[0-9a-f]{64}@@$'
expect_match "net: the guest received 8 MiB" "$netboot" '^guest: @@net:received size=8388608 sha256=[0-9a-f]{64}@@$'
expect_match "net: lab.sh compared both files" "$netboot" '^\(net=verified\)$'
expect_match "net: reboot -f: exit status 4" "$netboot" '^\(exit status 4\)$'
expect_match "net: --stats: the card's accesses (kicks went to ioeventfds)" "$netboot" \
	'^vmm: device accesses: com1=[0-9]+ .*boot timer=2 virtio-console=[0-9]+ virtio-net=[1-9][0-9]*; no device: [0-9]+$'
expect_match "net: --stats: the card's counts, nothing dropped" "$netboot" \
	'^vmm: virtio-net: [0-9]+ packets \([0-9]+ bytes\) out, [0-9]+ \([0-9]+ bytes\) in, 0 dropped, [0-9]+ waited for buffers$'
r=$(report net)
expect_match "net: the report names the card" "$r" \
	"^kernel=$release devices=serial,i8042,acpi-sleep,pvpanic,boot-timer,virtio-console,virtio-net cpus=1 init_ms=[0-9]+ "
expect_match "net: the report: the tap, more than 8 MiB each way (8 MiB and the headers), nothing dropped" "$r" \
	' net\.tap=vmtap0 net\.tx_packets=[0-9]+ net\.tx_bytes=(8[4-9][0-9]{5}|9[0-9]{6}|[1-9][0-9]{7,}) net\.rx_packets=[0-9]+ net\.rx_bytes=(8[4-9][0-9]{5}|9[0-9]{6}|[1-9][0-9]{7,}) net\.dropped=0 '

# --- bad input, on this host, no KVM needed -------------------------------------
vmm=$here/build/vmm
[ -x "$vmm" ] || make --no-print-directory -C "$here" build/vmm >/dev/null 2>&1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/empty.bin"
head -c 2097152 /dev/zero >"$tmp/big.bin"
printf '\364' >"$tmp/hlt.bin"
mkfifo "$tmp/fifo"

# refused WHAT ERE ARGS... — vmm ARGS exits 2 and prints a line matching ERE.
refused() {
	what=$1 re=$2
	shift 2
	out=$("$vmm" "$@" 2>&1)
	expect_status "$what" $? 2
	expect_match "$what: says so" "$out" "$re"
}
refused "missing image file" "^vmm: image '$tmp/none.bin': No such file or directory\$" \
	"$tmp/none.bin"
refused "empty image" "^vmm: image '$tmp/empty.bin' is empty\$" "$tmp/empty.bin"
refused "oversized image (2 MiB into 2 MiB of RAM)" \
	"^vmm: image '$tmp/big.bin' is too large: 2097152 bytes, but only 2064384 fit at 0x8000 in 2097152 bytes of guest memory\$" \
	"$tmp/big.bin"
refused "image that is a directory" "^vmm: image '$tmp' is not a regular file\$" "$tmp"
refused "image that is a FIFO (must not wait for a writer)" \
	"^vmm: image '$tmp/fifo' is not a regular file\$" "$tmp/fifo"
refused "no image argument" '^vmm: missing IMAGE$'
refused "two image arguments" '^vmm: more than one IMAGE$' "$tmp/hlt.bin" "$tmp/hlt.bin"
refused "--mem 3X (not a size)" \
	"^vmm: bad --mem size '3X': not a number of the forms --help lists \(want 64K\.\.512M in whole 4K pages\)\$" \
	--mem 3X "$tmp/hlt.bin"
refused "--mem 1G (above 512M)" "^vmm: bad --mem size '1G': out of range " --mem 1G "$tmp/hlt.bin"
refused "--mem 69633 (not whole pages)" "^vmm: bad --mem size '69633': not a whole number of 4K pages " \
	--mem 69633 "$tmp/hlt.bin"
refused "--mem -1" "^vmm: bad --mem size '-1': not a number " --mem -1 "$tmp/hlt.bin"
refused "--mem 010000000 (a leading zero: octal to C)" \
	"^vmm: bad --mem size '010000000': a leading zero, which C reads as octal " \
	--mem 010000000 "$tmp/hlt.bin"
refused "--mem 0x0x200000" "^vmm: bad --mem size '0x0x200000': not a number " --mem 0x0x200000 "$tmp/hlt.bin"
refused "--mode virtual8086" "^vmm: bad --mode 'virtual8086': use real, protected or long\$" \
	--mode virtual8086 "$tmp/hlt.bin"
refused "unknown option" "^vmm: unknown option '--bogus'\$" --bogus "$tmp/hlt.bin"
refused "unknown short option" "^vmm: unknown option '-x'\$" -x "$tmp/hlt.bin"
refused "--mem without a value" "^vmm: option '--mem' needs a value\$" "$tmp/hlt.bin" --mem
printf '\364' >"$tmp/keep.bin"
ln "$tmp/keep.bin" "$tmp/link.bin"
refused "--report onto the image itself, by another name: it would truncate it" \
	"^vmm: --report '$tmp/link.bin' is the image itself: it would be overwritten\$" \
	--report "$tmp/link.bin" "$tmp/keep.bin"
expect_eq "the image survives a --report onto it" "$(wc -c <"$tmp/keep.bin")" 1
refused "--report into a directory that does not exist" \
	"^vmm: cannot write --report '$tmp/no/report.txt': No such file or directory\$" \
	--report "$tmp/no/report.txt" "$tmp/hlt.bin"

# Names and values from the command line reach the terminal escaped.
esc=$(printf '\033[2J\r')
refused "an image name with an escape sequence and a CR, escaped" \
	"^vmm: image '$tmp/evil\\\\x1b\\[2J\\\\x0d\\.bin': No such file or directory\$" "$tmp/evil$esc.bin"
expect_no_match "no ESC or CR of the image's name reaches the terminal" "$out" "$(printf '[\033\r]')"
refused "a --mode with an escape sequence, escaped" "^vmm: bad --mode '\\\\x1b\\[2J\\\\x0d': " --mode "$esc" "$tmp/hlt.bin"
refused "an unknown option with an escape sequence, escaped" "^vmm: unknown option '--\\\\x1b\\[2J\\\\x0d'\$" "--$esc" "$tmp/hlt.bin"
refused "an image name with a newline, escaped: it cannot start a line of its own" \
	"^vmm: image '$tmp/two\\\\x0alines': No such file or directory\$" "$tmp/two
lines"
refused "--vms 0" "^vmm: bad --vms '0': out of range \(want 1\.\.16\)\$" --vms 0 "$tmp/hlt.bin"
refused "--vms 17" "^vmm: bad --vms '17': out of range \(want 1\.\.16\)\$" --vms 17 "$tmp/hlt.bin"
refused "--vms two" "^vmm: bad --vms 'two': not a number " --vms two "$tmp/hlt.bin"
refused "--vms 02 (a leading zero)" "^vmm: bad --vms '02': a leading zero, which C reads as octal \(want 1\.\.16\)\$" \
	--vms 02 "$tmp/hlt.bin"
refused "--timeout 0" "^vmm: bad --timeout '0': out of range \(want 1\.\.3600 seconds\)\$" --timeout 0 "$tmp/hlt.bin"
refused "--timeout 1s" "^vmm: bad --timeout '1s': not a number " --timeout 1s "$tmp/hlt.bin"
refused "--timeout 3601" "^vmm: bad --timeout '3601': out of range \(want 1\.\.3600 seconds\)\$" --timeout 3601 "$tmp/hlt.bin"
refused "--vms without a value" "^vmm: option '--vms' needs a value\$" "$tmp/hlt.bin" --vms

# --- bad input to the Linux machine, on this host, no KVM needed ------------------
kernel=$("$here/../common/lab/lab-assets" kernel)
initrd=$here/build/linux/initramfs.cpio
[ -f "$initrd" ] || make --no-print-directory -C "$here" build/linux/initramfs.cpio >/dev/null 2>&1
# patch FILE OFFSET BYTES — a copy of the kernel with BYTES (printf
# escapes) at OFFSET of its setup header.
patch() {
	cp "$kernel" "$1"
	printf "$3" | dd of="$1" bs=1 seek=$(($2)) conv=notrunc 2>/dev/null
}
printf 'not a kernel\n' >"$tmp/text"
head -c 1000000 "$kernel" >"$tmp/cut"
patch "$tmp/old" 0x206 '\011\002'              # version 2.09
patch "$tmp/no64" 0x236 '\000\000'             # xloadflags: no XLF_KERNEL_64
patch "$tmp/huge" 0x260 '\000\000\000\160'     # init_size 1.75 GiB
truncate -s 2G "$tmp/initrd2g"                 # sparse: nothing is read
truncate -s 100M "$tmp/initrd100m"
truncate -s 1M "$tmp/disk.img"
long=$(head -c 2040 /dev/zero | tr '\0' x)
k() { printf "vmm: kernel '%s': %s" "$1" "$2" | sed 's/[.()+]/\\&/g'; }
refused "kernel: missing" "^vmm: kernel '$tmp/none': No such file or directory\$" --kernel "$tmp/none"
refused "kernel: a directory" "^vmm: kernel '$tmp' is not a regular file\$" --kernel "$tmp"
refused "kernel: a FIFO (must not wait for a writer)" "^vmm: kernel '$tmp/fifo' is not a regular file\$" \
	--kernel "$tmp/fifo"
refused "kernel: not a bzImage" \
	"^$(k "$tmp/text" 'not a bzImage (no 0xAA55 boot flag and "HdrS" header, or not loaded high)')\$" \
	--kernel "$tmp/text"
refused "kernel: truncated" \
	"^$(k "$tmp/cut" 'truncated: the file is shorter than its setup header says')\$" --kernel "$tmp/cut"
refused "kernel: boot protocol 2.09, too old to announce its 64-bit entry" \
	"^$(k "$tmp/old" 'boot protocol older than 2.12, the first that says (XLF_KERNEL_64) it has a 64-bit entry point')\$" \
	--kernel "$tmp/old"
refused "kernel: no 64-bit entry point" \
	"^$(k "$tmp/no64" 'no 64-bit entry point (XLF_KERNEL_64 is clear)')\$" --kernel "$tmp/no64"
refused "kernel: needs more than --mem (init_size 1.75 GiB)" \
	"^$(k "$tmp/huge" 'memory too small for the kernel (from 1 MiB: pref_address + init_size): --mem 256 MiB, initrd 0 bytes')\$" \
	--kernel "$tmp/huge"
refused "initrd: does not fit below initrd_addr_max (2 GiB of it)" \
	"^vmm: initrd: the initrd does not fit below the kernel's initrd_addr_max \\(0x7fffffff\\): 2147483648 bytes\$" \
	--kernel "$kernel" --initrd "$tmp/initrd2g" --mem 3G
refused "initrd: kernel and initrd do not fit in --mem 128M" \
	"^$(k "$kernel" 'memory too small for the kernel and the initrd: --mem 128 MiB, initrd 104857600 bytes')\$" \
	--kernel "$kernel" --initrd "$tmp/initrd100m" --mem 128M
refused "initrd: empty" "^vmm: initrd '$tmp/empty.bin' is empty\$" --kernel "$kernel" --initrd "$tmp/empty.bin"
refused "initrd: missing" "^vmm: initrd '$tmp/none': No such file or directory\$" --kernel "$kernel" --initrd "$tmp/none"
refused "--mem 64M: too little for Linux" \
	"^vmm: bad --mem size '64M': out of range \\(want 128M\\.\\.3G in whole 4K pages: Linux\\)\$" \
	--kernel "$kernel" --mem 64M
refused "--cmdline longer than the kernel's cmdline_size (2047)" \
	"^vmm: --cmdline: the command line is longer than the kernel accepts \\(cmdline_size\\): 2054 bytes, at most 2047\$" \
	--kernel "$kernel" --cmdline "$long"
refused "--disk: missing" "^vmm: --disk '$tmp/none\\.img': No such file or directory\$" \
	--kernel "$kernel" --disk "$tmp/none.img"
refused "--disk: a directory" "^vmm: --disk '$tmp': is a directory\$" --kernel "$kernel" --disk "$tmp,ro"
refused "--disk: a FIFO (no waiting)" "^vmm: --disk '$tmp/fifo': is neither a regular file nor a block device\$" \
	--kernel "$kernel" --disk "$tmp/fifo,ro"
refused "--disk: the same image twice, read-write" \
	"^vmm: --disk '$tmp/disk\\.img': is in use: a lock on it is held \\(another VMM, or another --disk\\)\$" \
	--kernel "$kernel" --disk "$tmp/disk.img" --disk "$tmp/disk.img"
refused "--disk: an unknown flag" "^vmm: bad --disk '$tmp/disk\\.img,rx': after the last comma, ro or rw\$" \
	--kernel "$kernel" --disk "$tmp/disk.img,rx"
# Unreadable: as someone the file's mode shuts out (root is not).
cp "$vmm" "$tmp/vmm" && cp "$kernel" "$tmp/kernel" && chmod 755 "$tmp" "$tmp/vmm" && chmod 644 "$tmp/kernel"
head -c 4096 /dev/zero >"$tmp/secret.img" && chmod 000 "$tmp/secret.img"
as_user=
[ "$(id -u)" -eq 0 ] && as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
out=$($as_user "$tmp/vmm" --kernel "$tmp/kernel" --disk "$tmp/secret.img" 2>&1)
expect_status "--disk: unreadable" $? 2
expect_match "--disk: unreadable: says so" "$out" "^vmm: --disk '$tmp/secret\\.img': Permission denied\$"
refused "--console serial|virtio only" "^vmm: bad --console 'vga': use serial or virtio\$" --kernel "$kernel" --console vga
refused "--disk without --kernel" "^vmm: option '--disk' boots Linux: it needs --kernel\$" --disk "$tmp/disk.img" "$tmp/hlt.bin"
refused "--kernel and IMAGE" "^vmm: give IMAGE or --kernel, not both\$" --kernel "$kernel" "$tmp/hlt.bin"
refused "--vms with --kernel" "^vmm: option '--vms' is for a flat IMAGE, not --kernel\$" --kernel "$kernel" --vms 2
refused "--report onto a disk: it would destroy it" \
	"^vmm: --report '$tmp/disk\\.img' is a disk itself: it would be overwritten\$" \
	--kernel "$kernel" --disk "$tmp/disk.img" --report "$tmp/disk.img"
expect_eq "the disk survives a --report onto it" "$(wc -c <"$tmp/disk.img")" 1048576
refused "unknown option, with --kernel" "^vmm: unknown option '--bogus'\$" --kernel "$kernel" --bogus
refused "a backend this VMM was not built with" \
	"^vmm: --backend 'hvf-arm64': not one this VMM was built with\$" --backend hvf-arm64 "$tmp/hlt.bin"
refused "an arm64 backend, for the x86 VMM" \
	"^vmm: --backend 'kvm-arm64': not one this VMM was built with\$" --backend kvm-arm64 --kernel "$kernel"
refused "--cpus 0" "^vmm: bad --cpus '0': out of range \(want 1\.\.255\)\$" --kernel "$kernel" --cpus 0
refused "--cpus 256 (more APIC IDs than an xAPIC has)" "^vmm: bad --cpus '256': out of range \(want 1\.\.255\)\$" \
	--kernel "$kernel" --cpus 256
refused "--cpus two" "^vmm: bad --cpus 'two': not a number " --kernel "$kernel" --cpus two
refused "--cpus -1" "^vmm: bad --cpus '-1': not a number " --kernel "$kernel" --cpus -1
refused "--cpus 02 (a leading zero)" "^vmm: bad --cpus '02': a leading zero, which C reads as octal \(want 1\.\.255\)\$" \
	--kernel "$kernel" --cpus 02
refused "--cpus without --kernel" "^vmm: option '--cpus' boots Linux: it needs --kernel\$" --cpus 2 "$tmp/hlt.bin"
refused "--cpus without a value" "^vmm: option '--cpus' needs a value\$" --kernel "$kernel" --cpus

# --net: each bad value named, before anything is opened.
refused "--net: not a tap" "^vmm: bad --net 'foo': 'foo': the only backend is a tap \\(tap or tap=NAME\\)\$" \
	--kernel "$kernel" --net foo
refused "--net: an interface name with '/'" \
	"^vmm: bad --net 'tap=a/b': interface name 'a/b' holds '/' \\(not allowed: / : % and spaces\\)\$" \
	--kernel "$kernel" --net tap=a/b
refused "--net: an empty interface name" \
	"^vmm: bad --net 'tap=': the interface name is empty \\(for a name the kernel chooses, say tap\\)\$" \
	--kernel "$kernel" --net tap=
refused "--net: an interface name of 16 characters (IFNAMSIZ 16, its NUL included)" \
	"^vmm: bad --net 'tap=abcdefghijklmnop': interface name 'abcdefghijklmnop' is longer than 15 characters\$" \
	--kernel "$kernel" --net tap=abcdefghijklmnop
refused "--net: a multicast MAC" \
	"^vmm: bad --net 'tap,mac=01:02:03:04:05:06': mac 01:02:03:04:05:06 is a multicast address, not a card's\$" \
	--kernel "$kernel" --net tap,mac=01:02:03:04:05:06
refused "--net: a MAC that is no address" \
	"^vmm: bad --net 'tap,mac=zz': mac 'zz' is not six hexadecimal octets separated by ':'\$" \
	--kernel "$kernel" --net tap,mac=zz
refused "--net: offload neither on nor off" "^vmm: bad --net 'tap,offload=maybe': offload='maybe': on or off\$" \
	--kernel "$kernel" --net tap,offload=maybe
refused "--net: a setting twice" \
	"^vmm: bad --net 'tap,mac=02:00:00:00:00:01,mac=02:00:00:00:00:02': mac= is given twice\$" \
	--kernel "$kernel" --net tap,mac=02:00:00:00:00:01,mac=02:00:00:00:00:02
refused "--net: an unknown setting" \
	"^vmm: bad --net 'tap=x,color=red': unknown setting 'color=red' \\(known: mac=, offload=\\)\$" \
	--kernel "$kernel" --net tap=x,color=red
refused "--net: an escape sequence in the value, escaped" "^vmm: bad --net '\\\\x1b\\[2J\\\\x0d': " \
	--kernel "$kernel" --net "$esc"
refused "--net twice" "^vmm: more than one --net: this machine has one network card\$" \
	--kernel "$kernel" --net tap --net tap=x
refused "--net without --kernel" "^vmm: option '--net' boots Linux: it needs --kernel\$" --net tap "$tmp/hlt.bin"
for i in 1 2 3 4 5 6 7; do truncate -s 1M "$tmp/d$i.img"; done
refused "--net and seven disks: no window left" \
	"^vmm: --net and 7 --disk: no virtio-mmio window is left for the network card \\(8 in all, one the console's\\)\$" \
	--kernel "$kernel" --net tap --disk "$tmp/d1.img" --disk "$tmp/d2.img" --disk "$tmp/d3.img" \
	--disk "$tmp/d4.img" --disk "$tmp/d5.img" --disk "$tmp/d6.img" --disk "$tmp/d7.img"
# A tap needs CAP_NET_ADMIN: as someone without it (root has it).
out=$($as_user "$tmp/vmm" --kernel "$tmp/kernel" --net tap=step07t0 2>&1)
expect_status "--net: no right to a tap" $? 2
expect_match "--net: no right to a tap: says so, and what it needs" "$out" \
	"^vmm: --net 'tap=step07t0': (open /dev/net/tun|TUNSETIFF): (Permission denied|Operation not permitted) \\(a tap needs CAP_NET_ADMIN: run as root\\)\$"

# --- the hvf-arm64 backend: no Mac here; what this host verified -----------------
# The run's own hvf-check and hvf-unit (run-labs.sh, build/run-hvf.log):
# the verdict's hvf= is theirs, each suite ran every check it has.
# (make's echo of a recipe keeps its continued lines: joined here, tabs
# as spaces.)
hvflog=$(awk '/^== hvf-arm64 / { on = 1 } on { print } on && /^hvf-unit: / { exit }' "$log" |
	awk '{ line = line $0 } /\\$/ { sub(/\\$/, "", line); next } { gsub(/\t/, " ", line); print line; line = "" }')
expect_eq "hvf: the verdict's hvf=, earned in this run by hvf-check and hvf-unit" \
	"$(verdict_value "$log" hvf)" compiled,unit-tested
expect_no_match "hvf: the verdict's reason names nothing of hvf" "$(verdict_value "$log" reason)" hvf
expect_match "hvf-check: compiled with gcc, -Werror, against hvf_decls.h" "$hvflog" \
	'^cc .* -Werror -fPIC -shared -Wl,--no-undefined +-o [^ ]*/build/hvf/libhvf-check\.so [^ ]*/backends/hvf_arm64\.c [^ ]*/backends/hvf_arm64_decode\.c [^ ]*/tests/unit/step08-arm64-hvf/hvf_fake\.c +[^ ]*/backends/list_macos_arm64\.c$'
expect_match "hvf-check: hvf_decls_check.c's assertions compiled" "$hvflog" '-Werror -fsyntax-only [^ ]*/backends/hvf_decls_check\.c$'
for cc in clang aarch64-linux-gnu-gcc; do
	expect_eq "hvf-check: $cc compiled the backend's two files" \
		"$(printf '%s\n' "$hvflog" | grep -cE "^$cc .* -Werror -c -o /dev/null [^ ]*/backends/hvf_arm64(_decode)?\.c\$")" 2
done
vmmline=$(printf '%s\n' "$hvflog" | grep -E '^cd [^ ]* && cc .* -o [^ ]*/build/hvf/vmm-hvf-linux ')
expect_match "hvf-check: the arm64 VMM linked from ARM64_SRCS with hvf-arm64 and the Mac's backend list" "$vmmline" \
	' -Werror -o [^ ]*/build/hvf/vmm-hvf-linux +arch/arm64/vmm\.c .* backends/hvf_arm64\.c backends/hvf_arm64_decode\.c backends/list_macos_arm64\.c [^ ]*/hvf_fake\.c -lfdt$'
expect_no_match "hvf-check: ... and nothing of KVM's" "$vmmline" 'kvm_|list_linux_'
expect_match "hvf-check: the arm64 VMM built on hvf-arm64 linked" "$hvflog" \
	'^hvf-check: hvf-arm64 and the arm64 VMM built on it compiled against hvf_decls.h and linked with the test-only stand-in \(no guest ran\)$'
# suite NAME — the counts run-unit printed for test_NAME.
suite() { printf '%s\n' "$hvflog" | awk -v n="step08-arm64-hvf/test_$1: " 'index($0, n) == 1 { getline; print; exit }'; }
for s in arm64:12 darwin:4 decode:45 run:30; do
	expect_eq "hvf-unit: test_hvf_${s%%:*}, all its ${s#*:} checks" "$(suite "hvf_${s%%:*}")" \
		"  100%: Checks: ${s#*:}, Failures: 0, Errors: 0"
done
expect_match "hvf-unit: the sum" "$hvflog" '^hvf-unit: 91 passed, 0 failed$'

# hvf-check fails, and says where, when the declarations, the backend and
# the stand-in disagree: a copy of the backend, broken one way at a time.
hcopy=$(mktemp -d)
mkdir -p "$hcopy/step08-arm64-hvf" "$hcopy/tests/unit/step08-arm64-hvf" "$hcopy/common"
cp -R "$here/backends" "$here/hv.h" "$hcopy/step08-arm64-hvf/"
cp "$here/../tests/unit/step08-arm64-hvf/hvf_fake.c" "$hcopy/tests/unit/step08-arm64-hvf/"
cp -R "$here/../common/include" "$hcopy/common/"
hb=$hcopy/step08-arm64-hvf/backends
cp "$hb/hvf_decls.h" "$hcopy/decls" && cp "$hcopy/tests/unit/step08-arm64-hvf/hvf_fake.c" "$hcopy/fake"
hvfcheck() { LC_ALL=C make --no-print-directory -f "$hb/hvf.mk" hvf-backend-check 2>&1; }
out=$(hvfcheck)
expect_status "hvf-check: the unchanged copy passes" $? 0
sed -i 's/^hv_return_t hv_vcpu_run(hv_vcpu_t vcpu);$/hv_return_t hv_vcpu_run(hv_vcpu_t *vcpu);/' "$hb/hvf_decls.h"
out=$(hvfcheck)
expect_status "hvf-check: hv_vcpu_run declared with a pointer" $? 2
expect_match "hvf-check: ... fails at the call, naming it" "$out" \
	"hvf_arm64\.c:[0-9]+:[0-9]+: error: passing argument 1 of 'hv_vcpu_run' makes pointer from integer without a cast"
cp "$hcopy/decls" "$hb/hvf_decls.h"
sed -i 's/^#define HV_EXIT_REASON_EXCEPTION\([[:space:]]*\)1$/#define HV_EXIT_REASON_EXCEPTION\15/' "$hb/hvf_decls.h"
out=$(hvfcheck)
expect_status "hvf-check: HV_EXIT_REASON_EXCEPTION given another value" $? 2
expect_match "hvf-check: ... fails at hvf_decls_check.c's assertion" "$out" \
	'hvf_decls_check\.c:[0-9]+:[0-9]+: error: static assertion failed: "hv_exit_reason_t"'
cp "$hcopy/decls" "$hb/hvf_decls.h"
sed -i '/^hv_return_t hv_vcpu_get_vtimer_offset(/d' "$hb/hvf_decls.h"
out=$(hvfcheck)
expect_status "hvf-check: a framework call hvf_decls.h does not declare" $? 2
expect_match "hvf-check: ... fails naming it" "$out" \
	"error: implicit declaration of function 'hv_vcpu_get_vtimer_offset'"
cp "$hcopy/decls" "$hb/hvf_decls.h"
awk '/^hv_return_t hv_vcpus_exit\(/ { skip = 1 } !skip { print } skip && /^}$/ { skip = 0 }' "$hcopy/fake" \
	>"$hcopy/tests/unit/step08-arm64-hvf/hvf_fake.c"
out=$(hvfcheck)
expect_status "hvf-check: a framework call the stand-in does not define" $? 2
expect_match "hvf-check: ... the link fails naming it" "$out" "undefined reference to \`hv_vcpus_exit'"
rm -rf "$hcopy"

# The arm64 VMM as macOS would build it (hvf-check's build/hvf/vmm-hvf-linux:
# ARM64_SRCS with hvf-arm64, on the stand-in, whose every call fails here
# with HV_UNSUPPORTED): its backends are the Mac's, and the framework's
# refusal reaches the user naming the call.
hvfvmm=$here/build/hvf/vmm-hvf-linux
out=$("$hvfvmm" --backend kvm-arm64 "$here/build/arm64/hello.bin" 2>&1)
expect_status "vmm-hvf: --backend kvm-arm64" $? 2
expect_match "vmm-hvf: ... is not one of its backends" "$out" "^vmm: --backend 'kvm-arm64': not an arm64 backend of this VMM\$"
out=$("$hvfvmm" "$here/build/arm64/hello.bin" 2>&1)
expect_status "vmm-hvf: hello.bin on the stand-in" $? 1
expect_match "vmm-hvf: ... stops at hv_vm_create, naming it and the framework's error" "$out" \
	'^\[VM 1\] vmm: hv_vm_create \(is the binary signed with the com\.apple\.security\.hypervisor entitlement\?\): Operation not supported$'
expect_match "vmm-hvf: ... and the VM's process ends with status 1" "$out" '^vmm: VM 1 exited with status 1$'

# --- the bounded fuzz pass: transport, queue and devices from raw bytes -----------
fuzz=$(make --no-print-directory -C "$here" fuzz-smoke 2>&1)
expect_status "make fuzz-smoke" $? 0
printf '%s\n' "$fuzz" | grep '^fuzz_virtio: '
expect_match "fuzz-smoke: every run done, nothing crashed (ASan, UBSan)" "$fuzz" \
	'^fuzz_virtio: runs=20000 seconds=[0-9]+ cov=[0-9]+ ft=[0-9]+ corpus=[0-9]+ crashes=0$'

# --- the bench harness: both machines' tables from fixed logs, one short x86 round --
# (bench-smoke: the stopwatch on a stand-in, bench-table on the fixed x86_64
# and aarch64 logs, exact; one round under both VMMs in an x86 lab VM of its
# own.  The arm64 round: make bench-smoke BENCH_SMOKE_ARCHES="x86_64 aarch64",
# 26 checks, 45 to 90 s more.)
bench=$(make --no-print-directory -C "$here" bench-smoke 2>&1)
st=$?
expect_status "make bench-smoke" $st 0
expect_match "bench-smoke: every check of the harness passed" "$bench" '^17 passed, 0 failed$'
if [ $st -ne 0 ]; then # what failed, and the lab round's own last words
	printf '%s\n' "$bench" | grep -v '^ok - ' | sed 's/^/  bench-smoke: /'
	tail -n 15 "$here/build/bench/x86_64/smoke.out" 2>/dev/null | sed 's/^/  smoke.out: /'
fi

out=$("$vmm" --help)
expect_status "--help" $? 0
expect_match "--help says which number forms SIZE takes" "$out" \
	'^SIZE is a number of bytes, decimal \(2097152\) or hexadecimal after 0x$'
expect_match "--help shows the usage" "$out" \
	'^usage: vmm \[--mode real\|protected\|long\] \[--mem SIZE\] \[--vms N\] \[--stats\]$'
expect_match "--help shows Linux's usage" "$out" \
	'^       vmm --kernel BZIMAGE \[--initrd FILE\] \[--cmdline STR\] \[--mem SIZE\]$'
expect_match "--help documents --disk" "$out" '^  --disk FILE\[,ro\]  a virtio-blk disk on FILE'
expect_match "--help documents --cpus and its limit" "$out" '^  --cpus N        vCPUs, one thread each \(1 to 255; default 1\); the$'
expect_match "--help documents --net" "$out" '^  --net tap\[=NAME\]\[,mac=MAC\]\[,offload=off\]  a virtio-net card on a$'
expect_match "--help documents Linux's exit statuses" "$out" \
	'^Linux: 0 the guest powered the machine off \(ACPI S5\); 4 it reset$'

# --- the shared code's tests, run as arm64 code (qemu-user) ----------------------
# The unit tests of the code the arm64 VMM is built from (tests/Makefile,
# UNITS_ARM64: virtio, devices, bus, hypercalls, the arm64 machine),
# cross-built static and run under qemu-aarch64-static: the same files and
# assertions as on x86. Then the fuzz target without libFuzzer
# (fuzz/replay_main.c) over the seeds and what fuzz-smoke kept, on this
# host (gcc, ASan + UBSan) and as arm64 code (UBSan, trapping); and both
# built with FUZZ_PLANTED_BUG must crash on the input that hits it, which
# the real builds run cleanly: the replay can fail.
unit=$(make --no-print-directory -C "$here/../tests" unit-arm64 STEP=step08-arm64-hvf 2>&1)
st=$?
expect_status "make -C tests unit-arm64" $st 0
expect_eq "unit-arm64: every check passed, as arm64 code" "$(printf '%s\n' "$unit" | tail -n 1)" \
	"374 passed, 0 failed"
expect_eq "unit-arm64: the 22 suites ran whole" \
	"$(printf '%s\n' "$unit" | grep -c '^  100%: Checks: [0-9]*, Failures: 0, Errors: 0$')" 22
[ $st -eq 0 ] || printf '%s\n' "$unit" | grep -v '^  100%: ' | sed 's/^/  unit-arm64: /'

fz=$here/build/fuzz
replay_dirs="$fz/seeds $fz/smoke-corpus"
inputs=$(find $replay_dirs -maxdepth 1 -type f | wc -l)
bytes=$(find $replay_dirs -maxdepth 1 -type f -exec cat {} + | wc -c)
for t in fuzz-replay fuzz-replay-arm64; do
	out=$(make --no-print-directory -C "$here" $t FUZZ_REPLAY_DIRS="$replay_dirs" 2>&1)
	expect_status "make $t" $? 0
	expect_eq "$t: each seed and each input fuzz-smoke kept, none crashed" \
		"$(printf '%s\n' "$out" | tail -n 1)" "fuzz_replay: inputs=$inputs bytes=$bytes"
done
make --no-print-directory -C "$here" fuzz-planted >/dev/null 2>&1
expect_status "make fuzz-planted" $? 0
planted=$fz/planted/select-beyond-queues
expect_eq "the real build runs the planted bug's input cleanly" \
	"$("$fz/fuzz_replay" "$planted" 2>&1)" "fuzz_replay: inputs=1 bytes=6"
expect_eq "arm64: the real build runs it cleanly" \
	"$(qemu-aarch64-static "$fz/arm64/fuzz_replay" "$planted" 2>&1)" "fuzz_replay: inputs=1 bytes=6"
# died_of STATUS — the signal an exit status says the process died of.
died_of() { if [ "$1" -gt 128 ]; then kill -l "$1"; else echo "none (exit status $1)"; fi; }
# crash CMD... — CMD's output and, in st, its exit status; no core file,
# and no word from this shell about the death.
# shellcheck disable=SC3045 # ulimit -c: dash and bash have it
crash() { { out=$(exec 2>&1; ulimit -c 0; exec "$@"); } 2>/dev/null; st=$?; }
crash "$fz/fuzz_replay_planted" "$planted"
expect_eq "planted bug: UBSan's report ends in abort(): died of" "$(died_of $st)" ABRT
expect_match "planted bug: UBSan names it" "$out" \
	"^fuzz/fuzz_virtio\.c:[0-9]+:[0-9]+: runtime error: index 255 out of bounds for type 'uint16_t \[2\]'\$"
expect_match "planted bug: the replay names the input" "$out" "^fuzz_replay: crashed on input $planted\$"
crash qemu-aarch64-static "$fz/arm64/fuzz_replay_planted" "$planted"
expect_eq "arm64: planted bug: UBSan's trap (BRK): died of" "$(died_of $st)" TRAP
expect_match "arm64: planted bug: the replay names the input" "$out" "^fuzz_replay: crashed on input $planted\$"

summary
