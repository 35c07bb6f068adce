"""BBCode (phpBB 3.0/3.1 with uid, MyBB MyCode, SMF, vBulletin, XenForo) to plain text.

One left-to-right scan with a regular expression; no recursion, no backtracking-prone
patterns, so a 10 MB body or 10,000 nested quotes cost linear time. The small HTML subset
that forums store inside BBCode bodies is understood too: ``<br />`` / ``<br>``, phpBB 3.0
smilies (``<!-- s:) --><img … /><!-- s:) -->``), magic links (``<!-- m --><a href=…>``) and
comments. Entities are decoded once, in text only, after the tags are found.

A tag is taken as markup when the body also contains its closing tag somewhere (or it is a
tag that never closes, like ``[*]``); otherwise it stays as written, so ``[citation needed]``
or ``array[i]`` survive.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter

from rescue.text._builder import Builder, parse_attrs
from rescue.text.charset import unescape_entities
from rescue.text.quote_attrs import parse_quote_attr

# Private-use sentinels that the Markdown converter puts into its intermediate text.
MD_QUOTE_OPEN = "\U0010fff0"
MD_QUOTE_CLOSE = "\U0010fff1"
MD_RAW_START = "\U0010fff2"
MD_RAW_END = "\U0010fff3"
MD_ESCAPE_BASE = 0x10FE00  # an escaped ASCII punctuation char c travels as chr(base + ord(c))
_MD_ESCAPED = re.compile("[\U0010fe00-\U0010fe7f]")

_HTML_BLOCK = ("p|div|ul|ol|li|blockquote|pre|h[1-6]|table|tbody|thead|tr|center")
_HTML_INLINE = ("b|i|u|s|em|strong|span|font|sub|sup|small|big|strike|del|ins|code|td|th|tt|"
                "kbd|mark|abbr|script|style")
_BB = (r"\[(?P<close>/?)(?P<name>[a-z][a-z0-9]{0,15}|\*)(?::[a-z])?"
       r"(?P<attr>[=\s][^\[\]\n]{0,1000})?\]")
_SMILEY_TAIL = r"!-- s(?P<code>[^\s<>]{1,40}) --><img\b[^<>]{0,2000}><!-- s(?P=code) -->"
SMILEY = f"<{_SMILEY_TAIL}"  # a phpBB 3.0 smiley: its code, then the image, then the code again
# Every alternative starts with a literal character, so that the regex engine skips to the next
# "<" or "[" (or sentinel) by itself instead of trying every alternative at every position.
_HTML = (rf"<(?:(?P<smiley>{_SMILEY_TAIL})"
         r"|(?P<br>br\s*/?>(?:\r?\n)?)"
         r"|(?P<cmt>!--[^<>\n]{0,200}-->)"
         rf"|(?P<hclose>/?)(?P<hname>a|img|hr|{_HTML_BLOCK}|{_HTML_INLINE})\b(?P<hattr>[^<>]{{0,2000}})>)")
_TOKEN = re.compile(f"{_HTML}|{_BB}", re.I)
_TOKEN_MD = re.compile(
    f"{MD_QUOTE_OPEN}(?P<qopen>)|{MD_QUOTE_CLOSE}(?P<qclose>)"
    f"|{MD_RAW_START}(?P<raw>[^{MD_RAW_END}]*){MD_RAW_END}|{_HTML}|{_BB}", re.I)
_CLOSERS = re.compile(r"\[/([a-z][a-z0-9]{0,15}|\*)(?::[a-z])?\]", re.I)
_BR = re.compile(r"<br\s*/?>(?:\r?\n)?", re.I)
_UID_CLOSE = re.compile(r"\[/[a-z0-9*]{1,20}(?::[a-z])?:([a-z0-9]{5,10})\]")
_UID_OPEN = re.compile(r"\[[a-z*]{1,20}(?:=[^\[\]\n]{0,500})?:([a-z0-9]{5,10})\]")

_RAW_TAGS = frozenset({"code", "php", "html", "sql", "noparse", "nobbc", "icode", "plain"})
_LINK_TAGS = frozenset({"url", "iurl", "ftp", "link", "email", "mail"})
_BLOCK_TAGS = frozenset({"list", "ul", "ol", "li", "center", "left", "right", "justify", "indent",
                         "table", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "heading", "pre",
                         "align", "div", "p", "spoiler", "hide", "details", "summary", "float"})
VOID_TAGS = frozenset({"*", "hr", "br", "attachment", "attach", "line"})
_CELL_TAGS = frozenset({"td", "th"})
_SPACED_TAGS = frozenset({"img", "image", "youtube", "video", "media", "flash", "audio"})
# For rescue.text.fastpath: tags that do more than vanish when the body closes them somewhere
# (``quote`` aside), and the BBCode alternative of the token regex on its own.
ACTIVE_TAGS = _LINK_TAGS | _RAW_TAGS | _BLOCK_TAGS | _CELL_TAGS | _SPACED_TAGS | {"*"}
BLOCK_VOID_TAGS = frozenset({"*", "hr", "br", "line"})  # unclosed, they still end a line
BB_TAG = re.compile(_BB, re.I)
_SMILEY_HINTS = ("{smilies_path}", "/smilies/", "/smileys/", "/emoji/", "/emoticons/")


def closer_names(raw: str) -> set[str]:
    """The lower-case names of the BBCode tags that ``raw`` closes somewhere (``[/name]``)."""
    return {name.lower() for name in _CLOSERS.findall(raw)} if "[/" in raw else set()


def detect_uid(raw: str) -> str | None:
    """The phpBB 3.0/3.1 bbcode uid most used in a body (closing tags first), if any."""
    if ":" not in raw or "]" not in raw:
        return None
    found = _UID_CLOSE.findall(raw) or _UID_OPEN.findall(raw)
    return Counter(found).most_common(1)[0][0] if found else None


def strip_uid(raw: str, uid: str | None) -> str:
    uid = uid or detect_uid(raw)
    return raw.replace(f":{uid}]", "]") if uid else raw


def image_text(attrs: dict[str, str]) -> str:
    """A smiley or emoji image as its text code; any other image as its URL."""
    src = attrs.get("src", "")
    alt = attrs.get("alt") or attrs.get("title") or ""
    cls = attrs.get("class", "").lower()
    low = src.lower()
    if any(h in cls for h in ("emoji", "smil", "emoticon")) or any(h in low for h in _SMILEY_HINTS):
        return alt
    if "avatar" in cls:
        return ""
    if not src or low.startswith("data:"):
        return alt
    return f" {src} "


class _Converter:
    def __init__(self, raw: str, b: Builder, markdown: bool) -> None:
        self.raw = raw
        self.b = b
        self.markdown = markdown
        self.closers = closer_names(raw)
        self.raw_closes: dict[str, list[tuple[int, int]]] = {}
        if self.closers & _RAW_TAGS:
            for m in _CLOSERS.finditer(raw):
                name = m.group(1).lower()
                if name in _RAW_TAGS:
                    self.raw_closes.setdefault(name, []).append((m.start(), m.end()))

    def emit(self, s: str) -> None:
        if not s:
            return
        if "&" in s:
            s = unescape_entities(s)
        if self.markdown:
            s = _MD_ESCAPED.sub(lambda m: chr(ord(m.group()) - MD_ESCAPE_BASE), s)
        self.b.text(s)

    def run(self) -> None:
        raw, pos = self.raw, 0
        search = (_TOKEN_MD if self.markdown else _TOKEN).search
        emit, token = self.emit, self.token
        while True:
            m = search(raw, pos)
            if m is None:
                break
            if m.start() > pos:
                emit(raw[pos:m.start()])
            pos = token(m)
        emit(raw[pos:])

    def token(self, m: re.Match[str]) -> int:
        b = self.b
        kind = m.lastgroup  # the group that closed last tells which alternative matched
        if kind == "name" or kind == "attr":
            return self.bbcode(m)
        if kind == "br":
            b.newline()
        elif kind == "smiley":
            self.emit(m["code"])
        elif kind == "hattr":
            self.html_tag(m["hname"].lower(), bool(m["hclose"]), m["hattr"])
        elif kind == "qopen":
            b.open_quote()
        elif kind == "qclose":
            b.close_quote()
        elif kind == "raw":
            b.text(_MD_ESCAPED.sub(lambda e: chr(ord(e.group()) - MD_ESCAPE_BASE), m["raw"]))
        return m.end()

    def html_tag(self, name: str, closing: bool, attr: str) -> None:
        b = self.b
        if name == "a":
            if closing:
                b.close_link("a")
            else:
                b.open_link(parse_attrs(attr).get("href", ""), "a")
        elif name == "img":
            if not closing:
                self.b.text(image_text(parse_attrs(attr)))
        elif name in ("td", "th"):
            b.text(" ")
        elif name == "hr" or re.fullmatch(_HTML_BLOCK, name):
            b.block()

    def bbcode(self, m: re.Match[str]) -> int:
        b = self.b
        name = m["name"].lower()
        closing = bool(m["close"])
        if name in VOID_TAGS and not (closing or name in self.closers):
            if name in BLOCK_VOID_TAGS:
                b.block()
            return m.end()
        if name not in self.closers:
            self.emit(m.group(0))
            return m.end()
        if name == "quote":
            if closing:
                b.close_quote()
            else:
                b.open_quote(*parse_quote_attr(m["attr"]))
        elif name in _LINK_TAGS:
            if closing:
                b.close_link("bb")
            else:
                b.open_link(unescape_entities((m["attr"] or "=")[1:]).strip().strip("\"'"), "bb")
        elif name in _RAW_TAGS and not closing:
            return self.raw_region(name, m.end())
        elif name in _BLOCK_TAGS or (name == "*" and not closing):
            b.block()
        elif name in _CELL_TAGS or name in _SPACED_TAGS:
            b.text(" ")
        return m.end()

    def raw_region(self, name: str, start: int) -> int:
        closes = self.raw_closes.get(name, [])
        i = bisect.bisect_left(closes, (start, -1))
        if i == len(closes):
            return start
        end, after = closes[i]
        block = name != "icode"
        if block:
            self.b.block()
        self.b.text(unescape_entities(_BR.sub("\n", self.raw[start:end])))
        if block:
            self.b.block()
        return after


def convert(raw: str, b: Builder, *, uid: str | None = None, markdown: bool = False) -> None:
    """Feed a BBCode body into ``b``. ``uid``: phpBB's bbcode_uid (found by itself when None)."""
    if not markdown:
        raw = strip_uid(raw, uid)
    _Converter(raw, b, markdown).run()
