"""IP → country and network operator, behind one small interface with a time argument.

An address counts for where it was *at the time of the event*. :class:`GeoProvider.lookup` takes
that time. The default provider, :class:`SnapshotProvider`, answers from the geoip2fast database
shipped with the package (MaxMind GeoLite2 country and ASN data of one date): it ignores the time,
so its answers are only as good as the assumption that the range has not moved since. An agency
that licenses MaxMind-format databases configures them in operation.toml (``country_mmdb``,
``asn_mmdb``); a *folder* of databases whose file names start with their date
(``2019-06-01-GeoIP2-Country.mmdb``) is read as a history: each lookup uses the newest database
dated on or before the event (:class:`MmdbProvider`, time-aware). Reading ``.mmdb`` files needs the
``maxminddb`` package; without it, configuring one is an error.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import ipaddress
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rescue.errors import OperationError


@dataclass(frozen=True, slots=True)
class GeoRecord:
    country: str | None  # ISO 3166-1 alpha-2, None when unknown
    asn: int | None
    asn_name: str | None
    network: str | None


class GeoProvider(Protocol):
    name: str
    time_aware: bool

    def lookup(self, ip: str, at_time: dt.datetime | None = None) -> GeoRecord: ...


@functools.lru_cache(maxsize=1)
def _geoip2fast() -> Any:
    from geoip2fast import GeoIP2Fast

    return GeoIP2Fast(geoip2fast_data_file="geoip2fast-asn-ipv6.dat.gz")


class SnapshotProvider:
    """geoip2fast (GeoLite2 country + ASN, IPv4 and IPv6): a current snapshot; ``at_time`` is ignored."""

    time_aware = False

    def __init__(self) -> None:
        self._g = _geoip2fast()
        info: Any = getattr(self._g, "get_database_info", None)
        source = ""
        if callable(info):
            try:
                source = str(info().get("source_info", ""))
            except Exception:  # pragma: no cover - informational only
                source = ""
        self.name = ("geoip2fast snapshot " + source).strip()

    def lookup(self, ip: str, at_time: dt.datetime | None = None) -> GeoRecord:
        r = self._g.lookup(ip)
        cc = str(r.country_code or "")
        country = cc if len(cc) == 2 and cc.isalpha() else None
        name = str(getattr(r, "asn_name", "") or "") or None
        net = str(getattr(r, "asn_cidr", "") or r.cidr or "") or None
        return GeoRecord(country=country, asn=None, asn_name=name, network=net)


_DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})")


class MmdbProvider:
    """MaxMind-format databases (country and/or ASN), one file or a dated folder of files."""

    def __init__(self, country: Path | None, asn: Path | None) -> None:
        try:
            maxminddb = importlib.import_module("maxminddb")
        except ImportError as exc:
            raise OperationError("operation.toml [analyse] names a .mmdb database but the maxminddb package is "
                                 "not installed (pip install maxminddb)") from exc
        self._open = maxminddb.open_database
        self._country = self._series(country)
        self._asn = self._series(asn)
        self.time_aware = len(self._country) > 1 or len(self._asn) > 1
        self.name = "mmdb " + ", ".join(str(p) for p in (country, asn) if p)

    def _series(self, path: Path | None) -> list[tuple[dt.date, Any]]:
        if path is None:
            return []
        if path.is_dir():
            files = sorted((m.group(1), p) for p in path.glob("*.mmdb") if (m := _DATED.match(p.name)))
            if not files:
                raise OperationError(f"{path}: no dated .mmdb files (names must start with YYYY-MM-DD)")
            return [(dt.date.fromisoformat(d), self._open(str(p))) for d, p in files]
        if not path.is_file():
            raise OperationError(f"{path}: configured .mmdb database not found")
        return [(dt.date.min, self._open(str(path)))]

    @staticmethod
    def _pick(series: list[tuple[dt.date, Any]], at_time: dt.datetime | None) -> Any:
        if not series:
            return None
        if at_time is None:
            return series[-1][1]
        day = at_time.date()
        chosen = series[0][1]
        for d, reader in series:
            if d <= day:
                chosen = reader
        return chosen

    def lookup(self, ip: str, at_time: dt.datetime | None = None) -> GeoRecord:
        country = asn_name = network = None
        asn: int | None = None
        db = self._pick(self._country, at_time)
        if db is not None:
            rec, plen = db.get_with_prefix_len(ip)
            if isinstance(rec, dict):
                c = rec.get("country") or rec.get("registered_country") or {}
                country = c.get("iso_code") if isinstance(c, dict) else None
                network = str(ipaddress.ip_network(f"{ip}/{plen}", strict=False))
        db = self._pick(self._asn, at_time)
        if db is not None:
            rec = db.get(ip)
            if isinstance(rec, dict):
                num = rec.get("autonomous_system_number")
                asn = int(num) if num is not None else None
                asn_name = rec.get("autonomous_system_organization")
        return GeoRecord(country=country, asn=asn, asn_name=asn_name, network=network)


class Combined:
    """Country from one provider, network operator from another (either may be the snapshot)."""

    def __init__(self, country: GeoProvider, asn: GeoProvider) -> None:
        self._c, self._a = country, asn
        self.time_aware = country.time_aware or asn.time_aware
        self.name = country.name if country is asn else f"{country.name} + {asn.name}"

    def lookup(self, ip: str, at_time: dt.datetime | None = None) -> GeoRecord:
        c = self._c.lookup(ip, at_time)
        if self._a is self._c:
            return c
        a = self._a.lookup(ip, at_time)
        return GeoRecord(country=c.country, asn=a.asn, asn_name=a.asn_name, network=c.network or a.network)


def build_provider(country_mmdb: Path | None, asn_mmdb: Path | None) -> GeoProvider:
    if country_mmdb is None and asn_mmdb is None:
        return SnapshotProvider()
    mm = MmdbProvider(country_mmdb, asn_mmdb)
    if country_mmdb is not None and asn_mmdb is not None:
        return mm
    snap = SnapshotProvider()
    return Combined(mm, snap) if country_mmdb is not None else Combined(snap, mm)
