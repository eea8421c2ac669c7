#!/bin/sh
# tests/diff/test.sh — `make diff` tells the whole cost of a step.
#
# Runs on the host, no VM. common/step-diff is run on two small made-up
# steps in a scratch copy of the course's layout (a git repository, as a
# clone is), whose line counts are known, and on the real step06: the
# common files a step starts to use are in its diff and its statistics,
# mechanism and harness are counted apart, subfolders count, build products
# and README.md do not, and a wrong USES_COMMON is refused by name.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# lines FILE N — write N numbered lines to FILE (creating its folder).
lines() {
	mkdir -p "$(dirname "$1")"
	seq 1 "$2" | sed 's/^/line /' >"$1"
}
t=$tmp/top
mkdir -p "$t/common"
cp "$top/common/step-diff" "$t/common/"
lines "$t/common/include/abi.h" 7
mkdir -p "$t/common/guest"
printf '#include "abi.h"\n' >"$t/common/guest/rt.h"
lines "$t/common/guest/rt.c" 11
# step05-a: a VMM of 10 lines, a lab.sh of 4, a Makefile of 2.
a=$t/step05-a
lines "$a/vmm.c" 10
lines "$a/lab.sh" 4
printf 'STEP := step05-a\ninclude ../common/mk/vmm.mk\n' >"$a/Makefile"
lines "$a/README.md" 30
# step06-b: vmm.c changes 2 of its lines and gains 3, a subfolder with the
# new mechanism (queue.c, 20 lines, which includes the common header), a
# fuzz target (harness, 6 lines), a lab.sh with one more line, the Makefile
# declares the common header; its build products and README are not counted.
b=$t/step06-b
cp -R "$a" "$b"
sed -i 's/^line 3$/line three/; s/^line 7$/line seven/' "$b/vmm.c"
seq 11 13 | sed 's/^/line /' >>"$b/vmm.c"
mkdir -p "$b/virtio"
{ printf '#include "abi.h"\n'; seq 2 20 | sed 's/^/line /'; } >"$b/virtio/queue.c"
lines "$b/fuzz/fuzz_queue.c" 6
echo 'line 5' >>"$b/lab.sh"
printf 'STEP := step06-b\nUSES_COMMON := include/abi.h\ninclude ../common/mk/vmm.mk\n' >"$b/Makefile"
lines "$b/README.md" 50
lines "$b/build/vmm.o" 99
lines "$b/virtio/build/queue.o" 99
printf 'build/\n' >"$t/.gitignore"
(cd "$t" && git init -q && git add . && git -c user.name=t -c user.email=t@t commit -qm t) ||
	fail "a scratch git repository"
lines "$b/virtio/blk.c" 8 # new, not yet added to git: it counts

# stat_of PATH — "+ADDED -REMOVED" of PATH's line in --stat.
stat=$("$t/common/step-diff" --stat 06 2>&1)
expect_status "step-diff --stat 06" $? 0
stat_of() { printf '%s\n' "$stat" | awk -v f="$1" '$1 == f { print $(NF - 1), $NF }'; }
# total_of KIND — "+ADDED -REMOVED" of KIND's subtotal (mechanism, harness).
total_of() { printf '%s\n' "$stat" | awk -v k="$1" '$1 == k && $2 == "total" { print $3, $4 }'; }
expect_eq "vmm.c: 2 lines changed, 3 added" "$(stat_of vmm.c)" "+5 -2"
expect_eq "a file in a subfolder: virtio/queue.c" "$(stat_of virtio/queue.c)" "+20 -0"
expect_eq "a new file git does not track yet: virtio/blk.c" "$(stat_of virtio/blk.c)" "+8 -0"
expect_eq "the declared common header, shown as new" "$(stat_of common/include/abi.h)" "+7 -0"
expect_match "and marked as common" "$stat" '^  common/include/abi\.h \(common\) +\+7 +-0$'
expect_eq "mechanism total: 5 + 20 + 8 + 7" "$(total_of mechanism)" "+40 -2"
expect_eq "harness: the fuzz target" "$(stat_of fuzz/fuzz_queue.c)" "+6 -0"
expect_eq "harness: lab.sh" "$(stat_of lab.sh)" "+1 -0"
expect_eq "harness: Makefile" "$(stat_of Makefile)" "+2 -1"
expect_eq "harness total: 6 + 1 + 2" "$(total_of harness)" "+9 -1"
expect_eq "total" "$(printf '%s\n' "$stat" | awk '$1 == "total" { print $2, $3 }')" "+49 -3"
expect_match "fuzz/ is harness" "$(printf '%s\n' "$stat" | sed -n '/^harness/,$p')" '^  fuzz/fuzz_queue\.c '
expect_no_match "README.md is not counted" "$stat" 'README'
expect_no_match "build products are not counted" "$stat" '\.o '
table=$("$t/common/step-diff" --table 06)
expect_match "the table has the same mechanism total" "$table" '^\| mechanism total \| 40 \| 2 \|$'
expect_match "the same harness total" "$table" '^\| harness total \| 9 \| 1 \|$'
expect_match "the same total" "$table" '^\| \*\*total\*\* \| \*\*49\*\* \| \*\*3\*\* \|$'
expect_match "the common file's row" "$table" '^\| `common/include/abi\.h` \(common\) \| 7 \| 0 \|$'
diff=$("$t/common/step-diff" 06)
expect_match "the diff holds the subfolder's file" "$diff" '^\+\+\+ step06-b/virtio/queue\.c$'
expect_match "and the common file, whole" "$diff" '^\+\+\+ common/include/abi\.h$'
expect_match "whose last line is there" "$diff" '^\+line 7$'
expect_match "the statistics follow the diff" "$diff" '^What step06-b adds to step05-a, in lines:$'
first=$("$t/common/step-diff" --stat 05)
expect_eq "the first step of a lineage is all new" \
	"$(printf '%s\n' "$first" | awk '$1 == "total" { print $2, $3 }')" "+16 -0"

# --check: the declaration against the includes.
out=$("$t/common/step-diff" --check 06 2>&1)
expect_status "a step that declares what it includes" $? 0
printf 'STEP := step06-b\ninclude ../common/mk/vmm.mk\n' >"$b/Makefile"
out=$("$t/common/step-diff" --check 06 2>&1)
expect_status "a step that includes a common header it does not declare" $? 1
expect_match "is named, with the file that includes it" "$out" \
	'^step-diff: step06-b includes common/include/abi\.h \(from virtio/queue\.c\) but its Makefile does not declare it'
printf 'USES_COMMON := include/abi.h guest\n' >>"$b/Makefile"
out=$("$t/common/step-diff" --check 06 2>&1)
expect_status "a declared folder none of whose files is included" $? 1
expect_match "is named" "$out" '^step-diff: step06-b declares common/guest in USES_COMMON, but none of its sources includes it$'
printf 'USES_COMMON := include/nothere.h\n' >"$b/Makefile"
out=$("$t/common/step-diff" --check 06 2>&1)
expect_status "a declared file that does not exist" $? 1
expect_match "is named" "$out" 'USES_COMMON names common/include/nothere\.h, which does not exist$'
"$t/common/step-diff" --stat 06 >/dev/null 2>&1
expect_status "and stops the diff too" $? 2
out=$("$t/common/step-diff" 99 2>&1)
expect_status "a step that does not exist" $? 2
expect_match "is named" "$out" '^step-diff: there is no step 99$'

# The real step06: hypercall.h and the guest runtime are in its cost.
stat=$("$top/common/step-diff" --stat 06)
for f in common/include/hypercall.h common/guest/runtime.c common/guest/runtime.h \
	common/guest/start.asm common/guest/guest.ld.in; do
	expect_eq "step06 counts $f whole" \
		"$(printf '%s\n' "$stat" | awk -v f="$f" '$1 == f { print $(NF - 1) }')" "+$(wc -l <"$top/$f")"
done

summary
