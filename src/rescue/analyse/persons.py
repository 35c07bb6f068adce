"""Persons: who stands behind the accounts.

Until identity resolution exists, every account is its own person. Guest placeholders and bots are
no persons. The person id is deterministic: ``P`` + the first 16 hex digits of
``sha256(source_id + U+001F + account_id)``. Everything downstream (shared-address counting,
attribution) aggregates over ``person_accounts``, so identity resolution only has to replace
:func:`build_persons` with one that groups accounts (keeping the same two tables and columns).
"""

from __future__ import annotations

import duckdb

from rescue.analyse.store import write_arrow
from rescue.engine import Dialect, DuckDBEngine, Engine

PERSON_ID_SQL = "'P' || left(sha256(a.source_id || chr(31) || a.account_id), 16)"


def person_accounts_sql(d: Dialect) -> str:
    """One person per account (guest placeholders and bots are none)."""
    pid = f"'P' || left({d.sha256_hex('a.source_id || chr(31) || a.account_id')}, 16)"
    return f"""
        SELECT {pid} AS person_id, a.source_id, a.account_id, a.username,
               'one account' AS method, {d.double('1.0')} AS link_confidence
        FROM accounts a
        WHERE a.account_id IS NOT NULL AND NOT coalesce(a.is_guest, FALSE) AND NOT coalesce(a.is_bot, FALSE)"""


def persons_sql(d: Dialect) -> str:
    keys = d.joined("source_id || ':' || account_id", " ", ("source_id", "account_id"))
    return f"""
        SELECT person_id, min(username) AS label, count(*) AS accounts, {keys} AS account_keys,
               min(method) AS method
        FROM ({person_accounts_sql(d)}) pa GROUP BY person_id"""


def build_persons(con: duckdb.DuckDBPyConnection, engine: Engine | None = None) -> tuple[int, int]:
    """Write ``person_accounts`` and ``persons`` (computed on ``engine``, default DuckDB); return their row
    counts."""
    eng = engine or DuckDBEngine(con)
    d = eng.dialect
    n_links = write_arrow(con, "person_accounts", eng.query(person_accounts_sql(d)), "person_id, source_id, account_id")
    n_persons = write_arrow(con, "persons", eng.query(persons_sql(d)), "person_id")
    return n_persons, n_links
