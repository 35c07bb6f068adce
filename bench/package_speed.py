"""Package speed: every country's package in every format from an analysed operation.

    python bench/package_speed.py [--members 5000] [--seed 5] [--work bench/worlds] [--op DIR] [--workers 2]
                                  [--name 70k] [--report-tier High] [--report-top 10]

Without ``--op`` it generates a synthetic world (``rescue synth``), ingests and analyses it (once; kept under
``--work``), then drafts all packages — JSON, PDF, CSV, XLSX, FollowTheMoney, i2 — with ``rescue package`` in
a copy of the operation with a fresh workflow store, so that every country gets a full package. The command
runs under ``/usr/bin/time -v`` (wall, user and system CPU of the process and its render workers, the largest
single-process peak RSS) while a sampler adds up the RSS of the whole process tree every 0.5 s (peak of the
tree: parent and workers together). Per format, CPU on the largest country (its first 2,000 reports read back
from package.json and written again, format by format).

Targets: issue 7, 4,000 person reports over 30+ countries in ≤ 120 s on 2 cores; at 70k members (issue 10's
5-minute end-to-end budget), the package stage in ≤ 60 s wall with ≤ 2 GB RSS for the whole tree.
Results: bench/results/<date>-packages-<name>.json and .md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
TARGET_SECONDS = 120.0  # issue 7 (4,000 reports)
TARGET_70K_SECONDS = 60.0
TARGET_TREE_MB = 2048.0
PROBE_REPORTS = 2000


def _rescue(*args: str) -> None:
    exe = Path(sys.executable).with_name("rescue")
    subprocess.run([str(exe), *args], check=True, stdout=subprocess.DEVNULL)


def prepare(work: Path, members: int, seed: int) -> Path:
    world, op = work / f"world-{members}-{seed}", work / f"op-{members}-{seed}"
    if (op / "store.duckdb").is_file() and (op / ".analysed").is_file():
        return op
    shutil.rmtree(op, ignore_errors=True)
    if not (world / "forum" / "phpbb.sql").is_file():
        _rescue("synth", "--members", str(members), "--seed", str(seed), "--out", str(world))
    _rescue("init", str(op), "--name", f"bench-{members}", "--agency", "BENCH")
    _rescue("ingest", str(op), str(world / "forum" / "phpbb.sql"))
    _rescue("analyse", str(op))
    (op / ".analysed").touch()
    return op


def _tree_rss_mb(root: int) -> float:
    """RSS of ``root`` and all its descendants (from /proc), in MB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            pid, ppid = int(d.name), int(fields[1])
            rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            children.setdefault(ppid, []).append(pid)
        except (OSError, ValueError, IndexError):
            continue
    total, todo = 0, [root]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total / 2**20


def _timed(cmd: list[str]) -> dict[str, Any]:
    """Run ``cmd`` under /usr/bin/time -v; wall, CPU, peak RSS, and the peak RSS of the whole process tree."""
    proc = subprocess.Popen(["/usr/bin/time", "-v", *cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    peak = [0.0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_mb(proc.pid))
            time.sleep(0.5)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, err = proc.communicate()
    t.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")

    def field(name: str) -> str:
        m = re.search(rf"{re.escape(name)}: (.+)", err)
        return m.group(1).strip() if m else ""

    parts = [float(x) for x in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")]
    wall = sum(v * 60 ** i for i, v in enumerate(reversed(parts)))
    user, system = float(field("User time (seconds)")), float(field("System time (seconds)"))
    return {"wall_seconds": round(wall, 1), "cpu_seconds": round(user + system, 1), "user_seconds": user,
            "system_seconds": system, "max_process_rss_mb": round(int(field("Maximum resident set size (kbytes)"))
                                                                 / 1024, 1),
            "peak_tree_rss_mb": round(peak[0], 1), "stdout": out}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--work", type=Path, default=HERE / "worlds")
    ap.add_argument("--op", type=Path, help="an analysed operation folder (copied; not changed)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--name", help="results file name part (default: the number of person reports)")
    ap.add_argument("--report-tier", default="High")
    ap.add_argument("--report-top", type=int, default=10)
    args = ap.parse_args()

    from rescue.package.render import render_doc
    from rescue.workflow import open_workflow
    from rescue.workflow.users import add_user

    src = args.op or prepare(args.work, args.members, args.seed)
    run = args.work / "package-run"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    for name in ("operation.toml", "store.duckdb"):
        shutil.copy2(src / name, run / name)
    shutil.copytree(src / "evidence", run / "evidence")
    (run / "packages").mkdir()
    wf = open_workflow(run)
    with wf.session() as s:
        add_user(s, "bench", "analyst")
    wf.close()

    exe = str(Path(sys.executable).with_name("rescue"))
    load_before = os.getloadavg()
    m = _timed([exe, "package", str(run), "--by", "bench", "--workers", str(args.workers), "--report-tier",
                args.report_tier, "--report-top", str(args.report_top)])
    load_after = os.getloadavg()
    from rescue.package import list_releases

    drafts = list_releases(run)
    persons = sum(d.persons for d in drafts)
    manifests = {d.country: json.loads((run / d.path / "manifest.json").read_text()) for d in drafts}
    biggest = max(drafts, key=lambda d: d.persons)
    summaries, lead, full = {}, 0, 0
    from pypdf import PdfReader

    pdf_pages = 0
    for d in drafts:
        with (run / d.path / "package.json").open("rb") as fh:  # the summary line only (package.json layout)
            for line in fh:
                if line.startswith(b'"summary":'):
                    summaries[d.country] = json.loads(line[len(b'"summary":'):].rstrip(b",\n"))
                    break
        lead += summaries[d.country]["lead"]
        full += summaries[d.country]["full_reports"]
        pdf_pages += len(PdfReader(run / d.path / "package.pdf").pages)
    size = sum(f["bytes"] for man in manifests.values() for f in man["files"])
    # per format, on the largest country: its first PROBE_REPORTS reports through each writer alone
    doc = json.loads((run / biggest.path / "package.json").read_text(encoding="utf-8"))
    keep = {r["person_id"] for r in doc["persons"][:PROBE_REPORTS]}
    doc["persons"] = doc["persons"][:PROBE_REPORTS]
    doc["summary"]["priority"] = [p for p in doc["summary"]["priority"] if p["person_id"] in keep]
    doc["index"] = [i for i in doc["index"] if i["person_id"] in keep]
    doc["annex"] = {k: ([x for x in v if x["related_person"] in keep] if isinstance(v, list) else v)
                    for k, v in doc["annex"].items()}
    per_format: dict[str, float] = {}
    for fmt in ("json", "pdf", "csv", "xlsx", "ftm", "i2"):
        t = time.process_time()
        render_doc(doc, run / "format-probe" / fmt, (fmt,))
        per_format[fmt] = round(time.process_time() - t, 2)
    probe_full = sum(1 for p in doc["summary"]["priority"] if p["full_report"])
    del doc
    said = " ".join(m["stdout"].split())  # the console may wrap the line
    steps = re.search(r"\(stage ([\d.]+) s, render ([\d.]+) s", said)
    phases = re.search(r"render CPU s: ([^)]*)\)", said)
    render_cpu = {k: float(v) for k, v in (x.rsplit(" ", 1) for x in phases.group(1).split(", "))} if phases else {}
    out = {
        "date": dt.date.today().isoformat(), "machine": f"{platform.machine()} {os.cpu_count()} CPUs",
        "python": platform.python_version(), "operation": str(src), "workers": args.workers,
        "report_selection": {"tier": args.report_tier, "top": args.report_top},
        "countries": len(drafts), "person_reports": persons, "lead_reports": lead,
        "deconfliction_notices": persons - lead, "full_reports_pdf": full, "pdf_pages": pdf_pages,
        "bytes_written": size, "wall_seconds": m["wall_seconds"], "cpu_seconds": m["cpu_seconds"],
        "user_seconds": m["user_seconds"], "system_seconds": m["system_seconds"],
        "max_process_rss_mb": m["max_process_rss_mb"], "peak_tree_rss_mb": m["peak_tree_rss_mb"],
        "step_seconds": {"stage": float(steps.group(1)), "render": float(steps.group(2))} if steps else {},
        "render_cpu_seconds": render_cpu,
        "largest_country": {"ref": biggest.ref, "persons": biggest.persons, "probe_reports": len(keep),
                            "probe_full_reports": probe_full, "cpu_seconds_per_format": per_format},
        "target_seconds": TARGET_SECONDS if persons < 20000 else TARGET_70K_SECONDS,
        "ratio_to_target": round(m["wall_seconds"] / (TARGET_SECONDS if persons < 20000 else TARGET_70K_SECONDS), 3),
        "cpu_per_2_cores_ratio_to_target": round(m["cpu_seconds"] / 2 / (TARGET_SECONDS if persons < 20000
                                                                         else TARGET_70K_SECONDS), 3),
        "load_average_before_after": [round(load_before[0], 1), round(load_after[0], 1)],
    }
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"{out['date']}-packages-{args.name or persons}"
    stem.with_suffix(".json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    md = [f"# Packages: {persons:,} person reports, {len(drafts)} countries ({out['date']})", "",
          "| measure | value |", "|---|---|"]
    md += [f"| {k} | {v} |" for k, v in out.items() if not isinstance(v, dict)]
    md += [f"| step {k} (s) | {v} |" for k, v in out["step_seconds"].items()]  # type: ignore[union-attr]
    md += [f"| render CPU, all countries: {k} (s) | {v} |" for k, v in render_cpu.items()]
    md += [f"| {biggest.ref} first {len(keep)} reports ({probe_full} full): {k} CPU (s) | {v} |"
           for k, v in per_format.items()]
    stem.with_suffix(".md").write_text("\n".join(md) + "\n", encoding="utf-8")
    print("\n".join(md))


if __name__ == "__main__":
    main()
