"""Identity resolution against a Splink-only baseline, on the same account table, in the same run.

    python bench/identity_baseline.py OP_DIR --truth WORLD/truth [--out bench/results/NAME.json] [--threshold 0.95]

OP_DIR is an operation analysed by `rescue analyse` (identity resolution included). Two measurements, each
in its own process (wall time, CPU time and peak RSS from ``wait4``):

- **ours**: `rescue.identity.resolve_operation` — selectors, household addresses, Splink over the account
  attributes, writing style, chaining guard, tables — on the operation's store;
- **splink**: Splink 5 (DuckDB backend) with ordinary settings on the store's account table: user name
  (``NameComparison``), registration e-mail (``EmailComparison``), birth date (``DateOfBirthComparison``),
  declared location and time-zone setting (exact); the prior from deterministic rules on the e-mail; u by
  random sampling; m by EM blocked on the user name, then the birth date; predictions blocked on user name,
  e-mail or birth date; clusters at ``--threshold`` (Splink's usual 0.95). The F1 at other thresholds of
  the same predictions is reported too, so the comparison is against Splink's best threshold as well.

Splink's result depends on the order of its input rows (its random sampling of u with a fixed seed, and EM
from there): on the 84,000-account store of seed 1 it gives F1 0.311 with the other forum's rows first and
0.171 with the seized forum's first. So it runs twice, the sources in either order, and ours is compared
with the better run. Both are scored with the same pairwise and B-cubed figures against the truth.
Prints the JSON result and writes it (and a short .md) to ``--out`` (default
``bench/results/<date>-identity-<accounts>.json``).
``main(argv)`` returns 0 on success; bench/run.py may call it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.999)


def _account_table(store: Path, reverse: bool = False) -> tuple[Any, list[tuple[str, str]]]:
    """The store's accounts (not guests or bots) as Splink input: one row per account, text columns; the
    sources in the order of their ids (``reverse``: the other way round)."""
    import duckdb
    import pyarrow as pa

    con = duckdb.connect(str(store), read_only=True)
    try:
        rows = con.execute("""
            SELECT source_id, account_id, username, lower(email), CAST(birth_date AS VARCHAR),
                   nullif(lower(trim(location)), ''), nullif(trim(timezone), '')
            FROM accounts WHERE account_id IS NOT NULL AND NOT coalesce(is_guest, FALSE)
                AND NOT coalesce(is_bot, FALSE)
            ORDER BY source_id {}, account_id""".format("DESC" if reverse else "ASC")).fetchall()
    finally:
        con.close()
    keys = [(str(r[0]), str(r[1])) for r in rows]
    cols = ("username", "email", "birth_date", "location", "timezone")
    table = pa.table({"unique_id": pa.array(range(len(rows)), pa.int64()),
                      **{c: pa.array([r[2 + i] for r in rows], pa.string()) for i, c in enumerate(cols)}})
    return table, keys


def run_splink(store: Path, threshold: float, reverse: bool = False) -> dict[str, Any]:
    """Splink with ordinary settings; returns the clusters at each threshold and the timings. Splink's
    result depends on the order of the rows (random sampling of u with a fixed seed, then EM from there):
    ``main`` runs it with the sources in both orders and compares against the better."""
    import logging

    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink.internals.exceptions import EMTrainingException

    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)
    t0 = time.perf_counter()
    table, keys = _account_table(store, reverse)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    db = DuckDBAPI(connection=con)
    sdf = db.register(table, dataset_display_name="accounts")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.NameComparison("username"), cl.EmailComparison("email"),
                     cl.DateOfBirthComparison("birth_date", input_is_string=True),
                     cl.ExactMatch("location"), cl.ExactMatch("timezone")],
        blocking_rules_to_generate_predictions=[block_on("username"), block_on("email"), block_on("birth_date")],
        retain_intermediate_calculation_columns=False)
    linker = Linker(sdf, settings)
    linker.training.estimate_probability_two_random_records_match([block_on("email")], recall=0.7)
    prior = float(linker._settings_obj._probability_two_random_records_match)
    if not 0.0 < prior < 1.0:  # no two accounts share an e-mail (one small forum): Splink's own default prior
        linker._settings_obj._probability_two_random_records_match = 0.0001
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    em_skipped: list[str] = []
    for rule in ("username", "birth_date"):
        try:   # EM on a small or degenerate block can underflow, and a block can be empty (user names are unique
            # within one forum): Splink then keeps the earlier estimates
            linker.training.estimate_parameters_using_expectation_maximisation(block_on(rule))
        except (ValueError, EMTrainingException) as exc:
            em_skipped.append(f"{rule}: {str(exc).splitlines()[0][:160]}")
    t_train = time.perf_counter()
    pred = linker.inference.predict(threshold_match_probability=min(THRESHOLDS), warning_mode="never")
    t_pred = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, threshold_match_probability=threshold)
    main = {int(u): str(c) for u, c in clusters.as_duckdbpyrelation().select("unique_id, cluster_id").fetchall()}
    t_cluster = time.perf_counter()
    others: dict[str, dict[int, str]] = {}
    for t in THRESHOLDS:
        if t != threshold:
            c = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, threshold_match_probability=t)
            others[str(t)] = {int(u): str(x) for u, x in c.as_duckdbpyrelation().select("unique_id, cluster_id")
                              .fetchall()}
    con.close()
    return {"keys": keys, "clusters": main, "other_thresholds": others, "em_skipped": em_skipped,
            "seconds": round(t_cluster - t0, 2),
            "step_seconds": {"load_and_train": round(t_train - t0, 2), "predict": round(t_pred - t_train, 2),
                             "cluster": round(t_cluster - t_pred, 2)}}


def _figures(keys: list[tuple[str, str]], clusters: dict[int, str], store: Path, truth_dir: Path) -> dict[str, Any]:
    import duckdb

    from rescue.identity.evaluate import partition_figures, store_forums, truth_accounts

    con = duckdb.connect(str(store), read_only=True)
    try:
        forum = store_forums(con, truth_dir)
    finally:
        con.close()
    truth = truth_accounts(truth_dir)
    predicted = {(forum.get(s, "?"), a): clusters.get(i, f"single-{i}") for i, (s, a) in enumerate(keys)}
    return partition_figures({k: v for k, v in predicted.items() if k in truth}, truth)


def _cpu() -> float:
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def _child(argv: list[str]) -> int:
    """One measurement in this process; writes its JSON to the file named by --result."""
    p = argparse.ArgumentParser()
    p.add_argument("which", choices=("ours", "splink", "splink-reversed"))
    p.add_argument("op_dir", type=Path)
    p.add_argument("--truth", type=Path, required=True)
    p.add_argument("--threshold", type=float, default=0.95)
    p.add_argument("--result", type=Path, required=True)
    a = p.parse_args(argv)
    store = a.op_dir / "store.duckdb"
    out: dict[str, Any]
    if a.which == "ours":
        import duckdb

        from rescue.identity import evaluate, load_config, resolve_operation

        t0, c0 = time.perf_counter(), _cpu()
        summary = resolve_operation(a.op_dir)
        seconds, section_cpu = time.perf_counter() - t0, _cpu() - c0
        con = duckdb.connect(str(store), read_only=True)
        try:
            figures = evaluate(con, a.truth, cfg=load_config(a.op_dir))
        finally:
            con.close()
        keep = ("accounts", "persons_predicted", "persons_true", "pairs_predicted", "pairs_true", "pairs_correct",
                "precision", "recall", "f1", "bcubed_precision", "bcubed_recall", "bcubed_f1", "largest_person",
                "largest_true_person", "false_merges", "style_only_aliases", "review", "missed",
                "splink_blocking_recall")
        out = {"seconds": round(seconds, 2), "section_cpu_seconds": round(section_cpu, 2),
               "step_seconds": summary.step_seconds, "step_cpu_seconds": summary.step_cpu_seconds,
               "style_accounts": summary.style_accounts,
               "figures": {k: figures.get(k) for k in keep}, "link_precision": figures.get("link_precision")}
    else:
        c0 = _cpu()
        got = run_splink(store, a.threshold, reverse=a.which == "splink-reversed")
        out = {"order": "sources reversed" if a.which == "splink-reversed" else "sources in id order",
               "seconds": got["seconds"], "section_cpu_seconds": round(_cpu() - c0, 2),
               "step_seconds": got["step_seconds"], "threshold": a.threshold,
               "em_skipped": got["em_skipped"],
               "figures": _figures(got["keys"], got["clusters"], store, a.truth),
               "other_thresholds": {t: {k: v for k, v in _figures(got["keys"], c, store, a.truth).items()
                                        if k in ("precision", "recall", "f1", "bcubed_f1", "largest_person")}
                                    for t, c in got["other_thresholds"].items()}}
    a.result.write_text(json.dumps(out, sort_keys=True, default=str), encoding="utf-8")
    return 0


def _measure(which: str, op_dir: Path, truth: Path, threshold: float, tmp: Path) -> dict[str, Any]:
    result = tmp / f"identity-baseline-{which}-{os.getpid()}.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", which, str(op_dir), "--truth", str(truth),
           "--threshold", str(threshold), "--result", str(result)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode != 0 or not result.is_file():
        raise SystemExit(f"identity_baseline: the {which} run failed (exit {proc.returncode})")
    out: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    result.unlink()
    out.update(process_seconds=round(wall, 2), cpu_seconds=round(usage.ru_utime + usage.ru_stime, 2),
               peak_rss_mb=round(usage.ru_maxrss / 1024, 1))
    return out


def _markdown(r: dict[str, Any]) -> str:
    o, s = r["ours"], r["splink"]
    of = o["figures"]
    lines = [f"# Identity resolution against a Splink-only baseline ({r['date']})", "",
             "Seconds: wall time of the resolution (ours: `resolve_operation`; Splink: load, train, predict, "
             "cluster); CPU s: user + system of that section (in brackets: of the whole measuring process, "
             "scoring against the truth included); peak RSS: of the whole process.", "",
             f"Operation `{r['op_dir']}`, truth `{r['truth']}`, {of['accounts']:,} accounts "
             f"({of['pairs_true']:,} true pairs). Machine: {r['machine']}.", "",
             "| | pairwise P | R | F1 | B-cubed F1 | largest | seconds | CPU s | peak RSS MB |",
             "|---|---|---|---|---|---|---|---|---|"]
    runs = [("Rescue identity resolution", o), (f"Splink only (p ≥ {s['threshold']}, {s.get('order')})", s)]
    if r.get("splink_other"):
        so = r["splink_other"]
        runs.append((f"Splink only (p ≥ {so['threshold']}, {so.get('order')})", so))
    for name, m in runs:
        f = m["figures"]
        lines.append(f"| {name} | {f['precision']} | {f['recall']} | {f['f1']} | {f['bcubed_f1']} | "
                     f"{f['largest_person']} | {m['seconds']} | {m.get('section_cpu_seconds')} ({m['cpu_seconds']}) | "
                     f"{m['peak_rss_mb']} |")
    for t, f in sorted(s.get("other_thresholds", {}).items()):
        lines.append(f"| Splink only (p ≥ {t}) | {f['precision']} | {f['recall']} | {f['f1']} | {f['bcubed_f1']} | "
                     f"{f['largest_person']} | | | |")
    lines += ["", "Splink alone runs twice, with the rows of the two sources in either order (its random "
                  "sampling of u and then EM depend on the row order); ours is compared with the run of the "
                  "higher F1 and its thresholds.",
              "", f"F1 ratio (ours / Splink at {s['threshold']}): **{r['f1_ratio']}**; "
                  f"best Splink F1 over thresholds {r['splink_best_f1']}; time ratio (ours / Splink): "
                  f"**{r['time_ratio']}** wall, {r.get('section_cpu_ratio')} CPU of the sections "
                  f"({r['cpu_ratio']} of the whole processes) (target ≤ 2).",
              f"Style-only alias recall at review precision ≥ 0.9: "
              f"{(of.get('review') or {}).get('style_only_recall_at_p90')}; steps (s): {o.get('step_seconds')}; "
              f"CPU s per step: {o.get('step_cpu_seconds')}.",
              f"False merges per trap kind (ours): {of.get('false_merges')}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        return _child(argv[1:])
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("op_dir", type=Path, help="an operation analysed by `rescue analyse`")
    p.add_argument("--truth", type=Path, required=True, help="the truth/ folder of the synthetic world")
    p.add_argument("--threshold", type=float, default=0.95, help="Splink clustering threshold (default 0.95)")
    p.add_argument("--out", type=Path, default=None, help="result JSON (a .md is written next to it)")
    p.add_argument("--label", default="", help="added to the default result name")
    a = p.parse_args(argv)
    tmp = Path(os.environ.get("TMPDIR", "/tmp"))
    ours = _measure("ours", a.op_dir, a.truth, a.threshold, tmp)
    splink = _measure("splink", a.op_dir, a.truth, a.threshold, tmp)
    other = _measure("splink-reversed", a.op_dir, a.truth, a.threshold, tmp)
    if other["figures"]["f1"] > splink["figures"]["f1"]:
        splink, other = other, splink
    best = max([splink["figures"]["f1"]] + [f["f1"] for f in splink.get("other_thresholds", {}).values()])
    import platform

    result = {
        "bench": "identity-baseline", "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "op_dir": str(a.op_dir), "truth": str(a.truth),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
        "ours": ours, "splink": splink, "splink_other": other,
        "f1_ratio": round(ours["figures"]["f1"] / splink["figures"]["f1"], 3) if splink["figures"]["f1"] else None,
        "splink_best_f1": best,
        "time_ratio": round(ours["seconds"] / splink["seconds"], 3) if splink["seconds"] else None,
        "cpu_ratio": round(ours["cpu_seconds"] / splink["cpu_seconds"], 3) if splink["cpu_seconds"] else None,
        "section_cpu_ratio": round(ours["section_cpu_seconds"] / splink["section_cpu_seconds"], 3)
        if splink.get("section_cpu_seconds") else None,
    }
    out = a.out or RESULTS / f"{dt.date.today()}-identity-{ours['figures']['accounts']}{a.label}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    out.with_suffix(".md").write_text(_markdown(result), encoding="utf-8")
    sys.stdout.write(json.dumps(result, indent=2, sort_keys=True, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
