"""Identity resolution at growing sizes: wall time, CPU time and peak RSS, step by step.

    python bench/identity_scale.py build OP_DIR OUT_DIR --copies K     # a K-times larger bench input
    python bench/identity_scale.py run OP_DIR [OP_DIR ...] [--out bench/results/NAME.json]

``build`` makes a **replicated bench input** from an analysed operation: every table identity
resolution reads (accounts, posts, messages, selectors, e-mail and address enrichment, IP log, account
signals, person_accounts) is copied K times. Copy r > 0 is perturbed so that it is K different
populations, not K copies of one: account ids, selector values and addresses get a suffix ``~r``, user
names a letter suffix, time-zone settings a suffix (so no two copies agree on a time zone), birth dates
move by r × 400 days, all times by r × 5 hours, and the letters of every text are rotated by r (so that
function words differ between copies and writing style compares within a copy). It is labelled as such
in the results: the figures measure memory and time, not accuracy.

``run`` measures ``rescue.identity.resolve_operation`` on each operation in its own process: wall and
CPU seconds, peak RSS of the process after each step (``ru_maxrss``), the step times and the number of
profiles compared by writing style. The operations are modified (identity tables replaced).
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
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
LOWER = "abcdefghijklmnopqrstuvwxyz"
UPPER = LOWER.upper()

# table -> replacements for copy r (SQL, {r} filled in); columns not named are copied as they are
PERTURB: dict[str, dict[str, str]] = {
    "accounts": {"account_id": "account_id || '~{r}'", "username": "username || '{suffix}'",
                 "email": "replace(email, '@', '~{r}@')", "timezone": "timezone || ' ~{r}'",
                 "birth_date": "birth_date + INTERVAL ({r} * 400) DAY",
                 "registered_at": "registered_at + INTERVAL ({r} * 5) HOUR",
                 "last_visit_at": "last_visit_at + INTERVAL ({r} * 5) HOUR"},
    "posts": {"account_id": "account_id || '~{r}'", "post_id": "post_id || '~{r}'", "body_raw": "NULL",
              "posted_at": "posted_at + INTERVAL ({r} * 5) HOUR", "body_text": "translate(body_text, '{frm}', '{to}')"},
    "messages": {"sender_account_id": "sender_account_id || '~{r}'", "message_id": "message_id || '~{r}'",
                 "body_raw": "NULL", "sent_at": "sent_at + INTERVAL ({r} * 5) HOUR",
                 "body_text": "translate(body_text, '{frm}', '{to}')"},
    "selectors": {"account_id": "account_id || '~{r}'", "value": "value || '~{r}'"},
    "email_enrichment": {"email": "email || '~{r}'"},
    "ip_events": {"account_id": "account_id || '~{r}'", "ip": "ip || '~{r}'",
                  "seen_at": "seen_at + INTERVAL ({r} * 5) HOUR"},
    "ip_enrichment": {"ip": "ip || '~{r}'"},
    "account_signals": {"account_id": "account_id || '~{r}'", "timezone": "timezone || ' ~{r}'"},
    "person_accounts": {"account_id": "account_id || '~{r}'", "person_id": "person_id || '~{r}'"},
}


def _suffix(r: int) -> str:
    return "" if r == 0 else "q" + LOWER[r % 26] + LOWER[(r // 26) % 26]


def build(op_dir: Path, out_dir: Path, copies: int) -> dict[str, Any]:
    import duckdb

    out_dir.mkdir(parents=True, exist_ok=False)
    shutil.copy(op_dir / "operation.toml", out_dir / "operation.toml")
    (out_dir / "evidence").mkdir()
    t0 = time.perf_counter()
    con = duckdb.connect(str(out_dir / "store.duckdb"))
    try:
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"ATTACH '{op_dir / 'store.duckdb'}' AS src (READ_ONLY)")
        rows: dict[str, int] = {}
        for table, repl in PERTURB.items():
            for r in range(copies):
                if r == 0:
                    sql = f"SELECT * FROM src.{table}"
                else:
                    shift = r % 26
                    fill = {"r": str(r), "suffix": _suffix(r), "frm": LOWER + UPPER,
                            "to": LOWER[shift:] + LOWER[:shift] + UPPER[shift:] + UPPER[:shift]}
                    sql = "SELECT * REPLACE (" + ", ".join(f"{v.format(**fill)} AS {k}" for k, v in repl.items()) \
                        + f") FROM src.{table}"
                con.execute(f"CREATE TABLE {table} AS {sql}" if r == 0 else f"INSERT INTO {table} {sql}")
            rows[table] = int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
        con.execute("DETACH src")
    finally:
        con.close()
    return {"op_dir": str(op_dir), "out": str(out_dir), "copies": copies, "rows": rows,
            "seconds": round(time.perf_counter() - t0, 1)}


def _child(op_dir: Path, result: Path) -> int:
    from rescue.identity import resolve_operation
    from rescue.identity.resolve import STEPS

    rss: dict[str, float] = {}

    def progress(_stage: str, done: int, _total: int) -> None:
        rss[STEPS[done - 1]] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    t0 = time.perf_counter()
    summary = resolve_operation(op_dir, progress=progress)
    out = {"seconds": round(time.perf_counter() - t0, 2), "step_seconds": summary.step_seconds,
           "peak_rss_mb_after_step": rss, "accounts": summary.accounts, "persons": summary.persons,
           "style_accounts": summary.style_accounts, "links": summary.links, "merged_pairs": summary.merged_pairs,
           "largest_person": summary.largest_person}
    result.write_text(json.dumps(out, sort_keys=True), encoding="utf-8")
    return 0


def measure(op_dir: Path) -> dict[str, Any]:
    result = Path(os.environ.get("TMPDIR", "/tmp")) / f"identity-scale-{os.getpid()}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(op_dir), str(result)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0 or not result.is_file():
        raise SystemExit(f"identity_scale: the run on {op_dir} failed (exit {code})")
    out: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    result.unlink()
    out.update(op_dir=str(op_dir), process_seconds=round(time.perf_counter() - t0, 2),
               cpu_seconds=round(usage.ru_utime + usage.ru_stime, 2), peak_rss_mb=round(usage.ru_maxrss / 1024, 1),
               load=round(os.getloadavg()[0], 1))
    return out


def _markdown(r: dict[str, Any]) -> str:
    lines = [f"# Identity resolution at growing sizes ({r['date']})", "", r["note"], "",
             "| operation | accounts | style profiles | seconds | CPU s | peak RSS MB | peak RSS after each step (MB) "
             "| step seconds | load |", "|---|---|---|---|---|---|---|---|---|"]
    for m in r["runs"]:
        lines.append(f"| `{m['op_dir']}` | {m['accounts']:,} | {m['style_accounts']:,} | {m['seconds']} | "
                     f"{m['cpu_seconds']} | {m['peak_rss_mb']} | {m['peak_rss_mb_after_step']} | "
                     f"{m['step_seconds']} | {m['load']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        return _child(Path(argv[1]), Path(argv[2]))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="a replicated bench input")
    b.add_argument("op_dir", type=Path)
    b.add_argument("out_dir", type=Path)
    b.add_argument("--copies", type=int, required=True)
    r = sub.add_parser("run", help="measure resolution on each operation")
    r.add_argument("op_dirs", type=Path, nargs="+")
    r.add_argument("--out", type=Path, default=None)
    r.add_argument("--note", default="")
    a = p.parse_args(argv)
    if a.cmd == "build":
        sys.stdout.write(json.dumps(build(a.op_dir, a.out_dir, a.copies), indent=2) + "\n")
        return 0
    runs = [measure(op) for op in a.op_dirs]
    result = {"bench": "identity-scale", "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores", "note": a.note, "runs": runs}
    out = a.out or RESULTS / f"{dt.date.today()}-identity-scale.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(_markdown(result), encoding="utf-8")
    sys.stdout.write(_markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
