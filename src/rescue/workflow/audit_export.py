"""Exporting the processing log: CSV or JSON Lines, every field including the chain's hashes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from rescue.errors import UsageError
from rescue.workflow.audit import AuditEntry, iter_entries

FIELDS = ("seq", "at", "actor", "action", "object_kind", "object_id", "country", "justification", "recipients",
          "details", "prev_hash", "hash")
FORMATS = ("csv", "jsonl")


def as_dict(e: AuditEntry) -> dict[str, Any]:
    return {"seq": e.seq, "at": e.at.isoformat(timespec="microseconds"), "actor": e.actor, "action": e.action,
            "object_kind": e.object_kind, "object_id": e.object_id, "country": e.country,
            "justification": e.justification, "recipients": json.loads(e.recipients or "[]"),
            "details": json.loads(e.details or "{}"), "prev_hash": e.prev_hash, "hash": e.hash}


def lines(s: Session, fmt: str) -> Iterator[str]:
    """The log as text lines (a CSV header first), oldest entry first."""
    if fmt not in FORMATS:
        raise UsageError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    if fmt == "jsonl":
        for e in iter_entries(s):
            yield json.dumps(as_dict(e), ensure_ascii=False, sort_keys=True) + "\n"
        return
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(FIELDS)
    for e in iter_entries(s):
        d = as_dict(e)
        d["recipients"] = e.recipients
        d["details"] = e.details
        writer.writerow([cell(d[f]) for f in FIELDS])
        yield buf.getvalue()
        buf.seek(0)
        buf.truncate()
    if buf.getvalue():
        yield buf.getvalue()


def cell(v: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (CSV injection)."""
    text = "" if v is None else str(v)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
