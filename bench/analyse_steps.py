"""`rescue analyse` with CPU and wall seconds per step, and a content hash of every findings table.

    .venv/bin/python bench/analyse_steps.py run OP_DIR [--json OUT.json]     # analyse as `rescue analyse` does
    .venv/bin/python bench/analyse_steps.py hash STORE OUT.json [--compare OLD.json]

`run` analyses OP_DIR (identity resolution, attribution and risk included) and prints, after each step, its
wall seconds and the CPU seconds of the whole process (every thread: DuckDB's; and of finished child processes:
the language detection's, counted at the step that collects it), then the totals and the peak RSS of the
process and of its largest child. `--memory-limit` / `--threads` as for `rescue analyse`. Run two checkouts
side by side on two copies of one store to compare them
(`PYTHONPATH=OTHER/src` picks the other checkout's code).

`hash` writes, per findings table, its row count, columns, an order-independent hash of its rows and a hash of
the rows in their stored order; `--compare` lists the tables that differ from an earlier snapshot (exit 1).
A change meant to make the analysis faster must leave every table identical.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from rescue.analyse.store import FINDINGS_TABLES


def _cpu() -> float:
    """CPU seconds of this process (every thread) and of its finished children (the language detection)."""
    t = os.times()
    return t[0] + t[1] + t[2] + t[3]


def run(op_dir: Path, out: Path | None, memory_limit: str | None = None, threads: int | None = None) -> None:
    from rescue.analyse import runner
    from rescue.flow import analyse_operation
    from rescue.operation import load

    marks = {"t": time.perf_counter(), "c": _cpu()}
    steps: dict[str, dict[str, float]] = {}
    original = runner._Run.step

    def step(self: Any, name: str) -> None:
        now, c = time.perf_counter(), _cpu()
        steps[name] = {"wall": round(now - marks["t"], 2), "cpu": round(c - marks["c"], 2)}
        print(f"{name:<14} wall {steps[name]['wall']:8.1f}  cpu {steps[name]['cpu']:7.1f}", flush=True)
        marks["t"], marks["c"] = time.perf_counter(), _cpu()
        original(self, name)

    runner._Run.step = step  # type: ignore[method-assign]
    t0, c0 = time.perf_counter(), _cpu()
    limits = {k: v for k, v in (("memory_limit", memory_limit), ("threads", threads)) if v}
    summary = analyse_operation(load(op_dir), **limits)  # type: ignore[arg-type]
    total = {"wall": round(time.perf_counter() - t0, 2), "cpu": round(_cpu() - c0, 2),
             "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
             "peak_rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024}
    print("total", total)
    print("\n".join(summary.notes))
    if out is not None:
        out.write_text(json.dumps({"steps": steps, "total": total}, indent=1))


def snapshot(store: Path) -> dict[str, dict[str, Any]]:
    con = duckdb.connect(str(store), read_only=True)
    have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                      "WHERE table_schema = 'main'").fetchall()}
    out: dict[str, dict[str, Any]] = {}
    for t in FINDINGS_TABLES:
        if t not in have:
            continue
        row = con.execute(f"""SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')),
                                     md5(coalesce(string_agg(h, '' ORDER BY rid), ''))
                              FROM (SELECT md5(CAST(x AS VARCHAR)) AS h, rowid AS rid FROM "{t}" x)""").fetchall()[0]
        cols = [f"{c}:{d}" for c, d in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position", [t]).fetchall()]
        out[t] = {"rows": int(row[0]), "content": row[1], "ordered": row[2], "columns": cols}
    con.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("op_dir", type=Path)
    r.add_argument("--json", type=Path)
    r.add_argument("--memory-limit", help="as `rescue analyse --memory-limit` (checkouts that have it)")
    r.add_argument("--threads", type=int, help="as `rescue analyse --threads`")
    h = sub.add_parser("hash")
    h.add_argument("store", type=Path)
    h.add_argument("out", type=Path)
    h.add_argument("--compare", type=Path)
    args = ap.parse_args()
    if args.cmd == "run":
        run(args.op_dir, args.json, args.memory_limit, args.threads)
        return 0
    snap = snapshot(args.store)
    args.out.write_text(json.dumps(snap, indent=1))
    if args.compare is None:
        return 0
    old = json.loads(args.compare.read_text())
    differ = sorted(t for t in set(old) | set(snap) if old.get(t) != snap.get(t))
    for t in differ:
        print(f"differs: {t} (rows {old.get(t, {}).get('rows')} -> {snap.get(t, {}).get('rows')})")
    print(f"{len(snap)} tables, {'all identical' if not differ else f'{len(differ)} differ'}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
