"""Write a package folder as its reports stream in — every format open at once, one report at a time — and
the manifest of hashes at the end.

``package.json`` is written as the reports come: the head (identity, marking, grading rules, one key a
line), the person reports (one compact JSON object a line), then the sources, summary with the priority
list, index, withdrawn persons and annex, known only at the end (JSON does not order keys). The PDF holds
the persons with a full report (``Selection``, plan.py); it is laid out at the end from the reports kept
for it.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import IO, Any

import orjson

from rescue.package.assemble import Totals, annex, withdrawn_entries
from rescue.package.plan import Selection
from rescue.package.tables import party_rows, person_row, report_rows, victim_rows, withdrawn_rows

FORMATS = ("json", "pdf", "csv", "xlsx", "ftm", "i2")
# one report as the writer takes it: report, its sha256, change, full report?, annex rows (parties, victims)
Item = tuple[dict[str, Any], str, str, bool, list[dict[str, Any]], list[dict[str, Any]]]
MANIFEST = "manifest.json"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _dumps(obj: Any) -> bytes:
    return orjson.dumps(obj, default=str)


class PackageWriter:
    """One package folder. ``add`` each report in package order, then ``close``."""

    def __init__(self, folder: Path, head: dict[str, Any], formats: tuple[str, ...], selection: Selection,
                 *, sources: dict[str, dict[str, Any]], media_checked: bool, xref_checked: bool) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.head, self.formats = folder, head, formats
        self.sources, self.media_checked, self.xref_checked = sources, media_checked, xref_checked
        self.totals = Totals(selection)
        self.cpu: dict[str, float] = dict.fromkeys(("json", "csv", "xlsx", "ftm", "i2", "pdf", "close"), 0.0)
        self.pdf_reports: list[dict[str, Any]] = []
        ref = f"{head['country']}/{head['version']}"
        banner = head["marking"]["banner"]
        self.json: IO[bytes] | None = (folder / "package.json").open("wb") if "json" in formats else None
        if self.json is not None:  # the head first, then the reports as they come; the totals at the end
            self.json.write(b"{")
            for k, v in head.items():
                self.json.write(_dumps(k) + b":" + _dumps(v) + b",\n")
            self.json.write(b'"persons":[\n')
        self.csv = self.xlsx = self.ftm = self.i2 = None
        if "csv" in formats:
            from rescue.package.write_tables import CsvSink

            self.csv = CsvSink(folder / "csv", banner, ref)
        if "xlsx" in formats:
            from rescue.package.write_tables import XlsxSink

            self.xlsx = XlsxSink(folder / "package.xlsx", banner, [
                ("country", head["country"]), ("version", str(head["version"])), ("kind", head["kind"]),
                ("operation", head["operation"].get("name", "")), ("generated at", head["generated_at"]),
                ("drafted by", head["drafted_by"])], created=head["generated_at"])
        if "ftm" in formats:
            from rescue.package.write_exchange import FtmSink

            self.ftm = FtmSink(folder / "aleph" / "entities.ftm.json", head)
        if "i2" in formats:
            from rescue.package.write_exchange import I2Sink

            self.i2 = I2Sink(folder / "i2")

    def add(self, r: dict[str, Any], report_sha256: str, change: str, *, full: bool,
            parties: list[dict[str, Any]], victims: list[dict[str, Any]]) -> None:
        self.add_many([(r, report_sha256, change, full, parties, victims)])

    def add_many(self, items: list[Item]) -> None:
        """Reports in package order (a chunk of them): each format takes the whole chunk in turn (fewer calls,
        and the CPU of each format measured once a chunk)."""
        clock, cpu = time.process_time, self.cpu
        t0 = clock()
        add = self.totals.add
        entries = [add(r, h, change, full, parties, victims) for r, h, change, full, parties, victims in items]
        if self.json is not None:
            self.json.write(b"".join((b"," if p["priority"] > 1 else b"") + _dumps(it[0]) + b"\n"
                                     for it, p in zip(items, entries, strict=True)))
        t1 = clock()
        cpu["json"] += t1 - t0
        if self.csv is not None or self.xlsx is not None:
            rows = [(person_row(it[0], p), list(report_rows(it[0])), it[3]) for it, p in zip(items, entries,
                                                                                           strict=True)]
            if self.csv is not None:
                self.csv.reports(rows)
            t2 = clock()
            cpu["csv"] += t2 - t1
            if self.xlsx is not None:
                xrow = self.xlsx.row
                for prow, detail, full in rows:
                    xrow("persons", prow)
                    if full:
                        for table, row in detail:
                            xrow(table, row)
            t1 = clock()
            cpu["xlsx"] += t1 - t2
        if self.ftm is not None:
            for it in items:
                self.ftm.add(it[0])
        t2 = clock()
        cpu["ftm"] += t2 - t1
        if self.i2 is not None:
            for it in items:
                self.i2.add(it[0])
        cpu["i2"] += clock() - t2
        if "pdf" in self.formats:
            self.pdf_reports.extend(it[0] for it in items if it[3])

    @property
    def persons(self) -> int:
        return self.totals.persons

    def close(self, withdrawn: list[str]) -> list[Path]:
        """Finish every format; returns the files written (the manifest is written by ``write_manifest``)."""
        t = self.totals
        gone = withdrawn_entries(withdrawn)
        summary = t.summary(withdrawn=len(withdrawn), media_checked=self.media_checked,
                            xref_checked=self.xref_checked)
        files: list[Path] = []
        if self.json is not None:
            files.append(self._json_end(summary, gone))
        c0 = time.process_time()
        if "pdf" in self.formats:
            from rescue.package.write_pdf import write_pdf

            files.append(write_pdf(self._pdf_doc(summary, gone), self.folder / "package.pdf"))
        c1 = time.process_time()
        self.cpu["pdf"] += c1 - c0
        for sink in (self.csv, self.xlsx):
            if sink is not None:
                sink.rows("withdrawn", withdrawn_rows(gone))
                sink.rows("annex_other_parties", party_rows(t.parties))
                sink.rows("annex_victim_related", victim_rows(t.victims))
        if self.csv is not None:
            files.extend(self.csv.close())
        if self.xlsx is not None:
            files.append(self.xlsx.close())
        if self.ftm is not None:
            files.append(self.ftm.close())
        if self.i2 is not None:
            files.extend(self.i2.close())
        self.cpu["close"] += time.process_time() - c1
        return files

    def abort(self) -> None:
        for sink in (self.json, self.csv, self.xlsx, self.ftm, self.i2):
            if sink is not None:
                sink.close()

    def _json_end(self, summary: dict[str, Any], gone: list[dict[str, Any]]) -> Path:
        assert self.json is not None
        out = self.json
        out.write(b"],\n")
        out.write(b'"sources":' + _dumps(self.totals.sources_used(self.sources)) + b",\n")
        out.write(b'"summary":' + _dumps(summary) + b",\n")
        out.write(b'"index":' + _dumps(self.totals.index) + b",\n")
        out.write(b'"withdrawn":' + _dumps(gone) + b",\n")
        out.write(b'"annex":' + _dumps(annex(self.totals.parties, self.totals.victims)) + b"}\n")
        out.close()
        return self.folder / "package.json"

    def _pdf_doc(self, summary: dict[str, Any], gone: list[dict[str, Any]]) -> dict[str, Any]:
        """What the PDF shows: the whole package's summary, the priority list and reports of the persons with a
        full report, and the annex rows concerning them (the counts say how many more the tables hold)."""
        t = self.totals
        shown = {r["person_id"] for r in self.pdf_reports}
        parties = [p for p in t.parties if p["related_person"] in shown]
        victims = [v for v in t.victims if v["related_person"] in shown]
        return {**self.head, "summary": {**summary, "priority": [p for p in t.priority if p["full_report"]]},
                "persons": self.pdf_reports, "withdrawn": gone, "annex": annex(parties, victims),
                "annex_total": {"other_parties": len(t.parties), "victim_related": len(t.victims)}}


def render_doc(doc: dict[str, Any], folder: Path, formats: tuple[str, ...] = FORMATS,
               selection: Selection | None = None) -> list[Path]:
    """Write a whole package document (e.g. package.json read back) in the formats asked, as the build does."""
    sel = selection or Selection(**doc["summary"].get("report_selection", {}))
    head = {k: doc[k] for k in ("format", "format_version", "country", "version", "kind", "base_version",
                                "operation", "generated_at", "drafted_by", "marking", "grading")}
    sources = {s["source_id"]: s for s in doc["sources"]}
    w = PackageWriter(folder, head, formats, sel, sources=sources, media_checked=doc["summary"]["media_checked"],
                      xref_checked=doc["summary"]["xref_checked"])
    pri = {p["person_id"]: p for p in doc["summary"]["priority"]}
    idx = {i["person_id"]: i for i in doc["index"]}
    parties: dict[str, list[dict[str, Any]]] = {}
    victims: dict[str, list[dict[str, Any]]] = {}
    for p in doc["annex"]["other_parties"]:
        parties.setdefault(p["related_person"], []).append(p)
    for v in doc["annex"]["victim_related"]:
        victims.setdefault(v["related_person"], []).append(v)
    for r in doc["persons"]:
        pid = r["person_id"]
        p = pri[pid]
        full = p.get("full_report", sel.lead(p["tier"], p["priority"]) if r["role"] == "lead" else
                     sel.notice(p["tier"]))
        w.add(r, idx[pid]["report_sha256"], idx[pid]["change"], full=bool(full), parties=parties.get(pid, []),
              victims=victims.get(pid, []))
    return w.close([x["person_id"] for x in doc["withdrawn"]])


def read_parts(path: Path, keys: tuple[str, ...]) -> dict[str, Any]:
    """Top-level values of a package.json without parsing the person reports: the writer puts each of
    ``sources``, ``summary``, ``index``, ``withdrawn`` and ``annex`` on a line of its own. A file laid out
    otherwise (an earlier build) is parsed whole."""
    want = {f'"{k}":'.encode(): k for k in keys}
    found: dict[str, Any] = {}
    with path.open("rb") as fh:
        for line in fh:
            for prefix, key in want.items():
                if line.startswith(prefix):
                    # without the "," after the value or, on the last line, the document's closing "}"
                    found[key] = orjson.loads(line[len(prefix):].rstrip()[:-1])
            if len(found) == len(keys):
                return found
    doc = json.loads(path.read_text(encoding="utf-8"))
    return {k: doc[k] for k in keys}


def write_manifest(head: dict[str, Any], persons: int, folder: Path, files: list[Path]) -> tuple[Path, str]:
    """manifest.json: the package's identity and marking and every file with its sha256 and size.
    Returns the path and the manifest's own sha256 (recorded in the workflow store)."""
    entries = [{"path": p.relative_to(folder).as_posix(), "sha256": sha256_file(p), "bytes": p.stat().st_size}
               for p in sorted(files)]
    manifest = {
        "format": "rescue-package-manifest", "format_version": 1,
        "country": head["country"], "version": head["version"], "kind": head["kind"],
        "base_version": head["base_version"], "operation": head["operation"], "generated_at": head["generated_at"],
        "drafted_by": head["drafted_by"], "marking": head["marking"], "persons": persons,
        "hash": "sha256", "files": entries,
    }
    path = folder / MANIFEST
    data = (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")
    path.write_bytes(data)
    return path, hashlib.sha256(data).hexdigest()


def verify_folder(folder: Path, manifest_sha256: str) -> list[str]:
    """Problems found: the manifest changed, a listed file is missing or altered, an unlisted file appeared."""
    path = folder / MANIFEST
    if not path.is_file():
        return [f"{path}: missing"]
    data = path.read_bytes()
    problems = []
    if hashlib.sha256(data).hexdigest() != manifest_sha256:
        problems.append(f"{path}: altered since it was drafted (sha256 differs from the workflow store)")
    manifest = json.loads(data)
    listed = set()
    for f in manifest["files"]:
        p = folder / f["path"]
        listed.add(p.resolve())
        if not p.is_file():
            problems.append(f"{p}: missing")
        elif sha256_file(p) != f["sha256"]:
            problems.append(f"{p}: altered (sha256 differs from the manifest)")
    for p in folder.rglob("*"):
        if p.is_file() and p.name != MANIFEST and p.resolve() not in listed:
            problems.append(f"{p}: not in the manifest")
    return problems
