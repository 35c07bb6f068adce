"""Selector finders: from a text (or a labelled profile field) to normalised selectors with positions.

Order matters: the most specific shapes take their characters first (crypto addresses, Session
ids, URLs, e-mail addresses), then labelled handles, IP addresses and phone numbers, and bare domains
last; a later finder skips characters already taken.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rescue.analyse.find.base import Found, Spans
from rescue.analyse.find.emails import find_emails, normalise_email
from rescue.analyse.find.messengers import find_labelled, find_self_evident, normalise_handle
from rescue.analyse.find.phones import find_phones, normalise_phone
from rescue.analyse.find.web import find_crypto, find_domains, find_ips, find_urls

__all__ = ["TRIGGER_SQL", "Found", "find_all", "find_in_field"]

# A cheap pre-filter (RE2 syntax, run inside DuckDB): a text that does not match holds no selector.
TRIGGER_SQL = (
    r"(?i)(@|[\[\(\{<]\s*(at|dot|@|\.)\s*[\]\)\}>]|\sat\s+[a-z0-9\-]+\s*(\.[a-z]|\s+dot\s)|\sdot\s|://|www\.|"
    r"[a-z0-9\-]\.[a-z]{2,}|(\d[\s\-./()]{0,3}){7,}|skype|icq|telegram|t\s*\.\s*me\s*/|kik|wickr|threema|signal|"
    r"jabber|xmpp|jid|snap|discord|live:|wire\s*:|session|[a-z0-9]{25,}|05[0-9a-f]{4}\s[0-9a-f]{6})"
)


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regular expression (``a|b(c|d)|e`` → ``a``, ``b(c|d)``, ``e``)."""
    out, cur, depth, i = [], "", 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            cur += pattern[i:i + 2]
            i += 2
            continue
        if ch == "[":  # a character class: up to its closing bracket (one right after "[" or "[^" is literal)
            j = i + 1 + (pattern[i + 1] == "^")
            j = pattern.index("]", j + 1) if pattern[j] == "]" else j
            while pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            cur += pattern[i:j + 1]
            i = j + 1
            continue
        depth += (ch == "(") - (ch == ")")
        if ch == "|" and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    return [*out, cur]


# Python's re tries every alternative of the trigger at every position; searching for the alternatives one by
# one, the cheapest and most frequent first, answers the same (a match of the whole is a match of one of them)
# in a quarter of the time.
_BODY = TRIGGER_SQL[len("(?i)("):-1]
_FIRST = ("@", r"[a-z0-9\-]\.[a-z]{2,}", "://", r"[\[\(\{<]\s*(at|dot|@|\.)\s*[\]\)\}>]",
          r"\sat\s+[a-z0-9\-]+\s*(\.[a-z]|\s+dot\s)", "skype", "telegram", r"(\d[\s\-./()]{0,3}){7,}")
_PARTS = _alternatives(_BODY)
assert "|".join(_PARTS) == _BODY and f"(?i)({_BODY})" == TRIGGER_SQL
_TRIGGERS = [re.compile(p, re.I) for p in sorted(_PARTS, key=lambda p: _FIRST.index(p) if p in _FIRST else 99)]


def _triggered(text: str) -> bool:
    return any(rx.search(text) for rx in _TRIGGERS)


# What each finder's own pattern cannot match without (same flags as the finder's): a text lacking it is not
# searched by that finder. Found selectors are the same; most texts skip most finders.
_MAY_CRYPTO = re.compile(r"[0-9A-Za-z]{26}|bc1|BC1")  # base58 >= 26 chars, 0x + 40 hex, bc1..., XMR 95
_MAY_SELF_EVIDENT = re.compile(r"05|live:|me\s*/|@", re.I)  # session ids, live:, t.me/, @matrix:server
_MAY_URL = re.compile(r"://|www\.", re.I)
_MAY_EMAIL = re.compile(r"@|[\[\(\{<]\s*at|\sat\s", re.I)  # the "at" of every spelling emails.EMAIL reads
_LABEL_WORDS = ("skype", "icq", "telegram", "tg", "kik", "wickr", "threema", "signal", "snap", "discord", "session",
                "wire")
_MAY_LABELLED = re.compile("|".join(_LABEL_WORDS), re.I)
_MAY_DOMAIN = re.compile(r"[a-z0-9](?:\.|\[\.\])[a-z]{2}", re.I)


def _may_be_labelled(text: str) -> bool:
    """A service name of messengers.LABEL occurs (an ASCII text: by substring, much cheaper than the regular
    expression; else the regular expression, whose case folding reaches beyond ASCII)."""
    if text.isascii():
        low = text.lower()
        return any(w in low for w in _LABEL_WORDS)
    return _MAY_LABELLED.search(text) is not None


def find_all(text: str, hints: Sequence[str] = ()) -> list[Found]:
    """Every selector in ``text``; ``hints`` are likely phone regions (ISO alpha-2), best first."""
    if not text or not _triggered(text):
        return []
    taken = Spans()
    found: list[Found] = []
    if _MAY_CRYPTO.search(text):
        found += find_crypto(text, taken)
    if _MAY_SELF_EVIDENT.search(text):
        found += find_self_evident(text, taken)
    if _MAY_URL.search(text):
        found += find_urls(text, taken)
    if _MAY_EMAIL.search(text):
        found += find_emails(text, taken)
    if _may_be_labelled(text):
        found += find_labelled(text, hints, taken)
    found += find_ips(text, taken)
    found += find_phones(text, hints, taken)
    if _MAY_DOMAIN.search(text):
        found += find_domains(text, taken)
    found.sort(key=lambda f: (f.start, f.kind, f.value))
    return found


# Profile fields that hold one handle of a known service (phpBB, MyBB, SMF, vBulletin, XenForo names).
FIELD_KINDS: dict[str, str] = {
    "icq": "icq", "skype": "skype", "jabber": "jabber", "xmpp": "jabber", "telegram": "telegram", "kik": "kik",
    "wickr": "wickr", "threema": "threema", "session": "session", "signal": "signal", "snapchat": "snapchat",
    "discord": "discord", "aim": "aim", "yim": "yahoo", "yahoo": "yahoo", "msnm": "msn", "msn": "msn", "wlm": "msn",
    "twitter": "twitter", "facebook": "facebook", "youtube": "youtube", "instagram": "instagram",
    "googleplus": "googleplus", "email": "email", "phone": "phone", "mobile": "phone", "website": "url",
}


def find_in_field(field: str, value: str, hints: Sequence[str] = ()) -> list[Found]:
    """Selectors in a profile field: the field's own service when its name says so, else a text search."""
    name = field.lower().removeprefix("pf_").removeprefix("phpbb_").removeprefix("user_")
    kind = FIELD_KINDS.get(name)
    v = value.strip()
    end = len(value)
    if kind in ("email", "msn", "jabber") and (e := normalise_email(v)):
        return [Found("jabber" if kind == "jabber" else "email", e, 0, end, False, f"field:{name}")]
    if kind == "phone" and (p := normalise_phone(v, hints)):
        return [Found("phone", p[0], 0, end, False, p[1])]
    if kind in ("icq", "skype", "telegram", "kik", "wickr", "threema", "session", "snapchat", "discord") \
            and (h := normalise_handle(kind, v)):
        return [Found(kind, h, 0, end, False, f"field:{name}")]
    if kind in ("aim", "yahoo", "twitter", "facebook", "instagram", "youtube", "googleplus", "signal") \
            and "/" not in v and " " not in v and v:
        return [Found(kind, v.lstrip("@").lower(), 0, end, False, f"field:{name}")]
    return find_all(value, hints)
