"""From the ``_evidence`` items to the tables ``attribution``, ``account_attribution`` and
``attribution_evidence`` (items with grades, and whether each supports or contradicts the result).

Items are read column by column, sorted by DuckDB, and walked group by group: no per-row dicts. Each batch's
decisions and item annotations are kept as Arrow columns; the three findings tables are joined from them in
SQL (a person or account with no items gets the "no evidence" decision there). Python holds one batch of
objects at a time, never a structure per person or per account.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from rescue.analyse.attribute import Decision, Item, corroboration, decide, grade
from rescue.analyse.config import WEAK_TYPES, AnalyseConfig
from rescue.analyse.store import write_sql
from rescue.engine.duck import BATCH_ROWS

DECISION_FIELDS = [("country", pa.string()), ("confidence", pa.float64()), ("candidate", pa.string()),
                   ("support", pa.float64()), ("against", pa.float64()), ("share", pa.float64()),
                   ("evidence_items", pa.int64()), ("evidence_types", pa.string()), ("reason", pa.string())]
ANN_SCHEMA = pa.schema([("evidence_id", pa.string()), ("strength", pa.string()), ("accuracy", pa.int64()),
                        ("grade", pa.string()), ("stance", pa.string())])
_NONE = Decision(None, 0.0, None, 0.0, 0.0, 0.0, 0, "", "no evidence")

_IDS_SQL = """
CREATE OR REPLACE TEMP TABLE _evidence_ids AS
SELECT left(sha256(concat_ws(chr(31), evidence_type, source_id, account_id, coalesce(ip, ''),
            coalesce(selector_kind, ''), coalesce(selector_value, ''), array_to_string(countries, ' '),
            coalesce(detail, ''))), 16) AS evidence_id, * REPLACE (round(weight, 6) AS weight)
FROM _evidence
"""


def _group_batches(con: duckdb.DuckDBPyConnection, cols: str, order: str, keys: list[str],
                   where: str = "TRUE") -> Iterator[dict[str, list[Any]]]:
    """The items, sorted by ``order``, in batches of whole groups (rows with equal ``keys`` columns, which lead
    ``order``, are never split over two batches), column by column: memory holds one batch, not every item."""
    rel = con.sql(f"SELECT {cols} FROM _evidence_ids WHERE {where} ORDER BY {order}")
    assert rel is not None
    pending: pa.Table | None = None
    for batch in rel.to_arrow_reader(BATCH_ROWS):
        t = pa.Table.from_batches([batch]) if pending is None else pa.concat_tables([pending, pa.Table.from_batches(
            [batch])])
        n = t.num_rows
        if n == 0:
            continue
        last = t.slice(n - 1, 1).select(keys).to_pylist()[0]
        # where the last group starts: compare the key columns from the end, in Arrow
        same = None
        for k in keys:
            col = t.column(k)
            eq = pc.is_null(col) if last[k] is None else pc.fill_null(
                pc.equal(col, pa.scalar(last[k], t.schema.field(k).type)), False)
            same = eq if same is None else pc.and_(same, eq)
        assert same is not None
        cut = n - int(pc.sum(pc.cast(same, pa.int64())).as_py() or 0)  # the last group runs to the end (sorted)
        if cut > 0:
            yield t.slice(0, cut).to_pydict()
        pending = t.slice(cut)
    if pending is not None and pending.num_rows:
        yield pending.to_pydict()


def _groups(keys: list[Any]) -> Iterator[tuple[Any, int, int]]:
    """(key, start, end) of each run of equal keys in a sorted list."""
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            yield keys[start], start, i
            start = i


def _decide_groups(d: dict[str, list[Any]], keys: list[Any], cfg: AnalyseConfig) -> dict[Any, Decision]:
    types, countries, weights = d["evidence_type"], d["countries"], d["weight"]
    return {k: decide([Item(types[j], tuple(countries[j]), float(weights[j])) for j in range(lo, hi)], cfg)
            for k, lo, hi in _groups(keys)}


def _decision_table(key_fields: list[tuple[str, pa.DataType]], decided: dict[Any, Decision]) -> pa.Table:
    """The decisions of one batch of groups (key columns, then :data:`DECISION_FIELDS`)."""
    cols: dict[str, list[Any]] = {name: [] for name, _ in key_fields + DECISION_FIELDS}
    single = len(key_fields) == 1
    for k, dec in decided.items():
        for (name, _), v in zip(key_fields, (k,) if single else k, strict=True):
            cols[name].append(v)
        cols["country"].append(dec.country)
        cols["confidence"].append(dec.confidence)
        cols["candidate"].append(dec.candidate)
        cols["support"].append(dec.support)
        cols["against"].append(dec.against)
        cols["share"].append(dec.share)
        cols["evidence_items"].append(dec.items)
        cols["evidence_types"].append(dec.types)
        cols["reason"].append(dec.reason)
    return pa.Table.from_pydict(cols, schema=pa.schema(key_fields + DECISION_FIELDS))


class _Parts:
    """Arrow tables of one schema gathered batch by batch (columns, not Python objects), shown to DuckDB as one
    view: the sorted items are still being read while they grow, and DuckDB takes no other query on the
    connection until that result is drained."""

    def __init__(self, name: str, schema: pa.Schema) -> None:
        self.name, self.schema = name, schema
        self.parts: list[pa.Table] = []

    def append(self, table: pa.Table) -> None:
        if table.num_rows:
            self.parts.append(table)

    def register(self, con: duckdb.DuckDBPyConnection) -> None:
        table = pa.concat_tables(self.parts) if self.parts else self.schema.empty_table()
        self.parts = [table]
        con.register(self.name, table)

    def drop(self, con: duckdb.DuckDBPyConnection) -> None:
        with contextlib.suppress(Exception):
            con.unregister(self.name)
        self.parts = []


def _decided_sql(alias: str) -> list[str]:
    """The decision columns of ``alias`` (NULL where there is none), each defaulting to the "no evidence"
    decision."""
    out = []
    for name, typ in DECISION_FIELDS:
        default = getattr(_NONE, {"evidence_items": "items", "evidence_types": "types"}.get(name, name))
        sql_type = {pa.string(): "VARCHAR", pa.float64(): "DOUBLE", pa.int64(): "BIGINT"}[typ]
        lit = "NULL" if default is None else f"'{default}'" if isinstance(default, str) else repr(default)
        out.append(f"CAST(coalesce({alias.format(name)}, CAST({lit} AS {sql_type})) AS {sql_type}) AS {name}")
    return out


def _annotations(d: dict[str, list[Any]], by_person: dict[Any, Decision]) -> pa.Table:
    """Per item: strength, accuracy, grade and stance (relative to its person's attribution)."""
    ann: dict[str, list[Any]] = {"evidence_id": d["evidence_id"], "strength": [], "accuracy": [], "grade": [],
                                 "stance": []}
    types, countries, weights, rel = d["evidence_type"], d["countries"], d["weight"], d["reliability"]
    for pid, lo, hi in _groups(d["person_id"]):
        attributed = by_person[pid].country
        flags = corroboration([(types[j], tuple(countries[j]), float(weights[j])) for j in range(lo, hi)],
                              attributed)
        for j, corr in zip(range(lo, hi), flags, strict=True):
            g, acc = grade(types[j], rel[j], corr)
            w = float(weights[j])
            ann["strength"].append("none" if w <= 0 else "weak" if types[j] in WEAK_TYPES else "strong")
            ann["accuracy"].append(acc)
            ann["grade"].append(g)
            ann["stance"].append(None if attributed is None else "supports" if attributed in countries[j]
                                 else "contradicts" if w > 0 else "not counted")
    return pa.Table.from_pydict(ann, schema=ANN_SCHEMA)


def write_attribution(con: duckdb.DuckDBPyConnection, cfg: AnalyseConfig) -> dict[str, int]:
    con.execute(_IDS_SQL)
    base = "evidence_type, countries, weight"
    person_dec = _Parts("_person_decisions", pa.schema([("person_id", pa.string()), *DECISION_FIELDS]))
    account_dec = _Parts("_account_decisions", pa.schema(
        [("source_id", pa.string()), ("account_id", pa.string()), *DECISION_FIELDS]))
    ann = _Parts("_ann", ANN_SCHEMA)
    # One pass over the items, person by person: the decision, then each item's grade and stance against it.
    for part in _group_batches(con, f"evidence_id, person_id, reliability, {base}", "person_id, evidence_id",
                               ["person_id"]):
        decided = _decide_groups(part, part["person_id"], cfg)
        person_dec.append(_decision_table([("person_id", pa.string())], decided))
        ann.append(_annotations(part, decided))
    # An account that is its person's only one has its person's items, in the same order (both sorted by
    # evidence_id), hence its decision: only the accounts of persons with several accounts are decided again.
    for part in _group_batches(con, f"source_id, account_id, {base}", "source_id, account_id, evidence_id",
                               ["source_id", "account_id"],
                               "person_id IN (SELECT person_id FROM person_accounts GROUP BY 1 HAVING count(*) > 1)"):
        decided = _decide_groups(part, list(zip(part["source_id"], part["account_id"], strict=True)), cfg)
        account_dec.append(_decision_table([("source_id", pa.string()), ("account_id", pa.string())], decided))
    try:
        for t in (person_dec, account_dec, ann):
            t.register(con)
        n_att = write_sql(con, "attribution", f"""
            SELECT p.person_id, {", ".join(_decided_sql("d.{}"))}
            FROM (SELECT person_id FROM persons) p LEFT JOIN _person_decisions d USING (person_id)""", "person_id")
        n_acc = write_sql(con, "account_attribution", f"""
            SELECT pa.source_id, pa.account_id,
                   {", ".join(_decided_sql("CASE WHEN n.accounts = 1 THEN d.{0} ELSE ad.{0} END"))}, pa.person_id
            FROM person_accounts pa
            JOIN (SELECT person_id, count(*) AS accounts FROM person_accounts GROUP BY 1) n USING (person_id)
            LEFT JOIN _person_decisions d ON n.accounts = 1 AND d.person_id = pa.person_id
            LEFT JOIN _account_decisions ad ON n.accounts > 1 AND ad.source_id = pa.source_id
                                            AND ad.account_id = pa.account_id""", "source_id, account_id")
        n_ev = write_sql(con, "attribution_evidence", """
            SELECT e.evidence_id, e.person_id, e.source_id, e.account_id,
                   CASE WHEN len(e.countries) = 1 THEN e.countries[1] END AS country,
                   array_to_string(e.countries, ' ') AS countries, e.evidence_type, e.weight, a.strength,
                   e.reliability, a.accuracy, a.grade, a.stance, e.detail, e.ip, e.selector_kind, e.selector_value,
                   e.events, e.first_seen, e.last_seen, e.origin, e.origin_id, e.prov_table, e.prov_key, e.prov_offset
            FROM _evidence_ids e JOIN _ann a USING (evidence_id)""", "person_id, evidence_type, evidence_id")
    finally:
        for t in (person_dec, account_dec, ann):
            t.drop(con)
    con.execute("DROP TABLE IF EXISTS _evidence_ids")
    con.execute("DROP TABLE IF EXISTS _evidence")
    return {"attribution": n_att, "account_attribution": n_acc, "attribution_evidence": n_ev}
