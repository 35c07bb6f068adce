"""The analyse stage as the CLI and the demo run it: analysis with identity resolution."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import duckdb

from rescue import analyse, identity
from rescue.analyse.summary import AnalyseSummary
from rescue.operation import Operation


def analyse_operation(op: Operation, *, progress: Callable[[str, int, int], None] | None = None,
                      engine: str | None = None, memory_limit: str | None = None,
                      threads: int | None = None) -> AnalyseSummary:
    """Selectors, enrichment, identity resolution (with the analysts' decisions), attribution, risk.
    ``engine`` overrides ``[analysis] engine`` of operation.toml (``duckdb`` or ``spark``); ``memory_limit``
    and ``threads`` override ``[analyse] memory_limit`` / ``threads`` (see :mod:`rescue.analyse.limits`)."""
    from rescue.analyse import config as analyse_config
    from rescue.engine import choose

    cfg = analyse_config.load(op.root)
    if memory_limit:
        cfg = dataclasses.replace(cfg, memory_limit=memory_limit)
    if threads:
        cfg = dataclasses.replace(cfg, threads=threads)

    notes: list[str] = []

    def resolve(con: duckdb.DuckDBPyConnection) -> None:
        result = identity.resolve(con, decisions_path=op.root / identity.DECISIONS_FILE,
                                  cfg=identity.load_config(op.root))
        notes.extend(result.lines())

    summary = analyse.run(op, progress=progress, cfg=cfg, resolve_persons=resolve, engine=choose(op.root, engine))
    summary.notes[:0] = notes
    return summary
