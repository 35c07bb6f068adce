"""`rescue media …`: intake of seized media, hash sets, matching, analyst feedback, summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from rescue import operation
from rescue.console import bytes_progress

media_app = typer.Typer(no_args_is_help=True, help="Seized-media triage: hashes, hash sets, known / near / unseen.")
hashset_app = typer.Typer(no_args_is_help=True, help="Hash sets: import, export, list, enable, disable.")
media_app.add_typer(hashset_app, name="hashset")
out = Console(soft_wrap=True)

Dir = Annotated[Path, typer.Argument(help="The operation folder.")]


def _con(directory: Path):  # type: ignore[no-untyped-def]
    from rescue.media import tables
    from rescue.store.duck import connect

    con = connect(operation.load(directory).store_path)
    tables.ensure(con)
    return con


def _say(lines: list[str]) -> None:
    for line in lines:
        out.print(line, markup=False, highlight=False)


@media_app.command("intake")
def intake(
    directory: Dir,
    source: Annotated[Path, typer.Argument(help="A folder, a zip/tar/7z archive, an E01 image, or a raw disk "
                                                "image with --disk-image.")],
    label: Annotated[str | None, typer.Option(help="A label for this intake (e.g. the exhibit number).")] = None,
    disk_image: Annotated[bool, typer.Option(help="SOURCE is a raw disk image (read through The Sleuth Kit).")] = False,
    attachments: Annotated[str | None, typer.Option(
        help="SOURCE is the seized forum's attachment files folder of this source_id: map files to attachments."
    )] = None,
    workers: Annotated[int, typer.Option(help="Worker processes for hashing and decoding.")] = 2,
    max_ratio: Annotated[float, typer.Option(
        help="Largest uncompressed/compressed ratio of an archive member.")] = 100.0,
    max_entry_mb: Annotated[int, typer.Option(help="Largest archive member, MiB.")] = 8192,
) -> None:
    """Hash every file once (MD5, SHA-1, SHA-256, PDQ with 8 dihedral variants, video segments, EXIF leads)."""
    from rescue.media.intake import run_intake
    from rescue.media.links import map_attachment_files
    from rescue.media.safety import Limits

    op = operation.load(directory)
    limits = Limits(max_ratio=max_ratio, max_entry_bytes=max_entry_mb << 20)
    with bytes_progress(Console(stderr=True)) as report:
        result = run_intake(op, source, label=label, limits=limits, workers=workers, disk_image=disk_image,
                            attachments_source=attachments, progress=lambda files, done: report("hashing", done, None))
    _say(result.lines())
    if attachments is not None:
        con = _con(directory)
        try:
            n = map_attachment_files(con, result.intake_id, attachments)
        finally:
            con.close()
        out.print(f"{n} files mapped to attachments of source {attachments}", markup=False)


@hashset_app.command("import")
def hashset_import(
    directory: Dir,
    path: Annotated[Path, typer.Argument(help="VICS 2.0 JSON, ICSE CSV, plain hash list or NSRL RDSv3 SQLite.")],
    name: Annotated[str | None, typer.Option(help="Set name (default: the file name).")] = None,
    format: Annotated[str, typer.Option("--format", help="auto, vics, icse, plain or nsrl.")] = "auto",
    role: Annotated[str | None, typer.Option(
        help="notable (default; NSRL: known) or negative (hashes verified as not pertinent).")] = None,
    threshold: Annotated[int, typer.Option(help="PDQ distance for near-duplicates of this set.")] = 31,
    kind: Annotated[str | None, typer.Option(
        help="Plain lists: md5, sha1, sha256 or pdq (default: by length).")] = None,
    category: Annotated[str | None, typer.Option(help="Plain lists: the category of every hash.")] = None,
    scheme: Annotated[str | None, typer.Option(
        help="The scheme of --category (VIC-US, CAID, Interpol Baseline).")] = None,
) -> None:
    """Import a hash set (enabled on import)."""
    from rescue.errors import UsageError
    from rescue.media.hashsets.registry import import_set

    if category is not None and scheme is None:
        raise UsageError("--category needs --scheme: category codes of different schemes do not map onto each other")
    con = _con(directory)
    try:
        got = import_set(con, path, name=name, fmt=format, role=role, threshold=threshold, kind=kind,
                         category=category, scheme=scheme)
    finally:
        con.close()
    line = f"set {got['set_id']} ({got['format']}, {got['role']}): {got['entries']} hashes"
    if got["skipped"]:
        line += f"; {got['skipped']} entries skipped, first at {got['first_skip']}"
    out.print(line, markup=False)


@hashset_app.command("export")
def hashset_export(
    directory: Dir,
    set_id: Annotated[str, typer.Argument(help="Set id or name.")],
    path: Annotated[Path, typer.Argument(help="Output file.")],
    format: Annotated[str | None, typer.Option("--format", help="vics, icse or plain (default: as imported).")] = None,
    kind: Annotated[str, typer.Option(help="Plain lists: which hash (md5, sha1, sha256, pdq).")] = "md5",
) -> None:
    """Export a set; a set exported in its own format keeps every field it was imported with."""
    from rescue.media.hashsets.registry import export_set

    con = _con(directory)
    try:
        n = export_set(con, set_id, path, format, kind)
    finally:
        con.close()
    out.print(f"{n} hashes written to {path}", markup=False)


@hashset_app.command("list")
def hashset_list(directory: Dir) -> None:
    """The sets of this operation."""
    from rescue.media.hashsets.registry import list_sets

    con = _con(directory)
    try:
        for s in list_sets(con):
            state = "enabled" if s["enabled"] else "disabled"
            out.print(f"{s['set_id']}\t{s['name']}\t{s['format']}\t{s['role']}\t{state}\tthreshold {s['pdq_threshold']}"
                      f"\t{s['scheme'] or '-'}\t{s['entries']} hashes", markup=False, highlight=False)
    finally:
        con.close()


def _toggle(directory: Path, set_id: str, enabled: bool) -> None:
    from rescue.media.hashsets.registry import set_enabled

    con = _con(directory)
    try:
        sid = set_enabled(con, set_id, enabled)
    finally:
        con.close()
    out.print(f"set {sid} {'enabled' if enabled else 'disabled'}", markup=False)


@hashset_app.command("enable")
def hashset_enable(directory: Dir, set_id: Annotated[str, typer.Argument(help="Set id or name.")]) -> None:
    """Use this set in `rescue media match`."""
    _toggle(directory, set_id, True)


@hashset_app.command("disable")
def hashset_disable(directory: Dir, set_id: Annotated[str, typer.Argument(help="Set id or name.")]) -> None:
    """Leave this set out of `rescue media match` (it stays stored)."""
    _toggle(directory, set_id, False)


@media_app.command("match")
def match(
    directory: Dir,
    series_threshold: Annotated[int, typer.Option(help="PDQ distance that joins unseen files into a series.")] = 31,
) -> None:
    """Exact and near-duplicate matching, triage buckets, unseen series, links to forum attachments."""
    from rescue.media.match import run_match

    con = _con(directory)
    try:
        _say(run_match(con, series_threshold=series_threshold).lines())
    finally:
        con.close()


@media_app.command("feedback")
def feedback(
    directory: Dir,
    hash_value: Annotated[str, typer.Argument(metavar="HASH", help="MD5, SHA-1, SHA-256 or PDQ (hex).")],
    verdict: Annotated[str, typer.Argument(help="confirmed, false-positive, recategorise or not-pertinent.")],
    analyst: Annotated[str, typer.Option(help="Who decides.")] = "analyst",
    category: Annotated[str | None, typer.Option(help="recategorise: the new category.")] = None,
    scheme: Annotated[str | None, typer.Option(help="recategorise: the category's scheme.")] = None,
    note: Annotated[str | None, typer.Option(help="Free text.")] = None,
) -> None:
    """Record an analyst's verdict on a hash; `rescue media match` applies it."""
    from rescue.media.hashsets.registry import add_feedback

    con = _con(directory)
    try:
        kind = add_feedback(con, hash_value, verdict, analyst=analyst, category=category, scheme=scheme, note=note)
    finally:
        con.close()
    out.print(f"feedback recorded: {kind} {hash_value.lower()} {verdict}", markup=False)


@media_app.command("summary")
def summary(directory: Dir) -> None:
    """Intakes, quarantine, sets, triage buckets, series and links."""
    from rescue.media.summary import summary_lines

    con = _con(directory)
    try:
        _say(summary_lines(con))
    finally:
        con.close()
