"""Sets of IP networks (CIDR lists) with fast vectorised membership tests.

IPv4 and IPv6 ranges are merged into sorted, disjoint intervals of integers; membership of many
addresses at once is one ``searchsorted`` (IPv4, numpy) or ``bisect`` per address (IPv6, Python ints).
"""

from __future__ import annotations

import bisect
import ipaddress
import re
import socket
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt


def _span(cidr: str) -> tuple[int, int, int] | None:
    """(version, first, last) of a CIDR or address; None when unreadable (fast path without ipaddress)."""
    addr, _, plen = cidr.partition("/")
    try:
        if ":" in addr:
            version, bits, value = 6, 128, int.from_bytes(socket.inet_pton(socket.AF_INET6, addr), "big")
        else:
            version, bits, value = 4, 32, int.from_bytes(socket.inet_aton(addr), "big")
            if addr.count(".") != 3:
                return None
        n = int(plen) if plen else bits
    except (OSError, ValueError):
        return None
    if not 0 <= n <= bits:
        return None
    host = (1 << (bits - n)) - 1
    return version, value & ~host, (value & ~host) | host


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    ranges.sort()
    out: list[tuple[int, int]] = []
    for lo, hi in ranges:
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


class NetSet:
    """A set of networks, labelled by where it came from (``label`` is reported as evidence)."""

    def __init__(self, label: str, cidrs: Iterable[str]) -> None:
        self.label = label
        v4: list[tuple[int, int]] = []
        v6: list[tuple[int, int]] = []
        for c in cidrs:
            got = _span(c.strip())
            if got is not None:
                (v4 if got[0] == 4 else v6).append((got[1], got[2]))
        m4 = _merge(v4)
        self._v4_lo = np.array([a for a, _ in m4], dtype=np.uint64)
        self._v4_hi = np.array([b for _, b in m4], dtype=np.uint64)
        m6 = _merge(v6)
        self._v6_lo = [a for a, _ in m6]
        self._v6_hi = [b for _, b in m6]

    def __len__(self) -> int:
        return len(self._v4_lo) + len(self._v6_lo)

    def contains_v4(self, ints: npt.NDArray[np.uint64]) -> npt.NDArray[np.bool_]:
        if not len(self._v4_lo) or not len(ints):
            return np.zeros(len(ints), dtype=bool)
        i = np.searchsorted(self._v4_lo, ints, side="right") - 1
        ok = i >= 0
        res = np.zeros(len(ints), dtype=bool)
        res[ok] = ints[ok] <= self._v4_hi[i[ok]]
        return res

    def contains_v6(self, ints: Sequence[int]) -> npt.NDArray[np.bool_]:
        res = np.zeros(len(ints), dtype=bool)
        if not self._v6_lo:
            return res
        for k, x in enumerate(ints):
            i = bisect.bisect_right(self._v6_lo, x) - 1
            res[k] = i >= 0 and x <= self._v6_hi[i]
        return res


# An IPv4 address in canonical dotted-quad form (no leading zeros): exactly the IPv4 strings
# ipaddress.ip_address accepts, whose canonical text is the string itself.
_DOTTED = re.compile(r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}"
                     r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])")


class Addresses:
    """Parsed addresses of one column: canonical text, version and integer value. Canonical IPv4 strings (almost
    every address) are read without ``ipaddress``; :meth:`address` gives the ``ipaddress`` object on demand."""

    def __init__(self, ips: Sequence[str]) -> None:
        self.text: list[str] = []
        self.valid = np.zeros(len(ips), dtype=bool)
        self.version = np.zeros(len(ips), dtype=np.int8)
        self.v4_index: list[int] = []
        self.v4_int: list[int] = []
        self.v6_index: list[int] = []
        self.v6_int: list[int] = []
        self._parsed: dict[int, ipaddress.IPv4Address | ipaddress.IPv6Address] = {}
        dotted, aton, from_bytes = _DOTTED.fullmatch, socket.inet_aton, int.from_bytes
        for k, ip in enumerate(ips):
            if dotted(ip):
                self.text.append(ip)
                self.valid[k] = True
                self.version[k] = 4
                self.v4_index.append(k)
                self.v4_int.append(from_bytes(aton(ip), "big"))
                continue
            try:
                a = ipaddress.ip_address(ip)
            except ValueError:
                self.text.append(ip)
                continue
            if isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped is not None:
                a = a.ipv4_mapped
            self._parsed[k] = a
            self.text.append(a.compressed)
            self.valid[k] = True
            self.version[k] = a.version
            if a.version == 4:
                self.v4_index.append(k)
                self.v4_int.append(int(a))
            else:
                self.v6_index.append(k)
                self.v6_int.append(int(a))

    def address(self, k: int) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        """The ``ipaddress`` object of address ``k`` (None when it is not a valid address)."""
        if not self.valid[k]:
            return None
        got = self._parsed.get(k)
        if got is None:
            got = self._parsed[k] = ipaddress.ip_address(self.text[k])
        return got

    def member_of(self, nets: NetSet) -> npt.NDArray[np.bool_]:
        out = np.zeros(len(self.text), dtype=bool)
        if self.v4_index:
            out[np.array(self.v4_index)] = nets.contains_v4(np.array(self.v4_int, dtype=np.uint64))
        if self.v6_index:
            out[np.array(self.v6_index)] = nets.contains_v6(self.v6_int)
        return out
