# format.awk — bench-table's layout: table.awk's records as a text table
# (style=text: what make bench prints, and book/output/step08-bench.txt)
# or as Markdown tables (style=md); one table after another when the
# records are several machines'.  Runs on the host, under bench-table.
function md_row(a, n,    i, line) {
	line = "|"
	for (i = 1; i <= n; i++)
		line = line " " a[i] " |"
	print line
}
# A new kind of record starts a new table, with its header.
function section(kind, header,    a, n, i, sep) {
	if (current == kind)
		return
	current = kind
	print ""
	n = split(header, a, "\t")
	if (style == "md") {
		md_row(a, n)
		sep = "| --- |"
		for (i = 2; i <= n; i++)
			sep = sep " ---: |"
		print sep
	} else if (n == 8)
		printf "%-44s %-5s %9s %9s %9s %9s %9s  %s\n", a[1], a[2], a[3],
			a[4], a[5], a[6], a[7], a[8]
	else
		printf "%-44s %9s %9s\n", a[1], a[2], a[3]
}
$1 == "H" {
	# A new machine's table (bench-table given several logs) starts
	# after a blank line.
	if (current != "" && current != "H")
		print ""
	current = "H"
	if (style == "md")
		print ($2 ~ /^make bench/ ? "**" $2 "**" : $2) "  "
	else
		print $2
	next
}
$1 == "R" {
	section("R", "metric\tunit\tours min\tours med\tQEMU min\tQEMU med\tours/QEMU\ttarget")
	target = $9 ($10 != "" ? ": " $10 : "")
	if (style == "md") {
		split($2 "\t" $3 "\t" $4 "\t" $5 "\t" $6 "\t" $7 "\t" $8 "\t" target, a, "\t")
		md_row(a, 8)
	} else {
		line = sprintf("%-44s %-5s %9s %9s %9s %9s %9s  %s", $2, $3, $4,
			$5, $6, $7, $8, target)
		sub(/ +$/, "", line)
		print line
	}
	next
}
$1 == "B" || $1 == "I" {
	if ($1 == "B")
		section("B", "the boot, medians (ms; exits: counts)\tours\tQEMU")
	else
		section("I", "slowest initcalls (us; initcall_debug run)\tours\tQEMU")
	if (style == "md") {
		split($2 "\t" $3 "\t" $4, a, "\t")
		md_row(a, 3)
	} else
		printf "%-44s %9s %9s\n", $2, $3, $4
	next
}
$1 == "N" {
	if (current != "N") {
		current = "N"
		print ""
	}
	print (style == "md" ? "- " : "note: ") $2
	next
}
