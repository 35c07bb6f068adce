"""ICSE-style CSV (semicolon-separated, Interpol's column names); Baseline kept as its own scheme."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rescue.media.hashsets.common import Parsed, SetFormatError, SetRow, flag, hexhash

HEADER = ["MD5", "SHA1", "PhotoDNA", "Image ID", "Is distributed", "Victim identified", "Offender identified",
          "Series name", "Number of submissions", "File Available", "Media Type", "Baseline"]
SCHEME = "Interpol Baseline"


def looks_like(head: bytes) -> bool:
    first = head.split(b"\n", 1)[0].lstrip(b"\xef\xbb\xbf").strip()
    return first.upper().startswith(b"MD5;")


def parse(path: Path) -> Parsed:
    text = path.read_bytes().decode("utf-8-sig", "replace")
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    if not reader.fieldnames or "MD5" not in reader.fieldnames:
        raise SetFormatError(path, "1", "no ICSE header (MD5;SHA1;…)")
    rows: list[SetRow] = []
    parsed = Parsed(rows, json.dumps({"fieldnames": reader.fieldnames}), SCHEME)
    for rec in reader:
        line = reader.line_num
        try:
            baseline = flag(rec.get("Baseline"))
            row = SetRow(
                md5=hexhash(rec.get("MD5"), "md5"), sha1=hexhash(rec.get("SHA1"), "sha1"),
                category=None if baseline is None else ("baseline" if baseline else "not baseline"),
                scheme=SCHEME if baseline is not None else None, series=(rec.get("Series name") or None),
                victim_identified=flag(rec.get("Victim identified")),
                offender_identified=flag(rec.get("Offender identified")),
                is_distributed=flag(rec.get("Is distributed")),
                record_json=json.dumps(rec, ensure_ascii=False))
        except ValueError as exc:
            parsed.skip(f"line {line}", str(exc))
            continue
        if not row.has_hash():
            parsed.skip(f"line {line}", "no hash")
            continue
        rows.append(row)
    return parsed


def _yes(v: bool | None) -> str:
    return "" if v is None else ("Yes" if v else "No")


def export(header_json: str | None, rows: Iterable[dict[str, Any]], own: bool) -> str:
    fields = json.loads(header_json)["fieldnames"] if (own and header_json) else HEADER
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, delimiter=";", lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        if own and r.get("record_json"):
            writer.writerow(json.loads(r["record_json"]))
            continue
        baseline = {"baseline": "Yes", "not baseline": "No"}.get(r.get("category") or "", "") \
            if r.get("scheme") == SCHEME else ""
        writer.writerow({"MD5": (r.get("md5") or "").upper(), "SHA1": (r.get("sha1") or "").upper(),
                         "Is distributed": _yes(r.get("is_distributed")),
                         "Victim identified": _yes(r.get("victim_identified")),
                         "Offender identified": _yes(r.get("offender_identified")),
                         "Series name": r.get("series") or "", "Baseline": baseline})
    return buf.getvalue()
