"""Engines: where the analysis steps run. DuckDB (embedded, the default) or Apache Spark (optional).

    engine = open_engine("spark", con, op_root / "parquet")   # or "duckdb"
    try:
        table = engine.query(sql_for(engine.dialect), params)
    finally:
        engine.close()

Choose with ``rescue analyse DIR --engine spark`` or ``[analysis] engine = "spark"`` in operation.toml
(the option wins). See docs/engine.md.
"""

from __future__ import annotations

import contextlib
import contextvars
import tomllib
from collections.abc import Iterator
from pathlib import Path

import duckdb

from rescue.engine.base import ENGINES, BatchFn, Dialect, Engine
from rescue.engine.duck import DuckDBEngine
from rescue.errors import OperationError

__all__ = ["ENGINES", "BatchFn", "Dialect", "DuckDBEngine", "Engine", "active", "choose", "open_engine", "running"]

_ACTIVE: contextvars.ContextVar[str] = contextvars.ContextVar("rescue_engine", default="duckdb")


def active() -> str:
    """The engine of the analysis running now (steps called from inside it, e.g. Splink's prediction in
    identity resolution, follow it); ``duckdb`` outside a run."""
    return _ACTIVE.get()


@contextlib.contextmanager
def running(name: str) -> Iterator[None]:
    token = _ACTIVE.set(name)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def choose(op_root: Path, override: str | None = None) -> str:
    """The engine to use: ``override`` (the CLI option), else ``[analysis] engine`` of operation.toml, else
    ``duckdb``."""
    path = op_root / "operation.toml"
    name = override
    if name is None and path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise OperationError(f"{path}: {exc}") from exc
        section = data.get("analysis", {})
        if not isinstance(section, dict):
            raise OperationError(f"{path}: [analysis] must be a table")
        unknown = sorted(set(section) - {"engine"})
        if unknown:
            raise OperationError(f"{path} [analysis]: unknown setting(s) {', '.join(unknown)}")
        name = section.get("engine")
        where = f"{path} [analysis] engine"
    else:
        where = "--engine"
    name = name or "duckdb"
    if name not in ENGINES:
        raise OperationError(f"{where}: {name!r} is not one of {', '.join(ENGINES)}")
    return str(name)


def open_engine(name: str, con: duckdb.DuckDBPyConnection, workdir: Path) -> Engine:
    """An engine over the open store ``con``; Spark keeps its Parquet exchange files in ``workdir``."""
    if name == "duckdb":
        return DuckDBEngine(con)
    if name == "spark":
        from rescue.engine.spark import SparkEngine

        return SparkEngine(con, workdir)
    raise OperationError(f"engine {name!r} is not one of {', '.join(ENGINES)}")
