"""Country and ASN address ranges from the geoip2fast database, for drawing realistic IPs.

geoip2fast ships MaxMind GeoLite2 country (IPv4, IPv4+IPv6) and country+ASN (IPv4) tables as
pickled lists of network starts and prefix lengths. We flatten them once per process into
per-country and per-ASN network lists (cached: :func:`geo_index`), draw addresses inside
those networks and check every drawn address with ``GeoIP2Fast.lookup``.

A person's own lines (home, mobile, a hotel abroad) are consumer access: :meth:`GeoIndex.draw_v4`
and :meth:`GeoIndex.draw_v6` with ``access=True`` redraw any address inside a datacenter — one of
MISP's VPN, cloud or CDN ranges, or on a network whose operator is a hosting company — since a country's
address space includes the cloud regions located there (Azure, AWS, OVH…) and nobody's home line is
in those. Shared exits (VPN, Tor) are drawn from hosting operators on purpose (``draw_asn``).
"""

from __future__ import annotations

import functools
import gzip
import ipaddress
import pickle
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geoip2fast
import numpy as np
import numpy.typing as npt
from geoip2fast import GeoIP2Fast

from rescue.analyse import resources
from rescue.analyse.netsets import NetSet
from rescue.errors import SynthError

MAX_V4 = (1 << 32) - 1
_PRIVATE_IDS = 16  # the first 16 country entries are reserved/private ranges


def v4str(x: int) -> str:
    return f"{x >> 24}.{(x >> 16) & 255}.{(x >> 8) & 255}.{x & 255}"


def v4int(ip: str) -> int:
    a, b, c, d = ip.split(".")
    return (int(a) << 24) | (int(b) << 16) | (int(c) << 8) | int(d)


@dataclass(frozen=True, slots=True)
class Nets:
    """Networks (start, size) with cumulative draw weights."""

    first: npt.NDArray[np.uint64]
    size: npt.NDArray[np.uint64]
    cum: npt.NDArray[np.float64]

    def pick(self, rng: random.Random) -> int:
        i = int(np.searchsorted(self.cum, rng.random() * float(self.cum[-1]), side="right"))
        i = min(i, len(self.first) - 1)
        first, size = int(self.first[i]), int(self.size[i])
        if size <= 4:
            return first + rng.randrange(size)
        while True:
            x = first + 1 + rng.randrange(size - 2)
            if 0 < (x & 255) < 255:
                return x


def _nets(first: npt.NDArray[np.uint64], size: npt.NDArray[np.uint64], power: float) -> Nets:
    w = np.power(size.astype(np.float64), power)
    return Nets(first=first, size=size, cum=np.cumsum(w))


def _load(name: str) -> tuple[Any, ...]:
    path = Path(geoip2fast.__file__).parent / name
    try:
        with gzip.open(path, "rb") as fh:
            _ver, _info, _total, db = pickle.load(fh)  # the package's own data file
    except OSError as exc:  # pragma: no cover - broken installation
        raise SynthError(f"{path}: cannot read the geoip2fast database: {exc}") from exc
    return tuple(db)


DATA_FILE = "geoip2fast-asn-ipv6.dat.gz"  # country + ASN, IPv4 + IPv6: the file the analysis uses too


def _split(chunks: list[list[int]], *others: list[list[int]]) -> tuple[list[list[int]], ...]:
    """Flatten parallel chunk lists into (v4 lists..., v6 lists...): IPv4 starts come first."""
    out: tuple[list[list[int]], ...] = tuple([[], []] for _ in range(1 + len(others)))  # type: ignore[misc]
    for parts in zip(chunks, *others, strict=True):
        first = parts[0]
        k = len(first) if first[-1] <= MAX_V4 else next(i for i, f in enumerate(first) if f > MAX_V4)
        for lists, values in zip(out, parts, strict=True):
            lists[0].extend(values[:k])
            lists[1].extend(values[k:])
    return out


class Datacenters:
    """The ranges and operators that are no consumer access (the lists the analysis classifies with)."""

    def __init__(self) -> None:
        cidrs = [c for named in resources.misp_ranges().values() for _name, lst in named for c in lst]
        self.nets = NetSet("datacenters", cidrs)
        self.patterns = resources.hosting_asn_patterns()

    def holds(self, ip: str, asn_name: str | None) -> bool:
        """Is ``ip`` (on the network of ``asn_name``) in a datacenter?"""
        if ":" in ip:
            listed = bool(self.nets.contains_v6([int(ipaddress.IPv6Address(ip))])[0])
        else:
            listed = bool(self.nets.contains_v4(np.array([v4int(ip)], dtype=np.uint64))[0])
        low = (asn_name or "").lower()
        return listed or any(p in low for p in self.patterns)


class GeoIndex:
    """Per-country IPv4/IPv6 networks and per-ASN IPv4 networks, with a lookup to verify.

    Verification uses ``GeoIP2Fast`` loaded with the same data file as the analysis: geoip2fast keeps
    its tables in module globals, so every instance in a process must use one file to agree.
    """

    def __init__(self, asn_names: tuple[str, ...]) -> None:
        (_idx, _idx_asn, names, asn_list, firsts, firsts_asn, cc_ids, asn_ids, netlens,
         netlens_asn) = _load(DATA_FILE)
        codes = [n.split(":", 1)[0] for n in names]
        (f4, f6), (c4, c6), (n4, n6) = _split(firsts, cc_ids, netlens)
        first = np.asarray(f4, dtype=np.uint64)
        cc = np.asarray(c4, dtype=np.int32)
        size = np.left_shift(np.uint64(1), (32 - np.asarray(n4, dtype=np.int64)).astype(np.uint64))
        keep = (cc >= _PRIVATE_IDS) & (size >= 256)
        self.v4: dict[str, Nets] = {}
        order = np.argsort(cc[keep], kind="stable")
        f_k, s_k, c_k = first[keep][order], size[keep][order], cc[keep][order]
        bounds = np.flatnonzero(np.diff(c_k)) + 1
        for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(c_k)], strict=True):
            self.v4[codes[int(c_k[lo])]] = _nets(f_k[lo:hi], s_k[lo:hi], 0.6)
        self.v6: dict[str, list[tuple[int, int]]] = {}
        for f, c, n in zip(f6, c6, n6, strict=True):
            if c >= _PRIVATE_IDS and 16 <= n <= 48:
                self.v6.setdefault(codes[c], []).append((f, n))
        wanted = {i for i, n in enumerate(asn_list) if n in set(asn_names)}
        (a4, _a6), (i4, _i6), (l4, _l6) = _split(firsts_asn, asn_ids, netlens_asn)
        a_first = np.asarray(a4, dtype=np.uint64)
        a_id = np.asarray(i4, dtype=np.int32)
        a_size = np.left_shift(np.uint64(1), (32 - np.asarray(l4, dtype=np.int64)).astype(np.uint64))
        self.asn: dict[str, Nets] = {}
        for i in sorted(wanted):
            m = (a_id == i) & (a_size >= 16)
            if m.any():
                self.asn[asn_list[i]] = _nets(a_first[m], a_size[m], 1.0)
        self._geo = GeoIP2Fast(geoip2fast_data_file=DATA_FILE)
        self._datacenters = Datacenters()

    def country(self, ip: str) -> str:
        """Country code of ``ip`` according to geoip2fast (IPv4 and IPv6)."""
        return str(self._geo.lookup(ip).country_code)

    def _fits(self, ip: str, cc: str, access: bool) -> bool:
        rec = self._geo.lookup(ip)
        if str(rec.country_code) != cc:
            return False
        return not access or not self._datacenters.holds(ip, getattr(rec, "asn_name", None))

    def draw_v4(self, rng: random.Random, cc: str, *, access: bool = False) -> str:
        """An IPv4 address located in ``cc``; with ``access``, none in a datacenter (a person's own line)."""
        nets = self.v4[cc]
        for _ in range(100 if access else 50):
            ip = v4str(nets.pick(rng))
            if self._fits(ip, cc, access):
                return ip
        raise SynthError(f"cannot draw an IPv4 address in {cc} from the geoip2fast ranges")

    def draw_v6(self, rng: random.Random, cc: str, *, access: bool = False) -> str:
        nets = self.v6.get(cc)
        if not nets:
            return self.draw_v4(rng, cc, access=access)
        for _ in range(50):
            first, plen = nets[rng.randrange(len(nets))]
            subnet = rng.getrandbits(64 - plen) << 64
            iid = rng.getrandbits(64) if rng.random() < 0.7 else rng.randrange(1, 4096)
            ip = ipaddress.IPv6Address(first + subnet + iid).compressed
            if self._fits(ip, cc, access):
                return ip
        return self.draw_v4(rng, cc, access=access)

    def draw_asn(self, rng: random.Random, asn: str, cc: str | None = None) -> tuple[str, str]:
        """An address of network operator ``asn`` (optionally only one located in ``cc``)."""
        nets = self.asn.get(asn)
        if nets is None:
            raise SynthError(f"ASN {asn!r} is not in the geoip2fast database")
        for _ in range(200):
            ip = v4str(nets.pick(rng))
            got = self.country(ip)
            if len(got) == 2 and got.isalpha() and (cc is None or got == cc):
                return ip, got
        raise SynthError(f"cannot draw an address of {asn!r} in {cc or 'any country'}")


@functools.lru_cache(maxsize=4)
def geo_index(asn_names: tuple[str, ...]) -> GeoIndex:
    """The index, built once per process for a given set of ASN names."""
    return GeoIndex(asn_names)
