"""Peak RSS of `rescue ingest` against dump size: does memory grow with the dump?

    .venv/bin/python bench/ingest_memory.py DUMP [DUMP ...] [--memory-limit 1GB] [--label NAME]
        [--op DIR --keep] [--timeline FILE.jsonl] [--stop-after SECONDS] [--nice 10]

Each dump is ingested into a fresh operation folder (under ``--work``, removed afterwards unless
``--keep``; ``--op`` names the folder when one dump is given) by `rescue ingest` run as its own process.
For each: dump size, wall and CPU seconds, MB/s, the peak RSS of the main process (``wait4``) and of its
process tree (sampled every 0.2 s: the worker processes too), and the store's size. ``--timeline`` also
writes one JSON line every ``--every`` seconds while the ingest runs: RSS of the main process and of the
tree, bytes the main process and the workers have read so far (``/proc/PID/io`` ``rchar``: the main
process reads the dump twice, fingerprint and structure scan, then the workers read their parts), CPU
seconds of the tree, and the size of DuckDB's spill folder — so RSS can be read against the bytes read,
also of a run stopped by ``--stop-after`` (SIGINT, then the row says it was stopped).
Writes ``bench/results/<date>-ingest-memory-<label>.json`` and ``.md``. RSS is the robust figure on a
shared machine; seconds are indicative.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import RESULTS, procs, tree_pids  # noqa: E402


def _rchar(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/io") as f:
            for line in f:
                if line.startswith("rchar:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _du(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.stat(os.path.join(root, name)).st_size
    return total


class Sampler(threading.Thread):
    """Peak RSS of ``root`` (the `rescue ingest` process) and of its tree every 0.2 s; every ``every`` s a
    timeline line."""

    def __init__(self, root: int, op: Path, every: float, out: TextIO | None) -> None:
        super().__init__(daemon=True)
        self.root, self.op, self.every, self.out = root, op, every, out
        self.stop = threading.Event()
        self.peak_tree_kb = 0
        self.peak_main_kb = 0
        self.rchar: dict[int, int] = {}  # last rchar seen per pid of the tree (workers that ended keep theirs)
        self.t0 = time.monotonic()

    def run(self) -> None:
        last = -1e9
        while not self.stop.wait(0.2):
            table = procs()
            tree = tree_pids(table, self.root)
            tree_kb = sum(table[p][1] for p in tree if p in table)
            main = self.root  # `nice` execs the command: the root is the `rescue ingest` process
            main_kb = table[main][1] if main in table else 0
            self.peak_tree_kb = max(self.peak_tree_kb, tree_kb)
            self.peak_main_kb = max(self.peak_main_kb, main_kb)
            now = time.monotonic()
            if self.out is None or now - last < self.every:
                continue
            last = now
            for p in tree:
                self.rchar[p] = max(self.rchar.get(p, 0), _rchar(p))
            main_read = self.rchar.get(main, 0)
            workers_read = sum(v for p, v in self.rchar.items() if p != main)
            line: dict[str, Any] = {
                "t": round(now - self.t0, 1), "main_rss_mb": round(main_kb / 1024, 1),
                "tree_rss_mb": round(tree_kb / 1024, 1), "processes": len(tree),
                "main_read_mb": round(main_read / 1e6, 1), "workers_read_mb": round(workers_read / 1e6, 1),
                "tree_cpu_s": round(sum(table[p][2] for p in tree if p in table), 1),
                "spill_mb": round(_du(self.op / ".ingest-tmp") / 1e6, 1),
                "store_mb": round(sum(f.stat().st_size for f in self.op.glob("*.duckdb*")) / 1e6, 1),
                "load": os.getloadavg()[0],
            }
            self.out.write(json.dumps(line) + "\n")
            self.out.flush()


def ingest(rescue: str, op: Path, dump: Path, args: argparse.Namespace) -> dict[str, Any]:
    """One `rescue ingest` with its figures (and its timeline when asked)."""
    cmd = [rescue, "ingest", str(op), str(dump)]
    if args.memory_limit:
        cmd += ["--memory-limit", args.memory_limit]
    if args.nice:
        cmd = ["nice", "-n", str(args.nice), *cmd]
    timeline = Path(args.timeline).open("w") if args.timeline else None  # noqa: SIM115 (closed below)
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    sampler = Sampler(proc.pid, op, args.every, timeline)
    sampler.start()
    stopped = False
    if args.stop_after:
        def stop() -> None:
            nonlocal stopped
            if proc.poll() is None:
                stopped = True
                proc.send_signal(signal.SIGINT)
        timer = threading.Timer(args.stop_after, stop)
        timer.daemon = True
        timer.start()
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    secs = time.monotonic() - t0
    sampler.stop.set()
    sampler.join()
    if timeline is not None:
        timeline.close()
    code = os.waitstatus_to_exitcode(status)
    text = output.decode("utf-8", "replace").strip()
    mb = dump.stat().st_size / 1e6
    store = sum(p.stat().st_size for p in op.glob("*.duckdb*"))
    return {"dump": str(dump), "dump_mb": round(mb, 1), "seconds": round(secs, 2),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1), "mb_per_s": round(mb / secs, 2),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "peak_main_rss_sampled_mb":
            round(sampler.peak_main_kb / 1024, 1), "peak_tree_rss_mb": round(sampler.peak_tree_kb / 1024, 1),
            "store_mb": round(store / 1e6, 1), "ok": code == 0 and not stopped, "stopped": stopped,
            "detail": "" if code == 0 else (text.splitlines()[-1][:300] if text else f"exit {code}"),
            "output_tail": text.splitlines()[-40:], "timeline": args.timeline}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dumps", nargs="+", type=Path)
    ap.add_argument("--memory-limit", default=None, help="passed to rescue ingest (default: its own)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/ingest-memory"))
    ap.add_argument("--op", type=Path, help="the operation folder (one dump only)")
    ap.add_argument("--keep", action="store_true", help="keep the operation folder (to analyse it afterwards)")
    ap.add_argument("--timeline", help="write RSS / bytes read / CPU every --every seconds to this JSONL file")
    ap.add_argument("--every", type=float, default=5.0)
    ap.add_argument("--stop-after", type=float, help="stop the ingest (SIGINT) after this many seconds")
    ap.add_argument("--nice", type=int, default=0, help="run rescue ingest under nice -n N")
    ap.add_argument("--label", default="")
    ap.add_argument("--rescue", default=str(Path(sys.executable).with_name("rescue")))
    args = ap.parse_args()
    if args.op and len(args.dumps) != 1:
        ap.error("--op takes one dump")
    rows = []
    for dump in args.dumps:
        op = args.op or args.work / f"op-{dump.stat().st_size}"
        shutil.rmtree(op, ignore_errors=True)
        subprocess.run([args.rescue, "init", str(op)], check=True, stdout=subprocess.DEVNULL)
        rows.append(ingest(args.rescue, op, dump, args))
        print(json.dumps({k: v for k, v in rows[-1].items() if k != "output_tail"}), flush=True)
        if not args.keep:
            shutil.rmtree(op, ignore_errors=True)
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    label = args.label or (args.memory_limit or "default")
    out = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "memory_limit": args.memory_limit,
           "load_average_at_end": load, "rows": rows}
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"{dt.date.today().isoformat()}-ingest-memory-{label}"
    stem.with_name(stem.name + ".json").write_text(json.dumps(out, indent=2) + "\n")  # a label may hold a dot
    lines = [f"# rescue ingest: peak RSS against dump size (memory limit {args.memory_limit or 'default'})", "",
             f"Load average at the end: {' '.join(load)} (2 cores, shared).", "",
             "| dump | MB | seconds | CPU s | MB/s | peak RSS main (MB) | peak RSS tree (MB) | store (MB) | ok |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ok = "yes" if r["ok"] else ("stopped" if r["stopped"] else "NO: " + str(r["detail"]))
        lines.append(f"| {Path(str(r['dump'])).parent.parent.name}/{Path(str(r['dump'])).name} | {r['dump_mb']} | "
                     f"{r['seconds']} | {r['cpu_seconds']} | {r['mb_per_s']} | {r['peak_rss_mb']} | "
                     f"{r['peak_tree_rss_mb']} | {r['store_mb']} | {ok} |")
    stem.with_name(stem.name + ".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
