"""Project VIC VICS 2.0 JSON (OData): import with every field kept, export that round-trips.

A file is either ``{"@odata.context": "…#Media", "value": [media…]}`` or a case document whose
``value`` holds cases with a ``Media`` list. Each media record is stored whole (``record_json``) and
the document around the records (``header_json``) too, so an export of an imported set gives back
JSON equal to the input, unknown fields included.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rescue.media.hashsets.common import Parsed, SetFormatError, SetRow, flag, hexhash

CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/{}/$metadata#Media"
_SCHEMES = {"US": "VIC-US", "DEFAULT": "VIC-US", "UK": "CAID", "CUSTOM": "CUSTOM"}


def scheme_of(context: str) -> str:
    for part, scheme in _SCHEMES.items():
        if f"/{part}/" in context.upper():
            return scheme
    return "VIC-US"


def looks_like(head: bytes) -> bool:
    return head.lstrip()[:1] == b"{" and (b"odata.context" in head or b"odata.metadata" in head)


def _row(media: dict[str, Any], scheme: str) -> SetRow:
    alt = {str(h.get("HashName", "")).replace("-", "").lower(): h.get("HashValue")
           for h in media.get("AlternativeHashes") or [] if isinstance(h, dict)}
    category = media.get("Category")
    return SetRow(
        md5=hexhash(media.get("MD5"), "md5"), sha1=hexhash(media.get("SHA1"), "sha1"),
        sha256=hexhash(alt.get("sha256"), "sha256"), pdq=hexhash(alt.get("pdq"), "pdq"),
        category=None if category is None else str(category), scheme=scheme if category is not None else None,
        series=None if media.get("Series") in (None, "") else str(media.get("Series")),
        victim_identified=flag(media.get("VictimIdentified")),
        offender_identified=flag(media.get("OffenderIdentified")), is_distributed=flag(media.get("IsDistributed")),
        record_json=json.dumps(media, ensure_ascii=False, separators=(",", ":")))


def parse(path: Path) -> Parsed:
    try:
        doc = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SetFormatError(path, str(getattr(exc, "pos", 0)), f"not JSON: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("value"), list):
        raise SetFormatError(path, "0", "no VICS 'value' list")
    context = str(doc.get("@odata.context") or doc.get("odata.metadata") or "")
    scheme = scheme_of(context)
    values: list[Any] = doc["value"]
    cases = bool(values) and all(isinstance(v, dict) and isinstance(v.get("Media"), list) for v in values)
    parsed = Parsed([], None, scheme)
    counts: list[int] = []
    groups = [v["Media"] for v in values] if cases else [values]
    for g, media_list in enumerate(groups):
        kept = 0
        for i, media in enumerate(media_list):
            where = f"value[{g}].Media[{i}]" if cases else f"value[{i}]"
            if not isinstance(media, dict):
                parsed.skip(where, "not an object")
                continue
            try:
                row = _row(media, scheme)
            except ValueError as exc:
                parsed.skip(where, str(exc))
                continue
            parsed.rows.append(row)
            kept += 1
        counts.append(kept)
    skeleton = dict(doc)
    skeleton["value"] = [dict(v, Media=[]) for v in values] if cases else []
    parsed.header_json = json.dumps({"layout": "cases" if cases else "media", "counts": counts, "doc": skeleton},
                                    ensure_ascii=False)
    return parsed


def _fresh_record(row: dict[str, Any]) -> dict[str, Any]:
    media: dict[str, Any] = {"MD5": (row["md5"] or "").upper() or None}
    if row["category"] is not None:
        cat = row["category"]
        media["Category"] = int(cat) if str(cat).isdigit() else cat
    if row["sha1"]:
        media["SHA1"] = row["sha1"].upper()
    for key, col in (("VictimIdentified", "victim_identified"), ("OffenderIdentified", "offender_identified"),
                     ("IsDistributed", "is_distributed")):
        if row[col] is not None:
            media[key] = row[col]
    if row["series"]:
        media["Series"] = row["series"]
    alt = [{"HashName": name, "HashValue": row[col]} for name, col in (("SHA256", "sha256"), ("PDQ", "pdq"))
           if row[col]]
    if alt:
        media["AlternativeHashes"] = alt
    return media


def export(header_json: str | None, rows: list[dict[str, Any]], scheme: str | None) -> dict[str, Any]:
    """The VICS document of a set: the stored document refilled, or a new one built from the columns."""
    records = [json.loads(r["record_json"]) if r.get("record_json") else _fresh_record(r) for r in rows]
    if header_json:
        header = json.loads(header_json)
        if header.get("doc") is not None:
            doc: dict[str, Any] = header["doc"]
            if header["layout"] == "cases":
                pos = 0
                for case, n in zip(doc["value"], header["counts"], strict=False):
                    case["Media"] = records[pos:pos + n]
                    pos += n
                if pos < len(records):
                    doc["value"][-1]["Media"].extend(records[pos:])
            else:
                doc["value"] = records
            return doc
    part = {"CAID": "UK", "CUSTOM": "CUSTOM"}.get(scheme or "", "US")
    return {"@odata.context": CONTEXT.format(part), "value": records}
