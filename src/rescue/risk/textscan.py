"""Text indicators over the evidence tables: DuckDB prefilters, compiled regexes judge the candidates.

Texts read, each credited to the person behind the account that wrote it:

- ``posts.body_text`` and ``messages.body_text``: the member's own words (quotes are already removed);
- ``quotes.text``: credited to the **quoted** author (``quoted_account_id``, else the author of
  ``quoted_post_id``, else the unique account of that user name), never to the member who quoted,
  at ``quote_factor``; a quote that repeats a sentence the person's own text already gave is no new item;
- ``accounts.occupation`` / ``interests`` (self-descriptive: no first-person cue needed) and
  ``signature_text`` (free text); ``profile_fields`` (self-descriptive when the field is an occupation
  or interests field).

Only candidate texts (those holding an anchor word of some term) leave DuckDB; they are streamed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from rescue.risk.config import RiskConfig
from rescue.risk.lexicon import fold
from rescue.risk.matcher import Hit, Matcher
from rescue.risk.store import Item, tables

_PROV = "prov_table, prov_key, prov_offset, prov_line"
_ROW_COLS = "t.source_id, t.account_id, t.tbl, t.origin_id, t.field, t.text, t.prov_table, t.prov_key, " \
            "t.prov_offset, t.prov_line"
_OCCUPATION_FIELD = re.compile(r"occ|job|work|beruf|profession|metier|trabajo|lavoro|praca", re.I)
_INTERESTS_FIELD = re.compile(r"interest|hobb|about", re.I)
BATCH = 4096
MEMO_TEXTS, MEMO_CHARS = 200_000, 2_000  # bound on the texts whose hits are kept for a repeat


def _sources(pf: str) -> dict[str, tuple[set[str], str]]:
    """Evidence table → (tables it needs, SELECT of candidate texts with the same columns each)."""
    cols = "pa.person_id, t.source_id, t.account_id, '{tbl}' AS tbl, {oid} AS origin_id, {field} AS field, " \
           "t.text, {prov}"
    return {
        "posts": ({"posts"}, f"""
            SELECT {cols.format(tbl='posts', oid='t.post_id', field="'body_text'", prov=_PROV)}
            FROM (SELECT source_id, account_id, post_id, body_text AS text, {_PROV} FROM posts
                  WHERE body_text IS NOT NULL AND {pf.format(col='body_text')}) t
            JOIN person_accounts pa ON pa.source_id = t.source_id AND pa.account_id = t.account_id"""),
        "messages": ({"messages"}, f"""
            SELECT {cols.format(tbl='messages', oid='t.message_id', field="'body_text'", prov=_PROV)}
            FROM (SELECT source_id, sender_account_id AS account_id, message_id, body_text AS text, {_PROV}
                  FROM messages WHERE body_text IS NOT NULL AND {pf.format(col='body_text')}) t
            JOIN person_accounts pa ON pa.source_id = t.source_id AND pa.account_id = t.account_id"""),
        "quotes": ({"quotes", "posts", "accounts"}, f"""
            WITH q AS (SELECT * FROM quotes WHERE text IS NOT NULL AND {pf.format(col='text')}),
            exact AS (SELECT source_id, username, min(account_id) AS account_id FROM accounts
                      WHERE username IS NOT NULL GROUP BY ALL HAVING count(*) = 1),
            folded AS (SELECT source_id, lower(username) AS lu, min(account_id) AS account_id FROM accounts
                       WHERE username IS NOT NULL GROUP BY ALL HAVING count(*) = 1),
            qp AS (SELECT source_id, post_id, min(account_id) AS account_id FROM posts
                   WHERE post_id IN (SELECT quoted_post_id FROM q) GROUP BY ALL),
            t AS (SELECT q.source_id, coalesce(a1.account_id, qp.account_id, e.account_id, f.account_id) AS account_id,
                         q.container || ':' || q.container_id || '#' || q.seq AS oid, q.text,
                         q.prov_table, q.prov_key, q.prov_offset, q.prov_line
                  FROM q
                  LEFT JOIN (SELECT DISTINCT source_id, account_id FROM accounts) a1
                         ON a1.source_id = q.source_id AND a1.account_id = q.quoted_account_id
                  LEFT JOIN qp ON qp.source_id = q.source_id AND qp.post_id = q.quoted_post_id
                  LEFT JOIN exact e ON e.source_id = q.source_id AND e.username = q.quoted_author
                  LEFT JOIN folded f ON f.source_id = q.source_id AND f.lu = lower(q.quoted_author))
            SELECT {cols.format(tbl='quotes', oid='t.oid', field="'text'", prov=_PROV)}
            FROM t JOIN person_accounts pa ON pa.source_id = t.source_id AND pa.account_id = t.account_id"""),
        "accounts": ({"accounts"}, f"""
            SELECT {cols.format(tbl='accounts', oid='t.account_id', field='t.field', prov=_PROV)}
            FROM (SELECT * FROM (
                    SELECT a.source_id, a.account_id, f.field,
                           CASE f.field WHEN 'occupation' THEN a.occupation WHEN 'interests' THEN a.interests
                                ELSE a.signature_text END AS text, {_PROV}
                    FROM accounts a CROSS JOIN (VALUES ('occupation'), ('interests'), ('signature_text')) f(field))
                  WHERE text IS NOT NULL AND {pf.format(col='text')}) t
            JOIN person_accounts pa ON pa.source_id = t.source_id AND pa.account_id = t.account_id"""),
        "profile_fields": ({"profile_fields"}, f"""
            SELECT {cols.format(tbl='profile_fields', oid="t.account_id || ':' || t.field", field='t.field',
                                prov=_PROV)}
            FROM (SELECT source_id, account_id, field, value AS text, {_PROV} FROM profile_fields
                  WHERE value IS NOT NULL AND {pf.format(col='value')}) t
            JOIN person_accounts pa ON pa.source_id = t.source_id AND pa.account_id = t.account_id"""),
    }


def profile_field(tbl: str, field: str) -> str | None:
    """The profile field a text is in, as the matcher needs it (occupation and interests need no first-person
    cue), or None."""
    if tbl == "accounts":
        return field if field in ("occupation", "interests") else None
    if tbl == "profile_fields":
        if _OCCUPATION_FIELD.search(field):
            return "occupation"
        if _INTERESTS_FIELD.search(field):
            return "interests"
    return None


def candidate_sql(con: duckdb.DuckDBPyConnection, matcher: Matcher) -> str:
    """One SELECT of every candidate text of every source that exists in the store (the rows of
    :func:`candidates`; parameters :meth:`Matcher.prefilter_params`)."""
    have = tables(con)
    pf = matcher.prefilter_sql("{col}")
    parts = [sql for needed, sql in _sources(pf).values() if needed <= have]
    return "\nUNION ALL\n".join(f"SELECT * FROM ({sql})" for sql in parts)


def candidates(con: duckdb.DuckDBPyConnection, matcher: Matcher) -> Iterator[tuple[Any, ...]]:
    """Every candidate text of every source that exists in the store, streamed."""
    have = tables(con)
    pf = matcher.prefilter_sql("{col}")
    for needed, sql in _sources(pf).values():
        if not needed <= have:
            continue
        cur = con.execute(sql, matcher.prefilter_params())
        while rows := cur.fetchmany(BATCH):
            yield from rows


def prescanned_candidates(con: duckdb.DuckDBPyConnection, texts: Path) -> Iterator[tuple[Any, ...]]:
    """The rows of :func:`candidates` from the pre-scan's copy of them (written when the accounts were the
    same as now), credited to the persons as they are now: the texts are not searched a second time."""
    cur = con.execute(f"SELECT pa.person_id, {_ROW_COLS} FROM read_parquet($texts) t JOIN person_accounts pa "
                      "ON pa.source_id = t.source_id AND pa.account_id = t.account_id", {"texts": str(texts)})
    while rows := cur.fetchmany(BATCH):
        yield from rows


def scan_texts(con: duckdb.DuckDBPyConnection, cfg: RiskConfig, matcher: Matcher,
               prescanned: dict[tuple[str, str, str, str], list[Hit]] | None = None,
               texts: Path | None = None) -> tuple[list[Item], dict[str, int]]:
    """Items of every text indicator, and counts (texts read, hits). ``prescanned``: the hits of every
    candidate row that has any, computed ahead (:mod:`rescue.risk.prescan`); a row not in it has none.
    ``texts``: the pre-scan's Parquet copy of the candidate rows, read instead of selecting them again."""
    quote_factor = float(cfg.text["quote_factor"])
    items: list[Item] = []
    stats = {"texts_read": 0, "hits": 0}
    # The same text often comes back (a signature, a repeated line, an occupation): its hits are computed once.
    memo: dict[tuple[str, str | None], list[Hit]] = {}
    rows = candidates(con, matcher) if texts is None else prescanned_candidates(con, texts)
    for person, sid, aid, tbl, oid, field, text, ptable, pkey, poffset, pline in rows:
        stats["texts_read"] += 1
        if prescanned is not None:
            hits = prescanned.get((str(sid), str(tbl), str(oid), str(field)), [])
        else:
            key = (str(text), profile_field(str(tbl), str(field)))
            got = memo.get(key)
            if got is None:
                got = matcher.scan(*key)
                if len(memo) < MEMO_TEXTS and len(key[0]) <= MEMO_CHARS:
                    memo[key] = got
            hits = got
        in_quote = tbl == "quotes"
        for h in hits:
            stats["hits"] += 1
            details = [f"{h.group} ({h.language})"]
            if h.reported:
                details.append("reported speech")
            if in_quote:
                details.append("in a quote by another member")
            items.append(Item(
                person_id=str(person), indicator=h.indicator, key=f"{tbl}:{oid}:{field}",
                weight=round(h.weight * (quote_factor if in_quote else 1.0), 6), snippet=matcher.snippet(str(text), h),
                source_table=str(tbl), origin_id=str(oid), field=str(field), source_id=str(sid),
                account_id=None if aid is None else str(aid), prov_table=ptable, prov_key=pkey, prov_offset=poffset,
                prov_line=pline, detail="; ".join(details), reported=h.reported, in_quote=in_quote,
                sentence=" ".join(fold(str(text)[h.sentence[0]:h.sentence[1]]).split())))
    return items, stats
