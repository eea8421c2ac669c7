#!/bin/sh
# test.sh — step06-hypercalls' end-to-end checks; runs on the host.
#
#   sh test.sh LOGFILE
#
# Asserts the exact values in the console log of `make run`: the verdict,
# what each VM printed, how the hostile guest's attacks were answered (its
# calls, the doorbell rung the wrong way, memory that is not there, escape
# sequences, an output flood) and how the runaway guest was stopped.  Then
# runs build/vmm on this host with bad input: it must refuse each with exit
# status 2 and a message naming the problem, before it opens /dev/kvm, so
# these checks need no KVM at all.
. "$(dirname "$0")/../tests/lib.sh"
log=${1:?usage: test.sh LOGFILE}
here=$(cd "$(dirname "$0")" && pwd)
text=$(cat "$log")

# section CMD — what `./vmm --report report.txt CMD` printed in the run,
# through its exit status and its report.
section() {
	awk -v cmd="\$ ./vmm --report report.txt $1" '$0 == cmd { on = 1 } on { print } on && /^\(report\.txt:/ { exit }' "$log"
}
hello=$(section "--vms 2 --stats hello.bin")
hostile=$(section "--stats hostile.bin")
runaway=$(section "--timeout 1 runaway.bin")
crash=$(section "triple_fault.bin")
busy=$(section "--timeout 1 busy.bin")

# --- the run: verdict and console ---------------------------------------------
expect_eq "verdict" "$(verdict_word "$log")" PASS
expect_eq "vms" "$(verdict_value "$log" vms)" 2
expect_eq "hypercalls: 2 VMs x (VMINFO 1 + PUTS 7 + GETTIME 1002 + EXIT 1)" \
	"$(verdict_value "$log" hypercalls)" 2022
expect_eq "bad_calls_rejected: 9 pointers + 7 numbers/arguments + 10000 flood + 4 doorbell + 5 string-OUT bytes + 1 call after an OUTSB + 2 over budget" \
	"$(verdict_value "$log" bad_calls_rejected)" 10028
expect_match "engine is a name LAB_ENGINE accepts for a KVM step" "$(verdict_value "$log" engine)" \
	'^(qemu-tcg|qemu-kvm|host-kvm)$'

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

out=$("$vmm" --help)
expect_status "--help" $? 0
expect_match "--help says which number forms SIZE takes" "$out" \
	'^SIZE is a number of bytes, decimal \(2097152\) or hexadecimal after 0x$'
expect_match "--help shows the usage" "$out" \
	'^usage: vmm \[--mode real\|protected\|long\] \[--mem SIZE\] \[--vms N\] \[--stats\]$'

summary
