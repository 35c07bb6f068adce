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

from rescue.package.collect import Facts, load_persons, load_range
from rescue.package.plan import Selection
from rescue.package.render import Item, PackageWriter, write_manifest
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
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds of this process per phase


_con: duckdb.DuckDBPyConnection | None = None


def _connect() -> duckdb.DuckDBPyConnection:
    """The process's DuckDB connection (in memory; it only reads the staged Parquet files)."""
    global _con
    if _con is None:
        _con = duckdb.connect()
        _con.execute("set threads = 1")  # one process per core already
        _con.execute("set parquet_metadata_cache = true")  # the same files are read once per chunk
    return _con


def warm() -> None:
    """A render process's start: import the writers' libraries, register the PDF fonts, open DuckDB — work
    that overlaps the parent's staging instead of delaying the first country."""
    from rescue.package import write_exchange, write_tables  # noqa: F401 (imported for their libraries)
    from rescue.package.ftm_entity import Fragment
    from rescue.package.write_pdf import fonts

    fonts()
    Fragment("Person", "warm")
    _connect()


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

    cpu = w.cpu
    clock = time.process_time

    def build(facts: Facts, pairs: list[tuple[str, bool]], lead: bool) -> None:
        t = clock()
        reports = []
        for pid, full in pairs:
            if lead:
                reports.append((lead_report(facts, pid), full))
            else:
                reports.append(((deconfliction_report(facts, pid, job.country), [], []), full))
        items: list[Item] = []
        for (r, parties, victims), full in reports:
            pid = r["person_id"]
            h = report_hash(r)
            seen.add(pid)
            base = job.baseline.get(pid)
            change = "new" if base is None else "unchanged" if base == h else "changed"
            if supplement and change == "unchanged":
                continue
            items.append((r, h, change, full, parties, victims))
        cpu["build"] = cpu.get("build", 0.0) + clock() - t
        w.add_many(items)

    con = _connect()
    priority = 0
    chunk = job.chunk or CHUNK
    for lo in range(job.g_first, job.g_last + 1, chunk):
        t = clock()
        facts = load_range(con, job.staged, lo, min(lo + chunk - 1, job.g_last))
        cpu["read"] = cpu.get("read", 0.0) + clock() - t
        pairs = []
        for pid, p in facts.persons.items():
            priority += 1
            pairs.append((pid, job.selection.lead(p.get("tier"), priority)))
        build(facts, pairs, True)
        del facts
        gc.collect(0)
    for i in range(0, len(job.notices), chunk):
        ids = list(job.notices[i:i + chunk])
        t = clock()
        facts = load_persons(con, job.staged, ids)
        cpu["read"] = cpu.get("read", 0.0) + clock() - t
        build(facts, [(pid, job.selection.notice(facts.persons[pid].get("tier"))) for pid in ids], False)
        del facts
        gc.collect(0)
    withdrawn = sorted(set(job.baseline) - seen)
    if supplement and not w.persons and not withdrawn:
        w.abort()
        shutil.rmtree(folder, ignore_errors=True)
        return Outcome(job.country, job.folder, False, seconds=time.perf_counter() - t0, cpu=cpu)
    files = w.close(withdrawn)
    t = clock()
    _, digest = write_manifest(job.head, w.persons, folder, files)
    cpu["manifest"] = clock() - t
    return Outcome(job.country, job.folder, True, w.persons, len(withdrawn), w.totals.counts["full_reports"],
                   [str(f) for f in files], digest, time.perf_counter() - t0, cpu)
