#!/bin/sh
# tests/book/test.sh — the book builds, cannot drift from the code, and reads
# well in a real browser.
#
# Host. 1. Builds the real book (every page, with its includes, transcripts,
# cost tables and pictures) and checks what it holds. 2. Builds broken pages
# to check that a missing marker, file, transcript or picture alt text fails
# the build with a message naming it. 3. Checks the box-drawing pictures of
# the pages. 4. Opens the built book in headless Chromium at 1280 and 390 px
# (tests/book/browser.py: links, anchors, images, wrapped lines, diagram
# legibility, the reader features, search from disk); its screenshots are
# left in tests/build/book/ for a human to look at.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
python=/usr/bin/python3 # Debian's, where mkdocs lives; the scripts need no more
shots=$top/tests/build/book
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Each `ok - ...` / `FAIL - ...` line of a helper script counts here.
count() {
	while IFS= read -r line; do
		case "$line" in
		'ok - '*) pass "${line#ok - }" ;;
		'FAIL - '*) fail "${line#FAIL - }" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done
}

# 1. The real book.
out=$(BOOK_OUT=$tmp/html "$top/book/build" 2>&1)
expect_status "the book builds" $? 0
html=$tmp/html

# What the built book holds.
check_contents() {
	n=$(ls "$top"/book/[0-9][0-9]-*.md | wc -l)
	expect_eq "one HTML page per chapter" "$(ls "$html"/[0-9][0-9]-*.html 2>/dev/null | wc -l)" "$n"
	for p in index preface glossary print; do
		if [ -f "$html/$p.html" ]; then pass "there is a page $p.html"; else fail "there is a page $p.html"; fi
	done
	missing=
	for c in "$top"/book/[0-9][0-9]-*.md; do
		c=$(basename "$c" .md)
		grep -q "href=\"$c.html\"" "$html/index.html" 2>/dev/null || missing="$missing $c"
	done
	expect_eq "chapters the index does not link" "$missing" ""

	# The directives were expanded: the chapter holds the code, the transcript
	# and the cost table, and no page still shows a directive.
	text() { sed 's/<[^>]*>//g; s/&quot;/"/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g; s/&#39;/'"'"'/g' "$1" 2>/dev/null; }
	ch00=$(text "$html/00-module.html")
	expect_match "chapter 00 holds the included bit table" "$ch00" '\{ *X86_CR0_PE, *"PE" *\}'
	expect_match "chapter 00 holds the real transcript" "$ch00" '^step00-module: PASS engine=[a-z-]+ cr4_vmxe=0 bad_param=rejected unload=ok$'
	expect_match "chapter 00 holds the cost table" "$ch00" 'make diff STEP=00'
	# An excerpt's title names its file and the lines it shows: those between
	# its markers.
	lines=$(printf '%s\n' "$ch00" | sed -n 's|.*step00-module/cpu_regs\.c, lines \([0-9]*\)-\([0-9]*\).*|\1 \2|p' | head -n 1)
	# shellcheck disable=SC2086 # two numbers, or none
	set -- $lines 1 1
	expect_eq "the excerpt's title gives the lines between the markers" \
		"$(sed -n "$(($1 - 1))p;$(($2 + 1))p" "$top/step00-module/cpu_regs.c" 2>&1 | grep -o 'book:[a-z]* bit-tables' | tr '\n' ' ')" \
		"book:begin bit-tables book:end bit-tables "
	left=$(for f in "$html"/*.html; do text "$f" | grep -E '^@(include|output|cost|contents)( |$)'; done)
	expect_eq "directives left in the HTML" "$left" ""

	# Every ```dot block is a picture with its alt text.
	dots=$(cat "$top"/book/*.md | grep -c '^```dot')
	imgs=$(cat "$html"/[0-9][0-9]-*.html "$html"/preface.html "$html"/glossary.html 2>/dev/null |
		grep -o '<img src="img/[^"]*\.svg" alt="[^"]\{1,\}"' | wc -l)
	expect_eq "pictures drawn from dot blocks, each with alt text" "$imgs" "$dots"

	# Offline: no page or stylesheet loads anything from elsewhere.
	remote=$(cat "$html"/*.html "$html"/*.css "$html"/assets/stylesheets/*.css 2>/dev/null |
		grep -Eo '<(link|script|img)[^>]*(href|src)="(https?:)?//[^"]*"|url\((https?:)?//[^)]*\)' | head -n 3)
	expect_eq "things the book loads from the network" "$remote" ""

	# The one-page version holds every page but the index, in the sidebar's order.
	want=$(for p in preface "$top"/book/[0-9][0-9]-*.md glossary; do basename "$p" .md; done | tr '\n' ' ')
	got=$(grep -o '<section class="print-page" id="[^"]*"' "$html/print.html" 2>/dev/null |
		sed 's/.*id="//; s/"$//' | tr '\n' ' ')
	expect_eq "the pages of print.html" "$got" "$want"

	# Glossary: every entry that links has its anchor, and chapters link to it.
	missing=
	for id in $(grep -B1 '^<!-- link: ' "$top/book/glossary.md" | sed -n 's/^#.*{#\([A-Za-z0-9_-]*\)}.*/\1/p'); do
		grep -q "id=\"$id\"" "$html/glossary.html" 2>/dev/null || missing="$missing $id"
	done
	expect_eq "glossary entries without their anchor" "$missing" ""
	expect_match "chapter 03 links VMCS to the glossary" \
		"$(grep -o '<a class="glossary" href="glossary.html#vmcs"[^>]*>VMCS</a>' "$html/03-vmcs.html")" .
	expect_no_match "no glossary link inside code" \
		"$(cat "$html"/[0-9][0-9]-*.html | grep -o '<code>[^<]*<a class="glossary"')" .
	expect_match "search-index.js holds the search index" \
		"$(grep -o '"location": *"03-vmcs.html"' "$html/search-index.js")" .
}
if [ -f "$html/index.html" ]; then
	check_contents
else # one failure, said once: there is nothing to read
	printf '%s\n' "$out"
fi

for s in "$top"/step[0-9][0-9]-*/; do
	s=$(basename "$s")
	nn=${s#step}; nn=${nn%%-*}
	if ls "$top"/book/"$nn"-*.md >/dev/null 2>&1; then
		pass "$s has a chapter"
	else
		fail "$s has a chapter"
	fi
done

# 2. Broken pages fail the build, naming the problem; a good picture works.
broken() { # what, page text, expected message
	mkdir -p "$tmp/src"
	printf '%b' "$2" >"$tmp/src/90-broken.md"
	out=$(BOOK_SRC=$tmp/src BOOK_OUT=$tmp/broken "$top/book/build" 2>&1)
	expect_status "$1 fails the build" $? 1
	expect_match "and is named" "$out" "$3"
}
broken "a missing marker" '# Broken\n\n@include step00-module/ring0.c no-such-marker\n' \
	"90-broken.md: @include: no marker 'book:begin no-such-marker' in step00-module/ring0.c"
broken "a marker that only begins another's name (bad-param)" '# Broken\n\n@include step00-module/lab.sh bad\n' \
	"no marker 'book:begin bad' in step00-module/lab.sh"
broken "a missing file" '# Broken\n\n@include step00-module/no-such-file.c x\n' \
	"90-broken.md: @include: no file step00-module/no-such-file.c"
broken "a missing transcript" '# Broken\n\n@output step77-nothing\n' \
	"90-broken.md: @output: no transcript .*step77-nothing.txt"
broken "a dot block without alt text" '# Broken\n\n```dot Has one\ndigraph a { x -> y }\n```\n\n```dot\ndigraph b { x -> y }\n```\n' \
	'90-broken.md: a ```dot block 2 \(line 7\) has no alt text'
broken "a page without a title" 'no title\n' "90-broken.md: no title"
rm -f "$tmp/src/90-broken.md"
printf '# Fine\n\n```dot The exit loop dispatching on "exit_reason" & <more>\ndigraph a { x -> y }\n```\n' >"$tmp/src/90-fine.md"
out=$(BOOK_SRC=$tmp/src BOOK_OUT=$tmp/fine "$top/book/build" 2>&1)
expect_status "a page with a dot picture builds" $? 0
expect_match "its picture is an SVG with its alt text" \
	"$(grep -o '<img [^>]*>' "$tmp/fine/90-fine.html" 2>/dev/null)" \
	'src="img/90-fine-1.svg" alt="The exit loop dispatching on &quot;exit_reason&quot; &amp; &lt;more&gt;"'
expect_match "and the SVG is there" "$(head -c 400 "$tmp/fine/img/90-fine-1.svg" 2>/dev/null)" '<svg'

# 3. Box-drawing pictures whose lines meet; the check finds a box that is off.
printf '# Box\n\n```\n┌──┐\n│ x │\n└──┘\n```\n' >"$tmp/box.md"
expect_match "the box check finds a box one column off" \
	"$("$python" "$top/tests/book/boxes.py" "$tmp/box.md")" '^FAIL - box.md: .*line 4 column 4: ┐ has no line below it'
"$python" "$top/tests/book/boxes.py" "$top"/book/*.md >"$tmp/boxes" 2>&1
expect_status "the box check ran" $? 0
count <"$tmp/boxes"

# 4. In a real browser.
if [ ! -x "$python" ]; then
	fail "Debian's Python is installed ($python; make setup)"
elif [ ! -x /usr/bin/chromium ]; then
	fail "Chromium is installed (/usr/bin/chromium; make setup)"
elif [ ! -f "$html/index.html" ]; then
	echo "(the browser checks did not run: the book did not build, a failure counted above)"
else
	rm -rf "$shots"
	"$python" "$top/tests/book/browser.py" "$html" "$shots" >"$tmp/browser" 2>&1
	expect_status "the browser checks ran" $? 0
	count <"$tmp/browser"
	expect_match "and to their end" "$(cat "$tmp/browser")" '^# the browser checks ran to the end$'

	echo "(screenshots: $shots)"
fi
summary
