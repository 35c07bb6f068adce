"""Shortcuts for the bodies most forums are made of, with exactly the full converters' output.

Most posts are a few lines of text with ``<br />`` line breaks, smilies and entities, perhaps
a quote or bold text. The BBCode converter spends its time on the line breaks: one trip
through its token loop each. Here the text between two BBCode tags is converted by a few
string operations in C, and only the BBCode tags go through Python, into the same
:class:`~rescue.text._builder.Builder`. A body with anything else — links, lists, code,
images, HTML, block or unclosed void tags — is left alone (``None``), and
:func:`rescue.text.markup.to_plain` takes the full way. The same goes for phpBB 3.2+ bodies
without markup (s9e ``<t>`` text with ``<br/>``).

Why the output is the same:

- tokens: the BBCode tags are found by the converter's own BBCode pattern, left to right;
  between them every ``<`` must begin a smiley or a line break (the converter's patterns,
  tried in its order), so the converter, scanning both kinds at once, finds the same tokens;
- entities are decoded once, in text only: a line break becomes ``"\\n"`` and a smiley's code
  is fenced by NULs, which no entity or surrogate-pair reference can span, so decoding the
  joined text decodes each piece as the converter does; the fences go before the builder
  sees the text (the converter's pieces are joined before whitespace is normalised, too);
- the builder: text between two tags is one part instead of several, which only matters to
  :meth:`Builder.block` when the last piece is a lone space that it would drop: that space
  stays a part of its own.
"""

from __future__ import annotations

import re

from rescue.text._builder import Builder, ParsedText, normalize_ws
from rescue.text.bbcode import (
    ACTIVE_TAGS,
    BB_TAG,
    BLOCK_VOID_TAGS,
    SMILEY,
    VOID_TAGS,
    closer_names,
    strip_uid,
)
from rescue.text.charset import unescape_entities
from rescue.text.quote_attrs import parse_quote_attr

__all__ = ["convert"]

_SMILEY = re.compile(SMILEY, re.I)  # re.I as in the converter: the code repeats case-blind
_BR = re.compile(r"<br\s*/?>(?:\r?\n)?", re.I)
_FENCE = "\x00"


def _fenced_code(m: re.Match[str]) -> str:
    return f"{_FENCE}{m.group('code')}{_FENCE}"


def _text(s: str) -> str | None:
    """Text with line breaks and smilies (no BBCode tag) as the converter emits it, or None."""
    fenced = False
    if "<" in s:
        if "<!--" in s:
            s = _SMILEY.sub(_fenced_code, s)
            fenced = True
        if "\r" not in s and s.count("<") == s.count("<br />"):
            # a break swallows the newline right after it; the second replace doesn't look at
            # what follows, so no newline that the first put in is swallowed again (a chain
            # for "\r\n" could do that, so bodies with "\r" go to the regex)
            s = s.replace("<br />\n", "\n").replace("<br />", "\n")
        else:
            s = _BR.sub("\n", s)
            if "<" in s:
                return None
    if "&" in s:
        s = unescape_entities(s)
    return s.replace(_FENCE, "") if fenced else s


def _last_piece(s: str) -> str:
    """The text after the last line break or smiley of ``s`` (which has some), decoded."""
    i = s.rfind("<")
    m = _BR.match(s, i)
    return unescape_entities(s[m.end() if m else s.index("-->", i) + 3:])


def _add(b: Builder, raw: str) -> bool:
    """Give ``raw`` (text between two tags) to ``b`` as the converter would; False: cannot."""
    s = _text(raw)
    if s is None:
        return False
    if s.endswith(" ") and "<" in raw and _last_piece(raw) == " ":
        b.text(s[:-1])
        b.text(" ")  # Builder.block drops it, as the converter's last piece
    else:
        b.text(s)
    return True


def _tagged(s: str) -> ParsedText | None:
    closers = closer_names(s)
    if not closers.isdisjoint(ACTIVE_TAGS):
        return None
    b = Builder()
    pos = 0
    for m in BB_TAG.finditer(s):
        if m.start() > pos and not _add(b, s[pos:m.start()]):
            return None
        pos = m.end()
        name = m["name"].lower()
        if name == "quote" and name in closers:
            if m["close"]:
                b.close_quote()
            else:
                b.open_quote(*parse_quote_attr(m["attr"]))
        elif name not in closers:
            if name not in VOID_TAGS or m["close"]:
                b.text(unescape_entities(m.group(0)))  # not markup: the tag stays as written
            elif name in BLOCK_VOID_TAGS:
                return None
        # any other tag closed somewhere (bold, colour, size, …) just vanishes
    if pos < len(s) and not _add(b, s[pos:]):
        return None
    return b.finish()


def _bbcode(raw: str, uid: str | None) -> ParsedText | None:
    s = strip_uid(raw, uid)
    if "<!--" in s and _FENCE in s:
        return None
    if "[" in s:
        return _tagged(s)
    text = _text(s)
    return None if text is None else ParsedText(normalize_ws(text), ())


def _s9e_plain(raw: str) -> ParsedText | None:
    """A phpBB 3.2+ body without markup: ``<t>`` text and ``<br/>`` line breaks ``</t>``."""
    if not (raw.startswith("<t>") and raw.endswith("</t>")):
        return None
    s = raw[3:-4]
    if "<" in s:
        if s.count("<") != s.count("<br/>"):
            return None
        # a <br/> right before a line end stands for it; elsewhere it is a line break of its own
        s = s.replace("<br/>\n", "\n").replace("<br/>\r", "\r").replace("<br/>", "\n")
    return ParsedText(normalize_ws(unescape_entities(s)), ())


def convert(raw: str, kind: str, uid: str | None) -> ParsedText | None:
    """``raw`` (a non-empty ``str`` of markup ``kind``) converted, or None: take the full way."""
    if kind == "bbcode":
        return _bbcode(raw, uid)
    if kind == "plain":
        return ParsedText(normalize_ws(unescape_entities(raw)), ())
    if kind == "s9e":
        return _s9e_plain(raw)
    return None
