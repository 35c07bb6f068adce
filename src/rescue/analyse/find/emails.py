"""E-mail addresses and Jabber IDs, plain and obfuscated.

Recognised spellings of ``name@host.tld``: ``name @ host . tld``, ``name at host dot tld``,
``name [at] host [dot] tld``, ``name(at)host(dot)tld``, ``name{at}host{dot}tld``, ``name[@]host.tld``,
``name AT host DOT tld`` and ``name at host.tld``. The last one (a bare word "at" and real dots) is
ordinary prose too ("look at example.com"), so it counts only when a mail label ("my mail is",
"e-mail:", "schreib mir an"…) stands just before it, or the name part is address-like (digits, dots,
underscores). The top-level domain must be one IANA knows. An address introduced as Jabber/XMPP, or
on a known XMPP server, is a Jabber ID (kind ``jabber``), not an e-mail.
"""

from __future__ import annotations

import re

from rescue.analyse import resources
from rescue.analyse.find.base import Found, Spans, is_xmpp_domain, nearest_label

_OPEN, _CLOSE = r"[\[\(\{<]", r"[\]\)\}>]"
_AT = (rf"(?P<at>\s*@\s*|\s*{_OPEN}\s*(?:at|@)\s*{_CLOSE}\s*|\s+at\s+)")
_DOT = rf"(?:\s*{_OPEN}\s*(?:dot|\.)\s*{_CLOSE}\s*|\s+dot\s+|\s+\.\s+|\.)"
_LABEL = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
_LOCAL = r"[a-z0-9](?:[a-z0-9._%+\-]{0,62}[a-z0-9_])?"
EMAIL = re.compile(
    rf"(?<![\w.+%\-@])(?P<local>{_LOCAL}){_AT}(?P<domain>{_LABEL}(?:{_DOT}{_LABEL}){{0,4}}{_DOT}(?P<tld>[a-z]{{2,24}}))"
    rf"(?![\w\-@])", re.I)
_DOT_SPLIT = re.compile(_DOT, re.I)

_STOP_LOCALS = frozenset([
    "a", "about", "all", "also", "am", "an", "and", "any", "are", "as", "at", "back", "be", "been", "but",
    "by", "can", "did", "do", "does", "done", "down", "even", "for", "from", "get", "go", "going", "good",
    "got", "had", "has", "have", "he", "her", "here", "him", "his", "how", "i", "if", "in", "into", "is",
    "it", "its", "just", "last", "let", "look", "looking", "me", "more", "most", "my", "near", "new", "no",
    "not", "now", "of", "off", "on", "one", "only", "or", "our", "out", "over", "people", "please", "see",
    "she", "so", "some", "stay", "still", "that", "the", "their", "them", "then", "there", "these", "they",
    "this", "those", "time", "to", "too", "up", "us", "very", "was", "way", "we", "well", "went", "were",
    "what", "when", "where", "which", "while", "who", "why", "will", "with", "you", "your", "arrive",
    "arrived", "arriving", "meet", "meeting", "stop", "staying", "lives", "living", "live", "based", "work",
    "works", "working"
])
_AT_NEXT = re.compile(_AT, re.I)
_ADDRESS_LIKE = re.compile(r"[._\d\-+]")


def _tld_ok(tld: str) -> bool:
    return tld.lower() in resources.iana_tlds()


def find_emails(text: str, taken: Spans) -> list[Found]:
    out: list[Found] = []
    pos = 0
    while (m := EMAIL.search(text, pos)) is not None:
        pos = m.start() + 1  # a rejected candidate may hide a real address starting inside it
        got = _accept(text, m, taken)
        if got is not None:
            out.append(got)
            taken.add(got.start, got.end)
            pos = got.end
    return out


def _accept(text: str, m: re.Match[str], taken: Spans) -> Found | None:
    start, end = m.start(), m.end()
    if taken.overlaps(start, end):
        return None
    tld = m.group("tld")
    if not _tld_ok(tld):
        return None
    at = m.group("at")
    raw_domain = m.group("domain")
    labels = _DOT_SPLIT.split(raw_domain)
    dots_plain = all(d == "." for d in _DOT_SPLIT.findall(raw_domain))
    at_plain = at == "@"
    word_at = at.strip().lower() == "at"
    local = m.group("local")
    if word_at and dots_plain and _AT_NEXT.match(text, end):
        return None  # "a line at first.last AT host DOT com": the domain is the next address's name
    if word_at and dots_plain:
        label = nearest_label(text, start)
        if local.lower() in _STOP_LOCALS or (label is None and not _ADDRESS_LIKE.search(local)):
            return None
    elif word_at and local.lower() in _STOP_LOCALS and nearest_label(text, start) is None:
        return None
    domain = ".".join(lbl.lower() for lbl in labels)
    value = f"{local.lower()}@{domain}"
    obfuscated = not (at_plain and dots_plain)
    label = nearest_label(text, start)
    kind = "jabber" if label == "jabber" or (label != "mail" and is_xmpp_domain(domain)) else "email"
    return Found(kind, value, start, end, obfuscated, "obfuscated" if obfuscated else None)


def normalise_email(raw: str) -> str | None:
    """A field that should hold one address (accounts.email, an MSN field): its normal form, or None."""
    s = raw.strip().strip("<>").strip()
    if s.lower().startswith("mailto:"):
        s = s[7:]
    local, sep, domain = s.rpartition("@")
    if not sep or not local or "." not in domain or " " in s:
        return None
    domain = domain.lower().rstrip(".")
    if not _tld_ok(domain.rsplit(".", 1)[1]):
        return None
    return f"{local.lower()}@{domain}"
