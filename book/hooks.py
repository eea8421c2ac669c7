"""book/hooks.py — what MkDocs 1.4 and Material 8.2.5 do not do for the book.

Runs on the host, inside the `mkdocs build` that book/build starts (Debian's
/usr/bin/python3; standard library and MkDocs only). Three jobs:

  glossary links  the first use of a glossary term on a page links to its
                  entry in glossary.html; the entry's first sentence is the
                  link's tooltip. The terms are the `<!-- link: ... -->`
                  comments under the glossary's headings.
  print.html      every page's content, in book order, on one page: for
                  reading straight through, searching with the browser's
                  find, or printing. Identifiers get the page's name as a
                  prefix (`03-vmcs--the-controls`) and links are rewritten to
                  match, so every anchor stays unique and every link lands.
  offline search  Material fetches search/search_index.json and starts its
                  search worker from a URL; a browser refuses both for a
                  book opened from disk (file://). search-index.js hands
                  Material the index and the worker inline through its
                  `__search` hook (book/theme/main.html loads it).
"""

import glob
import html
import json
import os
import re

from markdown.extensions.toc import slugify
from mkdocs.structure.toc import AnchorLink, TableOfContents

GLOSSARY = "glossary.md"
PRINT = "print.md"
# Text inside these elements is never turned into a glossary link.
NO_LINK = {"a", "code", "pre", "kbd", "h1", "h2", "h3", "h4", "h5", "h6",
           "script", "style", "svg", "abbr"}

_terms = {}  # surface form -> (entry id, first sentence)
_pattern = None


def _first_sentence(markdown):
    """The first sentence of an entry, as plain text for a tooltip."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)  # links
    text = re.sub(r"[*`]", "", text)
    text = " ".join(text.split())
    end = re.search(r"\.(\s+[A-Z(]|$)", text)
    text = text[: end.start() + 1] if end else text
    return text if len(text) <= 200 else text[:199].rsplit(" ", 1)[0] + " …"


def _read_glossary(path):
    """Each `## Term {#id}` heading with a `<!-- link: A, B -->` line under it."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    terms = {}
    for i, line in enumerate(lines):
        m = re.match(r"^#{2,3} +(.+?)(?: +\{#([A-Za-z0-9_-]+)\})? *$", line)
        if not m or i + 1 >= len(lines):
            continue
        forms = re.match(r"^<!-- link: (.+) -->$", lines[i + 1].strip())
        if not forms:
            continue
        ident = m.group(2) or slugify(m.group(1), "-")
        body = []
        for text in lines[i + 2:]:
            if text.startswith("#"):
                break
            if not text.strip() and body:
                break
            if text.strip():
                body.append(text)
        sentence = _first_sentence(" ".join(body))
        for form in forms.group(1).split(","):
            if form.strip():
                terms[form.strip()] = (ident, sentence)
    return terms


def on_config(config):
    global _terms, _pattern
    path = os.path.join(config["docs_dir"], GLOSSARY)
    _terms = _read_glossary(path) if os.path.exists(path) else {}
    forms = sorted(_terms, key=len, reverse=True)  # "VM exit" before "VM"
    # A term may break across lines: "EPT\nviolation".
    alternatives = "|".join(r"\s+".join(map(re.escape, form.split())) for form in forms)
    _pattern = re.compile(r"(?<![\w-])(" + alternatives + r")(?![\w-])") if forms else None
    return config


def _link_terms(content, glossary_url):
    """Link the first use of each term outside code, links and headings."""
    linked = set()
    out = []
    depth = 0
    for part in re.split(r"(<[^>]*>)", content):
        tag = re.match(r"<(/?)([A-Za-z0-9]+)", part)
        if tag:
            name = tag.group(2).lower()
            if name in NO_LINK and not part.endswith("/>"):
                depth += -1 if tag.group(1) else 1
            out.append(part)
            continue
        if depth or not part or part.startswith("<"):
            out.append(part)
            continue

        def link(m):
            ident, sentence = _terms[" ".join(m.group(1).split())]
            if ident in linked:
                return m.group(1)
            linked.add(ident)
            return '<a class="glossary" href="%s#%s" title="%s">%s</a>' % (
                glossary_url, ident, html.escape(sentence), m.group(1))

        out.append(_pattern.sub(link, part))
    return "".join(out)


def on_page_content(content, page, config, files):
    if _pattern is None or page.file.src_uri in (GLOSSARY, PRINT):
        return content
    glossary = files.get_file_from_path(GLOSSARY)
    return _link_terms(content, glossary.url_relative_to(page.file))


def _prefixed(page, names):
    """page.content with every id prefixed by the page's name, links to match."""
    stem = page.file.name

    def href(m):
        target, anchor = m.group(2), m.group(3)
        if target == "":
            name = stem
        elif target.endswith(".html") and target[: -len(".html")] in names:
            name = target[: -len(".html")]
        else:
            return m.group(0)  # a file or an outside address: as it was
        return '%s="#%s"' % (m.group(1), name + "--" + anchor if anchor else name)

    content = re.sub(r'(?<=\s)id="([^"]+)"', lambda m: 'id="%s--%s"' % (stem, m.group(1)),
                     page.content)
    return re.sub(r'(?<=\s)(href)="([^"#:]*)(?:#([^"]*))?"', href, content)


def on_page_context(context, page, config, nav):
    """The one-page book: every other page's content, in the order of nav."""
    if page.file.src_uri != PRINT:
        return context
    pages = [p for p in nav.pages if p.file.src_uri not in (PRINT, "index.md")]
    names = {p.file.name for p in pages}  # links to the others stay links
    parts = [page.content]
    toc = []
    for p in pages:
        stem = p.file.name
        parts.append('<section class="print-page" id="%s">\n%s\n</section>'
                     % (stem, _prefixed(p, names)))
        top = AnchorLink(p.title, stem, 2)
        for h1 in p.toc.items:  # a page's h1, its h2 under it
            top.children += [AnchorLink(h2.title, stem + "--" + h2.id, 3) for h2 in h1.children]
        toc.append(top)
    page.content = "\n".join(parts)
    page.toc = TableOfContents(toc)
    return context


def on_post_build(config):
    site = config["site_dir"]
    with open(os.path.join(site, "search", "search_index.json"), encoding="utf-8") as f:
        index = json.load(f)
    workers = glob.glob(os.path.join(site, "assets", "javascripts", "workers", "search.*.min.js"))
    if len(workers) != 1:
        raise RuntimeError("book: hooks: expected one Material search worker, found %d" % len(workers))
    with open(workers[0], encoding="utf-8") as f:
        worker = f.read()
    with open(os.path.join(site, "search-index.js"), "w", encoding="utf-8") as f:
        f.write("// search-index.js: written by book/hooks.py (see there why)\n")
        f.write("var __search = {\n  index: Promise.resolve(%s),\n" % json.dumps(index))
        f.write('  worker: URL.createObjectURL(new Blob([%s], { type: "text/javascript" }))\n};\n'
                % json.dumps(worker))
