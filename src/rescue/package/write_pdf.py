"""The PDF a liaison officer reads: cover page, contents, summary with the priority list, one report per
person, the annex (other parties, victim-related data) apart; the marking banner on every page.

One layout pass (reportlab platypus) for the body, recording the page each report starts on; the cover and
contents are laid out afterwards and put in front (pypdf), so the contents carry real page numbers without a
second layout of the body. Every string from the seizure is XML-escaped before it reaches a Paragraph, and
table cells are plain strings (never parsed as markup).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF")
MAX_ROWS = 25  # rows per list in the PDF; the JSON, CSV and XLSX carry all
W, H = A4
MARGIN = 15 * mm
_fonts: tuple[str, str] | None = None
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def fonts() -> tuple[str, str]:
    """DejaVu Sans (covers Latin, Greek, Cyrillic) when installed, else Helvetica (Latin-1 only)."""
    global _fonts
    if _fonts is None:
        _fonts = ("Helvetica", "Helvetica-Bold")
        for d in FONT_DIRS:
            reg, bold = Path(d) / "DejaVuSans.ttf", Path(d) / "DejaVuSans-Bold.ttf"
            if reg.is_file() and bold.is_file():
                pdfmetrics.registerFont(TTFont("DejaVu", str(reg)))
                pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(bold)))
                _fonts = ("DejaVu", "DejaVu-Bold")
                break
    return _fonts


def _clean(value: Any, limit: int = 0) -> str:
    text = "" if value is None else str(value)
    if not text.isprintable():
        text = _UNPRINTABLE.sub(" ", text)
        text = "".join(ch if ch.isprintable() else " " for ch in text)
    if fonts()[0] == "Helvetica":
        text = text.encode("latin-1", "replace").decode("latin-1")
    if limit and len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def _styles() -> dict[str, ParagraphStyle]:
    reg, bold = fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=20, leading=26, spaceAfter=8),
        "h1": ParagraphStyle("h1", fontName=bold, fontSize=14, leading=18, spaceBefore=4, spaceAfter=6),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=10.5, leading=13, spaceBefore=6, spaceAfter=3),
        "body": ParagraphStyle("body", fontName=reg, fontSize=8.5, leading=11),
        "small": ParagraphStyle("small", fontName=reg, fontSize=7.5, leading=9.5),
        "snippet": ParagraphStyle("snippet", fontName=reg, fontSize=7.5, leading=9.5, leftIndent=8,
                                  textColor=colors.HexColor("#333333")),
    }


class _Mark(Flowable):  # type: ignore[misc]
    """Zero-size marker: records the page a report starts on."""

    def __init__(self, key: str, title: str, level: int, sink: list[tuple[str, str, int, int]]) -> None:
        super().__init__()
        self.key, self.title, self.level, self.sink = key, title, level, sink
        self.width = self.height = 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.sink.append((self.key, self.title, self.level, self.canv.getPageNumber()))


def _banner(doc: dict[str, Any], offset: int, total: list[int]) -> Any:
    reg, bold = fonts()
    marking = doc["marking"]
    head = _clean(f"{marking['tlp']}  |  {marking['handling_code']}: {marking['handling_text']}", 120)
    foot = _clean(f"Rescue intelligence package {doc['country']}/{doc['version']} ({doc['kind']})  |  "
                  f"{doc['operation'].get('name', '')}  |  {marking['tlp']} {marking['handling_code']}", 120)

    def draw(canvas: Canvas, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFillColor(colors.HexColor("#8B0000"))
        canvas.rect(0, H - 11 * mm, W, 11 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(bold, 8.5)
        canvas.drawCentredString(W / 2, H - 7 * mm, head)
        canvas.setFillColor(colors.HexColor("#8B0000"))
        canvas.rect(0, 0, W, 9 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(reg, 7)
        canvas.drawString(MARGIN, 3.5 * mm, foot)
        canvas.drawRightString(W - MARGIN, 3.5 * mm, f"page {canvas.getPageNumber() + offset}")
        canvas.restoreState()

    del total
    return draw


def _doc(buf: io.BytesIO, doc: dict[str, Any], offset: int) -> BaseDocTemplate:
    d = BaseDocTemplate(buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=16 * mm,
                        bottomMargin=14 * mm, title=f"Intelligence package {doc['country']}/{doc['version']}",
                        author=_clean(doc["operation"].get("agency", "")), subject=doc["marking"]["banner"],
                        pageCompression=1)
    frame = Frame(d.leftMargin, d.bottomMargin, d.width, d.height, id="main")
    d.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=_banner(doc, offset, []))])
    return d


def _latin1(data: list[list[str]]) -> bool:
    try:
        "".join("".join(row) for row in data).encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _table(rows: list[list[Any]], widths: list[float], header: list[str]) -> Table:
    """Plain-string cells cut to what fits their column at 7 pt (DejaVu Sans averages ~0.55 em a character)."""
    limits = [max(3, int(w * 0.7) - 1) for w in widths]
    data = [header] + [[_clean(v, lim) for v, lim in zip(r, limits, strict=True)] for r in rows]
    reg, bold = fonts()
    if _latin1(data):  # a standard font draws several times faster than an embedded TrueType font
        reg, bold = "Helvetica", "Helvetica-Bold"
    t = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    t.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), reg, 7), ("FONT", (0, 0), (-1, 0), bold, 7),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8E8E8")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#BBBBBB")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
    ]))
    return t


def _more(total: int, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    if total <= MAX_ROWS:
        return []
    return [Paragraph(f"… {total - MAX_ROWS} more in package.json, the CSV files and the XLSX workbook.",
                      st["small"])]


ANNEX_TITLE = "Annex: other parties and victim-related data (kept apart)"


def _title(r: dict[str, Any], n: int) -> str:
    return f"{n}. {_clean(r['label'], 60)} ({r['person_id']})"


def _report(r: dict[str, Any], n: int, st: dict[str, ParagraphStyle], marks: list[tuple[str, str, int, int]],
            country: str) -> Iterable[Flowable]:
    e = escape
    yield PageBreak()
    title = _title(r, n)
    yield _Mark(r["person_id"], title, 1, marks)
    yield Paragraph(e(title), st["h1"])
    a, risk = r["attribution"], r["risk"]
    lines = [f"<b>Data subject:</b> {e(r['category'])} (LED Art. 6)  ·  <b>Role in this package:</b> {e(r['role'])}",
             f"<b>Attributed country:</b> {e(_clean(a['country']))} (confidence {a['confidence']}, grade "
             f"{e(a['grade'])})  ·  <b>Risk tier:</b> {e(risk['tier'])} (score {risk['score']}, rank "
             f"{risk['rank']}, grade {risk['grade']}; advisory)"]
    for d in r["deconfliction"]:
        lines.append(f"<b>Deconfliction ({e(d['country'])}):</b> {e(_clean(d['note']))}")
    for line in lines:
        yield Paragraph(line, st["body"])
    ident = r["identity"]
    yield Paragraph("Identity", st["h2"])
    rows = [[x["account"], x["username"], (x["registered_at"] or "")[:10], (x["last_visit_at"] or "")[:10],
             x["posts"], " ".join(x["flags"]), x["link_method"], x["grade"]] for x in ident["accounts"]]
    yield _table(rows[:MAX_ROWS], [38, 32, 19, 19, 11, 18, 28, 11],
                 ["account", "user name", "registered", "last visit", "posts", "flags", "linked by", "grade"])
    claims = [(f"birth date claimed: {b['value']}", b["grade"]) for b in ident["birth_dates_claimed"]]
    claims += [(f"location claimed: {b['value']}", b["grade"]) for b in ident["locations_claimed"]]
    if claims:
        yield Paragraph("; ".join(f"{e(_clean(c, 80))} [{g}]" for c, g in claims), st["small"])
    if r["selectors"]:
        yield Paragraph(f"Selectors ({len(r['selectors'])})", st["h2"])
        rows = [[s["kind"], s["value"], s["sightings"], (s["first_seen"] or "")[:10], (s["last_seen"] or "")[:10],
                 (s["seen"][0]["where"] if s["seen"] else ""), s["grade"]] for s in r["selectors"]]
        yield _table(rows[:MAX_ROWS], [14, 55, 10, 19, 19, 52, 11],
                     ["kind", "value", "seen", "first", "last", "where first seen", "grade"])
        yield from _more(len(rows), st)
    if r["country_evidence"]:
        yield Paragraph(f"Country evidence ({len(r['country_evidence'])})", st["h2"])
        rows = [[x["country"] or x["countries"], x["type"], x["strength"], x["stance"], x["detail"], x["grade"]]
                for x in r["country_evidence"]]
        yield _table(rows[:MAX_ROWS], [14, 26, 13, 18, 98, 11],
                     ["country", "type", "strength", "stance", "detail", "grade"])
        yield from _more(len(rows), st)
    if r["timeline"]:
        yield Paragraph("Activity timeline", st["h2"])
        rows = [[(t["at"] or "")[:16].replace("T", " "), t["event"], t["detail"], t["grade"]] for t in r["timeline"]]
        yield _table(rows[:MAX_ROWS], [30, 32, 107, 11], ["when", "event", "detail", "grade"])
        yield from _more(len(rows), st)
    yield CondPageBreak(30 * mm)
    yield Paragraph(f"Risk: {e(risk['tier'])}", st["h2"])
    yield Paragraph(e(_clean(risk["advisory"])), st["small"])
    for i in risk["indicators"]:
        yield Paragraph(f"<b>{e(_clean(i['label']))}</b> ({e(i['indicator'])}, {i['class']}): {i['points']} points, "
                        f"{i['items']} items [{i['grade']}]", st["body"])
        for ev in i["evidence"][:3]:
            yield Paragraph(f"“{e(_clean(ev['snippet'], 300))}” — {e(_clean(ev['where']))}", st["snippet"])
    links = r["links"]
    if links["same_person"] or links["contacts"]:
        yield Paragraph("Links", st["h2"])
        rows = [["same person", lk["other_person"] or " + ".join(lk["accounts"]), lk["method"], lk["kind"],
                 lk["status"], lk["grade"]] for lk in links["same_person"]]
        rows += [["private messages", c["person_id"] + (f" {c['label']}" if c["label"] else ""),
                  f"{c['messages_sent']} sent / {c['messages_received']} received",
                  "this package" if c["in_this_package"] else f"reported to {c['country']}", "", c["grade"]]
                 for c in links["contacts"]]
        yield _table(rows[:MAX_ROWS], [25, 52, 35, 30, 27, 11], ["link", "with", "how", "kind", "status", "grade"])
        yield from _more(len(rows), st)
    if r["xref_hits"]:
        yield Paragraph("Cross-investigation hits", st["h2"])
        rows = [[x["other_operation"], x["reference"], x["kind"], x["grade"]] for x in r["xref_hits"]]
        yield _table(rows[:MAX_ROWS], [60, 50, 40, 11], ["operation", "reference", "kind", "grade"])
    if r["media_hits"]:
        yield Paragraph("Media hits", st["h2"])
        rows = [[m["sha256"], m["bucket"], m["category"], m["scheme"], m["distance"], m["grade"]]
                for m in r["media_hits"]]
        yield _table(rows[:MAX_ROWS], [70, 28, 28, 28, 15, 11],
                     ["sha256", "bucket", "category", "scheme", "distance", "grade"])
        yield from _more(len(rows), st)
    del country


def _summary(doc: dict[str, Any], st: dict[str, ParagraphStyle], marks: list[tuple[str, str, int, int]]
             ) -> Iterable[Flowable]:
    s = doc["summary"]
    yield _Mark("summary", "Summary and priority list", 0, marks)
    yield Paragraph("Summary and priority list", st["h1"])
    tiers = ", ".join(f"{k} {v}" for k, v in s["tiers"].items())
    yield Paragraph(f"{s['persons']} person reports: {s['lead']} attributed to {doc['country']}, "
                    f"{s['deconfliction']} deconfliction notices (attributed elsewhere, evidence also here); "
                    f"{s['withdrawn']} withdrawn. Risk tiers: {tiers}. Selectors {s['selectors']}, country evidence "
                    f"items {s['evidence_items']}, cross-investigation hits {s['xref_hits']}, media hits "
                    f"{s['media_hits']}" + ("" if s["media_checked"] else " (media triage not run)") + ".",
                    st["body"])
    full, shown = s.get("full_reports", s["persons"]), len(s["priority"])
    rest = s["persons"] - shown
    sel = s.get("report_selection")
    if sel and rest > 0:
        top = f" and the {sel['top']} highest-priority persons of the country" if sel["top"] else ""
        yield Paragraph(e_(f"Full reports in this PDF: {full} persons — risk tier {sel['tier']} or higher{top}. "
                           f"The other {rest} persons of this package are in package.json, the CSV files "
                           f"(csv/persons.csv and one file per kind of fact), FollowTheMoney and i2, each with "
                           f"their accounts, selectors, country evidence, timeline, risk and links; "
                           f"package.xlsx lists them on its persons sheet."), st["body"])
    yield Spacer(1, 4)
    rows = [[p["priority"], p["label"], p["person_id"], p["role"], p["tier"], p["score"], p["change"],
             " ".join(p["deconfliction"])] for p in s["priority"]]
    yield _table(rows, [12, 40, 34, 25, 18, 16, 17, 18],
                 ["#", "label", "person", "role", "tier", "score", "change", "deconfl."])
    if doc["withdrawn"]:
        yield Paragraph("Withdrawn since the last release", st["h2"])
        for w in doc["withdrawn"]:
            yield Paragraph(e_(f"{w['person_id']}: {w['note']}"), st["small"])


def e_(text: str) -> str:
    return escape(_clean(text))


def _annex(doc: dict[str, Any], st: dict[str, ParagraphStyle], marks: list[tuple[str, str, int, int]]
           ) -> Iterable[Flowable]:
    annex = doc["annex"]
    yield PageBreak()
    yield _Mark("annex", ANNEX_TITLE, 0, marks)
    yield Paragraph(ANNEX_TITLE, st["h1"])
    yield Paragraph(e_(annex["note"]), st["body"])
    total = doc.get("annex_total") or {}
    if total.get("other_parties", 0) + total.get("victim_related", 0) > \
            len(annex["other_parties"]) + len(annex["victim_related"]):
        yield Paragraph(e_(f"Shown: the rows concerning the persons with a full report. The whole annex "
                           f"({total['other_parties']} other parties, {total['victim_related']} victim-related "
                           f"rows) is in package.json and csv/annex_*.csv."), st["small"])
    yield Paragraph(f"Other parties ({len(annex['other_parties'])})", st["h2"])
    rows = [[p["related_person"], p["person_id"], p["label"], p["messages_sent"], p["messages_received"], p["grade"]]
            for p in annex["other_parties"]]
    if rows:
        yield _table(rows, [34, 34, 45, 20, 20, 11], ["related report", "party", "label", "sent", "received", "grade"])
    yield Paragraph(f"Victim-related ({len(annex['victim_related'])})", st["h2"])
    rows = [[v["related_person"], v["series_kind"], v["series_id"], v["category"], v["files"]]
            for v in annex["victim_related"]]
    if rows:
        yield _table(rows, [34, 28, 60, 30, 15], ["related report", "kind", "series", "category", "files"])
    yield Paragraph("Grading (4x4)", st["h2"])
    for g in doc["grading"]["rules"]:
        yield Paragraph(e_(f"{g['grade']}: {g['fact']} — {g['why']}"), st["small"])


def _front(doc: dict[str, Any], st: dict[str, ParagraphStyle], marks: list[tuple[str, str, int, int]],
           offset: int) -> list[Flowable]:
    m = doc["marking"]
    s = doc["summary"]
    kind_line = (f"Supplement to {doc['country']}/{doc['base_version']}: only what changed since that release"
                 if doc["kind"] == "supplement" else "Full package")
    out: list[Flowable] = [
        Spacer(1, 30 * mm),
        Paragraph(e_(m["tlp"]), st["title"]),
        Paragraph(f"Intelligence package {doc['country']}/{doc['version']}", st["title"]),
        Paragraph(kind_line, st["h1"]),
        Spacer(1, 8 * mm),
        Paragraph(e_(f"Operation: {doc['operation'].get('name', '')}  ·  Agency: {doc['operation'].get('agency', '')}"),
                  st["body"]),
        Paragraph(e_(f"Generated {doc['generated_at']} by {doc['drafted_by']}"), st["body"]),
        Paragraph(f"{s['persons']} person reports ({s['lead']} lead, {s['deconfliction']} deconfliction)", st["body"]),
        Spacer(1, 6 * mm),
        Paragraph(f"<b>Handling code {m['handling_code']}:</b> {e_(m['handling_text'])}"
                  + (f" — {e_(m['conditions'])}" if m["conditions"] else ""), st["body"]),
        Paragraph(f"<b>{e_(m['tlp'])}:</b> {e_(m['tlp_text'])}", st["body"]),
        Spacer(1, 6 * mm),
        Paragraph("Every fact carries a 4x4 evaluation grade (source reliability A/B/C/X, information accuracy 1-4; "
                  "rules in the annex). Risk tiers advise a human decision; they do not replace one. Data about "
                  "other parties and victims is kept apart in the annex (Directive (EU) 2016/680 Art. 6).",
                  st["small"]),
        PageBreak(),
        Paragraph("Contents", st["h1"]),
    ]
    rows = [[("    " if level else "") + _clean(title, 90), str(page + offset)] for _k, title, level, page in marks]
    reg, _bold = fonts()
    t = Table(rows or [["", ""]], colWidths=[160 * mm, 20 * mm], rowHeights=11)
    t.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), reg, 8), ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                           ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    out.append(t)
    return out


def write_pdf(doc: dict[str, Any], path: Path) -> Path:
    rl_config.useA85 = 0  # binary streams: ASCII85 only makes files larger and slower to write
    st = _styles()
    # the contents' entries are known before the layout (summary, one per report, annex); their rows have a
    # fixed height, so cover + contents laid out with placeholder page numbers give the offset of the body
    titles = [("summary", "Summary and priority list", 0, 99999)]
    titles += [(r["person_id"], _title(r, i), 1, 99999) for i, r in enumerate(doc["persons"], start=1)]
    titles.append(("annex", ANNEX_TITLE, 0, 99999))
    probe = io.BytesIO()
    _doc(probe, doc, 0).build(_front(doc, st, titles, 0))
    offset = len(PdfReader(probe).pages)
    marks: list[tuple[str, str, int, int]] = []
    body_buf = io.BytesIO()
    story: list[Flowable] = list(_summary(doc, st, marks))
    for i, r in enumerate(doc["persons"], start=1):
        story.extend(_report(r, i, st, marks, doc["country"]))
    story.extend(_annex(doc, st, marks))
    _doc(body_buf, doc, offset).build(story)
    front_buf = io.BytesIO()
    _doc(front_buf, doc, 0).build(_front(doc, st, marks, offset))
    writer = PdfWriter()
    front, body = PdfReader(front_buf), PdfReader(body_buf)
    writer.append(front)
    if len(front.pages) != offset:  # the estimate was off: page numbers in contents and banner would be wrong
        raise RuntimeError(f"contents took {len(front.pages)} pages, expected {offset}")
    writer.append(body)
    for key, title, level, page in marks:
        if level <= 1:
            writer.add_outline_item(title=title, page_number=offset + page - 1)
        del key
    writer.add_metadata({"/Title": f"Intelligence package {doc['country']}/{doc['version']}",
                         "/Subject": doc["marking"]["banner"]})
    with path.open("wb") as fh:
        writer.write(fh)
    return path
