#!/bin/sh
# test.sh - host-side checks of a step04-ept lab transcript.
#
# Usage: sh test.sh LOGFILE   (LOGFILE = the console of `make run`)
# Asserts the verdict values (EPT violations, demand pages, what the guest
# printed through the emulated console, its checksum), the EPT pointer, the
# secondary controls, each kind of EPT violation and the refused fetch; and
# a process with an LDT whose segments survived the one-HLT guest's run (in
# real mode, in its own memory) on its CPU.
. "$(dirname "$0")/../tests/lib.sh"

log=$1
# The lines of one part of the run: from the line that starts with $1 to
# the next line that starts with "# ".
part() { awk -v s="$1" 'index($0, s) == 1 { on = 1; print; next } on && /^# / { exit } on' "$log"; }
# The module's kernel-log lines of the guest's run, without "step04: ".
text=$(part '# insmod step04.ko ' | sed -n 's/^step04: //p')
ldt=$(part '# ldt_check ')
K=16				# GUEST_DEMAND_PAGES in guest_abi.h
CONSOLE="hello, EPT"		# the string in guest.asm
# Page i holds (i + 1) * 0x01010101 in one dword, zeros elsewhere.
CHECKSUM=$(printf '0x%x' $((K * (K + 1) / 2 * 0x01010101)))

expect_match "verdict is PASS" "$(grep '^step04-ept: ' "$log" | tail -n 1)" '^step04-ept: PASS '
n=$(verdict_value "$log" ept_violations)
expect_eq "demand_pages" "$(verdict_value "$log" demand_pages)" $K
expect_eq "console" "$(verdict_value "$log" console)" "$CONSOLE"
expect_eq "result: the checksum over the demand pages" "$(verdict_value "$log" result)" "$CHECKSUM"
# One per demand page, one read and one write per character, one refused fetch.
expect_eq "ept_violations = K + 2 * characters + 1" "$n" $((K + 2 * ${#CONSOLE} + 1))
expect_eq "ept_violations >= demand_pages" $((${n:-0} >= K)) 1
expect_match "engine has VMX" "$(verdict_value "$log" engine)" '^(bochs|qemu-kvm)$'

# The EPT and the controls that turn it on.
expect_match "EPTP: 4-level walk, write-back (low bits 0x1e)" "$text" \
	'^EPT: PML4 at host 0x[0-9a-f]+000, EPTP 0x[0-9a-f]+01e \(4-level walk, write-back\)$'
expect_match "secondary controls: EPT and unrestricted guest" "$text" \
	'^SECONDARY_VM_EXEC_CONTROL *= 0x00000082 \(asked 0x00000082\)$'
expect_match "guest RAM mapped before the start" "$text" \
	'^guest RAM: GPA 0x0-0xffff in 16 pages \(4 EPT tables\), image of [0-9]+ bytes at GPA 0x7c00$'
expect_match "the full guest, loaded at 0x7c00" "$text" '^guest=full: [0-9]+-byte image at GPA 0x7c00$'

# The logged exits in order (exit numbers also count the host's interrupts,
# which are not logged: the order is exact, the numbers are not).
kinds=$(printf '%s\n' "$text" | sed -n 's/^exit [0-9]*: \(EPT_VIOLATION, [a-z ]* at GPA 0x[0-9a-f]*\|[A-Z_]* ([0-9]*)\).*/\1/p' |
	sed 's/EPT_VIOLATION, \([a-z ]*\) at GPA \(.*\)/\1@\2/; s/ ([0-9]*)$//; s/ /_/g' | tr '\n' ' ')
demand=
i=0
while [ $i -lt $K ]; do
	demand="${demand}write@$(printf '0x%x' $((0x100000 + i * 0x1000))) "
	i=$((i + 1))
done
expect_eq "the logged exits, in order" "$kinds" \
	"read@0xd0000004 write@0xd0000000 ${demand}VMCALL instruction_fetch@0xd0000000 "

# (2) the console: the first read and the first write, decoded.
expect_match "console status read emulated" "$text" \
	'^exit [0-9]+: EPT_VIOLATION, read at GPA 0xd0000004: console CONSOLE_STATUS, emulated 8a 13 \(mov r8, \[reg\]\) read 0x01$'
expect_match "console data write emulated ('h')" "$text" \
	'^exit [0-9]+: EPT_VIOLATION, write at GPA 0xd0000000: console CONSOLE_DATA, emulated 88 03 \(mov \[reg\], r8\) wrote 0x68$'
expect_match "every character emulated" "$text" \
	"^console: ${#CONSOLE} reads of CONSOLE_STATUS and ${#CONSOLE} writes to CONSOLE_DATA emulated\$"

# (1) demand paging: one violation per page, in order, each page once.
i=1
while [ $i -le $K ]; do
	gpa=$(printf '0x%x' $((0x100000 + (i - 1) * 0x1000)))
	expect_match "demand page $i at $gpa" "$text" \
		"^exit [0-9]+: EPT_VIOLATION, write at GPA $gpa: demand page $i of $K mapped\$"
	i=$((i + 1))
done
expect_match "the checksum reported by VMCALL" "$text" "^  VMCALL HC_REPORT_RESULT: $CHECKSUM\$"

# (3) the refused access: an instruction fetch from the device, by name.
expect_match "the fetch from the device is refused" "$text" \
	'^exit [0-9]+: EPT_VIOLATION, instruction fetch at GPA 0xd0000000 \(exit qualification 0x[0-9a-f]+, entry allowed ---\): refused, guest stopped$'
qual=$(printf '%s\n' "$text" | sed -n 's/.*instruction fetch at GPA 0xd0000000 (exit qualification \(0x[0-9a-f]*\),.*/\1/p' | head -n 1)
expect_eq "its qualification has EPT_VIOLATION_ACC_INSTR (bit 2)" $(((${qual:-0} >> 2) & 1)) 1
expect_eq "no VMX instruction failed" "$(grep -c -e VMfailInvalid -e VMfailValid "$log")" 0

# A process with an LDT (selectors 0x7 and 0xf: LDT entries 0 and 1, RPL 3)
# ran the one-HLT guest in its own context, on its own CPU: one exit at
# the guest's start, GPA 0x7c00 (real mode: RIP = IP, CS base 0); its LDT
# and its GS and FS selectors came back.
expect_match "ldt: the process is pinned to cpu1" "$ldt" '^ldt_check: on cpu1, GS = 0x7 and FS = 0xf from the LDT$'
expect_match "ldt: the guest ran on cpu1" "$ldt" '^step04: VMCS at physical 0x[0-9a-f]+: VMCLEAR, VMPTRLD ok on cpu1 '
expect_match "ldt: one HLT exit, at 0x7c00" "$ldt" '^step04: exit 1: HLT \(12\) at rip 0x7c00: back in VMX root operation$'
expect_match "ldt: read through the LDT before" "$ldt" '^ldt_check: before: GS:0 = 0x53475347, FS:0 = 0x53465346$'
expect_match "ldt: selectors and segments after" "$ldt" \
	'^ldt_check: after: GS = 0x7, FS = 0xf; loaded again through the LDT: GS:0 = 0x53475347, FS:0 = 0x53465346$'
expect_match "ldt: came back" "$ldt" '^ldt_check: the LDT and the GS and FS selectors came back$'
expect_match "clean kernel log" "$(cat "$log")" '^kernel log: 0 warnings/oopses/BUGs$'
expect_match "the verdict is the last line" "$(grep -v '^lab: ' "$log" | tail -n 1)" '^step04-ept: '

summary
