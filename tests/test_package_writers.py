"""The fast writers give the bytes of the libraries they stand in for: FtM entity fragments equal to
followthemoney's ``EntityProxy`` built the same way, and XLSX rows equal to xlsxwriter's own per-cell writes."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from followthemoney import model

from rescue.package.ftm_entity import Fragment, entity_id
from rescue.package.write_exchange import report_entities
from rescue.package.xlsx_rows import fast_row

# --- FollowTheMoney --------------------------------------------------------------------------------------------


def _proxy(schema: str, ident: str) -> Any:
    e = model.make_entity(schema)
    e.id = ident
    return e


def proxy_entities(r: dict[str, Any], ns: str, ref: str) -> list[dict[str, Any]]:
    """The entities of one report built with followthemoney's EntityProxy (what the package wrote before):
    the same ``add`` calls, followthemoney's own cleaning and merging of values."""
    return [e.to_dict() for e in report_entities(r, ns, ref, entity=_proxy)]


@pytest.mark.parametrize("key", [("person", "P-0001"), ("account", "s:1"), ("selector", "telegram", "@handle"),
                                 ("wallet", "btc", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"), ("pm", "P-1", "P-2"),
                                 ("person", "Анна\x00")])
def test_entity_ids_equal_followthemoney_make_id(key: tuple[str, ...]) -> None:
    e = model.make_entity("Person")
    e.make_id("rescue", "op-ä", *key)
    assert entity_id(("rescue", "op-ä"), *key) == e.id


def _report(pid: str, label: str | None, selectors: list[tuple[str, str]], accounts: list[dict[str, Any]],
            names: list[str], births: list[str], contacts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"person_id": pid, "label": label, "role": "lead",
            "attribution": {"country": "DE", "grade": "B3"}, "risk": {"tier": "High", "grade": "B4"},
            "identity": {"accounts": accounts, "names_used": [{"value": n} for n in names],
                         "birth_dates_claimed": [{"value": b} for b in births]},
            "selectors": [{"kind": k, "value": v} for k, v in selectors],
            "links": {"contacts": contacts}}


HOSTILE = [
    _report("P-0001", "  Anna\u200b Example \x07", [
        ("email", "Someone@Bücher.DE."), ("email", "x@xn--bcher-kva.de"), ("email", "not an address"),
        ("email", "a@b"), ("email", "mailto:k@Example.co"), ("email", "z@ß.de"), ("phone", "+49 30 1234567"),
        ("phone", "0049 (0)30 12-34-567"), ("phone", "call me"), ("ip", "10.0.0.1"), ("ip", "2001:DB8::1"),
        ("ip", "999.1.1.1"), ("url", "HTTP://Example.org/a b"), ("url", "javascript:alert(1)"),
        ("telegram", "@handle"), ("btc", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"), ("xmr", "   "),
        ("email", "Someone@Bücher.DE."),
    ], [{"account": "s:1", "username": "=cmd|' /C calc'!A0", "source_id": "s", "registered_at": "2019-02-30T10:00:00Z"},
        {"account": "s:2", "username": "", "source_id": "s", "registered_at": None},
        {"account": "s:1", "username": "dup", "source_id": "s", "registered_at": "2020-01-01T00:00:00Z"}],
        ["Anna", "Анна", "\x00"], ["1990-02-03", "1990-13-45", "03.02.1990"],
        [{"person_id": "P-0002", "in_this_package": True, "messages_sent": 2, "messages_received": 0,
          "first_at": "2020-01-01T00:00:00Z", "last_at": None}]),
    _report("P-0002", None, [("email", "second@bücher.de")], [], [], [], []),
]


@pytest.mark.parametrize("r", HOSTILE, ids=lambda r: r["person_id"])
def test_ftm_fragments_equal_entity_proxies_on_hostile_values(r: dict[str, Any]) -> None:
    got = [e.to_dict() for e in report_entities(r, "op-ä", "DE/1")]
    assert got == proxy_entities(r, "op-ä", "DE/1")
    assert len(got) >= 2 if r["identity"]["accounts"] else len(got) == 1


def test_ftm_fragments_equal_entity_proxies_on_a_built_package(built_reports: list[dict[str, Any]]) -> None:
    assert len(built_reports) > 20
    for r in built_reports:
        assert [e.to_dict() for e in report_entities(r, "test-op", "DE/1")] == proxy_entities(r, "test-op", "DE/1")


def test_fragment_refuses_unknown_property_and_keeps_first_of_equal_values() -> None:
    f = Fragment("Person", entity_id(("rescue", "x"), "person", "1"))
    with pytest.raises(KeyError):
        f.add("nonsense", "x")
    f.add("name", ["B", "A", "B", " A "])
    assert f.to_dict()["properties"] == {"name": ["B", "A"]}
    e = model.make_entity("Person")
    e.make_id("rescue", "x", "person", "1")
    assert f.id == e.id


_IP_TEXTS = ["10.0.0.1", "255.255.255.255", "0.0.0.0", "256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4.5", "1.2.3.04",
             "00.1.1.1", "2001:DB8::1", "::ffff:1.2.3.4", "1.2.3.4 ", "１.2.3.4"]
_DATE_TEXTS = ["2021-03-04", "2021-03-04T05:06:07", "2020-02-29", "2021-02-29", "2021-13-01", "2021-03-04T24:00:00",
               "2021-03-04T23:59:60", "1900-01-01", "1899-12-31", "2100-12-31T23:59:59", "2101-01-01", "0999-01-01",
               "9999-12-31T23:59:59", "2021-3-4", "2021-03-04T05:06", "2021-03-04 05:06:07", "2021-03-04T05:06:07Z",
               "２021-03-04"]


@pytest.mark.parametrize(("schema", "prop", "texts"), [("UserAccount", "ipAddress", _IP_TEXTS),
                                                       ("UserAccount", "createdAt", _DATE_TEXTS),
                                                       ("UnknownLink", "startDate", _DATE_TEXTS)])
def test_canonical_ip_and_date_shortcut_equals_followthemoney_cleaning(schema: str, prop: str,
                                                                       texts: list[str]) -> None:
    """The shortcut for already-canonical IP addresses and ISO times returns what followthemoney's cleaning
    returns, on the edges (leading zeros, octets > 255, 29 February, hour 24, years outside 1900-2100)."""
    from rescue.package import ftm_entity

    p = model.get(schema).properties[prop]  # type: ignore[union-attr]
    for text in texts:
        ftm_entity._cleaned.clear()
        assert ftm_entity.clean(p, text) == p.type.clean_text(text, fuzzy=False, format=None), text
    assert ftm_entity._canonical(p, texts[0]) == texts[0]  # the shortcut is taken for the common form


@pytest.fixture(scope="module")
def built_reports(small_world: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    from rescue.package import build_drafts
    from tests.package_fixtures import fresh_op, load, top_country

    base = tmp_path_factory.mktemp("writers")
    op = fresh_op(small_world, tmp_path_factory, base)
    draft = build_drafts(op, by="ann", countries=[top_country(op)], formats=("json",), workers=1).drafts[0]
    return list(load(draft.path / "package.json")["persons"])


# --- XLSX ------------------------------------------------------------------------------------------------------

ROWS: list[list[Any]] = [
    ["plain", 1, 2.5, True, None, False, 0, -3, 1e20, 0.1, 12345678901234567, 1 / 3],
    ["a & b < c > d \"q\" 'x'", "line\nbreak", " lead", "trail ", "\tTab", "=1+1", "+x", "-x", "@x", "\rx"],
    ["ctl\x01\x02\x1f", "_x0041_ kept", "\ufffe\uffff", "emoji 😀", "Ωμέγα Кириллица", "", ["a", 1, None]],
    [None, None, None],  # no cell at all
    ["x" * 40000, "😀" * 20000, "ok"],
    [Path("/tmp/x"), dt.date(2024, 5, 1), "end"],
]


def _xlsx_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _workbook(path: Path, writer: str, rows: list[list[Any]]) -> None:
    from rescue.package.xlsx_rows import _slow_row

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False})
    wb.set_properties({"created": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)})
    bold = wb.add_format({"bold": True})
    for name in ("one", "two"):
        ws = wb.add_worksheet(name)
        ws.write_string(0, 0, "TLP:AMBER+STRICT banner", bold)
        for c, h in enumerate(["h1", "h2", "h3"]):
            ws.write_string(1, c, h, bold)
        ws.freeze_panes(2, 0)
        for r, row in enumerate(rows, start=2):
            (fast_row if writer == "fast" else _slow_row)(ws, r, row)
    wb.close()


def test_fast_xlsx_rows_are_byte_identical_to_xlsxwriter(tmp_path: Path) -> None:
    _workbook(tmp_path / "slow.xlsx", "slow", ROWS)
    _workbook(tmp_path / "fast.xlsx", "fast", ROWS)
    assert _xlsx_members(tmp_path / "fast.xlsx") == _xlsx_members(tmp_path / "slow.xlsx")
    assert (tmp_path / "fast.xlsx").read_bytes() == (tmp_path / "slow.xlsx").read_bytes()
    sheet = _xlsx_members(tmp_path / "fast.xlsx")["xl/worksheets/sheet1.xml"].decode()
    assert "'=1+1" in sheet and "'@x" in sheet and "&lt;" in sheet and "_x0001_" in sheet


def test_fast_xlsx_rows_escape_rich_string_markup(tmp_path: Path) -> None:
    """xlsxwriter writes a string that looks like ``<r>…</r>`` into the sheet's XML unescaped; seized text
    never is."""
    _workbook(tmp_path / "fast.xlsx", "fast", [["<r><t>x</t></r>", "<r></x></r>"]])
    sheet = _xlsx_members(tmp_path / "fast.xlsx")["xl/worksheets/sheet1.xml"].decode()
    assert "&lt;r&gt;&lt;/x&gt;&lt;/r&gt;" in sheet and "<r></x>" not in sheet
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "fast.xlsx", read_only=True)
    assert [c.value for c in next(wb["one"].iter_rows(min_row=3, max_row=3))][:2] == ["<r><t>x</t></r>",
                                                                                       "<r></x></r>"]
    wb.close()
