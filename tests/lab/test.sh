#!/bin/sh
# tests/lab/test.sh — the lab machine is tested, not assumed.
#
# Runs on the host; boots small QEMU TCG lab VMs (a few seconds each) whose
# scripts fail on purpose, and checks that lab-run reports each failure as
# it should: the in-VM status, a time-out that really kills the engine, a
# kernel panic, bad engines and options, modules loaded with dependencies,
# several bundles in one boot.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
lab=$top/common/lab
export LAB_ENGINE=qemu-tcg
unset LAB_VERBOSE LAB_TIMEOUT

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bundle() { # bundle NAME SCRIPT
	mkdir -p "$tmp/$1"
	printf '%s\n' "$2" >"$tmp/$1/lab.sh"
}

# 1. The in-VM script's exit status is lab-run's, and it is reported.
bundle exit3 'echo "about to exit 3"; exit 3'
out=$(LAB_VERBOSE=1 "$lab/lab-run" "$tmp/exit3" 2>&1)
expect_status "script exits 3" $? 3
expect_match "its output is shown" "$out" '^about to exit 3$'
expect_match "the status is reported" "$out" '^lab: the in-VM command failed with status 3$'
expect_match "LAB_VERBOSE=1 shows the kernel's console" "$out" 'Linux version 6\.'
expect_no_match "but not the lab's markers (a verdict stays the last line)" "$out" '@@lab:'

out=$("$lab/lab-run" "$tmp/exit3" 2>&1)
expect_no_match "without LAB_VERBOSE the kernel's messages are hidden" "$out" 'Linux version'

# 2. Several bundles in one boot, modules with their dependencies.
bundle first 'echo "engine=$LAB_ENGINE cpus=$LAB_CPUS"; lsmod | cut -d" " -f1 | sort | tr "\n" " "; echo; ls /dev/kvm'
bundle second 'echo second; printf "no newline"; exit 5'
out=$("$lab/lab-run" --cpus 2 --load kvm_amd "$tmp/first" "$tmp/second" 2>&1)
expect_status "the first failing bundle's status" $? 5
expect_match "the script sees its engine and CPUs" "$out" '^engine=qemu-tcg cpus=2$'
expect_match "kvm_amd came with kvm and irqbypass" "$out" '^Module irqbypass kvm kvm_amd $'
expect_match "/dev/kvm exists once kvm is loaded" "$out" '^/dev/kvm$'
expect_match "bundle markers" "$out" '^lab: ==> first$'
expect_match "the first bundle's status" "$out" '^lab: <== first status=0$'
expect_match "the second bundle's status" "$out" '^lab: <== second status=5$'
expect_match "output without a final newline keeps its line" "$out" '^no newline$'
expect_no_match "no marker reaches the user" "$out" '@@lab:'

# 3. A time-out kills the engine and says so; run-step turns it into FAIL.
bundle hang 'echo hanging; sleep 600'
mkdir -p "$tmp/t"
out=$(TMPDIR=$tmp/t LAB_TIMEOUT=8 "$lab/run-step" --step step99-hang --log "$tmp/hang.log" -- "$tmp/hang" 2>&1)
expect_status "a time-out fails the run" $? 1
expect_match "the time-out is named" "$out" '^lab: time-out: the VM did not finish within 8 s; the qemu-tcg engine was killed'
expect_match "the verdict says why" "$(tail -n 1 "$tmp/hang.log")" '^step99-hang: FAIL reason=lab-time-out$'
# engine_gone WHAT DIR — no engine runs with a file under DIR (its TMPDIR).
# (The pattern names the engine: mkinitramfs has DIR in its arguments too.)
engine_gone() {
	if ! command -v pgrep >/dev/null; then
		fail "$1: cannot look, pgrep (procps) is not installed"
	elif pgrep -f "qemu-system-x86_64 .*$2/lab" >/dev/null; then
		fail "$1"
		pkill -KILL -f "qemu-system-x86_64 .*$2/lab" # leave no stray engine
	else
		pass "$1"
	fi
}
engine_gone "the engine is gone after the time-out" "$tmp/t"
out=$(LAB_TIMEOUT=8 "$lab/lab-run" "$tmp/hang" 2>&1)
expect_status "lab-run's own status for a time-out" $? 124

# 3b. lab-run stopped from outside stops the engine too: SIGTERM through
# its trap, SIGKILL (no trap runs) through the engine's parent-death signal.
# stop_lab SIGNAL DIR — start a hanging lab-run, SIGNAL it once its engine runs.
stop_lab() {
	mkdir -p "$2"
	TMPDIR=$2 "$lab/lab-run" "$tmp/hang" >/dev/null 2>&1 &
	p=$!
	i=0
	while ! pgrep -f "qemu-system-x86_64 .*$2/lab" >/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ $i -lt 100 ] || fail "the engine did not start within 10 s (SIG$1 test)"
	kill -"$1" $p
	{ wait $p; } 2>/dev/null
}
stop_lab TERM "$tmp/t2"
expect_status "lab-run stopped by SIGTERM" $? 130
engine_gone "the engine is gone after SIGTERM" "$tmp/t2"
expect_eq "its work directory is removed" "$(ls -A "$tmp/t2")" ""
stop_lab KILL "$tmp/t3"
sleep 0.5
engine_gone "the engine is gone after lab-run is killed with SIGKILL" "$tmp/t3"

# 4. A kernel panic is detected and shown.
bundle panic 'echo c >/proc/sysrq-trigger; sleep 60'
out=$("$lab/lab-run" "$tmp/panic" 2>&1)
expect_status "a panic fails with 125" $? 125
expect_match "the panic is named" "$out" '^lab: kernel panic on the console:$'
expect_match "the panic's own words" "$out" 'Kernel panic - not syncing: sysrq triggered crash'

# 5. Bad input: an unknown engine, an engine that cannot serve, bad options.
out=$(LAB_ENGINE=vmware "$lab/lab-run" "$tmp/exit3" 2>&1)
expect_status "an unknown LAB_ENGINE" $? 2
expect_match "the valid engines are listed" "$out" "unknown LAB_ENGINE 'vmware'; valid engines: qemu-kvm qemu-tcg bochs"
out=$(LAB_ENGINE=qemu-tcg "$lab/lab-run" --needs vmx "$tmp/exit3" 2>&1)
expect_status "QEMU TCG for a VMX step" $? 126
expect_match "is refused with the reason" "$out" 'cannot run a step that needs vmx: QEMU TCG does not emulate Intel VMX'
out=$(LAB_ENGINE=qemu-tcg "$lab/lab-run" --needs vmx --reports-skip "$tmp/exit3" 2>&1)
expect_status "unless the step reports SKIP itself" $? 3
out=$("$lab/lab-run" --cpus two "$tmp/exit3" 2>&1)
expect_status "a bad --cpus" $? 2
expect_match "names the bad value" "$out" "not a positive number: 'two'"
out=$(LAB_TIMEOUT=soon "$lab/lab-run" "$tmp/exit3" 2>&1)
expect_status "a bad LAB_TIMEOUT" $? 2
expect_match "names the knob" "$out" "LAB_TIMEOUT: not a positive number: 'soon'"
out=$("$lab/lab-run" "$tmp/nonexistent" 2>&1)
expect_status "a bundle without lab.sh" $? 2
expect_match "names the bundle" "$out" "bundle '$tmp/nonexistent' has no lab.sh"
out=$("$lab/lab-run" --needs gpu "$tmp/exit3" 2>&1)
expect_status "an unknown --needs" $? 2
expect_match "lists the valid needs" "$out" "--needs must be none, vmx or kvm, not 'gpu'"

# 6. An engine that is not installed, an asset that cannot be had.
mkdir -p "$tmp/bin"
for f in /usr/bin/* /bin/*; do
	case "$f" in */qemu-system-*) continue ;; esac
	[ -e "$tmp/bin/${f##*/}" ] || ln -s "$f" "$tmp/bin/${f##*/}"
done
out=$(PATH=$tmp/bin "$lab/lab-run" "$tmp/exit3" 2>&1)
expect_status "a missing engine" $? 126
expect_match "names the program and its package" "$out" "needs 'qemu-system-x86_64', which is not installed \\(Debian package qemu-system-x86"
out=$(LAB_CACHE=$tmp/cache LAB_KRELEASE=6.1.0-999-cloud-amd64 "$lab/lab-run" "$tmp/exit3" 2>&1)
expect_status "a kernel apt cannot get" $? 126
expect_match "names the package" "$out" 'linux-(image|headers)-6\.1\.0-999-cloud-amd64'
expect_eq "leaves no half-fetched kernel in the cache" "$(ls -A "$tmp/cache" | grep -v '^debs$')" ""

summary
