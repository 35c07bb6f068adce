"""Markdown (Discourse ``raw``) to plain text.

Line by line, Markdown is rewritten into an intermediate text for the BBCode converter,
which Discourse bodies need anyway (``[quote="name, post:2, topic:1"]``, ``[details]``):

- ``>`` blockquote levels become quote open/close sentinels (a blank line ends a quote, a
  non-blank line right after a quoted line continues it, as CommonMark's laziness does);
- fenced code and inline code spans become raw regions, never parsed further;
- backslash escapes travel as private-use placeholders, restored in the final text;
- headings, list markers, rules, emphasis and strike-through markers are dropped;
  ``[label](url)`` → ``label (url)``, ``![alt](url)`` and ``<http://…>`` → the URL.

Every pattern is bounded, so hostile input costs linear time.
"""

from __future__ import annotations

import re

from rescue.text import bbcode
from rescue.text._builder import Builder, same_url

_SENTINELS = re.compile("[\U0010fe00-\U0010ffff]")
_KEEP_OPEN, _KEEP_CLOSE = "\U0010fff4", "\U0010fff5"
_KEPT = re.compile(f"{_KEEP_OPEN}(\\d+){_KEEP_CLOSE}")
_QUOTE_RUN = re.compile(r"(?: {0,3}> ?)+")
_MAX_DEPTH = Builder.max_depth
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`{1,3})([^`\n]{1,5000})\1(?!`)")
_BB_TAG = re.compile(r"\[[a-z][a-z0-9]{0,15}[=\s][^\[\]\n]{0,1000}\](?!\()", re.I)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_IMAGE = re.compile(r"!\[([^\[\]\n]{0,1000})\]\(\s*<?([^()\s<>]{0,2000})>?(?:\s+\"[^\"\n]{0,500}\")?\s*\)")
_LINK = re.compile(r"\[([^\[\]\n]{0,1000})\]\(\s*<?([^()\s<>]{0,2000})>?(?:\s+\"[^\"\n]{0,500}\")?\s*\)")
_BARE_URL = re.compile(r"(?<![\w/])(?:https?|ftp)://[^\s<>()\[\]`\"']{1,2000}", re.I)
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]{1,2000})>", re.I)
_STRONG = re.compile(r"(?<=\S)(?:\*\*|~~)|(?:\*\*|~~)(?=\S)|(?<!\w)__(?=[^\s_])|(?<=[^\s_])__(?!\w)")
_EM_STAR = re.compile(r"(?<![\w*])\*(?=[^\s*])|(?<=[^\s*])\*(?![\w*])")
_EM_UNDER = re.compile(r"(?<!\w)_(?=[^\s_])|(?<=[^\s_])_(?!\w)")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]+|$)")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_RULE = re.compile(r" {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|={3,}[ \t]*)")
_LIST_MARK = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")
_SPECIAL = re.compile(r"[-`\\\[\]<*_~#=+]|^ {0,3}\d")


def _raw(s: str) -> str:
    return f"{bbcode.MD_RAW_START}{s}{bbcode.MD_RAW_END}"


class _Line:
    """One line of ordinary (non-fenced) Markdown; protected pieces wait in ``keep``."""

    def __init__(self) -> None:
        self.keep: list[str] = []

    def protect(self, final: str) -> str:
        self.keep.append(final)
        return f"{_KEEP_OPEN}{len(self.keep) - 1}{_KEEP_CLOSE}"

    def image(self, m: re.Match[str]) -> str:
        return self.protect(_raw(m.group(2) or m.group(1)))

    def link(self, m: re.Match[str]) -> str:
        label, url = m.group(1).strip(), m.group(2)
        if not url or url.startswith("#"):
            return label
        if not label or same_url(label, url):
            return self.protect(_raw(url))
        return f"{label} ({self.protect(_raw(url))})"

    def convert(self, s: str) -> str:
        if _RULE.fullmatch(s):
            return ""
        m = _HEADING.match(s)
        if m:
            s = _CLOSING_HASHES.sub("", s[m.end():])
        else:
            m = _LIST_MARK.match(s)
            if m:
                s = s[m.end():]
        if "`" in s:
            s = _CODE_SPAN.sub(lambda c: self.protect(_raw(c.group(2).strip(" "))), s)
        s = _ESCAPE.sub(lambda e: chr(bbcode.MD_ESCAPE_BASE + ord(e.group(1))), s)
        if "[" in s:
            s = _BB_TAG.sub(lambda t: self.protect(t.group(0)), s)
        if "](" in s:
            s = _IMAGE.sub(self.image, s)
            s = _LINK.sub(self.link, s)
        if "<" in s:
            s = _AUTOLINK.sub(lambda a: self.protect(_raw(a.group(1))), s)
        if "://" in s:
            s = _BARE_URL.sub(lambda u: self.protect(_raw(u.group(0))), s)
        if "**" in s or "__" in s or "~~" in s:
            s = _STRONG.sub("", s)
        if "*" in s:
            s = _EM_STAR.sub("", s)
        if "_" in s:
            s = _EM_UNDER.sub("", s)
        if self.keep:
            s = _KEPT.sub(lambda k: self.keep[int(k.group(1))], s)
        return s


def _quote_level(line: str) -> tuple[int, str]:
    if ">" not in line[:4]:
        return 0, line
    m = _QUOTE_RUN.match(line)
    if m is None:
        return 0, line
    return min(m.group().count(">"), _MAX_DEPTH), line[m.end():]


def to_intermediate(raw: str) -> str:
    """Markdown → the BBCode converter's input (sentinels for quotes and raw regions)."""
    raw = _SENTINELS.sub("", raw.replace("\r\n", "\n").replace("\r", "\n"))
    out: list[str] = []
    depth = 0  # open Markdown quote levels
    fence: str | None = None
    fence_depth = 0
    code: list[str] = []
    lazy = False  # the previous line was quoted text that a plain line may continue
    for line in raw.split("\n"):
        if fence is not None:
            level, rest = _quote_level(line)
            body = rest if level >= fence_depth else line
            if level < fence_depth or body.strip().startswith(fence):
                out.append(_raw("\n".join(code)) + "\n")
                code, fence = [], None
                if level >= fence_depth:
                    continue
            else:
                code.append(body)
                continue
        if not line and not depth:
            out.append("\n")
            lazy = False
            continue
        level, rest = _quote_level(line)
        if level == 0 and lazy and rest.strip() and not _FENCE.match(rest):
            level = depth
        if level > depth:
            out.append(bbcode.MD_QUOTE_OPEN * (level - depth))
        elif level < depth:
            out.append(bbcode.MD_QUOTE_CLOSE * (depth - level))
        depth = level
        fm = _FENCE.match(rest)
        if fm:
            fence, fence_depth, lazy = fm.group(1), depth, False
            out.append("\n")
            continue
        lazy = depth > 0 and bool(rest.strip())
        out.append((_Line().convert(rest) if _SPECIAL.search(rest) else rest) + "\n")
    if fence is not None:
        out.append(_raw("\n".join(code)))
    out.append(bbcode.MD_QUOTE_CLOSE * depth)
    return "".join(out)


def convert(raw: str, b: Builder) -> None:
    """Feed a Markdown body into ``b``."""
    bbcode.convert(to_intermediate(raw), b, markdown=True)
