"""IP enrichment: country and network operator of every address seen, and its class.

Classes, in order of precedence (the first that applies wins), each with the evidence for it:

- ``private`` / ``reserved``: not a public address (RFC 1918, loopback, documentation ranges…);
- ``cgnat``: RFC 6598 shared address space; or a mobile carrier's address (``data/mobile_asns.txt``) used
  by at least ``cgnat_mobile_persons`` persons; or a pool: at least ``cgnat_pool_persons`` persons, of
  whom ``cgnat_pool_side`` were mostly on another address in the months they used it (it was nobody's
  home line); or shared by at least ``cgnat_min_accounts`` persons within ``cgnat_window_days``
  (carrier-grade NAT, campus or café networks);
- ``tor``: listed in the operator's Tor exit list (``tor_exit_list``);
- ``vpn``: in MISP's VPN-provider ranges;
- ``hosting``: in MISP's cloud/CDN/scanner ranges, or its network operator is a known hosting company;
- ``residential``: none of the above (consumer access: the only class that carries country weight).

The shared-address test runs before ``tor``/``vpn``/``hosting`` only for RFC 6598; a VPN exit
shared by many stays ``vpn``.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from rescue.analyse import resources
from rescue.analyse.config import AnalyseConfig
from rescue.analyse.geo import GeoProvider, GeoRecord
from rescue.analyse.geobulk import snapshot_records
from rescue.analyse.netsets import Addresses, NetSet
from rescue.engine.duck import BATCH_ROWS
from rescue.errors import OperationError

_SHARED = ipaddress.ip_network("100.64.0.0/10")

IP_ENRICHMENT_SCHEMA = pa.schema([
    ("ip", pa.string()), ("version", pa.int8()), ("country", pa.string()), ("asn", pa.int64()),
    ("asn_name", pa.string()), ("network", pa.string()), ("class", pa.string()), ("class_evidence", pa.string()),
    ("accounts", pa.int64()), ("persons", pa.int64()), ("events", pa.int64()), ("max_persons_window", pa.int64()),
    ("first_seen", pa.timestamp("us")), ("last_seen", pa.timestamp("us")), ("geo_provider", pa.string()),
])


def load_tor_list(path: Path) -> NetSet:
    """One address per line, or Tor's ``exit-addresses`` format (``ExitAddress 1.2.3.4 date``); # comments."""
    if not path.is_file():
        raise OperationError(f"{path}: Tor exit list (operation.toml [analyse] tor_exit_list) not found")
    ips: list[str] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        token = parts[1] if parts[0].lower() == "exitaddress" and len(parts) > 1 else parts[0]
        try:
            ips.append(str(ipaddress.ip_network(token, strict=False)))
        except ValueError:
            continue
    return NetSet(f"tor exit list {path.name}", ips)


def _special(a: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> tuple[str, str] | None:
    if a is None:
        return ("reserved", "not a valid IP address")
    if isinstance(a, ipaddress.IPv4Address) and a in _SHARED:
        return ("cgnat", "RFC 6598 shared address space (100.64.0.0/10)")
    if a.is_loopback:
        return ("private", "loopback")
    if a.is_link_local:
        return ("private", "link-local")
    if a.is_private:
        return ("private", "private-use or documentation range (RFC 1918/5737/3849/4193)")
    if a.is_multicast or a.is_reserved or a.is_unspecified or not a.is_global:
        return ("reserved", "reserved or special-purpose range (IANA)")
    return None


# A superset of every IPv4 range for which _special can answer something other than None (RFC 6598, loopback,
# link-local, private-use and documentation ranges, multicast, reserved, unspecified; the interpreter's own
# tables are added when it has them): an address outside it is an ordinary public one, and _special (slow:
# ipaddress tests each property against its lists) runs only for the few inside.
_SPECIAL_V4 = ("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
               "192.0.0.0/24", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24",
               "192.168.0.0/16", "192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
               "224.0.0.0/4", "240.0.0.0/4")


@functools.lru_cache(maxsize=1)
def _special_v4() -> NetSet:
    consts = getattr(ipaddress, "_IPv4Constants", None)
    extra: list[str] = []
    for name in ("_private_networks", "_private_networks_exceptions", "_public_network", "_linklocal_network",
                 "_loopback_network", "_multicast_network", "_reserved_network", "_unspecified_address"):
        got = getattr(consts, name, None)
        extra += [str(n) for n in got] if isinstance(got, list | tuple) else [str(got)] if got is not None else []
    return NetSet("special-purpose IPv4 ranges", [*_SPECIAL_V4, *extra])


def _usage(con: duckdb.DuckDBPyConnection, cfg: AnalyseConfig) -> Iterator[pa.RecordBatch]:
    """Per address: accounts, persons, events, first/last seen and the most persons within one window, in
    record batches (in no particular order: ``ip_enrichment`` is written sorted by address). Addresses,
    accounts and persons are numbered first: integer keys make the aggregations over millions of sightings
    cheap."""
    w = max(1, cfg.cgnat_window_days) * 86400
    ignored = list(cfg.ignore_ip_kinds) or ["\x00"]
    rel = con.sql(
        """
        WITH per_ids AS (
            SELECT pa.source_id, pa.account_id, p.pn FROM person_accounts pa
            JOIN (SELECT person_id, row_number() OVER () AS pn FROM (SELECT DISTINCT person_id FROM person_accounts)) p
              ON p.person_id = pa.person_id
        ),
        ev0 AS (
            SELECT e.ip, e.source_id, e.account_id, e.seen_at
            FROM ip_events e
            WHERE e.ip IS NOT NULL AND NOT list_contains(?, coalesce(e.kind, ''))
        ),
        ip_ids AS (
            SELECT ip, row_number() OVER () AS ipn FROM (SELECT DISTINCT ip FROM ev0)
        ),
        acc_ids AS (
            SELECT d.source_id, d.account_id, d.an, p.pn
            FROM (SELECT source_id, account_id, row_number() OVER () AS an
                  FROM (SELECT DISTINCT source_id, account_id FROM ev0)) d
            LEFT JOIN per_ids p ON p.source_id = d.source_id AND p.account_id = d.account_id
        ),
        ev AS (
            SELECT i.ipn, a.an, a.pn, e.seen_at
            FROM ev0 e JOIN ip_ids i ON i.ip = e.ip
            JOIN acc_ids a
              ON a.source_id IS NOT DISTINCT FROM e.source_id AND a.account_id IS NOT DISTINCT FROM e.account_id
        ),
        win AS (
            SELECT ipn, pn, floor(epoch(seen_at) / ?) AS b1, floor((epoch(seen_at) + ? / 2) / ?) AS b2
            FROM ev WHERE seen_at IS NOT NULL AND pn IS NOT NULL
        ),
        counts AS (
            SELECT ipn, count(DISTINCT pn) AS n FROM win GROUP BY ipn, b1
            UNION ALL
            SELECT ipn, count(DISTINCT pn) AS n FROM win GROUP BY ipn, b2
        ),
        mx AS (SELECT ipn, max(n) AS max_persons_window FROM counts GROUP BY ipn),
        md AS (SELECT ipn, pn, date_trunc('month', seen_at) AS m, count(DISTINCT CAST(seen_at AS DATE)) AS nd
               FROM ev WHERE seen_at IS NOT NULL AND pn IS NOT NULL GROUP BY ALL),
        top AS (SELECT pn, m, max(nd) AS top FROM md GROUP BY ALL),
        side AS (SELECT ipn, count(*) FILTER (WHERE side) AS side_persons FROM (
                     SELECT md.ipn, md.pn, bool_and(md.nd < top.top) AS side
                     FROM md JOIN top USING (pn, m) GROUP BY ALL) GROUP BY ipn),
        base AS (
            SELECT ipn, count(DISTINCT an) AS accounts, count(DISTINCT pn) AS persons,
                   count(*) AS events, min(seen_at) AS first_seen, max(seen_at) AS last_seen
            FROM ev GROUP BY ipn
        )
        SELECT i.ip, b.accounts, b.persons, b.events, coalesce(m.max_persons_window, 0) AS max_persons_window,
               b.first_seen, b.last_seen, coalesce(s.side_persons, 0) AS side_persons
        FROM base b JOIN ip_ids i USING (ipn) LEFT JOIN mx m USING (ipn) LEFT JOIN side s USING (ipn)
        """, params=[ignored, w, w, w])
    assert rel is not None
    yield from rel.to_arrow_reader(BATCH_ROWS)


@functools.lru_cache(maxsize=1)
def _misp_netsets() -> tuple[tuple[str, NetSet], ...]:
    return tuple((cls, NetSet(f"MISP warning list {name}", cidrs))
                 for cls, named in resources.misp_ranges().items() for name, cidrs in named)


class Classifier:
    """The lists an address is checked against, loaded once per run."""

    def __init__(self, cfg: AnalyseConfig) -> None:
        self.lists: list[tuple[str, NetSet]] = []
        if cfg.tor_exit_list is not None:
            self.lists.append(("tor", load_tor_list(cfg.tor_exit_list)))
        if cfg.use_misp:
            self.lists.extend(_misp_netsets())
        self.patterns = resources.hosting_asn_patterns()
        self._asn_memo: dict[str, str | None] = {}

    def hosting_asn(self, name: str | None) -> str | None:
        if not name:
            return None
        got = self._asn_memo.get(name)
        if got is None and name not in self._asn_memo:
            low = name.lower()
            got = next((p for p in self.patterns if p in low), None)
            self._asn_memo[name] = got
        return got


def _shared(operator: str | None, persons: int, side: int, cfg: AnalyseConfig) -> str | None:
    """Why an address is shared by unrelated persons (carrier-grade NAT, a pool), or None."""
    if persons >= cfg.cgnat_mobile_persons and resources.is_mobile_operator(operator):
        return (f"used by {persons} persons on the network of mobile carrier {operator!r} "
                f"(carrier-grade NAT; threshold {cfg.cgnat_mobile_persons})")
    if persons >= cfg.cgnat_pool_persons and side >= cfg.cgnat_pool_side:
        return (f"a pool: used by {persons} persons, for {side} of them not their main address in the months "
                f"they used it (thresholds {cfg.cgnat_pool_persons} and {cfg.cgnat_pool_side})")
    return None


def _unused(ips: list[str]) -> pa.Table:
    n = len(ips)
    z = pa.array([0] * n, pa.int64())
    t = pa.array([None] * n, pa.timestamp("us"))
    return pa.Table.from_pydict({"ip": pa.array(ips, pa.string()), "accounts": z, "persons": z, "events": z,
                                 "max_persons_window": z, "first_seen": t, "last_seen": t, "side_persons": z})


def enrich_ips(con: duckdb.DuckDBPyConnection, cfg: AnalyseConfig, provider: GeoProvider,
               only: list[str] | None = None) -> pa.Table:
    """Enrichment of every address in ``ip_events`` (or, with ``only``, of those addresses, unused). The
    addresses are read and classified batch by batch: only the (columnar) result is held whole."""
    clf = Classifier(cfg)
    usage = iter([_unused(only)]) if only is not None else (pa.Table.from_batches([b]) for b in _usage(con, cfg))
    out = [_classify(u, clf, cfg, provider) for u in usage]
    return pa.concat_tables(out) if out else IP_ENRICHMENT_SCHEMA.empty_table()


def _classify(usage: pa.Table, clf: Classifier, cfg: AnalyseConfig, provider: GeoProvider) -> pa.Table:
    ips = [str(x) for x in usage.column("ip").to_pylist()]
    addrs = Addresses(ips)
    listed: list[tuple[str, str, np.ndarray]] = [(cls, nets.label, addrs.member_of(nets)) for cls, nets in clf.lists]
    order = {"tor": 0, "vpn": 1, "hosting": 2}
    first_hit = np.full(len(ips), -1, dtype=np.int64)  # per address: the list that classifies it, by precedence
    for j in sorted(range(len(listed)), key=lambda j: (order[listed[j][0]], listed[j][0], listed[j][1]),
                    reverse=True):
        first_hit[listed[j][2]] = j
    maybe_special = addrs.member_of(_special_v4()) | (addrs.version != 4)
    max_win = usage.column("max_persons_window").to_pylist()
    persons = usage.column("persons").to_pylist()
    side = usage.column("side_persons").to_pylist()
    cols: dict[str, list[object]] = {k: [] for k in ("version", "country", "asn", "asn_name", "network", "class",
                                                     "class_evidence", "ip")}
    valid = addrs.valid.tolist()
    known: list[GeoRecord | None] = [None] * len(ips)  # the snapshot's answers for IPv4, a whole column at once
    for k, r in zip(addrs.v4_index, snapshot_records(provider, addrs.v4_int), strict=True):
        known[k] = r
    for k, ip in enumerate(ips):
        ok = valid[k]
        rec = known[k] or (provider.lookup(addrs.text[k]) if ok else None)
        cls_ev = _special(addrs.address(k)) if maybe_special[k] else None
        if cls_ev is None:
            if (j := int(first_hit[k])) >= 0:
                cls_ev = (listed[j][0], listed[j][1])
            elif rec is not None and (pat := clf.hosting_asn(rec.asn_name)):
                cls_ev = ("hosting", f"network operator {rec.asn_name!r} is a hosting company (matches {pat!r})")
            elif (shared := _shared(rec.asn_name if rec else None, int(persons[k] or 0), int(side[k] or 0),
                                    cfg)) is not None:
                cls_ev = ("cgnat", shared)
            elif int(max_win[k] or 0) >= cfg.cgnat_min_accounts:
                cls_ev = ("cgnat", f"shared by {max_win[k]} persons within {cfg.cgnat_window_days} days "
                                   f"(threshold {cfg.cgnat_min_accounts})")
            else:
                cls_ev = ("residential", "public address, in no VPN/hosting/Tor list, not shared")
        cols["ip"].append(addrs.text[k] if ok else ip)
        cols["version"].append(int(addrs.version[k]) or None)
        cols["country"].append(rec.country if rec else None)
        cols["asn"].append(rec.asn if rec else None)
        cols["asn_name"].append(rec.asn_name if rec else None)
        cols["network"].append(rec.network if rec else None)
        cols["class"].append(cls_ev[0])
        cols["class_evidence"].append(cls_ev[1])
    n = len(ips)
    arrays = {
        "ip": pa.array(ips, pa.string()), "version": pa.array(cols["version"], pa.int8()),
        "country": pa.array(cols["country"], pa.string()), "asn": pa.array(cols["asn"], pa.int64()),
        "asn_name": pa.array(cols["asn_name"], pa.string()), "network": pa.array(cols["network"], pa.string()),
        "class": pa.array(cols["class"], pa.string()), "class_evidence": pa.array(cols["class_evidence"], pa.string()),
        "accounts": usage.column("accounts").cast(pa.int64()), "persons": usage.column("persons").cast(pa.int64()),
        "events": usage.column("events").cast(pa.int64()),
        "max_persons_window": usage.column("max_persons_window").cast(pa.int64()),
        "first_seen": usage.column("first_seen").cast(pa.timestamp("us")),
        "last_seen": usage.column("last_seen").cast(pa.timestamp("us")),
        "geo_provider": pa.array([provider.name] * n, pa.string()),
    }
    return pa.Table.from_pydict(arrays, schema=IP_ENRICHMENT_SCHEMA)


def geo_history(con: duckdb.DuckDBPyConnection, provider: GeoProvider) -> pa.Table:
    """For a time-aware provider: the country of each address per month it was seen (else empty)."""
    schema = pa.schema([("ip", pa.string()), ("month", pa.timestamp("us")), ("country", pa.string())])
    if not provider.time_aware:
        return schema.empty_table()
    cur = con.execute("SELECT DISTINCT ip, date_trunc('month', seen_at) AS month FROM ip_events "
                      "WHERE ip IS NOT NULL AND seen_at IS NOT NULL ORDER BY 1, 2")
    parts: list[pa.Table] = []
    while rows := cur.fetchmany(BATCH_ROWS):
        parts.append(pa.Table.from_pydict({"ip": [r[0] for r in rows], "month": [r[1] for r in rows],
                                           "country": [provider.lookup(r[0], r[1]).country for r in rows]},
                                          schema=schema))
    return pa.concat_tables(parts) if parts else schema.empty_table()
