"""`rescue package`: build drafts, approve (four eyes), release, list, register.

    rescue package DIR [--country DE]            # = rescue package build DIR
    rescue package approve DIR DE/1 --by REVIEWER
    rescue package release DIR DE/1 --by USER --to "recipient"
    rescue package list DIR [--country DE] [--json]
    rescue package register DIR [--json]

The flag forms of the issue (`rescue package DIR --approve DE/1 --by U`, `--release DE/1 --to R`,
`--list`) do the same.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from rescue.errors import UsageError

out = Console()


class _DefaultBuild(TyperGroup):
    """`rescue package DIR …` means `rescue package build DIR …` (DESIGN.md fixes `rescue package DIR`)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["build", *args]
        return super().parse_args(ctx, args)


package_app = typer.Typer(cls=_DefaultBuild, no_args_is_help=True, add_completion=False,
                          help="Per-country intelligence packages: draft, approve (four eyes), release, register. "
                               "`rescue package DIR …` is `rescue package build DIR …`.")

Dir = Annotated[Path, typer.Argument(help="The operation folder (after `rescue analyse`).")]
By = Annotated[str | None, typer.Option("--by", help="User of the workflow store doing this step.")]


def _progress(stage: str, done: int, total: int) -> None:
    sys.stderr.write(f"\r{stage}: {done}/{total}   ")
    if done >= total:
        sys.stderr.write("\n")


def _print_releases(rows: list[Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps([r.to_json() for r in rows], indent=1) + "\n")
        return
    if not rows:
        out.print("no packages yet")
    for r in rows:
        who = f"drafted {r.drafted_by}" + (f", approved {r.approved_by}" if r.approved_by else "") + \
              (f", released {r.released_by} {r.released_at} to {'; '.join(r.recipients)}" if r.released_by else "")
        out.print(f"{r.ref:<8} {r.status:<10} {r.kind:<10} {r.persons:>5} persons  {r.handling_code} {r.tlp}  {who}",
                  markup=False, highlight=False)


@package_app.command("build")
def build_cmd(
    directory: Dir,
    by: By = None,
    country: Annotated[list[str] | None, typer.Option("--country", help="Only this country (repeatable).")] = None,
    handling_code: Annotated[str | None, typer.Option(
        "--handling", help="Handling code H0-H3 (default: the operation's).")] = None,
    tlp: Annotated[str, typer.Option(help="TLP 2.0 marking: RED, AMBER+STRICT, AMBER, GREEN, CLEAR.")] =
        "AMBER+STRICT",
    conditions: Annotated[str, typer.Option(help="Restrictions in words (required with H3).")] = "",
    full: Annotated[bool, typer.Option("--full", help="A full package even where a release exists "
                                                      "(default: a supplement with the changes).")] = False,
    min_tier: Annotated[str | None, typer.Option(help="Only persons of this risk tier or higher "
                                                      "(Very High, High, Medium, Low).")] = None,
    formats: Annotated[str, typer.Option(help="Comma-separated: json,pdf,csv,xlsx,ftm,i2.")] =
        "json,pdf,csv,xlsx,ftm,i2",
    report_tier: Annotated[str, typer.Option(help="Full per-person reports in the PDF (and XLSX detail sheets) "
                                                  "for persons of this risk tier or higher; everyone is in JSON, "
                                                  "CSV, FtM and i2. Low: everyone.")] = "High",
    report_top: Annotated[int, typer.Option(help="Also a full report for the N highest-priority persons of each "
                                                 "country, whatever their tier.")] = 10,
    workers: Annotated[int | None, typer.Option(help="Processes rendering packages (default: CPUs).")] = None,
    approve_ref: Annotated[str | None, typer.Option("--approve", help="Approve COUNTRY/VERSION instead.")] = None,
    release_ref: Annotated[str | None, typer.Option("--release", help="Release COUNTRY/VERSION instead.")] = None,
    to: Annotated[list[str] | None, typer.Option("--to", help="Recipient of a release (repeatable).")] = None,
    justification: Annotated[str, typer.Option(help="Why (recorded in the processing log).")] = "",
    list_: Annotated[bool, typer.Option("--list", help="List package versions instead.")] = False,
) -> None:
    """Draft a package for every country with attributed persons (a supplement where one was released)."""
    from rescue.package import build_drafts
    from rescue.package.marking import normalise_tlp

    if list_:
        return list_cmd(directory, country=country[0] if country else None, as_json=False)
    if approve_ref:
        return approve_cmd(directory, approve_ref, by=by, note=justification)
    if release_ref:
        return release_cmd(directory, release_ref, by=by, to=to, justification=justification)
    if not by:
        raise UsageError("--by USER is required: the analyst drafting the packages (a user of the workflow store)")
    result = build_drafts(directory, by=by, countries=country, handling_code=handling_code, tlp=normalise_tlp(tlp),
                          conditions=conditions, full=full, min_tier=min_tier,
                          formats=tuple(f.strip() for f in formats.split(",") if f.strip()), workers=workers,
                          report_tier=report_tier, report_top=report_top, progress=_progress)
    for line in result.lines():
        out.print(line, markup=False, highlight=False)


@package_app.command("approve")
def approve_cmd(directory: Dir, ref: Annotated[str, typer.Argument(help="COUNTRY/VERSION, e.g. DE/1.")],
                by: By = None, note: Annotated[str, typer.Option(help="Review note.")] = "") -> None:
    """Approve a draft: a reviewer who did not draft it (four eyes)."""
    from rescue.package import approve, parse_ref

    if not by:
        raise UsageError("--by REVIEWER is required")
    cc, v = parse_ref(ref)
    info = approve(directory, cc, v, by, note=note)
    out.print(f"{info.ref} approved by {info.approved_by} (drafted by {info.drafted_by})", markup=False)


@package_app.command("release")
def release_cmd(directory: Dir, ref: Annotated[str, typer.Argument(help="COUNTRY/VERSION, e.g. DE/1.")],
                by: By = None, to: Annotated[list[str] | None, typer.Option("--to", help="Recipient (repeatable).")]
                = None, justification: Annotated[str, typer.Option(help="Why it is disclosed.")] = "") -> None:
    """Release an approved package to its recipients; registered and logged as a disclosure."""
    from rescue.package import parse_ref, release

    if not by:
        raise UsageError("--by USER is required")
    cc, v = parse_ref(ref)
    info = release(directory, cc, v, by, list(to or []), justification=justification)
    out.print(f"{info.ref} released by {info.released_by} to {'; '.join(info.recipients)}", markup=False)


@package_app.command("list")
def list_cmd(directory: Dir, country: Annotated[str | None, typer.Option(help="Only this country.")] = None,
             as_json: Annotated[bool, typer.Option("--json", help="JSON instead of lines.")] = False) -> None:
    """Every package version: status, kind, who drafted, approved and released it, recipients."""
    from rescue.package import list_releases

    _print_releases(list_releases(directory, country), as_json)


@package_app.command("register")
def register_cmd(directory: Dir,
                 as_json: Annotated[bool, typer.Option("--json", help="JSON lines.")] = False) -> None:
    """The dissemination register: what went to whom, by whom, approved by whom, when."""
    from rescue.package import register

    for line in register(directory):
        if as_json:
            sys.stdout.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        else:
            out.print(f"{line['at']}  {line['package']:<8} {line['kind']:<10} to {line['recipient']}  released by "
                      f"{line['released_by']}, approved by {line['approved_by']}, {line['persons']} persons, "
                      f"{line['handling_code']} {line['tlp']}", markup=False, highlight=False)
