# tests/lib.sh — assertions for the end-to-end checks (POSIX sh, sourced).
#
# A step's test.sh sources this file and asserts exact values from the
# console log of a run:
#
#   . "$(dirname "$0")/../tests/lib.sh"
#   log=$1
#   expect_eq "cr4_vmxe in the verdict" "$(verdict_value "$log" cr4_vmxe)" 0
#   expect_match "the module's log" "$(cat "$log")" 'CR0 = 0x[0-9a-f]+'
#   summary
#
# Each assertion prints one line (`ok - what` or `FAIL - what: ...`);
# summary prints `N passed, N failed` and returns non-zero on a failure.

_passed=0
_failed=0

pass() {
	_passed=$((_passed + 1))
	printf 'ok - %s\n' "$1"
}

fail() {
	_failed=$((_failed + 1))
	printf 'FAIL - %s\n' "$1"
}

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1 = $3"
	else
		fail "$1: expected '$3', got '$2'"
	fi
}

# expect_match WHAT TEXT ERE — some line of TEXT matches the extended regex.
expect_match() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		pass "$1"
	else
		fail "$1: no line matches /$3/"
	fi
}

# expect_no_match WHAT TEXT ERE — no line of TEXT matches.
expect_no_match() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		fail "$1: found /$3/: $(printf '%s\n' "$2" | grep -E -m 1 -- "$3")"
	else
		pass "$1"
	fi
}

# expect_status WHAT ACTUAL EXPECTED — an exit status.
expect_status() {
	expect_eq "$1 (exit status)" "$2" "$3"
}

# verdict LOG [STEP] — the last verdict line in LOG (of STEP, if given).
verdict() {
	grep -E "^${2:-step[0-9]+-[a-z0-9-]+}: (PASS|FAIL|SKIP)( |$)" "$1" | tail -n 1
}

# verdict_value LOG KEY — the value of KEY=... in LOG's verdict line.
# Values may be quoted: console="Hello" yields Hello.
verdict_value() {
	verdict "$1" | awk -v k="$2" '{
		line = $0
		while (match(line, "(^| )" k "=")) {
			rest = substr(line, RSTART + RLENGTH)
			if (substr(rest, 1, 1) == "\"") {
				rest = substr(rest, 2)
				print substr(rest, 1, index(rest, "\"") - 1)
			} else {
				sub(/ .*/, "", rest)
				print rest
			}
			exit
		}
	}'
}

# verdict_word LOG — PASS, FAIL or SKIP.
verdict_word() {
	verdict "$1" | sed -E 's/^[^:]*: ([A-Z]+).*/\1/'
}

summary() {
	printf '%d passed, %d failed\n' "$_passed" "$_failed"
	[ "$_failed" -eq 0 ]
}
