"""Writing findings tables: each one replaced whole, rows in a fixed order, inside one transaction."""

from __future__ import annotations

import duckdb
import pyarrow as pa

# Every table this stage owns (dropped and rewritten by each run). `analyse_runs` is the only one with
# times of the run itself; it is appended to, never compared.
FINDINGS_TABLES: tuple[str, ...] = (
    "persons", "person_accounts", "ip_enrichment", "ip_geo_history", "selectors", "email_enrichment",
    "phone_enrichment", "domain_enrichment", "account_signals", "attribution_evidence", "account_attribution",
    "attribution", "person_links", "identity_review", "identity_suppressed", "analyst_decisions", "risk",
    "risk_indicators",
    "risk_evidence",
)
RUNS_TABLE = "analyse_runs"


def existing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                      "WHERE table_schema = 'main'").fetchall()}


def drop_findings(con: duckdb.DuckDBPyConnection) -> None:
    for t in FINDINGS_TABLES:
        con.execute(f'DROP TABLE IF EXISTS "{t}"')


def write_arrow(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table, order_by: str) -> int:
    """Create ``name`` from an Arrow table, rows sorted by ``order_by`` (a SQL ORDER BY list)."""
    view = f"_rescue_{name}"
    con.register(view, table)
    try:
        con.execute(f'DROP TABLE IF EXISTS "{name}"')
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM {view} ORDER BY {order_by}')
    finally:
        con.unregister(view)
    return int(table.num_rows)


def write_sql(con: duckdb.DuckDBPyConnection, name: str, select_sql: str, order_by: str,
              params: list[object] | None = None) -> int:
    """Create ``name`` from a SELECT, rows sorted by ``order_by``."""
    con.execute(f'DROP TABLE IF EXISTS "{name}"')
    con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM ({select_sql}) ORDER BY {order_by}', params or [])
    rows = con.execute(f'SELECT count(*) FROM "{name}"').fetchall()
    return int(rows[0][0])


def ensure_runs_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"""CREATE TABLE IF NOT EXISTS {RUNS_TABLE} (run_id VARCHAR, started_at TIMESTAMP,
                    finished_at TIMESTAMP, seconds DOUBLE, rescue_version VARCHAR, geo_provider VARCHAR,
                    config VARCHAR, counts VARCHAR)""")
