"""The risk findings in the store: evidence items, the three tables written, and store look-ups.

An :class:`Item` is one observation behind an indicator, with the seized row it came from. The tables
``risk``, ``risk_indicators`` and ``risk_evidence`` are each replaced whole, rows in a fixed order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

if TYPE_CHECKING:
    from rescue.risk.config import RiskConfig
    from rescue.risk.scoring import PersonScore


@dataclass(frozen=True, slots=True)
class Item:
    """One piece of evidence for one indicator of one person.

    ``key`` identifies the observation (the text, account or row it was seen in): items with the same
    key are one observation and count once. ``weight`` is its strength for points-per-item indicators;
    ``points`` is set instead by indicators measured as a whole (tenure, activity, network, role).
    """

    person_id: str
    indicator: str
    key: str
    weight: float
    snippet: str
    source_table: str
    origin_id: str
    field: str
    source_id: str
    account_id: str | None
    prov_table: str | None
    prov_key: str | None
    prov_offset: int | None
    prov_line: int | None
    detail: str = ""
    reported: bool = False
    in_quote: bool = False
    sentence: str = ""  # folded sentence (a quote repeating the person's own words is no new observation)
    value: float = 0.0
    points: float | None = None

    def has_provenance(self) -> bool:
        return bool(self.prov_table) and (self.prov_key is not None or self.prov_offset is not None)


def tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables "
                       "WHERE table_catalog = current_database() AND table_schema = 'main'").fetchall()
    return {str(r[0]) for r in rows}


def columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [str(r[0]) for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_catalog = "
                                           "current_database() AND table_schema = 'main' AND table_name = ? "
                                           "ORDER BY ordinal_position", [table]).fetchall()]


RISK_TABLES = ("risk", "risk_indicators", "risk_evidence")

RISK_SCHEMA = pa.schema([
    ("person_id", pa.string()), ("score", pa.float64()), ("tier", pa.string()), ("rank", pa.int64()),
    ("behaviour_points", pa.float64()), ("breadth_bonus", pa.float64()), ("context_points", pa.float64()),
    ("context_counted", pa.float64()),
    ("indicators", pa.string()), ("evidence_items", pa.int64()), ("config_version", pa.string()),
    ("config_digest", pa.string()), ("advisory", pa.string()),
])
INDICATOR_SCHEMA = pa.schema([
    ("person_id", pa.string()), ("indicator", pa.string()), ("class", pa.string()), ("value", pa.float64()),
    ("points", pa.float64()), ("items", pa.int64()), ("label", pa.string()),
])
EVIDENCE_SCHEMA = pa.schema([
    ("person_id", pa.string()), ("indicator", pa.string()), ("seq", pa.int32()), ("weight", pa.float64()),
    ("snippet", pa.string()), ("detail", pa.string()), ("reported", pa.bool_()), ("in_quote", pa.bool_()),
    ("source_table", pa.string()), ("origin_id", pa.string()), ("field", pa.string()), ("source_id", pa.string()),
    ("account_id", pa.string()), ("prov_table", pa.string()), ("prov_key", pa.string()), ("prov_offset", pa.int64()),
    ("prov_line", pa.int64()),
])


def _write(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table, order_by: str) -> int:
    view = f"_rescue_risk_{name}"
    con.register(view, table)
    try:
        con.execute(f'DROP TABLE IF EXISTS "{name}"')
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM {view} ORDER BY {order_by}')
    finally:
        con.unregister(view)
    return int(table.num_rows)


def write(con: duckdb.DuckDBPyConnection, people: list[PersonScore], cfg: RiskConfig) -> dict[str, int]:
    risk: dict[str, list[object]] = {n: [] for n in RISK_SCHEMA.names}
    inds: dict[str, list[object]] = {n: [] for n in INDICATOR_SCHEMA.names}
    ev: dict[str, list[object]] = {n: [] for n in EVIDENCE_SCHEMA.names}
    for ps in people:
        listed = ", ".join(f"{r.indicator.name} {r.points:g}" for r in ps.indicators)
        for k, v in (("person_id", ps.person_id), ("score", ps.score), ("tier", ps.tier), ("rank", ps.rank),
                     ("behaviour_points", ps.behaviour), ("breadth_bonus", ps.breadth), ("context_points", ps.context),
                     ("context_counted", ps.context_counted), ("indicators", listed),
                     ("evidence_items", sum(len(r.evidence) for r in ps.indicators)),
                     ("config_version", cfg.version), ("config_digest", cfg.digest), ("advisory", cfg.advisory)):
            risk[k].append(v)
        for r in ps.indicators:
            for k, v in (("person_id", ps.person_id), ("indicator", r.indicator.name), ("class", r.indicator.cls),
                         ("value", r.value), ("points", r.points), ("items", r.items), ("label", r.indicator.label)):
                inds[k].append(v)
            for seq, it in enumerate(r.evidence, 1):
                row: dict[str, object] = {
                    "person_id": ps.person_id, "indicator": r.indicator.name, "seq": seq, "weight": it.weight,
                    "snippet": it.snippet, "detail": it.detail, "reported": it.reported, "in_quote": it.in_quote,
                    "source_table": it.source_table, "origin_id": it.origin_id, "field": it.field,
                    "source_id": it.source_id, "account_id": it.account_id, "prov_table": it.prov_table,
                    "prov_key": it.prov_key, "prov_offset": it.prov_offset, "prov_line": it.prov_line}
                for col, val in row.items():
                    ev[col].append(val)
    return {
        "risk": _write(con, "risk", pa.Table.from_pydict(risk, schema=RISK_SCHEMA), "rank"),
        "risk_indicators": _write(con, "risk_indicators", pa.Table.from_pydict(inds, schema=INDICATOR_SCHEMA),
                                  "person_id, indicator"),
        "risk_evidence": _write(con, "risk_evidence", pa.Table.from_pydict(ev, schema=EVIDENCE_SCHEMA),
                                "person_id, indicator, seq"),
    }


def table_digest(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """A content hash of each risk table (rows in their stored order), to compare two runs."""
    out = {}
    for name in RISK_TABLES:
        row = con.execute(f'SELECT count(*), coalesce(sum(hash(t)), 0), '
                          f'md5(coalesce(string_agg(hash(t)::VARCHAR, \',\'), \'\')) FROM "{name}" t').fetchall()[0]
        out[name] = f"{row[0]}:{row[1]}:{row[2]}"
    return out
