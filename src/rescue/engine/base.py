"""The engine interface: a small surface that each analysis step is written against.

A step is defined once: its SQL is built by a function that takes a :class:`Dialect` (DuckDB and Spark
SQL differ in a handful of functions and in how parameters are bound), and its Python part is one
function over Arrow record batches that both engines run unchanged (DuckDB: in this process over the
batches of a query; Spark: ``mapInArrow`` in the executors' Python workers). Results come back as Arrow
tables and are written into the operation's ``store.duckdb`` by the caller, whatever the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

import pyarrow as pa

BatchFn = Callable[[pa.RecordBatch], pa.RecordBatch]
ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class Dialect:
    """The few places where DuckDB SQL and Spark SQL differ, as functions that emit either variant."""

    name: str  # "duckdb" or "spark"

    @property
    def spark(self) -> bool:
        return self.name == "spark"

    def param(self, name: str) -> str:
        """A named parameter marker (bound by :meth:`Engine.query`)."""
        return f":{name}" if self.spark else f"${name}"

    def regex(self, expr: str, param: str) -> str:
        """``expr`` contains a match of the regular expression bound to ``param`` (RE2 / Java syntax subset)."""
        return f"({expr} RLIKE {self.param(param)})" if self.spark else f"regexp_matches({expr}, {self.param(param)})"

    def sha256_hex(self, expr: str) -> str:
        return f"sha2({expr}, 256)" if self.spark else f"sha256({expr})"

    def joined(self, value: str, sep: str, order: Iterable[str]) -> str:
        """Aggregate: the values of ``value`` joined by ``sep`` (a plain string), ordered by ``order``."""
        keys = list(order)
        if not self.spark:
            return f"string_agg({value}, '{sep}' ORDER BY {', '.join(keys)})"
        fields = "".join(f"'k{i}', {k}, " for i, k in enumerate(keys))
        return (f"array_join(transform(array_sort(collect_list(named_struct({fields}'v', {value}))), x -> x.v), "
                f"'{sep}')")

    def double(self, expr: str) -> str:
        return f"CAST({expr} AS DOUBLE)"


class Engine(Protocol):
    """What a step may ask of an engine. Tables are addressed by name; results are Arrow tables."""

    name: str
    dialect: Dialect

    def share(self, tables: Iterable[str]) -> None:
        """Make these tables of the store visible to the engine (Spark: exported as Parquet)."""

    def put(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table visible to the engine under ``name`` (a step's input computed elsewhere)."""

    def query(self, sql: str, params: Mapping[str, object] | None = None) -> pa.Table:
        """Run a SELECT (named parameters, see :meth:`Dialect.param`); the rows as an Arrow table."""

    def map_batches(self, sql: str, params: Mapping[str, object] | None, fn: BatchFn,
                    schema: pa.Schema) -> pa.Table:
        """Run ``fn`` over the record batches of a SELECT; ``fn`` returns batches of ``schema``."""

    def close(self) -> None:
        """Release what the engine holds for this run (the shared Spark session stays up)."""
