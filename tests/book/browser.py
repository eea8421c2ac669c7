"""tests/book/browser.py — the built book, seen in a real browser.

Runs on the host under Debian's /usr/bin/python3, standard library only
(tests/book/test.sh starts it). It serves the built book on 127.0.0.1,
drives headless Chromium through the DevTools protocol over a pipe
(--remote-debugging-pipe: no WebSocket library needed), and looks at every
page at desktop (1280 px) and phone (390 px) width:

  - every page loads without a script error, and asks nothing of the
    network beyond this machine;
  - every internal link leads to a page that exists, every #anchor to an
    element of that page (the one-page version, print.html, included);
  - every image is there and loads;
  - no line of a code block or ASCII diagram wraps (it scrolls), and no
    page is wider than a phone's screen;
  - every SVG diagram is legible at 1280 px: its smallest text is drawn at
    least at LEGIBLE times the body text's size;
  - the reader features: a sidebar with every page, a contents list to
    depth 3, a copy button on every code block, a link on every heading,
    the light/dark switch, search (served, from disk, and typed as the
    page opens);

and saves screenshots in OUT for a human to look at: each page's first
screen at both widths, each diagram as the desktop shows it, the dark
theme, search. Each check prints `ok - ...` or `FAIL - ...`; lines that
start with `#` say what is worth knowing but is no fault (code blocks wider
than the column, read by scrolling). Before the book, the checks run on a
page made to fail them, and must find each defect.

usage: browser.py SITE OUT
"""

import base64
import functools
import http.server
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

CHROMIUM = "/usr/bin/chromium"
WIDTHS = {"desktop": 1280, "phone": 390}
HEIGHT = {"desktop": 800, "phone": 844}
# The smallest diagram text may be this much smaller than the body's.
LEGIBLE = 0.85
TIMEOUT = 60  # seconds for one DevTools answer


def ok(what):
    print("ok - " + what, flush=True)


def fail(what):
    print("FAIL - " + what, flush=True)


def check(cond, what, why=""):
    if cond:
        ok(what)
    else:
        fail(what + (": " + why if why else ""))
    return cond


class Browser:
    """Headless Chromium, one tab, spoken to over --remote-debugging-pipe."""

    def __init__(self, log):
        self.profile = tempfile.mkdtemp(prefix="book-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def fds():  # the protocol's pipe: Chromium reads fd 3, writes fd 4
            os.dup2(to_chrome_r, 3)
            os.dup2(from_chrome_w, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--disable-extensions",
             "--hide-scrollbars", "--force-color-profile=srgb",
             "--user-data-dir=" + self.profile, "--remote-debugging-pipe", "about:blank"],
            preexec_fn=fds, close_fds=False, stdin=subprocess.DEVNULL,
            stdout=log, stderr=log)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Network"):
            self.call(domain + ".enable")

    def _read(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.from_chrome], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise EOFError("Chromium went away")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            msg["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            m = self._read(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"].get("message")))
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_event(self, method, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            for i, m in enumerate(self.events):
                if m["method"] == method:
                    return self.events.pop(i)
            self.events.append(self._read(deadline))

    def js(self, expr):
        """The value of a JavaScript expression (promises awaited)."""
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True,
                      awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError("script: " + json.dumps(r["exceptionDetails"])[:300])
        return r["result"].get("value")

    def viewport(self, width, height):
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=width < 600)

    def load(self, url):
        """Open url; wait for its load event, its fonts and its images."""
        self.events = [m for m in self.events if m["method"] != "Page.loadEventFired"]
        self.call("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")
        self.js("document.fonts.ready.then(() => Promise.all([...document.images]"
                ".map(i => i.complete ? 0 : new Promise(r => { i.onload = i.onerror = r; }))))")

    def screenshot(self, path, clip=None):
        """The window, or a rectangle {x, y, width, height} of the page."""
        args = {"format": "png"}
        if clip:
            args.update(captureBeyondViewport=True, clip=dict(clip, scale=1))
        r = self.call("Page.captureScreenshot", **args)
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))

    def close(self):
        try:
            self.call("Browser.close")
            self.proc.wait(10)
        except Exception:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def serve(site):
    """The built book on http://127.0.0.1:PORT/, in a thread."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, "http://127.0.0.1:%d/" % server.server_address[1]


# What one page shows, measured in the page (at the current width).
MEASURE = r"""
(async () => {
  const px = v => parseFloat(v);
  const body = px(getComputedStyle(document.querySelector(".md-content .md-typeset")).fontSize);
  // Lines of a code block: visual lines (distinct line boxes of its text)
  // against the lines of its text.
  const wrapped = [], scrolls = [];
  document.querySelectorAll(".md-content pre").forEach((pre, i) => {
    const code = pre.querySelector("code") || pre;
    const lines = code.textContent.replace(/\n$/, "").split("\n");
    const range = document.createRange();
    range.selectNodeContents(code);
    const tops = new Set();
    for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
    const written = lines.filter(l => l.length > 0).length;
    if (code.scrollWidth > code.clientWidth + 1)
      scrolls.push({block: i + 1, longest: Math.max(...lines.map(l => l.length)),
                    first: lines.find(l => l.trim()).trim().slice(0, 40)});
    if (tops.size > written) {
      const longest = Math.max(...lines.map(l => l.length));
      wrapped.push({block: i + 1, written, drawn: tops.size, longest,
                    first: lines.find(l => l.trim()).trim().slice(0, 50)});
    }
  });
  // Diagrams: each SVG picture drawn again, inline and hidden, at the size
  // the page shows it, to measure the size its text is drawn at.
  const diagrams = [];
  for (const img of document.querySelectorAll(".md-content img")) {
    if (!/\.svg($|\?)/.test(img.src)) continue;
    const r = img.getBoundingClientRect();
    const d = {src: img.getAttribute("src"), alt: img.alt, shown: img.clientWidth,
               natural: img.naturalWidth, smallest: null,
               clip: {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}};
    try {
      const svgText = await (await fetch(img.src)).text();
      const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
      const svg = document.importNode(doc.documentElement, true);
      svg.setAttribute("width", img.clientWidth);
      svg.setAttribute("height", img.clientHeight);
      const box = document.createElement("div");
      box.style.cssText = "position:absolute;left:0;top:0;visibility:hidden";
      box.appendChild(svg);
      document.body.appendChild(box);
      for (const t of svg.querySelectorAll("text")) {
        if (!t.textContent.trim()) continue;
        const m = t.getScreenCTM();
        const size = px(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
        if (d.smallest === null || size < d.smallest.size)
          d.smallest = {size: size, text: t.textContent.trim().slice(0, 40)};
      }
      box.remove();
    } catch (e) { d.error = String(e); }
    diagrams.push(d);
  }
  const images = [...document.images].map(i => ({src: i.getAttribute("src"),
    ok: i.complete && i.naturalWidth > 0}));
  const links = [...document.querySelectorAll("a[href]")].map(a => a.href);
  const ids = [...document.querySelectorAll("[id], a[name]")].map(e => e.id || e.name);
  return {body, wrapped, scrolls, diagrams, images, links, ids,
          blocks: document.querySelectorAll(".md-content pre").length,
          pageWidth: document.documentElement.scrollWidth, viewWidth: innerWidth};
})()
"""


def page_events(b):
    """Script errors, failed loads and requests beyond this machine, since the last call."""
    errors, outside = [], []
    for m in b.events:
        p = m.get("params", {})
        if m["method"] == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            errors.append(d.get("exception", {}).get("description", d.get("text", "?"))[:120])
        elif m["method"] == "Network.requestWillBeSent":
            url = p["request"]["url"]
            if not url.startswith(("http://127.0.0.1:", "file://", "data:", "blob:", "about:")):
                outside.append(url)
        elif m["method"] == "Network.responseReceived" and p["response"]["status"] >= 400:
            errors.append("%d %s" % (p["response"]["status"], p["response"]["url"]))
        elif m["method"] == "Network.loadingFailed" and not p.get("canceled"):
            errors.append("%s (%s)" % (p.get("errorText"), p.get("type")))
    b.events = []
    return errors, outside


def wrapped(m):
    """The blocks of a measured page whose lines wrap, described."""
    return "; ".join("block %(block)d (%(first)s...): %(written)d lines drawn as %(drawn)d,"
                     " longest %(longest)d columns" % w for w in m["wrapped"])


def illegible(body, d):
    """Why a measured diagram is not legible, or "" if it is."""
    if d.get("error") or not d["smallest"]:
        return "cannot measure its text (%s)" % d.get("error", "no text")
    size, need = d["smallest"]["size"], LEGIBLE * body
    if size >= need:
        return ""
    return ("its smallest text (\"%s\") is %.1f px, under %.1f px (%.2f x the body's %.1f px);"
            " drawn %d px wide, shrunk to %d px" % (d["smallest"]["text"], size, need, LEGIBLE,
                                                     body, d["natural"], d["shown"]))


def broken_links(base, site, seen):
    """{page: [links that lead nowhere]} over the measured pages."""
    ids = {page: m["ids"] for page, m in seen.items()}
    broken = {}
    for page, m in seen.items():
        bad = []
        for url in sorted(set(m["links"])):
            if not url.startswith(base):
                continue  # an outside address: not checked offline
            u = urllib.parse.urlsplit(url)
            target = urllib.parse.unquote(u.path[len(urllib.parse.urlsplit(base).path):])
            target = target + "index.html" if target.endswith("/") or not target else target
            if target not in ids:
                if not os.path.isfile(os.path.join(site, target)):
                    bad.append(url[len(base):])
            elif u.fragment and urllib.parse.unquote(u.fragment) not in ids[target]:
                bad.append(url[len(base):])
        broken[page] = bad
    return broken


def measure(b, url):
    """Load url, measure it; with the page's errors and outside requests."""
    page_events(b)
    b.load(url)
    m = b.js(MEASURE)
    m["errors"], m["outside"] = page_events(b)
    return m


def desktop_checks(b, page, m, out):
    """What a page must be at 1280 px, as measured."""
    where = "%s at %d px" % (page, WIDTHS["desktop"])
    check(not m["errors"], where + ": loads without an error", "; ".join(m["errors"][:3]))
    check(not m["outside"], where + ": asks nothing of the network", " ".join(m["outside"][:3]))
    bad = [i["src"] for i in m["images"] if not i["ok"]]
    check(not bad, "%s: all %d images load" % (where, len(m["images"])), " ".join(bad))
    check(not m["wrapped"], "%s: no line of its %d code blocks wraps" % (where, m["blocks"]),
          wrapped(m))
    dup = sorted({i for i in m["ids"] if m["ids"].count(i) > 1})
    check(not dup, page + ": no identifier twice", " ".join(dup[:5]))
    b.screenshot(os.path.join(out, "%s-%d.png" % (page[:-5], WIDTHS["desktop"])))
    if page == "print.html":
        return  # the chapters' blocks and pictures again
    if m["scrolls"]:  # not a fault: worth knowing
        print("# %s: blocks wider than the column, read by scrolling: %s" % (
            where, ", ".join("%(block)d (%(longest)d columns, \"%(first)s\")" % w
                             for w in m["scrolls"])))
    for d in m["diagrams"]:
        why = illegible(m["body"], d)
        check(not why, "%s: %s (\"%s\") is legible at %d px" % (
            page, d["src"], d["alt"][:40], WIDTHS["desktop"]), why)
        name = os.path.basename(d["src"])[:-len(".svg")]
        b.screenshot(os.path.join(out, "diagram-%s-%d.png" % (name, WIDTHS["desktop"])), d["clip"])


def phone_checks(b, page, out):
    """The same page turned into a phone's: nothing wraps, nothing wider than it."""
    width = WIDTHS["phone"]
    where = "%s at %d px" % (page, width)
    b.viewport(width, HEIGHT["phone"])
    b.js("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    m = b.js(MEASURE)
    check(not m["wrapped"], "%s: no line of its %d code blocks wraps" % (where, m["blocks"]),
          wrapped(m))
    check(m["pageWidth"] <= m["viewWidth"], where + ": no wider than the screen",
          "%d px wide" % m["pageWidth"])
    b.screenshot(os.path.join(out, "%s-%d.png" % (page[:-5], width)))


def measure_pages(b, base, pages, out):
    """Every page at 1280 px, then at 390 px; what the desktop showed."""
    seen = {}
    for page in pages:
        b.viewport(WIDTHS["desktop"], HEIGHT["desktop"])
        m = measure(b, base + page)
        m["features"] = b.js(FEATURES)
        seen[page] = m
        desktop_checks(b, page, m, out)
        if page != "print.html":
            phone_checks(b, page, out)
    b.viewport(WIDTHS["desktop"], HEIGHT["desktop"])
    return seen


def check_links(base, site, seen):
    broken = broken_links(base, site, seen)
    for page in sorted(broken):
        check(not broken[page], "%s: every internal link and anchor lands (%d links)" % (
            page, len(set(seen[page]["links"]))), "broken: " + " ".join(broken[page][:8]))


FEATURES = r"""
(() => {
  const hrefs = sel => [...document.querySelectorAll(sel)].map(a => a.getAttribute("href"));
  const content = document.querySelector(".md-content");
  const heads = [...content.querySelectorAll("h2[id], h3[id]")];
  return {
    sidebar: hrefs("nav.md-nav--primary a.md-nav__link[href]"),
    toc: hrefs("nav.md-nav--secondary a.md-nav__link[href]"),
    heads: heads.map(h => ({id: h.id, level: h.tagName,
      link: !!h.querySelector('a.headerlink[href="#' + CSS.escape(h.id) + '"]')})),
    blocks: content.querySelectorAll("pre > code").length,
    // A copy button the reader can see, on every block, without scrolling.
    // A copy button the reader can see, on every block, without scrolling,
    // that copies that block's code.
    copy: [...content.querySelectorAll("pre")].filter(pre => [...pre.children].some(
      c => c.classList.contains("md-clipboard") && getComputedStyle(c).display !== "none" &&
           document.querySelector(c.dataset.clipboardTarget) === pre.querySelector("code"))).length,
  };
})()
"""

# The results of a search typed into the focused box, once Material has
# indexed the book in its worker (seconds on a loaded machine).
RESULTS = r"""
(async () => {
  const meta = () => document.querySelector(".md-search-result__meta").textContent.trim();
  for (let i = 0; i < 120; i++) {
    const items = document.querySelectorAll(".md-search-result__item > a[href]");
    if (items.length) return {meta: meta(), found: [...items].map(a => a.href)};
    await new Promise(r => setTimeout(r, 250));
  }
  return {meta: meta(), found: []};
})()
"""
BOX = 'document.querySelector("input.md-search__input")'
# theme/search-ready.js keeps the box read-only while Material indexes.
READY = "(async () => { for (let i = 0; i < 120 && %s.readOnly; i++) " \
        "await new Promise(r => setTimeout(r, 250)); return !%s.readOnly; })()" % (BOX, BOX)


def type_keys(b, text):
    for ch in text:
        b.call("Input.dispatchKeyEvent", type="keyDown", key=ch, text=ch)
        b.call("Input.dispatchKeyEvent", type="keyUp", key=ch)


def search(b, url, query, at_once=False):
    """Open url and search as a reader does: click the box, type the query.
    at_once: type it first as the page opens, then again when it can."""
    b.load(url)
    b.js(BOX + ".focus()")
    if at_once:
        type_keys(b, query)
    b.js(READY)
    b.js(BOX + '.value = ""')
    type_keys(b, query)
    return b.js(RESULTS)


# Click the copy button of the page's tallest code block; what Material says.
COPY = r"""
(async () => {
  const pre = [...document.querySelectorAll(".md-content pre")]
    .reduce((a, p) => p.offsetHeight > a.offsetHeight ? p : a);
  pre.querySelector(".md-clipboard").click();
  await new Promise(r => setTimeout(r, 200));
  return document.querySelector(".md-dialog").textContent.trim();
})()
"""


def scheme(b):
    return b.js('document.body.getAttribute("data-md-color-scheme")')


def check_page_features(seen):
    """Sidebar, contents, heading anchors and copy buttons, as measured."""
    pages = sorted(seen)
    missing_nav, shallow, no_link, no_copy = [], [], [], []
    for page in pages:
        f = seen[page]["features"]
        lacks = [p for p in pages if p not in f["sidebar"] and p != page]
        if lacks:
            missing_nav.append("%s lacks %s" % (page, " ".join(lacks)))
        lacks = [h["id"] for h in f["heads"] if "#" + h["id"] not in f["toc"]]
        if lacks and page != "print.html":  # its contents list the pages
            shallow.append("%s lacks %s" % (page, " ".join(lacks[:4])))
        bare = [h["id"] for h in f["heads"] if not h["link"]]
        if bare:
            no_link.append("%s: %s" % (page, " ".join(bare[:4])))
        if f["copy"] != f["blocks"]:
            no_copy.append("%s: %d of %d" % (page, f["copy"], f["blocks"]))
    check(not missing_nav, "the sidebar of every page lists all %d pages" % len(pages),
          "; ".join(missing_nav))
    check(not shallow, "every page's contents list holds its h2 and h3 headings",
          "; ".join(shallow))
    check(not no_link, "every h2 and h3 heading has an anchor link", "; ".join(no_link))
    check(not no_copy, "every code block has a copy button for its code", "; ".join(no_copy))


def check_themes(b, url, out):
    """A first visit follows the system's setting; the switch turns dark and stays."""
    # Material keeps the reader's choice in localStorage.
    b.js("localStorage.clear()")
    b.call("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": "dark"}])
    b.load(url)
    check(scheme(b) == "slate", "a first visit with a dark system setting shows the dark theme",
          "scheme %s" % scheme(b))
    b.screenshot(os.path.join(out, "dark-1280.png"))
    b.js("localStorage.clear()")
    b.call("Emulation.setEmulatedMedia", features=[{"name": "prefers-color-scheme", "value": "light"}])
    b.load(url)
    first = scheme(b)
    b.js('[...document.querySelectorAll("form[data-md-component=palette] label")]'
         '.find(l => !l.hidden).click()')
    second = scheme(b)
    b.load(url)
    third = scheme(b)
    check((first, second, third) == ("default", "slate", "slate"),
          "the header's switch turns the light theme dark, and the next page stays dark",
          "%s, then %s, then %s" % (first, second, third))
    b.js("localStorage.clear()")


def check_features(b, base, site, seen, out):
    """The reader features, at desktop width."""
    b.viewport(WIDTHS["desktop"], HEIGHT["desktop"])
    pages = sorted(seen)
    chapter = next((p for p in pages if p[:2].isdigit()), pages[0])
    check_page_features(seen)
    b.load(base + chapter)
    said = b.js(COPY)
    check(said == "Copied to clipboard", "the copy button of %s's longest block copies" % chapter,
          "Material says %r" % said)
    check_themes(b, base + chapter, out)
    for how, url in (("served", base + chapter), ("from disk", "file://" + site + "/" + chapter),
                     ("typed as the page opens", base + pages[-1])):
        r = search(b, url, "VMCS", at_once=how.startswith("typed"))
        found = {urllib.parse.urlsplit(u).path.rsplit("/", 1)[-1] for u in r["found"]}
        check(found and found <= set(pages) and "03-vmcs.html" in found,
              "search (%s) for VMCS finds chapter 03 among %d pages" % (how, len(found)),
              "Material says %r; results: %s" % (r["meta"], " ".join(r["found"][:3])))
        b.screenshot(os.path.join(out, "search-%s-1280.png" % how.split()[-1]))


# A page with every defect the checks must find, and its twins that pass.
FIXTURE = """<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<style>.md-typeset { font-size: 16px; } pre.wraps > code { white-space: pre-wrap; }
img { max-width: 100%%; }</style>
</head><body><div class="md-content"><article class="md-typeset" id="top">
<p>A page with defects.</p>
<pre class="wraps"><code>%(long)s</code></pre>
<pre><code>%(long)s
a second line</code></pre>
<p><img src="small.svg" alt="shrunk"></p>
<p><img src="large.svg" alt="legible"></p>
<p><img src="missing.png" alt="missing"></p>
<p><img src="http://localhost:1/outside.png" alt="outside"></p>
<p><a href="fixture.html#top">here</a> <a href="fixture.html#nowhere">an anchor that is not</a>
<a href="gone.html">a page that is not</a> <a href="small.svg">a file</a></p>
<div style="width: 1000px">wider than a phone</div>
</article></div></body></html>
"""

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="%(w)dpt" height="40pt" viewBox="0 0 %(w)d 40">
<text x="4" y="30" font-family="sans-serif" font-size="%(size)d">%(text)s</text></svg>
"""


def self_test(b, out):
    """The checks find what they must: run on a page made to fail them."""
    site = tempfile.mkdtemp(prefix="book-fixture-")
    files = {"fixture.html": FIXTURE % {"long": "a long line " * 40},
             "small.svg": SVG % {"w": 3000, "size": 12, "text": "too small once shrunk"},
             "large.svg": SVG % {"w": 300, "size": 14, "text": "legible"}}
    for name, text in files.items():
        with open(os.path.join(site, name), "w") as f:
            f.write(text)
    server, base = serve(site)
    try:
        for kind, width in WIDTHS.items():
            b.viewport(width, HEIGHT[kind])
            m = measure(b, base + "fixture.html")
            where = "the checks, on a page made to fail them at %d px," % width
            check([w["block"] for w in m["wrapped"]] == [1], where + " find the one wrapped block",
                  wrapped(m) or "none found")
            bad = [i["src"] for i in m["images"] if not i["ok"]]
            check(bad == ["missing.png", "http://localhost:1/outside.png"],
                  where + " find the images that do not load", "found %s" % bad)
            check(any(u.startswith("http://localhost:1/") for u in m["outside"]),
                  where + " see the request that leaves 127.0.0.1", "saw %s" % m["outside"])
            if kind == "phone":
                check(m["pageWidth"] > m["viewWidth"], where + " see it is wider than the screen",
                      "%d px wide" % m["pageWidth"])
                continue
            verdicts = {d["alt"]: illegible(m["body"], d) for d in m["diagrams"]}
            check(bool(verdicts.get("shrunk")) and verdicts.get("legible") == "",
                  where + " find the shrunk diagram, and only it", "%s" % verdicts)
            broken = broken_links(base, site, {"fixture.html": m})["fixture.html"]
            check(broken == ["fixture.html#nowhere", "gone.html"],
                  where + " find the two links that lead nowhere", "found %s" % broken)
    finally:
        server.shutdown()
        shutil.rmtree(site, ignore_errors=True)


def main(site, out):
    os.makedirs(out, exist_ok=True)
    site = os.path.abspath(site)
    pages = sorted(f for f in os.listdir(site) if f.endswith(".html") and f != "404.html")
    server, base = serve(site)
    log = open(os.path.join(out, "chromium.log"), "w")
    b = None
    try:
        b = Browser(log)
        self_test(b, out)
        seen = measure_pages(b, base, pages, out)
        check_links(base, site, seen)
        check_features(b, base, site, seen, out)
        print("# the browser checks ran to the end", flush=True)
    except Exception as e:  # the checks that did not run are failures
        fail("the browser checks ran to the end: %s: %s (%s)"
             % (type(e).__name__, e, os.path.join(out, "chromium.log")))
    finally:
        if b:
            b.close()
        server.shutdown()
        log.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: browser.py SITE OUT")
    main(sys.argv[1], sys.argv[2])
