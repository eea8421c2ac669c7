#!/bin/sh
# step01-cpuid-vmx/test.sh — checks the console logs of `make run` (host, POSIX sh).
#
# Usage: sh test.sh LOGFILE   (LOGFILE = the console of `make run`)
# Checks the verdict values and the report lines of the run on a VMX engine,
# then the run on QEMU TCG (no VMX) that `make test` keeps in
# build/run-no-vmx.log: the load must fail with -ENODEV and say why, and the
# verdict must be SKIP.
. "$(dirname "$0")/../tests/lib.sh"

log=$1
no_vmx_log=$(dirname "$0")/build/run-no-vmx.log
text=$(cat "$log")
engine=$(verdict_value "$log" engine)

# --- on a CPU with VMX -------------------------------------------------------
expect_eq "verdict" "$(verdict_word "$log")" PASS
expect_match "engine has VMX" "$engine" '^(bochs|qemu-kvm)$'
expect_eq "vmx" "$(verdict_value "$log" vmx)" 1
# Linux locks IA32_FEATURE_CONTROL at boot with VMX enabled when it is not.
expect_eq "feature_control" "$(verdict_value "$log" feature_control)" locked,enabled
expect_match "vmcs_revision is a hex number" "$(verdict_value "$log" vmcs_revision)" '^0x[0-9a-f]+$'
expect_match "vendor and CPUID bit" "$text" \
	'^step01: CPU vendor GenuineIntel: CPUID\.1:ECX\.VMX\[bit 5\] = 1$'
expect_match "TRUE control MSRs used (IA32_VMX_BASIC bit 55)" "$text" \
	'^step01: primary processor-based VM-execution controls \(MSR 0x48e\)'
# What step00 already showed, still there.
expect_match "runs at CPL 0" "$text" '^step01: loaded: running in ring 0 \(CPL 0\)'
expect_match "CR4.VMXE is still 0 (nobody uses VMX yet)" "$text" '^step01: CR4\.VMXE=0 '
expect_match "bad parameter rejected" "$text" "can't insert './step01\.ko': Invalid argument"
expect_match "unload is logged" "$text" '^step01: unloaded$'
expect_match "HLT exiting may be set" "$text" '^step01:   CPU_BASED_HLT_EXITING +optional \(0 or 1\)$'
expect_match "CR4 needs only VMXE for VMX" "$text" \
	'^step01: CR4 = 0x[0-9a-f]+: .*VMX needs these bits changed: 0x2000$'

if [ "$engine" = bochs ]; then
	# Bochs 2.7 corei7_skylake_x: the values in tests/unit/step01-cpuid-vmx/bochs_skylake_x.h
	expect_eq "bochs: vmcs_revision" "$(verdict_value "$log" vmcs_revision)" 0x2b
	expect_eq "bochs: ept" "$(verdict_value "$log" ept)" 1
	expect_eq "bochs: unrestricted_guest" "$(verdict_value "$log" unrestricted_guest)" 1
	expect_match "bochs: IA32_VMX_BASIC decoded" "$text" \
		'^step01: IA32_VMX_BASIC = 0x00d810000000002b: VMCS revision 0x2b, region 4096 bytes, memory type WB, true controls yes$'
	expect_match "bochs: secondary controls" "$text" \
		'^step01: secondary processor-based VM-execution controls \(MSR 0x48b\): allowed-0 0x00000000 allowed-1 0x02177fff$'
	for cap in VMX_EPT_PAGE_WALK_4_BIT VMX_EPTP_WB_BIT VMX_EPT_2MB_PAGE_BIT \
		VMX_EPT_INVEPT_BIT VMX_EPT_EXTENT_CONTEXT_BIT VMX_EPT_EXTENT_GLOBAL_BIT; do
		expect_match "bochs: EPT capability $cap" "$text" "^step01:   $cap +yes$"
	done
	expect_match "bochs: no 5-level EPT" "$text" '^step01:   VMX_EPT_PAGE_WALK_5_BIT +no$'
fi

# --- on a CPU without VMX ----------------------------------------------------
if [ -f "$no_vmx_log" ]; then
	expect_eq "no VMX: verdict" "$(verdict_word "$no_vmx_log")" SKIP
	expect_eq "no VMX: engine" "$(verdict_value "$no_vmx_log" engine)" qemu-tcg
	expect_eq "no VMX: reason" "$(verdict_value "$no_vmx_log" reason)" no-vmx
	expect_eq "no VMX: errno" "$(verdict_value "$no_vmx_log" errno)" ENODEV
	expect_match "no VMX: insmod got -ENODEV" "$(cat "$no_vmx_log")" \
		"insmod: can't insert '.*step01\.ko': No such device"
	expect_match "no VMX: the module says why" "$(cat "$no_vmx_log")" \
		'^step01: CPU vendor [A-Za-z]+: CPUID\.1:ECX\.VMX\[bit 5\] = 0, this CPU does not implement VMX'
else
	fail "no VMX: $no_vmx_log is missing (make test runs make run-no-vmx first)"
fi

summary
