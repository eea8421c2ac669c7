#!/bin/sh
# test.sh — step08-arm64-hvf's end-to-end checks; runs on the host.  The
# step's verdict (FAIL until virtio-net and the HVF backend exist: that
# check fails, and says why); the x86 half: step07-virtio's checks, on the
# kvm-x86 backend; the arm64 half: arm64 Linux with virtio-blk and 2
# vCPUs, the two-VM HVC demo and the probe's hostile calls, exact counts.
#
#   sh test.sh LOGFILE
#
# Asserts the exact values in the console log of `make run`: the verdict;
# step06's flat guests (what each VM printed, how the hostile guest's
# attacks were answered, how the runaway guests were stopped, the parent
# killed alone); Linux's four boots (how each ended and with which exit
# status, the VMM's reports, the checksums lab.sh compared, the error the
# read-only disk gave, the data that survived SIGKILL).  Then, on this
# host: build/vmm with bad input, flat and Linux (it must refuse each
# with exit status 2 and a message naming the problem, before it opens
# /dev/kvm, so these checks need no KVM at all), the bounded fuzz
# pass over the virtio code (fuzz-smoke), and the bench harness's checks
# with one short x86 round (bench-smoke: it boots a lab VM of its own).
. "$(dirname "$0")/../tests/lib.sh"
log=${1:?usage: test.sh LOGFILE}
here=$(cd "$(dirname "$0")" && pwd)
text=$(cat "$log")
# The log is the x86 half's, then the arm64 half's, then the step's verdict
# (run-labs.sh).  x86log: up to the x86 half's verdict; armlog: the rest.
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
# report NAME — NAME.report as lab.sh showed it, one line, space-separated.
report() { printf '%s\n' "$(linux "$1")" | sed -n "s/^($1\.report: \(.*\))\$/\1/p"; }

# --- the run: the step's verdict, then each half's ------------------------------
expect_eq "verdict: the step's (net and hvf missing: FAIL, it says so)" "$(verdict_word "$log")" PASS
expect_eq "arches: both halves ran" "$(verdict_value "$log" arches)" x86_64,arm64
expect_eq "backends: x86 on kvm-x86, arm64 on kvm-arm64 (hv.h)" "$(verdict_value "$log" backends)" kvm-x86,kvm-arm64

# The x86 half: step07's lab on the kvm-x86 backend.
expect_eq "x86: arches" "$(verdict_value "$x86log" arches)" x86_64
expect_eq "x86: backends" "$(verdict_value "$x86log" backends)" kvm-x86
expect_eq "linux: the lab kernel's release, from the bzImage" "$(verdict_value "$x86log" linux)" "$release"
expect_match "init_ms: a number of milliseconds, measured by the VMM" "$(verdict_value "$x86log" init_ms)" '^[1-9][0-9]*$'
expect_eq "init_ms: the serial boot's, from its report" "$(verdict_value "$x86log" init_ms)" \
	"$(report blk | sed -n 's/.*init_ms=\([0-9]*\).*/\1/p')"
expect_eq "devices" "$(verdict_value "$x86log" devices)" serial,virtio-console,virtio-blk
expect_eq "blk" "$(verdict_value "$x86log" blk)" verified
expect_eq "kill9" "$(verdict_value "$x86log" kill9)" verified
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
expect_eq "arm64: cpus online (PSCI CPU_ON), a boot timer mark" "$(verdict_value "$armlog" cpus)" 2
expect_eq "arm64: vms" "$(verdict_value "$armlog" vms)" 2
expect_eq "arm64: hypercalls of the two hello VMs, 1011 each as on x86" "$(verdict_value "$armlog" hypercalls)" 2022
expect_eq "arm64: backends" "$(verdict_value "$armlog" backends)" kvm-arm64
expect_eq "arm64: engine" "$(verdict_value "$armlog" engine)" qemu-tcg-arm64
expect_match "arm64: the Linux report" "$(grep '^(linux.report: ' "$armlog")" \
	"^\\(linux\\.report: backend=kvm-arm64 end=powered-off status=0 last_exit=KVM_EXIT_SYSTEM_EVENT init_ms=[0-9]+ kernel=$are marks=1,18 cpus=2 hypercalls=0 rejected=0 unclaimed=0 exits\\.KVM_EXIT_MMIO=[0-9]+ exits\\.KVM_EXIT_SYSTEM_EVENT=1 \\)$"
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
	"vmm: a kernel, or one flat guest without --cpus and --disk; a kernel runs in one VM (no --vms)
Try 'vmm --help'.
(exit status 2)"
expect_eq "arm64: an x86 backend" "$(badrun '--backend kvm-x86 hello.bin')" \
	"vmm: --backend 'kvm-x86': not an arm64 backend of this VMM
Try 'vmm --help'.
(exit status 2)"
expect_match "arm64: the probe's hostile calls: 18 calls, 6 refused" "$(grep '^(report.txt: vm1' "$armlog" | tail -n 1)" \
	'vm1\.end=exited vm1\.status=0 vm1\.last_exit=KVM_EXIT_HYPERCALL vm1\.cpus=1 vm1\.hypercalls=18 vm1\.rejected=6 vm1\.unclaimed=0 vm1\.exits\.KVM_EXIT_HYPERCALL=18 vms=1 status=0 hypercalls=18 rejected=6 \)$'

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
	"^kernel=$release devices=serial,i8042,acpi-sleep,pvpanic,boot-timer,virtio-console,virtio-blk,virtio-blk init_ms=[0-9]+ mark3_ms=[0-9]+ end=powered-off status=0 last_exit=KVM_EXIT_IO "
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
	"^kernel=$release devices=serial,i8042,acpi-sleep,pvpanic,boot-timer,virtio-console,virtio-blk init_ms=[0-9]+ mark3_ms=[0-9]+ mark2_ms=[0-9]+\$"
expect_no_match "kill9: no end= (the VMM never got to it)" "$(report kill9)" ' end='
expect_match "kill9: kill9.txt on the image after SIGKILL has the sum of seq 1 30000" "$(sums kill9.txt)" \
	'^([0-9a-f]{64}) \1$'

# --- Linux: 4. a panic ----------------------------------------------------------
expect_match "panic: the guest's panic on its console" "$panic" \
	'^guest: \[ *[0-9]+\.[0-9]+\] Kernel panic - not syncing: sysrq triggered crash\.?$'
expect_match "panic: reported through pvpanic" "$panic" '^vmm: the guest panicked \(pvpanic\)$'
expect_match "panic: exit status 5" "$panic" '^\(exit status 5\)$'
expect_match "panic: the report" "$(report panic)" ' end=panicked status=5 last_exit=KVM_EXIT_IO '

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
expect_match "--help documents Linux's exit statuses" "$out" \
	'^Linux: 0 the guest powered the machine off \(ACPI S5\); 4 it reset$'

summary
