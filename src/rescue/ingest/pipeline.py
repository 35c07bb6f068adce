"""`rescue ingest`: one seized source into the evidence tables, atomically and idempotently.

Steps: fingerprint the source (sha256, size) → skip if already ingested → recognise format
and software from structure → stream rows through the adapter into the store inside one
transaction (a crash leaves the store as it was) → resolve names and flags → write the
conservation summary, the ``sources`` row and the intake register line.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from rescue import adapters
from rescue.errors import RescueError, SourceError
from rescue.ingest.mapping import Conservation, RowMapper
from rescue.ingest.scan import scan_mysqldump
from rescue.operation import Operation, append_register, sha256_file, utcnow
from rescue.readers.containers import open_source, sniff
from rescue.readers.mysqldump import iter_mysqldump, looks_like_mysqldump
from rescue.store import duck, schema

Progress = Callable[[str, int, int | None], None]
FORMATS = ("auto", "mysqldump")


@dataclass
class IngestResult:
    source_id: str
    path: Path
    sha256: str
    format: str
    software: str
    version: str
    prefix: str
    counts: Conservation
    canonical_rows: dict[str, int]
    seconds: float
    already: bool = False


def source_id_for(sha256: str) -> str:
    return "src-" + sha256[:12]


def detect_format(path: Path) -> str:
    head = sniff(path)
    if looks_like_mysqldump(head):
        return "mysqldump"
    raise SourceError(path, "unrecognised source format (not a MySQL/MariaDB dump)", offset=0)


class _Counting:
    """Wraps a stream to report how many bytes have been read."""

    def __init__(self, stream: object, report: Callable[[int], None]) -> None:
        self._s = stream
        self._n = 0
        self._report = report

    def read(self, n: int = -1) -> bytes:
        data: bytes = self._s.read(n)  # type: ignore[attr-defined]
        self._n += len(data)
        self._report(self._n)
        return data


def ingest(op: Operation, path: Path, *, fmt: str = "auto", software: str = "auto",
           progress: Progress | None = None) -> IngestResult:
    t0 = time.monotonic()
    if not path.is_file():
        raise SourceError(path, "no such file")
    if fmt not in FORMATS:
        raise SourceError(path, f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    received = utcnow()
    size = path.stat().st_size
    if progress:
        progress("fingerprint", 0, size)
    digest = sha256_file(path)
    sid = source_id_for(digest)
    con = duck.connect(op.store_path)
    try:
        duck.ensure_schema(con)
        prior = con.execute("SELECT software, format FROM sources WHERE source_id = ?", [sid]).fetchone()
        if prior is not None:
            return IngestResult(sid, path, digest, str(prior[1]), str(prior[0]), "", "", Conservation(), {},
                                time.monotonic() - t0, already=True)
        fmt = detect_format(path) if fmt == "auto" else fmt
        if progress:
            progress("scan", 0, size)
        structure = scan_mysqldump(path)
        adapter, rec = adapters.recognise(structure.defs, software=software, path=str(path))
        writer = duck.BatchWriter(con)
        mapper = RowMapper(sid, rec, structure.defs, writer, connection_charset=structure.charset or "utf8mb4")
        total = structure.bytes_scanned
        con.execute("BEGIN TRANSACTION")
        try:
            for table in schema.EVIDENCE_TABLES:
                con.execute(f'DELETE FROM "{table}" WHERE source_id = ?', [sid])
            with open_source(path) as raw:
                stream = _Counting(raw, lambda n: progress("ingest", n, total) if progress else None)
                for event in iter_mysqldump(stream, str(path)):  # type: ignore[arg-type]
                    mapper.feed(event)
            writer.flush()
            for sql in adapter.finalize_sql:
                con.execute(sql, [sid] * sql.count("?"))
            counts = mapper.counts
            version = _version(con, sid, rec.version)
            _write_summary(con, sid, counts)
            con.execute(
                "INSERT INTO sources VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [sid, digest, adapter.software, fmt, version, rec.prefix, str(path.resolve()), size,
                 structure.charset, received, utcnow(), counts.read, counts.mapped, counts.quarantined,
                 counts.skipped])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        canonical = {t: n for t, n in writer.counts.items()}
    except duckdb.Error as exc:
        raise RescueError(f"{op.store_path}: store error while ingesting {path}: {exc}") from exc
    finally:
        con.close()
    append_register(op, {
        "source_id": sid, "path": str(path.resolve()), "sha256": digest, "bytes": size, "format": fmt,
        "software": adapter.software, "version": version, "table_prefix": rec.prefix,
        "received_at": received.isoformat(timespec="seconds") + "Z",
        "ingested_at": utcnow().isoformat(timespec="seconds") + "Z",
        "rows_read": counts.read, "rows_mapped": counts.mapped, "rows_quarantined": counts.quarantined,
        "rows_skipped": counts.skipped,
    })
    return IngestResult(sid, path, digest, fmt, adapter.software, version, rec.prefix, counts, canonical,
                        time.monotonic() - t0)


def _version(con: duckdb.DuckDBPyConnection, sid: str, structural: str) -> str:
    """The structural version, refined by the forum's own configuration when it states one."""
    row = con.execute("SELECT value FROM forum_config WHERE source_id = ? AND name = 'version'", [sid]).fetchone()
    return f"{row[0]}" if row and row[0] else structural


def _write_summary(con: duckdb.DuckDBPyConnection, sid: str, counts: Conservation) -> None:
    rows = [(sid, name, tc.canonical or None, tc.status, tc.read, tc.mapped, tc.quarantined)
            for name, tc in sorted(counts.tables.items())]
    if rows:
        con.executemany("INSERT INTO ingest_tables VALUES (?,?,?,?,?,?,?)", rows)
