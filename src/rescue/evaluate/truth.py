"""Ground truth of a synthetic world (``truth/`` of ``rescue synth``), attached next to the store.

Files used (documented in src/rescue/synth/TRUTH.md): ``manifest.json`` (which dump is which forum,
with its sha256), ``persons.csv`` (person → country), ``accounts.csv`` (forum account → person) and
``selectors.csv`` (planted selectors: person, forum, account, kind, normalised value, form, variant,
in_quote_of). A store's source is matched to a truth forum by the sha256 of its dump.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from rescue.errors import UsageError

REQUIRED = ("persons.csv", "accounts.csv", "selectors.csv", "manifest.json")


def check_truth_dir(truth_dir: Path) -> None:
    if not truth_dir.is_dir():
        raise UsageError(f"{truth_dir}: no such truth folder")
    missing = [f for f in REQUIRED if not (truth_dir / f).is_file()]
    if missing:
        raise UsageError(f"{truth_dir}: not a truth folder (missing {', '.join(missing)})")


def forum_of_sha(truth_dir: Path) -> dict[str, str]:
    """sha256 of a dump → the forum key the truth files use for it ('forum', 'other')."""
    try:
        manifest = json.loads((truth_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UsageError(f"{truth_dir / 'manifest.json'}: unreadable ({exc})") from exc
    out: dict[str, str] = {}
    dumps = manifest.get("dumps", {})
    if isinstance(dumps, dict):
        for name, info in dumps.items():
            if isinstance(info, dict) and info.get("sha256"):
                out[str(info["sha256"])] = str(info.get("forum") or str(name).split("/", 1)[0])
    return out


def attach(store: Path, truth_dir: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the store attached read-only as ``s`` and the truth loaded as
    ``t_persons``, ``t_accounts``, ``t_selectors`` (text columns) and ``t_sources`` (source_id → forum)."""
    check_truth_dir(truth_dir)
    if not store.is_file():
        raise UsageError(f"{store}: no store (run `rescue ingest` and `rescue analyse` first)")
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"ATTACH '{store.as_posix()}' AS s (READ_ONLY)")
    for name in ("persons", "accounts", "selectors"):
        path = (truth_dir / f"{name}.csv").as_posix()
        con.execute(f"CREATE TABLE t_{name} AS SELECT * FROM read_csv('{path}', all_varchar = true, header = true)")
    pairs = forum_of_sha(truth_dir)
    con.execute("CREATE TABLE t_sources (source_id VARCHAR, forum VARCHAR)")
    for sid, sha in con.execute("SELECT source_id, sha256 FROM s.sources ORDER BY 1").fetchall():
        if sha in pairs:
            con.execute("INSERT INTO t_sources VALUES (?, ?)", [sid, pairs[sha]])
    if not con.execute("SELECT count(*) FROM t_sources").fetchall()[0][0]:
        con.close()
        raise UsageError(f"{truth_dir}: the truth describes none of the store's sources (sha256 differ)")
    return con
