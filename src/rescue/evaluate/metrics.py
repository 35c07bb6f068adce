"""Figures of an evaluation, each one SQL over the store (``s``) and the truth tables (``t_*``)."""

from __future__ import annotations

from typing import Any

import duckdb

# Each analysed person → the truth person behind most of its accounts, and that person's country.
_PERSON_TRUTH = """
CREATE OR REPLACE TEMP TABLE person_truth AS
WITH pa AS (
    SELECT pa.person_id, ta.person_id AS truth_person
    FROM s.person_accounts pa
    JOIN t_sources ts ON ts.source_id = pa.source_id
    JOIN t_accounts ta ON ta.forum = ts.forum AND ta.account_id = pa.account_id
    WHERE coalesce(ta.person_id, '') <> ''
),
best AS (
    SELECT person_id, arg_max(truth_person, (n, truth_person)) AS truth_person FROM (
        SELECT person_id, truth_person, count(*) AS n FROM pa GROUP BY ALL) GROUP BY person_id
)
SELECT b.person_id, b.truth_person, tp.country AS truth_country, coalesce(tp.opsec, '0') = '1' AS opsec,
       a.country, a.confidence, a.reason
FROM best b JOIN t_persons tp ON tp.person_id = b.truth_person
JOIN s.attribution a ON a.person_id = b.person_id
"""


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def ratio(a: float, b: float) -> float | None:
    """a / b to four decimals; None when b is 0."""
    return round(a / b, 4) if b else None


def attribution(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    con.execute(_PERSON_TRUTH)
    row = _dicts(con, """SELECT count(*) AS evaluated, count(country) AS attributed,
                         count(*) FILTER (WHERE country = truth_country) AS correct,
                         count(*) FILTER (WHERE opsec) AS opsec_evaluated,
                         count(country) FILTER (WHERE opsec) AS opsec_attributed,
                         count(*) FILTER (WHERE opsec AND country = truth_country) AS opsec_correct
                         FROM person_truth""")[0]
    out: dict[str, Any] = dict(row)
    out["accuracy"] = ratio(row["correct"], row["attributed"])
    out["coverage"] = ratio(row["attributed"], row["evaluated"])
    out["opsec_accuracy"] = ratio(row["opsec_correct"], row["opsec_attributed"])
    out["opsec_coverage"] = ratio(row["opsec_attributed"], row["opsec_evaluated"])
    out["by_confidence"] = _dicts(con, """
        SELECT CASE WHEN confidence >= 0.9 THEN '0.9-1.0' WHEN confidence >= 0.7 THEN '0.7-0.9'
                    WHEN confidence >= 0.5 THEN '0.5-0.7' ELSE '0.0-0.5' END AS band,
               count(*) AS attributed, count(*) FILTER (WHERE country = truth_country) AS correct,
               round(count(*) FILTER (WHERE country = truth_country) / count(*), 4) AS accuracy
        FROM person_truth WHERE country IS NOT NULL GROUP BY 1 ORDER BY 1 DESC""")
    out["abstentions"] = _dicts(con, """
        SELECT CASE WHEN reason LIKE 'weak evidence only%' THEN 'weak evidence only (time zone, language)'
                    WHEN reason LIKE 'strong evidence for%' THEN 'too little strong evidence'
                    WHEN reason LIKE 'conflicting%' THEN 'conflicting evidence'
                    WHEN reason LIKE 'tie%' THEN 'tie between two countries'
                    WHEN reason LIKE 'confidence%' THEN 'confidence below threshold'
                    ELSE reason END AS reason, count(*) AS persons
        FROM person_truth WHERE country IS NULL GROUP BY 1 ORDER BY 2 DESC, 1""")
    out["confusions"] = _dicts(con, """
        SELECT truth_country, country AS attributed_country, count(*) AS persons FROM person_truth
        WHERE country IS NOT NULL AND country <> truth_country GROUP BY ALL ORDER BY 3 DESC, 1, 2 LIMIT 12""")
    out["per_country"] = _dicts(con, """
        SELECT truth_country AS country, count(*) AS persons, count(country) AS attributed,
               count(*) FILTER (WHERE country = truth_country) AS correct,
               round(count(*) FILTER (WHERE country = truth_country) / nullif(count(country), 0), 4) AS accuracy
        FROM person_truth GROUP BY 1 ORDER BY 2 DESC, 1""")
    return out


def accounts(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    row = _dicts(con, """
        SELECT count(*) AS evaluated, count(aa.country) AS attributed,
               count(*) FILTER (WHERE aa.country = tp.country) AS correct
        FROM s.account_attribution aa
        JOIN t_sources ts ON ts.source_id = aa.source_id
        JOIN t_accounts ta ON ta.forum = ts.forum AND ta.account_id = aa.account_id
        JOIN t_persons tp ON tp.person_id = ta.person_id""")[0]
    out: dict[str, Any] = dict(row)
    out["accuracy"] = ratio(row["correct"], row["attributed"])
    out["coverage"] = ratio(row["attributed"], row["evaluated"])
    return out


def evidence_types(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Per evidence type: how often a weighted item points to the person's true country."""
    return _dicts(con, """
        SELECT e.evidence_type, count(*) AS items,
               count(*) FILTER (WHERE list_contains(string_split(e.countries, ' '), pt.truth_country)) AS correct,
               round(count(*) FILTER (WHERE list_contains(string_split(e.countries, ' '), pt.truth_country))
                     / count(*), 4) AS accuracy,
               round(avg(len(string_split(e.countries, ' '))), 2) AS avg_countries,
               round(sum(e.weight), 2) AS total_weight
        FROM s.attribution_evidence e JOIN person_truth pt ON pt.person_id = e.person_id
        WHERE e.weight > 0 GROUP BY 1 ORDER BY 2 DESC, 1""")


_OURS = """
CREATE OR REPLACE TEMP TABLE ours AS
SELECT DISTINCT ts.forum, s.account_id, s.kind, s.value FROM s.selectors s
JOIN t_sources ts ON ts.source_id = s.source_id WHERE s.account_id IS NOT NULL
"""
_TRUTH = """
CREATE OR REPLACE TEMP TABLE truth_sel AS
SELECT DISTINCT t.forum, t.account_id, t.kind, lower(t.value) AS value FROM t_selectors t
WHERE t.forum IN (SELECT forum FROM t_sources)
"""


def selectors(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Precision and recall per kind, on distinct (forum, account, kind, value); values compared lower-cased
    except where case matters (Threema, base58 crypto), which the truth does not plant."""
    con.execute(_OURS)
    con.execute("UPDATE ours SET value = lower(value)")
    con.execute(_TRUTH)
    per_kind = _dicts(con, """
        WITH k AS (SELECT DISTINCT kind FROM truth_sel),
        o AS (SELECT kind, count(*) AS found FROM ours WHERE kind IN (SELECT kind FROM k) GROUP BY 1),
        t AS (SELECT kind, count(*) AS planted FROM truth_sel GROUP BY 1),
        m AS (SELECT kind, count(*) AS matched FROM ours JOIN truth_sel USING (forum, account_id, kind, value)
              GROUP BY 1)
        SELECT t.kind, t.planted, coalesce(o.found, 0) AS found, coalesce(m.matched, 0) AS matched,
               round(coalesce(m.matched, 0) / nullif(o.found, 0), 4) AS precision,
               round(coalesce(m.matched, 0) / t.planted, 4) AS recall
        FROM t LEFT JOIN o USING (kind) LEFT JOIN m USING (kind) ORDER BY t.planted DESC, t.kind""")
    variants = _dicts(con, """
        WITH t AS (SELECT DISTINCT forum, account_id, kind, lower(value) AS value, form,
                          coalesce(variant, '') AS variant, in_quote_of <> '' AS quoted
                   FROM t_selectors WHERE forum IN (SELECT forum FROM t_sources))
        SELECT t.kind, t.form, t.variant, t.quoted, count(*) AS planted,
               count(o.value) AS found, round(count(o.value) / count(*), 4) AS recall
        FROM t LEFT JOIN ours o USING (forum, account_id, kind, value)
        GROUP BY ALL ORDER BY recall, planted DESC, 1, 2, 3""")
    totals = _dicts(con, """SELECT (SELECT count(*) FROM truth_sel) AS planted,
                                   (SELECT count(*) FROM ours WHERE kind IN (SELECT kind FROM truth_sel)) AS found,
                                   (SELECT count(*) FROM ours JOIN truth_sel USING (forum, account_id, kind, value))
                                   AS matched""")[0]
    unresolved = _dicts(con, """SELECT count(*) AS sightings FROM s.selectors WHERE account_id IS NULL""")[0]
    other_kinds = _dicts(con, """SELECT kind, count(*) AS found FROM ours
                                 WHERE kind NOT IN (SELECT kind FROM truth_sel) GROUP BY 1 ORDER BY 2 DESC, 1""")
    return {"per_kind": per_kind, "variants": variants, "totals": {
        **totals, "precision": ratio(totals["matched"], totals["found"]),
        "recall": ratio(totals["matched"], totals["planted"])},
        "unresolved_quote_sightings": unresolved["sightings"], "kinds_not_planted": other_kinds}


def missed_examples(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[dict[str, Any]]:
    """Planted selectors not found (for debugging the finders)."""
    return _dicts(con, f"""
        SELECT t.forum, t.account_id, t.kind, t.value, t.form, t.variant, t.planted_table, t.planted_row
        FROM t_selectors t LEFT JOIN ours o ON o.forum = t.forum AND o.account_id = t.account_id AND o.kind = t.kind
             AND o.value = lower(t.value)
        WHERE o.value IS NULL AND t.forum IN (SELECT forum FROM t_sources)
        ORDER BY t.kind, t.forum, t.account_id, t.value LIMIT {int(limit)}""")


def false_examples(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[dict[str, Any]]:
    """Found selectors of a planted kind that the truth does not list."""
    return _dicts(con, f"""
        SELECT o.forum, o.account_id, o.kind, o.value FROM ours o LEFT JOIN truth_sel t USING (forum, account_id, kind,
        value) WHERE t.value IS NULL AND o.kind IN (SELECT kind FROM truth_sel)
        ORDER BY o.kind, o.forum, o.account_id, o.value LIMIT {int(limit)}""")
