"""Many IPv4 addresses looked up in the shipped geoip2fast snapshot at once.

``GeoIP2Fast.lookup`` finds an address with two ``bisect`` calls per table (country, network operator) over its
sorted first addresses, then builds a result object with formatted strings and timings: about 10 µs per address.
Here the same sorted first addresses (both tables are strictly increasing and chunked in order) are searched for
a whole column with ``numpy.searchsorted``, and each (country range, operator range) pair is turned into a
:class:`GeoRecord` once. The answer is the one ``SnapshotProvider.lookup`` gives; whatever is not the ordinary
case (an address outside every range, a private-use range, before the first range, or tables that do not have
the expected shape) is left to it (``None`` in the result).
"""

from __future__ import annotations

import functools
import itertools
import socket
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np

from rescue.analyse.geo import GeoRecord, SnapshotProvider

_MAX_V4 = 2 ** 32


class _Tables:
    def __init__(self, g: Any, mod: Any) -> None:
        first = [x for chunk in mod.mainListFirstIP for x in chunk]
        first_asn = [x for chunk in mod.mainListFirstIPASN for x in chunk]
        ok = (bool(g.country) and bool(g.asn) and all(a < b for a, b in itertools.pairwise(first))
              and all(a < b for a, b in itertools.pairwise(first_asn))
              and [c[0] for c in mod.mainListFirstIP] == list(mod.mainIndex)
              and [c[0] for c in mod.mainListFirstIPASN] == list(mod.mainIndexASN))
        self.ok = ok
        self.first = first
        self.netlen = [x for chunk in mod.mainListNetlength for x in chunk]
        self.cc_id = [x for chunk in mod.mainListIDCountryCodes for x in chunk]
        self.first_asn = first_asn
        self.netlen_asn = [x for chunk in mod.mainListNetlengthASN for x in chunk]
        self.asn_id = [x for chunk in mod.mainListIDASN for x in chunk]
        self.names_country = mod.mainListNamesCountry
        self.names_asn = mod.mainListNamesASN
        self.ipv6 = bool(g.ipv6)
        # the IPv4 part of each table (IPv6 entries, when present, follow it: larger than every IPv4 address)
        self.v4 = np.array([x for x in first if x < _MAX_V4], dtype=np.int64)
        self.v4_asn = np.array([x for x in first_asn if x < _MAX_V4], dtype=np.int64)
        self.v4_len = np.array(self.netlen[:len(self.v4)], dtype=np.int64)
        self.v4_asn_len = np.array(self.netlen_asn[:len(self.v4_asn)], dtype=np.int64)


@functools.lru_cache(maxsize=1)
def _tables() -> _Tables | None:
    try:
        import geoip2fast.geoip2fast as mod

        from rescue.analyse.geo import _geoip2fast

        return _Tables(_geoip2fast(), mod)
    except Exception:  # another geoip2fast layout: every address goes through the provider's lookup
        return None


def _ntoa(n: int) -> str:
    return socket.inet_ntoa(struct.pack(">L", n))


def snapshot_records(provider: object, ints: Sequence[int]) -> list[GeoRecord | None]:
    """The snapshot's record of each IPv4 address (as an integer), or None where ``provider.lookup`` must answer
    (also for every address when ``provider`` is not the geoip2fast snapshot)."""
    t = _tables() if isinstance(provider, SnapshotProvider) else None
    if t is None or not t.ok or not ints:
        return [None] * len(ints)
    arr = np.asarray(ints, dtype=np.int64)
    ci = np.searchsorted(t.v4, arr, side="right") - 1
    ai = np.searchsorted(t.v4_asn, arr, side="right") - 1
    c0, a0 = np.maximum(ci, 0), np.maximum(ai, 0)
    inside = (ci >= 0) & (ai >= 0) & (arr <= t.v4[c0] + (np.int64(1) << (32 - t.v4_len[c0])) - 1)
    if not t.ipv6:  # geoip2fast sizes an operator range by the IPv6 table's sizes when it has one: never exceeded
        inside &= arr <= t.v4_asn[a0] + (np.int64(1) << (32 - t.v4_asn_len[a0])) - 1
    keys = np.where(inside, c0 * len(t.v4_asn) + a0, -1)
    uniq, inverse = np.unique(keys, return_inverse=True)
    recs: list[GeoRecord | None] = [None if k < 0 else _record(t, int(k) // len(t.v4_asn), int(k) % len(t.v4_asn))
                                    for k in uniq.tolist()]
    return [recs[i] for i in inverse.tolist()]


def _record(t: _Tables, c: int, a: int) -> GeoRecord | None:
    """The record of an address inside country range ``c`` and operator range ``a``."""
    cid = t.cc_id[c]
    if cid < 16 or t.first[c] >= _MAX_V4 or t.first_asn[a] >= _MAX_V4:
        return None  # a private-use range (geoip2fast's first 16 codes), or not IPv4: the provider's answer
    code = str(t.names_country[cid].split(":")[0])
    name = str(t.names_asn[t.asn_id[a]] or "") or None
    return GeoRecord(country=code if len(code) == 2 and code.isalpha() else None, asn=None, asn_name=name,
                     network=f"{_ntoa(t.first_asn[a])}/{t.netlen_asn[a]}")
