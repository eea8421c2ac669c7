#!/bin/sh
# guests/linux/initramfs.sh — the initramfs of the lab's Linux guest: a
# newc cpio (uncompressed: under nested emulation decompressing costs
# seconds and saves nothing) with busybox, /init, the VMM's ABI for
# /init, more files for its tests (in /, by their base names), and the
# kernel modules it loads with everything they depend on (from the
# kernel's modules.dep, so that modprobe works).
#
# Runs on the host, from the Makefile.
# usage: initramfs.sh OUT BUSYBOX MODDIR RELEASE INIT ABI "FILE..." MODULE...
set -eu
out=$1 busybox=$2 moddir=$3 release=$4 init=$5 abi=$6 files=$7
shift 7

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/dev" "$root/etc" "$root/mnt" "$root/proc" "$root/tmp" \
	"$root/sys" "$root/lib/modules/$release"
cp "$busybox" "$root/bin/busybox"
cp "$init" "$root/init"
chmod +x "$root/init"
cp "$abi" "$root/etc/vmm-abi.sh"
for f in $files; do
	cp "$f" "$root/"
done
: >"$root/lib/modules/$release/modules.dep"

# add NAME: the module (names use '_' where files may use '-') and its
# dependencies, with their modules.dep lines.
add() {
	line=$(awk -v n="$(echo "$1" | tr - _)" -F: '{
		f = $1; sub(/.*\//, "", f); sub(/\.ko.*$/, "", f); gsub(/-/, "_", f)
		if (f == n) { print; exit }
	}' "$moddir/modules.dep")
	[ -n "$line" ] || { echo "initramfs.sh: no module $1 in $moddir/modules.dep" >&2; exit 1; }
	for f in ${line%%:*} ${line#*:}; do
		mkdir -p "$root/lib/modules/$release/$(dirname "$f")"
		cp "$moddir/$f" "$root/lib/modules/$release/$f"
		grep -q "^$f:" "$root/lib/modules/$release/modules.dep" ||
			grep "^$f:" "$moddir/modules.dep" >>"$root/lib/modules/$release/modules.dep"
	done
}
for m in "$@"; do
	add "$m"
done
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out"
