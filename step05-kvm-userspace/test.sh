#!/bin/sh
# test.sh — step05-kvm-userspace's end-to-end checks; runs on the host.
#
#   sh test.sh LOGFILE
#
# Asserts the exact values in the console log of `make run` (the verdict,
# what each guest printed and computed, the exits), then runs build/vmm on
# this host with bad input: it must refuse each with exit status 2 and a
# message naming the problem, before it ever opens /dev/kvm, so these checks
# need no KVM at all.
. "$(dirname "$0")/../tests/lib.sh"
log=${1:?usage: test.sh LOGFILE}
here=$(cd "$(dirname "$0")" && pwd)
text=$(cat "$log")

# --- the run: verdict and console ---------------------------------------------
expect_eq "verdict" "$(verdict_word "$log")" PASS
expect_eq "modes" "$(verdict_value "$log" modes)" real,protected,long
expect_eq "results: 1+...+100, fib(40), 20!" "$(verdict_value "$log" results)" \
	5050,102334155,2432902008176640000
expect_match "engine is a name LAB_ENGINE accepts for a KVM step" "$(verdict_value "$log" engine)" \
	'^(qemu-tcg|qemu-kvm|host-kvm)$'

expect_match "real-mode guest greets through port 0xE9, its line marked as the guest's" "$text" \
	'^guest: Hello from real mode: 1 \+ 2 \+ \.\.\. \+ 100$'
expect_match "real mode: ax and memory agree" "$text" \
	'^vmm: ax=5050 memory\[0x5000\]=5050 \(agree\)$'
expect_match "real mode: one KVM_EXIT_IO per byte of the 40-byte greeting, then HLT" "$text" \
	'^vmm: exits: KVM_EXIT_IO=40 KVM_EXIT_HLT=1$'
expect_match "real mode: the report file says how it ended" "$text" \
	'^\(report\.txt: end=halted status=0 last_exit=KVM_EXIT_HLT result=5050 agree=yes\)$'
expect_match "protected-mode guest greets" "$text" \
	'^guest: Hello from protected mode: fib\(40\)$'
expect_match "protected mode: a 4-byte KVM_EXIT_MMIO to the result register" "$text" \
	'^vmm: KVM_EXIT_MMIO: 4-byte write of 102334155 to the result register at 0x20000000$'
expect_match "protected mode: eax, memory and MMIO agree" "$text" \
	'^vmm: eax=102334155 memory\[0x5000\]=102334155 mmio\[0x20000000\]=102334155 \(agree\)$'
expect_match "protected mode: the report file" "$text" \
	'^\(report\.txt: end=halted status=0 last_exit=KVM_EXIT_HLT result=102334155 agree=yes\)$'
expect_match "long-mode guest greets" "$text" '^guest: Hello from long mode: 20!$'
expect_match "long mode: an 8-byte KVM_EXIT_MMIO" "$text" \
	'^vmm: KVM_EXIT_MMIO: 8-byte write of 2432902008176640000 to the result register at 0x20000000$'
expect_match "long mode: rax, memory and MMIO agree" "$text" \
	'^vmm: rax=2432902008176640000 memory\[0x5000\]=2432902008176640000 mmio\[0x20000000\]=2432902008176640000 \(agree\)$'
expect_match "long mode: exits by name" "$text" \
	'^vmm: exits: KVM_EXIT_IO=26 KVM_EXIT_HLT=1 KVM_EXIT_MMIO=1$'
expect_match "long mode: the report file" "$text" \
	'^\(report\.txt: end=halted status=0 last_exit=KVM_EXIT_HLT result=2432902008176640000 agree=yes\)$'
expect_match "triple fault is KVM_EXIT_SHUTDOWN, on a line of its own after the guest's unfinished one" "$text" \
	'^vmm: KVM_EXIT_SHUTDOWN: the guest triple-faulted$'
expect_match "triple fault: 42 console bytes, then the shutdown" "$text" \
	'^vmm: exits: KVM_EXIT_IO=42 KVM_EXIT_SHUTDOWN=1$'
expect_no_match "no guest line passes for the VMM's" "$text" \
	'^vmm: long mode guest halted: result=1$'
expect_no_match "no ESC or CR byte reaches the terminal" "$text" "$(printf '[\033\r]')"
expect_match "triple fault: the guest's imitation is marked as the guest's, defused" "$text" \
	'^guest: \.\[2K\.vmm: long mode guest halted: result=1$'
expect_match "triple fault: the report file names the exit" "$text" \
	'^\(report\.txt: end=failed status=1 last_exit=KVM_EXIT_SHUTDOWN\)$'
expect_match "triple fault: the registers are dumped" "$text" \
	'^vmm:   rip [0-9a-f]{16}  rsp [0-9a-f]{16}  rflags [0-9a-f]{8}$'
expect_match "triple fault: the vmm exits 1" "$text" '^\(exit status 1\)$'

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

out=$("$vmm" --help)
expect_status "--help" $? 0
expect_match "--help says which number forms SIZE takes" "$out" \
	'^SIZE is a number of bytes, decimal \(2097152\) or hexadecimal after 0x$'
expect_match "--help shows the usage" "$out" \
	'^usage: vmm \[--mode real\|protected\|long\] \[--mem SIZE\] \[--report FILE\] IMAGE$'

summary
