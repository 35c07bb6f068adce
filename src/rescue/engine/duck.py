"""The DuckDB engine: the steps run on the store's own connection, inside the analysis transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import duckdb
import pyarrow as pa

from rescue.engine.base import BatchFn, Dialect

BATCH_ROWS = 20_000


class DuckDBEngine:
    name = "duckdb"
    dialect = Dialect("duckdb")

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._views: list[str] = []

    def share(self, tables: Iterable[str]) -> None:  # the tables are already in the store
        return None

    def put(self, name: str, table: pa.Table) -> None:
        self.con.register(name, table)
        self._views.append(name)

    def query(self, sql: str, params: Mapping[str, object] | None = None) -> pa.Table:
        rel = self.con.sql(sql, params=dict(params) if params else None)
        assert rel is not None
        return rel.to_arrow_table()

    def map_batches(self, sql: str, params: Mapping[str, object] | None, fn: BatchFn,
                    schema: pa.Schema) -> pa.Table:
        rel = self.con.sql(sql, params=dict(params) if params else None)
        assert rel is not None
        out = [fn(batch) for batch in rel.to_arrow_reader(BATCH_ROWS)]
        return pa.Table.from_batches([b for b in out if b.num_rows], schema=schema)

    def close(self) -> None:
        for name in self._views:
            self.con.unregister(name)
        self._views.clear()
