"""HTML (Discourse ``cooked``, Invision ``post``, any stored HTML) to plain text.

A tag scanner of our own with an explicit element stack: unclosed or stray tags, comments
that never end and 10,000-deep nesting cost linear time and no recursion. Nothing is ever
run or fetched; ``<script>``, ``<style>`` and friends are dropped with their content.
Quotes: ``<aside class="quote" data-username data-post data-topic>`` (Discourse, whose
``div.title`` header is dropped and whose inner ``<blockquote>`` is the quoted text),
``<blockquote data-ipsquote-…>`` (Invision) and plain ``<blockquote>``. Discourse link
previews (``aside.onebox``) become their URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rescue.text._builder import Builder, parse_attrs
from rescue.text.bbcode import image_text
from rescue.text.charset import unescape_entities

_TOKEN = re.compile(r"<!--|<(/?)([A-Za-z][\w:.-]{0,40})([^<>]*)>|<[!?][^<>]*>")
_WS = re.compile(r"[ \t\n\r\f]+")
_SKIP_CONTENT = ("script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes",
                 "noscript", "template", "object", "svg", "math", "head", "select")
_SKIP_END = {name: re.compile(rf"</{name}\s*>", re.I) for name in _SKIP_CONTENT}
_VOID = frozenset({"br", "img", "hr", "wbr", "input", "meta", "link", "source", "area", "col",
                   "base", "embed", "param", "track", "keygen"})
_BLOCK = frozenset({"p", "div", "section", "article", "header", "footer", "nav", "aside", "main",
                    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
                    "table", "thead", "tbody", "tfoot", "tr", "pre", "blockquote", "figure",
                    "figcaption", "details", "summary", "form", "fieldset", "address", "center",
                    "caption", "body", "html"})
_NO_LINK_CLASSES = ("mention", "hashtag")
_BAD_HREF = ("javascript:", "data:", "vbscript:", "#")

_PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre"})

_QUOTE, _SUPPRESS, _PRE, _LINK, _BLOCKED, _ASIDE_QUOTE, _PARA = 1, 2, 4, 8, 16, 32, 64


@dataclass(slots=True)
class _Open:
    name: str
    undo: int
    classes: tuple[str, ...]


def _quote_source(a: dict[str, str]) -> tuple[str | None, str | None, str | None, str | None]:
    def first(*keys: str) -> str | None:
        for k in keys:
            if a.get(k):
                return a[k]
        return None
    return (first("data-username", "data-ipsquote-username", "data-author", "data-quote"),
            first("data-user-id", "data-ipsquote-userid", "data-userid"),
            first("data-post", "data-ipsquote-contentcommentid", "data-post-id"),
            first("data-topic", "data-ipsquote-contentid", "data-topic-id"))


def _is_quote_header(parent: _Open | None, classes: tuple[str, ...]) -> bool:
    """Discourse's ``div.title`` in a quote, Invision's citation line, a lightbox's file info."""
    if "ipsquote_citation" in classes:
        return True
    if parent is None:
        return False
    return bool(parent.undo & _ASIDE_QUOTE and "title" in classes) or (
        "lightbox" in parent.classes and "meta" in classes)


class _Converter:
    def __init__(self, raw: str, b: Builder) -> None:
        self.raw = raw
        self.b = b
        self.stack: list[_Open] = []
        self.open_count: dict[str, int] = {}
        self.pre = 0

    def text(self, s: str) -> None:
        if s:
            self.b.text(unescape_entities(s if self.pre else _WS.sub(" ", s)))

    def run(self) -> None:
        raw, pos, n = self.raw, 0, len(self.raw)
        while pos < n:
            m = _TOKEN.search(raw, pos)
            if m is None:
                break
            self.text(raw[pos:m.start()])
            pos = m.end()
            if m.group(0) == "<!--":
                end = raw.find("-->", pos)
                pos = n if end < 0 else end + 3
            elif m.group(2) is not None:
                name, attr = m.group(2).lower(), m.group(3)
                if m.group(1):
                    self.close(name)
                elif name in _SKIP_END and not attr.endswith("/"):
                    end_m = _SKIP_END[name].search(raw, pos)
                    pos = n if end_m is None else end_m.end()
                elif name in _VOID or attr.endswith("/"):
                    self.void(name, attr)
                else:
                    self.open(name, attr)
        self.text(raw[pos:])
        while self.stack:
            self.pop()

    def void(self, name: str, attr: str) -> None:
        if name == "br":
            self.b.newline()
        elif name == "img":
            self.b.text(image_text(parse_attrs(attr)))
        elif name == "hr" or name in _BLOCK:
            self.b.block()

    def open(self, name: str, attr: str) -> None:
        b = self.b
        a = parse_attrs(attr) if attr.strip() else {}
        classes = tuple(a.get("class", "").lower().split())
        parent = self.stack[-1] if self.stack else None
        undo = 0
        if name in _BLOCK:
            b.block(name in _PARAGRAPH)
            undo |= _BLOCKED | (_PARA if name in _PARAGRAPH else 0)
        if _is_quote_header(parent, classes):
            undo |= _SUPPRESS
        elif name == "aside" and "quote" in classes:
            b.open_quote(*_quote_source(a))
            undo |= _QUOTE | _ASIDE_QUOTE
        elif name == "aside" and "onebox" in classes:
            b.text(a.get("data-onebox-src", ""))
            b.block()
            undo |= _SUPPRESS
        elif name == "blockquote":
            if not (parent is not None and parent.undo & _ASIDE_QUOTE):
                b.open_quote(*_quote_source(a))
                undo |= _QUOTE
        elif name == "a":
            href = a.get("href", "").strip()
            if any(c.startswith(_NO_LINK_CLASSES) for c in classes) or href.lower().startswith(_BAD_HREF):
                href = ""
            b.open_link(href, "html")
            undo |= _LINK
        elif name == "pre":
            self.pre += 1
            undo |= _PRE
        elif name in ("td", "th"):
            b.text(" ")
        if undo & _SUPPRESS:
            b.suppress += 1
        self.stack.append(_Open(name, undo, classes))
        self.open_count[name] = self.open_count.get(name, 0) + 1

    def close(self, name: str) -> None:
        if name == "br":
            self.b.newline()
        elif self.open_count.get(name):
            while self.stack and self.pop() != name:
                pass

    def pop(self) -> str:
        top = self.stack.pop()
        self.open_count[top.name] -= 1
        b = self.b
        if top.undo & _SUPPRESS:
            b.suppress -= 1
        if top.undo & _LINK:
            b.close_link("html")
        if top.undo & _PRE:
            self.pre -= 1
        if top.undo & _QUOTE:
            b.close_quote()
        elif top.undo & _BLOCKED:
            b.block(bool(top.undo & _PARA))
        return top.name


def convert(raw: str, b: Builder) -> None:
    """Feed an HTML body into ``b``."""
    _Converter(raw, b).run()
