"""Plain text and metadata (title, date, author) from an HTML page: what a reader of a saved
article sees, without scripts, styles, navigation code or markup.

Uses ``selectolax`` when installed (the ``html`` extra: fast and robust), else the standard
library's :class:`html.parser.HTMLParser`; both give the same text on well-formed pages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html.parser import HTMLParser

from .errors import KzmediaError

__all__ = ["html_to_text"]


_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe", "object"})
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    "title", "caption", "summary", "details",
})
_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000\r]+")


def _normalise_extracted(raw: str) -> str:
    """One paragraph per line: collapse spaces inside a line, drop blank lines."""
    lines = (_SPACES.sub(" ", line).strip() for line in raw.split("\n"))
    return "\n".join(line for line in lines if line)


class _StdlibExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title: list[str] = []
        self.in_title = False
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        if tag == "meta":
            _collect_meta(dict(attrs), self.meta)
        if tag == "html":
            lang = dict(attrs).get("lang")
            if lang:
                self.meta.setdefault("html_lang", lang)
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag == "meta":
            _collect_meta(dict(attrs), self.meta)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        if not self.skip:
            self.parts.append(data.replace("\n", " "))


_META_KEYS = {"article:published_time": "date", "date": "date", "pubdate": "date",
              "og:site_name": "outlet", "author": "author", "og:url": "url"}


def _collect_meta(attrs: Mapping[str, str | None], into: dict) -> None:
    key = (attrs.get("property") or attrs.get("name") or "").lower()
    if key in _META_KEYS and attrs.get("content"):
        into.setdefault(_META_KEYS[key], attrs["content"])


def _selectolax_extract(html: str) -> tuple[str, dict]:
    from selectolax.lexbor import LexborHTMLParser as Fast  # the maintained engine (selectolax >= 0.3)

    tree = Fast(html)
    meta: dict[str, str] = {}
    for node in tree.css("meta"):
        _collect_meta(node.attributes, meta)
    root = tree.css_first("html")
    if root is not None and root.attributes.get("lang"):
        meta["html_lang"] = root.attributes["lang"]
    title = tree.css_first("title")
    if title is not None:
        meta["title"] = _SPACES.sub(" ", title.text()).strip()
    tree.strip_tags(sorted(_SKIP_TAGS))
    body = tree.body or tree.root
    parts: list[str] = []
    if body is not None:
        _walk(body, parts)
    return _normalise_extracted("".join(parts)), meta


def _walk(node, parts: list[str]) -> None:
    # Iterative walk with explicit exit markers: block elements become line breaks, inline
    # elements (<b>, <a>, <span>) do not split the words and sentences inside them.
    stack = [(node, False)]
    while stack:
        cur, leaving = stack.pop()
        tag = cur.tag
        if leaving:
            parts.append("\n")
            continue
        if tag == "-text":
            parts.append((cur.text_content or "").replace("\n", " "))
            continue
        if tag in _SKIP_TAGS or tag in ("-comment", "!doctype"):
            continue
        block = tag in _BLOCK_TAGS
        if block:
            parts.append("\n")
            stack.append((cur, True))
        children = []
        child = cur.child
        while child is not None:
            children.append(child)
            child = child.next
        for c in reversed(children):
            stack.append((c, False))


def html_to_text(html: str, *, backend: str = "auto") -> tuple[str, dict]:
    """Visible text of an HTML page, one block (paragraph, heading, list item) per line.

    Returns ``(text, meta)``; meta holds the ``<title>`` and common ``<meta>`` fields (date,
    outlet). ``backend``: ``"selectolax"`` (fast, robust; ``pip install 'kzmedia[html]'``),
    ``"stdlib"`` (:mod:`html.parser`) or ``"auto"`` (selectolax when installed). Both backends
    give the same text on well-formed pages.
    """
    if backend in ("auto", "selectolax"):
        try:
            return _selectolax_extract(html)
        except ImportError:
            if backend == "selectolax":
                raise KzmediaError("backend 'selectolax' needs: pip install 'kzmedia[html]'") from None
    p = _StdlibExtractor()
    p.feed(html)
    p.close()
    meta = dict(p.meta)
    if p.title:
        meta["title"] = _SPACES.sub(" ", "".join(p.title)).strip()
    return _normalise_extracted("".join(p.parts)), meta
