"""Language of each account's own text (posts and private messages, quotes excluded), offline.

lingua's detector is restricted to the languages below (speed, and fewer confusions) and only runs
on accounts with at least ``language_min_chars`` characters of their own text; it reads the first
``language_max_chars`` characters (oldest posts first). The result is weak evidence: people write
in a second language, and one language is spoken in many countries.
"""

from __future__ import annotations

import functools
from typing import Any

import duckdb
import pyarrow as pa

from rescue.analyse.config import AnalyseConfig

LANGUAGES = ("ENGLISH", "GERMAN", "FRENCH", "SPANISH", "ITALIAN", "DUTCH", "PORTUGUESE", "POLISH", "SWEDISH",
             "DANISH", "BOKMAL", "FINNISH", "CZECH", "SLOVAK", "HUNGARIAN", "ROMANIAN", "GREEK", "RUSSIAN",
             "UKRAINIAN", "TURKISH", "JAPANESE", "BULGARIAN", "CROATIAN")

SCHEMA = pa.schema([("source_id", pa.string()), ("account_id", pa.string()), ("language", pa.string()),
                    ("confidence", pa.float64()), ("chars", pa.int64())])


@functools.lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    langs = [getattr(Language, name) for name in LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*langs).build()


def own_texts(con: duckdb.DuckDBPyConnection, cfg: AnalyseConfig) -> list[tuple[str, str, str]]:
    """(source_id, account_id, text): the first characters of each account's own posts and messages."""
    return con.execute(
        """
        WITH t AS (
            SELECT source_id, account_id, posted_at AS ts, post_id AS id, 0 AS src, body_text AS body FROM posts
            WHERE account_id IS NOT NULL AND length(coalesce(body_text, '')) > 0
            UNION ALL
            SELECT source_id, sender_account_id, sent_at, message_id, 1, body_text FROM messages
            WHERE sender_account_id IS NOT NULL AND length(coalesce(body_text, '')) > 0
        ),
        r AS (
            SELECT *, sum(length(body)) OVER (PARTITION BY source_id, account_id ORDER BY ts, src, id
                                              ROWS UNBOUNDED PRECEDING) - length(body) AS before
            FROM t
        ),
        agg AS (
            SELECT source_id, account_id, string_agg(body, E'\\n' ORDER BY ts, src, id) AS text
            FROM r WHERE before < ? GROUP BY source_id, account_id
        )
        SELECT a.source_id, a.account_id, left(a.text, ?) FROM agg a
        JOIN person_accounts pa ON pa.source_id = a.source_id AND pa.account_id = a.account_id
        WHERE length(a.text) >= ?
        ORDER BY 1, 2
        """, [cfg.language_max_chars, cfg.language_max_chars, cfg.language_min_chars]).fetchall()


def detect_languages(con: duckdb.DuckDBPyConnection, cfg: AnalyseConfig) -> pa.Table:
    rows = own_texts(con, cfg)
    if not rows:
        return SCHEMA.empty_table()
    det = _detector()
    texts = [r[2] for r in rows]
    values = det.compute_language_confidence_values_in_parallel(texts)
    out: dict[str, list[Any]] = {n: [] for n in SCHEMA.names}
    for (sid, aid, text), conf in zip(rows, values, strict=True):
        if not conf:
            continue
        best = conf[0]
        if best.value < cfg.language_min_confidence:
            continue
        out["source_id"].append(sid)
        out["account_id"].append(aid)
        out["language"].append(best.language.iso_code_639_1.name.lower())
        out["confidence"].append(round(float(best.value), 4))
        out["chars"].append(len(text))
    return pa.Table.from_pydict(out, schema=SCHEMA)
