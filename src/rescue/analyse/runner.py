"""The analysis, step by step, inside one transaction on the store."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from rescue.analyse import limits
from rescue.analyse.config import AnalyseConfig
from rescue.analyse.domains import own_domains
from rescue.analyse.enrich import account_signals, domain_enrichment, email_enrichment, phone_enrichment
from rescue.analyse.evidence import build_evidence
from rescue.analyse.extraction import ORDER as SELECTOR_ORDER
from rescue.analyse.extraction import extract_selectors
from rescue.analyse.findings import write_attribution
from rescue.analyse.geo import build_provider
from rescue.analyse.ipclass import enrich_ips, geo_history
from rescue.analyse.language import start_detection
from rescue.analyse.persons import build_persons
from rescue.analyse.store import RUNS_TABLE, drop_findings, ensure_runs_table, existing_tables, write_arrow
from rescue.analyse.summary import AnalyseSummary
from rescue.engine import Engine, open_engine, running
from rescue.errors import OperationError
from rescue.risk.prescan import Prescan
from rescue.risk.prescan import start as start_prescan
from rescue.store import duck

Progress = Callable[[str, int, int], None]
ResolvePersons = Callable[[duckdb.DuckDBPyConnection], object]
STEPS = ("persons", "ip enrichment", "selectors", "enrichment", "signals", "identity", "evidence", "attribution",
         "risk")
EVIDENCE_NEEDED = frozenset({"accounts", "posts", "messages", "quotes", "profile_fields", "ip_events", "forum_config",
                             "moderation_log", "bans"})
# Evidence tables the engine-defined steps read (the Spark engine exports them as Parquet).
ENGINE_INPUTS = ("accounts", "posts", "messages", "quotes", "profile_fields", "moderation_log", "bans")
FINDINGS_NEEDED = frozenset({"persons", "person_accounts", "ip_enrichment", "ip_geo_history", "selectors",
                             "email_enrichment", "phone_enrichment", "domain_enrichment", "account_signals"})


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rescue")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


class _Run:
    """One run on an open store: timings per step, progress, the summary, the run record."""

    def __init__(self, con: duckdb.DuckDBPyConnection, cfg: AnalyseConfig, progress: Progress | None,
                 steps: tuple[str, ...]) -> None:
        self.con, self.cfg, self.progress, self.steps = con, cfg, progress, steps
        self.summary = AnalyseSummary()
        self.prescan: Prescan | None = None   # risk's lexicon scan, started ahead (rescue.risk.prescan)
        self.started = utcnow()
        self.t0 = self._t = time.perf_counter()

    def step(self, name: str) -> None:
        now = time.perf_counter()
        self.summary.step_seconds[name] = round(now - self._t, 3)
        self._t = now
        if self.progress:
            self.progress("analyse", self.steps.index(name) + 1, len(self.steps))

    def attribute(self) -> None:
        """Evidence and attribution over the current ``person_accounts``; figures into the summary."""
        build_evidence(self.con, self.cfg)
        self.step("evidence")
        self.summary.counts.update(write_attribution(self.con, self.cfg))
        self.step("attribution")
        for cc, n in self.con.execute("SELECT country, count(*) FROM attribution WHERE country IS NOT NULL "
                                      "GROUP BY 1 ORDER BY 2 DESC, 1").fetchall():
            self.summary.countries[str(cc)] = int(n)
        self.summary.persons = int(self.con.execute("SELECT count(*) FROM persons").fetchall()[0][0])
        self.summary.attributed = sum(self.summary.countries.values())
        self.summary.abstained = self.summary.persons - self.summary.attributed
        # risk follows whoever the persons are now (it joins this transaction)
        from rescue import risk

        scored = risk.run(self.con, prescanned=self.prescan)
        self.summary.counts.update(scored.counts)
        self.summary.notes.extend(scored.lines())
        self.step("risk")

    def record(self, kind: str) -> None:
        s = self.summary
        s.seconds = round(time.perf_counter() - self.t0, 3)
        ensure_runs_table(self.con)
        self.con.execute(f"INSERT INTO {RUNS_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
            f"{self.started:%Y%m%dT%H%M%S}-{kind}", self.started, utcnow(), s.seconds, _version(), s.geo_provider,
            self.cfg.to_json(), json.dumps(s.counts, sort_keys=True)])


@contextlib.contextmanager
def _engine(name: str, con: duckdb.DuckDBPyConnection, workdir: Path) -> Iterator[Engine]:
    eng = open_engine(name, con, workdir)
    try:
        with running(name):
            yield eng
    finally:
        eng.close()


@contextlib.contextmanager
def _transaction(path: Path, needed: frozenset[str], hint: str,
                 lim: limits.Limits) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duck.connect(path)
    try:
        con.execute("SET enable_progress_bar = false")  # progress is reported through the callback
        lim.apply(con)
        missing = sorted(needed - existing_tables(con))
        if missing:
            raise OperationError(f"store has no table(s) {', '.join(missing)} ({hint})")
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(Exception):  # the connection may already be gone
                con.execute("ROLLBACK")
            raise
    finally:
        con.close()
        lim.cleanup()


def run_store(store_path: Path, cfg: AnalyseConfig, *, progress: Progress | None = None,
              resolve_persons: ResolvePersons | None = None, engine: str = "duckdb") -> AnalyseSummary:
    """Every step on the store at ``store_path``. ``resolve_persons(con)``, when given, replaces ``persons``
    and ``person_accounts`` (identity resolution) after the enrichment and before the attribution.
    ``engine`` (``duckdb`` or ``spark``) runs the engine-defined steps (see docs/engine.md)."""
    provider = build_provider(cfg.country_mmdb, cfg.asn_mmdb)
    lim = limits.resolve(Path(store_path), cfg.memory_limit, cfg.threads)
    with _transaction(Path(store_path), EVIDENCE_NEEDED, "run `rescue ingest` first", lim) as con, \
            _engine(engine, con, Path(store_path).parent / "parquet") as eng, \
            contextlib.ExitStack() as stack:
        steps = STEPS if resolve_persons else tuple(s for s in STEPS if s != "identity")
        r = _Run(con, cfg, progress, steps)
        counts = r.summary.counts
        r.summary.geo_provider = provider.name
        drop_findings(con)
        eng.share(ENGINE_INPUTS)
        counts["persons"], counts["person_accounts"] = build_persons(con, eng)
        eng.share(["person_accounts"])
        # DuckDB: language detection (the largest single cost) runs in the background from here to "signals"
        languages = start_detection(con, cfg, lim.temp_dir) if engine == "duckdb" else None
        if languages is not None:
            stack.callback(languages.cancel)   # a failed run does not leave it running
        r.step("persons")
        counts["ip_enrichment"] = write_arrow(con, "ip_enrichment", enrich_ips(con, cfg, provider), "ip")
        counts["ip_geo_history"] = write_arrow(con, "ip_geo_history", geo_history(con, provider), "ip, month")
        r.step("ip enrichment")
        own = own_domains(con)
        counts["selectors"] = write_arrow(con, "selectors", extract_selectors(con, own, progress, eng),
                                         SELECTOR_ORDER)
        text_ips = [str(x[0]) for x in con.execute("SELECT DISTINCT value FROM selectors WHERE kind = 'ip' AND "
                                                   "value NOT IN (SELECT ip FROM ip_enrichment) ORDER BY 1").fetchall()]
        if text_ips:  # addresses written in text: enriched, with no usage
            con.register("_extra_ips", enrich_ips(con, cfg, provider, only=text_ips))
            con.execute("CREATE OR REPLACE TABLE ip_enrichment AS SELECT * FROM (SELECT * FROM ip_enrichment "
                        "UNION ALL SELECT * FROM _extra_ips) ORDER BY ip")
            con.unregister("_extra_ips")
            counts["ip_enrichment"] += len(text_ips)
        r.step("selectors")
        counts["email_enrichment"] = write_arrow(con, "email_enrichment", email_enrichment(con, own), "email")
        counts["phone_enrichment"] = write_arrow(con, "phone_enrichment", phone_enrichment(con), "phone")
        counts["domain_enrichment"] = write_arrow(con, "domain_enrichment", domain_enrichment(con, own), "domain")
        r.step("enrichment")
        found_languages = languages.result() if languages is not None else None
        counts["account_signals"] = write_arrow(con, "account_signals", account_signals(con, cfg, eng, found_languages),
                                                "source_id, account_id")
        # risk's lexicon scan needs only the texts: a child process scans them while identity resolution,
        # evidence and attribution run here (risk then credits the hits to the persons as they are by then)
        r.prescan = start_prescan(con, lim.temp_dir)
        stack.callback(r.prescan.cancel)
        r.step("signals")
        if resolve_persons is not None:
            resolve_persons(con)
            for t in ("persons", "person_accounts"):
                counts[t] = int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0])
            r.step("identity")
        r.attribute()
        r.summary.notes.append(f"engine: {engine}")
        r.record("analyse")
        return r.summary


def attribute_store(store_path: Path, cfg: AnalyseConfig, *, progress: Progress | None = None) -> AnalyseSummary:
    """Only the evidence and attribution steps, over the store's current ``persons``/``person_accounts`` and
    findings (after identity resolution or analyst decisions changed who is who)."""
    lim = limits.resolve(Path(store_path), cfg.memory_limit, cfg.threads)
    with _transaction(Path(store_path), FINDINGS_NEEDED | EVIDENCE_NEEDED, "run `rescue analyse` first",
                      lim) as con:
        r = _Run(con, cfg, progress, ("evidence", "attribution", "risk"))
        r.summary.geo_provider = str(con.execute("SELECT coalesce(max(geo_provider), '') FROM ip_enrichment"
                                                 ).fetchall()[0][0])
        r.attribute()
        r.record("attribute")
        return r.summary
