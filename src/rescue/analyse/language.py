"""Language of each account's own text (posts and private messages, quotes excluded), offline.

lingua's detector is restricted to the languages below (speed, and fewer confusions) and only runs
on accounts with at least ``language_min_chars`` characters of their own text; it reads the first
``language_max_chars`` characters (oldest posts first). The result is weak evidence: people write
in a second language, and one language is spoken in many countries.

Cost (bench/results/2026-11-29-language-r1.md): lingua's CPU time grows with the characters read, so the
default reads 200 (``language_max_chars``), not 500 (0.49x CPU). The detector is in low-accuracy mode
(trigrams only): lingua scores texts of 120 or more letters on trigrams in either mode, but a text that is
shorter once digits and punctuation are gone would load and score all 1- to 5-gram models; on the 70k world
the low mode gave identical languages, 0.78x the CPU and 0.42x the memory of the high mode.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from rescue.analyse.config import AnalyseConfig
from rescue.engine import Dialect, DuckDBEngine, Engine
from rescue.engine.duck import BATCH_ROWS
from rescue.errors import OperationError

LANGUAGES = ("ENGLISH", "GERMAN", "FRENCH", "SPANISH", "ITALIAN", "DUTCH", "PORTUGUESE", "POLISH", "SWEDISH",
             "DANISH", "BOKMAL", "FINNISH", "CZECH", "SLOVAK", "HUNGARIAN", "ROMANIAN", "GREEK", "RUSSIAN",
             "UKRAINIAN", "TURKISH", "JAPANESE", "BULGARIAN", "CROATIAN")

SCHEMA = pa.schema([("source_id", pa.string()), ("account_id", pa.string()), ("language", pa.string()),
                    ("confidence", pa.float64()), ("chars", pa.int64())])


@functools.lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    langs = [getattr(Language, name) for name in LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*langs).with_low_accuracy_mode().build()


def own_texts_sql(d: Dialect) -> str:
    """Per account of a person: the first characters of its own posts and messages (oldest first), when
    there are at least ``min_chars`` of them (parameters ``max_chars``, ``min_chars``)."""
    order = ("coalesce(ts, TIMESTAMP '9999-12-31 00:00:00')", "src", "id")
    return f"""
        WITH t AS (
            SELECT source_id, account_id, posted_at AS ts, post_id AS id, 0 AS src, body_text AS body FROM posts
            WHERE account_id IS NOT NULL AND length(coalesce(body_text, '')) > 0
            UNION ALL
            SELECT source_id, sender_account_id, sent_at, message_id, 1, body_text FROM messages
            WHERE sender_account_id IS NOT NULL AND length(coalesce(body_text, '')) > 0
        ),
        r AS (
            SELECT *, sum(length(body)) OVER (PARTITION BY source_id, account_id ORDER BY ts NULLS LAST, src, id
                                              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - length(body)
                      AS before
            FROM t
        ),
        agg AS (
            SELECT source_id, account_id, {d.joined("body", chr(10), order)} AS text
            FROM r WHERE before < {d.param("max_chars")} GROUP BY source_id, account_id
        )
        SELECT a.source_id, a.account_id, left(a.text, {d.param("max_chars")}) AS text FROM agg a
        JOIN person_accounts pa ON pa.source_id = a.source_id AND pa.account_id = a.account_id
        WHERE length(a.text) >= {d.param("min_chars")}"""


def languages_from_batch(batch: pa.RecordBatch, min_confidence: float) -> pa.RecordBatch:
    """The language of each text of a batch (rows of :func:`own_texts_sql`). Runs unchanged on every engine."""
    rows = batch.to_pylist()
    out: dict[str, list[Any]] = {n: [] for n in SCHEMA.names}
    if not rows:
        return pa.RecordBatch.from_pydict(out, schema=SCHEMA)
    values = _detector().compute_language_confidence_values_in_parallel([str(r["text"]) for r in rows])
    for r, conf in zip(rows, values, strict=True):
        if not conf:
            continue
        best = conf[0]
        if best.value < min_confidence:
            continue
        out["source_id"].append(r["source_id"])
        out["account_id"].append(r["account_id"])
        out["language"].append(best.language.iso_code_639_1.name.lower())
        out["confidence"].append(round(float(best.value), 4))
        out["chars"].append(len(str(r["text"])))
    return pa.RecordBatch.from_pydict(out, schema=SCHEMA)


def detect_languages(con: duckdb.DuckDBPyConnection, cfg: AnalyseConfig, engine: Engine | None = None) -> pa.Table:
    """Language per account of a person (texts selected and languages detected on ``engine``, default DuckDB)."""
    eng = engine or DuckDBEngine(con)
    params = {"max_chars": cfg.language_max_chars, "min_chars": cfg.language_min_chars}
    fn = functools.partial(languages_from_batch, min_confidence=cfg.language_min_confidence)
    return eng.map_batches(own_texts_sql(eng.dialect), params, fn, SCHEMA)


def _detect_file(path: Path, min_confidence: float) -> pa.Table:
    """The languages of the texts in the Parquet file ``path``, read batch by batch."""
    import pyarrow.parquet as pq

    out = [languages_from_batch(b, min_confidence) for b in pq.ParquetFile(path).iter_batches(BATCH_ROWS)]
    return pa.Table.from_batches([b for b in out if b.num_rows], schema=SCHEMA)


class Detection:
    """Language detection running in a child process (``python -m rescue.analyse.language IN OUT MIN``): lingua
    holds the GIL while it computes, so in a thread it would stall the steps the analysis goes on with; in its
    own process it runs beside them on another core. :meth:`result` waits for it and reads its output."""

    def __init__(self, texts: Path, min_confidence: float) -> None:
        self.out = texts.with_name("languages.parquet")
        self.log = texts.with_name("languages.log")
        env = dict(os.environ)
        src = str(Path(__file__).resolve().parents[2])   # this checkout of rescue, whatever the child's path
        env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [env.get("PYTHONPATH")])])
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "rescue.analyse.language", str(texts), str(self.out), repr(min_confidence)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, env=env)

    def result(self) -> pa.Table:
        if self.proc.wait() != 0 or not self.out.is_file():
            lines = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            raise OperationError(f"language detection failed (exit {self.proc.returncode}): "
                                 f"{lines[-1] if lines else 'no output'}")
        import pyarrow.parquet as pq

        return pq.read_table(self.out, schema=SCHEMA)

    def cancel(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def start_detection(con: duckdb.DuckDBPyConnection, cfg: AnalyseConfig, workdir: Path) -> Detection:
    """DuckDB only: write the texts now (on ``con``, streamed to a Parquet file in ``workdir``) and detect their
    languages in a child process while the caller goes on with other steps. ``.result()`` is the table
    :func:`detect_languages` returns (same rows; the caller sorts)."""
    params = {"max_chars": cfg.language_max_chars, "min_chars": cfg.language_min_chars}
    rel = con.sql(own_texts_sql(DuckDBEngine.dialect), params=params)
    assert rel is not None
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "language-texts.parquet"
    rel.to_parquet(str(path))
    return Detection(path, cfg.language_min_confidence)


def _main(argv: list[str]) -> int:
    import pyarrow.parquet as pq

    texts, out, min_confidence = Path(argv[0]), Path(argv[1]), float(argv[2])
    table = _detect_file(texts, min_confidence)
    tmp = out.with_suffix(".part")
    pq.write_table(table, tmp)
    tmp.replace(out)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
