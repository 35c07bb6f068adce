"""Matching this operation's persons against other operations' stores (both at hand): equal selectors.

For every other operation, a person here and a person there who carry the same strong selector (the
kinds of ``strong_kinds``: e-mail, phone, messenger handles, wallets) are a hit. Values that are not one
person's (the forum's own addresses, values carried by more than ``value_cap`` persons in either store)
are left out. Hits go to ``xref_hits`` in this operation's store, replacing earlier hits against the same
operations; the raw value is not repeated there, only its hash.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from rescue import operation
from rescue.errors import OperationError
from rescue.identity.config import IdentityConfig
from rescue.identity.config import load as load_config
from rescue.store import duck


@dataclass
class XrefSummary:
    operations: list[str] = field(default_factory=list)
    hits: int = 0
    persons: int = 0                                          # persons here with at least one hit
    per_operation: dict[str, int] = field(default_factory=dict)  # persons hit per other operation
    per_kind: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [f"{self.persons:,} persons with hits in {len(self.operations)} other operation(s): "
               f"{self.hits:,} hits; {self.seconds:.1f} s"]
        out += [f"  {name}: {n:,} persons" for name, n in self.per_operation.items()]
        out += [f"  {kind}: {n:,} hits" for kind, n in self.per_kind.items()]
        return out

    def to_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, sort_keys=True)


def value_hash(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}\x1f{value}".encode()).hexdigest()


def person_selectors_sql(schema: str, cfg: IdentityConfig, has_email_classes: bool) -> str:
    """(person_id, kind, value) of one store's persons, strong kinds only, values of few persons only."""
    kinds = ", ".join(f"'{k}'" for k in cfg.strong_kinds) or "''"
    skip = ", ".join(f"'{c}'" for c in cfg.email_skip_classes) or "''"
    email = (f"AND NOT EXISTS (SELECT 1 FROM {schema}.email_enrichment ee WHERE s.kind = 'email' "
             f"AND ee.email = s.value AND ee.provider_class IN ({skip}))") if has_email_classes else ""
    quoted = "" if cfg.quoted_selectors else "AND NOT coalesce(s.in_quote, FALSE)"
    return f"""
        SELECT * FROM (
            SELECT DISTINCT pa.person_id, s.kind, s.value
            FROM {schema}.selectors s
            JOIN {schema}.person_accounts pa ON pa.source_id = s.source_id AND pa.account_id = s.account_id
            WHERE s.kind IN ({kinds}) AND s.value IS NOT NULL {quoted} {email})
        QUALIFY count(*) OVER (PARTITION BY kind, value) <= {int(cfg.value_cap)}"""


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = ?", [schema])
    return {str(r[0]) for r in rows.fetchall()}


def _check(have: set[str], where: str) -> None:
    missing = sorted({"selectors", "person_accounts"} - have)
    if missing:
        raise OperationError(f"{where}: no {', '.join(missing)} (run `rescue analyse` there first)")


XREF_COLUMNS = ("person_id VARCHAR, other_operation VARCHAR, other_person_id VARCHAR, kind VARCHAR, "
                "value_hash VARCHAR, reference VARCHAR, other_store VARCHAR")


def xref(op_dir: Path, others: list[Path]) -> XrefSummary:
    """Match the persons of the operation at ``op_dir`` against those of each operation in ``others``."""
    t0 = time.perf_counter()
    op = operation.load(Path(op_dir))
    cfg = load_config(op.root)
    summary = XrefSummary()
    con = duck.connect(op.store_path)
    try:
        con.execute("SET enable_progress_bar = false")
        con.create_function("rescue_value_hash", value_hash, return_type="VARCHAR")  # type: ignore[arg-type]
        mine = _tables(con, _catalog(con))
        _check(mine, str(op.store_path))
        con.execute(f"CREATE TABLE IF NOT EXISTS xref_hits ({XREF_COLUMNS})")
        con.execute(f"CREATE OR REPLACE TEMP TABLE _x_mine AS "
                    f"{person_selectors_sql(_catalog(con), cfg, 'email_enrichment' in mine)}")
        for n, other_dir in enumerate(others):
            other = operation.load(Path(other_dir))
            if other.store_path.resolve() == op.store_path.resolve():
                raise OperationError(f"{other.root}: is this operation itself")
            alias = f"other{n}"
            con.execute(f"ATTACH '{other.store_path.as_posix()}' AS {alias} (READ_ONLY)")
            try:
                theirs = _tables(con, alias)
                _check(theirs, str(other.store_path))
                con.execute("DELETE FROM xref_hits WHERE other_operation = ?", [other.name])
                con.execute(f"""
                    INSERT INTO xref_hits
                    SELECT m.person_id, ? AS other_operation, t.person_id, m.kind, rescue_value_hash(m.kind, m.value),
                           'X' || left(sha256(concat_ws(chr(31), ?, t.person_id, m.kind,
                                                        rescue_value_hash(m.kind, m.value))), 16),
                           ?
                    FROM _x_mine m JOIN ({person_selectors_sql(alias, cfg, 'email_enrichment' in theirs)}) t
                      ON t.kind = m.kind AND t.value = m.value
                    ORDER BY 1, 3, 4, 5""", [other.name, other.name, str(other.store_path)])
                summary.operations.append(other.name)
            finally:
                con.execute(f"DETACH {alias}")
        con.execute("CREATE OR REPLACE TABLE xref_hits AS SELECT * FROM xref_hits "
                    "ORDER BY other_operation, person_id, other_person_id, kind, value_hash")
        names = summary.operations or [""]
        marks = ", ".join("?" for _ in names)
        rows = con.execute(f"SELECT person_id, other_operation, kind FROM xref_hits WHERE other_operation IN ({marks})",
                           names).fetchall()
        con.execute("DROP TABLE IF EXISTS _x_mine")
    finally:
        con.close()
    summary.hits = len(rows)
    summary.persons = len({r[0] for r in rows})
    summary.per_operation = {name: len({r[0] for r in rows if r[1] == name}) for name in summary.operations}
    summary.per_kind = dict(sorted(Counter(str(r[2]) for r in rows).items()))
    summary.seconds = round(time.perf_counter() - t0, 3)
    return summary


def _catalog(con: duckdb.DuckDBPyConnection) -> str:
    return str(con.execute("SELECT current_database()").fetchall()[0][0])
