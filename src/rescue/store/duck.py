"""Opening the DuckDB store and writing canonical rows to it in Arrow batches."""

from __future__ import annotations

import os
import re
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


# What DuckDB may hold in memory while ingesting (its buffer pool: uncommitted row groups, hash
# tables, caches); beyond it DuckDB writes to its temporary directory. RESCUE_INGEST_MEMORY overrides.
INGEST_MEMORY = "1GB"
_MEMORY = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def ingest_memory(requested: str | None) -> str:
    """The DuckDB memory limit of an ingest: ``requested``, else RESCUE_INGEST_MEMORY, else the default."""
    value = (requested or os.environ.get("RESCUE_INGEST_MEMORY") or INGEST_MEMORY).strip()
    if not _MEMORY.fullmatch(value):
        raise OperationError(f"memory limit {value!r}: give a size such as 512MB, 1GB or 4GiB")
    return value


def bound_memory(con: duckdb.DuckDBPyConnection, memory_limit: str, temp_dir: Path) -> None:
    """Cap DuckDB's memory at ``memory_limit`` and let it spill to ``temp_dir`` beyond that."""
    value = ingest_memory(memory_limit)
    temp = str(temp_dir).replace("'", "''")
    try:
        con.execute(f"SET memory_limit = '{value}'")
        con.execute(f"SET temp_directory = '{temp}'")
    except duckdb.Error as exc:
        raise OperationError(f"memory limit {value!r}: {exc}") from exc


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for table in schema.EVIDENCE_TABLES:
        con.execute(schema.ddl(table))


Sink = Callable[[str, pa.Table], None]


class BatchWriter:
    """Buffers rows per table, column by column, and hands them on in Arrow batches.

    By default a batch is appended to the table of the same name in ``con``; a ``sink`` (table
    name, Arrow table) sends it elsewhere (a worker process writes files). ``columns(table)`` are
    the live buffers of a table, one list per schema column, appended to directly by compiled
    mappers, which call ``check()`` now and then so that full buffers are flushed.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection | None = None, batch_rows: int = 50_000,
                 sink: Sink | None = None) -> None:
        self.con = con
        self.batch_rows = batch_rows
        self._sink = sink
        self._cols: dict[str, list[list[Any]]] = {}
        self._schemas: dict[str, pa.Schema] = {}
        self.counts: dict[str, int] = {}

    def columns(self, table: str) -> list[list[Any]]:
        cols = self._cols.get(table)
        if cols is None:
            sch = self._schemas[table] = arrow_schema(table)
            cols = self._cols[table] = [[] for _ in sch]
        return cols

    def add(self, table: str, row: Sequence[Any]) -> None:
        """Append one row (values in schema column order)."""
        cols = self._cols.get(table) or self.columns(table)
        for col, value in zip(cols, row, strict=True):
            col.append(value)
        if len(cols[0]) >= self.batch_rows:
            self._flush(table)

    def check(self) -> None:
        """Flush every buffer that holds a batch or more."""
        for table, cols in self._cols.items():
            if len(cols[0]) >= self.batch_rows:
                self._flush(table)

    def _flush(self, table: str) -> None:
        cols = self._cols.get(table)
        if not cols or not cols[0]:
            return
        sch = self._schemas[table]
        n = len(cols[0])
        batch = pa.Table.from_arrays([pa.array(col, type=f.type) for col, f in zip(cols, sch, strict=True)],
                                     schema=sch)
        for col in cols:
            col.clear()
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
        for table in list(self._cols):
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
