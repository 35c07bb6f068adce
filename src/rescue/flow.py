"""The analyse stage as the CLI and the demo run it: analysis with identity resolution."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from rescue import analyse, identity
from rescue.analyse.summary import AnalyseSummary
from rescue.operation import Operation


def analyse_operation(op: Operation, *, progress: Callable[[str, int, int], None] | None = None,
                      engine: str | None = None) -> AnalyseSummary:
    """Selectors, enrichment, identity resolution (with the analysts' decisions), attribution, risk.
    ``engine`` overrides ``[analysis] engine`` of operation.toml (``duckdb`` or ``spark``)."""
    from rescue.engine import choose

    notes: list[str] = []

    def resolve(con: duckdb.DuckDBPyConnection) -> None:
        result = identity.resolve(con, decisions_path=op.root / identity.DECISIONS_FILE,
                                  cfg=identity.load_config(op.root))
        notes.extend(result.lines())

    summary = analyse.run(op, progress=progress, resolve_persons=resolve, engine=choose(op.root, engine))
    summary.notes[:0] = notes
    return summary
