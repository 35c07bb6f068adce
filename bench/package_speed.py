"""Package speed: every country's package in every format from an analysed operation.

    python bench/package_speed.py [--members 5000] [--seed 5] [--work bench/worlds] [--op DIR] [--workers 2]

Without ``--op`` it generates a synthetic world (``rescue synth``), ingests and analyses it (once; kept under
``--work``), then drafts all packages — JSON, PDF, CSV, XLSX, FollowTheMoney, i2 — in a fresh copy of the
operation's workflow store, so that every country gets a full package. The target (issue 7): 4,000 person
reports over 30+ countries in at most 120 s on 2 cores; the result gives the ratio to it. Wall and CPU time
(process and render workers), per step and per format (formats measured one by one on the largest country).
Results: bench/results/<date>-packages-<persons>.json and .md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
TARGET_SECONDS = 120.0


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--members", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--work", type=Path, default=HERE / "worlds")
    ap.add_argument("--op", type=Path, help="an analysed operation folder (copied; not changed)")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    from rescue.package import build_drafts
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

    load_before = os.getloadavg()
    cpu0, t0 = _cpu(), time.perf_counter()
    result = build_drafts(run, by="bench", workers=args.workers)
    wall, cpu = time.perf_counter() - t0, _cpu() - cpu0
    load_after = os.getloadavg()
    biggest = max(result.drafts, key=lambda d: d.persons)
    doc = json.loads((biggest.path / "package.json").read_text(encoding="utf-8"))
    per_format: dict[str, float] = {}
    for fmt in ("json", "pdf", "csv", "xlsx", "ftm", "i2"):
        t = time.process_time()
        render_doc(doc, run / "format-probe" / fmt, (fmt,))
        per_format[fmt] = round(time.process_time() - t, 2)
    pdf_pages = 0
    from pypdf import PdfReader

    for d in result.drafts:
        pdf_pages += len(PdfReader(d.path / "package.pdf").pages)
    size = sum(p.stat().st_size for p in (run / "packages").rglob("*") if p.is_file())
    out = {
        "date": dt.date.today().isoformat(), "machine": f"{platform.machine()} {os.cpu_count()} CPUs",
        "python": platform.python_version(), "operation": str(src), "workers": args.workers,
        "countries": len(result.drafts), "person_reports": result.persons,
        "lead_reports": sum(json.loads((d.path / "package.json").read_text())["summary"]["lead"]
                            for d in result.drafts),
        "pdf_pages": pdf_pages, "bytes_written": size, "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1), "step_seconds": {k: round(v, 1) for k, v in result.step_seconds.items()},
        "largest_country": {"ref": biggest.ref, "persons": biggest.persons, "cpu_seconds_per_format": per_format},
        "target_seconds": TARGET_SECONDS, "ratio_to_target": round(wall / TARGET_SECONDS, 3),
        "load_average_before_after": [round(load_before[0], 1), round(load_after[0], 1)],
    }
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"{out['date']}-packages-{result.persons}"
    stem.with_suffix(".json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    md = [f"# Packages: {result.persons:,} person reports, {len(result.drafts)} countries ({out['date']})", "",
          "| measure | value |", "|---|---|"]
    md += [f"| {k} | {v} |" for k, v in out.items() if not isinstance(v, dict)]
    md += [f"| step {k} (s) | {v} |" for k, v in out["step_seconds"].items()]  # type: ignore[union-attr]
    md += [f"| {biggest.ref} {k} CPU (s) | {v} |" for k, v in per_format.items()]
    stem.with_suffix(".md").write_text("\n".join(md) + "\n", encoding="utf-8")
    print("\n".join(md))


if __name__ == "__main__":
    main()
