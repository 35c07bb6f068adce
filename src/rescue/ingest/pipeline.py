"""`rescue ingest`: one seized source into the evidence tables, atomically and idempotently.

Steps: fingerprint the source (sha256, size) → skip if already ingested → recognise format
and software from structure → stream rows through the adapter into the store inside one
transaction (a crash leaves the store as it was) → resolve names and flags → write the
conservation summary, the ``sources`` row and the intake register line.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from rescue import adapters
from rescue.adapters import generic
from rescue.errors import AdapterError, RescueError, SourceError
from rescue.ingest import parallel
from rescue.ingest.mapping import Conservation, RowMapper
from rescue.ingest.sources import MAX_VALUE_BYTES, MysqlDumpReader, is_url, open_reader
from rescue.ingest.templates import fill_missing, identify
from rescue.operation import Operation, append_register, read_register, sha256_file, utcnow
from rescue.readers.base import DumpStructure, RawRow
from rescue.store import duck, schema

Progress = Callable[[str, int, int | None], None]


@dataclass
class IngestResult:
    source_id: str
    path: str
    sha256: str
    format: str
    software: str
    version: str
    prefix: str
    counts: Conservation
    canonical_rows: dict[str, int]
    seconds: float
    already: bool = False
    unmapped: dict[str, str] = field(default_factory=dict)  # generic mode: tables left, and why
    mode: str = "sequential"  # or how the source was mapped in parallel (workers, parts)


def source_id_for(sha256: str) -> str:
    return "src-" + sha256[:12]


def ingest(op: Operation, source: Path | str, *, fmt: str = "auto", software: str = "auto",
           progress: Progress | None = None, max_value_bytes: int = MAX_VALUE_BYTES,
           workers: int | None = None, memory_limit: str | None = None) -> IngestResult:
    """Ingest one source. ``workers``: processes mapping a plain mysqldump in parallel (None: one
    per core for sources of 8 MB or more; 1: sequential). ``memory_limit``: what DuckDB may hold in
    memory (None: RESCUE_INGEST_MEMORY, else ``duck.INGEST_MEMORY``); beyond it, it spills to
    ``<operation>/.ingest-tmp/spill``."""
    t0 = time.monotonic()
    limit = duck.ingest_memory(memory_limit)
    received = utcnow()
    src = str(source)
    live = is_url(src) or fmt == "live"
    reader = open_reader(src, fmt, max_value_bytes=max_value_bytes)
    display = str(getattr(reader, "display_name", src)) if live else str(Path(src).resolve())
    size = 0 if live else Path(src).stat().st_size
    digest = ""
    structure: DumpStructure | None = None
    if not live:
        if progress:
            progress("fingerprint", 0, size)
        digest = getattr(reader, "sha256", None) or ""  # a SQLite WAL: db + WAL
        if not digest and isinstance(reader, MysqlDumpReader):
            structure, digest = _scan_while_hashing(reader, Path(src), progress, size)
        elif not digest:
            digest = sha256_file(Path(src))
    con = duck.connect(op.store_path)
    try:
        duck.ensure_schema(con)
        parallel.clear_tmp(op.root)  # what a killed run left
        duck.bound_memory(con, limit, op.root / parallel.TMP / "spill")
        if digest:
            prior = con.execute("SELECT software, format FROM sources WHERE sha256 = ?", [digest]).fetchone()
            if prior is not None:
                _repair_register(op, con, digest)
                return IngestResult(source_id_for(digest), src, digest, str(prior[1]), str(prior[0]), "", "",
                                    Conservation(), {}, time.monotonic() - t0, already=True)
        if structure is None:
            if progress:
                progress("scan", 0, size or None)
            structure = reader.structure()
        unmapped: dict[str, str] = {}
        if software == "generic":
            adapter, rec, gen_tables, unmapped = generic.build(structure.defs)
            if not rec.tables:
                raise SourceError(src, "generic mode found no table it could map by its column names")
        else:
            template = fill_missing(structure)
            if template and software == "auto":
                # a data-only dump: the template that supplied the columns also names the software
                software = template.split("-", 1)[0]
                adapter, rec = adapters.recognise(structure.defs, software=software, path=src, min_score=0.0)
            else:
                try:
                    adapter, rec = adapters.recognise(structure.defs, software=software, path=src)
                except AdapterError:
                    # signature tables missing (a truncated dump): recognise by the install schema
                    known = identify(structure.defs) if software == "auto" else None
                    if known is None:
                        raise
                    adapter, rec = adapters.recognise(structure.defs, software=known, path=src)
            gen_tables = []
        # a live database has no file to hash: its id comes from the content, hashed while streaming
        sid = source_id_for(digest) if digest else "pending"
        content = hashlib.sha256()
        writer = duck.BatchWriter(con)
        mapper = RowMapper(sid, rec, structure.defs, writer, connection_charset=structure.charset or "utf8mb4")
        total = reader.total
        n_workers = 1 if live else parallel.workers_for(size, workers)
        con.execute("BEGIN TRANSACTION")
        try:
            _delete_source(con, sid, digest)
            outcome, mode = None, "sequential"
            if n_workers > 1 and isinstance(reader, MysqlDumpReader) and reader.layout and reader.seekable():
                outcome = parallel.run(con, op.root, Path(src), sid, adapter, rec, structure, reader.layout,
                                       n_workers, max_value_bytes,
                                       lambda n: progress("ingest", n, total) if progress else None)
                mode = ("parallel: " if outcome.ok else "sequential, parallel read abandoned: ") + outcome.note
                if not outcome.ok:  # the parts could not be trusted: read it again, sequentially
                    outcome = None
                    _delete_source(con, sid, digest)
            if outcome is None:
                for event in reader.events(lambda n: progress("ingest", n, total) if progress else None):
                    if live and isinstance(event, RawRow):
                        content.update(event.table.encode() + b"\0" + repr(event.values).encode() + b"\n")
                    mapper.feed(event)
                writer.flush()
            if live:
                digest = content.hexdigest()
                sid = source_id_for(digest)
                if con.execute("SELECT 1 FROM sources WHERE sha256 = ?", [digest]).fetchone():
                    con.execute("ROLLBACK")
                    return IngestResult(sid, display, digest, reader.format, adapter.software, "", "",
                                        Conservation(), {}, time.monotonic() - t0, already=True)
                for table in schema.EVIDENCE_TABLES:
                    if table != "sources":
                        con.execute(f'UPDATE "{table}" SET source_id = ? WHERE source_id = ?', [sid, "pending"])
            for sql in adapter.finalize_sql:
                con.execute(sql, [sid] * sql.count("?"))
            counts = mapper.counts if outcome is None else outcome.counts
            version = _version(con, sid, rec.version)
            _write_summary(con, sid, counts)
            _write_mapping_report(con, sid, gen_tables, unmapped)
            con.execute(
                "INSERT INTO sources VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [sid, digest, adapter.software, reader.format, version, rec.prefix, display, size,
                 structure.charset, received, utcnow(), counts.read, counts.mapped, counts.quarantined,
                 counts.skipped])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        canonical = dict(writer.counts) if outcome is None else outcome.written
    except duckdb.Error as exc:
        raise RescueError(f"{op.store_path}: store error while ingesting {display}: {exc}") from exc
    finally:
        con.close()
        parallel.clear_tmp(op.root)  # DuckDB's spill files
    append_register(op, {
        "source_id": sid, "path": display, "sha256": digest, "bytes": size, "format": reader.format,
        "software": adapter.software, "version": version, "table_prefix": rec.prefix,
        "received_at": received.isoformat(timespec="seconds") + "Z",
        "ingested_at": utcnow().isoformat(timespec="seconds") + "Z",
        "rows_read": counts.read, "rows_mapped": counts.mapped, "rows_quarantined": counts.quarantined,
        "rows_skipped": counts.skipped, **getattr(reader, "provenance", {}),
    })
    return IngestResult(sid, display, digest, reader.format, adapter.software, version, rec.prefix, counts,
                        canonical, time.monotonic() - t0, unmapped=unmapped, mode=mode)


def _scan_while_hashing(reader: MysqlDumpReader, path: Path, progress: Progress | None,
                        size: int) -> tuple[DumpStructure, str]:
    """The dump's structure and its sha256, computed side by side: the hash in a thread (hashlib and
    file reads release the GIL), so that on two cores the fingerprint adds no wall time. A source
    that turns out to be in the store already has then been scanned for nothing (a few seconds)."""
    with ThreadPoolExecutor(1, thread_name_prefix="rescue-sha256") as pool:
        hashing = pool.submit(sha256_file, path)
        if progress:
            progress("scan", 0, size or None)
        try:
            structure = reader.structure()
        except BaseException:
            hashing.cancel()
            raise
        return structure, hashing.result()


def _delete_source(con: duckdb.DuckDBPyConnection, sid: str, digest: str) -> None:
    if digest:
        for table in schema.EVIDENCE_TABLES:
            con.execute(f'DELETE FROM "{table}" WHERE source_id = ?', [sid])


def _repair_register(op: Operation, con: duckdb.DuckDBPyConnection, digest: str) -> None:
    """A run killed between its commit and its register line: write the line from the store."""
    if any(e.get("sha256") == digest for e in read_register(op)):
        return
    row = con.execute("SELECT source_id, path, bytes, format, software, version, table_prefix, received_at, "
                      "ingested_at, rows_read, rows_mapped, rows_quarantined, rows_skipped FROM sources "
                      "WHERE sha256 = ?", [digest]).fetchone()
    if row is None:
        return
    keys = ("source_id", "path", "bytes", "format", "software", "version", "table_prefix", "received_at",
            "ingested_at", "rows_read", "rows_mapped", "rows_quarantined", "rows_skipped")
    entry = {k: (v.isoformat(timespec="seconds") + "Z" if hasattr(v, "isoformat") else v) for k, v in zip(keys, row,
                                                                                                         strict=True)}
    entry["sha256"] = digest
    entry["note"] = "register line written on re-run: the first run ended between its commit and this line"
    append_register(op, entry)


def _write_mapping_report(con: duckdb.DuckDBPyConnection, sid: str, tables: list[generic.GenericTable],
                          unmapped: dict[str, str]) -> None:
    rows: list[tuple[str, str, str | None, str | None, str | None, str]] = []
    for g in tables:
        for role, column in sorted(g.columns.items()):
            rows.append((sid, g.table, g.canonical, role, column, "matched by column name"))
    for table, why in sorted(unmapped.items()):
        rows.append((sid, table, None, None, None, "left unmapped: " + why))
    if rows:
        con.executemany("INSERT INTO mapping_report VALUES (?,?,?,?,?,?)", rows)


def _version(con: duckdb.DuckDBPyConnection, sid: str, structural: str) -> str:
    """The structural version, refined by the forum's own configuration when it states one."""
    row = con.execute("SELECT value FROM forum_config WHERE source_id = ? AND name = 'version'", [sid]).fetchone()
    return f"{row[0]}" if row and row[0] else structural


def _write_summary(con: duckdb.DuckDBPyConnection, sid: str, counts: Conservation) -> None:
    rows = [(sid, name, tc.canonical or None, tc.status, tc.read, tc.mapped, tc.quarantined, tc.recoded)
            for name, tc in sorted(counts.tables.items())]
    if rows:
        con.executemany("INSERT INTO ingest_tables VALUES (?,?,?,?,?,?,?,?)", rows)
