#!/bin/sh
# tests/source/test.sh — the sources themselves: their format, and the
# common files each step declares.
#
# Runs on the host, no VM, a few seconds:
#   1. every tracked C source and header passes `clang-format --dry-run
#      -Werror` with the repository's .clang-format: one check per top-level
#      folder that holds C (each step, common, tests), naming every file that
#      fails and how many places in it. clang-format itself honours
#      `// clang-format off` ... `// clang-format on` (the asm goto blocks
#      that clang-format 14 mangles are kept away from it that way);
#   2. every step's USES_COMMON matches the common files its sources include
#      (common/step-diff --check), so `make diff` counts them.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
cd "$top" || exit 1

# The C files, as git tracks them; outside a git checkout, the C files
# outside build folders.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	cfiles=$(git ls-files '*.c' '*.h')
	what="tracked C files"
else
	cfiles=$(find . -name build -prune -o -type f \( -name '*.c' -o -name '*.h' \) -print | sed 's:^\./::' | LC_ALL=C sort)
	what="C files (no git checkout: every one outside build/)"
fi

# 1. The format, one check per top-level folder.
if ! command -v clang-format >/dev/null 2>&1; then
	fail "format: clang-format is not installed (Debian package clang-format; run 'make setup')"
else
	groups=$(printf '%s\n' "$cfiles" | grep . | sed 's:/.*::' | LC_ALL=C sort -u)
	for g in $groups; do
		files=$(printf '%s\n' "$cfiles" | grep "^$g/")
		total=$(printf '%s\n' "$files" | wc -l)
		# One run for the folder: each place it would change is a line
		# `FILE:LINE:COL: error: code should be clang-formatted`.
		# shellcheck disable=SC2086
		places=$(clang-format --dry-run -Werror $files 2>&1 |
			sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: .*/\1/p')
		nbad=$(printf '%s\n' "$places" | grep . | sort -u | wc -l)
		bad=$(printf '%s\n' "$places" | grep . | uniq -c |
			awk '{ printf "\n    %s (%d place%s)", $2, $1, $1 == 1 ? "" : "s" }')
		if [ $nbad -eq 0 ]; then
			pass "format: the $total $what in $g/ pass clang-format --dry-run -Werror"
		else
			fail "format: $nbad of the $total $what in $g/ are not clang-formatted (clang-format -i FILE fixes one):$bad"
		fi
	done
fi

# 2. The common files each step uses are declared.
for s in step[0-9][0-9]-*/; do
	s=${s%/}
	out=$("$top/common/step-diff" --check "$s" 2>&1)
	if [ $? -eq 0 ]; then
		pass "$s declares the common files it includes ($(echo "$out" | sed -n 's/.*(\([0-9]*\) common files)$/\1/p'))"
	else
		fail "$s: USES_COMMON in its Makefile is wrong:
$(printf '%s\n' "$out" | sed 's/^/    /')"
	fi
done

summary
