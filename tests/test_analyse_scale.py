"""Pieces of the analysis reworked for 1.8M members: they must give what the straightforward version gives.

- ``netsets.Addresses`` reads canonical IPv4 strings without ``ipaddress``: every field must equal what
  ``ipaddress`` says, for canonical, non-canonical, mapped, IPv6 and invalid strings;
- ``extraction.account_hints`` (one SQL query, settings worked out once per distinct value): the ranking
  (residential IP countries by sightings, then e-mail, location, time zone; no repeats) on a hand-made store;
- ``extraction.selectors_from_batch`` carries the columns it does not read over by row index: the selectors
  of a batch must equal the row-by-row reading of the same batch.
"""

from __future__ import annotations

import ipaddress

import duckdb
import pyarrow as pa

from rescue.analyse.extraction import SCHEMA, account_hints, selectors_from_batch
from rescue.analyse.find import find_all
from rescue.analyse.netsets import Addresses

ODD = ["1.2.3.4", "0.0.0.0", "255.255.255.255", "10.0.0.1", "01.2.3.4", "1.2.3", "256.1.1.1", "1.2.3.4 ",
       "::ffff:1.2.3.4", "2001:db8::1", "2001:0db8:0000::0001", "fe80::1", "garbage", "", "1.2.3.04", "100.64.0.1",
       "192.168.001.1", "9.9.9.9"]


def test_addresses_equal_ipaddress() -> None:
    got = Addresses(ODD)
    for k, ip in enumerate(ODD):
        try:
            a: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(ip)
        except ValueError:
            a = None
        if isinstance(a, ipaddress.IPv6Address) and a.ipv4_mapped is not None:
            a = a.ipv4_mapped
        assert bool(got.valid[k]) == (a is not None), ip
        assert got.address(k) == a, ip
        assert got.text[k] == (a.compressed if a is not None else ip), ip
        assert int(got.version[k]) == (a.version if a is not None else 0), ip
    ints = dict(zip(got.v4_index, got.v4_int, strict=True)) | dict(zip(got.v6_index, got.v6_int, strict=True))
    parsed = {k: got.address(k) for k in range(len(ODD))}
    assert ints == {k: int(a) for k, a in parsed.items() if a is not None}
    assert set(got.v4_index) == {k for k in range(len(ODD)) if got.version[k] == 4} and 4 not in got.v4_index


def test_account_hints_ranking() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE ip_enrichment (ip VARCHAR, class VARCHAR, country VARCHAR)")
    con.execute("""INSERT INTO ip_enrichment VALUES ('1.1.1.1', 'residential', 'FR'), ('2.2.2.2', 'residential', 'DE'),
                   ('3.3.3.3', 'hosting', 'US'), ('4.4.4.4', 'residential', 'AT'), ('5.5.5.5', 'residential', NULL)""")
    con.execute("CREATE TABLE ip_events (source_id VARCHAR, account_id VARCHAR, ip VARCHAR)")
    # a: DE seen 3 times, FR twice, AT twice (a tie: by code), US only on hosting; b: no addresses; c: no account row
    con.execute("""INSERT INTO ip_events VALUES ('s', 'a', '2.2.2.2'), ('s', 'a', '2.2.2.2'), ('s', 'a', '2.2.2.2'),
                   ('s', 'a', '1.1.1.1'), ('s', 'a', '1.1.1.1'), ('s', 'a', '4.4.4.4'), ('s', 'a', '4.4.4.4'),
                   ('s', 'a', '3.3.3.3'), ('s', 'a', '5.5.5.5'), ('s', 'c', '1.1.1.1'), ('s', NULL, '2.2.2.2')""")
    con.execute("CREATE TABLE accounts (source_id VARCHAR, account_id VARCHAR, email VARCHAR, location VARCHAR, "
                "timezone VARCHAR)")
    con.execute("""INSERT INTO accounts VALUES ('s', 'a', 'x@web.de', 'Lyon, France', 'Europe/Berlin'),
                   ('s', 'b', 'y@mail.example.fr', 'Berlin', '1'), ('s', 'd', 'z@gmail.com', NULL, NULL),
                   ('s', 'e', NULL, 'Berlin', 'Europe/Berlin'), ('t', 'a', 'not an address', NULL, 'Europe/Paris')""")
    t = account_hints(con, frozenset())
    got = {(s, a): h for s, a, h in zip(*(c.to_pylist() for c in t.columns), strict=True)}
    # a: IP countries first; then web.de (DE, already there), Lyon (FR, there), Berlin time zone (DE, there)
    # b: the e-mail's ccTLD, then the location; a UTC offset names too many countries to serve
    # d: nothing at all (webmail, no location, no zone): left out
    assert got == {("s", "a"): "DE AT FR", ("s", "b"): "FR DE", ("s", "c"): "FR", ("s", "e"): "DE",
                   ("t", "a"): "FR"}


def _row_by_row(batch: pa.RecordBatch) -> list[tuple[object, ...]]:
    """The selectors of ``batch`` read the plain way (every column of every row as Python values)."""
    out = []
    for r in batch.to_pylist():
        for f in find_all(str(r["text"]), str(r["hints"]).split() if r["hints"] else []):
            out.append((r["source_id"], r["account_id"], f.kind, f.value, r["origin"], r["origin_id"], r["field"],
                        f.start, f.end, f.obfuscated, bool(r["in_quote"]), f.detail, r["credited_by"],
                        r["prov_table"], r["prov_key"], r["prov_offset"], r["prov_line"]))
    return out


def test_selectors_from_batch_carries_columns_by_row() -> None:
    texts = ["call +49 30 1234567 or mail someone@example.org", "nothing here at all",
             "web www.example.de and jabber x@jabber.example.net", "030 1234567", "two: a@b.example c@d.example"]
    n = len(texts)
    batch = pa.RecordBatch.from_pydict({
        "origin": ["posts"] * n, "origin_id": [f"p{i}" for i in range(n)], "field": ["text"] * n,
        "source_id": ["s"] * n, "account_id": [None, "a1", "a2", "a3", "a4"],
        "in_quote": [False, None, True, False, True],
        "credited_by": [None, None, "quoted", None, "x"], "text": texts, "prov_table": ["phpbb_posts"] * n,
        "prov_key": [f"k{i}" for i in range(n)], "prov_offset": pa.array(range(100, 100 + n), pa.int64()),
        "prov_line": pa.array(range(n), pa.int32()), "hints": [None, "DE", "", "DE FR", None]})
    got = selectors_from_batch(batch)
    assert got.schema == SCHEMA and got.num_rows >= 6
    assert [tuple(r.values()) for r in got.to_pylist()] == _row_by_row(batch)
    assert selectors_from_batch(batch.slice(1, 1)).num_rows == 0
