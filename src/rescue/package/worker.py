"""One country's package, built by one render process from the staged facts.

The parent passes a small :class:`Job` (the country, its range of ``g``, the ids of its deconfliction
notices, the hashes of its last release): no facts, no reports. The worker reads its persons a chunk at a
time (one query per fact file and chunk), builds each report, compares it with the last release, and streams
it through every writer; only the current chunk, the priority list and the reports kept for the PDF are in
memory at any time.
"""

from __future__ import annotations

import gc
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from rescue.package.collect import load_persons, load_range
from rescue.package.plan import Selection
from rescue.package.render import PackageWriter, write_manifest
from rescue.package.report import deconfliction_report, lead_report, report_hash
from rescue.package.stage import Staged

CHUNK = 2000  # persons read and built at a time


@dataclass(frozen=True)
class Job:
    head: dict[str, Any]
    folder: str
    formats: tuple[str, ...]
    staged: Staged
    g_first: int
    g_last: int
    notices: tuple[str, ...]
    baseline: dict[str, str]  # person id → report sha256 of the last release (supplements)
    selection: Selection
    chunk: int = 0  # persons a chunk; 0: CHUNK

    @property
    def country(self) -> str:
        return str(self.head["country"])

    @property
    def size(self) -> int:
        return self.g_last - self.g_first + 1 + len(self.notices)


@dataclass
class Outcome:
    country: str
    folder: str
    drafted: bool  # False: a supplement with nothing new (no draft)
    persons: int = 0
    withdrawn: int = 0
    full_reports: int = 0
    files: list[str] = field(default_factory=list)
    manifest_sha256: str = ""
    seconds: float = 0.0


_con: duckdb.DuckDBPyConnection | None = None


def _connect() -> duckdb.DuckDBPyConnection:
    """The process's DuckDB connection (in memory; it only reads the staged Parquet files)."""
    global _con
    if _con is None:
        _con = duckdb.connect()
        _con.execute("set threads = 1")  # one process per core already
    return _con


@contextmanager
def _collect_per_chunk() -> Iterator[None]:
    """No automatic cyclic garbage collection while reports are built: they allocate millions of small,
    acyclic objects, and each automatic full collection walks all of them (it took more than half the
    time of building reports). The youngest generation — everything allocated since, as nothing is promoted
    while collection is off — is collected after each chunk instead, so memory stays bounded; a full
    collection would walk every object of the process (imported modules, fonts) each time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.collect(0)
        if enabled:
            gc.enable()


def run(job: Job) -> Outcome:
    with _collect_per_chunk():
        return _run(job)


def _run(job: Job) -> Outcome:
    t0 = time.perf_counter()
    folder = Path(job.folder)
    if folder.exists():
        shutil.rmtree(folder)
    supplement = job.head["kind"] == "supplement"
    w = PackageWriter(folder, job.head, job.formats, job.selection, sources=job.staged.sources,
                      media_checked=job.staged.has_media, xref_checked=job.staged.has_xref)
    seen: set[str] = set()

    def take(r: dict[str, Any], full: bool, parties: list[Any], victims: list[Any]) -> None:
        pid = r["person_id"]
        h = report_hash(r)
        seen.add(pid)
        base = job.baseline.get(pid)
        change = "new" if base is None else "unchanged" if base == h else "changed"
        if supplement and change == "unchanged":
            return
        w.add(r, h, change, full=full, parties=parties, victims=victims)

    con = _connect()
    priority = 0
    chunk = job.chunk or CHUNK
    for lo in range(job.g_first, job.g_last + 1, chunk):
        facts = load_range(con, job.staged, lo, min(lo + chunk - 1, job.g_last))
        for pid, p in facts.persons.items():
            priority += 1
            r, parties, victims = lead_report(facts, pid)
            take(r, job.selection.lead(p.get("tier"), priority), parties, victims)
        del facts
        gc.collect(0)
    for i in range(0, len(job.notices), chunk):
        ids = list(job.notices[i:i + chunk])
        facts = load_persons(con, job.staged, ids)
        for pid in ids:
            r = deconfliction_report(facts, pid, job.country)
            take(r, job.selection.notice(facts.persons[pid].get("tier")), [], [])
        del facts
        gc.collect(0)
    withdrawn = sorted(set(job.baseline) - seen)
    if supplement and not w.persons and not withdrawn:
        w.abort()
        shutil.rmtree(folder, ignore_errors=True)
        return Outcome(job.country, job.folder, False, seconds=time.perf_counter() - t0)
    files = w.close(withdrawn)
    _, digest = write_manifest(job.head, w.persons, folder, files)
    return Outcome(job.country, job.folder, True, w.persons, len(withdrawn), w.totals.counts["full_reports"],
                   [str(f) for f in files], digest, time.perf_counter() - t0)
