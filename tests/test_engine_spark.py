"""The analysis on DuckDB and on Apache Spark (local mode) gives identical findings.

One generated world (the session's 400-member ``small_world``) is ingested once; the store is copied
into two operations; one is analysed with ``--engine duckdb``, the other with ``--engine spark``; every
findings table must hold the same rows (compared sorted, all columns). Spark runs in one lazily started
session shared by the tests (local[2], 1 GB, no web UI, bound to 127.0.0.1).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from rescue import operation
from rescue.analyse.store import FINDINGS_TABLES
from rescue.engine import Dialect, choose, open_engine
from rescue.errors import OperationError
from rescue.flow import analyse_operation
from rescue.ingest.pipeline import ingest


def _java() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return subprocess.run(["java", "-version"], capture_output=True, check=False).returncode == 0 \
        if shutil.which("java") else False


needs_spark = pytest.mark.skipif(not _java() and not os.environ.get("CI_STRICT"),
                                 reason="pyspark or Java 17+ missing (CI installs both)")


def _rows(store: Path, table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        rows = con.execute(f"SELECT * FROM {table}").fetchall()
    finally:
        con.close()
    return cols, sorted(rows, key=repr)


@pytest.fixture(scope="module")
def ingested(small_world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("engines") / "ingested"
    op = operation.init(root, name="engines")
    ingest(op, small_world / "forum" / "phpbb.sql")
    return root


def _copy(src: Path, dst: Path) -> operation.Operation:
    shutil.copytree(src, dst)
    return operation.load(dst)


@pytest.mark.spark
@needs_spark
def test_spark_and_duckdb_give_identical_findings(ingested: Path, tmp_path: Path) -> None:
    duck_op = _copy(ingested, tmp_path / "duckdb")
    spark_op = _copy(ingested, tmp_path / "spark")
    (spark_op.root / "operation.toml").write_text(
        (spark_op.root / "operation.toml").read_text(encoding="utf-8") + '\n[analysis]\nengine = "spark"\n',
        encoding="utf-8")
    on_duck = analyse_operation(duck_op, engine="duckdb")
    on_spark = analyse_operation(spark_op)   # the engine from operation.toml
    assert "engine: duckdb" in on_duck.notes and "engine: spark" in on_spark.notes
    assert (spark_op.root / "parquet" / "posts.parquet").is_file()   # the evidence went through Parquet
    assert on_duck.counts == on_spark.counts
    assert on_duck.counts["selectors"] > 500 and on_duck.counts["persons"] > 300
    compared = 0
    for table in FINDINGS_TABLES:
        if table not in on_duck.counts:
            continue
        cols_d, rows_d = _rows(duck_op.store_path, table)
        cols_s, rows_s = _rows(spark_op.store_path, table)
        assert cols_d == cols_s, table
        assert len(rows_d) == len(rows_s), table
        diff = [r for r in rows_d if r not in set(rows_s)][:3]
        assert rows_d == rows_s, f"{table}: {len(diff)}+ rows differ, e.g. {diff}"
        compared += 1
    assert compared >= 12


@pytest.mark.spark
@needs_spark
def test_one_step_definition_on_both_engines(tmp_path: Path) -> None:
    """The same SQL (built per dialect) and the same batch function give the same rows on both engines."""
    from rescue.analyse.persons import person_accounts_sql, persons_sql

    con = duckdb.connect(str(tmp_path / "s.duckdb"))
    con.execute("CREATE TABLE accounts (source_id VARCHAR, account_id VARCHAR, username VARCHAR, "
                "is_guest BOOLEAN, is_bot BOOLEAN)")
    con.execute("INSERT INTO accounts VALUES ('s10', '2', 'b', false, false), ('s1', '10', 'a', false, false), "
                "('s1', '1', 'c', true, false), ('s1', '3', 'Z', false, NULL)")
    out = {}
    for name in ("duckdb", "spark"):
        eng = open_engine(name, con, tmp_path / "parquet")
        try:
            eng.share(["accounts"])
            pa_rows = eng.query(person_accounts_sql(eng.dialect)).sort_by("person_id").to_pylist()
            keys = eng.query(persons_sql(eng.dialect)).sort_by("person_id").to_pylist()
            upper = eng.map_batches("SELECT username FROM accounts WHERE username <> 'c'", None, _upper,
                                    pa.schema([("u", pa.string())])).sort_by("u").to_pylist()
        finally:
            eng.close()
        out[name] = (pa_rows, keys, upper)
    assert out["duckdb"] == out["spark"]
    assert [r["u"] for r in out["spark"][2]] == ["A", "B", "Z"]
    assert out["spark"][0][0]["person_id"].startswith("P") and len(out["spark"][0][0]["person_id"]) == 17


def _upper(batch: pa.RecordBatch) -> pa.RecordBatch:
    return pa.RecordBatch.from_pydict({"u": [str(u).upper() for u in batch.column(0).to_pylist()]})


def test_engine_choice(tmp_path: Path) -> None:
    root = tmp_path / "op"
    operation.init(root)
    assert choose(root) == "duckdb"
    toml = root / "operation.toml"
    base = toml.read_text(encoding="utf-8")
    toml.write_text(base + '\n[analysis]\nengine = "spark"\n', encoding="utf-8")
    assert choose(root) == "spark"
    assert choose(root, "duckdb") == "duckdb"   # the command-line option wins
    toml.write_text(base + '\n[analysis]\nengine = "hadoop"\n', encoding="utf-8")
    with pytest.raises(OperationError, match=r"\[analysis\] engine: 'hadoop'"):
        choose(root)
    toml.write_text(base + '\n[analysis]\nengines = "spark"\n', encoding="utf-8")
    with pytest.raises(OperationError, match="unknown setting"):
        choose(root)


def test_dialects_differ_only_where_needed() -> None:
    duck, spark = Dialect("duckdb"), Dialect("spark")
    assert duck.regex("t", "p") == "regexp_matches(t, $p)"
    assert spark.regex("t", "p") == "(t RLIKE :p)"
    assert spark.sha256_hex("x") == "sha2(x, 256)" and duck.sha256_hex("x") == "sha256(x)"
    assert "ORDER BY a, b" in duck.joined("v", " ", ("a", "b"))
    assert "array_sort(collect_list(named_struct('k0', a, 'k1', b, 'v', v)))" in spark.joined("v", " ", ("a", "b"))
