"""The hash sets of an operation: import, export, list, enable/disable, and analyst feedback per hash."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import duckdb

from rescue.media import tables
from rescue.media.hashsets import icse, nsrl, plain, vics
from rescue.media.hashsets.common import LENGTHS, Parsed, SetRow, hexhash
from rescue.media.safety import MediaError
from rescue.media.store import RowWriter
from rescue.operation import sha256_file

FORMATS = ("auto", "vics", "icse", "plain", "nsrl")
ROLES = ("notable", "known", "negative")
VERDICTS = ("confirmed", "false-positive", "recategorise", "not-pertinent")
DEFAULT_THRESHOLD = 31
BATCH = 100_000  # set entries appended at a time (memory holds one batch, whatever the size of the set)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def detect(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(4096)
    if nsrl.looks_like(head):
        return "nsrl"
    if vics.looks_like(head):
        return "vics"
    if icse.looks_like(head):
        return "icse"
    return "plain"


def _next_id(con: duckdb.DuckDBPyConnection) -> str:
    [(n,)] = con.execute("SELECT count(*) FROM media_sets").fetchall()
    return f"S{int(n) + 1:03d}"


def import_set(con: duckdb.DuckDBPyConnection, path: Path, *, name: str | None = None, fmt: str = "auto",
               role: str | None = None, threshold: int = DEFAULT_THRESHOLD, kind: str | None = None,
               category: str | None = None, scheme: str | None = None) -> dict[str, Any]:
    if not path.is_file():
        raise MediaError(f"{path}: no such hash set file")
    if fmt not in FORMATS:
        raise MediaError(f"unknown hash set format {fmt!r} (one of {', '.join(FORMATS)})")
    if role is not None and role not in ROLES:
        raise MediaError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    if kind is not None and kind not in LENGTHS:
        raise MediaError(f"unknown hash kind {kind!r} (one of {', '.join(LENGTHS)})")
    if not 0 <= threshold <= 128:
        raise MediaError(f"PDQ threshold {threshold} out of range 0..128")
    tables.ensure(con)
    fmt = detect(path) if fmt == "auto" else fmt
    con.execute("BEGIN TRANSACTION")  # a set read as a stream may turn out malformed near its end: all or nothing
    try:
        got = _import(con, path, name, fmt, role, threshold, kind, category, scheme)
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    return got


def _import(con: duckdb.DuckDBPyConnection, path: Path, name: str | None, fmt: str, role: str | None,
            threshold: int, kind: str | None, category: str | None, scheme: str | None) -> dict[str, Any]:
    set_id = _next_id(con)
    writer = RowWriter(con, batch=BATCH)
    set_scheme = scheme
    rows: Iterable[SetRow]
    parsed: Parsed | None = None
    if fmt == "nsrl":
        rows, role, set_scheme = nsrl.rows(path), role or "known", nsrl.SCHEME
    else:
        parsed = (vics.parse(path) if fmt == "vics" else icse.parse(path) if fmt == "icse"
                  else plain.parse(path, kind=kind, category=category, scheme=scheme))
        rows, set_scheme, role = parsed.rows, set_scheme or parsed.scheme, role or "notable"
    n = 0
    for n, row in enumerate(rows, start=1):
        rec = asdict(row)
        if category is not None and rec["category"] is None:
            rec["category"], rec["scheme"] = category, scheme
        writer.add("media_set_hashes", {"set_id": set_id, "row_index": n, **rec})
    header, skipped, first_skip = (parsed.header_json, parsed.skipped, parsed.first_skip) if parsed else (None, 0, None)
    writer.add("media_sets", {
        "set_id": set_id, "name": name or path.name, "format": fmt, "role": role, "enabled": True,
        "pdq_threshold": threshold, "scheme": set_scheme, "source_path": str(path),
        "source_sha256": sha256_file(path, chunk=1 << 20), "imported_at": _now(), "entries": n, "header_json": header})
    writer.flush()
    return {"set_id": set_id, "format": fmt, "role": role, "entries": n, "skipped": skipped, "first_skip": first_skip}


def _set(con: duckdb.DuckDBPyConnection, set_id: str) -> dict[str, Any]:
    tables.ensure(con)
    got = con.execute("SELECT * FROM media_sets WHERE set_id = ? OR name = ?", [set_id, set_id]).fetchall()
    if not got:
        raise MediaError(f"no hash set {set_id!r} (see `rescue media hashset list`)")
    if len(got) > 1:
        raise MediaError(f"several hash sets are named {set_id!r}: use the set id")
    return dict(zip(tables.columns("media_sets"), got[0], strict=True))


def set_enabled(con: duckdb.DuckDBPyConnection, set_id: str, enabled: bool) -> str:
    s = _set(con, set_id)
    con.execute("UPDATE media_sets SET enabled = ? WHERE set_id = ?", [enabled, s["set_id"]])
    return str(s["set_id"])


def list_sets(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    tables.ensure(con)
    cols = ["set_id", "name", "format", "role", "enabled", "pdq_threshold", "scheme", "entries", "imported_at"]
    got = con.execute(f"SELECT {', '.join(cols)} FROM media_sets ORDER BY set_id").fetchall()
    return [dict(zip(cols, r, strict=True)) for r in got]


def export_set(con: duckdb.DuckDBPyConnection, set_id: str, out: Path, fmt: str | None = None,
               kind: str = "md5") -> int:
    s = _set(con, set_id)
    fmt = fmt or s["format"]
    cols = tables.columns("media_set_hashes")
    own = fmt == s["format"]
    if fmt == "vics":  # streamed: a set of any size is written in bounded memory
        cur = con.cursor()
        cur.execute("SELECT * FROM media_set_hashes WHERE set_id = ? ORDER BY row_index", [s["set_id"]])

        def stream() -> Iterator[dict[str, Any]]:
            while chunk := cur.fetchmany(1_000):
                for r in chunk:
                    row = dict(zip(cols, r, strict=True))
                    if not own:
                        row["record_json"] = None
                    yield row

        with out.open("w", encoding="utf-8") as fh:
            return vics.write(fh, s["header_json"] if own else None, stream(), s["scheme"])
    got = con.execute("SELECT * FROM media_set_hashes WHERE set_id = ? ORDER BY row_index", [s["set_id"]]).fetchall()
    rows = [dict(zip(cols, r, strict=True)) for r in got]
    if fmt == "icse":
        out.write_text(icse.export(s["header_json"], rows, own), encoding="utf-8")
    elif fmt == "plain":
        if kind not in LENGTHS:
            raise MediaError(f"unknown hash kind {kind!r} (one of {', '.join(LENGTHS)})")
        out.write_text(plain.export(rows, kind), encoding="ascii")
    else:
        raise MediaError(f"cannot export to {fmt!r}: vics, icse or plain")
    return len(rows)


def add_feedback(con: duckdb.DuckDBPyConnection, value: str, verdict: str, *, analyst: str,
                 category: str | None = None, scheme: str | None = None, note: str | None = None) -> str:
    if verdict not in VERDICTS:
        raise MediaError(f"unknown verdict {verdict!r} (one of {', '.join(VERDICTS)})")
    if verdict == "recategorise" and not (category and scheme):
        raise MediaError("recategorise needs --category and --scheme (a category is meaningless without its scheme)")
    kind = {32: "md5", 40: "sha1"}.get(len(value.strip()))
    if kind is None:
        kind = "sha256" if len(value.strip()) == 64 else ""
    try:
        value = hexhash(value, kind or "md5") or ""
    except (ValueError, KeyError) as exc:
        raise MediaError(f"not a hash: {value[:80]!r} (MD5, SHA-1, SHA-256 or PDQ hex)") from exc
    tables.ensure(con)
    pdq_known = con.execute("SELECT count(*) FROM media_files WHERE pdq = ?", [value]).fetchall()[0][0]
    if kind == "sha256" and pdq_known:
        kind = "pdq"
    con.execute("INSERT INTO media_feedback VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [kind, value, verdict, category, scheme, note, analyst, _now()])
    return kind

