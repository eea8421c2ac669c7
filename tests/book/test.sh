#!/bin/sh
# tests/book/test.sh — the book builds, and cannot drift from the code.
#
# Host. Builds the real book (every chapter, with its includes, transcripts
# and cost tables), then builds broken chapters to check that a missing
# marker, file or transcript fails the build with a message naming it.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$(BOOK_OUT=$tmp/html "$top/book/build" 2>&1)
expect_status "the book builds" $? 0
n=$(ls "$top"/book/[0-9][0-9]-*.md | wc -l)
expect_eq "one HTML page per chapter" "$(ls "$tmp"/html/[0-9][0-9]-*.html | wc -l)" "$n"
expect_match "an index with every chapter" "$(grep -c '<li><a href="[0-9][0-9]-' "$tmp/html/index.html")" "^$n\$"
# The directives were expanded: the chapter holds the code, the transcript
# and the cost table, and no page still shows a directive.
text() { sed 's/<[^>]*>//g; s/&quot;/"/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g' "$1"; }
ch00=$(text "$tmp/html/00-module.html")
expect_match "chapter 00 holds the included bit table" "$ch00" '\{ X86_CR0_PE, "PE" \}'
expect_match "chapter 00 holds the real transcript" "$ch00" '^step00-module: PASS engine=[a-z-]+ cr4_vmxe=0 bad_param=rejected unload=ok$'
expect_match "chapter 00 holds the cost table" "$ch00" 'make diff STEP=00'
left=$(for f in "$tmp"/html/*.html; do text "$f" | grep -E '^@(include|output|cost)( |$)'; done)
expect_eq "directives left in the HTML" "$left" ""
# Every navigation link leads to a page that exists.
for f in "$tmp"/html/[0-9][0-9]-*.html; do
	for h in $(grep -o '<nav>.*</nav>' "$f" | grep -o 'href="[^"]*"' | sed 's/href="//; s/"$//' | sort -u); do
		[ -f "$tmp/html/$h" ] || fail "$(basename "$f") links to a missing page $h"
	done
done
expect_match "chapter 01 links back to 00 and on to 02" \
	"$(grep -o '<nav>.*</nav>' "$tmp/html/01-cpuid-vmx.html" | head -n 1)" \
	'href="00-module.html">previous: .*href="02-[a-z-]+.html">next: '
for s in "$top"/step[0-9][0-9]-*/; do
	s=$(basename "$s")
	nn=${s#step}; nn=${nn%%-*}
	if ls "$top"/book/"$nn"-*.md >/dev/null 2>&1; then
		pass "$s has a chapter"
	else
		fail "$s has a chapter"
	fi
done

mkdir -p "$tmp/src"
printf '# Broken\n\n@include step00-module/ring0.c no-such-marker\n' >"$tmp/src/90-broken.md"
out=$(BOOK_SRC=$tmp/src BOOK_OUT=$tmp/b1 "$top/book/build" 2>&1)
expect_status "a missing marker fails the build" $? 1
expect_match "and is named" "$out" "no marker 'book:begin no-such-marker' in step00-module/ring0.c"
printf '# Broken\n\n@include step00-module/lab.sh bad\n' >"$tmp/src/90-broken.md"
out=$(BOOK_SRC=$tmp/src BOOK_OUT=$tmp/b4 "$top/book/build" 2>&1)
expect_status "a marker that only begins another's name (bad-param) fails" $? 1
expect_match "and is named" "$out" "no marker 'book:begin bad' in step00-module/lab.sh"
printf '# Broken\n\n@include step00-module/no-such-file.c x\n' >"$tmp/src/90-broken.md"
out=$(BOOK_SRC=$tmp/src BOOK_OUT=$tmp/b2 "$top/book/build" 2>&1)
expect_status "a missing file fails the build" $? 1
expect_match "and is named" "$out" "no file step00-module/no-such-file.c"
printf '# Broken\n\n@output step77-nothing\n' >"$tmp/src/90-broken.md"
out=$(BOOK_SRC=$tmp/src BOOK_OUT=$tmp/b3 "$top/book/build" 2>&1)
expect_status "a missing transcript fails the build" $? 1
expect_match "and is named" "$out" "no transcript .*step77-nothing.txt"
summary
