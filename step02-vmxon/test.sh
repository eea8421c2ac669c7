#!/bin/sh
# step02-vmxon/test.sh — checks a console log of `make run` (host, POSIX sh).
#
# Usage: sh test.sh LOGFILE
# Asserts the verdict values (every CPU entered and left VMX operation), the
# per-CPU console lines (CR4.VMXE set in VMX operation, clear after), the
# bad parameters, the rollback after a real VMXON failure, CPU hotplug while
# loaded, the 20 load/unload cycles with a clean kernel log, and the -EBUSY
# refusal while KVM holds VMX.
. "$(dirname "$0")/../tests/lib.sh"
log=${1:?usage: test.sh LOGFILE}
text=$(cat "$log")

expect_eq "verdict" "$(verdict_word "$log")" PASS
expect_eq "cpus (the lab VM has 2)" "$(verdict_value "$log" cpus)" 2
expect_eq "vmxon: every CPU entered VMX operation" "$(verdict_value "$log" vmxon)" 2
expect_eq "vmxoff: every CPU left it" "$(verdict_value "$log" vmxoff)" 2
expect_match "engine has VMX" "$(verdict_value "$log" engine)" '^(bochs|qemu-kvm)$'
expect_match "IA32_FEATURE_CONTROL allows VMXON" "$text" \
	'^step02: IA32_FEATURE_CONTROL = 0x[0-9a-f]*5: locked, VMX outside SMX enabled$'
expect_match "CR4 needs only VMXE" "$text" \
	'^step02: CR4 = 0x[0-9a-f]+: .*VMX needs these bits changed: 0x2000$'

# Each CPU: VMXON with CR4.VMXE (bit 13) set, VMXOFF with it clear again.
X86_CR4_VMXE=$((1 << 13))
for cpu in 0 1; do
	on=$(sed -n "s/^step02: cpu$cpu: VMXON ok, now in VMX root operation (CR4 \(0x[0-9a-f]*\))$/\1/p" "$log" | head -n 1)
	off=$(sed -n "s/^step02: cpu$cpu: VMXOFF, CR4.VMXE cleared (CR4 \(0x[0-9a-f]*\))$/\1/p" "$log" | head -n 1)
	expect_match "cpu$cpu: VMXON line" "$on" '^0x'
	expect_match "cpu$cpu: VMXOFF line" "$off" '^0x'
	expect_eq "cpu$cpu: CR4.VMXE set in VMX operation" $((on & X86_CR4_VMXE)) $X86_CR4_VMXE
	expect_eq "cpu$cpu: CR4.VMXE clear after VMXOFF" $((off & X86_CR4_VMXE)) 0
	expect_eq "cpu$cpu: CR4 restored except VMXE" $((on & ~X86_CR4_VMXE)) $((off))
done
expect_match "unload is logged" "$text" '^step02: unloaded$'
expect_match "bad cpu rejected" "$text" '^step02: cpu=4096 is not an online CPU \(online: 0-1\)$'
expect_match "bad fail_on_cpu rejected" "$text" \
	'^step02: fail_on_cpu=4096 is not -1 or an online CPU \(online: 0-1\)$'
expect_eq "both bad parameters fail with EINVAL" \
	"$(grep -c "^insmod: can't insert './step02\.ko': Invalid argument$" "$log")" 2

# VMXON really fails on CPU 1 (wrong revision identifier): VMfailInvalid, and
# CPU 0, already in VMX operation, must leave it again.
rb=$(sed -n '/^# insmod step02.ko report=0 fail_on_cpu=1 /,/^# insmod step02.ko report=0; cpu1 offline/p' "$log")
expect_match "rollback: the load fails with EIO" "$rb" "can't insert './step02\.ko': Input/output error"
expect_match "rollback: cpu1 gets a wrong revision identifier" "$rb" \
	'^step02: cpu1: fail_on_cpu=1: VMXON region with revision identifier 0x[0-9a-f]+, not 0x[0-9a-f]+$'
expect_match "rollback: VMXON reports VMfailInvalid" "$rb" \
	'^step02: VMXON: VMfailInvalid \(CF=1; no current VMCS, so no error number\)$'
expect_match "rollback: cpu1 is left outside VMX" "$rb" '^step02: cpu1: VMXON failed, CR4\.VMXE cleared again$'
expect_no_match "rollback: cpu1 never entered VMX operation" "$rb" '^step02: cpu1: VMXON ok'
expect_match "rollback: cpu0 entered VMX operation" "$rb" '^step02: cpu0: VMXON ok'
expect_match "rollback: cpu0 left it again" "$rb" '^step02: cpu0: VMXOFF, CR4\.VMXE cleared'
expect_match "rollback: reported" "$rb" '^step02: VMXON failed \(-5\); every CPU is back out of VMX operation$'
if [ "$(verdict_value "$log" engine)" = bochs ]; then
	expect_match "bochs: the revision identifiers" "$rb" \
		'^step02: cpu1: fail_on_cpu=1: VMXON region with revision identifier 0x2a, not 0x2b$'
fi

# CPU hotplug while loaded: cpu1 leaves VMX operation before it goes offline
# and enters it again when it comes back; rmmod then leaves it on both.
# (on_each_cpu() runs the CPUs in no fixed order: the pairs are sorted.)
hp=$(sed -n '/^# insmod step02.ko report=0; cpu1 offline/,/^hotplug: /p' "$log" |
	sed -n 's/^step02: \(cpu[01]: VMXO[NF]F*\).*/\1/p')
expect_eq "hotplug: 6 VMXON/VMXOFF lines" "$(echo "$hp" | wc -l)" 6
expect_eq "hotplug: insmod: both CPUs enter" "$(echo "$hp" | sed -n 1,2p | sort | tr '\n' ' ')" \
	"cpu0: VMXON cpu1: VMXON "
expect_eq "hotplug: cpu1 offline, then online" "$(echo "$hp" | sed -n 3,4p | tr '\n' ' ')" \
	"cpu1: VMXOFF cpu1: VMXON "
expect_eq "hotplug: rmmod: both CPUs leave" "$(echo "$hp" | sed -n 5,6p | sort | tr '\n' ' ')" \
	"cpu0: VMXOFF cpu1: VMXOFF "
expect_match "hotplug: clean kernel log" "$text" '^hotplug: kernel log: 0 warnings/oopses/BUGs$'

expect_match "20 load/unload cycles, clean kernel log" "$text" \
	'^reload: 20 of 20 load/unload cycles ok; kernel log: 0 warnings/oopses/BUGs$'
outside=$(sed '/^# insmod step02.ko report=0 fail_on_cpu=1 /,/^# insmod step02.ko report=0; cpu1 offline/d' "$log")
expect_no_match "no VMX instruction failed outside the rollback" "$outside" \
	'VMfailInvalid|VMfailValid|faulted \(#UD or #GP\)|still in VMX operation'

# Another hypervisor holds VMX (kvm_intel with a VM): refused, on every CPU.
if [ "$(verdict_value "$log" engine)" = bochs ]; then
	expect_match "busy: refused with -EBUSY" "$text" \
		'^busy: load while another hypervisor holds VMX: EBUSY$'
	expect_match "busy: insmod says so" "$text" \
		"insmod: can't insert '.*step02\.ko': Device or resource busy"
	for cpu in 0 1; do
		expect_match "busy: cpu$cpu names the reason" "$text" \
			"^step02: cpu$cpu: CR4\.VMXE is already set: another hypervisor \(kvm_intel\?\) owns VMX on this CPU$"
	done
	expect_match "busy: nothing left in VMX operation" "$text" \
		'^step02: VMXON failed \(-16\); every CPU is back out of VMX operation$'
fi
expect_match "the verdict is the last line" "$(tail -n 1 "$log")" '^step02-vmxon: PASS '
summary
