"""Benchmarks: each stage as its own process, wall time and peak RSS, peers side by side.

    python bench/run.py [--members 70000 | --large] [--seed 1] [--work bench/worlds] [--skip-peer] [--keep]
                        [--engines duckdb,spark] [--ingest-only]
    python bench/run.py --dump DUMP.sql [--workers N] [--skip-peer]   # an existing dump instead of synth
    python bench/run.py --software mybb --ingest-only   # the world written as another software's dump

Stages, end to end: `rescue synth` (70,000 members, or 1,800,000 with ``--large``), `rescue ingest` of
its phpBB dump, `rescue analyse` (on each engine of ``--engines``; a second engine analyses a copy of
the ingested operation), and `rescue package` (when that command exists on this checkout; otherwise
the row says it was skipped). Peers, side by side in the same run: importing the same dump into
MariaDB with the `mariadb` client (when a server answers on RESCUE_BENCH_MYSQL, default
`-h 127.0.0.1 -u rescue -prescue`), and a Splink-only linkage of the same accounts
(bench/identity_baseline.py, when present). ``--workers`` sets RESCUE_INGEST_WORKERS for the ingest
(1: sequential). Peak RSS is the stage process's own; "tree" is the largest sum over the process and
its children (ingest workers, the Spark JVM and its Python workers), sampled. The end-to-end figure is
ingest + analyse (DuckDB) + package, against the targets (70k: 5 minutes; 1.8M: 60 minutes and 16 GB).
``--software X`` writes the world as that forum software's dump (`rescue synth --software`); the
MariaDB peer runs for MySQL dumps only.
Results go to bench/results/<date>-<members>.json and .md; docs/performance.md explains them.
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
from typing import Any

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
    skipped: bool = False


PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
TICK = os.sysconf("SC_CLK_TCK")


def procs() -> dict[int, tuple[int, int, float]]:
    """pid -> (parent pid, RSS KiB, CPU seconds) of every process (Linux /proc)."""
    out: dict[int, tuple[int, int, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        out[int(entry)] = (int(fields[1]), int(fields[21]) * PAGE_KB, (int(fields[11]) + int(fields[12])) / TICK)
    return out


def tree_pids(table: dict[int, tuple[int, int, float]], root: int) -> list[int]:
    """``root`` and all its descendants in a ``procs()`` table."""
    children: dict[int, list[int]] = {}
    for p, (pp, _rss, _cpu) in table.items():
        children.setdefault(pp, []).append(p)
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def _tree_rss_kb(pid: int) -> int:
    """Resident set of ``pid`` and all its descendants, in KiB."""
    table = procs()
    return sum(table[p][1] for p in tree_pids(table, pid) if p in table)


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


def package_available(rescue: list[str]) -> bool:
    r = subprocess.run([*rescue, "package", "--help"], capture_output=True, check=False)
    return r.returncode == 0


def package_stage(rescue: list[str], op: Path) -> Measure:
    """`rescue package DIR --by bench-analyst`: drafts of every country's package (the analyst is added to the
    operation's workflow store first, untimed)."""
    subprocess.run([*rescue, "users", "add", str(op), "bench-analyst", "--role", "analyst"], check=False,
                   capture_output=True, stdin=subprocess.DEVNULL)
    return measure("rescue package", [*rescue, "package", str(op), "--by", "bench-analyst"])


LARGE = 1_800_000
TARGETS = {"small": (300.0, None), "large": (3600.0, 16 * 1024.0)}   # seconds, peak RSS MB (end to end)


def end_to_end(results: list[Measure], members: int) -> dict[str, Any]:
    """ingest + analyse (DuckDB) + package: total wall time and the largest peak (tree) RSS, against the target."""
    parts = [r for r in results if not r.skipped and (r.stage.startswith("rescue ingest") or r.stage.startswith(
        "rescue package") or r.stage == "rescue analyse --engine duckdb")]
    secs = round(sum(r.seconds for r in parts), 1)
    peak = max((max(r.peak_rss_mb, r.peak_tree_rss_mb or 0.0) for r in parts), default=0.0)
    t_secs, t_rss = TARGETS["large" if members >= LARGE else "small"]
    met = all(r.ok for r in parts) and secs <= t_secs and (t_rss is None or peak <= t_rss)
    return {"stages": [r.stage for r in parts], "seconds": secs, "peak_rss_mb": peak, "target_seconds": t_secs,
            "target_peak_rss_mb": t_rss, "met": met,
            "complete": any(r.stage.startswith("rescue package") for r in parts)}


def identity_peer(baseline: Path, op: Path, truth: Path) -> Measure:
    """bench/identity_baseline.py (identity resolution against Splink alone, same accounts); its own JSON gives
    the Splink-only figures, which replace the script's totals when present."""
    out = op.with_name(f"{op.name}-identity.json")
    m = measure("peer: Splink-only linkage", [sys.executable, str(baseline), str(op), "--truth", str(truth),
                                              "--out", str(out)])
    try:
        data = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return m
    splink = data.get("splink") if isinstance(data, dict) else None
    if isinstance(splink, dict) and isinstance(splink.get("seconds"), int | float):
        m.detail = (f"Splink alone: {splink['seconds']:.1f} s, peak RSS {splink.get('peak_rss_mb', '?')} MB; "
                    f"whole script {m.seconds:.1f} s (also runs identity resolution alone)")
        ours = data.get("ours")
        if isinstance(ours, dict) and isinstance(ours.get("seconds"), int | float):
            m.detail += f"; identity resolution alone {ours['seconds']:.1f} s (ratio {data.get('time_ratio')})"
        m.seconds = float(splink["seconds"])
        m.peak_rss_mb = float(splink.get("peak_rss_mb") or m.peak_rss_mb)
    return m


def analyse_stages(rescue: list[str], op: Path, engines: list[str]) -> list[Measure]:
    """`rescue analyse` on each engine; engines after the first analyse a copy of the ingested operation."""
    out: list[Measure] = []
    copies = {}
    for e in engines[1:]:
        copies[e] = op.with_name(f"{op.name}-{e}")
        shutil.rmtree(copies[e], ignore_errors=True)
        shutil.copytree(op, copies[e])
    env = {"RESCUE_SPARK_MEMORY": os.environ.get("RESCUE_SPARK_MEMORY", "4g")}
    for e in engines:
        out.append(measure(f"rescue analyse --engine {e}", [*rescue, "analyse", str(copies.get(e, op)),
                                                              "--engine", e], env=env))
    for c in copies.values():
        shutil.rmtree(c, ignore_errors=True)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=70000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=HERE / "worlds")
    ap.add_argument("--skip-peer", action="store_true", help="do not run the MariaDB import peer")
    ap.add_argument("--keep", action="store_true", help="keep the generated world and operation")
    ap.add_argument("--dump", type=Path, help="measure this dump instead of generating a world")
    ap.add_argument("--workers", type=int, help="RESCUE_INGEST_WORKERS for the ingest (1: sequential)")
    ap.add_argument("--large", action="store_true", help=f"{LARGE:,} members (Kidflix scale) instead of --members")
    ap.add_argument("--engines", default="duckdb", help="analyse on each of these engines (duckdb,spark)")
    ap.add_argument("--ingest-only", action="store_true", help="stop after ingest and its peer")
    ap.add_argument("--software", default="phpbb", help="forum software of the synthetic dump (rescue synth "
                    "--software); the MariaDB peer runs for MySQL dumps only")
    args = ap.parse_args()
    if args.large:
        args.members = LARGE
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
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
                                "--out", str(world), "--software", args.software]))
        dump = world / "forum" / f"{args.software}.sql"
    size_mb = dump.stat().st_size / 1e6 if dump.exists() else 0.0
    subprocess.run([*rescue, "init", str(op)], check=True, capture_output=True)
    env = {"RESCUE_INGEST_WORKERS": str(args.workers)} if args.workers else None
    label = f"rescue ingest ({args.software} dump)" + (f", {args.workers} worker(s)" if args.workers else "")
    ingest_at = len(results)
    results.append(measure(label, [*rescue, "ingest", str(op), str(dump)], input_mb=size_mb, env=env))
    if not args.skip_peer and dump.exists():
        if args.software == "discourse":
            results.append(Measure("peer: mariadb client import", 0, 0, False, "a pg_dump: no MariaDB peer",
                                   skipped=True))
        elif mariadb_available():
            results.append(mariadb_import(dump, size_mb))
        else:
            results.append(Measure("peer: mariadb client import", 0, 0, False, "no MariaDB server reachable"))
    ratio = None
    ours, peer = results[ingest_at], results[-1]
    if peer.stage.startswith("peer") and peer.ok and ours.ok and peer.seconds:
        ratio = round(ours.seconds / peer.seconds, 3)
    linkage_ratio = None
    if not args.ingest_only and ours.ok:
        results += analyse_stages(rescue, op, engines)
        baseline = HERE / "identity_baseline.py"
        if not args.skip_peer:
            truth = dump.parent.parent / "truth"
            if baseline.is_file() and truth.is_dir():
                results.append(identity_peer(baseline, op, truth))
            elif baseline.is_file():
                results.append(Measure("peer: Splink-only linkage", 0, 0, False, f"no truth folder {truth}",
                                       skipped=True))
            else:
                results.append(Measure("peer: Splink-only linkage", 0, 0, False, "bench/identity_baseline.py "
                                       "not on this checkout yet", skipped=True))
        if package_available(rescue):
            results.append(package_stage(rescue, op))
        else:
            results.append(Measure("rescue package", 0, 0, False, "`rescue package` not on this checkout yet: "
                                   "skipped", skipped=True))
        ident = next((r for r in results if r.stage == "peer: Splink-only linkage" and r.ok), None)
        ana = next((r for r in results if r.stage == "rescue analyse --engine duckdb" and r.ok), None)
        if ident and ana and ident.seconds:
            linkage_ratio = round(ana.seconds / ident.seconds, 3)
    e2e = end_to_end(results, args.members)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    report = {
        "date": stamp, "members": args.members, "seed": args.seed, "software": args.software,
        "dump_mb": round(size_mb, 1),
        "dump": str(dump) if args.dump else None, "load_average_before": load_before,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "results": [asdict(r) for r in results], "ingest_over_mariadb": ratio,
        "analyse_over_splink_only": linkage_ratio, "end_to_end": e2e,
    }
    RESULTS.mkdir(exist_ok=True)
    sw = "" if args.software == "phpbb" else f"{args.software}-"
    label = f"{stamp}-{sw}{args.members}" if not args.dump else f"{stamp}-{args.dump.stem}-{round(size_mb)}mb"
    base = RESULTS / (label if args.ingest_only else f"{label}-end-to-end")   # ingest-only runs keep their names
    base.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    what = f"{dump}" if args.dump else f"{args.members:,} members, {args.software}"
    lines = [f"# Benchmark {stamp}: {what}, dump {size_mb:,.1f} MB, {os.cpu_count()} cores, "
             f"load average before {load_before}", "",
             "| stage | seconds | CPU s | peak RSS (MB) | tree RSS (MB) | MB/s | ok | note |",
             "|---|---:|---:|---:|---:|---:|---|---|"]
    for r in results:
        tree = "" if r.peak_tree_rss_mb is None else f"{r.peak_tree_rss_mb:,.0f}"
        cpu = "" if r.cpu_seconds is None else f"{r.cpu_seconds:,.1f}"
        ok = "skipped" if r.skipped else "yes" if r.ok else "NO"
        lines.append(f"| {r.stage} | {r.seconds:,.1f} | {cpu} | {r.peak_rss_mb:,.0f} | {tree} | "
                     f"{'' if r.mb_per_s is None else f'{r.mb_per_s:,.1f}'} | {ok} | {r.detail} |")
    if ratio is not None:
        lines += ["", f"rescue ingest time / MariaDB import time = **{ratio}** (target ≤ 0.5)"]
    if linkage_ratio is not None:
        lines += ["", f"rescue analyse (all steps) time / Splink-only linkage time = **{linkage_ratio}**"]
    if e2e["stages"]:
        rss = "" if e2e["target_peak_rss_mb"] is None else f", peak RSS ≤ {e2e['target_peak_rss_mb']:,.0f} MB"
        lines += ["", f"end to end ({' + '.join(map(str, e2e['stages']))}): **{e2e['seconds']:,.1f} s**, peak RSS "
                  f"{e2e['peak_rss_mb']:,.0f} MB; target ≤ {e2e['target_seconds']:,.0f} s{rss}: "
                  f"{'met' if e2e['met'] else 'missed'}" + ("" if e2e["complete"] else " (no package stage)")]
    base.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    if not args.keep:
        if not args.dump:
            shutil.rmtree(world, ignore_errors=True)
        shutil.rmtree(op, ignore_errors=True)
    return 0 if all(r.ok or r.skipped or r.stage.startswith("peer") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
