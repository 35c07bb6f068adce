"""Table definitions for data-only dumps (``--no-create-info``) that carry no column names.

Rescue ships the table definitions each supported forum version creates at install
(``rescue/data/schemas/<software>-<version>.sql``). When a dump has rows for tables it never
declares, the template whose tables match most of them by suffix supplies their columns; a
row whose width still does not match goes to quarantine, so nothing is mapped on a guess.
"""

from __future__ import annotations

import io
from functools import cache
from importlib import resources

from rescue.readers.base import DumpStructure, TableDef


@cache
def templates() -> dict[str, tuple[str, dict[str, TableDef]]]:
    """name → (table prefix, {table name: definition})."""
    from rescue.readers.mysqldump import iter_mysqldump

    out: dict[str, tuple[str, dict[str, TableDef]]] = {}
    folder = resources.files("rescue") / "data" / "schemas"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".sql"):
            continue
        defs = {ev.name: ev for ev in iter_mysqldump(io.BytesIO(entry.read_bytes()), entry.name)
                if isinstance(ev, TableDef)}
        if not defs:
            continue
        prefix = next(iter(defs)).split("_", 1)[0] + "_"
        out[entry.name.removesuffix(".sql")] = (prefix, defs)
    return out


def fill_missing(structure: DumpStructure) -> str | None:
    """Give undeclared tables the columns of the best-matching template; return its name."""
    missing = sorted(structure.insert_tables - structure.defs.keys())
    if not missing:
        return None
    best: tuple[int, str, dict[str, TableDef]] | None = None
    for name, (prefix, defs) in templates().items():
        by_suffix = {t[len(prefix):]: d for t, d in defs.items()}
        matched: dict[str, TableDef] = {}
        for table in missing:
            for suffix, d in by_suffix.items():
                fits = table.endswith(suffix) and (table == suffix or table[-len(suffix) - 1] == "_")
                if fits and len(suffix) > len(matched.get(table, TableDef("", ())).name[len(prefix):]):
                    matched[table] = d
        if matched and (best is None or len(matched) > best[0]):
            best = (len(matched), name, matched)
    if best is None:
        return None
    for table, d in best[2].items():
        structure.defs[table] = TableDef(table, d.columns, d.charset)
    return best[1]


def identify(defs: dict[str, TableDef], threshold: float = 0.8) -> str | None:
    """The software whose install schema holds most of these tables with the same columns.

    Used when the signature tables are missing (a truncated dump): if at least three tables and
    ``threshold`` of all tables match one template by name suffix and column list, that template's
    software is the answer; otherwise None.
    """
    best: tuple[float, str] | None = None
    for name, (prefix, tdefs) in templates().items():
        by_suffix = {t[len(prefix):]: d.column_names for t, d in tdefs.items()}
        hits = 0
        for table, d in defs.items():
            for suffix, cols in by_suffix.items():
                head = table[: -len(suffix)]
                if table.endswith(suffix) and (not head or head.endswith("_")) and d.column_names == cols:
                    hits += 1
                    break
        share = hits / len(defs) if defs else 0.0
        if hits >= 3 and share >= threshold and (best is None or share > best[0]):
            best = (share, name)
    return best[1].split("-", 1)[0] if best else None
