#!/bin/sh
# test.sh - host-side checks of a step04-ept lab transcript.
#
# Usage: sh test.sh LOGFILE   (LOGFILE = the console of `make run`)
# Asserts the verdict values (EPT violations, demand pages, what the guest
# printed through the emulated console, its checksum), the EPT pointer, the
# secondary controls, each kind of EPT violation and the refused fetch.
. "$(dirname "$0")/../tests/lib.sh"

log=$1
# The module's kernel-log lines, without their "step04: " prefix.
text=$(sed -n 's/^step04: //p' "$log")
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
expect_eq "no VMX instruction failed" "$(printf '%s\n' "$text" | grep -c -e VMfailInvalid -e VMfailValid)" 0
expect_match "clean kernel log" "$(cat "$log")" '^kernel log: 0 warnings/oopses/BUGs$'
expect_match "the verdict is the last line" "$(grep -v '^lab: ' "$log" | tail -n 1)" '^step04-ept: '

summary
