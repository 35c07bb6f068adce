"""Country and ASN address ranges from the geoip2fast database, for drawing realistic IPs.

geoip2fast ships MaxMind GeoLite2 country (IPv4, IPv4+IPv6) and country+ASN (IPv4) tables as
pickled lists of network starts and prefix lengths. We flatten them once per process into
per-country and per-ASN network lists (cached: :func:`geo_index`), draw addresses inside
those networks and check every drawn address with ``GeoIP2Fast.lookup``.
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

from rescue.errors import SynthError

MAX_V4 = (1 << 32) - 1
_PRIVATE_IDS = 16  # the first 16 country entries are reserved/private ranges


def v4str(x: int) -> str:
    return f"{x >> 24}.{(x >> 16) & 255}.{(x >> 8) & 255}.{x & 255}"


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


def _flat(chunks: list[list[int]], dtype: type[np.generic]) -> npt.NDArray[Any]:
    return np.concatenate([np.asarray(c, dtype=dtype) for c in chunks])


class GeoIndex:
    """Per-country IPv4/IPv6 networks and per-ASN IPv4 networks, with a lookup to verify."""

    def __init__(self, asn_names: tuple[str, ...]) -> None:
        (_idx, _idx_asn, names, asn_list, firsts, firsts_asn, cc_ids, asn_ids, netlens,
         netlens_asn) = _load("geoip2fast-asn.dat.gz")
        codes = [n.split(":", 1)[0] for n in names]
        first = _flat(firsts, np.uint64)
        cc = _flat(cc_ids, np.int32)
        size = np.left_shift(np.uint64(1), (32 - _flat(netlens, np.int64)).astype(np.uint64))
        keep = (cc >= _PRIVATE_IDS) & (size >= 256)
        self.v4: dict[str, Nets] = {}
        order = np.argsort(cc[keep], kind="stable")
        f_k, s_k, c_k = first[keep][order], size[keep][order], cc[keep][order]
        bounds = np.flatnonzero(np.diff(c_k)) + 1
        for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(c_k)], strict=True):
            self.v4[codes[int(c_k[lo])]] = _nets(f_k[lo:hi], s_k[lo:hi], 0.6)
        wanted = {i for i, n in enumerate(asn_list) if n in set(asn_names)}
        a_first = _flat(firsts_asn, np.uint64)
        a_id = _flat(asn_ids, np.int32)
        a_size = np.left_shift(np.uint64(1), (32 - _flat(netlens_asn, np.int64)).astype(np.uint64))
        self.asn: dict[str, Nets] = {}
        for i in sorted(wanted):
            m = (a_id == i) & (a_size >= 16)
            if m.any():
                self.asn[asn_list[i]] = _nets(a_first[m], a_size[m], 1.0)
        self.v6: dict[str, list[tuple[int, int]]] = {}
        (_i6, names6, firsts6, cc6, netlens6) = _load("geoip2fast-ipv6.dat.gz")
        codes6 = [n.split(":", 1)[0] for n in names6]
        for fch, cch, nch in zip(firsts6, cc6, netlens6, strict=True):
            if fch[-1] <= MAX_V4:
                continue
            for f, c, n in zip(fch, cch, nch, strict=True):
                if f > MAX_V4 and c >= _PRIVATE_IDS and 16 <= n <= 48:
                    self.v6.setdefault(codes6[c], []).append((f, n))
        self._geo = GeoIP2Fast(geoip2fast_data_file="geoip2fast-ipv6.dat.gz")

    def country(self, ip: str) -> str:
        """Country code of ``ip`` according to geoip2fast (IPv4 and IPv6)."""
        return str(self._geo.lookup(ip).country_code)

    def draw_v4(self, rng: random.Random, cc: str) -> str:
        nets = self.v4[cc]
        for _ in range(50):
            ip = v4str(nets.pick(rng))
            if self.country(ip) == cc:
                return ip
        raise SynthError(f"cannot draw an IPv4 address in {cc} from the geoip2fast ranges")

    def draw_v6(self, rng: random.Random, cc: str) -> str:
        nets = self.v6.get(cc)
        if not nets:
            return self.draw_v4(rng, cc)
        for _ in range(50):
            first, plen = nets[rng.randrange(len(nets))]
            subnet = rng.getrandbits(64 - plen) << 64
            iid = rng.getrandbits(64) if rng.random() < 0.7 else rng.randrange(1, 4096)
            ip = ipaddress.IPv6Address(first + subnet + iid).compressed
            if self.country(ip) == cc:
                return ip
        return self.draw_v4(rng, cc)

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
