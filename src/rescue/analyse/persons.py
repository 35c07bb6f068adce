"""Persons: who stands behind the accounts.

Until identity resolution exists, every account is its own person. Guest placeholders and bots are
no persons. The person id is deterministic: ``P`` + the first 16 hex digits of
``sha256(source_id + U+001F + account_id)``. Everything downstream (shared-address counting,
attribution) aggregates over ``person_accounts``, so identity resolution only has to replace
:func:`build_persons` with one that groups accounts (keeping the same two tables and columns).
"""

from __future__ import annotations

import duckdb

from rescue.analyse.store import write_sql

PERSON_ID_SQL = "'P' || left(sha256(a.source_id || chr(31) || a.account_id), 16)"


def build_persons(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Write ``person_accounts`` and ``persons``; return their row counts."""
    n_links = write_sql(con, "person_accounts", f"""
        SELECT {PERSON_ID_SQL} AS person_id, a.source_id, a.account_id, a.username,
               'one account' AS method, 1.0::DOUBLE AS link_confidence
        FROM accounts a
        WHERE a.account_id IS NOT NULL AND NOT coalesce(a.is_guest, FALSE) AND NOT coalesce(a.is_bot, FALSE)
    """, "person_id, source_id, account_id")
    n_persons = write_sql(con, "persons", """
        SELECT person_id, min(username) AS label, count(*)::BIGINT AS accounts,
               string_agg(source_id || ':' || account_id, ' ' ORDER BY source_id, account_id) AS account_keys,
               min(method) AS method
        FROM person_accounts GROUP BY person_id
    """, "person_id")
    return n_persons, n_links
