"""The helpers rewritten for speed equal the originals they replace, kept here verbatim as the reference.

normalize_ws, unescape_entities, detect_markup (its searches now skipped when they can't match),
detect_uid, _resolve (no detection when a phpBB uid decides) and the converter's token regexes
(alternatives regrouped behind their first character).
"""

from __future__ import annotations

import html
import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from rescue.text import bbcode, charset, s9e
from rescue.text import markup as M
from rescue.text._builder import normalize_ws
from rescue.text.charset import unescape_entities
from rescue.text.markup import _resolve, detect_markup
from tests.test_text_fastpath import PIECES, SOUP, UID

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufeff]")
_SPACES = re.compile(r"[^\S\n]+")
_SPACED_NL = re.compile(r" ?\n ?")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_ws_original(s: str) -> str:
    if not s:
        return ""
    s = _NEWLINES.sub("\n", s)
    s = _CONTROLS.sub("", s)
    s = _SPACES.sub(" ", s)
    s = _SPACED_NL.sub("\n", s)
    s = _BLANK_LINES.sub("\n\n", s)
    return s.strip()


def detect_markup_original(raw: str) -> str:
    if not raw:
        return "plain"
    if s9e.looks_like_s9e(raw):
        return "s9e"
    if "[" in raw:
        if M._DISCOURSE_QUOTE.search(raw) or M._MD_FENCE.search(raw):
            return "markdown"
        if M._BB_SIGNS.search(raw):
            return "bbcode"
    if "<" in raw:
        if M._PHPBB_HTML.search(raw):
            return "bbcode"
        if M._HTML_SIGNS.search(raw):
            return "html"
    if M._MD_SIGNS.search(raw):
        return "markdown"
    if M._TEXT_SIGNS.search(raw):
        return "bbcode"
    return "plain"


def _entity_original(m: re.Match[str]) -> str:
    ref = m.group(0)
    return html.unescape(ref) if ref[1] == "#" else charset._NAMED.get(ref[1:], ref)


def unescape_entities_original(s: str) -> str:
    if "&" not in s:
        return s
    if "&#" in s:
        s = charset._SURROGATE_PAIR.sub(charset._join_pair, s)
    return charset._ENTITY.sub(_entity_original, s)


def detect_uid_original(raw: str) -> str | None:
    if ":" not in raw:
        return None
    found = Counter(bbcode._UID_CLOSE.findall(raw)) or Counter(bbcode._UID_OPEN.findall(raw))
    return found.most_common(1)[0][0] if found else None


def resolve_original(raw: str, markup: str, uid: str | None) -> str:
    kind = M._ALIASES[markup.lower()]
    if kind == "bbcode" and s9e.looks_like_s9e(raw):
        return "s9e"
    if kind == "auto":
        kind = detect_markup_original(raw)
        if uid and kind in ("plain", "html", "markdown"):
            kind = "bbcode"
    return kind


_HTML_ORIGINAL = (
    r"(?P<smiley><!-- s(?P<code>[^\s<>]{1,40}) --><img\b[^<>]{0,2000}><!-- s(?P=code) -->)"
    r"|(?P<br><br\s*/?>(?:\r?\n)?)|(?P<cmt><!--[^<>\n]{0,200}-->)"
    rf"|<(?P<hclose>/?)(?P<hname>a|img|hr|{bbcode._HTML_BLOCK}|{bbcode._HTML_INLINE})\b(?P<hattr>[^<>]{{0,2000}})>")
TOKEN_ORIGINAL = re.compile(f"{_HTML_ORIGINAL}|{bbcode._BB}", re.I)
TOKEN_MD_ORIGINAL = re.compile(
    f"(?P<sent>[{bbcode.MD_QUOTE_OPEN}{bbcode.MD_QUOTE_CLOSE}])"
    f"|{bbcode.MD_RAW_START}(?P<raw>[^{bbcode.MD_RAW_END}]*){bbcode.MD_RAW_END}|{_HTML_ORIGINAL}|{bbcode._BB}", re.I)
MD_PIECES = [*PIECES, bbcode.MD_QUOTE_OPEN, bbcode.MD_QUOTE_CLOSE, bbcode.MD_RAW_START, bbcode.MD_RAW_END]


WS_PIECES = [*" \n\t\r\xa0\x00\x1f\x7f\x85\u2028\u3000\ufeffa.é😀~", "\r\n", "\r\n", "\r\r\n", "\n\r", "  ", "\n\n\n"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(WS_PIECES), max_size=30).map("".join) | st.text() | SOUP)
def test_normalize_ws_as_original(s: str) -> None:
    assert normalize_ws(s) == normalize_ws_original(s)


ENTITIES = ["&quot;", "&amp;", "&lt;", "&gt;", "&", "&#", "&#55357;", "&#56832;", "&#xD83D;", "&#xDE00;", ";",
            "amp;", "quot;", "&nbsp;", "&#128512;", "&#x1F600", "x", " ", "&#0;", "&#128;", "&QUOT;", "&ampx;",
            "&#99999999;", "lt;", "#"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(ENTITIES), max_size=12).map("".join) | st.text() | SOUP)
def test_unescape_entities_as_original(s: str) -> None:
    assert unescape_entities(s) == unescape_entities_original(s)


MD_SIGNS = st.lists(st.sampled_from(["`x`", "**b", "__u", "~~s", "](u)", "<http:", "<mailto:", "# ", "> ", "```",
                                     "~~~", "\n", "   ", "x", "#", ">", "<br>", "&amp;", "[/b]", "<br", "<BR>", "<Br/>",
                                     "<b >", "<b>", "<blockquote>", "</p>", ":", "[b:1a2b3c4d]"]), max_size=12)


@settings(max_examples=1000, deadline=None)
@given(SOUP | st.text() | MD_SIGNS.map("".join), st.sampled_from([UID, None, ""]),
       st.sampled_from(["auto", "AUTO", "bbcode", "Plain", "html", "markdown"]))
def test_detect_and_resolve_as_original(raw: str, uid: str | None, markup: str) -> None:
    assert detect_markup(raw) == detect_markup_original(raw)
    assert bbcode.detect_uid(raw) == detect_uid_original(raw)
    assert _resolve(raw, markup, uid) == resolve_original(raw, markup, uid)


def tokens(rx: re.Pattern[str], s: str) -> list[tuple[int, int, str, tuple[str | None, ...]]]:
    """Each token's span, which alternative matched (as the converter tells) and its groups."""
    names = ("code", "hclose", "hname", "hattr", "close", "name", "attr", "raw")
    out = []
    for m in rx.finditer(s):
        if "sent" in rx.groupindex:  # the original: a group per alternative
            kind = next(k for k in ("name", "br", "smiley", "cmt", "hname", "sent", "raw") if m[k] is not None)
            kind = {"hname": "hattr", "sent": "qopen" if m[0] == bbcode.MD_QUOTE_OPEN else "qclose"}.get(kind, kind)
        elif "raw" in rx.groupindex or rx is bbcode._TOKEN:  # rewritten: the group that closed last
            kind = {"attr": "name"}.get(m.lastgroup or "", m.lastgroup or "")
        else:
            kind = next(k for k in ("name", "br", "smiley", "cmt", "hname") if m[k] is not None)
            kind = {"hname": "hattr"}.get(kind, kind)
        out.append((m.start(), m.end(), kind, tuple(m.group(n) for n in names if n in rx.groupindex)))
    return out


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(MD_PIECES), max_size=40).map("".join))
def test_token_regexes_as_original(s: str) -> None:
    assert tokens(bbcode._TOKEN, s) == tokens(TOKEN_ORIGINAL, s)
    assert tokens(bbcode._TOKEN_MD, s) == tokens(TOKEN_MD_ORIGINAL, s)
