"""A content hash of every evidence table of a store, to show that a change to ingest changed no row.

    .venv/bin/python bench/store_hash.py STORE OUT.json [--compare OLD.json]

Per evidence table: row count, columns, an order-independent hash of the rows and a hash of the rows in
their stored order (``rowid``). The ``sources`` row's clock times (``received_at``, ``ingested_at``) differ
from run to run by nature and are left out; every other value of every table counts. ``--compare``
lists the tables that differ from an earlier snapshot and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import duckdb

from rescue.store import schema

CLOCK = {"sources": ("received_at", "ingested_at")}  # when the run happened, not what it read


def snapshot(store: Path) -> dict[str, dict[str, Any]]:
    con = duckdb.connect(str(store), read_only=True)
    out: dict[str, dict[str, Any]] = {}
    try:
        for t in schema.EVIDENCE_TABLES:
            cols = [c for c in schema.column_names(t) if c not in CLOCK.get(t, ())]
            row_expr = "(" + ", ".join(f'x."{c}"' for c in cols) + ")"
            got = con.execute(f"""SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')),
                                         md5(coalesce(string_agg(h, '' ORDER BY rid), ''))
                                  FROM (SELECT md5(CAST({row_expr} AS VARCHAR)) AS h, rowid AS rid
                                        FROM "{t}" x)""").fetchall()[0]
            out[t] = {"rows": int(got[0]), "content": got[1], "ordered": got[2], "columns": cols}
    finally:
        con.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--compare", type=Path)
    args = ap.parse_args()
    snap = snapshot(args.store)
    args.out.write_text(json.dumps(snap, indent=1))
    if args.compare is None:
        print(f"{len(snap)} tables, {sum(v['rows'] for v in snap.values()):,} rows")
        return 0
    old = json.loads(args.compare.read_text())
    differ = sorted(t for t in set(old) | set(snap) if old.get(t) != snap.get(t))
    for t in differ:
        o, n = old.get(t, {}), snap.get(t, {})
        what = "order only" if o.get("content") == n.get("content") else "content"
        print(f"differs: {t} ({what}; rows {o.get('rows')} -> {n.get('rows')})")
    print(f"{len(snap)} tables, {sum(v['rows'] for v in snap.values()):,} rows, "
          f"{'all identical' if not differ else f'{len(differ)} differ'}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
