#!/usr/bin/python3
"""Check every local link of the rendered HTML book.

    linkcheck.py HTML_DIR ROOT

Every href and src in every page that points at a local file must name a file
that exists, and a #fragment must name an id (or an <a name>) in that page.
Links to other sites (http:, https:, mailto:) are not followed. Exits 1 and
names the page, the link, and the chapter source behind the page when one fails.
"""
import os
import re
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit


class PageScan(HTMLParser):
    """Collects the ids a page defines and the links it makes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.links = []  # (tag, attribute, value, line)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id",) + (("name",) if tag == "a" else ()):
            if attrs.get(key):
                self.ids.add(attrs[key])
        for key in ("href", "src"):
            value = attrs.get(key)
            if value is not None and not (tag == "link" and attrs.get("rel") in ("preconnect", "dns-prefetch")):
                self.links.append((tag, key, value, self.getpos()[0]))

    handle_startendtag = handle_starttag


def scan(path, cache):
    if path not in cache:
        parser = PageScan()
        with open(path, encoding="utf-8") as f:
            parser.feed(f.read())
        cache[path] = parser
    return cache[path]


def source_of(page, root):
    """The source file a page is rendered from, to name it in errors."""
    m = re.fullmatch(r"ch(\d\d)\.html", page)
    if m:
        for name in sorted(os.listdir(os.path.join(root, "chapters"))):
            if name.startswith(m.group(1) + "-"):
                return f"chapters/{name}/README.adoc"
    return {"index.html": "docs/preface.adoc", "setup.html": "docs/setup.adoc",
            "api-changes.html": "docs/api-changes.adoc", "glossary.html": "docs/glossary.adoc",
            "exercises.html": "the chapters' Exercises sections"}.get(page, "docs/index.adoc")


def main():
    html_dir, root = sys.argv[1], sys.argv[2]
    pages = sorted(p for p in os.listdir(html_dir) if p.endswith(".html"))
    if not pages:
        print(f"docs: error: no HTML pages in {html_dir}", file=sys.stderr)
        return 1
    cache, errors, checked = {}, [], 0
    for page in pages:
        path = os.path.join(html_dir, page)
        for tag, attr, value, line in scan(path, cache).links:
            parts = urlsplit(value)
            if parts.scheme or value.startswith("//"):
                continue  # another site or a data: URI
            checked += 1
            target = os.path.normpath(os.path.join(html_dir, unquote(parts.path))) if parts.path else path
            problem = None
            if not os.path.isfile(target):
                problem = f"no such file {os.path.relpath(target, html_dir)}"
            elif parts.fragment and target.endswith(".html"):
                if unquote(parts.fragment) not in scan(target, cache).ids:
                    problem = f"no id \"{parts.fragment}\" in {os.path.relpath(target, html_dir)}"
            if problem:
                errors.append(f"docs: error: {page}:{line} (from {source_of(page, root)}): "
                              f"broken link <{tag} {attr}=\"{value}\">: {problem}")
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        return 1
    print(f"docs: link check: {checked} local links in {len(pages)} pages, all resolve")
    return 0


if __name__ == "__main__":
    sys.exit(main())
