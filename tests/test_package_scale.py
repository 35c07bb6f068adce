"""Packages at scale: who gets a full report (the selection), everyone in the machine-readable formats, and
the same package whatever the chunk size the workers read the staged facts in."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from rescue.package import build_drafts, worker
from rescue.package.plan import TIER_ORDER, Selection
from tests.package_fixtures import fresh_op, load, top_country


@pytest.fixture()
def op(small_world: Path, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return fresh_op(small_world, tmp_path_factory, tmp_path)



def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        next(fh)  # the marking banner
        return list(csv.DictReader(fh))


def xlsx_person_ids(path: Path, sheet: str) -> set[str]:
    """The person ids of a sheet (row 1 the banner, row 2 the header)."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        rows = wb[sheet].iter_rows(values_only=True)
        banner, header = next(rows), next(rows)
        assert "TLP:" in str(banner[0])
        col = list(header).index("person_id")
        return {str(r[col]) for r in rows}
    finally:
        wb.close()


def test_full_reports_follow_the_selection_and_everyone_is_in_the_tables(op: Path) -> None:
    cc = top_country(op)
    sel = Selection(tier="High", top=3)
    result = build_drafts(op, by="ann", countries=[cc], report_tier="High", report_top=3)
    (draft,) = result.drafts
    doc = load(draft.path / "package.json")
    assert doc["summary"]["report_selection"] == {"tier": "High", "top": 3}
    leads = [p for p in doc["summary"]["priority"] if p["role"] == "lead"]
    for i, p in enumerate(leads, start=1):
        assert p["full_report"] == (TIER_ORDER[p["tier"]] <= TIER_ORDER["High"] or i <= 3), p
        assert p["full_report"] == sel.lead(p["tier"], i)
    for p in doc["summary"]["priority"]:
        if p["role"] == "deconfliction":
            assert p["full_report"] == sel.notice(p["tier"])
    full = {p["person_id"] for p in doc["summary"]["priority"] if p["full_report"]}
    everyone = {r["person_id"] for r in doc["persons"]}
    assert len(everyone) == doc["summary"]["persons"] > len(full) == doc["summary"]["full_reports"] >= 3
    # every person with the detail of their facts in JSON and CSV; FtM and i2 name everyone
    persons_csv = csv_rows(draft.path / "csv" / "persons.csv")
    assert {r["person_id"] for r in persons_csv} == everyone
    assert {r["person_id"] for r in persons_csv if r["full_report"] == "True"} == full
    with_selectors = {r["person_id"] for r in doc["persons"] if r["selectors"]}
    assert {r["person_id"] for r in csv_rows(draft.path / "csv" / "selectors.csv")} == with_selectors
    assert {r["person_id"] for r in csv_rows(draft.path / "csv" / "evidence.csv")} == \
        {r["person_id"] for r in doc["persons"] if r["country_evidence"]}
    ftm = (draft.path / "aleph" / "entities.ftm.json").read_text(encoding="utf-8")
    i2 = (draft.path / "i2" / "entities.csv").read_text(encoding="utf-8")
    assert all(f"Rescue person {pid};" in ftm and pid in i2 for pid in everyone)
    # the workbook: everyone on its persons sheet, detail sheets for the full reports only
    xlsx = draft.path / "package.xlsx"
    assert xlsx_person_ids(xlsx, "persons") == everyone
    assert xlsx_person_ids(xlsx, "selectors") == with_selectors & full
    # the PDF: a report per selected person, none for the others, and it says where the others are
    text = "\n".join(p.extract_text() or "" for p in PdfReader(draft.path / "package.pdf").pages)
    for pid in everyone:
        assert (f"{pid})" in text) == (pid in full), pid
    assert "csv/persons.csv" in text.replace("\n", " ")


def test_report_tier_low_gives_everyone_a_full_report(op: Path) -> None:
    cc = top_country(op)
    result = build_drafts(op, by="ann", countries=[cc], report_tier="low", report_top=0, formats=("json", "pdf"))
    doc = load(result.drafts[0].path / "package.json")
    assert all(p["full_report"] for p in doc["summary"]["priority"])
    text = "\n".join(p.extract_text() or "" for p in PdfReader(result.drafts[0].path / "package.pdf").pages)
    assert all(f"{r['person_id']})" in text for r in doc["persons"])


def test_unknown_tier_is_refused(op: Path) -> None:
    from rescue.errors import UsageError

    with pytest.raises(UsageError, match="--report-tier"):
        build_drafts(op, by="ann", report_tier="Urgent", formats=("json",))


def _strip(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "generated_at"}


def test_chunk_size_does_not_change_the_package(op: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers read a country's persons a chunk at a time: three persons a chunk gives the same package as
    one chunk for all (reports, order, priority list, index, annex, CSV rows)."""
    cc = top_country(op)
    one = build_drafts(op, by="ann", countries=[cc], formats=("json", "csv"), workers=1).drafts[0]
    a = load(one.path / "package.json")
    rows_a = {f.name: f.read_text(encoding="utf-8") for f in (one.path / "csv").glob("*.csv")}
    monkeypatch.setattr(worker, "CHUNK", 3)
    two = build_drafts(op, by="ann", countries=[cc], formats=("json", "csv"), workers=1).drafts[0]
    assert two.version == one.version + 1  # the first draft was superseded
    b = load(two.path / "package.json")
    assert a["summary"]["persons"] > 3
    for key in ("persons", "summary", "index", "annex", "withdrawn"):
        assert a[key] == b[key], key
    rows_b = {f.name: f.read_text(encoding="utf-8").replace(f"{cc}/{two.version}", f"{cc}/{one.version}")
              for f in (two.path / "csv").glob("*.csv")}
    assert rows_a == rows_b


def test_release_reads_the_index_without_the_reports(op: Path, tmp_path: Path) -> None:
    """``read_parts`` (used by release) takes index and withdrawn from their own lines; a package.json laid
    out otherwise (an earlier build: indented, sorted keys) is parsed whole, with the same result."""
    import json

    from rescue.package.render import read_parts

    cc = top_country(op)
    path = build_drafts(op, by="ann", countries=[cc], formats=("json",)).drafts[0].path / "package.json"
    doc = load(path)
    keys = ("summary", "index", "withdrawn", "annex", "sources")
    assert read_parts(path, keys) == {k: doc[k] for k in keys}
    old = tmp_path / "package.json"
    old.write_text(json.dumps(doc, indent=1, sort_keys=True), encoding="utf-8")
    assert read_parts(old, ("index", "withdrawn")) == {"index": doc["index"], "withdrawn": doc["withdrawn"]}
