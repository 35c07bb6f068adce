"""Benchmarks: each stage as its own process, wall time and peak RSS, peers side by side.

    python bench/run.py [--members 70000] [--seed 1] [--work bench/worlds] [--skip-peer] [--keep]
    python bench/run.py --dump DUMP.sql [--workers N] [--skip-peer]   # ingest (and peer) only

Stages: `rescue synth`, `rescue ingest` of its phpBB dump, and the peer an analyst uses today:
importing the same dump into MariaDB with the `mariadb` client (when a server answers on
RESCUE_BENCH_MYSQL, default `-h 127.0.0.1 -u rescue -prescue`). With ``--dump`` an existing
dump is measured instead of a generated one. ``--workers`` sets RESCUE_INGEST_WORKERS for the
ingest (1: sequential). Peak RSS is the stage process's own; "tree" is the largest sum over the
process and its children (ingest workers), sampled. Results go to
bench/results/<date>-<members>.json and .md; docs/performance.md explains them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


@dataclass
class Measure:
    stage: str
    seconds: float
    peak_rss_mb: float
    ok: bool
    detail: str = ""
    mb_per_s: float | None = None
    peak_tree_rss_mb: float | None = None
    cpu_seconds: float | None = None  # user + system of the process and its waited-for children


def _tree_rss_kb(pid: int) -> int:
    """Resident set of ``pid`` and all its descendants, in KiB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        p = int(entry)
        children.setdefault(int(fields[1]), []).append(p)
        rss[p] = int(fields[21]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


def _sample_tree(pid: int, peak: list[int], stop: threading.Event) -> None:
    while not stop.wait(0.2):
        peak[0] = max(peak[0], _tree_rss_kb(pid))


def measure(stage: str, cmd: list[str], *, stdin_path: Path | None = None, input_mb: float | None = None,
            env: dict[str, str] | None = None) -> Measure:
    """Run one command as a child process; wall time and the child's own peak RSS (wait4)."""
    t0 = time.monotonic()
    stdin = stdin_path.open("rb") if stdin_path else subprocess.DEVNULL
    peak, stop = [0], threading.Event()
    try:
        proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                env={**os.environ, **(env or {})})
        sampler = threading.Thread(target=_sample_tree, args=(proc.pid, peak, stop), daemon=True)
        sampler.start()
        assert proc.stderr is not None
        err = proc.stderr.read()
        stop.set()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.join()
    finally:
        if stdin_path and not isinstance(stdin, int):
            stdin.close()
    secs = time.monotonic() - t0
    ok = proc.returncode == 0
    detail = "" if ok else err.decode("utf-8", "replace").strip().splitlines()[-1:][0][:300] if err else "failed"
    return Measure(stage, round(secs, 2), round(usage.ru_maxrss / 1024, 1), ok, detail,
                   round(input_mb / secs, 1) if input_mb and secs else None, round(peak[0] / 1024, 1),
                   round(usage.ru_utime + usage.ru_stime, 1))


def mysql_args() -> list[str]:
    return shlex.split(os.environ.get("RESCUE_BENCH_MYSQL", "-h 127.0.0.1 -u rescue -prescue"))


def mariadb_available() -> bool:
    client = shutil.which("mariadb") or shutil.which("mysql")
    if not client:
        return False
    r = subprocess.run([client, *mysql_args(), "-e", "select 1"], capture_output=True, check=False)
    return r.returncode == 0


def _server_cpu() -> float | None:
    """CPU seconds used so far by the local MariaDB/MySQL server process (Linux), if one is found."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                head, rest = f.read().rsplit(b")", 1)
        except OSError:
            continue
        if head.endswith((b"(mariadbd", b"(mysqld")):
            fields = rest.split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return None


def mariadb_import(dump: Path, size_mb: float) -> Measure:
    client = shutil.which("mariadb") or shutil.which("mysql") or "mariadb"
    db = "rescue_bench"
    subprocess.run([client, *mysql_args(), "-e", f"DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db}"],
                   check=True, capture_output=True)
    before = _server_cpu()
    m = measure("peer: mariadb client import", [client, *mysql_args(), db], stdin_path=dump, input_mb=size_mb)
    after = _server_cpu()
    server = f"server CPU {after - before:,.1f} s; " if before is not None and after is not None else ""
    m.detail = (m.detail + f" ({server}client RSS only; the server does the work)").strip()
    subprocess.run([client, *mysql_args(), "-e", f"DROP DATABASE IF EXISTS {db}"], check=False,
                   capture_output=True)
    return m


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=70000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=HERE / "worlds")
    ap.add_argument("--skip-peer", action="store_true", help="do not run the MariaDB import peer")
    ap.add_argument("--keep", action="store_true", help="keep the generated world and operation")
    ap.add_argument("--dump", type=Path, help="measure this dump instead of generating a world")
    ap.add_argument("--workers", type=int, help="RESCUE_INGEST_WORKERS for the ingest (1: sequential)")
    args = ap.parse_args()
    rescue = [sys.executable, "-m", "rescue.cli"]
    world = args.work / f"world-{args.members}"
    op = args.work / f"op-{args.members}"
    for p in (op,) if args.dump else (world, op):
        shutil.rmtree(p, ignore_errors=True)
    args.work.mkdir(parents=True, exist_ok=True)
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())  # other work on the machine skews wall times
    results: list[Measure] = []
    if args.dump:
        dump = args.dump
    else:
        results.append(measure(f"rescue synth --members {args.members}",
                               [*rescue, "synth", "--members", str(args.members), "--seed", str(args.seed),
                                "--out", str(world)]))
        dump = world / "forum" / "phpbb.sql"
    size_mb = dump.stat().st_size / 1e6 if dump.exists() else 0.0
    subprocess.run([*rescue, "init", str(op)], check=True, capture_output=True)
    env = {"RESCUE_INGEST_WORKERS": str(args.workers)} if args.workers else None
    label = "rescue ingest (phpBB dump)" + (f", {args.workers} worker(s)" if args.workers else "")
    ingest_at = len(results)
    results.append(measure(label, [*rescue, "ingest", str(op), str(dump)], input_mb=size_mb, env=env))
    if not args.skip_peer and dump.exists():
        if mariadb_available():
            results.append(mariadb_import(dump, size_mb))
        else:
            results.append(Measure("peer: mariadb client import", 0, 0, False, "no MariaDB server reachable"))
    ratio = None
    ours, peer = results[ingest_at], results[-1]
    if peer.stage.startswith("peer") and peer.ok and ours.ok and peer.seconds:
        ratio = round(ours.seconds / peer.seconds, 3)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    report = {
        "date": stamp, "members": args.members, "seed": args.seed, "dump_mb": round(size_mb, 1),
        "dump": str(dump) if args.dump else None, "load_average_before": load_before,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "results": [asdict(r) for r in results], "ingest_over_mariadb": ratio,
    }
    RESULTS.mkdir(exist_ok=True)
    base = RESULTS / (f"{stamp}-{args.members}" if not args.dump else f"{stamp}-{args.dump.stem}-{round(size_mb)}mb")
    base.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    what = f"{dump}" if args.dump else f"{args.members:,} members"
    lines = [f"# Benchmark {stamp}: {what}, dump {size_mb:,.1f} MB, {os.cpu_count()} cores, "
             f"load average before {load_before}", "",
             "| stage | seconds | CPU s | peak RSS (MB) | tree RSS (MB) | MB/s | ok | note |",
             "|---|---:|---:|---:|---:|---:|---|---|"]
    for r in results:
        tree = "" if r.peak_tree_rss_mb is None else f"{r.peak_tree_rss_mb:,.0f}"
        cpu = "" if r.cpu_seconds is None else f"{r.cpu_seconds:,.1f}"
        lines.append(f"| {r.stage} | {r.seconds:,.1f} | {cpu} | {r.peak_rss_mb:,.0f} | {tree} | "
                     f"{'' if r.mb_per_s is None else f'{r.mb_per_s:,.1f}'} | {'yes' if r.ok else 'NO'} | {r.detail} |")
    if ratio is not None:
        lines += ["", f"rescue ingest time / MariaDB import time = **{ratio}** (target ≤ 0.5)"]
    base.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    if not args.keep:
        if not args.dump:
            shutil.rmtree(world, ignore_errors=True)
        shutil.rmtree(op, ignore_errors=True)
    return 0 if all(r.ok or r.stage.startswith("peer") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
