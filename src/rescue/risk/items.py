"""Evidence items: one observation behind an indicator, with the seized row it came from."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


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
