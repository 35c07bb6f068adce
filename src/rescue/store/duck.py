"""Opening the DuckDB store and writing canonical rows to it in Arrow batches."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from rescue.errors import OperationError
from rescue.store import schema

_ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("s"),  # values are unix seconds (UTC)
    "DATE": pa.date32(),
    "BLOB": pa.binary(),
    "DOUBLE": pa.float64(),
}


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([(c, _ARROW_TYPES[t]) for c, t in schema.columns(table)])


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if read_only and not path.exists():
        raise OperationError(f"{path}: no store (run `rescue init` and `rescue ingest` first)")
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise OperationError(f"{path}: cannot open the store: {exc}") from exc


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for table in schema.EVIDENCE_TABLES:
        con.execute(schema.ddl(table))


Sink = Callable[[str, pa.Table], None]


class BatchWriter:
    """Buffers rows (tuples in schema column order) per table and hands them on in Arrow batches.

    By default a batch is appended to the table of the same name in ``con``; a ``sink`` (table
    name, Arrow table) sends it elsewhere (a worker process writes files). ``rows(table)`` is the
    live buffer of a table, appended to directly by compiled mappers, which call ``check()`` now
    and then so that a full buffer is flushed.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection | None = None, batch_rows: int = 50_000,
                 sink: Sink | None = None) -> None:
        self.con = con
        self.batch_rows = batch_rows
        self._sink = sink
        self._buf: dict[str, list[Sequence[Any]]] = {}
        self._schemas: dict[str, pa.Schema] = {}
        self.counts: dict[str, int] = {}

    def rows(self, table: str) -> list[Sequence[Any]]:
        buf = self._buf.get(table)
        if buf is None:
            buf = self._buf[table] = []
            self._schemas[table] = arrow_schema(table)
        return buf

    def add(self, table: str, row: Sequence[Any]) -> None:
        buf = self._buf.get(table)
        if buf is None:
            buf = self.rows(table)
        buf.append(row)
        if len(buf) >= self.batch_rows:
            self._flush(table)

    def check(self) -> None:
        """Flush every buffer that holds a batch or more."""
        for table, buf in self._buf.items():
            if len(buf) >= self.batch_rows:
                self._flush(table)

    def _flush(self, table: str) -> None:
        rows = self._buf.get(table)
        if not rows:
            return
        sch = self._schemas[table]
        cols = zip(*rows, strict=True)
        arrays = [pa.array(col, type=field.type) for col, field in zip(cols, sch, strict=True)]
        batch = pa.Table.from_arrays(arrays, schema=sch)
        n = len(rows)
        rows.clear()
        if self._sink is not None:
            self._sink(table, batch)
        else:
            insert_arrow(self._con(), table, batch)
        self.counts[table] = self.counts.get(table, 0) + n

    def _con(self) -> duckdb.DuckDBPyConnection:
        if self.con is None:
            raise OperationError("BatchWriter without a connection or a sink")
        return self.con

    def flush(self) -> None:
        for table in list(self._buf):
            self._flush(table)


def insert_arrow(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> None:
    """Append an Arrow table (columns in the schema order of ``table``) to ``table``."""
    con.register("_rescue_batch", data)
    try:
        con.execute(f'INSERT INTO "{table}" SELECT * FROM _rescue_batch')
    finally:
        con.unregister("_rescue_batch")


def table_counts(con: duckdb.DuckDBPyConnection, tables: Sequence[str] | None = None) -> dict[str, int]:
    existing = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    out: dict[str, int] = {}
    for t in tables or sorted(existing):
        if t in existing:
            row = con.execute(f'SELECT count(*) FROM "{t}"').fetchone()
            out[t] = int(row[0]) if row else 0
    return out
