"""The front door for post, message and signature bodies: any forum markup to plain text.

``to_plain`` returns what the author wrote themselves, as plain text, and the passages they
quoted, each credited to the quoted author with the ids the markup carries::

    >>> r = to_plain('[quote="Alice" post_id=5 user_id=3]See you at noon[/quote]Fine by me')
    >>> r.text, r.quotes[0].author, r.quotes[0].post_id, r.quotes[0].text
    ('Fine by me', 'Alice', '5', 'See you at noon')

Markups: ``s9e`` (phpBB 3.2+ XML), ``bbcode`` (phpBB 3.0/3.1 with uid, MyBB, SMF, vBulletin,
XenForo), ``html`` (Discourse cooked, Invision), ``markdown`` (Discourse raw), ``plain``
(entities decoded, whitespace normalised) and ``auto`` (:func:`detect_markup`).

Guarantees: linear-ish time, no recursion (10,000 nested quotes are fine), nothing executed or
fetched, entities decoded exactly once, and :func:`to_plain` never raises on any text.
Most BBCode and plain bodies take the shortcuts of :mod:`rescue.text.fastpath`, which give
exactly what :func:`to_plain_full` (the converters alone) gives, several times faster.
"""

from __future__ import annotations

import re

from rescue.text import bbcode, fastpath, html_text, markdown_text, s9e
from rescue.text._builder import Builder, ParsedText, Quote, normalize_ws
from rescue.text.charset import unescape_entities

__all__ = ["MARKUPS", "ParsedText", "Quote", "detect_markup", "to_plain", "to_plain_full"]

MARKUPS = ("s9e", "bbcode", "html", "markdown", "plain")
_ALIASES = {
    "auto": "auto", "s9e": "s9e", "xml": "s9e", "bbcode": "bbcode", "mycode": "bbcode",
    "phpbb": "bbcode", "mybb": "bbcode", "smf": "bbcode", "vbulletin": "bbcode",
    "xenforo": "bbcode", "html": "html", "cooked": "html", "ips": "html", "invision": "html",
    "markdown": "markdown", "discourse": "markdown", "plain": "plain", "text": "plain",
}

_DISCOURSE_QUOTE = re.compile(r"\[quote=\"?[^\[\]\n,]{0,300},[^\[\]\n]{0,100}?\btopic:\s*\d", re.I)
_BB_SIGNS = re.compile(
    r"\[/(?:[a-z][a-z0-9]{0,15}|\*)(?::[a-z])?(?::[a-z0-9]{5,10})?\]"  # any closing tag, uid too
    r"|\[\*(?::[a-z0-9]{5,10})?\]"  # a list item
    r"|\[[a-z]{1,10}(?:=[^\[\]\n]{0,300})?:[a-z0-9]{8}\]",  # a phpBB opening tag with its uid
    re.I)
_MD_FENCE = re.compile(r"^ {0,3}(?:```|~~~)", re.M)
_PHPBB_HTML = re.compile(r"<!-- [smelw]|<!-- ia\d")
_HTML_SIGNS = re.compile(
    r"<(?:p|div|span|strong|em|b|i|u|blockquote|aside|ul|ol|li|pre|code|h[1-6]|table|tr|td|"
    r"section|article|font|center|small|sup|sub)(?:\s[^<>]{0,2000})?>|<a\s[^<>]{0,2000}href"
    r"|<img\s[^<>]{0,2000}src|</(?:p|div|span|a|blockquote|aside|li|strong|em)>", re.I)
_MD_SIGNS = re.compile(
    r"^ {0,3}(?:>|```|~~~|#{1,6} )|<(?:https?|mailto):|\*\*\S|__\S|~~\S"
    r"|\]\([^()\s]{1,2000}\)|(?<!`)`[^`\n]{1,200}`(?!`)", re.M)
_MD_LINE_SIGN = re.compile(r" {0,3}[#>]")  # where _MD_SIGNS's line-start signs can be in one line
_TEXT_SIGNS = re.compile(r"<br\s*/?>|&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});", re.I)


def _md_signs(raw: str) -> bool:
    """``_MD_SIGNS.search(raw)``, skipped when none of the characters it needs are there."""
    if "`" in raw or "**" in raw or "__" in raw or "~~" in raw or "](" in raw or "<http" in raw or "<mailto:" in raw:
        return _MD_SIGNS.search(raw) is not None
    if ("#" in raw or ">" in raw) and ("\n" in raw or _MD_LINE_SIGN.match(raw)):
        return _MD_SIGNS.search(raw) is not None
    return False


def detect_markup(raw: str) -> str:
    """Which markup a body is in: ``s9e``, ``bbcode``, ``html``, ``markdown`` or ``plain``.

    BBCode wins over HTML because phpBB 3.0 and SMF bodies carry ``<br>``, smiley ``<img>``
    and magic-link ``<a>`` inside BBCode; a body with only ``<br>`` or entities is ``bbcode``
    too (those converters handle both); Discourse quotes (``topic:N``) mean Markdown.
    """
    if not raw:
        return "plain"
    if s9e.looks_like_s9e(raw):
        return "s9e"
    if "[" in raw:
        if _DISCOURSE_QUOTE.search(raw) or (("```" in raw or "~~~" in raw) and _MD_FENCE.search(raw)):
            return "markdown"
        if _BB_SIGNS.search(raw):
            return "bbcode"
    if "<" in raw:
        if _PHPBB_HTML.search(raw):
            return "bbcode"
        if raw.count("<") != raw.count("<br") + raw.count("<BR") and _HTML_SIGNS.search(raw):
            return "html"  # (no HTML sign begins "<br")
    if _md_signs(raw):
        return "markdown"
    if ("<" in raw or "&" in raw) and _TEXT_SIGNS.search(raw):
        return "bbcode"
    return "plain"


def _resolve(raw: str, markup: str, uid: str | None) -> str:
    kind = _ALIASES.get(markup)
    if kind is None:
        kind = _ALIASES.get(markup.lower())
        if kind is None:
            raise ValueError(f"unknown markup {markup!r}; expected one of auto, {', '.join(MARKUPS)}")
    if kind == "auto":
        if uid:  # a phpBB row: its bbcode_uid makes any body but s9e XML BBCode
            return "s9e" if s9e.looks_like_s9e(raw) else "bbcode"
        return detect_markup(raw)
    if kind == "bbcode" and s9e.looks_like_s9e(raw):
        return "s9e"  # phpBB 3.2+ tables keep 3.0-era and s9e bodies side by side
    return kind


def _convert(raw: str, kind: str, uid: str | None) -> ParsedText:
    b = Builder()
    if kind == "s9e":
        s9e.convert(raw, b)
    elif kind == "bbcode":
        bbcode.convert(raw, b, uid=uid)
    elif kind == "html":
        html_text.convert(raw, b)
    elif kind == "markdown":
        markdown_text.convert(raw, b)
    else:
        b.text(unescape_entities(raw))
    return b.finish()


def to_plain(raw: str, markup: str = "auto", *, bbcode_uid: str | None = None) -> ParsedText:
    """``raw`` in ``markup`` as the author's own plain text plus credited quotes.

    ``bbcode_uid``: phpBB's ``bbcode_uid`` column for the row (found in the body when None).
    Raises ``ValueError`` only for an unknown ``markup`` name, never because of the body.
    """
    return _to_plain(raw, markup, bbcode_uid, fast=True)


def to_plain_full(raw: str, markup: str = "auto", *, bbcode_uid: str | None = None) -> ParsedText:
    """:func:`to_plain` without the shortcuts of :mod:`rescue.text.fastpath` (their reference)."""
    return _to_plain(raw, markup, bbcode_uid, fast=False)


def _to_plain(raw: str, markup: str, uid: str | None, fast: bool) -> ParsedText:
    kind = _resolve(raw or "", markup, uid)
    if not raw:
        return ParsedText("", ())
    if not isinstance(raw, str):
        raw = bytes(raw).decode("utf-8", "replace")
    try:
        if fast:
            done = fastpath.convert(raw, kind, uid)
            if done is not None:
                return done
        return _convert(raw, kind, uid)
    except Exception:  # a converter bug must not lose the post: fall back to the bare text
        return ParsedText(normalize_ws(unescape_entities(raw)), ())
