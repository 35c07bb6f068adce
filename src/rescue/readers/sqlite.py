"""SQLite database files as a ``SourceReader``, opened read-only so the evidence never changes.

The file is opened through a ``file:…?mode=ro&immutable=1`` URI: SQLite neither writes nor
locks it and creates no journal, WAL or shared-memory file beside it.

A non-empty ``-wal`` file beside the database holds transactions committed after the last
checkpoint; ``immutable`` would not read it and those rows would be lost. Then the database and
its WAL are copied (hashed while copied) into a private temporary folder and the copy is opened
read-only there, so SQLite applies the WAL to what it reads while the evidence stays untouched.
``sha256`` is then the hash of the database bytes followed by the WAL bytes, and ``provenance``
records both files' sizes and hashes (written to the intake register).

Tables come from ``sqlite_master`` (virtual tables are left out: their shadow tables hold
the data), columns from ``PRAGMA table_info`` with their declared types lower-cased.
Rows come in rowid order (primary-key order for WITHOUT ROWID tables); a row's ``offset``
is its 1-based ordinal in its table and ``line`` is 0. Text arrives as the stored UTF-8
bytes, integers as int, reals as their shortest exact literal (str), blobs as bytes.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import tempfile
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rescue.errors import SourceError
from rescue.readers.base import Column, ConnectionCharset, DumpStructure, Event, RawRow, TableDef, Value

MAGIC = b"SQLite format 3\x00"
BATCH = 1000
_WITHOUT_ROWID = re.compile(r"\)\s*WITHOUT\s+ROWID\s*;?\s*$", re.I)


def looks_like_sqlite(head: bytes) -> bool:
    return head.startswith(MAGIC)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _value(v: object) -> Value:
    if v is None or isinstance(v, int | bytes | str):
        return v
    if isinstance(v, float):
        return repr(v)
    return str(v).encode("utf-8")


class SqliteReader:
    """One SQLite database file; ``total`` counts rows (known after ``structure()``)."""

    format = "sqlite"

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            with self.path.open("rb") as f:
                head = f.read(len(MAGIC))
        except OSError as exc:
            raise SourceError(self.path, f"cannot read: {exc.strerror or exc}") from exc
        if not looks_like_sqlite(head):
            raise SourceError(self.path, "not a SQLite 3 database (no 'SQLite format 3' header)", offset=0)
        self.total: int | None = None
        self.display_name = str(self.path)
        wal = self.path.with_name(self.path.name + "-wal")
        self.wal: Path | None = wal if wal.is_file() and wal.stat().st_size > 0 else None
        self.sha256: str | None = None  # set when a WAL is applied: hash of the database then the WAL
        self.provenance: dict[str, Any] = {}
        self._copy: Path | None = None
        self._tables: list[tuple[TableDef, str]] | None = None  # definition, ORDER BY clause
        if self.wal is not None:
            self._copy_with_wal(self.wal)

    def _copy_with_wal(self, wal: Path) -> None:
        tmp = tempfile.TemporaryDirectory(prefix="rescue-sqlite-wal-")
        weakref.finalize(self, tmp.cleanup)
        both = hashlib.sha256()
        info: dict[str, Any] = {}
        for src, role in ((self.path, "database"), (wal, "wal")):
            dest = Path(tmp.name) / (self.path.name + ("-wal" if role == "wal" else ""))
            h, size = hashlib.sha256(), 0
            try:
                with src.open("rb") as fin, dest.open("wb") as fout:
                    while block := fin.read(1 << 20):
                        h.update(block)
                        both.update(block)
                        fout.write(block)
                        size += len(block)
            except OSError as exc:
                raise SourceError(src, f"cannot copy for reading with its WAL: {exc.strerror or exc}") from exc
            info[role] = {"path": str(src.resolve()), "bytes": size, "sha256": h.hexdigest()}
        self._copy = Path(tmp.name) / self.path.name
        self.sha256 = both.hexdigest()
        self.provenance = {"sqlite_wal_applied": True, "sqlite_files": info,
                           "note": "the WAL's committed transactions were applied to a private copy, read "
                                   "read-only; sha256 covers the database bytes followed by the WAL bytes"}

    def connect(self) -> sqlite3.Connection:
        """A read-only connection to the evidence file (text values as raw bytes); with a WAL, to the copy."""
        if self._copy is not None:
            uri = self._copy.as_uri() + "?mode=ro"
        else:
            uri = self.path.resolve().as_uri() + "?mode=ro&immutable=1"
        try:
            con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        except sqlite3.Error as exc:
            raise SourceError(self.path, f"cannot open SQLite database: {exc}") from exc
        con.text_factory = bytes
        return con

    def _fail(self, exc: sqlite3.Error, what: str) -> SourceError:
        return SourceError(self.path, f"SQLite error while {what}: {exc}")

    def _load(self, con: sqlite3.Connection) -> list[tuple[TableDef, str]]:
        if self._tables is None:
            out: list[tuple[TableDef, str]] = []
            master = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' "
                                 "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").fetchall()
            for raw_name, raw_sql in master:
                name = raw_name.decode("utf-8", "replace")
                sql = (raw_sql or b"").decode("utf-8", "replace")
                if sql.upper().startswith("CREATE VIRTUAL"):
                    continue
                info = con.execute(f"PRAGMA table_info({_quote(name)})").fetchall()
                cols = tuple(Column(r[1].decode("utf-8", "replace"), (r[2] or b"").decode("utf-8", "replace")
                                    .lower()) for r in info)
                pk = [c.name for r, c in sorted(zip(info, cols, strict=True), key=lambda rc: rc[0][5]) if r[5]]
                order = ", ".join(_quote(c) for c in pk) if _WITHOUT_ROWID.search(sql) else "rowid"
                out.append((TableDef(name, cols), order))
            self._tables = out
        return self._tables

    def structure(self) -> DumpStructure:
        con = self.connect()
        try:
            tables = self._load(con)
            out = DumpStructure(charset="utf8mb4")
            total = 0
            for tdef, _ in tables:
                out.defs[tdef.name] = tdef
                n = int(con.execute(f"SELECT count(*) FROM {_quote(tdef.name)}").fetchone()[0])
                total += n
                if n:
                    out.insert_tables.add(tdef.name)
            self.total = total
            return out
        except sqlite3.Error as exc:
            raise self._fail(exc, "reading the schema") from exc
        finally:
            con.close()

    def events(self, progress: Callable[[int], None] | None = None) -> Iterator[Event]:
        con = self.connect()
        try:
            tables = self._load(con)
            yield ConnectionCharset("utf8mb4")  # text_factory=bytes hands out the UTF-8 SQLite stores
            done = 0
            for tdef, order in tables:
                yield tdef
                names = tdef.column_names
                select = ", ".join(_quote(c) for c in names) or "*"
                cur = con.execute(f"SELECT {select} FROM {_quote(tdef.name)} ORDER BY {order}")
                ordinal = 0
                while batch := cur.fetchmany(BATCH):
                    for row in batch:
                        ordinal += 1
                        yield RawRow(tdef.name, tuple(_value(v) for v in row), ordinal, 0, names)
                    done += len(batch)
                    if progress is not None:
                        progress(done)
                cur.close()
        except sqlite3.Error as exc:
            raise self._fail(exc, "reading rows") from exc
        finally:
            con.close()
