"""Risk prioritisation end to end on the small synthetic world: ranking against the planted truth,
stability, ablation, and the operation folder's contract."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from rescue import operation
from rescue.analyse import run as analyse
from rescue.ingest.pipeline import ingest
from rescue.risk import evaluate, run
from tests.conftest import run_contract_check


@pytest.fixture(scope="module")
def scored(small_world: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    op = operation.init(tmp_path_factory.mktemp("risk-world") / "op")
    ingest(op, small_world / "forum" / "phpbb.sql")
    analyse(op)
    con = duckdb.connect(str(op.store_path))
    try:
        run(con)
        figures = evaluate(con, small_world / "truth")
    finally:
        con.close()
    return op.root, figures


def test_planted_high_tier_is_found_first(scored: tuple[Path, dict[str, Any]]) -> None:
    _, f = scored
    assert f["planted_high"] >= 5
    assert f["recall_high_at"]["10pct"] >= 0.9
    assert f["recall_high_at"]["5pct"] >= 0.6  # 4 of 5 at the time of writing; the 1 left shows one kind only
    assert f["precision_any_at"]["5pct"] >= 0.9  # the first 5 % all carry planted indicators


def test_each_text_indicator_finds_what_was_planted(scored: tuple[Path, dict[str, Any]]) -> None:
    _, f = scored
    for row in f["indicators"]:
        if row["planted_persons"]:
            assert row["recall"] >= 0.9, row
            if row["indicator"] != "private_channel":  # contact offers fire for many members (weakly)
                assert row["precision"] >= 0.9, row


def test_stable_and_ablation(scored: tuple[Path, dict[str, Any]]) -> None:
    _, f = scored
    assert f["stability"]["identical"] is True
    rows = {r["without"]: r["recall_high_at_10pct"] for r in f["ablation"]}
    assert set(rows) >= {"(none)", "access_to_children", "private_channel", "meeting", "filehost", "staff",
                         "centrality", "xref"}
    assert rows["(none)"] == f["recall_high_at"]["10pct"]
    assert rows["access_to_children"] <= rows["(none)"]


def test_every_point_has_evidence_with_provenance(scored: tuple[Path, dict[str, Any]]) -> None:
    root, _ = scored
    con = duckdb.connect(str(root / "store.duckdb"), read_only=True)
    try:
        unexplained = con.execute("""
            SELECT count(*) FROM risk_indicators i WHERE i.points > 0 AND NOT EXISTS (
                SELECT 1 FROM risk_evidence e WHERE e.person_id = i.person_id AND e.indicator = i.indicator
                AND e.prov_table IS NOT NULL AND (e.prov_key IS NOT NULL OR e.prov_offset IS NOT NULL))""").fetchall()
        scored_without = con.execute("""SELECT count(*) FROM risk r WHERE r.score > 0 AND NOT EXISTS (
            SELECT 1 FROM risk_evidence e WHERE e.person_id = r.person_id)""").fetchall()
    finally:
        con.close()
    assert unexplained[0][0] == 0 and scored_without[0][0] == 0


def test_operation_passes_the_findings_contract(scored: tuple[Path, dict[str, Any]]) -> None:
    root, _ = scored
    got = run_contract_check(root, "--findings")
    assert got.returncode == 0, got.stdout + got.stderr
