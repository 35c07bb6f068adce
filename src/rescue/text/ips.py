"""Every IP form a forum database holds, as one canonical text.

Canonical form: dotted decimal IPv4 without leading zeros; IPv6 compressed lower case
(RFC 5952, as ``ipaddress`` writes it); an IPv4-mapped IPv6 address (``::ffff:192.0.2.1``)
is the IPv4 address. Called millions of times per ingest: plain dotted IPv4 text and packed
4-byte values never touch ``ipaddress``. Nothing here raises on bad input; it returns None.
"""

from __future__ import annotations

import ipaddress
import math
import re
from decimal import Decimal

__all__ = ["canonical_ip", "canonical_ip_hex", "ip_from_octets", "ip_from_packed", "is_placeholder_ip"]

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_CANONICAL_V4 = re.compile(rf"(?:{_OCTET}\.){{3}}{_OCTET}", re.ASCII)  # already canonical: as it is
_V4 = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})", re.ASCII)
_V4_TAIL = re.compile(r"(.*:)(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})", re.ASCII)
_HEX = re.compile(r"(?:0x|x')?([0-9a-f]{8}|[0-9a-f]{32})'?", re.I | re.ASCII)
_MAPPED_PREFIX = b"\x00" * 10 + b"\xff\xff"
_PLACEHOLDERS = frozenset({"0.0.0.0", "::", "::1", "255.255.255.255"})


def _v4_text(m: re.Match[str]) -> str | None:
    a, b, c, d = int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4))
    if a > 255 or b > 255 or c > 255 or d > 255:
        return None
    return f"{a}.{b}.{c}.{d}"


def _v6_text(addr: ipaddress.IPv6Address) -> str:
    mapped = addr.ipv4_mapped
    return str(mapped) if mapped is not None else addr.compressed


def _slow_text(s: str) -> str | None:
    """Anything but plain dotted IPv4: IPv6, inet with a prefix, brackets, zone, whitespace."""
    s = s.strip()
    if not s or not s.isascii():
        return None
    if s[0] == "[":
        end = s.find("]")
        if end < 0:
            return None
        s = s[1:end]
    addr, slash, prefix = s.partition("/")
    if slash and not (prefix.isdigit() and int(prefix) <= 128):
        return None
    addr = addr.partition("%")[0].strip()
    m = _V4.fullmatch(addr)
    if m is not None:
        return _v4_text(m) if not slash or int(prefix) <= 32 else None
    if ":" not in addr:
        return None
    tail = _V4_TAIL.fullmatch(addr)
    if tail is not None:  # ::ffff:010.001.002.003 → zero-padded octets read as decimal
        v4 = _V4.fullmatch(tail.group(2))
        if v4 is None or (v4_text := _v4_text(v4)) is None:
            return None
        addr = tail.group(1) + v4_text
    try:
        return _v6_text(ipaddress.IPv6Address(addr))
    except ValueError:
        return None


def _from_int(v: int) -> str | None:
    if v < 0:
        if v < -(1 << 31):
            return None
        v += 1 << 32  # ip2long() on 32-bit PHP wrote signed ints
    if v >= 1 << 32:
        return None
    return f"{v >> 24}.{(v >> 16) & 255}.{(v >> 8) & 255}.{v & 255}"


def ip_from_packed(data: bytes) -> str | None:
    """A packed address (``inet_pton``): 4 bytes IPv4, 16 bytes IPv6; other lengths → None."""
    n = len(data)
    if n == 4:
        return f"{data[0]}.{data[1]}.{data[2]}.{data[3]}"
    if n == 16:
        if data[:12] == _MAPPED_PREFIX:
            return f"{data[12]}.{data[13]}.{data[14]}.{data[15]}"
        return ipaddress.IPv6Address(bytes(data)).compressed
    return None


def _from_bytes(data: bytes) -> str | None:
    n = len(data)
    if n == 4:
        return ip_from_packed(data)
    if n == 16 and not data.isascii():
        return ip_from_packed(data)
    if n == 0 or n > 64 or not data.isascii():
        return None
    text = canonical_ip(data.decode("ascii"))
    if text is None and n == 16:  # 16 ASCII bytes that are no IP text: a packed IPv6 after all
        return ip_from_packed(data)
    return text


def canonical_ip(value: object) -> str | None:
    """Any IP value a forum stores, in canonical text form; None when it is not an IP.

    Text (dotted IPv4, zero-padded octets read as decimal, IPv6 in any form, PostgreSQL inet
    with a prefix, ``[v6]``, surrounding whitespace), packed ``bytes`` of 4 or 16 bytes
    (MyBB/SMF 2.1/XenForo ``varbinary(16)``), bytes holding the ASCII text of an address,
    unsigned 32-bit ints (SMF 2.0, MyBB 1.6 ``long…ip``) and negative signed ones as ip2long()
    wrote them, ``ipaddress`` objects. Hex text is taken only by :func:`canonical_ip_hex`.
    ``0.0.0.0`` is returned as it is; see :func:`is_placeholder_ip`.
    """
    if type(value) is str:
        if _CANONICAL_V4.fullmatch(value) is not None:
            return value
        m = _V4.fullmatch(value)
        if m is not None:
            return _v4_text(m)
        return _slow_text(value)
    if type(value) is bytes:
        return _from_bytes(value)
    if type(value) is int:
        return _from_int(value)
    if isinstance(value, (bytearray, memoryview)):
        return _from_bytes(bytes(value))
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return canonical_ip(str(value))
    if isinstance(value, ipaddress.IPv4Address):
        return str(value)
    if isinstance(value, ipaddress.IPv6Address):
        return _v6_text(value)
    if isinstance(value, (float, Decimal)):
        return _from_int(int(value)) if math.isfinite(value) and value == int(value) else None
    index = getattr(value, "__index__", None)  # numpy integers and the like
    if index is not None:
        try:
            return _from_int(int(index()))
        except (TypeError, ValueError):
            return None
    return None


def canonical_ip_hex(value: object) -> str | None:
    """A hex-encoded packed address: ``0xC000020A``, ``c000020a``, ``X'c000020a'``, 32 digits for v6."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        if not bytes(value).isascii():
            return None
        value = bytes(value).decode("ascii")
    if not isinstance(value, str):
        return None
    m = _HEX.fullmatch(value.strip())
    return ip_from_packed(bytes.fromhex(m.group(1))) if m else None


def _octet(v: object) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (bytes, bytearray)):
        v = bytes(v).decode("ascii", "replace")
    if isinstance(v, str):
        v = v.strip()
        if not (v.isascii() and v.isdigit() and len(v) <= 3):
            return None
        v = int(v)
    if isinstance(v, int) and 0 <= v <= 255:
        return v
    return None


def ip_from_octets(a: object, b: object, c: object, d: object) -> str | None:
    """Per-octet columns (SMF 2.0 ``ip_low1..4`` / ``ip_high1..4``) as dotted IPv4."""
    octets = [_octet(a), _octet(b), _octet(c), _octet(d)]
    if any(o is None for o in octets):
        return None
    return ".".join(str(o) for o in octets)


def is_placeholder_ip(ip: object) -> bool:
    """True for no address at all: empty/invalid, ``0.0.0.0``, ``::``, loopback, broadcast.

    Forums write these when the real client address was unknown or hidden behind a local
    proxy; they must not link accounts together.
    """
    canon = canonical_ip(ip)
    if canon is None:
        return True
    return canon in _PLACEHOLDERS or canon.startswith("127.")
