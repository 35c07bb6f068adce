"""``rescue analyse``: selectors, enrichment and country attribution, with evidence.

:func:`run` reads the evidence tables of an operation's store and (re)writes the findings tables:
``persons``, ``person_accounts``, ``ip_enrichment``, ``ip_geo_history``, ``selectors``,
``email_enrichment``, ``phone_enrichment``, ``domain_enrichment``, ``account_signals``,
``attribution_evidence``, ``account_attribution``, ``attribution``. It is deterministic: two runs on
the same store give identical tables (rows in a fixed order); the only time-dependent values are in
``analyse_runs``, one row appended per run. See docs/analyse.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from rescue.analyse import config as config_mod
from rescue.analyse.config import AnalyseConfig
from rescue.analyse.domains import own_domains
from rescue.analyse.enrich import account_signals, domain_enrichment, email_enrichment, phone_enrichment
from rescue.analyse.evidence import build_evidence
from rescue.analyse.extraction import ORDER as SELECTOR_ORDER
from rescue.analyse.extraction import extract_selectors
from rescue.analyse.findings import write_attribution
from rescue.analyse.geo import build_provider
from rescue.analyse.ipclass import enrich_ips, geo_history
from rescue.analyse.persons import build_persons
from rescue.analyse.store import RUNS_TABLE, drop_findings, ensure_runs_table, write_arrow
from rescue.errors import OperationError
from rescue.operation import Operation
from rescue.store import duck

__all__ = ["AnalyseConfig", "AnalyseSummary", "run", "run_store"]

Progress = Callable[[str, int, int], None]
STEPS = ("persons", "ip enrichment", "selectors", "enrichment", "signals", "evidence", "attribution")


@dataclass
class AnalyseSummary:
    """What a run wrote: row counts per findings table, attribution figures, timings per step."""

    counts: dict[str, int] = field(default_factory=dict)
    persons: int = 0
    attributed: int = 0
    abstained: int = 0
    countries: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    step_seconds: dict[str, float] = field(default_factory=dict)
    geo_provider: str = ""

    @property
    def coverage(self) -> float:
        return self.attributed / self.persons if self.persons else 0.0

    def lines(self) -> list[str]:
        """A short plain-text summary for the terminal (one item per line)."""
        top = ", ".join(f"{cc} {n}" for cc, n in list(self.countries.items())[:12])
        more = f", … {len(self.countries) - 12} more" if len(self.countries) > 12 else ""
        out = [f"{self.persons:,} persons: {self.attributed:,} attributed to a country "
               f"({self.coverage:.1%}), {self.abstained:,} abstained; {self.seconds:.1f} s",
               f"countries: {top}{more}" if top else "countries: none",
               f"geolocation: {self.geo_provider}"]
        out += [f"  {name:<22} {n:>10,} rows" for name, n in self.counts.items()]
        return out

    def to_json(self) -> str:
        d = {k: getattr(self, k) for k in ("counts", "persons", "attributed", "abstained", "countries", "seconds",
                                          "step_seconds", "geo_provider")}
        d["coverage"] = round(self.coverage, 4)
        return json.dumps(d, indent=2, sort_keys=True)


def _check_evidence(con: duckdb.DuckDBPyConnection) -> None:
    have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    missing = sorted({"accounts", "posts", "messages", "quotes", "profile_fields", "ip_events", "forum_config"} - have)
    if missing:
        raise OperationError(f"store has no evidence table(s) {', '.join(missing)} (run `rescue ingest` first)")


def run_store(store_path: Path, cfg: AnalyseConfig, *, progress: Progress | None = None) -> AnalyseSummary:
    """Analyse the store at ``store_path`` with settings ``cfg`` (the work behind :func:`run`)."""
    path = Path(store_path)
    started = operation_now()
    t0 = time.perf_counter()
    summary = AnalyseSummary()
    provider = build_provider(cfg.country_mmdb, cfg.asn_mmdb)
    summary.geo_provider = provider.name
    con = duck.connect(path)
    try:
        con.execute("SET enable_progress_bar = false")  # progress is reported through the callback
        _check_evidence(con)
        con.execute("BEGIN TRANSACTION")
        drop_findings(con)
        step_t = time.perf_counter()

        def step(name: str) -> None:
            nonlocal step_t
            now = time.perf_counter()
            summary.step_seconds[name] = round(now - step_t, 3)
            step_t = now
            if progress:
                progress("analyse", STEPS.index(name) + 1, len(STEPS))

        n_persons, n_links = build_persons(con)
        summary.counts.update(persons=n_persons, person_accounts=n_links)
        step("persons")
        ips = enrich_ips(con, cfg, provider)
        summary.counts["ip_enrichment"] = write_arrow(con, "ip_enrichment", ips, "ip")
        summary.counts["ip_geo_history"] = write_arrow(con, "ip_geo_history", geo_history(con, provider), "ip, month")
        step("ip enrichment")
        own = own_domains(con)
        sel = extract_selectors(con, own, progress)
        summary.counts["selectors"] = write_arrow(con, "selectors", sel, SELECTOR_ORDER)
        text_ips = [r[0] for r in con.execute("SELECT DISTINCT value FROM selectors WHERE kind = 'ip' AND value "
                                              "NOT IN (SELECT ip FROM ip_enrichment) ORDER BY 1").fetchall()]
        if text_ips:
            extra = enrich_ips(con, cfg, provider, only=text_ips)
            con.register("_extra_ips", extra)
            con.execute("CREATE OR REPLACE TABLE ip_enrichment AS SELECT * FROM (SELECT * FROM ip_enrichment "
                        "UNION ALL SELECT * FROM _extra_ips) ORDER BY ip")
            con.unregister("_extra_ips")
            summary.counts["ip_enrichment"] += len(text_ips)
        step("selectors")
        summary.counts["email_enrichment"] = write_arrow(con, "email_enrichment", email_enrichment(con, own), "email")
        summary.counts["phone_enrichment"] = write_arrow(con, "phone_enrichment", phone_enrichment(con), "phone")
        summary.counts["domain_enrichment"] = write_arrow(con, "domain_enrichment", domain_enrichment(con, own),
                                                          "domain")
        step("enrichment")
        summary.counts["account_signals"] = write_arrow(con, "account_signals", account_signals(con, cfg),
                                                        "source_id, account_id")
        step("signals")
        build_evidence(con, cfg)
        step("evidence")
        summary.counts.update(write_attribution(con, cfg))
        step("attribution")
        for cc, n in con.execute("SELECT country, count(*) FROM attribution WHERE country IS NOT NULL "
                                 "GROUP BY 1 ORDER BY 2 DESC, 1").fetchall():
            summary.countries[str(cc)] = int(n)
        summary.persons = n_persons
        summary.attributed = sum(summary.countries.values())
        summary.abstained = n_persons - summary.attributed
        summary.seconds = round(time.perf_counter() - t0, 3)
        ensure_runs_table(con)
        con.execute(f"INSERT INTO {RUNS_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
            started.strftime("%Y%m%dT%H%M%S"), started, operation_now(), summary.seconds, _version(),
            provider.name, cfg.to_json(), json.dumps(summary.counts, sort_keys=True)])
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(Exception):  # the connection may already be gone
            con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return summary


def operation_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rescue")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


def run(op: Operation, *, progress: Progress | None = None, cfg: AnalyseConfig | None = None) -> AnalyseSummary:
    """Analyse an operation: write the findings tables into ``op.store_path`` (replacing earlier ones).

    Settings come from the ``[analyse]`` table of operation.toml (see :mod:`rescue.analyse.config`)
    unless ``cfg`` is given. ``progress(stage, done, total)`` is called after each step.
    """
    return run_store(op.store_path, cfg if cfg is not None else config_mod.load(op.root), progress=progress)
