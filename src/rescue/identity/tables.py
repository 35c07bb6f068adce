"""Writing the identity tables: persons, person_accounts, person_links, identity_review,
identity_suppressed and analyst_decisions (each replaced whole, rows in a fixed order)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

import duckdb
import pyarrow as pa

from rescue.identity.cluster import Pair, PairState, UnionFind
from rescue.identity.decisions import Decision
from rescue.identity.model import (
    METHOD_CONFIDENCE,
    METHODS,
    TEMP,
    Suppressed,
    Universe,
    key_text,
    person_id_for,
    review_priority,
)


def _write(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table, order_by: str) -> int:
    con.register("_id_write", table)
    try:
        con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _id_write ORDER BY {order_by}')
    finally:
        con.unregister("_id_write")
    return int(table.num_rows)


def _table(cols: dict[str, list[Any]], types: dict[str, pa.DataType]) -> pa.Table:
    return pa.table({k: pa.array(v, types.get(k, pa.string())) for k, v in cols.items()})


def review_id(uni: Universe, p: Pair) -> str:
    return "R" + hashlib.sha256(f"{key_text(uni.keys[p[0]])}\x1e{key_text(uni.keys[p[1]])}".encode()).hexdigest()[:16]


def person_ids(uni: Universe, uf: UnionFind) -> list[str]:
    """Person id per account: from the smallest (source_id, account_id) of its group."""
    smallest: dict[int, int] = {}
    for i in range(len(uni)):
        r = uf.find(i)
        smallest[r] = min(smallest.get(r, i), i)   # keys are sorted, so the smallest index is the smallest key
    return [person_id_for(uni.keys[smallest[uf.find(i)]]) for i in range(len(uni))]


def write_person_accounts(con: duckdb.DuckDBPyConnection, uni: Universe, pids: list[str],
                          pairs: dict[Pair, PairState]) -> int:
    method: dict[int, str] = {}
    conf: dict[int, float] = defaultdict(float)
    for (a, b), st in pairs.items():
        if st.status != "merged" or st.merge_method is None:
            continue
        c = METHOD_CONFIDENCE.get(st.merge_method) or max((e.score for e in st.evidence), default=0.0)
        for i in (a, b):
            if i not in method or METHODS.index(st.merge_method) < METHODS.index(method[i]):
                method[i] = st.merge_method
            conf[i] = max(conf[i], round(c, 6))
    cols: dict[str, list[Any]] = {"person_id": pids, "source_id": [k[0] for k in uni.keys],
                                  "account_id": [k[1] for k in uni.keys], "username": list(uni.usernames),
                                  "method": [method.get(i, "one account") for i in range(len(uni))],
                                  "link_confidence": [conf[i] if i in method else 1.0 for i in range(len(uni))]}
    return _write(con, "person_accounts", _table(cols, {"link_confidence": pa.float64()}),
                  "person_id, source_id, account_id")


def write_persons(con: duckdb.DuckDBPyConnection, strong_kinds: tuple[str, ...], has: set[str]) -> int:
    """Merged profile per person, from person_accounts and the evidence and findings tables."""
    kinds = ", ".join(f"'{k}'" for k in strong_kinds) or "''"
    parts = ["SELECT source_id, account_id, registered_at AS t FROM accounts",
             "SELECT source_id, account_id, last_visit_at FROM accounts"]
    if "posts" in has:
        parts.append("SELECT source_id, account_id, posted_at FROM posts")
    if "messages" in has:
        parts.append("SELECT source_id, sender_account_id, sent_at FROM messages")
    if "ip_events" in has:
        parts.append("SELECT source_id, account_id, seen_at FROM ip_events")
    sel = (f"""SELECT pa.person_id, count(DISTINCT s.kind || ':' || s.value) AS n,
                      string_agg(DISTINCT s.kind || ':' || s.value, ' ' ORDER BY s.kind || ':' || s.value) AS v
               FROM selectors s JOIN person_accounts pa USING (source_id, account_id)
               WHERE s.kind IN ({kinds}) GROUP BY 1""" if "selectors" in has
           else "SELECT NULL::VARCHAR AS person_id, 0 AS n, NULL::VARCHAR AS v")
    # the countries and activity span per account first, then per person (joining 84,000 accounts to
    # persons instead of millions of events)
    geo = ("""SELECT pa.person_id, string_agg(DISTINCT x.country, ' ' ORDER BY x.country) AS countries
              FROM (SELECT DISTINCT e.source_id, e.account_id, i.country FROM ip_events e JOIN ip_enrichment i
                    USING (ip) WHERE i.class = 'residential' AND i.country IS NOT NULL) x
              JOIN person_accounts pa USING (source_id, account_id) GROUP BY 1"""
           if {"ip_events", "ip_enrichment"} <= has else "SELECT NULL::VARCHAR AS person_id, NULL AS countries")
    con.execute("DROP TABLE IF EXISTS persons")
    con.execute(f"""CREATE TABLE persons AS
        WITH act AS (SELECT pa.person_id, min(f) AS first_activity, max(l) AS last_activity
                     FROM (SELECT source_id, account_id, min(t) AS f, max(t) AS l
                           FROM ({' UNION ALL '.join(parts)}) x(source_id, account_id, t) GROUP BY 1, 2) x
                     JOIN person_accounts pa USING (source_id, account_id) GROUP BY 1),
             sel AS ({sel}), geo AS ({geo}),
             base AS (SELECT person_id, arg_min(username, source_id || chr(31) || account_id) AS label,
                             count(*)::BIGINT AS accounts,
                             string_agg(source_id || ':' || account_id, ' ' ORDER BY source_id, account_id)
                                 AS account_keys,
                             CASE WHEN count(*) = 1 THEN 'one account'
                                  ELSE string_agg(DISTINCT method, '+' ORDER BY method)
                                       FILTER (WHERE method <> 'one account') END AS method,
                             string_agg(DISTINCT username, ' | ' ORDER BY username) AS usernames,
                             count(DISTINCT source_id)::BIGINT AS sources
                      FROM person_accounts GROUP BY person_id)
        SELECT b.*, coalesce(sel.n, 0)::BIGINT AS selector_count, sel.v AS selectors,
               geo.countries AS countries_seen, act.first_activity, act.last_activity
        FROM base b LEFT JOIN sel USING (person_id) LEFT JOIN geo USING (person_id)
        LEFT JOIN act USING (person_id) ORDER BY person_id""")
    return int(con.execute("SELECT count(*) FROM persons").fetchall()[0][0])


def write_links(con: duckdb.DuckDBPyConnection, uni: Universe, pids: list[str],
                pairs: dict[Pair, PairState]) -> int:
    names = ("source_a", "account_a", "username_a", "person_a", "source_b", "account_b", "username_b", "person_b",
             "method", "kind", "value", "detail", "score", "strength", "status", "review_id")
    cols: dict[str, list[Any]] = {k: [] for k in names}
    for p, st in pairs.items():
        rid = review_id(uni, p) if st.review_reason and pids[p[0]] != pids[p[1]] else None
        for e in st.evidence:
            for side, i in (("a", p[0]), ("b", p[1])):
                cols[f"source_{side}"].append(uni.keys[i][0])
                cols[f"account_{side}"].append(uni.keys[i][1])
                cols[f"username_{side}"].append(uni.usernames[i])
                cols[f"person_{side}"].append(pids[i])
            for k, v in (("method", e.method), ("kind", e.kind), ("value", e.value), ("detail", e.detail),
                         ("score", e.score), ("strength", e.strength), ("status", st.status), ("review_id", rid)):
                cols[k].append(v)
    return _write(con, "person_links", _table(cols, {"score": pa.float64()}),
                  "source_a, account_a, source_b, account_b, method, kind, value")


def write_review(con: duckdb.DuckDBPyConnection, uni: Universe, pids: list[str], pairs: dict[Pair, PairState],
                 verdicts: dict[Pair, Decision]) -> int:
    size: dict[str, int] = defaultdict(int)
    for pid in pids:
        size[pid] += 1
    names = ("review_id", "source_a", "account_a", "username_a", "person_a", "accounts_a", "source_b", "account_b",
             "username_b", "person_b", "accounts_b", "reason", "methods", "score", "priority", "evidence", "decision")
    cols: dict[str, list[Any]] = {k: [] for k in names}
    for p, st in pairs.items():
        d = verdicts.get(p)
        unsure = d is not None and d.verdict == "unsure"
        if pids[p[0]] == pids[p[1]] or not (st.review_reason or unsure):
            continue
        cols["review_id"].append(review_id(uni, p))
        for side, i in (("a", p[0]), ("b", p[1])):
            cols[f"source_{side}"].append(uni.keys[i][0])
            cols[f"account_{side}"].append(uni.keys[i][1])
            cols[f"username_{side}"].append(uni.usernames[i])
            cols[f"person_{side}"].append(pids[i])
            cols[f"accounts_{side}"].append(size[pids[i]])
        cols["reason"].append(st.review_reason or "an analyst was unsure")
        cols["methods"].append(", ".join(sorted(st.methods, key=METHODS.index)))
        cols["score"].append(max((e.score for e in st.evidence if e.method != "decision"), default=0.0))
        cols["priority"].append(review_priority(st.evidence))
        cols["evidence"].append("; ".join(f"{e.method} {e.kind}{' ' + e.value if e.value else ''} ({e.detail})"
                                          for e in st.evidence))
        cols["decision"].append(f"{d.verdict} ({d.who}, {d.at})" if d else None)
    types = {"accounts_a": pa.int64(), "accounts_b": pa.int64(), "score": pa.float64(), "priority": pa.float64()}
    return _write(con, "identity_review", _table(cols, types),
                  "reason LIKE 'bridge%' DESC, priority DESC, score DESC, source_a, account_a, source_b, account_b")


def write_suppressed(con: duckdb.DuckDBPyConnection, rows: list[Suppressed]) -> int:
    cols: dict[str, list[Any]] = {"kind": [r.kind for r in rows], "value": [r.value for r in rows],
                                  "accounts": [r.accounts for r in rows], "reason": [r.reason for r in rows]}
    return _write(con, "identity_suppressed", _table(cols, {"accounts": pa.int64()}), "kind, value")


def write_decisions(con: duckdb.DuckDBPyConnection, decisions: list[tuple[Decision, str]], uni: Universe,
                    pids: list[str]) -> int:
    names = ("decision_id", "line", "source_a", "account_a", "person_a", "source_b", "account_b", "person_b",
             "verdict", "who", "decided_at", "reason", "status")
    cols: dict[str, list[Any]] = {k: [] for k in names}
    for d, status in decisions:
        cols["decision_id"].append(d.decision_id)
        cols["line"].append(d.line)
        for side, key in (("a", d.a), ("b", d.b)):
            i = uni.index.get(key)
            cols[f"source_{side}"].append(key[0])
            cols[f"account_{side}"].append(key[1])
            cols[f"person_{side}"].append(None if i is None else pids[i])
        for k, v in (("verdict", d.verdict), ("who", d.who), ("decided_at", d.at), ("reason", d.reason),
                     ("status", status)):
            cols[k].append(v)
    return _write(con, "analyst_decisions", _table(cols, {"line": pa.int64()}), "line")


def drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS {TEMP}")
