"""Peak RSS of `rescue ingest` against dump size: does memory grow with the dump?

    .venv/bin/python bench/ingest_memory.py DUMP [DUMP ...] [--memory-limit 1GB] [--label NAME]

Each dump is ingested into a fresh operation folder (under ``--work``, removed afterwards) by
`rescue ingest` run as its own process. For each: dump size, wall and CPU seconds, MB/s, the
peak RSS of the main process (``wait4``) and of its process tree (sampled every 0.2 s: the
worker processes too), and the store's size. Writes ``bench/results/<date>-ingest-memory-<label>.json``
and ``.md``. RSS is the robust figure on a shared machine; seconds are indicative.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import RESULTS, measure  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dumps", nargs="+", type=Path)
    ap.add_argument("--memory-limit", default=None, help="passed to rescue ingest (default: its own)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/ingest-memory"))
    ap.add_argument("--label", default="")
    ap.add_argument("--rescue", default=str(Path(sys.executable).with_name("rescue")))
    args = ap.parse_args()
    rows = []
    for dump in args.dumps:
        op = args.work / f"op-{dump.stat().st_size}"
        shutil.rmtree(op, ignore_errors=True)
        subprocess.run([args.rescue, "init", str(op)], check=True, stdout=subprocess.DEVNULL)
        cmd = [args.rescue, "ingest", str(op), str(dump)]
        if args.memory_limit:
            cmd += ["--memory-limit", args.memory_limit]
        mb = dump.stat().st_size / 1e6
        m = measure("ingest", cmd, input_mb=mb)
        store = sum(p.stat().st_size for p in op.glob("*.duckdb*"))
        rows.append({"dump": str(dump), "dump_mb": round(mb, 1), "seconds": m.seconds, "cpu_seconds": m.cpu_seconds,
                     "mb_per_s": m.mb_per_s, "peak_rss_mb": m.peak_rss_mb, "peak_tree_rss_mb": m.peak_tree_rss_mb,
                     "store_mb": round(store / 1e6, 1), "ok": m.ok, "detail": m.detail})
        print(json.dumps(rows[-1]), flush=True)
        shutil.rmtree(op, ignore_errors=True)
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    label = args.label or (args.memory_limit or "default")
    out = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "memory_limit": args.memory_limit,
           "load_average_at_end": load, "rows": rows}
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"{dt.date.today().isoformat()}-ingest-memory-{label}"
    stem.with_suffix(".json").write_text(json.dumps(out, indent=2) + "\n")
    lines = [f"# rescue ingest: peak RSS against dump size (memory limit {args.memory_limit or 'default'})", "",
             f"Load average at the end: {' '.join(load)} (2 cores, shared).", "",
             "| dump | MB | seconds | CPU s | MB/s | peak RSS main (MB) | peak RSS tree (MB) | store (MB) | ok |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {Path(str(r['dump'])).parent.parent.name}/{Path(str(r['dump'])).name} | {r['dump_mb']} | "
                     f"{r['seconds']} | {r['cpu_seconds']} | {r['mb_per_s']} | {r['peak_rss_mb']} | "
                     f"{r['peak_tree_rss_mb']} | {r['store_mb']} | {'yes' if r['ok'] else 'NO: ' + str(r['detail'])} |")
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
