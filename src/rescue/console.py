"""Terminal output: progress bars for long work and the summaries the commands print."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from rescue.operation import Operation
from rescue.store import duck

if TYPE_CHECKING:
    from rescue.ingest.pipeline import IngestResult


@contextmanager
def bytes_progress(console: Console) -> Iterator[Callable[[str, int, int | None], None]]:
    """A progress bar over bytes; the callback takes (stage, done, total)."""
    prog = Progress(TextColumn("{task.description:<12}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                    TimeElapsedColumn(), console=console, transient=True)
    tasks: dict[str, TaskID] = {}
    last: dict[str, int] = {}

    def report(stage: str, done: int, total: int | None) -> None:
        if stage not in tasks:
            tasks[stage] = prog.add_task(stage, total=total)
        if done - last.get(stage, -(1 << 30)) >= (1 << 20) or (total is not None and done >= total):
            prog.update(tasks[stage], completed=done, total=total)
            last[stage] = done

    with prog:
        yield report


@contextmanager
def stage_progress(console: Console) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar per stage of a count-based job; the callback takes (stage, done, total)."""
    prog = Progress(TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=True)
    tasks: dict[str, TaskID] = {}

    def report(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = prog.add_task(stage, total=total)
        prog.update(tasks[stage], completed=done, total=total)

    with prog:
        yield report


def print_ingest(console: Console, result: IngestResult) -> None:
    if result.already:
        console.print(f"{result.path}: already ingested as {result.source_id} (sha256 {result.sha256[:16]}…); "
                      "nothing changed")
        return
    c = result.counts
    console.print(f"[bold]{result.path}[/]  {result.software} {result.version}  prefix {result.prefix!r}  "
                  f"format {result.format}  source {result.source_id}  {result.seconds:.1f} s")
    t = Table(title="conservation per source table (read = mapped + quarantined)", show_lines=False)
    for col in ("source table", "→ canonical", "status", "read", "mapped", "quarantined"):
        t.add_column(col, justify="right" if col in ("read", "mapped", "quarantined") else "left")
    for name, tc in sorted(c.tables.items(), key=lambda kv: (kv[1].status != "mapped", kv[0])):
        if tc.status == "skipped" and tc.read == 0:
            continue
        t.add_row(name, tc.canonical or "-", tc.status, f"{tc.read:,}", f"{tc.mapped:,}", f"{tc.quarantined:,}")
    console.print(t)
    for table, why in sorted(result.unmapped.items()):
        console.print(f"generic mode left {table}: {why}")
    recoded = sum(tc.recoded for tc in c.tables.values())
    if recoded:
        console.print(f"{recoded:,} rows held text invalid in the declared charset: decoded as cp1252 "
                      "(see ingest_tables.rows_recoded)")
    empty = sorted(n for n, tc in c.tables.items() if tc.status == "skipped" and tc.read == 0)
    if empty:
        console.print(f"skipped, empty: {len(empty)} tables")
    verdict = "[green]holds[/]" if c.holds() else "[red]BROKEN[/]"
    console.print(f"rows read {c.read:,} = mapped {c.mapped:,} + quarantined {c.quarantined:,} "
                  f"+ skipped {c.skipped:,}: conservation {verdict}")


def print_store_summary(console: Console, op: Operation) -> None:
    con = duck.connect(op.store_path, read_only=True)
    try:
        counts = duck.table_counts(con)
        t = Table(title=f"operation {op.name}: rows per table ({op.store_path})")
        t.add_column("table")
        t.add_column("rows", justify="right")
        for name, n in counts.items():
            t.add_row(name, f"{n:,}")
        console.print(t)
        for sid, sw, ver, rr, rm, rq, rs in con.execute(
                "SELECT source_id, software, version, rows_read, rows_mapped, rows_quarantined, rows_skipped "
                "FROM sources ORDER BY source_id").fetchall():
            ok = rr == rm + rq + rs
            console.print(f"source {sid} ({sw} {ver}): read {rr:,} = mapped {rm:,} + quarantined {rq:,} + "
                          f"skipped {rs:,} → {'holds' if ok else 'BROKEN'}")
    finally:
        con.close()
