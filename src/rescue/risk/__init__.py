"""Risk prioritisation: who to act on first, and why (docs/risk.md).

:func:`run` reads the evidence tables and the findings of the analyse stage (``persons``,
``person_accounts``, ``selectors``; ``xref_hits`` when identity resolution wrote it) and (re)writes:

- ``risk``: one row per person: ``score``, ``tier`` (Very High / High / Medium / Low), ``rank``, the
  configuration version, and the advisory "advises a human decision; it does not replace one";
- ``risk_indicators``: per person and indicator, the measured ``value`` and the ``points`` it gives;
- ``risk_evidence``: the items behind each indicator: a short escaped snippet, the evidence table, and
  the seized row (``prov_table``, ``prov_key``, ``prov_offset``, ``prov_line``).

Indicators (configured in ``rescue/data/risk/risk.toml``): access to children, moving to private
channels, offers to meet, file hosts, hits in other investigations (behaviour); staff role, tenure,
activity, network position, attachments (context). None uses nationality, country, language or any
other protected attribute. Deterministic: two runs on the same store write identical tables.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from rescue.analyse.limits import lowered
from rescue.errors import OperationError
from rescue.risk import config as config_mod
from rescue.risk import network, signals, store, textscan
from rescue.risk.config import RiskConfig, RiskConfigError
from rescue.risk.matcher import Matcher
from rescue.risk.prescan import Prescan
from rescue.risk.scoring import score_persons
from rescue.risk.store import tables as existing_tables

__all__ = ["RiskConfig", "RiskConfigError", "RiskSummary", "evaluate", "load_config", "run"]

load_config = config_mod.load


@dataclass
class RiskSummary:
    """What a run wrote: row counts, persons per tier and per indicator, timings."""

    config_version: str = ""
    config_digest: str = ""
    persons: int = 0
    tiers: dict[str, int] = field(default_factory=dict)
    indicators: dict[str, int] = field(default_factory=dict)  # persons with points from each indicator
    counts: dict[str, int] = field(default_factory=dict)
    texts_read: int = 0
    hits: int = 0
    seconds: float = 0.0
    step_seconds: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        tiers = ", ".join(f"{t} {n:,}" for t, n in self.tiers.items())
        out = [f"risk ({self.config_version}): {self.persons:,} persons: {tiers}; {self.seconds:.1f} s",
               f"  texts read {self.texts_read:,}, lexicon hits {self.hits:,}"]
        out += [f"  {name:<20} {n:>8,} persons" for name, n in self.indicators.items()]
        return out


def _check(con: duckdb.DuckDBPyConnection) -> None:
    missing = sorted({"accounts", "persons", "person_accounts"} - existing_tables(con))
    if missing:
        raise OperationError(f"store has no table(s) {', '.join(missing)} (run `rescue analyse` first)")


def _in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the caller holds an open transaction (a failed BEGIN would abort it, so ask first):
    outside one every statement runs in a transaction of its own, with a new id."""
    first = con.execute("SELECT txid_current()").fetchall()[0][0]
    return bool(first == con.execute("SELECT txid_current()").fetchall()[0][0])


def run(con: duckdb.DuckDBPyConnection, *, config_path: Path | None = None,
        prescanned: Prescan | None = None) -> RiskSummary:
    """Score every person of the store behind ``con`` and write the three risk tables.

    Inside a transaction of the caller (the analyse stage) it writes as part of it; otherwise it
    opens its own, so a failed run leaves the previous tables in place. ``prescanned``: the lexicon scan
    started ahead of time (:func:`rescue.risk.prescan.start`, same ``config_path``), whose hits are used
    instead of scanning the texts again.
    """
    t0 = time.perf_counter()
    cfg = config_mod.load(config_path)
    _check(con)
    summary = RiskSummary(config_version=cfg.version, config_digest=cfg.digest)
    step_t = time.perf_counter()

    def step(name: str) -> None:
        nonlocal step_t
        now = time.perf_counter()
        summary.step_seconds[name] = round(now - step_t, 3)
        step_t = now

    own = not _in_transaction(con)
    if own:
        con.execute("BEGIN TRANSACTION")
    try:
        matcher = Matcher(cfg)
        step("lexicons")
        hits = prescanned.result(con) if prescanned is not None else None
        # The pre-scan's rows are the candidate rows of now when its hits are (the same accounts).
        rows = prescanned.texts if prescanned is not None and hits is not None and prescanned.texts.is_file() \
            else None
        items, stats = textscan.scan_texts(con, cfg, matcher, hits, rows)
        summary.texts_read, summary.hits = stats["texts_read"], stats["hits"]
        step("text")
        items += signals.filehost_links(con, cfg)
        items += signals.xref_hits(con, cfg)
        items += signals.account_signals(con, cfg)
        items += signals.attachments(con, cfg)
        step("records")
        items += network.centrality(con, cfg)
        step("network")
        persons = [str(r[0]) for r in con.execute("SELECT person_id FROM persons ORDER BY 1").fetchall()]
        with lowered(con):   # pure Python: DuckDB gives back its cached pages meanwhile
            people = score_persons(persons, items, cfg)
        step("scoring")
        summary.counts = store.write(con, people, cfg)
        step("write")
        if own:
            con.execute("COMMIT")
    except BaseException:
        if own:
            with contextlib.suppress(Exception):
                con.execute("ROLLBACK")
        raise
    summary.persons = len(people)
    summary.tiers = {name: 0 for name, _ in cfg.tiers} | {"Low": 0}
    for ps in people:
        summary.tiers[ps.tier] += 1
        for r in ps.indicators:
            summary.indicators[r.indicator.name] = summary.indicators.get(r.indicator.name, 0) + 1
    summary.indicators = {i.name: summary.indicators.get(i.name, 0) for i in cfg.indicators}
    summary.seconds = round(time.perf_counter() - t0, 3)
    return summary


def evaluate(con: duckdb.DuckDBPyConnection, truth_dir: Path, *, config_path: Path | None = None,
             reruns: bool = True) -> dict[str, Any]:
    """Measure the ranking against a synthetic world's truth (see :mod:`rescue.risk.evaluate`)."""
    from rescue.risk.evaluate import evaluate as _evaluate

    return _evaluate(con, truth_dir, config_path=config_path, reruns=reruns)
