"""Reference tables shipped with the analysis (``data/``) and from installed packages, loaded lazily.

Each loader is cached per process: nothing is read at import time.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from importlib import resources
from pathlib import Path

import pycountry


def _data_lines(name: str) -> list[str]:
    text = resources.files("rescue.analyse").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return [ln.rstrip("\n") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def fold(text: str) -> str:
    """Case- and accent-folded form for matching place names (``Köln`` → ``koln``)."""
    t = unicodedata.normalize("NFKD", text.casefold())
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    t = t.replace("ß", "ss").replace("ł", "l").replace("ø", "o").replace("đ", "d").replace("ı", "i")
    return " ".join(t.replace("-", " ").replace(".", " ").replace("'", " ").split())


@functools.lru_cache(maxsize=1)
def email_providers() -> dict[str, tuple[str, str | None]]:
    """domain → (class, country or None)."""
    out: dict[str, tuple[str, str | None]] = {}
    for ln in _data_lines("email_providers.tsv"):
        parts = ln.split("\t")
        out[parts[0].lower()] = (parts[1], parts[2] if len(parts) > 2 and parts[2] else None)
    return out


def misp_list(name: str) -> list[str]:
    try:
        import pymispwarninglists
    except ImportError:  # pragma: no cover - optional at run time
        return []
    path = Path(pymispwarninglists.__file__).parent / "data" / "misp-warninglists" / "lists" / name / "list.json"
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [str(x) for x in data.get("list", [])]


@functools.lru_cache(maxsize=1)
def disposable_domains() -> frozenset[str]:
    return frozenset(d.lower().lstrip(".") for d in misp_list("disposable-email") + _data_lines("disposable.txt"))


@functools.lru_cache(maxsize=1)
def iana_tlds() -> frozenset[str]:
    got = misp_list("tlds")
    if not got:  # pragma: no cover - without pymispwarninglists: the country codes and common gTLDs
        got = [c.alpha_2.lower() for c in pycountry.countries] + ["com", "net", "org", "info", "biz", "edu",
                                                                   "gov", "io", "me", "app", "online", "xyz"]
    return frozenset(t.lower().lstrip(".") for t in got)


@functools.lru_cache(maxsize=1)
def hosting_asn_patterns() -> tuple[str, ...]:
    return tuple(p.lower() for p in _data_lines("hosting_asns.txt"))


@functools.lru_cache(maxsize=1)
def mobile_asn_patterns() -> tuple[frozenset[str], re.Pattern[str]]:
    """Mobile network operators (``data/mobile_asns.txt``): whole names (lower case), and one pattern of the
    name parts, each starting a word (``mobile`` matches ``T-Mobile``, not ``Automobile``)."""
    lines = [p.lower().strip() for p in _data_lines("mobile_asns.txt")]
    parts = "|".join(re.escape(p) for p in lines if not p.startswith("="))
    return (frozenset(p[1:] for p in lines if p.startswith("=")), re.compile(rf"(?<![a-z])(?:{parts})"))


def is_mobile_operator(name: str | None) -> bool:
    """Is the network operator ``name`` (an ASN name) a mobile carrier?"""
    if not name:
        return False
    whole, parts = mobile_asn_patterns()
    low = name.lower().strip()
    return low in whole or parts.search(low) is not None


@functools.lru_cache(maxsize=1)
def filehosts() -> frozenset[str]:
    return frozenset(p.lower() for p in _data_lines("filehosts.txt"))


@functools.lru_cache(maxsize=1)
def misp_ranges() -> dict[str, list[tuple[str, list[str]]]]:
    """IP class → [(MISP list name, CIDRs)] for the lists the analysis uses (offline, shipped with the package)."""
    groups = {
        "vpn": ("vpn-ipv4", "vpn-ipv6"),
        "hosting": ("amazon-aws", "google-gcp", "microsoft-azure", "microsoft-azure-china", "microsoft-azure-germany",
                    "microsoft-azure-us-gov", "ovh-cluster", "cloudflare", "akamai", "fastly", "stackpath",
                    "github", "zscaler", "tenable-cloud-ipv4", "tenable-cloud-ipv6", "googlebot", "openai-gptbot",
                    "censys-scanning", "shodan-scanning", "shadowserver", "rapid7-nt-scanning"),
    }
    out: dict[str, list[tuple[str, list[str]]]] = {}
    for cls, names in groups.items():
        out[cls] = [(n, lst) for n in names if (lst := misp_list(n))]
    return out


@functools.lru_cache(maxsize=1)
def timezones() -> tuple[dict[str, tuple[str, ...]], dict[tuple[int, bool], frozenset[str]], dict[int, frozenset[str]]]:
    """(IANA zone → countries, (offset minutes, DST) → countries, offset minutes → countries)."""
    by_zone: dict[str, list[str]] = {}
    by_offset_dst: dict[tuple[int, bool], set[str]] = {}
    by_offset: dict[int, set[str]] = {}
    for ln in _data_lines("timezones.tsv"):
        zone, cc, off, dst = ln.split("\t")
        by_zone.setdefault(zone.lower(), []).append(cc)
        minutes = round(float(off) * 60)
        by_offset_dst.setdefault((minutes, dst == "1"), set()).add(cc)
        by_offset.setdefault(minutes, set()).add(cc)
    return ({k: tuple(sorted(v)) for k, v in by_zone.items()},
            {k: frozenset(v) for k, v in by_offset_dst.items()},
            {k: frozenset(v) for k, v in by_offset.items()})


@functools.lru_cache(maxsize=1)
def place_names() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """(folded country/region name → countries, folded city name → countries, region code → countries)."""
    countries: dict[str, set[str]] = {}
    cities: dict[str, set[str]] = {}
    codes: dict[str, set[str]] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            val = getattr(c, attr, None)
            if val:
                countries.setdefault(fold(val), set()).add(c.alpha_2)
    for ln in _data_lines("places.tsv"):
        cc, names = ln.split("\t")
        if cc.startswith("code:"):
            for code in names.split("|"):
                codes.setdefault(code, set()).add(cc[5:])
            continue
        for n in names.split("|"):
            countries.setdefault(fold(n), set()).add(cc)
    for ln in _data_lines("cities.tsv"):
        cc, names = ln.split("\t")
        for n in names.split("|"):
            cities.setdefault(fold(n), set()).add(cc)
    return ({k: frozenset(v) for k, v in countries.items()}, {k: frozenset(v) for k, v in cities.items()},
            {k: frozenset(v) for k, v in codes.items()})


@functools.lru_cache(maxsize=1)
def country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}


# Languages detected (ISO 639-1) → countries where it is a main language of the population. Used as
# weak, corroborating evidence only.
LANGUAGE_COUNTRIES: dict[str, tuple[str, ...]] = {
    "en": ("US", "GB", "CA", "AU", "IE", "NZ", "ZA", "IN", "MT", "SG", "PH", "NG", "JM"),
    "de": ("DE", "AT", "CH", "LI", "LU"),
    "fr": ("FR", "BE", "CH", "LU", "CA", "MC"),
    "es": ("ES", "MX", "AR", "CO", "CL", "PE", "VE", "EC", "GT", "CU", "BO", "DO", "HN", "PY", "SV", "NI", "CR",
           "PA", "UY", "PR"),
    "it": ("IT", "CH", "SM"),
    "nl": ("NL", "BE"),
    "pt": ("PT", "BR", "AO", "MZ"),
    "pl": ("PL",),
    "sv": ("SE", "FI"),
    "da": ("DK",),
    "nb": ("NO",),
    "fi": ("FI",),
    "cs": ("CZ",),
    "sk": ("SK",),
    "hu": ("HU",),
    "ro": ("RO", "MD"),
    "el": ("GR", "CY"),
    "ru": ("RU", "BY", "KZ", "KG"),
    "uk": ("UA",),
    "tr": ("TR", "CY"),
    "ja": ("JP",),
    "bg": ("BG",),
    "hr": ("HR", "BA"),
    "sl": ("SI",),
    "et": ("EE",),
    "lt": ("LT",),
    "lv": ("LV",),
}
