"""Who is quoted: the author and ids inside a BBCode ``[quote…]`` opening tag.

Every dialect in the wild, in one function:

- phpBB 3.0 ``[quote=&quot;Name&quot;:uid]`` (uid stripped before this), phpBB 3.2+ source form
  ``[quote="Name" post_id=5 time=… user_id=3]``;
- MyBB ``[quote='Name' pid='5' dateline='…']``; IPB 2 ``[quote name='Name' post='5']``;
- SMF ``[quote author=Some Name link=msg=5 date=…]`` (``link=topic=12.msg34#msg34`` in 1.x);
- vBulletin ``[QUOTE=Name;5]`` (vB5 ``[QUOTE=Name;n5]``);
- XenForo ``[QUOTE="Name, post: 5, member: 3"]``;
- Discourse ``[quote="name, post:2, topic:1"]`` (``username:`` overrides the shown name).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from rescue.text.charset import unescape_entities

_KEY = re.compile(r"(?:^|\s)([a-z_]{1,20})=", re.I)
_COMMA_KEY = re.compile(r"\s*([a-z_]{1,20})\s*:\s*(\S.*?)\s*", re.I)
_VB_POST = re.compile(r"\s*n?\d{1,20}\s*", re.I)
_SMF_MSG = re.compile(r"msg=?(\d{1,20})", re.I)
_SMF_TOPIC = re.compile(r"topic=(\d{1,20})", re.I)

_AUTHOR_KEYS = ("username", "author", "name")
_POST_KEYS = ("post_id", "pid", "post", "postid", "msg_id", "p")
_ACCOUNT_KEYS = ("user_id", "userid", "uid", "member", "member_id", "memberid")
_TOPIC_KEYS = ("topic", "topic_id", "tid", "thread", "threadid", "thread_id")
_KNOWN = frozenset(_AUTHOR_KEYS + _POST_KEYS + _ACCOUNT_KEYS + _TOPIC_KEYS
                   + ("link", "date", "time", "dateline", "full", "timestamp", "source"))


class QuoteSource(NamedTuple):
    author: str | None = None
    account_id: str | None = None
    post_id: str | None = None
    topic_id: str | None = None


def _unquote(v: str) -> str:
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def _key_values(s: str) -> dict[str, str]:
    """``a=1 b='x y' link=msg=5`` → dict; a value runs to the next ``␣key=``."""
    out: dict[str, str] = {}
    matches = list(_KEY.finditer(s))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(s)
        out.setdefault(m.group(1).lower(), _unquote(s[m.end():end]))
    return out


def _first(d: dict[str, str], keys: tuple[str, ...]) -> str | None:
    for k in keys:
        v = d.get(k)
        if v:
            return v
    return None


def _split_comma_form(name: str, kv: dict[str, str]) -> str:
    """``name, post:2, topic:1`` → ``name`` with the pairs added to ``kv``."""
    head, *tail = name.split(",")
    pairs: dict[str, str] = {}
    for item in tail:
        m = _COMMA_KEY.fullmatch(item)
        if m is None:
            return name
        pairs[m.group(1).lower()] = m.group(2)
    if not pairs:
        return name
    for k, v in pairs.items():
        kv.setdefault(k, v)
    return head


def _split_unquoted(v: str) -> tuple[str, str]:
    """``Name post_id=5`` → (``Name``, ``post_id=5``), splitting only at a known key."""
    for m in _KEY.finditer(v):
        if m.start() > 0 and m.group(1).lower() in _KNOWN:
            return v[:m.start()], v[m.start():]
    return v, ""


def parse_quote_attr(attr: str | None) -> QuoteSource:
    """The author and ids carried by a quote tag's attribute text (what follows ``quote``)."""
    if not attr:
        return QuoteSource()
    a = unescape_entities(attr).strip()
    kv: dict[str, str] = {}
    name: str | None = None
    if a.startswith("="):
        v = a[1:].strip()
        rest = ""
        if v[:1] in ("'", '"'):
            end = v.find(v[0], 1)
            name, rest = (v[1:], "") if end < 0 else (v[1:end], v[end + 1:])
        else:
            name, rest = _split_unquoted(v)
            head, sep, tail = name.rpartition(";")
            if sep and _VB_POST.fullmatch(tail):
                name, kv["post"] = head, tail.strip()
        if "," in name and ":" in name:
            name = _split_comma_form(name, kv)
        if rest:
            for k, val in _key_values(rest).items():
                kv.setdefault(k, val)
    else:
        kv = _key_values(a)
    if not kv:
        return QuoteSource(name or None)
    author = _first(kv, _AUTHOR_KEYS) if "username" in kv or not name else name
    post_id = _first(kv, _POST_KEYS)
    topic_id = _first(kv, _TOPIC_KEYS)
    link = kv.get("link")
    if link:
        m = _SMF_MSG.search(link)
        post_id = post_id or (m.group(1) if m else None)
        t = _SMF_TOPIC.search(link)
        topic_id = topic_id or (t.group(1) if t else None)
    return QuoteSource(author, _first(kv, _ACCOUNT_KEYS), post_id, topic_id)
