"""Telephone numbers, normalised to E.164; only numbers valid in their numbering plan are kept.

Two passes. libphonenumber's matcher (``phonenumbers.PhoneNumberMatcher``) finds numbers written the
usual ways; it is given the account's most likely region as a hint so that national spellings
(``030 1234567``) resolve. A second pass reads digit runs the matcher does not see (``0 3 0 1 2 3``,
``030-12-34-567``), and tries each hint region in turn. A number written with ``+`` or ``00`` needs
no hint (``detail`` = ``intl``); one resolved through a hint says so (``detail`` = ``national:DE``):
its country is not independent of the hint, and attribution weighs it accordingly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

from rescue.analyse.find.base import Found, Spans

_RUN = re.compile(r"(?<![\w+.\-/])(?:\+\s?|00)?\(?\d(?:[ \-./()]{0,2}\d){6,16}(?![\w])")
_DATE = re.compile(r"^\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}$")
_IPV4 = re.compile(r"^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$")
_SPACED = re.compile(r"\d[ \-.]\d[ \-.]\d[ \-.]\d")
TRIGGER = re.compile(r"\d(?:[\s\-./()]{0,3}\d){6}")


def _e164(num: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(num, PhoneNumberFormat.E164)


def _parse(digits: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        num = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None
    return num if phonenumbers.is_valid_number(num) else None


def _international(raw: str) -> bool:
    s = raw.lstrip("( ")
    return s.startswith(("+", "00"))


def find_phones(text: str, hints: Sequence[str], taken: Spans) -> list[Found]:
    if not TRIGGER.search(text):
        return []
    out: list[Found] = []
    region = hints[0] if hints else None
    for m in PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
        if taken.overlaps(m.start, m.end):
            continue
        detail = "intl" if _international(m.raw_string) else f"national:{region}"
        out.append(Found("phone", _e164(m.number), m.start, m.end, bool(_SPACED.search(m.raw_string)), detail))
        taken.add(m.start, m.end)
    for rm in _RUN.finditer(text):
        raw = rm.group(0)
        start, end = rm.start(), rm.end()
        if taken.overlaps(start, end) or _DATE.match(raw) or _IPV4.match(raw):
            continue
        digits = "".join(ch for ch in raw if ch.isdigit())
        if not 7 <= len(digits) <= 15:
            continue
        obfuscated = bool(_SPACED.search(raw))
        if _international(raw):
            num = _parse("+" + (digits[2:] if raw.lstrip("( ").startswith("00") else digits), None)
            if num is not None:
                out.append(Found("phone", _e164(num), start, end, obfuscated, "intl"))
                taken.add(start, end)
            continue
        for hint in hints:
            num = _parse(digits, hint)
            if num is not None:
                out.append(Found("phone", _e164(num), start, end, obfuscated, f"national:{hint}"))
                taken.add(start, end)
                break
    return out


def normalise_phone(raw: str, hints: Sequence[str]) -> tuple[str, str] | None:
    """A field meant to hold one number: (E.164, detail) or None when it is not a valid number."""
    s = raw.strip()
    digits = "".join(ch for ch in s if ch.isdigit())
    if not 7 <= len(digits) <= 15:
        return None
    if _international(s):
        num = _parse("+" + (digits[2:] if s.lstrip("( ").startswith("00") else digits), None)
        return (_e164(num), "intl") if num else None
    for hint in hints:
        num = _parse(digits, hint)
        if num is not None:
            return _e164(num), f"national:{hint}"
    return None
