"""The output side shared by every markup converter.

A converter walks its markup once, left to right, and tells a :class:`Builder` what it
sees: text, line breaks, quotes opening and closing, links opening and closing. The builder
keeps one frame per open quote on an explicit stack (never recursion), so that what a quote
contains is credited to the quoted author and kept out of both the poster's own text and
the text of any enclosing quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rescue.text.charset import unescape_entities


@dataclass(frozen=True, slots=True)
class Quote:
    """A quoted passage, credited to the author and ids that the markup carries.

    ``depth`` is 1 for a quote in the post itself, 2 for a quote inside that quote, and so on.
    ``topic_id`` is set where the markup names the topic (Discourse, SMF); for Discourse,
    ``post_id`` is then the post *number* within that topic, as the markup carries it.
    """

    author: str | None
    account_id: str | None
    post_id: str | None
    text: str
    depth: int
    topic_id: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedText:
    """What the author wrote themselves, as plain text, and the passages they quoted."""

    text: str
    quotes: tuple[Quote, ...] = ()


_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufeff]")
_SPACES = re.compile(r"[^\S\n]+")
_SPACE_RUNS = re.compile(r" {2,}")
_PLAIN_ASCII = bytes([10, *range(32, 127)])  # "\n" and the printable ASCII characters
_SPACED_NL = re.compile(r" ?\n ?")
_BLANK_LINES = re.compile(r"\n{3,}")
_ATTR = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_ID = re.compile(r"[a-z]?(\d{1,20})", re.I)


def _plain_spacing(s: str) -> bool:
    """True when the only whitespace in ``s`` is " " and "\\n" and it has no control character.

    (No CR, tab, control character or exotic space is printable.)
    """
    if s.isascii():
        return not s.encode("ascii").translate(None, _PLAIN_ASCII)
    return s.replace("\n", "").isprintable()


def normalize_ws(s: str) -> str:
    """Collapse runs of spaces, strip lines, keep at most one blank line, strip the ends."""
    if not s:
        return ""
    if "\r" in s and s.count("\r") == s.count("\r\n"):
        s = s.replace("\r\n", "\n")  # the first rule, when every CR ends a line (MyBB, SMF)
    if _plain_spacing(s):  # then the rules below reduce to C-speed string operations
        if "  " in s:
            s = _SPACE_RUNS.sub(" ", s)
        if "\n" in s:
            if " \n" in s:
                s = s.replace(" \n", "\n")
            if "\n " in s:
                s = s.replace("\n ", "\n")
            if "\n\n\n" in s:
                s = _BLANK_LINES.sub("\n\n", s)
        return s.strip()
    s = _NEWLINES.sub("\n", s)
    s = _CONTROLS.sub("", s)
    s = _SPACES.sub(" ", s)
    s = _SPACED_NL.sub("\n", s)
    s = _BLANK_LINES.sub("\n\n", s)
    return s.strip()


def parse_attrs(s: str) -> dict[str, str]:
    """HTML/XML attributes as a dict: lower-case names, values entity-decoded once."""
    out: dict[str, str] = {}
    for m in _ATTR.finditer(s):
        value = m.group(2)
        if value is None:
            value = m.group(3)
        if value is None:
            value = m.group(4) or ""
        out.setdefault(m.group(1).lower(), unescape_entities(value))
    return out


def clean_name(v: str | None) -> str | None:
    """An author name as the markup carries it, or None when there is none."""
    if v is None:
        return None
    v = " ".join(v.split())
    return v[:200] or None


def clean_id(v: str | None) -> str | None:
    """A numeric id (vBulletin 5 ``n123`` → ``123``); other non-empty values kept as they are."""
    if v is None:
        return None
    v = v.strip()
    m = _ID.fullmatch(v)
    if m:
        return m.group(1).lstrip("0") or "0"
    return v[:64] or None


def _url_key(u: str) -> str:
    u = u.strip().lower()
    for prefix in ("mailto:", "https://", "http://", "ftp://", "//"):
        if u.startswith(prefix):
            u = u[len(prefix):]
            break
    if u.startswith("www."):
        u = u[4:]
    return u.rstrip("/")


def same_url(label: str, href: str) -> bool:
    """True when a link's visible text already shows its target."""
    return len(label) < 4096 and _url_key(label) == _url_key(href)


@dataclass(slots=True)
class _Frame:
    slot: int
    depth: int
    author: str | None = None
    account_id: str | None = None
    post_id: str | None = None
    topic_id: str | None = None
    parts: list[str] = field(default_factory=list)


class Builder:
    """Collects the poster's text and the quotes, one frame per open quote."""

    max_open_links = 32
    max_depth = 10_000  # deeper quote tags are counted, not kept as frames

    def __init__(self) -> None:
        self._root = _Frame(slot=-1, depth=0)
        self._stack: list[_Frame] = [self._root]
        self._quotes: list[Quote | None] = []
        self._links: list[tuple[_Frame, int, str, str]] = []
        self.suppress = 0
        self._overflow = 0

    @property
    def depth(self) -> int:
        return len(self._stack) - 1

    def text(self, s: str) -> None:
        if s and not self.suppress:
            self._stack[-1].parts.append(s)

    def newline(self) -> None:
        """A hard line break (``<br>``)."""
        if not self.suppress:
            self._stack[-1].parts.append("\n")

    def block(self, blank_line: bool = False) -> None:
        """A block boundary: a line break unless the text already ends one (or is empty).

        ``blank_line``: a paragraph boundary, an empty line between the blocks.
        """
        parts = self._stack[-1].parts
        if self.suppress:
            return
        while parts and parts[-1] == " ":
            parts.pop()
        if not parts:
            return
        if not parts[-1].endswith("\n"):
            parts.append("\n")
        if blank_line and not parts[-1].endswith("\n\n") and not (
                parts[-1] == "\n" and len(parts) > 1 and parts[-2].endswith("\n")):
            parts.append("\n")

    def open_quote(self, author: str | None = None, account_id: str | None = None,
                   post_id: str | None = None, topic_id: str | None = None) -> None:
        if len(self._stack) > self.max_depth:
            self._overflow += 1
            return
        self.block()
        frame = _Frame(slot=len(self._quotes), depth=len(self._stack), author=clean_name(author),
                       account_id=clean_id(account_id), post_id=clean_id(post_id),
                       topic_id=clean_id(topic_id))
        self._quotes.append(None)
        self._stack.append(frame)

    def close_quote(self) -> bool:
        """Close the innermost open quote; False when none is open."""
        if self._overflow:
            self._overflow -= 1
            return True
        if len(self._stack) == 1:
            return False
        f = self._stack.pop()
        self._quotes[f.slot] = Quote(f.author, f.account_id, f.post_id,
                                     normalize_ws("".join(f.parts)), f.depth, f.topic_id)
        self.block()
        return True

    def open_link(self, href: str | None, kind: str) -> None:
        """Start a link; its label is whatever text arrives until :meth:`close_link`."""
        if len(self._links) < self.max_open_links:
            frame = self._stack[-1]
            self._links.append((frame, len(frame.parts), (href or "").strip(), kind))

    def close_link(self, kind: str) -> None:
        """End the innermost link of this kind: ``label (href)``, or the href when no label."""
        if not self._links or self._links[-1][3] != kind:
            return
        frame, start, href, _ = self._links.pop()
        if not href or frame is not self._stack[-1] or self.suppress:
            return
        label = "".join(frame.parts[start:]).strip()
        if not label:
            frame.parts.append(href)
        elif not same_url(label, href):
            frame.parts.append(f" ({href})")

    def finish(self) -> ParsedText:
        while self.close_quote():
            pass
        quotes = tuple(filter(None, self._quotes))  # a Quote is always true
        return ParsedText(normalize_ws("".join(self._root.parts)), quotes)
