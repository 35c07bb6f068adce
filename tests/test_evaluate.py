"""End to end on a generated world: synth → ingest → analyse → evaluate against the ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rescue import analyse, evaluate, operation
from rescue.errors import UsageError

from .conftest import run_contract_check


@pytest.fixture(scope="module")
def analysed(small_world: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[operation.Operation, Path]:
    from rescue.ingest.pipeline import ingest

    op = operation.init(tmp_path_factory.mktemp("eval") / "op")
    for dump in sorted(small_world.glob("*/phpbb.sql")):
        ingest(op, dump)
    summary = analyse.run(op)
    assert summary.persons > 0 and summary.counts["selectors"] > 0
    assert summary.lines()[0].startswith(f"{summary.persons:,} persons")
    assert json.loads(summary.to_json())["persons"] == summary.persons
    return op, small_world / "truth"


@pytest.fixture(scope="module")
def report(analysed: tuple[operation.Operation, Path]) -> evaluate.EvaluationReport:
    op, truth = analysed
    return evaluate.run(op, truth)


def test_attribution_accuracy_and_coverage(report: evaluate.EvaluationReport) -> None:
    a = report.attribution
    assert a["evaluated"] > 300
    assert report.accuracy is not None and report.accuracy >= 0.9
    assert report.coverage is not None and report.coverage >= 0.7
    assert sum(b["attributed"] for b in a["by_confidence"]) == a["attributed"]


def test_selector_extraction_figures(report: evaluate.EvaluationReport) -> None:
    kinds = {k["kind"]: k for k in report.selectors["per_kind"]}
    assert {"email", "icq", "skype"} <= set(kinds)
    totals = report.selectors["totals"]
    assert totals["precision"] >= 0.95 and totals["recall"] >= 0.9
    assert kinds["email"]["recall"] >= 0.9


def test_evidence_types_are_measured(report: evaluate.EvaluationReport) -> None:
    types = {t["evidence_type"]: t for t in report.evidence_types}
    assert "ip_residential" in types and types["ip_residential"]["accuracy"] >= 0.85


def test_report_renders(report: evaluate.EvaluationReport) -> None:
    md = report.to_markdown()
    for heading in ("## Country attribution", "### Most confused pairs", "## Selector extraction", "### Per kind"):
        assert heading in md
    data = json.loads(report.to_json())
    assert data["attribution"]["accuracy"] == report.accuracy


def test_findings_contract(analysed: tuple[operation.Operation, Path]) -> None:
    op, _ = analysed
    res = run_contract_check(op.root, "--findings")
    problems = [ln for ln in res.stdout.splitlines() if ln.startswith(("missing", "table", "attribution"))]
    assert problems == []  # evidence and every findings table of the contract, risk included


def test_bad_truth_folder(analysed: tuple[operation.Operation, Path], tmp_path: Path) -> None:
    op, _ = analysed
    with pytest.raises(UsageError, match="not a truth folder"):
        evaluate.run(op, tmp_path)
    with pytest.raises(UsageError, match="no such truth folder"):
        evaluate.run(op, tmp_path / "nope")
