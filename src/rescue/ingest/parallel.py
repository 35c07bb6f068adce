"""Mapping a plain mysqldump on every core: parts in worker processes, loaded in order by the parent.

The parent cuts the dump at INSERT statements (:mod:`rescue.ingest.partition`), starts one
worker process per core (spawned, so no DuckDB connection or thread is inherited) and hands
them the parts. Each worker writes the canonical rows of its part as Parquet files under
``<operation>/.ingest-tmp/<source_id>/``; the parent loads them into the store in part order,
inside the caller's single transaction, so the store holds exactly the rows, in the order, of
a sequential read. A part is loaded only once it is known to have been read from the right
state; if any part is not (or a worker fails), :func:`run` returns None and the caller reads
the source sequentially instead. The temporary folder is removed afterwards, and by the next
run if this one was killed.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from rescue.adapters.base import Adapter, Recognition
from rescue.ingest.mapping import Conservation, TableCount
from rescue.ingest.partition import PartEnd, follows, plan_parts
from rescue.ingest.procs import WorkerDied, Workers
from rescue.ingest.scan import Layout
from rescue.ingest.worker import PartResult, WorkerConfig
from rescue.readers.base import DumpStructure

TMP = ".ingest-tmp"
MIN_BYTES = 8 << 20  # below this, starting worker processes costs more than it saves
# Rows of a table loaded by one INSERT: two DuckDB row groups or more, which DuckDB compresses
# and writes while loading, instead of all at the commit after the last part.
LOAD_ROWS = 2 * 122_880


@dataclass
class Outcome:
    ok: bool  # False: nothing usable was loaded; read the source sequentially (``note`` says why)
    counts: Conservation = field(default_factory=Conservation)
    written: dict[str, int] = field(default_factory=dict)  # canonical rows per table
    note: str = ""


def workers_for(size: int, requested: int | None) -> int:
    """How many worker processes: ``requested`` if given (1 = sequential), else one per core for
    a source of ``MIN_BYTES`` or more (``RESCUE_INGEST_WORKERS`` overrides). Workers need a POSIX
    system (pipes in ``select``) and an interpreter to start."""
    if os.name != "posix" or not sys.executable:
        return 1
    env = os.environ.get("RESCUE_INGEST_WORKERS", "")
    if requested is None and env.isdigit():
        requested = int(env)
    if requested is not None:
        return max(1, requested)
    return (os.cpu_count() or 1) if size >= MIN_BYTES else 1


def clear_tmp(root: Path) -> None:
    """Remove what a killed run left in the operation folder."""
    shutil.rmtree(root / TMP, ignore_errors=True)


def run(con: duckdb.DuckDBPyConnection, root: Path, path: Path, sid: str, adapter: Adapter, rec: Recognition,
        structure: DumpStructure, layout: Layout, workers: int, max_value_bytes: int,
        progress: Callable[[int], None] | None = None) -> Outcome:
    """Map and load the source in parts. When the parts cannot be trusted the outcome is not ``ok``
    (some parts may have been loaded: the caller deletes the source's rows and reads sequentially)."""
    charset = structure.charset or "utf8mb4"
    parts = plan_parts(layout, charset, workers)
    tables = _table_indices(adapter, rec)
    if len(parts) < 2 or tables is None:
        return Outcome(False, note="not enough INSERT statements to split at" if tables is not None
                       else "the adapter's tables cannot be handed to a worker")
    shutil.rmtree(root / TMP / sid, ignore_errors=True)  # not the rest: DuckDB may spill there
    out_dir = root / TMP / sid / f"run-{os.getpid()}"
    out_dir.mkdir(parents=True)
    config = WorkerConfig(str(path), sid, adapter.software, rec.version, rec.prefix, tables, structure.defs,
                          max_value_bytes, str(out_dir))
    n = min(workers, len(parts))
    outcome = Outcome(True, _initial_counts(rec, structure), note=f"{n} workers, {len(parts)} parts")
    pool: Workers | None = None
    finished = False
    try:
        pool = Workers(n, config, out_dir)
        before: PartEnd | None = None
        done = 0
        pending: dict[str, tuple[list[str], int]] = {}  # table → files of checked parts not loaded yet, rows
        for result in pool.map(parts):
            part = parts[result.index]
            if result.end is None or not follows(part, before):
                why = result.error or f"the part at byte {part.start} did not start where the one before it ended"
                return Outcome(False, note=why)
            for table, file in result.files:
                files, rows = pending.get(table, ([], 0))
                pending[table] = ([*files, file], rows + result.written.get(table, 0))
            _load(con, pending, LOAD_ROWS)
            _merge(outcome, result)
            before = result.end
            done += part.end - part.start
            if progress is not None:
                progress(done)
        _load(con, pending, 0)
        finished = True
        return outcome
    except WorkerDied as exc:
        return Outcome(False, note=str(exc))
    finally:
        if pool is not None:
            pool.close(kill=not finished)
        shutil.rmtree(root / TMP / sid, ignore_errors=True)


def _table_indices(adapter: Adapter, rec: Recognition) -> tuple[tuple[str, int], ...] | None:
    """Each mapped source table's TableMap as its index in the adapter (what a worker rebuilds)."""
    if adapter.software == "generic":
        return ()
    out: list[tuple[str, int]] = []
    for name, tmap in rec.tables.items():
        index = next((i for i, t in enumerate(adapter.tables) if t is tmap), None)
        if index is None:
            return None
        out.append((name, index))
    return tuple(out)


def _initial_counts(rec: Recognition, structure: DumpStructure) -> Conservation:
    """The counts a RowMapper starts with (the same tables, in the same order)."""
    counts = Conservation()
    for name, tmap in rec.tables.items():
        tc = counts.of(name)
        tc.status, tc.canonical = "mapped", tmap.primary_table
    for name in structure.defs:
        counts.of(name)
    return counts


def _load(con: duckdb.DuckDBPyConnection, pending: dict[str, tuple[list[str], int]], min_rows: int) -> None:
    """Append the pending files of each table that has ``min_rows`` rows waiting, in part order."""
    for table, (files, rows) in list(pending.items()):
        if rows >= min_rows:
            con.execute(f'INSERT INTO "{table}" SELECT * FROM read_parquet(?)', [files])
            for file in files:
                Path(file).unlink()
            del pending[table]


def _merge(outcome: Outcome, result: PartResult) -> None:
    for name, tc in result.counts.items():
        total: TableCount = outcome.counts.of(name)
        total.read += tc.read
        total.mapped += tc.mapped
        total.quarantined += tc.quarantined
        total.recoded += tc.recoded
        if tc.status == "mapped":
            total.status = "mapped"
        if tc.canonical:
            total.canonical = tc.canonical
    for table, n in result.written.items():
        outcome.written[table] = outcome.written.get(table, 0) + n
