"""`rescue audit verify DIR` and `rescue audit export DIR --format csv|jsonl`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from rescue import operation
from rescue.workflow import audit, audit_export, open_workflow

audit_app = typer.Typer(no_args_is_help=True, help="The processing log: verify the hash chain, export it.")


@audit_app.command("verify")
def verify_cmd(directory: Annotated[Path, typer.Argument(help="The operation folder.")]) -> None:
    """Recompute the hash chain; print one line per altered, inserted or removed entry (exit 1)."""
    op = operation.load(directory)
    wf = open_workflow(op.root)
    try:
        with wf.session() as s:
            v = audit.verify(s)
    finally:
        wf.close()
    if not v.ok:
        for problem in v.problems:
            sys.stdout.write(f"{problem}\n")
        raise typer.Exit(1)
    sys.stdout.write(f"processing log intact: {v.entries} entries, head {v.head_seq} {v.head_hash[:16]}\n")


@audit_app.command("export")
def export_cmd(
    directory: Annotated[Path, typer.Argument(help="The operation folder.")],
    fmt: Annotated[str, typer.Option("--format", help="csv or jsonl.")] = "jsonl",
    output: Annotated[Path | None, typer.Option("--out", help="File to write (default: standard output).")] = None,
) -> None:
    """Write the whole processing log (oldest first) as CSV or JSON Lines."""
    op = operation.load(directory)
    wf = open_workflow(op.root)
    try:
        with wf.session() as s:
            if output is None:
                for line in audit_export.lines(s, fmt):
                    sys.stdout.write(line)
            else:
                with output.open("w", encoding="utf-8", newline="") as fh:
                    for line in audit_export.lines(s, fmt):
                        fh.write(line)
    finally:
        wf.close()
