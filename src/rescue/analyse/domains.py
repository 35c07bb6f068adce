"""E-mail providers, ccTLDs and the forum's own domains.

Provider classes: ``webmail`` (global: no country), ``national`` (webmail used mostly in one
country), ``isp`` (an access provider's mailbox: its country), ``privacy`` (no country),
``disposable`` (MISP's list and a shipped one), ``forum`` (the seized forum's own domain, from
``forum_config``), ``other``. A country-code top-level domain names a country unless it is one
sold worldwide as a vanity domain (``.io``, ``.tv``, ``.me``, ``.co``…).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import duckdb

from rescue.analyse import resources

VANITY_CCTLDS = frozenset({"io", "tv", "me", "co", "ws", "cc", "fm", "ai", "ly", "to", "gg", "la", "nu", "tk", "ml",
                           "ga", "cf", "gq", "am", "sh", "ac", "st", "vc", "bz", "im", "ag", "sc", "mu", "cx", "gs",
                           "ms", "pw", "vg", "so", "ps", "md", "fo", "je", "su", "eu", "un"})
_CCTLD_EXCEPTIONS = {"uk": "GB"}
# Global webmail brands whose national sites (yahoo.co.uk, hotmail.fr, live.nl) are not listed one by one.
WEBMAIL_BRANDS = frozenset({"yahoo", "ymail", "hotmail", "outlook", "live", "msn", "windowslive", "aol", "icloud",
                            "gmail", "googlemail", "zoho"})


@dataclass(frozen=True, slots=True)
class DomainInfo:
    provider_class: str
    country: str | None  # the provider's country (isp / national)
    cctld: str | None  # the top-level domain when it is a country code
    cctld_country: str | None  # that country, unless a vanity ccTLD
    evidence: str


def cctld_country(domain: str) -> tuple[str | None, str | None]:
    tld = domain.rsplit(".", 1)[-1].lower()
    if len(tld) != 2 or not tld.isalpha():
        return None, None
    cc = _CCTLD_EXCEPTIONS.get(tld, tld.upper())
    if cc not in resources.country_codes():
        return tld, None
    return tld, (None if tld in VANITY_CCTLDS else cc)


def _suffixes(domain: str) -> list[str]:
    parts = domain.split(".")
    return [".".join(parts[i:]) for i in range(len(parts) - 1)]


@functools.lru_cache(maxsize=1 << 16)  # pure: the same providers come back address after address
def classify(domain: str, own: frozenset[str] = frozenset()) -> DomainInfo:
    d = domain.lower().strip(".")
    tld, cc = cctld_country(d)
    providers = resources.email_providers()
    for suf in _suffixes(d):
        if suf in own:
            return DomainInfo("forum", None, tld, cc, f"the forum's own domain {suf}")
        got = providers.get(suf)
        if got:
            cls, country = got
            where = f" ({country})" if country else ""
            return DomainInfo(cls, country, tld, cc, f"{suf}: {cls} provider{where}")
    if d.split(".", 1)[0] in WEBMAIL_BRANDS:
        return DomainInfo("webmail", None, tld, cc, f"{d}: national site of a global webmail provider")
    disposable = resources.disposable_domains()
    for suf in _suffixes(d):
        if suf in disposable:
            return DomainInfo("disposable", None, tld, cc, f"{suf} is a disposable-address domain")
    return DomainInfo("other", None, tld, cc, "not a known provider")


_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}", re.I)


def own_domains(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Domains the seized forum itself uses (server name, cookie domain, board e-mail, URLs in its config)."""
    rows = con.execute(
        """SELECT value FROM forum_config WHERE value IS NOT NULL AND length(value) < 300 AND (
             lower(name) LIKE '%server_name%' OR lower(name) LIKE '%cookie_domain%' OR lower(name) LIKE '%email%'
             OR lower(name) LIKE '%url%' OR lower(name) LIKE '%domain%' OR lower(name) LIKE '%contact%'
             OR lower(name) LIKE '%host%')""").fetchall()
    out: set[str] = set()
    for (value,) in rows:
        for m in _HOST.finditer(str(value)):
            host = m.group(0).lower().removeprefix("www.")
            if host.rsplit(".", 1)[-1] in resources.iana_tlds() and host not in resources.email_providers():
                out.add(host)
    return frozenset(out)
