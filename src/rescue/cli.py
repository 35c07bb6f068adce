"""The `rescue` command line. Every failure reaches the user as one line and a non-zero exit."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from rescue import operation
from rescue.cli_media import media_app
from rescue.console import bytes_progress, print_ingest, print_store_summary, stage_progress
from rescue.errors import RescueError, UsageError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Rescue: from a seized forum to intelligence packages, with provenance.")
out = Console()


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="The operation folder to create.")],
    name: Annotated[str | None, typer.Option(help="Operation name (default: the folder name).")] = None,
    agency: Annotated[str, typer.Option(help="Owning agency.")] = "UNSPECIFIED",
    handling_code: Annotated[str, typer.Option(help="Default handling code: H0, H1, H2 or H3.")] = "H0",
    retention_years: Annotated[int, typer.Option(help="Years until the retention review date.")] = 3,
) -> None:
    """Create an operation folder: operation.toml, store.duckdb, evidence/register.jsonl, packages/."""
    op = operation.init(directory, name=name, agency=agency, handling_code=handling_code,
                        retention_years=retention_years)
    out.print(f"operation [bold]{op.name}[/] created in {op.root}")


@app.command()
def ingest(
    directory: Annotated[Path, typer.Argument(help="The operation folder.")],
    source: Annotated[str, typer.Argument(
        help="A seized source: a dump file (mysqldump, pg_dump plain or custom, SQLite; may be gzip/bz2/xz/zip/7z) "
             "or a SQLAlchemy URL of a live database, read read-only.")],
    format: Annotated[str, typer.Option(
        "--format", help="Container format: auto, mysqldump, pgdump, sqlite or live.")] = "auto",
    software: Annotated[str, typer.Option(
        help="Forum software: auto (recognised by structure), phpbb, mybb, smf, discourse, …, or generic "
             "(map tables by column names and report what was mapped).")] = "auto",
    max_value_mb: Annotated[int, typer.Option(
        help="A single value (post body, blob) larger than this many MiB is quarantined, not held in memory.")] = 64,
    memory_limit: Annotated[str | None, typer.Option(
        help="What the store (DuckDB) may hold in memory during the ingest, e.g. 512MB or 4GB; beyond it, it "
             "spills to <operation>/.ingest-tmp. Default: RESCUE_INGEST_MEMORY, else 1GB.")] = None,
) -> None:
    """Read a seized source into the evidence tables, with provenance, quarantine and a conservation check."""
    from rescue.ingest.pipeline import ingest as run_ingest

    op = operation.load(directory)
    with bytes_progress(out) as report:
        result = run_ingest(op, source, fmt=format, software=software, progress=report,
                            max_value_bytes=max_value_mb << 20, memory_limit=memory_limit)
    print_ingest(out, result)


@app.command()
def analyse(
    directory: Annotated[Path, typer.Argument(help="The operation folder.")],
    engine: Annotated[str | None, typer.Option(
        help="Where the engine-defined steps run: duckdb (default) or spark (local mode unless "
             "RESCUE_SPARK_MASTER says otherwise); default: [analysis] engine of operation.toml.")] = None,
    memory_limit: Annotated[str | None, typer.Option(
        help="What the store (DuckDB) may hold in memory, e.g. 2GB; beyond it, it spills to <operation>/"
             ".analyse-tmp. Default: [analyse] memory_limit of operation.toml, else min(50% of RAM, 8GB).")] = None,
    threads: Annotated[int | None, typer.Option(
        help="DuckDB threads. Default: [analyse] threads of operation.toml, else every core.", min=1)] = None,
) -> None:
    """Selectors, enrichment, identity resolution, country attribution with graded evidence, risk scores."""
    from rescue.flow import analyse_operation

    op = operation.load(directory)
    with stage_progress(out) as report:
        result = analyse_operation(op, progress=report, engine=engine, memory_limit=memory_limit, threads=threads)
    for line in result.lines():
        out.print(line, markup=False, highlight=False)


@app.command()
def xref(
    directory: Annotated[Path, typer.Argument(help="This operation's folder (after `rescue analyse`).")],
    others: Annotated[list[Path] | None, typer.Argument(help="Other operations' folders to match against.")] = None,
    export_filter: Annotated[Path | None, typer.Option(
        help="Write keyed-hash (HMAC-SHA256) selector filters of this operation to this file, for an agency "
             "that may not receive raw data.")] = None,
    check_filter: Annotated[Path | None, typer.Option(
        help="Check another agency's filter file against this operation's data: hit / no-hit + reference.")] = None,
    key_file: Annotated[Path | None, typer.Option(
        help="File holding the shared HMAC key (at least 16 bytes), for --export-filter / --check-filter.")] = None,
) -> None:
    """Match this operation's persons against other operations, directly or by privacy-preserving filters."""
    from rescue import identity
    from rescue.errors import UsageError

    op = operation.load(directory)
    if export_filter or check_filter:
        if key_file is None or not key_file.is_file():
            raise UsageError("--export-filter and --check-filter need --key-file with the shared key")
        key = key_file.read_bytes().strip()
        if export_filter:
            identity.export_filter(op.root, export_filter, key)
            out.print(f"filters written to {export_filter} (no raw values; share the key out of band)")
        if check_filter:
            result = identity.check_filter(op.root, check_filter, key)
            out.print(str(result), markup=False, highlight=False)
    if others:
        summary_x = identity.xref(op.root, list(others))
        for line in summary_x.lines():
            out.print(line, markup=False, highlight=False)
    if not (others or export_filter or check_filter):
        raise UsageError("give other operations to match, or --export-filter / --check-filter")


@app.command()
def evaluate(
    directory: Annotated[Path, typer.Argument(help="The operation folder (after `rescue analyse`).")],
    truth: Annotated[Path, typer.Option(help="The truth/ folder of a synthetic world.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of a markdown report.")] = False,
) -> None:
    """Measure the findings against the ground truth of a synthetic world."""
    from rescue.evaluate import run as run_evaluate

    report = run_evaluate(operation.load(directory), truth)
    sys.stdout.write((report.to_json() if json_out else report.to_markdown()) + "\n")


@app.command()
def synth(
    members: Annotated[int, typer.Option(help="Number of forum accounts to generate.")] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same bytes.")] = 1,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the world into.")] = Path("world"),
    software: Annotated[str, typer.Option(help="Forum software of the dumps: phpbb, mybb, smf, discourse, xenforo, "
                                               "vbulletin, invision.")] = "phpbb",
) -> None:
    """Generate a synthetic seized forum (a real dump) and its ground truth, apart."""
    from rescue.synth import generate

    with stage_progress(out) as report:
        summary = generate(out_dir, members=members, seed=seed, software=software, progress=report)
    out.print(f"{summary.members} accounts of {summary.persons} persons in {summary.seconds:.1f} s")
    for p in summary.dump_paths:
        out.print(f"  dump   {p}")
    out.print(f"  truth  {summary.truth_dir}  (never read by the analysis)")


@app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="Folder for the demo world and operation.")] = Path("demo"),
    members: Annotated[int, typer.Option(help="Accounts in the demo forum.")] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
) -> None:
    """Generate a small world, run every stage on it, and print what came out."""
    from rescue.demo import run_demo

    run_demo(out, directory, members=members, seed=seed)


@app.command()
def summary(directory: Annotated[Path, typer.Argument(help="The operation folder.")]) -> None:
    """Rows per table and the conservation check of every ingested source."""
    op = operation.load(directory)
    print_store_summary(out, op)


app.add_typer(media_app, name="media")

from rescue.cli_audit import audit_app  # noqa: E402
from rescue.cli_serve import index_cmd, serve_cmd  # noqa: E402
from rescue.cli_users import users_app  # noqa: E402

app.command("serve")(serve_cmd)
app.command("index")(index_cmd)
app.add_typer(audit_app, name="audit")
from rescue.cli_package import package_app  # noqa: E402

app.add_typer(package_app, name="package")
app.add_typer(users_app, name="users")
from rescue.cli_identity import identity_app  # noqa: E402  (`rescue identity …`: review list, analyst decisions)

app.add_typer(identity_app, name="identity")


def main() -> None:
    def say(line: str) -> None:  # one line, never wrapped, whatever the terminal width
        sys.stderr.write(" ".join(line.split()) + "\n")

    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except RescueError as exc:
        say(f"rescue: error: {exc.one_line()}")
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        say("rescue: interrupted")
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors (bad option, missing argument)
        if type(exc).__name__ == "NoArgsIsHelpError":
            app(["--help"], standalone_mode=False)
            sys.exit(0)
        fmt = getattr(exc, "format_message", None)
        message = fmt() if callable(fmt) else str(exc)
        say(f"rescue: error: {' '.join(str(message).split())}")
        sys.exit(UsageError.exit_code)
    except Exception as exc:  # a bug: still one line, never a traceback (RESCUE_DEBUG=1 shows it)
        if os.environ.get("RESCUE_DEBUG"):
            raise
        say(f"rescue: internal error: {type(exc).__name__}: {' '.join(str(exc).split())[:300]} "
            "(set RESCUE_DEBUG=1 for the traceback)")
        sys.exit(3)


if __name__ == "__main__":
    main()
