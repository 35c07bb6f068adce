"""URLs, domains, IP addresses written in text, and crypto-currency addresses (checksums verified).

A URL gives two selectors: the ``url`` and its host as a ``domain`` (``detail`` = ``filehost`` for
file-hosting and paste services). A bare ``example.de`` counts as a domain when its top-level domain
is an IANA one written in lower case, and not a common file extension (``readme.md``).
Defanged spellings (``hxxp://``, ``example[.]com``) are read and marked obfuscated.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from rescue.analyse import checksums, resources
from rescue.analyse.find.base import Found, Spans

_URL = re.compile(r"(?<![\w@])(?:(?:https?|hxxps?|ftp)://|www\.)[^\s<>\"'\[\]{}|\\^`]*(?:\[\.\][^\s<>\"'{}|\\^`]*)*",
                  re.I)
_BARE = re.compile(r"(?<![\w@.\-/:])((?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?(?:\.|\[\.\]))+([a-z]{2,24}))"
                   r"(?![\w\-@]|\.[a-z0-9])", re.I)
_NOT_DOMAINS = frozenset({"md", "py", "sh", "rs", "ps", "so", "zip", "mov", "txt", "exe", "jpg", "png", "gif", "pdf",
                          "doc", "mp3", "mp4", "avi", "rar", "php", "html", "htm", "js", "css", "json", "xml", "csv"})
_V4 = re.compile(r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.|\[\.\])){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
                 r"(?![\w]|\.\d)")
_MAY_V4 = re.compile(r"\d(?:\.|\[\.\])\d")  # two octets and their separator: _V4 needs it
_V6 = re.compile(r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])", re.I)
_BTC58 = re.compile(r"(?<![\w])[13][1-9A-HJ-NP-Za-km-z]{25,34}(?![\w])")
_BECH32 = re.compile(r"(?<![\w])(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{8,87}(?![\w])")
_ETH = re.compile(r"(?<![\w])0x[0-9a-fA-F]{40}(?![\w])")
_XMR = re.compile(r"(?<![\w])[48][1-9A-HJ-NP-Za-km-z]{94}(?:[1-9A-HJ-NP-Za-km-z]{11})?(?![\w])")


def _host_kind(host: str) -> str | None:
    hosts = resources.filehosts()
    parts = host.split(".")
    for i in range(len(parts) - 1):
        if ".".join(parts[i:]) in hosts:
            return "filehost"
    return None


def find_crypto(text: str, taken: Spans) -> list[Found]:
    out: list[Found] = []
    for m in _XMR.finditer(text):
        if checksums.is_xmr(m.group(0)):
            out.append(Found("xmr", m.group(0), m.start(), m.end(), False, None))
            taken.add(m.start(), m.end())
    for m in _BTC58.finditer(text):
        if not taken.overlaps(m.start(), m.end()) and checksums.is_btc_base58(m.group(0)):
            out.append(Found("btc", m.group(0), m.start(), m.end(), False, "p2pkh" if m.group(0)[0] == "1" else "p2sh"))
            taken.add(m.start(), m.end())
    for m in _BECH32.finditer(text):
        if checksums.is_btc_bech32(m.group(0)):
            out.append(Found("btc", m.group(0).lower(), m.start(), m.end(), False, "segwit"))
            taken.add(m.start(), m.end())
    for m in _ETH.finditer(text):
        if checksums.is_eth(m.group(0)):
            body = m.group(0)[2:]
            mixed = body != body.lower() and body != body.upper()
            out.append(Found("eth", "0x" + body.lower(), m.start(), m.end(), False, "eip55" if mixed else None))
            taken.add(m.start(), m.end())
    return out


def find_urls(text: str, taken: Spans) -> list[Found]:
    out: list[Found] = []
    for m in _URL.finditer(text):
        raw = m.group(0).rstrip(".,;:!?'\"")
        while raw.endswith(")") and raw.count(")") > raw.count("("):
            raw = raw[:-1]
        start, end = m.start(), m.start() + len(raw)
        if taken.overlaps(start, end):
            continue
        obf = "[.]" in raw or raw.lower().startswith("hxxp")
        norm = raw.replace("[.]", ".")
        if norm.lower().startswith("hxxp"):
            norm = "http" + norm[4:]
        if norm.lower().startswith("www."):
            norm = "http://" + norm
        try:
            parts = urlsplit(norm)
            host = (parts.hostname or "").rstrip(".")
        except ValueError:
            continue
        if "." not in host or host.rsplit(".", 1)[1] not in resources.iana_tlds():
            continue
        netloc = parts.netloc.lower() if not parts.username else parts.netloc
        url = f"{parts.scheme.lower()}://{netloc}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "") \
            + (f"#{parts.fragment}" if parts.fragment else "")
        out.append(Found("url", url, start, end, obf, _host_kind(host)))
        out.append(Found("domain", host.removeprefix("www."), start, end, obf, _host_kind(host)))
        taken.add(start, end)
    return out


def find_domains(text: str, taken: Spans) -> list[Found]:
    out: list[Found] = []
    for m in _BARE.finditer(text):
        tld = m.group(2)
        if tld != tld.lower() or tld in _NOT_DOMAINS or tld not in resources.iana_tlds():
            continue
        if taken.overlaps(m.start(), m.end()):
            continue
        host = m.group(1).replace("[.]", ".").lower()
        labels = host.split(".")
        if all(lbl.isdigit() for lbl in labels[:-1]) or (len(labels[-2]) < 2 and len(labels) == 2):
            continue
        out.append(Found("domain", host.removeprefix("www."), m.start(), m.end(), "[.]" in m.group(1),
                         _host_kind(host) or "bare"))
        taken.add(m.start(), m.end())
    return out


def find_ips(text: str, taken: Spans) -> list[Found]:
    out: list[Found] = []
    for m in _V4.finditer(text) if _MAY_V4.search(text) else ():
        if taken.overlaps(m.start(), m.end()):
            continue
        raw = m.group(0)
        ip = ipaddress.ip_address(raw.replace("[.]", "."))
        out.append(Found("ip", ip.compressed, m.start(), m.end(), "[.]" in raw, None))
        taken.add(m.start(), m.end())
    if ":" in text:
        for m in _V6.finditer(text):
            raw = m.group(0)
            if raw.count(":") < 2 or sum(c != ":" for c in raw) < 4 or taken.overlaps(m.start(), m.end()):
                continue
            try:
                ip6 = ipaddress.IPv6Address(raw)
            except ValueError:
                continue
            out.append(Found("ip", ip6.compressed, m.start(), m.end(), False, None))
            taken.add(m.start(), m.end())
    return out
