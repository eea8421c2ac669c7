#!/bin/sh
# step00-module/test.sh — checks a console log of `make run` (host, POSIX sh).
. "$(dirname "$0")/../tests/lib.sh"
log=${1:?usage: test.sh LOGFILE}
text=$(cat "$log")

expect_eq "verdict" "$(verdict_word "$log")" PASS
expect_match "engine is a lab engine" "$(verdict_value "$log" engine)" '^(qemu-kvm|qemu-tcg|bochs)$'
# No hypervisor runs inside the lab VM, so nobody has set CR4.VMXE.
expect_eq "cr4_vmxe" "$(verdict_value "$log" cr4_vmxe)" 0
expect_eq "bad_param" "$(verdict_value "$log" bad_param)" rejected
expect_eq "unload" "$(verdict_value "$log" unload)" ok

# What the module printed from ring 0.
expect_match "runs at CPL 0" "$text" '^step00: loaded: running in ring 0 \(CPL 0\), registers read on CPU 0$'
# A 64-bit Linux kernel runs with protection, paging, and write protection.
expect_match "CR0 has PE, WP and PG" "$text" '^step00: CR0  = 0x[0-9a-f]{16}  PE .*WP.* PG$'
expect_match "CR4 has PAE" "$text" '^step00: CR4  = 0x[0-9a-f]{16}  .*PAE'
expect_no_match "CR4 has no VMXE" "$text" '^step00: CR4 .* VMXE'
# Long mode: enabled (LME) and active (LMA).
expect_match "EFER has LME and LMA" "$text" '^step00: EFER = 0x[0-9a-f]{16}  SCE LME LMA'
expect_match "the CR0 value matches its names" "$text" '^step00: CR0  = 0x0000000080050033  PE MP ET NE WP AM PG$'

# The bad parameter: -EINVAL from insmod, and the module says why.
expect_match "insmod reports EINVAL" "$text" "can't insert './step00.ko': Invalid argument"
expect_match "the module names the bad value" "$text" '^step00: cpu=4096 is not an online CPU \(online: 0\)$'
expect_match "unload is logged" "$text" '^step00: unloaded$'
expect_match "the verdict is the last line" "$(tail -n 1 "$log")" '^step00-module: PASS '
summary
