"""`rescue demo`: a small synthetic world through every stage that exists, then a summary."""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console

from rescue import operation
from rescue.console import bytes_progress, print_ingest, print_store_summary, stage_progress
from rescue.errors import UsageError

MARKER = ".rescue-demo"


def run_demo(console: Console, directory: Path, *, members: int, seed: int) -> None:
    from rescue.ingest.pipeline import ingest
    from rescue.synth import generate

    if directory.exists():
        if not (directory / MARKER).exists():
            raise UsageError(f"{directory}: exists and is not a demo folder made by `rescue demo`; "
                             "choose another folder")
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    (directory / MARKER).write_text("made by rescue demo; deleted and rebuilt by the next run\n")
    world = directory / "world"
    console.rule("1. synth: a seized forum and its ground truth")
    with stage_progress(console) as report:
        summary = generate(world, members=members, seed=seed, progress=report)
    console.print(f"{summary.members:,} accounts of {summary.persons:,} persons in {summary.seconds:.1f} s; "
                  f"truth in {summary.truth_dir}")
    op_dir = directory / "operation"
    op = operation.init(op_dir, name="demo", agency="DEMO")
    console.rule("2. ingest: the seized dump into the evidence tables")
    seized = summary.dump_paths[0]
    with bytes_progress(console) as report2:
        result = ingest(op, seized, progress=report2)
    print_ingest(console, result)
    console.rule("3. analyse: selectors, enrichment, identity resolution, country attribution, risk")
    from rescue.evaluate import run as run_evaluate
    from rescue.flow import analyse_operation

    with stage_progress(console) as report3:
        analysed = analyse_operation(op, progress=report3)
    for line in analysed.lines():
        console.print(line, markup=False, highlight=False)
    console.rule("4. evaluate: findings against the ground truth")
    evaluation = run_evaluate(op, summary.truth_dir)
    (directory / "evaluation.md").write_text(evaluation.to_markdown() + "\n", encoding="utf-8")
    console.print(f"attribution accuracy {evaluation.accuracy:.1%} on the persons attributed, "
                  f"coverage {evaluation.coverage:.1%}; full report: {directory / 'evaluation.md'}")
    import duckdb

    from rescue import identity, risk

    con = duckdb.connect(str(op.store_path))  # the evaluation re-runs the scoring to check its stability
    try:
        ident = identity.evaluate(con, summary.truth_dir)
        figures = risk.evaluate(con, summary.truth_dir)
        top = con.execute("SELECT rank, person_id, tier, score FROM risk ORDER BY rank LIMIT 5").fetchall()
    finally:
        con.close()
    console.print(f"identity: {ident['accounts']:,} accounts → {ident['persons_predicted']:,} persons "
                  f"(truth {ident['persons_true']:,}); pairwise precision {ident['precision']:.1%}, "
                  f"recall {ident['recall']:.1%}, B-cubed F1 {ident['bcubed_f1']:.3f}; false merges by trap "
                  f"{ident['false_merges']}")
    console.print(f"risk ranking: planted high tier found within the top 10 % = "
                  f"{figures['recall_high_at']['10pct']:.0%}, precision@50 (any planted tier) = "
                  f"{figures['precision_any_at']['50']:.0%}; tiers {figures['tiers']}")
    console.print("top of the priority list (the score advises a human decision; it does not replace one):")
    for rank, pid, tier, score in top:
        console.print(f"  {rank:>3}. {pid}  {tier:<9} score {score:.1f}", markup=False, highlight=False)
    console.rule("5. workbench: search index, demo logins, packages")
    from rescue.web.demo_users import prepare_demo_workbench

    notes, logins = prepare_demo_workbench(op.root)
    for line in notes:
        console.print(line, markup=False, highlight=False)
    console.rule("summary")
    print_store_summary(console, op)
    console.print(f"\noperation folder: [bold]{op_dir}[/]")
    console.print("look next at:")
    console.print(f"  {op_dir}/evidence/register.jsonl   the intake register (sha256, size, format, times)")
    console.print(f"  {op_dir}/store.duckdb              evidence and findings tables (DuckDB); "
                  f"rescue summary {op_dir}")
    console.print(f"  {directory / 'evaluation.md'}         how the findings measure against the truth")
    console.print(f"  {summary.truth_dir}/                 the ground truth the later stages are measured against")
    console.print("  docs/                              how each stage works and what its outputs mean")
    console.print(f"\nworkbench: rescue serve {op_dir}   (make demo starts it on http://127.0.0.1:8000/)")
    console.print("demo logins (this demo operation only):")
    for name, role, country, password in logins:
        console.print(f"  {name:<12} {password:<28} {role}{' ' + country if country else ''}",
                      markup=False, highlight=False)
