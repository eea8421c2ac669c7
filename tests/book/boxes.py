"""tests/book/boxes.py — the box-drawing pictures of the chapters hold together.

Runs on the host under /usr/bin/python3 (standard library only); started by
tests/book/test.sh. In every fenced block of every page given, each corner
or tee of a box (┌ ┐ └ ┘ ├ ┤ ┬ ┴ ┼) must meet a line on each side it has an
arm: ┐ needs a line left of it and under it. A box whose right edge is one
column off its top looks fine in the Markdown source's editor and falls
apart in the browser; this finds it by line and column. One `ok - ...` or
`FAIL - ...` line per page that has such a picture.

usage: boxes.py PAGE.md...
"""

import os
import sys

# The arms of each box-drawing character: up, down, left, right.
ARMS = {
    "─": "lr", "━": "lr", "═": "lr", "│": "ud", "┃": "ud", "║": "ud",
    "┌": "dr", "┐": "dl", "└": "ur", "┘": "ul",
    "├": "udr", "┤": "udl", "┬": "dlr", "┴": "ulr", "┼": "udlr",
}
# Where an arm may end instead: arrowheads, and ASCII art's own lines.
ENDS = {"u": "▲^", "d": "▼vV", "l": "◀<", "r": "▶>"}
CORNERS = "┌┐└┘├┤┬┴┼"
STEP = {"u": (-1, 0, "d"), "d": (1, 0, "u"), "l": (0, -1, "r"), "r": (0, 1, "l")}
NAMES = {"u": "above", "d": "below", "l": "left of", "r": "right of"}


def blocks(path):
    """(first line number, lines) of each fenced block of a Markdown page."""
    fence, start, lines = None, 0, []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n").expandtabs(8)
            if fence is None and line.lstrip().startswith(("```", "~~~")):
                fence, start, lines = line.lstrip()[:3], n + 1, []
            elif fence is not None and line.strip().startswith(fence) and line.strip() == fence:
                yield start, lines
                fence = None
            elif fence is not None:
                lines.append(line)


def problems(start, lines):
    def at(r, c):
        if 0 <= r < len(lines) and 0 <= c < len(lines[r]):
            return lines[r][c]
        return " "

    for r, line in enumerate(lines):
        for c, ch in enumerate(line):
            if ch not in CORNERS:
                continue
            for arm in ARMS[ch]:
                dr, dc, back = STEP[arm]
                other = at(r + dr, c + dc)
                if back in ARMS.get(other, "") or other in ENDS[arm]:
                    continue
                yield "line %d column %d: %s has no line %s it (%r)" % (
                    start + r, c + 1, ch, NAMES[arm], other)


def main(pages):
    for page in pages:
        found, pictures = [], 0
        for start, lines in blocks(page):
            if any(ch in CORNERS for line in lines for ch in line):
                pictures += 1
                found += problems(start, lines)
        if not pictures:
            continue
        what = "%s: the box-drawing lines meet (%d %s)" % (
            os.path.basename(page), pictures, "picture" if pictures == 1 else "pictures")
        if found:
            print("FAIL - %s: %s" % (what, "; ".join(found[:6]) + (" ..." if len(found) > 6 else "")))
        else:
            print("ok - " + what)


if __name__ == "__main__":
    main(sys.argv[1:])
