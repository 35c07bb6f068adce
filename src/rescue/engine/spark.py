"""The Apache Spark engine: the same steps on Spark (local mode here, a cluster where one is configured).

Evidence tables are exported from the store as Parquet into ``<op>/parquet/`` and read by Spark; each
step's SQL runs through ``spark.sql`` with named parameters, its Python part through ``mapInArrow``
(the same function the DuckDB engine calls), and its result comes back as an Arrow table, which the
caller writes into ``store.duckdb``. One SparkSession per process, started on first use and shared
(``RESCUE_SPARK_MASTER``, default ``local[2]``; ``RESCUE_SPARK_MEMORY``, default ``1g``; no web UI;
bound to 127.0.0.1). Nothing is downloaded: no Maven/Ivy packages, only jars shipped inside installed
Python packages (Splink's similarity functions).
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from rescue.engine.base import BatchFn, Dialect
from rescue.errors import OperationError

_LOCK = threading.Lock()
_SESSION: Any = None

_SPARK_TYPES = {pa.string(): "STRING", pa.large_string(): "STRING", pa.int8(): "TINYINT", pa.int16(): "SMALLINT",
                pa.int32(): "INT", pa.int64(): "BIGINT", pa.bool_(): "BOOLEAN", pa.float64(): "DOUBLE",
                pa.float32(): "FLOAT", pa.date32(): "DATE"}


def spark_ddl(schema: pa.Schema) -> str:
    """An Arrow schema as a Spark DDL string (timestamps without time zone: TIMESTAMP_NTZ)."""
    cols = []
    for f in schema:
        t = "TIMESTAMP_NTZ" if pa.types.is_timestamp(f.type) else _SPARK_TYPES.get(f.type)
        if t is None:
            raise OperationError(f"no Spark type for {f.name}: {f.type}")
        cols.append(f"`{f.name}` {t}")
    return ", ".join(cols)


def splink_jar() -> str | None:
    """The similarity-function jar Splink ships for this Spark's major version (no download)."""
    try:
        from splink.backends.spark import similarity_jar_location
    except ImportError:  # pragma: no cover
        return None
    path = str(similarity_jar_location())
    return path if Path(path).is_file() else None


def session() -> Any:
    """The process's shared SparkSession, started on first use."""
    global _SESSION
    with _LOCK:
        if _SESSION is not None:
            return _SESSION
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:
            raise OperationError("the Spark engine needs pyspark (pip install pyspark) and Java 17+") from exc
        if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
            raise OperationError("the Spark engine needs Java 17+ (java not found on PATH, JAVA_HOME not set)")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        mem = os.environ.get("RESCUE_SPARK_MEMORY", "1g")
        b = (SparkSession.builder.master(os.environ.get("RESCUE_SPARK_MASTER", "local[2]"))
             .appName("rescue")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.memory", mem)
             .config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.shuffle.partitions", os.environ.get("RESCUE_SPARK_PARTITIONS", "4"))
             .config("spark.sql.execution.arrow.maxRecordsPerBatch", "20000")
             .config("spark.sql.parquet.inferTimestampNTZ.enabled", "true")
             .config("spark.sql.ansi.enabled", "false")
             .config("spark.python.worker.reuse", "true"))
        jar = splink_jar()
        if jar:
            b = b.config("spark.jars", jar)
        spark = b.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        _SESSION = spark
        atexit.register(stop)
        return spark


def stop() -> None:
    global _SESSION
    with _LOCK:
        if _SESSION is not None:
            _SESSION.stop()
            _SESSION = None


def _apply(fn: BatchFn) -> Any:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for b in batches:
            out = fn(b)
            if out.num_rows:
                yield out
    return run


class SparkEngine:
    name = "spark"
    dialect = Dialect("spark")

    def __init__(self, con: duckdb.DuckDBPyConnection, workdir: Path) -> None:
        self.con = con
        self.workdir = Path(workdir)
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir.mkdir(parents=True)
        self.spark = session()

    def _view(self, name: str, path: Path, schema: pa.Schema) -> None:
        # the schema is given, so Spark does not run a job to read the footers
        self.spark.read.schema(spark_ddl(schema)).parquet(str(path)).createOrReplaceTempView(name)

    def share(self, tables: Iterable[str]) -> None:
        for t in tables:
            path = self.workdir / f"{t}.parquet"
            self.con.execute(f"COPY (SELECT * FROM \"{t}\") TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 100000)")
            self._view(t, path, pq.read_schema(path))

    def put(self, name: str, table: pa.Table) -> None:
        path = self.workdir / f"put-{name}.parquet"   # Spark skips files whose names start with _ or .
        pq.write_table(table, path)
        self._view(name, path, table.schema)

    def query(self, sql: str, params: Mapping[str, object] | None = None) -> pa.Table:
        t: pa.Table = self.spark.sql(sql, args=dict(params) if params else None).toArrow()
        return t

    def map_batches(self, sql: str, params: Mapping[str, object] | None, fn: BatchFn,
                    schema: pa.Schema) -> pa.Table:
        df = self.spark.sql(sql, args=dict(params) if params else None)
        t: pa.Table = df.mapInArrow(_apply(fn), spark_ddl(schema)).toArrow()
        return t.cast(schema)

    def close(self) -> None:
        for v in self.spark.catalog.listTables():
            if v.isTemporary:
                self.spark.catalog.dropTempView(v.name)
