#!/bin/sh
# pkglength.sh - print pkglength.asl, the reference for test_aml.c's
# "Package Length Encoding" edges: four buffers whose PkgLength sits on
# either side of the 1-byte and 2-byte limits (63 and 4095).
#
# A buffer of N bytes, written Buffer () {"A...A"} (N - 1 letters and the
# string's NUL), holds BufferSize (2 bytes up to 255, 3 up to 65535) and
# the N bytes under its PkgLength:
#   N = 60:   2 + 60   + 1 = 63    the largest one-byte PkgLength
#   N = 61:   2 + 61   + 2 = 65    two bytes (63 + 1 = 64 does not fit)
#   N = 4090: 3 + 4090 + 2 = 4095  the largest two-byte PkgLength
#   N = 4091: 3 + 4091 + 3 = 4097  three bytes
# (The listings would be 8 KiB of letters, hence a script, not a file.)
set -eu

letters() {
	awk -v n="$1" 'BEGIN { s = ""; for (i = 0; i < n; i++) s = s "A"; printf "%s", s }'
}

echo 'DefinitionBlock ("", "SSDT", 2, "HVCOUR", "PKGLEN", 1)'
echo '{'
i=0
for n in 60 61 4090 4091; do
	printf '    Name (B%03d, Buffer () {"%s"})\n' "$i" "$(letters $((n - 1)))"
	i=$((i + 1))
done
echo '}'
