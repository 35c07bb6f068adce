"""phpBB 3.2+ s9e TextFormatter XML (``<r>…</r>`` rich, ``<t>…</t>`` plain) to plain text.

The XML keeps the author's original text: markup elements wrap it, ``<s>``/``<e>`` hold the
BBCode that opened/closed an element and ``<i>`` holds ignored characters (all three are
dropped — note ``<s>``/``<i>`` in lower case only; ``<S>``/``<I>`` are strike/italic).
``<br/>`` sits before the newline it stands for. A tag scanner of our own, not an XML
parser: malformed or truncated bodies still give their text, and nothing is resolved or
fetched (no DTDs, no external entities).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rescue.text._builder import Builder, parse_attrs
from rescue.text.charset import unescape_entities

_TAG = re.compile(r"<(/?)([A-Za-z_][\w.:-]{0,40})([^<>]*)>|<[!?][^<>]*>")
_S9E_ROOT = re.compile(r"\s*<([rt])(?:\s[^<>]*)?>")

_MARKUP = frozenset({"s", "e", "i"})
_BLOCK = frozenset({"LIST", "CODE", "P", "TABLE", "TR", "H1", "H2", "H3", "H4", "H5", "H6",
                    "CENTER", "ALIGN", "LEFT", "RIGHT", "JUSTIFY", "SPOILER", "HR", "DIV", "PRE",
                    "UL", "OL", "LI", "*", "QUOTE"})
_LINKS = {"URL": "url", "EMAIL": "email", "IMG": "src"}

# what closing an element must undo
_QUOTE, _SUPPRESS, _LINK, _BLOCKED = 1, 2, 4, 8


def looks_like_s9e(raw: str) -> bool:
    """True for a phpBB 3.2+ stored body: ``<r>``/``<t>`` root opened and closed."""
    if not raw.startswith("<") and not raw[:1].isspace():
        return False
    return _S9E_ROOT.match(raw) is not None and raw.rstrip().endswith(("</r>", "</t>"))


@dataclass(slots=True)
class _Open:
    name: str
    undo: int


class _Converter:
    def __init__(self, raw: str, b: Builder) -> None:
        self.raw = raw
        self.b = b
        self.stack: list[_Open] = []
        self.open_count: dict[str, int] = {}

    def run(self) -> None:
        raw, pos = self.raw, 0
        for m in _TAG.finditer(raw):
            if m.start() > pos:
                self.b.text(unescape_entities(raw[pos:m.start()]))
            pos = m.end()
            if m.group(2) is None:
                continue  # <!-- comment -->, <?xml …?>
            name = m.group(2)
            if name not in _MARKUP:
                name = name.upper()
            if m.group(1):
                self.close(name)
            elif m.group(3).endswith("/"):
                self.void(name, m.group(3)[:-1], m.end())
            else:
                self.open(name, m.group(3))
        if pos < len(raw):
            self.b.text(unescape_entities(raw[pos:]))
        while self.stack:
            self.pop()

    def void(self, name: str, attr: str, end: int) -> None:
        if name == "BR":
            if self.raw[end:end + 1] not in ("\n", "\r"):
                self.b.newline()
        elif name in _LINKS:
            self.b.text(parse_attrs(attr).get(_LINKS[name], ""))
        elif name in _BLOCK:
            self.b.block()

    def open(self, name: str, attr: str) -> None:
        b = self.b
        undo = 0
        if name in _MARKUP:
            b.suppress += 1
            undo |= _SUPPRESS
        if name in _BLOCK:
            b.block()
            undo |= _BLOCKED
        if name == "QUOTE":
            a = parse_attrs(attr)
            b.open_quote(a.get("author"), a.get("user_id"), a.get("post_id") or a.get("msg_id"))
            undo |= _QUOTE
        elif name in _LINKS:
            b.open_link(parse_attrs(attr).get(_LINKS[name], ""), "s9e")
            undo |= _LINK
        elif name in ("TD", "TH"):
            b.text(" ")
        self.stack.append(_Open(name, undo))
        self.open_count[name] = self.open_count.get(name, 0) + 1

    def close(self, name: str) -> None:
        if not self.open_count.get(name):
            return
        while self.stack and self.pop() != name:
            pass

    def pop(self) -> str:
        top = self.stack.pop()
        self.open_count[top.name] -= 1
        b = self.b
        if top.undo & _SUPPRESS:
            b.suppress -= 1
        if top.undo & _LINK:
            b.close_link("s9e")
        if top.undo & _QUOTE:
            b.close_quote()
        elif top.undo & _BLOCKED:
            b.block()
        return top.name


def convert(raw: str, b: Builder) -> None:
    """Feed an s9e XML body into ``b``."""
    _Converter(raw, b).run()
