"""Synthetic world generator: seized-forum dumps with known ground truth.

``generate(out, members=…, seed=…)`` writes

- ``out/forum/<software>.sql`` — the seized forum (mariadb-dump of the real schema),
- ``out/forum/files/`` — attachment files (small worlds only),
- ``out/other/<software>.sql`` — a second forum from another investigation,
- ``out/truth/`` — the ground truth (see ``TRUTH.md`` next to this module).

The world (persons, accounts, networks, text) is independent of the forum software; a writer
per software renders it. Same seed and member count give byte-identical output.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rescue.errors import SynthError
from rescue.synth.accounts import DELETED
from rescue.synth.common import GENERATOR_VERSION, iso
from rescue.synth.truth import Truth
from rescue.synth.world import World, build_world
from rescue.synth.writers import WRITERS

__all__ = ["MIN_MEMBERS", "SynthSummary", "generate"]

MIN_MEMBERS = 10
MAX_MEMBERS = 4_000_000
FILES_UP_TO = 5000  # attachment files are written only for worlds up to this many members
PARALLEL_UP_TO = 400_000  # bigger worlds render posts in one process to keep memory flat


@dataclass
class SynthSummary:
    dump_paths: list[Path]
    truth_dir: Path
    members: int
    persons: int
    row_counts: dict[str, dict[str, int]]  # "forum/phpbb.sql" -> table -> rows
    seconds: float
    software: str = "phpbb"
    seed: int = 0
    accounts: dict[str, int] = field(default_factory=dict)  # forum -> users rows of members
    files_dir: Path | None = None


def _check(members: int, seed: int, software: str) -> None:
    if isinstance(members, bool) or not isinstance(members, int):
        raise SynthError(f"members must be an integer, got {members!r}")
    if members < MIN_MEMBERS:
        raise SynthError(f"members must be at least {MIN_MEMBERS}, got {members}")
    if members > MAX_MEMBERS:
        raise SynthError(f"members must be at most {MAX_MEMBERS}, got {members}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise SynthError(f"seed must be a non-negative integer, got {seed!r}")
    if software not in WRITERS:
        raise SynthError(f"unknown forum software {software!r}; available: {', '.join(WRITERS)}")


def generate(out: Path, *, members: int, seed: int, software: str = "phpbb",
             progress: Callable[[str, int, int], None] | None = None, workers: int | None = None) -> SynthSummary:
    """Write a synthetic world with ``members`` accounts on the seized forum under ``out``.

    ``workers``: processes rendering posts (default: 2 when the machine has them and the world has at most
    ``PARALLEL_UP_TO`` members; forked workers share the world copy-on-write). The output does not depend on it.
    """
    _check(members, seed, software)
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if members <= PARALLEL_UP_TO else 1
    started = time.perf_counter()
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SynthError(f"{out}: cannot create the output folder: {exc}") from exc
    world = build_world(seed, members, progress)
    truth = Truth(out / "truth", world.pop)
    held = [acc.by_person.mask() for acc in world.forums]
    for i, acc in enumerate(world.forums):
        truth.track(acc, np.logical_or.reduce([h for j, h in enumerate(held) if j != i]))
    row_counts: dict[str, dict[str, int]] = {}
    dumps: list[Path] = []
    versions: list[tuple[str, str]] = []  # (version, table prefix) per dump
    files_dir: Path | None = None
    for acc in world.forums:
        folder = out / acc.spec.key
        folder.mkdir(parents=True, exist_ok=True)
        files = acc.spec.key == "forum" and members <= FILES_UP_TO
        if not files and (folder / "files").is_dir():
            shutil.rmtree(folder / "files")  # attachments of an earlier world in the same folder
        writer = WRITERS[software](world, acc, folder, truth, files=files, progress=progress, workers=workers)
        row_counts[f"{acc.spec.key}/{writer.path.name}"] = writer.write()
        dumps.append(writer.path)
        versions.append((writer.version, writer.prefix))
        if writer.files_dir is not None and writer.files_dir.exists():
            files_dir = writer.files_dir
    if progress:
        progress("truth", 0, 1)
    truth.close_streams()
    truth.persons(world.pop, world.forums)
    n_pairs = truth.alias_pairs(world.forums)
    truth.network(world.pop, world.net)
    truth.traps(world.pop, world.net, world.forums)
    _manifest(out, world, software, row_counts, dumps, versions, truth, n_pairs)
    if progress:
        progress("truth", 1, 1)
    return SynthSummary(
        dump_paths=dumps, truth_dir=truth.dir, members=members, persons=world.pop.n, row_counts=row_counts,
        seconds=round(time.perf_counter() - started, 3), software=software, seed=seed,
        accounts={acc.spec.key: int(((acc.flags & DELETED) == 0).sum()) for acc in world.forums},
        files_dir=files_dir,
    )


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def _manifest(out: Path, world: World, software: str, row_counts: dict[str, dict[str, int]],
              dumps: list[Path], versions: list[tuple[str, str]], truth: Truth, n_pairs: int) -> None:
    forums = {}
    for acc, path, (version, prefix) in zip(world.forums, dumps, versions, strict=True):
        rel = f"{acc.spec.key}/{path.name}"
        forums[rel] = {
            "forum": acc.spec.key, "title": acc.spec.title, "software": software, "version": version,
            "table_prefix": prefix, "database": acc.spec.database, "bytes": path.stat().st_size,
            "sha256": _sha256(path), "board_start": iso(acc.spec.start), "seized_at": iso(acc.spec.end),
            "rows": row_counts[rel],
        }
    manifest = {
        "generator": "rescue.synth", "generator_version": GENERATOR_VERSION, "seed": world.seed,
        "members": world.members, "software": software, "persons": world.pop.n,
        "dumps": forums, "selectors_planted": truth.counts["selectors"],
        "selectors_in_quotes": truth.counts["quoted_selectors"], "risk_indicators_planted": truth.counts["risk"],
        "alias_pairs": n_pairs,
        "hostile_rows": [{"forum": f, "table": t, "row_id": r, "field": c} for f, t, r, c in truth.hostile],
    }
    (truth.dir / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
