#!/bin/sh
# tests/lab/test.sh — the lab machine is tested, not assumed.
#
# Runs on the host; boots small QEMU TCG lab VMs (a few seconds each) whose
# scripts fail on purpose, and checks that lab-run reports each failure as
# it should: the in-VM status, a time-out that really kills the engine, a
# kernel panic, bad engines and options, modules loaded with dependencies,
# several bundles in one boot. Then lab-engine's decisions and refusals for
# made-up hosts (an Intel laptop with nested VMX, an AMD host, a host without
# /dev/kvm, an arm64 board: lab-engine reads its host facts through
# LAB_TEST_* for this), the host-kvm path, where lab.sh runs on the host
# itself, and the arm64 lab VM (qemu-tcg-arm64) with its cross-build assets.
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

# A step (or a guest it relays) that prints something like the markers
# ends nothing: only /init knows this boot's token.
bundle forge 'echo "@@lab:exit=0@@"; echo "x @@lab:exit=0:0123456789abcdef@@"; echo "@@lab:begin@@"; sleep 2; exit 4'
out=$("$lab/lab-run" "$tmp/forge" 2>&1)
expect_status "a forged exit marker does not end the run" $? 4
expect_match "it is shown as the output it is" "$out" '^@@lab:exit=0@@$'
expect_match "with or without a token of its own" "$out" '^x @@lab:exit=0:0123456789abcdef@@$'

# 2. Several bundles in one boot, modules with their dependencies.
bundle first 'echo "engine=$LAB_ENGINE cpus=$LAB_CPUS"; lsmod | cut -d" " -f1 | sort | tr "\n" " "; echo; ls /dev/kvm; pidof kvm-hold || echo "kvm-hold: not running"'
bundle second 'echo second; printf "no newline"; exit 5'
out=$("$lab/lab-run" --cpus 2 --load kvm_amd "$tmp/first" "$tmp/second" 2>&1)
expect_status "the first failing bundle's status" $? 5
expect_match "the script sees its engine and CPUs" "$out" '^engine=qemu-tcg cpus=2$'
expect_match "kvm_amd came with kvm and irqbypass" "$out" '^Module irqbypass kvm kvm_amd $'
expect_match "/dev/kvm exists once kvm is loaded" "$out" '^/dev/kvm$'
expect_match "a lab that needs none holds no KVM VM, even with /dev/kvm" "$out" '^kvm-hold: not running$'
expect_no_match "and says nothing of it" "$out" 'holding two KVM VMs'
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
# A killed engine takes a moment to go (a 1 GiB guest's memory is freed
# first; under load, seconds): wait up to 10 s for it, then look.
engine_gone() {
	i=0
	while pgrep -f "qemu-system-x86_64 .*$2/lab" >/dev/null 2>&1 && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
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
# "Runs" means the engine's own command line (anchored): setpriv's, which
# names the engine too, matches before setpriv has set the parent-death
# signal and exec'd the engine, and a lab-run killed in that window leaves
# an engine no signal will reach (seen under load).
stop_lab() {
	mkdir -p "$2"
	TMPDIR=$2 "$lab/lab-run" "$tmp/hang" >/dev/null 2>&1 &
	p=$!
	i=0
	while ! pgrep -f "^qemu-system-x86_64 .*$2/lab" >/dev/null && [ $i -lt 100 ]; do
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
expect_match "the valid engines are listed" "$out" "unknown LAB_ENGINE 'vmware'; valid engines: qemu-kvm qemu-tcg bochs host-kvm qemu-tcg-arm64\$"
out=$(LAB_ENGINE=qemu-tcg "$lab/lab-run" --needs vmx "$tmp/exit3" 2>&1)
expect_status "QEMU TCG for a VMX step" $? 126
expect_match "is refused with the reason" "$out" 'cannot run a step that needs vmx: QEMU TCG does not emulate Intel VMX'
bundle vmxhold 'pidof kvm-hold || echo "kvm-hold: not running"; ls /dev/kvm; exit 3'
out=$(LAB_ENGINE=qemu-tcg "$lab/lab-run" --needs vmx --reports-skip --load kvm_amd "$tmp/vmxhold" 2>&1)
expect_status "unless the step reports SKIP itself" $? 3
# A VM held by kvm_intel would keep VMX on and fail step02's own VMXON:
# a vmx lab (Bochs, or this one) never holds one, /dev/kvm or not.
expect_match "a vmx lab with /dev/kvm" "$out" '^/dev/kvm$'
expect_match "holds no KVM VM" "$out" '^kvm-hold: not running$'
expect_no_match "and says nothing of it" "$out" 'holding two KVM VMs'
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
expect_match "lists the valid needs" "$out" "--needs must be one of: none vmx kvm kvm-userspace kvm-arm64; not 'gpu'"

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

# 7. The engine is decided in one place: lab-engine, for made-up hosts.
# mkhost NAME "CPU FLAGS" DEV_KVM(yes|no) KVM_INTEL_NESTED KVM_AMD_NESTED [MACHINE]
mkhost() {
	h=$tmp/host-$1
	mkdir -p "$h/module/kvm_intel/parameters" "$h/module/kvm_amd/parameters"
	printf 'processor\t: 0\nflags\t\t: fpu pae %s lm\n' "$2" >"$h/cpuinfo"
	[ "$3" = yes ] && : >"$h/kvm"
	echo "$4" >"$h/module/kvm_intel/parameters/nested"
	echo "$5" >"$h/module/kvm_amd/parameters/nested"
	echo "${6:-x86_64}" >"$h/machine"
}
mkhost ci "" yes N 0           # this project's CI: AMD, no SVM shown, a software /dev/kvm
mkhost nokvm "" no N 0         # no /dev/kvm at all
mkhost intel-nested vmx yes Y 0 # an Intel laptop with kvm_intel nested=Y
mkhost intel vmx yes N 0       # Intel, nested off
mkhost amd-nested svm yes N 1  # AMD with kvm_amd nested=1
mkhost arm64 "" yes N 0 aarch64 # an arm64 board or cloud VM with /dev/kvm
mkhost arm64-nokvm "" no N 0 aarch64 # arm64, the kernel not started at EL2
# engine HOST ARGS... — lab-engine's answer (stdout and stderr) on HOST.
engine() {
	h=$tmp/host-$1
	shift
	LAB_TEST_CPUINFO=$h/cpuinfo LAB_TEST_DEV_KVM=$h/kvm LAB_TEST_SYS_MODULE=$h/module \
		LAB_TEST_MACHINE=$(cat "$h/machine") "$lab/lab-engine" "$@" 2>&1
}
# decides HOST "ENGINE-FOR-none vmx kvm kvm-userspace kvm-arm64" — the five choices.
decides() {
	got=
	for n in none vmx kvm kvm-userspace kvm-arm64; do
		got="$got $(LAB_ENGINE= engine "$1" --needs "$n")"
	done
	expect_eq "$1: the engines for none, vmx, kvm, kvm-userspace, kvm-arm64" "${got# }" "$2"
}
decides ci "qemu-tcg bochs qemu-tcg qemu-tcg qemu-tcg-arm64"
decides nokvm "qemu-tcg bochs qemu-tcg qemu-tcg qemu-tcg-arm64"
decides intel-nested "qemu-kvm qemu-kvm qemu-kvm host-kvm qemu-tcg-arm64"
decides intel "qemu-kvm bochs qemu-tcg host-kvm qemu-tcg-arm64"
decides amd-nested "qemu-kvm bochs qemu-kvm host-kvm qemu-tcg-arm64"
decides arm64 "qemu-tcg bochs qemu-tcg qemu-tcg host-kvm"
decides arm64-nokvm "qemu-tcg bochs qemu-tcg qemu-tcg qemu-tcg-arm64"
expect_eq "every engine is in the one list" "$("$lab/lab-engine" --list | awk '{ print $1 }' | tr '\n' ' ')" \
	"qemu-kvm qemu-tcg bochs host-kvm qemu-tcg-arm64 "
expect_match "--explain says why" "$(LAB_ENGINE= engine intel --needs kvm-userspace --explain)" \
	"^lab-engine: host-kvm \\(this host's /dev/kvm is hardware-accelerated: the VMM runs here, no lab VM; host facts from LAB_TEST_\\* \\(a test\\)\\)$"

# refuses HOST ENGINE NEEDS REASON [--reports-skip] — LAB_ENGINE=ENGINE is
# refused (status 3) with exactly REASON.
refuses() {
	out=$(LAB_ENGINE=$2 engine "$1" --needs "$3" ${5:-})
	expect_status "$1: LAB_ENGINE=$2 for a step that needs $3 is refused" $? 3
	expect_eq "$1: LAB_ENGINE=$2 for $3: the reason" "$out" \
		"lab-engine: LAB_ENGINE=$2 cannot run a step that needs $3: $4"
}
refuses ci host-kvm kvm-userspace "/dev/kvm is not hardware-accelerated here (/proc/cpuinfo has neither vmx nor svm: a software KVM)"
refuses nokvm host-kvm kvm-userspace "there is no /dev/kvm on this host"
refuses ci qemu-kvm none "/dev/kvm is not hardware-accelerated here (/proc/cpuinfo has neither vmx nor svm: a software KVM)"
refuses intel-nested host-kvm none "host-kvm runs a userspace VMM on this host, and a step that needs none runs in a lab VM"
refuses intel-nested host-kvm vmx "host-kvm runs a userspace VMM on this host, and a step that needs vmx runs in a lab VM"
refuses intel-nested host-kvm kvm "host-kvm runs a userspace VMM on this host, and a step that needs kvm runs in a lab VM"
refuses intel qemu-kvm vmx "QEMU+KVM offers VMX to the lab VM only on an Intel host with kvm_intel nested=Y"
refuses amd-nested qemu-kvm vmx "QEMU+KVM offers VMX to the lab VM only on an Intel host with kvm_intel nested=Y"
refuses intel qemu-kvm kvm-userspace "QEMU+KVM offers /dev/kvm inside the lab VM only with nested virtualization on (kvm_intel or kvm_amd nested=1)"
refuses ci bochs kvm-userspace "KVM inside Bochs would take many minutes a step; use qemu-tcg"
refuses ci qemu-tcg vmx "QEMU TCG does not emulate Intel VMX; use bochs"
refuses ci host-kvm kvm-arm64 "this host is x86_64: its /dev/kvm runs guests of its own architecture, and this VMM is arm64 (qemu-tcg-arm64 runs it)"
refuses intel-nested host-kvm kvm-arm64 "this host is x86_64: its /dev/kvm runs guests of its own architecture, and this VMM is arm64 (qemu-tcg-arm64 runs it)"
refuses arm64 host-kvm kvm-userspace "this host is aarch64: its /dev/kvm runs arm64 guests, and this VMM is x86"
refuses arm64-nokvm host-kvm kvm-arm64 "there is no /dev/kvm on this host (arm64 KVM needs a kernel started at EL2)"
refuses ci qemu-tcg kvm-arm64 "qemu-tcg is an x86 lab VM, and this VMM is arm64 (qemu-tcg-arm64 runs it; host-kvm on an arm64 host)"
refuses intel-nested qemu-kvm kvm-arm64 "qemu-kvm is an x86 lab VM, and this VMM is arm64 (qemu-tcg-arm64 runs it; host-kvm on an arm64 host)"
refuses ci qemu-tcg-arm64 kvm-userspace "qemu-tcg-arm64 serves steps that need kvm-arm64"
refuses arm64 qemu-tcg-arm64 none "qemu-tcg-arm64 serves steps that need kvm-arm64"
out=$(LAB_ENGINE=qemu-tcg-arm64 engine arm64 --needs kvm-arm64)
expect_eq "arm64: LAB_ENGINE=qemu-tcg-arm64 for kvm-arm64 is taken (the lab VM instead of the host)" "$out" qemu-tcg-arm64
expect_match "--explain says why an arm64 host runs the arm64 VMM itself" "$(LAB_ENGINE= engine arm64 --needs kvm-arm64 --explain)" \
	"^lab-engine: host-kvm \\(this host is arm64 with /dev/kvm: the VMM runs here, no lab VM; host facts from LAB_TEST_\\* \\(a test\\)\\)$"
out=$(LAB_ENGINE=qemu-tcg engine ci --needs vmx --reports-skip)
expect_eq "qemu-tcg for vmx is accepted when the step reports SKIP itself" "$out" qemu-tcg
for e in qemu-kvm qemu-tcg bochs host-kvm; do
	out=$(LAB_ENGINE=$e engine intel-nested --needs kvm-userspace)
	case $e in
	bochs) expect_status "intel-nested: LAB_ENGINE=bochs for kvm-userspace is refused" $? 3 ;;
	*) expect_eq "intel-nested: LAB_ENGINE=$e for kvm-userspace is taken" "$out" "$e" ;;
	esac
done
for f in README.md common/README.md; do
	for e in $("$lab/lab-engine" --list | awk '{ print $1 }'); do
		expect_match "$f names the engine $e and what it serves" "$(cat "$top/$f")" "\`$e\`.*(step|serves|for )"
	done
done

# 8. host-kvm: no VM, lab.sh on this host, with the same contract. The made-
# up Intel host makes lab-engine pick host-kvm; these bundles do not touch
# /dev/kvm, so the facts being made up changes nothing they do.
host() {
	h=$tmp/host-intel
	LAB_ENGINE= LAB_TEST_CPUINFO=$h/cpuinfo LAB_TEST_DEV_KVM=$h/kvm LAB_TEST_SYS_MODULE=$h/module \
		LAB_TEST_MACHINE=x86_64 "$@"
}
bundle env 'echo "engine=$LAB_ENGINE cpus=$LAB_CPUS krel=$LAB_KREL"'
out=$(host "$lab/lab-run" --needs kvm-userspace --cpus 1 "$tmp/env" "$tmp/second" 2>&1)
expect_status "host-kvm: the first failing bundle's status" $? 5
expect_match "host-kvm: says where it runs" "$out" "^lab: running on this host's hardware-accelerated /dev/kvm \\(engine host-kvm, no lab VM; time-out 120 s\\)$"
expect_match "host-kvm: lab.sh sees LAB_ENGINE=host-kvm, this host's CPUs and kernel" "$out" \
	"^engine=host-kvm cpus=$(nproc) krel=$(uname -r)\$"
expect_match "host-kvm: the bundle markers" "$out" '^lab: <== second status=5$'
out=$(host env LAB_TIMEOUT=2 "$lab/run-step" --step step99-hang --log "$tmp/hang-host.log" -- --needs kvm-userspace "$tmp/hang" 2>&1)
expect_status "host-kvm: a time-out fails the run" $? 1
expect_match "host-kvm: the time-out is named" "$out" '^lab: time-out: hang/lab.sh did not finish within 2 s and was stopped \(LAB_TIMEOUT=2\)$'
expect_eq "host-kvm: the verdict says why" "$(tail -n 1 "$tmp/hang-host.log")" "step99-hang: FAIL reason=lab-time-out"
bundle hosthang 'echo hanging; sleep 613'
h=$tmp/host-intel
LAB_ENGINE= LAB_TEST_CPUINFO=$h/cpuinfo LAB_TEST_DEV_KVM=$h/kvm LAB_TEST_SYS_MODULE=$h/module \
	LAB_TEST_MACHINE=x86_64 "$lab/lab-run" --needs kvm-userspace "$tmp/hosthang" >/dev/null 2>&1 &
p=$!
i=0
while ! pgrep -f '^sleep 613$' >/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -TERM $p
{ wait $p; } 2>/dev/null
expect_status "host-kvm: lab-run stopped by SIGTERM" $? 130
sleep 0.5
if pgrep -f '^sleep 613$' >/dev/null; then
	fail "host-kvm: lab.sh and its children stop with lab-run"
	pkill -KILL -f '^sleep 613$'
else
	pass "host-kvm: lab.sh and its children stop with lab-run"
fi
out=$(LAB_ENGINE=host-kvm "$lab/lab-run" --needs vmx "$tmp/exit3" 2>&1)
expect_status "lab-run refuses LAB_ENGINE=host-kvm for a VMX module" $? 126
expect_match "with the reason" "$out" 'host-kvm runs a userspace VMM on this host, and a step that needs vmx runs in a lab VM'

# 9. kvm-userspace on this very host: the bundle sees the engine lab-engine
# picked, by its real name, and /dev/kvm wherever it runs.
want=$(LAB_ENGINE= "$lab/lab-engine" --needs kvm-userspace)
bundle where 'echo "engine=$LAB_ENGINE"; [ -c /dev/kvm ] && echo "dev-kvm=yes"'
out=$(LAB_ENGINE= "$lab/lab-run" --needs kvm-userspace "$tmp/where" 2>&1)
expect_status "kvm-userspace here" $? 0
expect_match "lab.sh sees LAB_ENGINE=$want, the engine lab-engine picked" "$out" "^engine=$want\$"
expect_match "and /dev/kvm (the vendor module is loaded in a lab VM)" "$out" '^dev-kvm=yes$'

# 9b. A lab VM that needs KVM holds two VMs open (common/lab/kvm-hold.c):
# VM A without an irqchip, VM B with one, a vCPU each, in one process that
# /init started before the bundles; without /dev/kvm, kvm-hold fails with
# one line and status 1.
bundle hold 'p=$(pidof kvm-hold) && echo "kvm-hold: running, pid $p"
echo "vm-fds=$(ls -l /proc/$p/fd | grep -c "anon_inode:kvm-vm$")"
echo "vcpu-fds=$(ls -l /proc/$p/fd | grep -c "anon_inode:kvm-vcpu:0$")"
mv /dev/kvm /dev/kvm.away; kvm-hold; echo "without /dev/kvm: status $?"; mv /dev/kvm.away /dev/kvm'
out=$(LAB_ENGINE=qemu-tcg "$lab/lab-run" --needs kvm-userspace --cpus 2 "$tmp/hold" 2>&1)
expect_status "a kvm-userspace lab" $? 0
pid=$(printf '%s\n' "$out" | sed -n 's/^kvm-hold: running, pid \([0-9]*\)$/\1/p')
expect_match "says it holds the VMs, with kvm-hold's pid" "$out" \
	"^lab: holding two KVM VMs open \\(kvm-hold, pid ${pid:-none}\\): the steps' VMs do not make the kernel patch its code\$"
expect_eq "kvm-hold holds two VMs" "$(printf '%s\n' "$out" | sed -n 's/^vm-fds=//p')" 2
expect_eq "and a vCPU in each" "$(printf '%s\n' "$out" | sed -n 's/^vcpu-fds=//p')" 2
expect_match "without /dev/kvm it names the failed call" "$out" '^kvm-hold: open /dev/kvm: No such file or directory$'
expect_match "and exits 1" "$out" '^without /dev/kvm: status 1$'

# 10. The arm64 lab VM: Debian's arm64 kernel from bookworm-backports in
# qemu-system-aarch64 with EL2, where arm64 KVM runs; the same contract.
arm64_rel=$(LAB_ARCH=arm64 "$lab/lab-assets" release)
expect_match "the arm64 lab kernel is bookworm-backports' cloud kernel, Linux 6.4 or later (the SMCCC filter)" \
	"$arm64_rel" '^(6\.([4-9]|[1-9][0-9])|[7-9]\.[0-9]+)\..*-cloud-arm64$'
rel_re=$(printf '%s' "$arm64_rel" | sed 's/[.+]/\\&/g') # 6.12.95+deb12-...: a regex
cache=$(. "$lab/config" && echo "$LAB_CACHE")
expect_eq "its release is pinned in the cache" "$(cat "$cache/release-cloud-arm64")" "$arm64_rel"
expect_match "its kernel is a plain arm64 Image" "$(file -b "$(LAB_ARCH=arm64 "$lab/lab-assets" kernel)")" '^Linux kernel ARM64 boot executable Image'
expect_match "its busybox is arm64's" "$(file -b "$(LAB_ARCH=arm64 "$lab/lab-assets" busybox)")" 'ARM aarch64.*statically linked'
bundle arm64 'echo "engine=$LAB_ENGINE cpus=$LAB_CPUS krel=$LAB_KREL machine=$(uname -m) online=$(cat /sys/devices/system/cpu/online)"; [ -c /dev/kvm ] && echo "dev-kvm=yes"; exit 7'
out=$(LAB_ENGINE= "$lab/lab-run" --needs kvm-arm64 --cpus 2 "$tmp/arm64" 2>&1)
expect_status "arm64: the script's exit status is lab-run's" $? 7
expect_match "arm64: lab-engine picks qemu-tcg-arm64 on this x86 host, and the boot says so" "$out" \
	"^lab: booting a qemu-tcg-arm64 VM: 2 CPU, 256 MiB, Debian kernel $rel_re "
expect_match "arm64: lab.sh sees its engine, CPUs, kernel and machine" "$out" \
	"^engine=qemu-tcg-arm64 cpus=2 krel=$rel_re machine=aarch64 online=0-1\$"
expect_match "arm64: /dev/kvm works in the VM (KVM built in, nothing loaded)" "$out" '^dev-kvm=yes$'
expect_match "arm64: the status is reported" "$out" '^lab: the in-VM command failed with status 7$'
expect_no_match "arm64: no marker reaches the user" "$out" '@@lab:'
out=$(LAB_ENGINE=qemu-tcg "$lab/lab-run" --needs kvm-arm64 "$tmp/arm64" 2>&1)
expect_status "arm64: LAB_ENGINE=qemu-tcg for an arm64 VMM is refused" $? 126
expect_match "arm64: with the reason" "$out" 'cannot run a step that needs kvm-arm64: qemu-tcg is an x86 lab VM, and this VMM is arm64'
out=$(LAB_ENGINE=qemu-tcg-arm64 "$lab/lab-run" --needs kvm-userspace "$tmp/arm64" 2>&1)
expect_status "arm64: LAB_ENGINE=qemu-tcg-arm64 for an x86 VMM is refused" $? 126
expect_match "arm64: with the reason" "$out" 'cannot run a step that needs kvm-userspace: qemu-tcg-arm64 serves steps that need kvm-arm64$'

# 11. What an arm64 VMM is cross-built with: the 6.12 UAPI headers (the
# SMCCC filter) and libfdt for arm64, from the cache, never the host's.
cflags=$(LAB_ARCH=arm64 "$lab/lab-assets" vmm-cflags)
ldflags=$(LAB_ARCH=arm64 "$lab/lab-assets" vmm-ldflags)
sysroot=$(LAB_ARCH=arm64 "$lab/lab-assets" vmm-sysroot)
expect_eq "vmm-cflags: arm64's asm/ first, then linux/ and libfdt" "$cflags" \
	"-isystem $sysroot/usr/include/aarch64-linux-gnu -isystem $sysroot/usr/include"
expect_eq "vmm-ldflags: the folder of arm64's libfdt.a" "$ldflags" "-L$sysroot/usr/lib/aarch64-linux-gnu"
expect_match "the sysroot says where it came from" "$(cat "$sysroot/versions")" '^linux-libc-dev=6\.[0-9]+\..*bpo12'
cat >"$tmp/smccc.c" <<'EOF'
#include <libfdt.h>
#include <linux/kvm.h>
int filter_attr = KVM_ARM_VM_SMCCC_FILTER, group = KVM_ARM_VM_SMCCC_CTRL;
int action = KVM_SMCCC_FILTER_FWD_TO_USER, psci = KVM_ARM_VCPU_PSCI_0_2;
int main(void) { return fdt_create_empty_tree(0, 0) == -FDT_ERR_NOSPACE ? 0 : 1; }
EOF
# shellcheck disable=SC2086
out=$(aarch64-linux-gnu-gcc -static $cflags -o "$tmp/smccc" "$tmp/smccc.c" $ldflags -lfdt 2>&1)
expect_status "a static arm64 program with the SMCCC filter's constants and libfdt cross-builds" $? 0
expect_match "it is an arm64 static executable" "$(file -b "$tmp/smccc")" '^ELF 64-bit LSB executable, ARM aarch64.*statically linked'
grep -v libfdt "$tmp/smccc.c" | sed 's/return .*;/return 0;/' >"$tmp/smccc-only.c"
out=$(LC_ALL=C aarch64-linux-gnu-gcc -fsyntax-only "$tmp/smccc-only.c" 2>&1)
expect_status "without those flags Debian 12's own arm64 cross headers (6.1) fail it" $? 1
expect_match "for want of the SMCCC filter" "$out" "'KVM_ARM_VM_SMCCC_FILTER' undeclared"
# The private apt configuration keeps its lists under the cache; the host's
# apt has no arm64 architecture and no arm64 lists.
lists=$cache/apt-arm64-bookworm-backports/state/lists
expect_match "the arm64 lists are in the cache's private apt state, bookworm-backports' too" \
	"$(ls "$lists")" '_dists_bookworm-backports_main_binary-arm64_Packages'
expect_eq "the host's dpkg knows no arm64" "$(dpkg --print-foreign-architectures | grep -c arm64)" 0
expect_eq "the host's apt holds no arm64 lists" "$(ls /var/lib/apt/lists | grep -c binary-arm64)" 0

summary
