"""IP classes, e-mail providers, places and time zones."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import duckdb
import pytest

from rescue.analyse import AnalyseConfig, run_store
from rescue.analyse.config import from_mapping
from rescue.analyse.domains import classify
from rescue.analyse.geo import SnapshotProvider, build_provider
from rescue.analyse.ipclass import Classifier
from rescue.analyse.places import parse_location, parse_timezone
from rescue.analyse.testing import MiniStore
from rescue.errors import OperationError


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_snapshot_provider_on_known_addresses() -> None:
    geo = SnapshotProvider()
    assert geo.lookup("81.2.69.160").country == "GB"
    assert geo.lookup("192.0.2.1").country is None  # documentation range (TEST-NET-1)
    assert geo.lookup("2001:db8::1").country is None
    assert geo.time_aware is False


def test_mmdb_without_maxminddb_is_a_clear_error(tmp_path: Path) -> None:
    installed = importlib.util.find_spec("maxminddb") is not None
    with pytest.raises(OperationError, match="not found" if installed else "maxminddb"):
        build_provider(tmp_path / "x.mmdb", None)


@pytest.fixture()
def classified(tmp_path: Path) -> dict[str, tuple[object, ...]]:
    tor = tmp_path / "tor.txt"
    tor.write_text("# exits\nExitAddress 81.2.69.161 2020-01-01 10:00:00\n", encoding="utf-8")
    s = MiniStore(tmp_path / "store.duckdb")
    for i in range(12):  # 12 unrelated members behind one address within a few days: shared (CGNAT)
        s.account(str(10 + i), f"m{i}")
        s.ips(str(10 + i), "81.2.69.170", days=1, start=s_start(i))
    s.account("2", "alpha")
    s.ips("2", "81.2.69.160", days=3)
    s.ips("2", "192.0.2.10")  # TEST-NET-1
    s.ips("2", "10.1.2.3")
    s.ips("2", "100.64.3.4")  # RFC 6598
    s.ips("2", "81.2.69.161")  # Tor, per the operator's list
    s.ips("2", "185.220.101.1")  # in MISP's VPN ranges
    s.ips("2", "151.101.1.1")  # Fastly (MISP cloud/CDN ranges)
    s.close()
    run_store(s.path, AnalyseConfig(tor_exit_list=tor))
    return {str(r[0]): r[1:] for r in rows(s.path, "SELECT ip, class, country, class_evidence FROM ip_enrichment")}


def s_start(i: int) -> dt.datetime:
    return dt.datetime(2020, 3, 1) + dt.timedelta(hours=7 * i)


def test_ip_classes(classified: dict[str, tuple[object, ...]]) -> None:
    c = classified
    assert c["81.2.69.160"][:2] == ("residential", "GB")
    assert c["192.0.2.10"][0] == "private" and c["10.1.2.3"][0] == "private"
    assert c["100.64.3.4"][0] == "cgnat"
    assert c["81.2.69.161"][0] == "tor" and "tor.txt" in str(c["81.2.69.161"][2])
    assert c["185.220.101.1"][0] == "vpn"
    assert c["151.101.1.1"][0] == "hosting" and "fastly" in str(c["151.101.1.1"][2])
    assert c["81.2.69.170"][0] == "cgnat" and "12 persons" in str(c["81.2.69.170"][2])


def test_hosting_by_network_operator() -> None:
    clf = Classifier(AnalyseConfig(use_misp=False))
    assert clf.hosting_asn("Hetzner Online GmbH") == "hetzner"
    assert clf.hosting_asn("DIGITALOCEAN-ASN") == "digitalocean"
    assert clf.hosting_asn("Deutsche Telekom AG") is None
    assert clf.hosting_asn(None) is None


def test_cgnat_threshold_is_configurable(tmp_path: Path) -> None:
    s = MiniStore(tmp_path / "store.duckdb")
    for i in range(5):
        s.account(str(i + 2), f"m{i}")
        s.ips(str(i + 2), "81.2.69.170")
    s.close()
    run_store(s.path, AnalyseConfig())
    assert rows(s.path, "SELECT class FROM ip_enrichment") == [("residential",)]
    run_store(s.path, from_mapping({"cgnat_min_accounts": 5}, tmp_path))
    assert rows(s.path, "SELECT class FROM ip_enrichment") == [("cgnat",)]


def test_email_provider_classes() -> None:
    assert (classify("web.de").provider_class, classify("web.de").country) == ("national", "DE")
    assert (classify("btinternet.com").provider_class, classify("btinternet.com").country) == ("isp", "GB")
    assert classify("gmail.com").provider_class == "webmail"
    assert classify("yahoo.co.uk").provider_class == "webmail" and classify("yahoo.co.uk").cctld_country == "GB"
    assert classify("mailinator.com").provider_class == "disposable"
    assert classify("board.example.net", frozenset({"example.net"})).provider_class == "forum"
    other = classify("smith-family.fr")
    assert (other.provider_class, other.cctld_country) == ("other", "FR")
    assert classify("startup.io").cctld_country is None  # vanity ccTLD


@pytest.mark.parametrize(("raw", "countries"), [
    ("Leeds", ("GB",)), ("Leeds, UK", ("GB",)), ("near Köln", ("DE",)), ("Bayern", ("DE",)),
    ("Columbus, OH", ("US",)), ("Austin, United States", ("US",)), ("London", ("CA", "GB")),
    ("London, Ontario", ("CA",)), ("Valencia, Spain", ("ES",)), ("Timișoara", ("RO",)), ("Deutschland", ("DE",)),
    ("somewhere by the sea", ()), ("Earth", ()), ("", ()), (None, ()),
])
def test_locations(raw: str | None, countries: tuple[str, ...]) -> None:
    assert parse_location(raw).countries == countries


def test_timezones() -> None:
    assert parse_timezone("Europe/Berlin") == (("DE",), "Europe/Berlin")
    assert parse_timezone("Asia/Calcutta")[0] == ("IN",)
    cands, norm = parse_timezone("UTC+01:00 (DST)")
    assert norm == "UTC+01:00 (DST)" and {"DE", "FR", "PL"} <= set(cands) and "NG" not in cands
    assert "NG" in parse_timezone("UTC+01:00")[0]
    assert parse_timezone("5.5")[0] == parse_timezone("UTC+05:30")[0] == ("IN", "LK")
    assert parse_timezone("-5")[1] == "UTC-05:00"
    assert parse_timezone("nonsense") == ((), None)


def test_unknown_setting_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(OperationError, match="unknown setting"):
        from_mapping({"cgnat_min_acounts": 3}, tmp_path)
    with pytest.raises(OperationError, match="unknown evidence type"):
        from_mapping({"weights": {"telepathy": 1}}, tmp_path)
    cfg = from_mapping({"tor_exit_list": "lists/tor.txt", "weights": {"phone": 2.5}}, tmp_path)
    assert cfg.tor_exit_list == tmp_path / "lists" / "tor.txt" and cfg.weight("phone") == 2.5


def test_every_setting_and_weight_is_documented() -> None:
    import dataclasses

    from rescue.analyse.config import DEFAULT_WEIGHTS

    doc = (Path(__file__).parents[1] / "docs" / "analyse.md").read_text(encoding="utf-8")
    for f in dataclasses.fields(AnalyseConfig):
        assert f"{f.name} = " in doc or f.name == "weights", f"setting {f.name} is not in docs/analyse.md"
    for name in DEFAULT_WEIGHTS:
        assert f"{name} = " in doc and f"`{name}`" in doc, f"evidence type {name} is not in docs/analyse.md"


def test_mobile_carriers_by_network_operator() -> None:
    from rescue.analyse.resources import is_mobile_operator

    for name in ("T-MOBILE-AS21928", "EE Limited", "Free Mobile SAS", "Play", "Wind Tre S.p.A.", "TIM SA",
                 "ATT-MOBILITY-LLC-AS20057", "Telefonica Moviles Argentina S.A. Movistar Argentina"):
        assert is_mobile_operator(name), name
    for name in ("Andrews & Arnold Ltd", "Vodafone GmbH", "Deutsche Telekom AG", "Kharkiv National Automobile and "
                 "Highway University", "PlayStation Network", "Coffee Limited", None):
        assert not is_mobile_operator(name), name
