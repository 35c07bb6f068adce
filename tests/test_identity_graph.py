"""The selector graph: a shared e-mail merges; carrier-NAT, VPN and much-shared addresses never do; a
value shared by more accounts than the cap links none; one link between two groups is held for review."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from rescue.analyse import AnalyseConfig, run_store
from rescue.analyse.testing import MiniStore
from rescue.identity import IdentityConfig, resolve
from rescue.identity.cluster import UnionFind, large_bridges
from rescue.identity.model import person_id_for

DE_HOME = "91.64.1.1"      # Vodafone GmbH, DE (residential)
GB_HOME = "81.2.69.160"    # Andrews & Arnold, GB (residential)
SHARED = "81.2.69.170"     # residential, but used by four accounts below
CGNAT = "100.64.3.4"       # RFC 6598 carrier-grade NAT
VPN = "185.220.101.1"      # MISP VPN ranges
MOBILE = "151.13.171.122"  # Wind Tre S.p.A., IT: a mobile carrier (carrier-grade NAT)
POOL = "81.2.69.190"       # Andrews & Arnold, GB: residential by every list, but a pool by behaviour
CFG = IdentityConfig(value_cap=4)


def build(path: Path) -> Path:
    s = MiniStore(path)
    s.config("server_name", "forum.example.net")
    s.account("1", "Anonymous", is_guest=True)
    s.account("3", "crawler", is_bot=True)
    # a registration address written again in another account's post: one person
    s.account("10", "maple", email="maple.tree@web.de")
    s.account("11", "birch", email="birch@gmail.com")
    s.post("11", "110", "write to me at maple.tree@web.de if you like")
    # carrier-NAT and VPN addresses, same days: never a link
    s.account("20", "cg_one", email="cg1@gmail.com")
    s.account("21", "cg_two", email="cg2@gmail.com")
    s.ips("20", CGNAT, days=5)
    s.ips("21", CGNAT, days=5)
    s.account("22", "vpn_one", email="v1@gmail.com")
    s.account("23", "vpn_two", email="v2@gmail.com")
    s.ips("22", VPN, days=5)
    s.ips("23", VPN, days=5)
    # a household line within the window links; the same line a year apart is only weak evidence
    s.account("30", "home_a", email="ha@gmail.com")
    s.account("31", "home_b", email="hb@gmail.com")
    s.ips("30", DE_HOME, days=3)
    s.ips("31", DE_HOME, days=3, start=dt.datetime(2020, 1, 10))
    s.account("32", "late_a", email="la@gmail.com")
    s.account("33", "late_b", email="lb@gmail.com")
    s.ips("32", GB_HOME, days=2)
    s.ips("33", GB_HOME, days=2, start=dt.datetime(2021, 3, 1))
    # two strangers, each at home, both once on the same address of a mobile carrier: no link
    s.account("80", "mob_one", email="m1@gmail.com")
    s.account("81", "mob_two", email="m2@gmail.com")
    s.ips("80", "91.64.1.2", days=6)
    s.ips("81", "91.64.1.3", days=6)
    s.ips("80", MOBILE, days=1)
    s.ips("81", MOBILE, days=1)
    # three strangers, each at home, all on the side on one address (not a mobile carrier's): a pool, no link
    for n, home in (("82", "81.2.69.181"), ("83", "81.2.69.182"), ("84", "81.2.69.183")):
        s.account(n, f"pool_{n}", email=f"p{n}@gmail.com")
        s.ips(n, home, days=6)
        s.ips(n, POOL, days=2)
    # two household addresses in common, each months apart: not two re-assignments, one household
    s.account("90", "two_lines_a", email="tl1@gmail.com")
    s.account("91", "two_lines_b", email="tl2@gmail.com")
    s.ips("90", "81.2.69.191", days=2, start=dt.datetime(2020, 1, 5))
    s.ips("90", "81.2.69.192", days=2, start=dt.datetime(2020, 6, 5))
    s.ips("91", "81.2.69.191", days=2, start=dt.datetime(2020, 9, 5))
    s.ips("91", "81.2.69.192", days=2, start=dt.datetime(2021, 2, 5))
    # one address, sightings months apart, but one account used it before and after the other: one line
    s.account("92", "static_a", email="st1@gmail.com")
    s.account("93", "static_b", email="st2@gmail.com")
    s.ips("92", "81.2.69.193", days=2, start=dt.datetime(2020, 1, 5), every=300)
    s.ips("93", "81.2.69.193", days=1, start=dt.datetime(2020, 5, 20))
    # a residential address used by four accounts: shared, no link
    for n in ("40", "41", "42", "43"):
        s.account(n, f"share_{n}", email=f"s{n}@gmail.com")
        s.ips(n, SHARED, days=2)
    # one Telegram handle written by five accounts (cap 4): links none of them
    for n in ("50", "51", "52", "53", "54"):
        s.account(n, f"tg_{n}", email=f"t{n}@gmail.com")
        s.post(n, f"5{n}", "my telegram: @common_handle_x")
    # a web address is never identifying
    s.account("55", "url_a", email="ua@gmail.com", website="https://www.shop.example.com/")
    s.account("56", "url_b", email="ub@gmail.com", website="https://www.shop.example.com/")
    # two groups of three (each sharing an ICQ number) joined by one shared Skype name: held for review
    for n, icq in (("60", "51234567"), ("61", "51234567"), ("62", "51234567"),
                   ("63", "61234567"), ("64", "61234567"), ("65", "61234567")):
        s.account(n, f"grp_{n}", email=f"g{n}@gmail.com")
        s.profile(n, "icq", icq)
    s.post("62", "620", "skype: bridge.name.one")
    s.post("63", "630", "skype: bridge.name.one")
    # the same, but the groups are joined twice (two different accounts pairs): merged
    for n, icq in (("70", "71234567"), ("71", "71234567"), ("72", "71234567"),
                   ("73", "81234567"), ("74", "81234567"), ("75", "81234567")):
        s.account(n, f"two_{n}", email=f"w{n}@gmail.com")
        s.profile(n, "icq", icq)
    s.post("72", "720", "skype: double.link.one")
    s.post("73", "730", "skype: double.link.one")
    s.post("71", "710", "kik: doublelinktwo")
    s.post("74", "740", "kik: doublelinktwo")
    s.close()
    run_store(s.path, AnalyseConfig())
    return s.path


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build(tmp_path_factory.mktemp("identity") / "store.duckdb")
    con = duckdb.connect(str(path))
    try:
        resolve(con, cfg=CFG)
    finally:
        con.close()
    return path


def q(path: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def person(path: Path, account: str) -> str:
    return str(q(path, "SELECT person_id FROM person_accounts WHERE account_id = ?", [account])[0][0])


def together(path: Path, *accounts: str) -> bool:
    return len({person(path, a) for a in accounts}) == 1


def test_shared_email_merges(store: Path) -> None:
    assert together(store, "10", "11")
    assert person(store, "10") == person_id_for(("s1", "10"))  # from the smallest (source_id, account_id)
    rows = q(store, "SELECT method, kind, value, status, detail FROM person_links WHERE account_a = '10'")
    assert rows[0][:4] == ("selector", "email", "maple.tree@web.de", "merged")
    assert "registration e-mail" in str(rows[0][4]) and "post 110" in str(rows[0][4])
    (n, usernames, method) = q(store, "SELECT accounts, usernames, method FROM persons WHERE person_id = ?",
                               [person(store, "10")])[0]
    assert n == 2 and usernames == "birch | maple" and method == "selector"


def test_guests_and_bots_are_no_persons(store: Path) -> None:
    assert not q(store, "SELECT * FROM person_accounts WHERE account_id IN ('1', '3')")


def test_cgnat_and_vpn_addresses_never_merge(store: Path) -> None:
    assert not together(store, "20", "21")
    assert not together(store, "22", "23")
    reasons = {str(v): str(r) for v, r in q(store, "SELECT value, reason FROM identity_suppressed WHERE kind = 'ip'")}
    assert "cgnat" in reasons[CGNAT] and "vpn" in reasons[VPN]


def test_mobile_carrier_and_pool_addresses_never_merge(store: Path) -> None:
    assert not together(store, "80", "81")
    assert len({person(store, n) for n in ("82", "83", "84")}) == 3
    classes = {str(ip): (str(c), str(ev)) for ip, c, ev in q(
        store, "SELECT ip, class, class_evidence FROM ip_enrichment WHERE ip IN (?, ?, ?)", [MOBILE, POOL, DE_HOME])}
    assert classes[MOBILE][0] == "cgnat" and "mobile carrier 'Wind Tre S.p.A.'" in classes[MOBILE][1]
    assert classes[POOL][0] == "cgnat" and classes[POOL][1].startswith("a pool: used by 3 persons, for 3 of them")
    assert classes[DE_HOME][0] == "residential"      # a household line used by two accounts stays one
    reasons = {str(v): str(r) for v, r in q(store, "SELECT value, reason FROM identity_suppressed WHERE kind = 'ip'")}
    assert reasons[MOBILE].startswith("cgnat") and reasons[POOL].startswith("cgnat")


def test_household_address_within_window_merges(store: Path) -> None:
    assert together(store, "30", "31")
    assert not together(store, "32", "33")   # a year apart: weak, held for review
    (status,) = q(store, "SELECT status FROM person_links WHERE account_a = '32' AND account_b = '33'")[0]
    assert status == "held: weak evidence only"
    assert q(store, "SELECT count(*) FROM identity_review WHERE account_a = '32' AND account_b = '33'") == [(1,)]


def test_two_addresses_or_overlapping_use_link_even_months_apart(store: Path) -> None:
    assert together(store, "90", "91") and together(store, "92", "93")
    details = [str(d) for (d,) in q(store, "SELECT detail FROM person_links WHERE account_a IN ('90', '92') "
                                          "AND strength = 'strong' ORDER BY value")]
    assert len(details) == 3
    assert all("one of 2 household addresses both used" in d for d in details[:2])
    assert "while the other account used it too" in details[2]
    assert not together(store, "32", "33")     # one address, a year apart, one after the other: weak only


def test_address_used_by_many_is_suppressed(store: Path) -> None:
    assert len({person(store, a) for a in ("40", "41", "42", "43")}) == 4
    (reason,) = q(store, "SELECT reason FROM identity_suppressed WHERE value = ?", [SHARED])[0]
    assert "4 accounts" in str(reason)


def test_value_over_the_cap_links_none(store: Path) -> None:
    assert len({person(store, a) for a in ("50", "51", "52", "53", "54")}) == 5
    (n, reason) = q(store, "SELECT accounts, reason FROM identity_suppressed WHERE value = 'common_handle_x'")[0]
    assert n == 5 and "cap 4" in str(reason)
    assert not together(store, "55", "56")
    assert q(store, "SELECT kind FROM identity_suppressed WHERE value LIKE '%shop.example.com%' ORDER BY 1") == [
        ("domain",), ("url",)]


def test_one_bridge_between_large_groups_is_held(store: Path) -> None:
    assert together(store, "60", "61", "62") and together(store, "63", "64", "65")
    assert not together(store, "62", "63")
    (reason, size_a, size_b) = q(store, """SELECT reason, accounts_a, accounts_b FROM identity_review
                                           WHERE account_a = '62' AND account_b = '63'""")[0]
    assert str(reason).startswith("bridge") and (size_a, size_b) == (3, 3)
    (status,) = q(store, "SELECT status FROM person_links WHERE account_a = '62' AND account_b = '63'")[0]
    assert status == "held: bridge between two groups"


def test_two_independent_links_merge_groups(store: Path) -> None:
    assert together(store, "70", "71", "72", "73", "74", "75")


def test_persons_profile(store: Path) -> None:
    cols = {r[0] for r in q(store, "DESCRIBE persons")}
    assert {"person_id", "label", "accounts", "account_keys", "method", "usernames", "selectors",
            "countries_seen", "first_activity", "last_activity"} <= cols
    (countries,) = q(store, "SELECT countries_seen FROM persons WHERE person_id = ?", [person(store, "30")])[0]
    assert countries == "DE"


def test_rerun_is_identical(store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "again.duckdb"
    copy.write_bytes(store.read_bytes())
    con = duckdb.connect(str(copy))
    try:
        resolve(con, cfg=CFG)
    finally:
        con.close()
    for table in ("persons", "person_accounts", "person_links", "identity_review", "identity_suppressed"):
        assert q(store, f"SELECT * FROM {table}") == q(copy, f"SELECT * FROM {table}"), table


def test_large_bridges() -> None:
    chain = [(0, 1), (1, 2), (0, 2), (2, 3), (3, 4), (4, 5), (3, 5)]   # two triangles joined by (2, 3)
    assert large_bridges(chain, 3) == {(2, 3): (3, 3)}
    assert large_bridges(chain, 4) == {}
    path = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]
    assert set(large_bridges(path, 3)) == {(2, 3)}
    assert set(large_bridges(path, 2)) == {(1, 2), (2, 3), (3, 4)}
    uf = UnionFind(4)
    uf.union(0, 1)
    uf.union(2, 3)
    assert uf.find(1) == uf.find(0) != uf.find(3) and uf.size[uf.find(0)] == 2
