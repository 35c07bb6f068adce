"""Build draft packages: collect the findings once, plan who each country receives, compare with what was
released before (supplements), render every format, record the draft in the workflow store."""

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
from rescue.errors import UsageError
from rescue.package.assemble import document, person_reports, plan
from rescue.package.collect import collect
from rescue.package.marking import DEFAULT_TLP, Marking
from rescue.package.render import FORMATS, render_all, write_manifest
from rescue.package.report import report_hash
from rescue.workflow import audit, open_workflow
from rescue.workflow.releases import Release, ReleasePerson
from rescue.workflow.users import get_user

DRAFTER_ROLES = ("analyst", "admin")
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

    def lines(self) -> list[str]:
        out = [f"{len(self.drafts)} draft packages, {self.persons:,} person reports in {self.seconds:.1f} s"]
        for d in self.drafts:
            out.append(f"  {d.ref:<8} {d.kind:<10} {d.persons:>5} persons"
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


def _render(job: tuple[dict[str, Any], str, tuple[str, ...]]) -> tuple[str, list[str], str]:
    doc, folder, formats = job
    path = Path(folder)
    files = render_all(doc, path, formats)
    _, digest = write_manifest(doc, path, files)
    return folder, [str(f) for f in files], digest


def build_drafts(op_root: Path, *, by: str, countries: list[str] | None = None, handling_code: str | None = None,
                 tlp: str = DEFAULT_TLP, conditions: str = "", full: bool = False, min_tier: str | None = None,
                 formats: tuple[str, ...] = FORMATS, workers: int | None = None,
                 progress: Progress | None = None) -> BuildResult:
    """Draft a package for every country with attributed persons (or those in ``countries``).

    A country that had a release before gets a **supplement** (only new and changed reports, plus the
    persons withdrawn) unless ``full``; a country with nothing changed gets no draft. An unreleased draft
    of the same country is superseded (its folder removed, its record kept)."""
    t0 = time.perf_counter()
    op = operation.load(op_root)
    marking = Marking(handling_code or op.handling_code, tlp, conditions)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    result = BuildResult()
    wf = open_workflow(op.root)
    try:
        with wf.session() as s:
            user = get_user(s, by)
            if user.role not in DRAFTER_ROLES:
                raise UsageError(f"user {by!r} ({user.role}) may not draft packages: role analyst or admin needed")
        con = duckdb.connect(str(op.store_path), read_only=True)
        try:
            facts = collect(con)
        finally:
            con.close()
        result.step_seconds["collect"] = time.perf_counter() - t0
        plans = plan(facts, min_tier=min_tier)
        if countries:
            wanted = [c.upper() for c in countries]
            plans = {c: plans[c] for c in wanted if c in plans}
            missing = [c for c in wanted if c not in plans]
            if missing:
                raise UsageError(f"no attributed persons for {', '.join(missing)}")
        now = audit.utcnow()
        jobs: list[tuple[dict[str, Any], str, tuple[str, ...]]] = []
        pending: list[tuple[dict[str, Any], Path]] = []
        t1 = time.perf_counter()
        with wf.session() as s:
            for i, (cc, cp) in enumerate(plans.items()):
                if progress:
                    progress("assemble", i, len(plans))
                reports, parties, victims = person_reports(facts, cp)
                base = baseline(s, cc)
                released_before = bool(base) or _has_release(s, cc)
                hashes = {r["person_id"]: report_hash(r) for r in reports}
                changes = {pid: ("new" if pid not in base else "unchanged" if base[pid] == h else "changed")
                           for pid, h in hashes.items()}
                withdrawn = sorted(set(base) - set(hashes))
                kind = "supplement" if released_before and not full else "full"
                if kind == "supplement":
                    keep = {pid for pid, c in changes.items() if c != "unchanged"}
                    reports = [r for r in reports if r["person_id"] in keep]
                    parties = [p for p in parties if p["related_person"] in keep]
                    victims = [v for v in victims if v["related_person"] in keep]
                    if not reports and not withdrawn:
                        result.unchanged.append(cc)
                        continue
                version, base_version = _next_version(s, cc, result, by)
                folder = op.packages_dir / cc / str(version)
                doc = document(facts=facts, country=cc, version=version, kind=kind, base_version=base_version,
                               reports=reports,
                               changes=changes, withdrawn=withdrawn, parties=parties, victims=victims,
                               marking=marking, operation={"name": op.name, "agency": op.agency}, drafted_by=by,
                               generated_at=now)
                if folder.exists():
                    shutil.rmtree(folder)
                jobs.append((doc, str(folder), formats))
                pending.append((doc, folder))
            result.step_seconds["assemble"] = time.perf_counter() - t1
            t2 = time.perf_counter()
            digests = _render_jobs(jobs, workers, progress)
            result.step_seconds["render"] = time.perf_counter() - t2
            for doc, folder in pending:
                files, digest = digests[str(folder)]
                rel = folder.relative_to(op.root).as_posix()
                s.add(Release(country=doc["country"], version=doc["version"], status="draft", kind=doc["kind"],
                              base_version=doc["base_version"], handling_code=marking.handling_code, tlp=marking.tlp,
                              persons=doc["summary"]["persons"], path=rel, manifest_sha256=digest, drafted_by=by,
                              drafted_at=now, recipients="[]"))
                audit.append(s, actor=by, action="combination", object_kind="package",
                             object_id=f"{doc['country']}/{doc['version']}", country=doc["country"],
                             justification="package drafted for review",
                             details={"kind": doc["kind"], "persons": doc["summary"]["persons"],
                                      "withdrawn": len(doc["withdrawn"]), "manifest_sha256": digest, "path": rel})
                result.drafts.append(Draft(doc["country"], doc["version"], doc["kind"], doc["summary"]["persons"],
                                           len(doc["withdrawn"]), folder, digest, len(files) + 1))
                result.persons += doc["summary"]["persons"]
    finally:
        wf.close()
    for rel in result.superseded_paths:
        old = op.root / rel
        if old.is_dir() and old.resolve().is_relative_to(op.packages_dir.resolve()):
            shutil.rmtree(old)
    result.seconds = time.perf_counter() - t0
    return result


def _has_release(s: Any, country: str) -> bool:
    q = select(Release.version).where(Release.country == country, Release.status == "released").limit(1)
    return s.execute(q).first() is not None


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


def _render_jobs(jobs: list[tuple[dict[str, Any], str, tuple[str, ...]]], workers: int | None,
                 progress: Progress | None) -> dict[str, tuple[list[str], str]]:
    n = workers if workers is not None else min(len(jobs), os.cpu_count() or 1)
    out: dict[str, tuple[list[str], str]] = {}
    # largest packages first, so that the pool is not left waiting on one big country at the end
    jobs = sorted(jobs, key=lambda j: -len(j[0]["persons"]))
    if n <= 1 or len(jobs) <= 1:
        for i, job in enumerate(jobs):
            folder, files, digest = _render(job)
            out[folder] = (files, digest)
            if progress:
                progress("render", i + 1, len(jobs))
        return out
    # spawn, not fork: the parent holds DuckDB and Arrow threads, and a forked child that inherits
    # their state can crash (seen: a segfault in reportlab's font loading under garbage collection).
    with ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn")) as pool:
        for i, (folder, files, digest) in enumerate(pool.map(_render, jobs)):
            out[folder] = (files, digest)
            if progress:
                progress("render", i + 1, len(jobs))
    return out
