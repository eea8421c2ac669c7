#!/bin/sh
# test.sh - host-side checks of a step03-vmcs lab transcript.
#
# Usage: sh test.sh LOGFILE   (LOGFILE = the console of `make run`)
# Asserts the verdict values (the guest's exits, its sum, the signature it
# saw); the first load (guest=hlt): the controls it asked for, one VMLAUNCH
# and one HLT exit at the guest's first byte; the second (the full guest):
# the controls the exit loop adds, the exit-by-exit console lines; how VM
# entry refused the two VMCSs broken on purpose; the exit budget stopping a
# guest; and a process with an LDT whose segments survived the guest's run
# on its CPU.
. "$(dirname "$0")/../tests/lib.sh"

log=$1
# The lines of one part of the run: from the line that starts with $1 to
# the next line that starts with "# ".
part() { awk -v s="$1" 'index($0, s) == 1 { on = 1; print; next } on && /^# / { exit } on' "$log"; }
# The module's kernel-log lines of a part, without their "step03: " prefix.
module_lines() { printf '%s\n' "$1" | sed -n 's/^step03: //p'; }
text=$(module_lines "$(cat "$log")")
launch=$(module_lines "$(part '# insmod step03.ko guest=hlt')")
loop=$(module_lines "$(part '# insmod step03.ko report=0   (the full guest')")
ldt=$(part '# ldt_check ')
SIGNATURE=CourseHVisor # hv_signature in exit_loop.c

expect_match "verdict is PASS" "$(grep '^step03-vmcs: ' "$log" | tail -n 1)" '^step03-vmcs: PASS '
expect_eq "exits: one CPUID, two VMCALLs, one HLT" "$(verdict_value "$log" exits)" cpuid:1,vmcall:2,hlt:1
expect_eq "result: the guest's 1 + 2 + ... + 100" "$(verdict_value "$log" result)" 5050
expect_eq "signature the guest saw" "$(verdict_value "$log" signature)" $SIGNATURE
expect_match "engine has VMX" "$(verdict_value "$log" engine)" '^(bochs|qemu-kvm)$'

# step02's part: VMXON on both CPUs of the lab VM, VMXOFF at unload.
expect_match "VMXON on cpu0" "$text" '^cpu0: VMXON ok'
expect_match "VMXON on cpu1" "$text" '^cpu1: VMXON ok'
expect_match "VMXOFF on cpu0" "$text" '^cpu0: VMXOFF, CR4.VMXE cleared'
expect_match "VMXOFF on cpu1" "$text" '^cpu1: VMXOFF, CR4.VMXE cleared'

# The controls: what we asked for is in what we wrote.
# control PART FIELD - "value asked" of FIELD's line in PART.
control() {
	printf '%s\n' "$1" | sed -n "s/^$2 *= \(0x[0-9a-f]*\) (asked \(0x[0-9a-f]*\))$/\1 \2/p" | head -n 1
}
for c in PIN_BASED_VM_EXEC_CONTROL CPU_BASED_VM_EXEC_CONTROL VM_EXIT_CONTROLS VM_ENTRY_CONTROLS; do
	for p in launch loop; do
		if [ $p = launch ]; then lines=$launch; else lines=$loop; fi
		# shellcheck disable=SC2046 # split "value asked" into $1 $2
		set -- $(control "$lines" $c)
		expect_match "$p: $c logged" "${1:-}" '^0x'
		expect_eq "$p: $c has every bit asked for" $((${1:-0} & ${2:-1})) $((${2:-1}))
	done
done

# (1) guest=hlt: HLT exiting, 64-bit host, IA-32e guest; nothing else.
expect_match "launch: VMCLEAR and VMPTRLD" "$launch" \
	'^VMCS at physical 0x[0-9a-f]+: VMCLEAR, VMPTRLD ok on cpu[01] \(revision 0x[0-9a-f]+\)$'
expect_eq "launch: pin-based controls asked" "$(control "$launch" PIN_BASED_VM_EXEC_CONTROL | cut -d' ' -f2)" 0x00000000
expect_eq "launch: processor-based controls asked (CPU_BASED_HLT_EXITING)" \
	"$(control "$launch" CPU_BASED_VM_EXEC_CONTROL | cut -d' ' -f2)" 0x00000080
expect_eq "launch: VM-exit controls asked (VM_EXIT_HOST_ADDR_SPACE_SIZE)" \
	"$(control "$launch" VM_EXIT_CONTROLS | cut -d' ' -f2)" 0x00000200
expect_eq "launch: VM-entry controls asked (VM_ENTRY_IA32E_MODE)" \
	"$(control "$launch" VM_ENTRY_CONTROLS | cut -d' ' -f2)" 0x00000200
hlt_code=$(printf '%s\n' "$launch" | sed -n 's/^guest=hlt: 1-byte image at \(0x[0-9a-f]*\), stack at 0x[0-9a-f]*$/\1/p')
expect_match "launch: the guest is one byte" "$hlt_code" '^0x'
expect_eq "launch: exactly one VM exit, HLT at the guest's first byte" \
	"$(printf '%s\n' "$launch" | grep '^exit ')" \
	"exit 1: HLT (12) at rip ${hlt_code:-?}: back in VMX root operation"
expect_match "launch: the report" "$launch" '^result exits=cpuid:0,vmcall:0,hlt:1 result=none signature=none$'

# (2) the full guest: the exit loop adds external-interrupt and NMI exiting
# (PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING) and
# CPU_BASED_UNCOND_IO_EXITING to the guest's own controls.
expect_eq "loop: pin-based controls asked" "$(control "$loop" PIN_BASED_VM_EXEC_CONTROL | cut -d' ' -f2)" 0x00000009
expect_eq "loop: processor-based controls asked" "$(control "$loop" CPU_BASED_VM_EXEC_CONTROL | cut -d' ' -f2)" 0x01000080
expect_eq "loop: VM-exit controls asked" "$(control "$loop" VM_EXIT_CONTROLS | cut -d' ' -f2)" 0x00000200
expect_eq "loop: VM-entry controls asked" "$(control "$loop" VM_ENTRY_CONTROLS | cut -d' ' -f2)" 0x00000200

# Each round trip, in order. Exits are numbered as they come; a host
# interrupt that arrives while the guest runs takes a number too (unlogged),
# so the test checks the order of the logged exits, not their numbers.
exits=$(printf '%s\n' "$loop" | sed -n 's/^exit [0-9]*: \([A-Z_]*\) ([0-9]*) at rip 0x[0-9a-f]*$/\1/p' | tr '\n' ' ')
expect_eq "loop: the logged exits, in order" "$exits" "CPUID VMCALL VMCALL HLT "
# Where each exit happened, as an offset into the guest's code: the CPU
# reports the exiting instruction's RIP and skip_instruction() moved it on
# (guest.asm: mov eax, imm32 = 5 bytes, cpuid, mov eax, imm32, vmcall, ...).
start=$(printf '%s\n' "$loop" | sed -n 's/^guest=full: [0-9]*-byte image at \(0x[0-9a-f]*\), stack at 0x[0-9a-f]*$/\1/p')
rips=$(printf '%s\n' "$loop" | sed -n 's/^exit [0-9]*: [A-Z_]* ([0-9]*) at rip \(0x[0-9a-f]*\)$/\1/p')
# (Kernel addresses do not fit dash's signed arithmetic: use the low 32 bits.)
low32() { printf '%s\n' "${1:-0x0}" | sed 's/^0x.*\(.\{8\}\)$/0x\1/'; }
offsets=
for rip in $rips; do
	offsets="$offsets$(printf '0x%x' $((($(low32 "$rip") - $(low32 "$start")) & 0xffffffff))) "
done
expect_eq "loop: exit RIPs as offsets into guest.bin" "$offsets" "0x5 0xc 0x20 0x23 "
expect_match "loop: CPUID 0x40000000 answered with the signature" "$loop" \
	'^  CPUID leaf 0x40000000 -> eax 0x40000000 ebx 0x72756f43 ecx 0x56486573 edx 0x726f7369$'
expect_match "loop: the guest saw our signature" "$loop" "^  VMCALL HC_REPORT_SIGNATURE: the guest saw \"$SIGNATURE\"\$"
expect_match "loop: the guest's result" "$loop" '^  VMCALL HC_REPORT_RESULT: 5050$'
expect_match "loop: the guest ended" "$loop" '^  HLT: the guest is done$'

# Broken on purpose: a guest-state check fails as a VM exit with bit 31 ...
expect_match "broken guest state: the reason with the entry-failure bit" "$text" \
	'^VMLAUNCH: VM-entry failure: exit reason 0x80000021 = VMX_EXIT_REASONS_FAILED_VMENTRY \| INVALID_STATE \(33\)$'
expect_match "broken guest state: the qualification named" "$text" \
	'^VMLAUNCH: exit qualification 0 = ENTRY_FAIL_DEFAULT: a check on the guest-state area failed$'
expect_match "broken guest state: the field shown" "$text" '^  GUEST_RFLAGS +0x0$'
# ... a host-state check fails the instruction itself.
expect_match "broken host state: VMfailValid, error 8 by name" "$text" \
	'^VMLAUNCH: VMfailValid \(ZF=1\), VM-instruction error 8 VMXERR_ENTRY_INVALID_HOST_STATE_FIELD$'
# A guest that needs more exits than its budget: stopped after exactly that many.
expect_match "exit budget: the guest is stopped after 3 exits" "$text" \
	'^exit budget used up: 3 VM exits \(exit_budget=3\), stopping the guest$'
expect_match "exit budget: the load fails with -ETIMEDOUT" "$text" \
	'^the guest did not run to its end \(-110\); leaving VMX operation$'
expect_match "exit budget: insmod says so" "$(cat "$log")" \
	"^insmod: can't insert './step03\\.ko': Connection timed out\$"
expect_eq "VMfailInvalid never happened" "$(printf '%s\n' "$text" | grep -c VMfailInvalid)" 0
expect_eq "only the broken host state failed an instruction" "$(printf '%s\n' "$text" | grep -c VMfailValid)" 1

# A process with an LDT (selectors 0x7 and 0xf: LDT entries 0 and 1, RPL 3)
# ran the guest in its own context, on its own CPU; its LDT and its GS and
# FS selectors came back, and both segments still read what they held.
expect_match "ldt: the process is pinned to cpu1" "$ldt" '^ldt_check: on cpu1, GS = 0x7 and FS = 0xf from the LDT$'
expect_match "ldt: the guest ran on cpu1" "$ldt" '^step03: VMCS at physical 0x[0-9a-f]+: VMCLEAR, VMPTRLD ok on cpu1 '
expect_match "ldt: one HLT exit" "$ldt" '^step03: exit 1: HLT \(12\) at rip 0x[0-9a-f]+: back in VMX root operation$'
expect_match "ldt: read through the LDT before" "$ldt" '^ldt_check: before: GS:0 = 0x53475347, FS:0 = 0x53465346$'
expect_match "ldt: selectors and segments after" "$ldt" \
	'^ldt_check: after: GS = 0x7, FS = 0xf; loaded again through the LDT: GS:0 = 0x53475347, FS:0 = 0x53465346$'
expect_match "ldt: came back" "$ldt" '^ldt_check: the LDT and the GS and FS selectors came back$'

# The chapter's transcript of the first half is a part of a real run, cut
# out of book/output/step03-vmcs.txt after `book/capture step03-vmcs`:
#   sed -n '/^# insmod step03.ko guest=hlt/,/^# insmod step03.ko report=0 /p' \
#       book/output/step03-vmcs.txt | sed '$d' >book/output/step03-vmcs-launch.txt
# It must still be what this run prints, up to addresses, CPU numbers and
# the order in which the two CPUs' lines came.
first_half() { sed -n '/^# insmod step03.ko guest=hlt/,/^# insmod step03.ko report=0 /p' "$1" | sed '$d'; }
normal() { sed -E 's/0x[0-9a-f]{6,}/ADDR/g; s/cpu[0-9]+/cpuN/g' | sort; }
book_launch=$(dirname "$0")/../book/output/step03-vmcs-launch.txt
expect_eq "the chapter's first-half transcript is this run's" \
	"$(normal <"$book_launch" 2>/dev/null)" "$(first_half "$log" | normal)"
expect_match "clean kernel log" "$(cat "$log")" '^kernel log: 0 warnings/oopses/BUGs$'
expect_match "the verdict is the last line" "$(grep -v '^lab: ' "$log" | tail -n 1)" '^step03-vmcs: '

summary
