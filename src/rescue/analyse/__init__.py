"""``rescue analyse``: selectors, enrichment and country attribution, with evidence.

:func:`run` reads the evidence tables of an operation's store and (re)writes the findings tables:
``persons``, ``person_accounts``, ``ip_enrichment``, ``ip_geo_history``, ``selectors``,
``email_enrichment``, ``phone_enrichment``, ``domain_enrichment``, ``account_signals``,
``attribution_evidence``, ``account_attribution``, ``attribution``. It is deterministic: two runs on
the same store give identical tables (rows in a fixed order); the only time-dependent values are in
``analyse_runs``, one row appended per run. :func:`attribute` redoes only the evidence and the
attribution, over the persons as they are now (after identity resolution). See docs/analyse.md.
"""

from __future__ import annotations

from rescue.analyse import config as config_mod
from rescue.analyse.config import AnalyseConfig
from rescue.analyse.runner import Progress, ResolvePersons, attribute_store, run_store
from rescue.analyse.summary import AnalyseSummary
from rescue.operation import Operation

__all__ = ["AnalyseConfig", "AnalyseSummary", "attribute", "attribute_store", "run", "run_store"]


def run(op: Operation, *, progress: Progress | None = None, cfg: AnalyseConfig | None = None,
        resolve_persons: ResolvePersons | None = None, engine: str = "duckdb") -> AnalyseSummary:
    """Analyse an operation: write the findings tables into ``op.store_path`` (replacing earlier ones).

    Settings come from the ``[analyse]`` table of operation.toml (see :mod:`rescue.analyse.config`)
    unless ``cfg`` is given. ``progress(stage, done, total)`` is called after each step.
    ``resolve_persons(con)`` (identity resolution), when given, replaces ``persons`` and
    ``person_accounts`` inside the same transaction before the attribution is computed. ``engine``:
    ``duckdb`` (default) or ``spark`` (see docs/engine.md).
    """
    return run_store(op.store_path, cfg if cfg is not None else config_mod.load(op.root), progress=progress,
                     resolve_persons=resolve_persons, engine=engine)


def attribute(op: Operation, *, progress: Progress | None = None, cfg: AnalyseConfig | None = None) -> AnalyseSummary:
    """Redo evidence and attribution over the current ``person_accounts`` (other findings unchanged)."""
    return attribute_store(op.store_path, cfg if cfg is not None else config_mod.load(op.root), progress=progress)
