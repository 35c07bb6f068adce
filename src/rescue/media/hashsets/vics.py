"""Project VIC VICS 2.0 JSON (OData): import with every field kept, export that round-trips.

A file is either ``{"@odata.context": "…#Media", "value": [media…]}`` or a case document whose
``value`` holds cases with a ``Media`` list. Each media record is stored whole (``record_json``) and
the document around the records (``header_json``) too, so an export of an imported set gives back
JSON equal to the input, unknown fields included.

The document is read as a stream (ijson): a multi-gigabyte set is imported in bounded memory.
"""

from __future__ import annotations

import itertools
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import ijson

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


class _Events:
    """ijson's events with the byte position, and whole values built from them (iteratively: a hostile
    document nested a million levels deep costs no recursion)."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.it: Iterator[tuple[str, Any]] = ijson.basic_parse(fh, use_float=True)

    def next(self) -> tuple[str, Any]:
        return next(self.it)

    def value(self, event: str, value: Any) -> Any:
        if event not in ("start_map", "start_array"):
            return value
        builder = ijson.ObjectBuilder()
        builder.event(event, value)
        depth = 1
        while depth:
            event, value = next(self.it)
            depth += event in ("start_map", "start_array")
            depth -= event in ("end_map", "end_array")
            builder.event(event, value)
        return builder.value


class _Stream:
    """Media records of a VICS document as they are read, with the document around them kept.

    Memory holds one media record (or one case without its Media list) at a time, whatever the size
    of the file. The layout is the first element's: a case (an object with a ``Media`` list) makes the
    document a case document, and a later element without a ``Media`` list is skipped."""

    def __init__(self, path: Path, parsed: Parsed) -> None:
        self.path, self.parsed = path, parsed
        self.skeleton: dict[str, Any] = {}
        self.cases: bool | None = None
        self.counts: list[int] = []

    def records(self, ev: _Events) -> Iterator[tuple[str, Any, int | None]]:
        """(where, media record, case index) for every element of ``value``; fills the skeleton."""
        event, _ = ev.next()
        if event != "start_map":
            raise SetFormatError(self.path, "0", "no VICS 'value' list")
        found = False
        while True:
            event, key = ev.next()
            if event == "end_map":
                break
            event, value = ev.next()
            if key != "value" or found:
                self.skeleton[key] = ev.value(event, value)
                continue
            if event != "start_array":
                raise SetFormatError(self.path, "0", "no VICS 'value' list")
            found = True
            elements: list[Any] = []
            self.skeleton["value"] = elements
            g = 0
            while True:
                event, value = ev.next()
                if event == "end_array":
                    break
                if event != "start_map":
                    ev.value(event, value)
                    if self.cases:
                        self.parsed.skip(f"value[{g}]", "not a case (no Media list)")
                    else:
                        self.cases = False
                        yield f"value[{g}]", value if event != "start_array" else [], None
                    g += 1
                    continue
                yield from self._element(ev, g, elements)
                g += 1
        if not found:
            raise SetFormatError(self.path, "0", "no VICS 'value' list")

    def _element(self, ev: _Events, g: int, elements: list[Any]) -> Iterator[tuple[str, Any, int | None]]:
        """One element of ``value`` (its start_map read): a case whose Media are streamed, or a media record."""
        obj: dict[str, Any] = {}
        streamed = False
        while True:
            event, key = ev.next()
            if event == "end_map":
                break
            event, value = ev.next()
            if key == "Media" and event == "start_array" and self.cases is not False and not streamed:
                self.cases, streamed = True, True
                obj["Media"] = []
                self.counts.append(0)
                i = 0
                while True:
                    event, value = ev.next()
                    if event == "end_array":
                        break
                    yield f"value[{g}].Media[{i}]", ev.value(event, value), len(self.counts) - 1
                    i += 1
                continue
            obj[key] = ev.value(event, value)
        if streamed:
            elements.append(obj)
        elif self.cases:
            self.parsed.skip(f"value[{g}]", "not a case (no Media list)")
        else:
            self.cases = False
            yield f"value[{g}]", obj, None


def parse(path: Path) -> Parsed:
    """A VICS document read as a stream (ijson): ``rows`` is an iterator; ``header_json``, ``skipped``
    and ``first_skip`` are set once it is exhausted."""
    parsed = Parsed([], None, None)
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    context = re.search(rb'"(?:@odata\.context|odata\.metadata)"\s*:\s*"([^"]*)"', head)
    parsed.scheme = scheme_of(context.group(1).decode("utf-8", "replace") if context else "")
    parsed.rows = _rows(path, parsed)
    return parsed


def _rows(path: Path, parsed: Parsed) -> Iterator[SetRow]:
    stream = _Stream(path, parsed)
    scheme = parsed.scheme or "VIC-US"
    with path.open("rb") as fh:
        ev = _Events(fh)
        try:
            for where, media, case in stream.records(ev):
                if not isinstance(media, dict):
                    parsed.skip(where, "not an object")
                    continue
                try:
                    row = _row(media, scheme)
                except ValueError as exc:
                    parsed.skip(where, str(exc))
                    continue
                except RecursionError:
                    parsed.skip(where, "nested too deep to store")
                    continue
                if case is not None:
                    stream.counts[case] += 1
                yield row
        except (ijson.JSONError, StopIteration) as exc:
            raise SetFormatError(path, f"byte {fh.tell()}", f"not JSON: {' '.join(str(exc).split())[:200]}") from exc
    context = str(stream.skeleton.get("@odata.context") or stream.skeleton.get("odata.metadata") or "")
    if scheme_of(context) != scheme:  # the context came after the records: the scheme is the document's
        raise SetFormatError(path, "0", "@odata.context found only after the records: put it first")
    cases = bool(stream.cases)
    if not cases:
        stream.skeleton["value"] = []
    try:
        parsed.header_json = json.dumps({"layout": "cases" if cases else "media", "counts": stream.counts,
                                         "doc": stream.skeleton}, ensure_ascii=False)
    except RecursionError as exc:
        raise SetFormatError(path, "0", "document nested too deep to store") from exc


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


def write(fh: TextIO, header_json: str | None, rows: Iterable[dict[str, Any]], scheme: str | None) -> int:
    """Write the VICS document of a set as a stream (the same document as ``export``, records written
    as they come): memory holds one record, whatever the size of the set. Returns the records written."""
    token = f"\u0000rescue-slot-{uuid.uuid4().hex}"
    doc: dict[str, Any] | None = None
    counts: list[int] = []
    if header_json:
        header = json.loads(header_json)
        doc = header.get("doc")
        if doc is not None and header["layout"] == "cases" and doc.get("value"):
            counts = list(header["counts"])[:len(doc["value"])]
            counts += [0] * (len(doc["value"]) - len(counts))
            for i, case in enumerate(doc["value"]):
                case["Media"] = f"{token}-{i}"
        elif doc is not None:
            doc["value"] = f"{token}-0"
            counts = [0]
    if doc is None:
        part = {"CAID": "UK", "CUSTOM": "CUSTOM"}.get(scheme or "", "US")
        doc, counts = {"@odata.context": CONTEXT.format(part), "value": f"{token}-0"}, [0]
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    records = iter(rows)
    written = 0
    for i in range(len(counts)):
        slot = json.dumps(f"{token}-{i}")
        before, text = text.split(slot, 1)
        fh.write(before + "[")
        # records beyond the stored counts go to the last case
        slot_rows = records if i == len(counts) - 1 else itertools.islice(records, counts[i])
        for k, row in enumerate(slot_rows):
            fh.write(("," if k else "") + "\n" + (row["record_json"] if row.get("record_json")
                                                 else json.dumps(_fresh_record(row), ensure_ascii=False)))
            written += 1
        fh.write("]")
    fh.write(text)
    return written
