#!/bin/sh
# hvf_run.sh — step08-arm64-hvf's `make run` on macOS (Apple silicon):
# the arm64 VMM on the hvf-arm64 backend, natively, no lab VM.  Started by
# hvf.mk's hvf-run after the build and the ad-hoc signature.
#
# UNVERIFIED: written without a Mac; it has never run.  It makes the arm64
# lab's runs (lab-arm64.sh) with build/vmm-hvf: the two-VM hypercall demo
# (hello.bin, --vms 2: HVC #0 straight to the VMM) and the probe's hostile
# calls, judged by the VMM's report; then, on macOS 15 or later (the
# framework's GIC), Linux with 2 vCPUs and two disks, the copy's checksum
# compared here.  The guests, the Image, the initramfs and the disks come
# from a Linux build (hvf.mk: hvf-assets) in HVF_ASSETS.  Verdict:
#   step08-arm64-hvf: PASS arches=arm64 linux_arm64=R init_ms=N
#   blk=verified cpus=2 vms=2 hypercalls=N backends=hvf-arm64 hvf=ran
#   engine=host-hvf
# SKIP (reason=linux-needs-macos-15) when only the demo can run; FAIL,
# with the reason, when a check fails.
set -u
step=step08-arm64-hvf
here=$(cd "$(dirname "$0")/.." && pwd)
vmm=$here/build/vmm-hvf
assets=${HVF_ASSETS:-$here/build/hvf-assets}
work=$here/build/hvf-run
fail() {
	echo "$step: FAIL reason=$1 backends=hvf-arm64 hvf=failed engine=host-hvf"
	exit 1
}
[ -x "$vmm" ] || fail no-vmm-hvf
[ -f "$assets/hello.bin" ] || fail no-hvf-assets
rm -rf "$work"
mkdir -p "$work" && cd "$work" || fail no-work-dir
. "$assets/vmm-abi.sh"
sha() { shasum -a 256 "$1" | cut -d ' ' -f 1; }
rkey() { sed -n "s/^$1=//p" report.txt; }
key() { sed -n "s/^$1=//p" linux.report; }
# The probe's calls and refusals, as on KVM (lab-arm64.sh): the backend
# answers an HVC outside the forwarded range with -1 itself, as KVM does.
PROBE_REJECTED=6
PROBE_CALLS=18

# guest ARGS — run the flat guest; its report is report.txt.
guest() {
	echo "\$ vmm-hvf --report report.txt $*"
	# shellcheck disable=SC2086 # the arguments are words
	"$vmm" --report report.txt "$@" </dev/null
	st=$?
	echo "(exit status $st)"
	echo "(report.txt: $(tr '\n' ' ' <report.txt 2>/dev/null))"
}
guest --vms 2 --stats "$assets/hello.bin"
[ $st -eq 0 ] || fail "hello-exit-status-$st"
for k in 1 2; do
	[ "$(rkey vm$k.end)" = exited ] && [ "$(rkey vm$k.hypercalls)" = 1011 ] &&
		[ "$(rkey vm$k.rejected)" = 0 ] || fail "hello-vm$k"
done
vms=$(rkey vms)
hypercalls=$(rkey hypercalls)
guest --stats "$assets/probe_arm64.bin"
[ $st -eq 0 ] && [ "$(rkey vm1.hypercalls)" = "$PROBE_CALLS" ] &&
	[ "$(rkey vm1.rejected)" = "$PROBE_REJECTED" ] ||
	fail "probe-calls-$(rkey vm1.hypercalls)-rejected-$(rkey vm1.rejected)"

# Linux needs the framework's GICv3: macOS 15 or later.
major=$(sw_vers -productVersion 2>/dev/null | cut -d . -f 1)
if [ "${major:-0}" -lt 15 ]; then
	echo "$step: SKIP reason=linux-needs-macos-15 arches=arm64 vms=$vms hypercalls=$hypercalls backends=hvf-arm64 hvf=ran engine=host-hvf"
	exit 0
fi
dd if=/dev/zero of=blk.img bs=1024 count=1024 2>/dev/null
cp "$assets/raw.img" raw.img
raw_before=$(sha raw.img)
echo "\$ vmm-hvf --kernel Image --initrd initramfs.cpio --cpus 2 --disk blk.img --disk raw.img,ro --cmdline 'panic=-1 quiet' --timeout 300 --report linux.report"
"$vmm" --kernel "$assets/Image" --initrd "$assets/initramfs.cpio" --cpus 2 \
	--disk blk.img --disk raw.img,ro --cmdline "panic=-1 quiet" \
	--timeout 300 --report linux.report </dev/null
st=$?
echo "(exit status $st)"
echo "(linux.report: $(tr '\n' ' ' <linux.report 2>/dev/null))"
[ $st -eq 0 ] && [ "$(key end)" = powered-off ] || fail "linux-exit-status-$st"
init_ms=$(key init_ms)
[ -n "$init_ms" ] || fail no-init-mark
cpus=$(key marks | tr ',' '\n' | awk -v base="$MARK_CPUS" '$1 > base { print $1 - base }')
[ "$cpus" = 2 ] || fail "cpus-online-${cpus:-unknown}"
copy=$(dd if=blk.img bs=512 count=256 2>/dev/null | shasum -a 256 | cut -d ' ' -f 1)
[ "$copy" = "$(cat "$assets/raw-sectors.sha256")" ] || fail blk-copy-differs
[ "$(sha raw.img)" = "$raw_before" ] || fail ro-disk-written
echo "$step: PASS arches=arm64 linux_arm64=$(key kernel) init_ms=$init_ms blk=verified cpus=$cpus vms=$vms hypercalls=$hypercalls backends=$(key backend) hvf=ran engine=host-hvf"
