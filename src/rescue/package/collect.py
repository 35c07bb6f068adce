"""Read the staged findings (stage.py) of one chunk of persons, grouped per person.

A render worker reads a country's persons a chunk at a time: one query per fact file for the whole chunk
(a range of ``g``, or a list of person ids for deconfliction notices), never one per person. Rows keep
their provenance (source, seized table, native key, byte offset, line) so that each fact of a report
points back at the row behind it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import duckdb

from rescue.package.stage import FACTS, NOTICE_FACTS, Staged

Row = dict[str, Any]


def iso(value: object) -> str | None:
    if value is None or type(value) is str:  # staged times are ISO 8601 text already (stage.py)
        return value  # type: ignore[return-value]
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def prov(source_id: object, table: object, key: object, offset: object, line: object) -> Row:
    return {"source_id": source_id, "table": table, "key": None if key is None else str(key),
            "offset": offset, "line": line}


@dataclass
class Facts:
    """Everything the reports of a chunk need, keyed by person id."""

    persons: dict[str, Row] = field(default_factory=dict)
    accounts: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    selectors: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    ips: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    evidence: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    activity: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    indicators: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    risk_evidence: dict[tuple[str, str], list[Row]] = field(default_factory=lambda: defaultdict(list))
    links: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    contacts: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    xref: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    media: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    has_xref: bool = False
    has_media: bool = False


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[Row]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, r)) for r in cur.fetchall()]  # noqa: B905 (every row has the description's width)


def _load(con: duckdb.DuckDBPyConnection, staged: Staged, where: str, params: list[Any],
          only: tuple[str, ...] | None = None, notices: bool = False) -> Facts:
    f = Facts(has_xref=staged.has_xref, has_media=staged.has_media)
    for name in staged.tables:
        if only is not None and name not in only:
            continue
        order = FACTS[name][1]
        path = str(staged.path(name, notices)).replace("'", "''")
        rows = _rows(con, f"select * exclude (g) from read_parquet('{path}') where {where} "
                          f"order by g, {order}", params)
        if name == "persons":
            f.persons = {r["person_id"]: r for r in rows}
        elif name == "risk_evidence":
            for r in rows:
                f.risk_evidence[(r["person_id"], r["indicator"])].append(r)
        else:
            target: dict[str, list[Row]] = getattr(f, name)
            for r in rows:
                target[r["person_id"]].append(r)
    return f


def load_range(con: duckdb.DuckDBPyConnection, staged: Staged, first: int, last: int) -> Facts:
    """The facts of the persons ``first`` ≤ g ≤ ``last`` (a chunk of one country's leads)."""
    return _load(con, staged, "g between ? and ?", [first, last])


def load_persons(con: duckdb.DuckDBPyConnection, staged: Staged, person_ids: list[str]) -> Facts:
    """What deconfliction notices need (person, accounts, evidence) for the persons listed."""
    return _load(con, staged, "person_id in (select unnest(?::varchar[]))", [person_ids], only=NOTICE_FACTS,
                 notices=True)
