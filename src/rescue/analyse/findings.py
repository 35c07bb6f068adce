"""From the ``_evidence`` items to the tables ``attribution``, ``account_attribution`` and
``attribution_evidence`` (items with grades, and whether each supports or contradicts the result)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from itertools import groupby
from typing import Any

import duckdb
import pyarrow as pa

from rescue.analyse.attribute import Decision, Item, corroboration, decide, grade
from rescue.analyse.config import WEAK_TYPES, AnalyseConfig
from rescue.analyse.store import write_arrow, write_sql

DECISION_FIELDS = [("country", pa.string()), ("confidence", pa.float64()), ("candidate", pa.string()),
                   ("support", pa.float64()), ("against", pa.float64()), ("share", pa.float64()),
                   ("evidence_items", pa.int64()), ("evidence_types", pa.string()), ("reason", pa.string())]


def _ids_sql() -> str:
    return """SELECT left(sha256(concat_ws(chr(31), evidence_type, source_id, account_id, coalesce(ip, ''),
                      coalesce(selector_kind, ''), coalesce(selector_value, ''), array_to_string(countries, ' '),
                      coalesce(detail, ''))), 16) AS evidence_id, * REPLACE (round(weight, 6) AS weight)
              FROM _evidence"""


def _decisions(rows: list[dict[str, Any]], key: Callable[[dict[str, Any]], Hashable],
               cfg: AnalyseConfig) -> dict[Hashable, Decision]:
    out: dict[Hashable, Decision] = {}
    for k, grp in groupby(sorted(rows, key=lambda r: (key(r), r["evidence_id"])), key=key):  # type: ignore[arg-type]
        out[k] = decide((Item(r["evidence_type"], tuple(r["countries"]), float(r["weight"])) for r in grp), cfg)
    return out


def _decision_table(keys: list[tuple[str, pa.DataType]], decided: dict[Hashable, Decision],
                    all_keys: list[tuple[Any, ...]]) -> pa.Table:
    cols: dict[str, list[Any]] = {name: [] for name, _ in keys + DECISION_FIELDS}
    for k in all_keys:
        d = decided.get(k[0] if len(k) == 1 else k) or Decision(None, 0.0, None, 0.0, 0.0, 0.0, 0, "", "no evidence")
        for (name, _), v in zip(keys, k, strict=True):
            cols[name].append(v)
        for name, _ in DECISION_FIELDS:
            cols[name].append(getattr(d, name if name not in ("evidence_items", "evidence_types") else
                                      name.removeprefix("evidence_")))
    return pa.Table.from_pydict(cols, schema=pa.schema(keys + DECISION_FIELDS))


def write_attribution(con: duckdb.DuckDBPyConnection, cfg: AnalyseConfig) -> dict[str, int]:
    con.execute(f"CREATE OR REPLACE TEMP TABLE _evidence_ids AS {_ids_sql()}")
    rel = con.sql("""SELECT evidence_id, person_id, source_id, account_id, evidence_type, countries, weight,
                     reliability FROM _evidence_ids ORDER BY person_id, evidence_id""")
    assert rel is not None
    rows = rel.to_arrow_table().to_pylist()
    by_person = _decisions(rows, lambda r: r["person_id"], cfg)
    by_account = _decisions(rows, lambda r: (r["source_id"], r["account_id"]), cfg)
    persons = [tuple(r) for r in con.execute("SELECT person_id FROM persons ORDER BY 1").fetchall()]
    accounts = [tuple(r) for r in con.execute("SELECT source_id, account_id, person_id FROM person_accounts "
                                              "ORDER BY 1, 2").fetchall()]
    n_att = write_arrow(con, "attribution", _decision_table([("person_id", pa.string())], by_person, persons),
                        "person_id")
    acc_keys = [(s, a) for s, a, _ in accounts]
    acc_table = _decision_table([("source_id", pa.string()), ("account_id", pa.string())], by_account, acc_keys)
    acc_table = acc_table.append_column("person_id", pa.array([p for _, _, p in accounts], pa.string()))
    n_acc = write_arrow(con, "account_attribution", acc_table, "source_id, account_id")

    ann: dict[str, list[Any]] = {"evidence_id": [], "strength": [], "accuracy": [], "grade": [], "stance": []}
    for pid, grp_iter in groupby(rows, key=lambda r: r["person_id"]):
        grp = list(grp_iter)
        attributed = by_person[pid].country
        flags = corroboration([(r["evidence_type"], tuple(r["countries"]), float(r["weight"])) for r in grp],
                              attributed)
        for r, corr in zip(grp, flags, strict=True):
            g, acc = grade(r["evidence_type"], r["reliability"], corr)
            w = float(r["weight"])
            stance = None if attributed is None else (
                "supports" if attributed in r["countries"] else "contradicts" if w > 0 else "not counted")
            ann["evidence_id"].append(r["evidence_id"])
            ann["strength"].append("none" if w <= 0 else "weak" if r["evidence_type"] in WEAK_TYPES else "strong")
            ann["accuracy"].append(acc)
            ann["grade"].append(g)
            ann["stance"].append(stance)
    con.register("_ann", pa.Table.from_pydict(ann))
    try:
        n_ev = write_sql(con, "attribution_evidence", """
            SELECT e.evidence_id, e.person_id, e.source_id, e.account_id,
                   CASE WHEN len(e.countries) = 1 THEN e.countries[1] END AS country,
                   array_to_string(e.countries, ' ') AS countries, e.evidence_type, e.weight, a.strength,
                   e.reliability, a.accuracy, a.grade, a.stance, e.detail, e.ip, e.selector_kind, e.selector_value,
                   e.events, e.first_seen, e.last_seen, e.origin, e.origin_id, e.prov_table, e.prov_key, e.prov_offset
            FROM _evidence_ids e JOIN _ann a USING (evidence_id)""", "person_id, evidence_type, evidence_id")
    finally:
        con.unregister("_ann")
    con.execute("DROP TABLE IF EXISTS _evidence_ids")
    con.execute("DROP TABLE IF EXISTS _evidence")
    return {"attribution": n_att, "account_attribution": n_acc, "attribution_evidence": n_ev}
