"""Messenger handles: labelled (``Skype: name``, ``mein Kik ist name``) and self-evident forms.

Self-evident without a label: Skype ``live:`` ids, Telegram ``t.me/name`` (also ``t . me / name``),
Session ids (66 hex digits starting ``05``, also written in groups), Matrix ids ``@name:server``.
Everything else needs its service named just before it, optionally followed by a connector (``:``,
``is``, ``ist``, ``es``, ``è``, ``as``…). Values are lower-cased where the service ignores case;
Threema ids are upper-cased; a Signal "handle" that is a phone number becomes a ``phone``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rescue.analyse.find.base import Found, Spans
from rescue.analyse.find.phones import normalise_phone

_LABELS: tuple[tuple[str, str], ...] = (
    ("skype", r"skype"), ("icq", r"icq"), ("telegram", r"telegram|tg(?=\s*:)"), ("kik", r"kik(?:\s*messenger)?"),
    ("wickr", r"wickr(?:\s*me)?"), ("threema", r"threema"), ("signal", r"signal"),
    ("snapchat", r"snapchat|snap(?=\s*:)"), ("discord", r"discord"), ("session", r"session(?:\s*id)?"),
    ("wire", r"wire(?=\s*:)"),
)
LABEL = re.compile(r"(?<![\w])(?:" + "|".join(f"(?P<{k}>{p})" for k, p in _LABELS) + r")(?![\w])", re.I)
_CONNECT = re.compile(
    r"(?:\s*(?:id|name|user ?name|handle|nick|uin|number|nr\.?|account)\b)?"
    r"(?:\s*(?:[:=\-–>]+|\bis\b|\bist\b|\bes\b|\best\b|\bè\b|\bé\b|\bto\b|\bas\b|\bals\b|\bcomo\b|\bcome\b|\bjest\b|"
    r"\ber\b|\bär\b|\bon\b|\bunder\b|\bunter\b|\bc'est\b)){0,3}\s*", re.I)
_HANDLE: dict[str, re.Pattern[str]] = {
    "skype": re.compile(r"(live:[a-z0-9._\-]{3,40}|[a-z][a-z0-9._,\-]{5,31})(?![\w@])", re.I),
    "telegram": re.compile(r"(?:@|t\.me/)?([a-z][a-z0-9_]{4,31})(?![\w@])", re.I),
    "kik": re.compile(r"@?([a-z][a-z0-9._]{1,31})(?![\w@])", re.I),
    "wickr": re.compile(r"@?([a-z0-9][a-z0-9._\-]{2,31})(?![\w@])", re.I),
    "threema": re.compile(r"([a-z0-9*]{8})(?![\w])", re.I),
    "snapchat": re.compile(r"@?([a-z][a-z0-9._\-]{2,31})(?![\w@])", re.I),
    "discord": re.compile(r"@?([a-z0-9_.]{2,32}(?:#\d{4})?)(?![\w@])", re.I),
    "signal": re.compile(r"([a-z][a-z0-9_]{2,31}\.\d{2,9})(?![\w@])", re.I),
    "wire": re.compile(r"@?([a-z0-9_]{2,64})(?![\w@])", re.I),
}
_ICQ = re.compile(r"(\d(?:[ \-.]?\d){4,9})(?![\d])")
_SPACED_CHARS = re.compile(r"((?:[a-z0-9._:\-] ){5,}[a-z0-9._:\-])(?![\w])", re.I)
_SESSION = re.compile(r"(?<![0-9a-f])05(?:[ ]?[0-9a-f]){64}(?![0-9a-f])", re.I)
_LIVE = re.compile(r"(?<![\w:])live:([a-z0-9._\-]{3,40})(?![\w@])", re.I)
_TME = re.compile(r"(?<![\w])(?:https?://)?(?:t|telegram)\s*\.\s*me\s*/\s*([a-z][a-z0-9_]{4,31})(?![\w])", re.I)
_MATRIX = re.compile(r"(?<![\w])@([a-z0-9._=\-/]{1,64}):([a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,24})(?![\w])", re.I)
_PHONEISH = re.compile(r"\+?\d[\d \-./()]{6,20}\d")
_STOP = frozenset({"is", "me", "on", "as", "at", "my", "the", "and", "or", "to", "add", "ist", "es", "mein", "meine",
                   "mon", "mi", "il", "mio", "meu", "mijn", "moj", "please", "pls", "name", "id"})


def _spaced(text: str, pos: int) -> re.Match[str] | None:
    return _SPACED_CHARS.match(text, pos)


def find_self_evident(text: str, taken: Spans) -> list[Found]:
    out: list[Found] = []
    for m in _SESSION.finditer(text):
        value = m.group(0).replace(" ", "").lower()
        out.append(Found("session", value, m.start(), m.end(), " " in m.group(0), None))
        taken.add(m.start(), m.end())
    for m in _LIVE.finditer(text):
        if not taken.overlaps(m.start(), m.end()):
            out.append(Found("skype", "live:" + m.group(1).lower().rstrip("."), m.start(), m.end(), False, None))
            taken.add(m.start(), m.end())
    for m in _TME.finditer(text):
        if not taken.overlaps(m.start(), m.end()):
            spaced = " " in m.group(0)
            out.append(Found("telegram", m.group(1).lower(), m.start(), m.end(), spaced, "t.me"))
            taken.add(m.start(), m.end())
    for m in _MATRIX.finditer(text):
        if not taken.overlaps(m.start(), m.end()):
            out.append(Found("matrix", f"@{m.group(1).lower()}:{m.group(2).lower()}", m.start(), m.end()))
            taken.add(m.start(), m.end())
    return out


def _labelled(kind: str, text: str, pos: int, hints: Sequence[str]) -> Found | None:
    if kind == "icq":
        m = _ICQ.match(text, pos)
        if m:
            raw = m.group(1)
            return Found("icq", "".join(ch for ch in raw if ch.isdigit()), m.start(1), m.end(1),
                         not raw.isdigit(), None)
        return None
    if kind in ("signal", "wire", "threema", "session"):
        pm = _PHONEISH.match(text, pos)
        if pm and kind in ("signal", "wire"):
            got = normalise_phone(pm.group(0), hints)
            if got:
                return Found("phone", got[0], pm.start(), pm.end(), False, f"{got[1]};{kind}")
    if kind == "session":
        return None  # session ids are found by their shape
    if kind == "skype":
        sm = _spaced(text, pos)
        if sm:
            run = sm.group(1)
            if run[-1] in "IAa" and re.match(r" [A-Za-z]", text[sm.end(1):sm.end(1) + 2]):
                run = run[:-2]  # "… t I am": the spaced name ends before a one-letter word
            return Found("skype", run.replace(" ", "").lower(), sm.start(1), sm.start(1) + len(run), True,
                         "spaced")
    m = _HANDLE[kind].match(text, pos)
    if not m:
        return None
    value = m.group(1).rstrip("._,-")
    if value.lower() in _STOP or len(value) < 2:
        return None
    if kind == "threema":
        if not any(ch.isdigit() for ch in value) and not value.isupper():
            return None
        return Found(kind, value.upper(), m.start(1), m.start(1) + len(value), False, None)
    return Found(kind, value.lower(), m.start(1), m.start(1) + len(value), False, None)


def find_labelled(text: str, hints: Sequence[str], taken: Spans) -> list[Found]:
    out: list[Found] = []
    for lm in LABEL.finditer(text):
        kind = lm.lastgroup
        if kind is None:
            continue
        pos = _CONNECT.match(text, lm.end())
        start = pos.end() if pos else lm.end()
        found = _labelled(kind, text, start, hints)
        if found is None or taken.overlaps(found.start, found.end):
            continue
        out.append(found)
        taken.add(found.start, found.end)
    return out


def normalise_handle(kind: str, raw: str) -> str | None:
    """A profile field that holds one handle of ``kind``: its normal form, or None."""
    s = raw.strip().lstrip("@")
    if not s:
        return None
    if kind == "icq":
        digits = "".join(ch for ch in s if ch.isdigit())
        return digits if 5 <= len(digits) <= 10 and len(digits) >= len(s.replace(" ", "").replace("-", "")) else None
    if kind == "telegram":
        m = _TME.search(s)
        s = m.group(1) if m else s
    if kind == "threema":
        return s.upper() if len(s) == 8 else None
    if kind == "session":
        v = s.replace(" ", "").lower()
        return v if _SESSION.fullmatch(v) else None
    return s.lower() if " " not in s else None
