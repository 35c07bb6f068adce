"""Build draft packages: plan who each country receives and stage the findings once (SQL over the whole
store, written to Parquet), render the countries in spawned worker processes (each reads its own persons a
chunk at a time and streams every format), compare with what was released before (supplements), record the
drafts in the workflow store."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import select

from rescue import operation
from rescue.analyse.limits import ram_share
from rescue.errors import UsageError
from rescue.package import worker
from rescue.package.assemble import head
from rescue.package.marking import DEFAULT_TLP, Marking
from rescue.package.plan import DEFAULT_REPORT_TIER, DEFAULT_REPORT_TOP, CountryPlan, Selection, check_tier, make_plans
from rescue.package.render import FORMATS
from rescue.package.stage import Staged, check_store, stage, store_tables
from rescue.package.worker import Job, Outcome
from rescue.workflow import audit, open_workflow
from rescue.workflow.releases import Release, ReleasePerson
from rescue.workflow.users import get_user

DRAFTER_ROLES = ("analyst", "admin")
SCRATCH = ".package-tmp"  # staged facts of one build, removed after it
# DuckDB's memory while staging (the render workers, started beside it, wait for it to close): a quarter of
# the RAM, 1 to 4 GB. At 1.8M members the contacts query (messages x recipients x persons, grouped) needs > 1 GB.
STAGE_SHARE, STAGE_FLOOR_MB, STAGE_CAP_MB = 0.25, 1024, 4096
Progress = Callable[[str, int, int], None]


@dataclass
class Draft:
    country: str
    version: int
    kind: str
    persons: int
    withdrawn: int
    path: Path
    manifest_sha256: str
    files: int
    full_reports: int = 0

    @property
    def ref(self) -> str:
        return f"{self.country}/{self.version}"


@dataclass
class BuildResult:
    drafts: list[Draft] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # countries with nothing new since their last release
    superseded: list[str] = field(default_factory=list)
    superseded_paths: list[str] = field(default_factory=list)
    persons: int = 0
    seconds: float = 0.0
    step_seconds: dict[str, float] = field(default_factory=dict)
    worker_cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds of the render work per phase

    def lines(self) -> list[str]:
        full = sum(d.full_reports for d in self.drafts)
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in self.step_seconds.items())
        cpu = ", ".join(f"{k} {v:.1f}" for k, v in sorted(self.worker_cpu.items(), key=lambda x: -x[1]))
        out = [f"{len(self.drafts)} draft packages, {self.persons:,} person reports ({full:,} full reports in the "
               f"PDFs) in {self.seconds:.1f} s ({steps}; render CPU s: {cpu})"]
        for d in self.drafts:
            out.append(f"  {d.ref:<8} {d.kind:<10} {d.persons:>6,} persons, {d.full_reports:>4,} full reports"
                       + (f", {d.withdrawn} withdrawn" if d.withdrawn else "") + f"  {d.path}")
        if self.unchanged:
            out.append(f"  no changes since the last release: {' '.join(self.unchanged)}")
        if self.superseded:
            out.append(f"  superseded unreleased drafts: {' '.join(self.superseded)}")
        return out


def baseline(s: Any, country: str) -> dict[str, str]:
    """person id → report hash of the latest released version that disclosed the person to ``country``
    (persons whose latest release withdrew them are left out)."""
    q = (select(ReleasePerson.person_id, ReleasePerson.version, ReleasePerson.change, ReleasePerson.report_sha256)
         .join(Release, (Release.country == ReleasePerson.country) & (Release.version == ReleasePerson.version))
         .where(ReleasePerson.country == country, Release.status == "released")
         .order_by(ReleasePerson.version))
    latest: dict[str, tuple[str, str]] = {}
    for pid, _v, change, h in s.execute(q):
        latest[pid] = (change, h)
    return {pid: h for pid, (change, h) in latest.items() if change != "withdrawn"}


def build_drafts(op_root: Path, *, by: str, countries: list[str] | None = None, handling_code: str | None = None,
                 tlp: str = DEFAULT_TLP, conditions: str = "", full: bool = False, min_tier: str | None = None,
                 formats: tuple[str, ...] = FORMATS, workers: int | None = None,
                 report_tier: str = DEFAULT_REPORT_TIER, report_top: int = DEFAULT_REPORT_TOP,
                 progress: Progress | None = None) -> BuildResult:
    """Draft a package for every country with attributed persons (or those in ``countries``).

    Every person is in package.json, the CSV files, FtM and i2; a full report in the PDF (and the detail
    sheets of the XLSX) goes to persons of ``report_tier`` or higher and the ``report_top`` highest-priority
    persons of each country (docs/package.md). A country that had a release before gets a **supplement**
    (only new and changed reports, plus the persons withdrawn) unless ``full``; a country with nothing
    changed gets no draft. An unreleased draft of the same country is superseded (its folder removed, its
    record kept)."""
    t0 = time.perf_counter()
    op = operation.load(op_root)
    marking = Marking(handling_code or op.handling_code, tlp, conditions)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    min_tier = check_tier(min_tier, "--min-tier")
    selection = Selection(check_tier(report_tier, "--report-tier") or DEFAULT_REPORT_TIER, max(0, report_top))
    result = BuildResult()
    pool: ProcessPoolExecutor | None = None
    wf = open_workflow(op.root)
    scratch = op.root / SCRATCH
    try:
        with wf.session() as s:
            user = get_user(s, by)
            if user.role not in DRAFTER_ROLES:
                raise UsageError(f"user {by!r} ({user.role}) may not draft packages: role analyst or admin needed")
        # the render processes start (and import their libraries) while the parent stages the facts
        pool = _start_pool(_pool_size(workers, countries))
        plans, staged = _plan_and_stage(op.store_path, scratch, min_tier)
        result.step_seconds["stage"] = time.perf_counter() - t0
        if countries:
            wanted = [c.upper() for c in countries]
            missing = [c for c in wanted if c not in plans]
            if missing:
                raise UsageError(f"no attributed persons for {', '.join(missing)}")
            plans = {c: plans[c] for c in wanted}
        now = audit.utcnow()
        jobs: list[Job] = []
        t1 = time.perf_counter()
        with wf.session() as s:
            for cc, cp in plans.items():
                base = baseline(s, cc)
                released_before = bool(base) or _has_release(s, cc)
                kind = "supplement" if released_before and not full else "full"
                version, base_version = _peek_version(s, cc)
                h = head(country=cc, version=version, kind=kind, base_version=base_version, marking=marking,
                         operation={"name": op.name, "agency": op.agency}, drafted_by=by, generated_at=now)
                jobs.append(Job(h, str(op.packages_dir / cc / str(version)), formats, staged, cp.g_first, cp.g_last,
                                tuple(cp.deconfliction), base, selection))
            t2 = time.perf_counter()
            outcomes = _render_jobs(jobs, pool, progress)
            result.step_seconds["render"] = time.perf_counter() - t2
            for o in outcomes.values():
                for k, v in o.cpu.items():
                    result.worker_cpu[k] = result.worker_cpu.get(k, 0.0) + v
            for job in jobs:
                o = outcomes[job.country]
                if not o.drafted:
                    result.unchanged.append(job.country)
                    continue
                version, base_version = _next_version(s, job.country, result, by)
                if version != job.head["version"]:  # another build drafted meanwhile
                    raise UsageError(f"package {job.country}/{job.head['version']} was drafted by another build "
                                     "meanwhile; build again")
                folder = Path(o.folder)
                rel = folder.relative_to(op.root).as_posix()
                kind = job.head["kind"]
                s.add(Release(country=job.country, version=version, status="draft", kind=kind,
                              base_version=base_version, handling_code=marking.handling_code, tlp=marking.tlp,
                              persons=o.persons, path=rel, manifest_sha256=o.manifest_sha256, drafted_by=by,
                              drafted_at=now, recipients="[]"))
                audit.append(s, actor=by, action="combination", object_kind="package",
                             object_id=f"{job.country}/{version}", country=job.country,
                             justification="package drafted for review",
                             details={"kind": kind, "persons": o.persons, "withdrawn": o.withdrawn,
                                      "full_reports": o.full_reports, "manifest_sha256": o.manifest_sha256,
                                      "path": rel})
                result.drafts.append(Draft(job.country, version, kind, o.persons, o.withdrawn, folder,
                                           o.manifest_sha256, len(o.files) + 1, o.full_reports))
                result.persons += o.persons
            result.step_seconds["record"] = time.perf_counter() - t1 - result.step_seconds["render"]
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        wf.close()
        shutil.rmtree(scratch, ignore_errors=True)
    for rel in result.superseded_paths:
        old = op.root / rel
        if old.is_dir() and old.resolve().is_relative_to(op.packages_dir.resolve()):
            shutil.rmtree(old)
    result.seconds = time.perf_counter() - t0
    return result


def stage_memory(ram: int | None = None) -> str:
    """DuckDB's memory limit for staging: ``STAGE_SHARE`` of the RAM within [1 GB, 4 GB] (1 GB if unknown)."""
    return ram_share(STAGE_SHARE, STAGE_FLOOR_MB, STAGE_CAP_MB, ram)


def _plan_and_stage(store: Path, scratch: Path, min_tier: str | None) -> tuple[dict[str, CountryPlan], Staged]:
    """Plan every country and stage the facts (one query per fact over the whole store), then let go of
    DuckDB: the render workers read the staged files themselves."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    con = duckdb.connect(config={"memory_limit": stage_memory(), "temp_directory": str(scratch / "spill")})
    try:
        con.execute(f"attach '{str(store).replace(chr(39), chr(39) * 2)}' as store (read_only)")
        con.execute("use store")
        check_store(store_tables(con))
        plans = make_plans(con, min_tier=min_tier)
        staged = stage(con, scratch / "facts")
    finally:
        con.close()
    return plans, staged


def _has_release(s: Any, country: str) -> bool:
    q = select(Release.version).where(Release.country == country, Release.status == "released").limit(1)
    return s.execute(q).first() is not None


def _peek_version(s: Any, country: str) -> tuple[int, int | None]:
    """The version a new draft of ``country`` gets and the release it is based on (nothing changed yet)."""
    rows = list(s.scalars(select(Release).where(Release.country == country).order_by(Release.version)))
    released = [r.version for r in rows if r.status == "released"]
    return (rows[-1].version + 1) if rows else 1, (released[-1] if released else None)


def _next_version(s: Any, country: str, result: BuildResult, by: str) -> tuple[int, int | None]:
    rows = list(s.scalars(select(Release).where(Release.country == country).order_by(Release.version)))
    for r in rows:
        if r.status in ("draft", "approved"):
            r.status = "superseded"
            result.superseded.append(r.ref)
            result.superseded_paths.append(r.path)
            audit.append(s, actor=by, action="erasure", object_kind="package", object_id=r.ref,
                         country=country, justification="unreleased draft superseded by a newer draft",
                         details={"path": r.path, "manifest_sha256": r.manifest_sha256})
    released = [r.version for r in rows if r.status == "released"]
    version = (rows[-1].version + 1) if rows else 1
    return version, (released[-1] if released else None)


def _pool_size(workers: int | None, countries: list[str] | None) -> int:
    if workers is not None:
        return max(1, workers)
    cpus = os.cpu_count() or 1
    return min(len(countries), cpus) if countries else cpus


def _start_pool(n: int) -> ProcessPoolExecutor | None:
    """``n`` render processes, started now: each imports its libraries and fonts (``worker.warm``) while the
    parent plans and stages. Spawned, not forked: the parent is about to hold DuckDB and Arrow threads, and
    a forked child that inherits their state can crash (seen: a segfault in reportlab's font loading under
    garbage collection). A job is a country's plan (ids and ranges); each worker reads the staged facts."""
    if n <= 1:
        return None
    pool = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"),
                               initializer=worker.warm)
    for _ in range(n):  # a process is spawned per task submitted while none is idle
        pool.submit(int)
    return pool


def _render_jobs(jobs: list[Job], pool: ProcessPoolExecutor | None, progress: Progress | None
                 ) -> dict[str, Outcome]:
    out: dict[str, Outcome] = {}
    # largest packages first, so that the pool is not left waiting on one big country at the end
    ordered = sorted(jobs, key=lambda j: -j.size)
    if pool is None:
        for i, job in enumerate(ordered):
            out[job.country] = worker.run(job)
            if progress:
                progress("render", i + 1, len(ordered))
        return out
    for i, o in enumerate(pool.map(worker.run, ordered)):
        out[o.country] = o
        if progress:
            progress("render", i + 1, len(ordered))
    return out
