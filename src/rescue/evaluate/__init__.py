"""``rescue evaluate``: the analysis of an operation measured against a synthetic world's ground truth.

:func:`run` compares the findings in ``op.store_path`` with ``truth_dir`` (written by ``rescue synth``):
attribution accuracy on the persons attributed and coverage, accuracy per evidence type and per
confidence band, the most confused country pairs, and selector extraction precision and recall per
kind (and recall per written form); identity resolution (pairwise and B-cubed precision/recall/F1, false
merges per trap kind, style-only aliases, the review list). See docs/evaluate.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rescue.evaluate import metrics
from rescue.evaluate.report import EvaluationReport
from rescue.evaluate.truth import attach
from rescue.operation import Operation

__all__ = ["EvaluationReport", "run", "run_store"]


def run_store(store: Path, truth_dir: Path, *, examples: int = 15) -> EvaluationReport:
    con = attach(store, truth_dir)
    try:
        have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                          "WHERE table_catalog = 's'").fetchall()}
        missing = sorted({"attribution", "person_accounts", "selectors", "attribution_evidence",
                          "account_attribution"} - have)
        if missing:
            from rescue.errors import UsageError

            raise UsageError(f"{store}: no findings ({', '.join(missing)}); run `rescue analyse` first")
        att = metrics.attribution(con)
        ident = _identity(store, truth_dir) if "person_links" in have else {}
        return EvaluationReport(
            store=str(store), truth=str(truth_dir),
            sources={str(k): str(v) for k, v in con.execute("SELECT source_id, forum FROM t_sources ORDER BY 1")
                     .fetchall()},
            attribution=att, accounts=metrics.accounts(con), evidence_types=metrics.evidence_types(con),
            selectors=metrics.selectors(con), missed=metrics.missed_examples(con, examples),
            unexpected=metrics.false_examples(con, examples), identity=ident)
    finally:
        con.close()


def _identity(store: Path, truth_dir: Path) -> dict[str, Any]:
    """Identity resolution against the truth (pairwise and B-cubed figures, false merges per trap kind…)."""
    import duckdb

    from rescue.identity import evaluate as identity_evaluate
    from rescue.identity import load_config

    con = duckdb.connect(str(store), read_only=True)
    try:
        return identity_evaluate(con, truth_dir, cfg=load_config(store.parent))
    finally:
        con.close()


def run(op: Operation, truth_dir: Path) -> EvaluationReport:
    """Evaluate the findings of ``op`` against the ground truth in ``truth_dir``."""
    return run_store(op.store_path, truth_dir)
