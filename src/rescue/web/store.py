"""Read-only access to the operation's analytic store (DuckDB) for the workbench.

One in-memory DuckDB connection per process attaches ``store.duckdb`` read-only and keeps a compact
``suspects`` table (persons × risk × attribution) in memory, so that the list pages sort and filter
70,000 persons in milliseconds. Each worker thread uses its own cursor of that connection.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

# Per-person slices of the findings, copied into memory sorted and indexed by person_id at start-up, so that a
# profile reads each in about a millisecond instead of scanning the store's tables (measured: docs/workbench.md).
_LINK_COLS = ("source_a, account_a, username_a, person_a, source_b, account_b, username_b, person_b, method, kind, "
              "strength, status, score")
SLICES: dict[str, tuple[frozenset[str], str]] = {
    "p_info": (frozenset({"persons", "attribution"}), """
        SELECT p.person_id, p.method, p.sources, p.selector_count, p.countries_seen, p.first_activity,
               a.reason AS attribution_reason, a.support AS attribution_support, a.against AS attribution_against,
               a.share AS attribution_share, a.evidence_types AS attribution_evidence_types
        FROM store.persons p LEFT JOIN store.attribution a USING (person_id)"""),
    "p_accounts": (frozenset({"person_accounts", "accounts"}), """
        SELECT pa.person_id, a.source_id, a.account_id, a.username, a.email, a.registered_at, a.last_visit_at,
               a.post_count, a.group_name, a.location, a.occupation, a.is_staff, a.is_banned, a.prov_table,
               a.prov_key, pa.method, pa.link_confidence
        FROM store.person_accounts pa JOIN store.accounts a USING (source_id, account_id)"""),
    "p_selectors": (frozenset({"person_accounts", "selectors"}), """
        SELECT pa.person_id, s.kind, s.value, s.source_id, s.account_id, s.origin, s.origin_id, s.field, s.in_quote,
               s.obfuscated, s.detail, s.prov_table, s.prov_key, s.prov_offset, s.prov_line
        FROM store.selectors s JOIN store.person_accounts pa USING (source_id, account_id)"""),
    "p_evidence": (frozenset({"attribution_evidence"}), """
        SELECT person_id, country, countries, evidence_type, weight, strength, grade, stance, detail, origin,
               origin_id, source_id, account_id, prov_table, prov_key, first_seen, last_seen
        FROM store.attribution_evidence"""),
    "p_risk_indicators": (frozenset({"risk_indicators"}), """
        SELECT person_id, indicator, class, value, points, items, label FROM store.risk_indicators"""),
    "p_risk_evidence": (frozenset({"risk_evidence"}), """
        SELECT person_id, indicator, seq, weight, snippet, detail, source_table, origin_id, field, source_id,
               account_id, prov_table, prov_key FROM store.risk_evidence"""),
    "p_links": (frozenset({"person_links"}), f"""
        SELECT person_a AS person_id, {_LINK_COLS} FROM store.person_links
        UNION ALL
        SELECT person_b, {_LINK_COLS} FROM store.person_links WHERE person_b IS DISTINCT FROM person_a"""),
    "p_media": (frozenset({"media_person_links"}), """
        SELECT person_id, count(*) AS items FROM store.media_person_links WHERE person_id IS NOT NULL
        GROUP BY 1"""),
}

log = logging.getLogger(__name__)

SORTS = {"rank": "rank", "score": "score", "label": "label", "country": "country", "accounts": "accounts",
         "last_activity": "last_activity", "confidence": "confidence"}
TIERS = ("Very High", "High", "Medium", "Low")


@dataclass(frozen=True)
class Page:
    total: int
    rows: list[dict[str, Any]]


def _rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


class Store:
    """The analytic store, read-only, shared by the threads of one process."""

    def __init__(self, path: Path, threads: int = 1) -> None:
        self.path = path
        self._con = duckdb.connect(":memory:")
        self._con.execute("SET enable_progress_bar = false")
        self._con.execute(f"ATTACH '{_quote(str(path))}' AS store (READ_ONLY)")
        self._local = threading.local()
        self._lock = threading.Lock()
        self._by_country: dict[int | None, tuple[frozenset[str] | None, list[dict[str, Any]]]] = {}
        self.tables = {r[0] for r in self._con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'store'").fetchall()}
        self._build_suspects()
        self._build_activity()
        self.slices = self._build_slices()
        # Then one thread per query: the server runs many small queries side by side (one per request thread),
        # where DuckDB's per-query parallelism costs more in scheduling than it saves.
        self._con.execute(f"SET threads = {max(1, int(threads))}")

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self._local, "cur", None)
        if cur is None:
            with self._lock:
                cur = self._con.cursor()
            cur.execute("USE store")
            self._local.cur = cur
        return cur

    def has(self, table: str) -> bool:
        return table in self.tables

    def close(self) -> None:
        self._con.close()

    def _build_suspects(self) -> None:
        risk = ("r.score, r.tier, r.rank, r.indicators" if self.has("risk")
                else "NULL::DOUBLE AS score, NULL::VARCHAR AS tier, NULL::BIGINT AS rank, NULL AS indicators")
        att = ("a.country, a.confidence, a.candidate" if self.has("attribution")
               else "NULL::VARCHAR AS country, NULL::DOUBLE AS confidence, NULL::VARCHAR AS candidate")
        joins = (" LEFT JOIN store.risk r USING (person_id)" if self.has("risk") else "") + (
            " LEFT JOIN store.attribution a USING (person_id)" if self.has("attribution") else "")
        if not self.has("persons"):
            self._con.execute("CREATE TABLE memory.suspects (person_id VARCHAR, label VARCHAR, accounts BIGINT, "
                              "usernames VARCHAR, last_activity TIMESTAMP, score DOUBLE, tier VARCHAR, rank BIGINT, "
                              "indicators VARCHAR, country VARCHAR, confidence DOUBLE, candidate VARCHAR)")
            return
        self._con.execute(f"""
            CREATE TABLE memory.suspects AS
            SELECT p.person_id, p.label, p.accounts, p.usernames, p.last_activity, {risk}, {att}
            FROM store.persons p {joins}
            ORDER BY person_id""")

    def _build_slices(self) -> set[str]:
        built = set()
        for name, (needs, sql) in SLICES.items():
            if not needs <= self.tables:
                continue
            try:
                self._con.execute(f"CREATE TABLE memory.{name} AS {sql} ORDER BY person_id")
                self._con.execute(f"CREATE INDEX {name}_person ON memory.{name} (person_id)")
            except duckdb.Error as exc:  # an older store without some column: that part of the file stays empty
                log.warning("workbench: %s not available: %s", name, str(exc).splitlines()[0])
                continue
            built.add(name)
        return built

    def slice(self, name: str, pid: str, order: str = "", limit: int = 1000) -> list[dict[str, Any]]:
        """The rows of one per-person slice (empty when the store has no such findings)."""
        if name not in self.slices:
            return []
        cur = self.cursor()
        cur.execute(f"SELECT * EXCLUDE (person_id) FROM memory.{name} WHERE person_id = ? "
                    f"{'ORDER BY ' + order if order else ''} LIMIT {int(limit)}", [pid])
        return _rows(cur)

    def _build_activity(self) -> None:
        """Per account and month: posts and messages written; per pair of persons: messages sent. Kept in memory
        so that a profile's timeline and contact graph do not scan the posts and messages tables."""
        if not {"person_accounts", "posts", "messages", "message_recipients"} <= self.tables:
            self._con.execute("CREATE TABLE memory.activity (person_id VARCHAR, month VARCHAR, post BIGINT, "
                              "message BIGINT)")
            self._con.execute("CREATE TABLE memory.contacts (sender VARCHAR, recipient VARCHAR, n BIGINT)")
            return
        self._con.execute("""
            CREATE TABLE memory.activity AS
            WITH ev AS (
              SELECT source_id, account_id, strftime(posted_at, '%Y-%m') AS month, 1 AS post, 0 AS message
              FROM store.posts WHERE posted_at IS NOT NULL
              UNION ALL
              SELECT source_id, sender_account_id, strftime(sent_at, '%Y-%m'), 0, 1
              FROM store.messages WHERE sent_at IS NOT NULL)
            SELECT pa.person_id, ev.month, sum(ev.post)::BIGINT AS post, sum(ev.message)::BIGINT AS message
            FROM ev JOIN store.person_accounts pa USING (source_id, account_id)
            GROUP BY 1, 2 ORDER BY 1, 2""")
        self._con.execute("""
            CREATE TABLE memory.contacts AS
            SELECT ps.person_id AS sender, pr.person_id AS recipient, count(*)::BIGINT AS n
            FROM store.messages m
            JOIN store.person_accounts ps ON ps.source_id = m.source_id AND ps.account_id = m.sender_account_id
            JOIN store.message_recipients r ON r.source_id = m.source_id AND r.message_id = m.message_id
            JOIN store.person_accounts pr ON pr.source_id = r.source_id AND pr.account_id = r.account_id
            WHERE ps.person_id <> pr.person_id
            GROUP BY 1, 2 ORDER BY 1, 2""")
        self._con.execute("CREATE INDEX activity_person ON memory.activity (person_id)")
        self._con.execute("CREATE INDEX contacts_sender ON memory.contacts (sender)")
        self._con.execute("CREATE INDEX contacts_recipient ON memory.contacts (recipient)")

    # ---- lists -------------------------------------------------------------------------------------------

    def suspects(self, *, scope: frozenset[str] | None, country: str | None = None, tier: str | None = None,
                 only: Iterable[str] | None = None, exclude: Iterable[str] | None = None, q: str | None = None,
                 sort: str = "rank", desc: bool = False, limit: int = 50, offset: int = 0) -> Page:
        where, params = _filters(scope=scope, country=country, tier=tier, only=only, exclude=exclude, q=q)
        col = SORTS.get(sort, "rank")
        order = f"{col} {'DESC' if desc else 'ASC'} NULLS LAST, person_id"
        cur = self.cursor()
        cur.execute(f"SELECT *, count(*) OVER () AS total_rows FROM memory.suspects {where} ORDER BY {order} "
                    "LIMIT ? OFFSET ?", [*params, max(1, min(limit, 500)), max(0, offset)])
        rows = _rows(cur)
        total = int(rows[0]["total_rows"]) if rows else (
            int(cur.execute(f"SELECT count(*) FROM memory.suspects {where}", params).fetchone()[0])  # type: ignore[index]
            if offset else 0)
        for r in rows:
            del r["total_rows"]
        return Page(total=total, rows=rows)

    def by_country(self, scope: frozenset[str] | None) -> list[dict[str, Any]]:
        """Persons and high-tier persons per country (cached: the store does not change while serving)."""
        key = None if scope is None else hash(scope)
        cached = self._by_country.get(key)
        if cached is not None and cached[0] == scope:
            return [dict(r) for r in cached[1]]
        where, params = _filters(scope=scope)
        cur = self.cursor()
        cur.execute(f"""SELECT coalesce(country, '') AS country, count(*) AS persons,
                          count(*) FILTER (WHERE tier IN ('Very High', 'High')) AS high
                        FROM memory.suspects {where} GROUP BY 1 ORDER BY 2 DESC, 1""", params)
        rows = _rows(cur)
        if len(self._by_country) > 1000:
            self._by_country.clear()
        self._by_country[key] = (scope, rows)
        return [dict(r) for r in rows]

    def counts(self, scope: frozenset[str] | None) -> dict[str, int]:
        where, params = _filters(scope=scope)
        cur = self.cursor()
        row = cur.execute(f"""SELECT count(*), count(DISTINCT country), sum(accounts),
                                count(*) FILTER (WHERE tier IN ('Very High', 'High'))
                              FROM memory.suspects {where}""", params).fetchone()
        assert row is not None
        members = int(row[2] or 0)
        if scope is None and self.has("accounts"):
            members = int(cur.execute("SELECT count(*) FROM accounts WHERE NOT coalesce(is_guest, false) "
                                      "AND NOT coalesce(is_bot, false)").fetchone()[0])  # type: ignore[index]
        return {"persons": int(row[0]), "countries": int(row[1]), "members": members, "high_tier": int(row[3] or 0)}

    def activity_series(self, scope: frozenset[str] | None) -> list[dict[str, Any]]:
        """Posts and private messages per month (the whole forum, or the scope's persons)."""
        cur = self.cursor()
        out: dict[str, dict[str, Any]] = {}
        for table, col, who in (("posts", "posted_at", "account_id"), ("messages", "sent_at", "sender_account_id")):
            if not self.has(table):
                continue
            if scope is None:
                sql = f"SELECT strftime({col}, '%Y-%m') m, count(*) FROM {table} WHERE {col} IS NOT NULL GROUP BY 1"
                params: list[Any] = []
            else:
                sql = (f"SELECT strftime(t.{col}, '%Y-%m') m, count(*) FROM {table} t JOIN person_accounts pa "
                       f"ON pa.source_id = t.source_id AND pa.account_id = t.{who} "
                       f"WHERE t.{col} IS NOT NULL AND pa.person_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY 1")
                params = [sorted(scope)]
            for month, n in cur.execute(sql, params).fetchall():
                out.setdefault(month, {"month": month, "posts": 0, "messages": 0})[table] = int(n)
        return [out[k] for k in sorted(out)]

    def exists(self, person_id: str) -> bool:
        cur = self.cursor()
        return cur.execute("SELECT 1 FROM memory.suspects WHERE person_id = ?", [person_id]).fetchone() is not None


def _quote(s: str) -> str:
    return s.replace("'", "''")


def _filters(*, scope: frozenset[str] | None, country: str | None = None, tier: str | None = None,
             only: Iterable[str] | None = None, exclude: Iterable[str] | None = None,
             q: str | None = None) -> tuple[str, list[Any]]:
    parts: list[str] = []
    params: list[Any] = []
    if scope is not None:
        parts.append("person_id IN (SELECT unnest(?::VARCHAR[]))")
        params.append(sorted(scope))
    if country:
        if country == "none":
            parts.append("country IS NULL")
        else:
            parts.append("country = ?")
            params.append(country)
    if tier:
        parts.append("tier = ?")
        params.append(tier)
    if only is not None:
        parts.append("person_id IN (SELECT unnest(?::VARCHAR[]))")
        params.append(sorted(only))
    if exclude is not None:
        parts.append("person_id NOT IN (SELECT unnest(?::VARCHAR[]))")
        params.append(sorted(exclude))
    if q:
        parts.append("(person_id = ? OR usernames ILIKE ? ESCAPE '\\')")
        params += [q, "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"]
    return ("WHERE " + " AND ".join(parts)) if parts else "", params


def persons_of_accounts(store: Store, keys: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """``(source_id, account_id) → person_id`` for the given accounts."""
    if not keys or not store.has("person_accounts"):
        return {}
    cur = store.cursor()
    cur.execute("""SELECT source_id, account_id, person_id FROM person_accounts
                   WHERE source_id || chr(31) || account_id IN (SELECT unnest(?::VARCHAR[]))""",
                [[f"{s}\x1f{a}" for s, a in keys]])
    return {(s, a): p for s, a, p in cur.fetchall()}
