"""The package as flat tables (CSV files and XLSX sheets): one row per fact, each with its grade and the
seized row behind it. Annex tables (other parties, victim-related) are separate tables, never mixed in.

Rows are produced one report at a time (``report_rows``) so that the writers stream: a country's tables
are never held in memory whole."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Table = tuple[list[str], list[list[Any]]]
PROV = ["prov_source_id", "prov_table", "prov_key", "prov_offset", "prov_line"]
FORMULA_START = frozenset(("=", "+", "-", "@", "\t", "\r"))

HEADERS: dict[str, list[str]] = {
    "persons": ["priority", "person_id", "label", "role", "category", "attributed_country", "confidence",
                "attribution_grade", "risk_tier", "risk_score", "risk_rank", "risk_grade", "accounts", "selectors",
                "deconfliction", "change", "full_report"],
    "accounts": ["person_id", "account", "username", "registered_at", "last_visit_at", "posts", "group", "flags",
                 "link_method", "grade", *PROV],
    "identity": ["person_id", "attribute", "value", "accounts", "grade"],
    "selectors": ["person_id", "kind", "value", "sightings", "first_seen", "last_seen", "first_where", "ip_country",
                  "ip_class", "grade", *PROV],
    "evidence": ["person_id", "evidence_id", "country", "countries", "type", "weight", "strength", "stance", "grade",
                 "detail", "first_seen", "last_seen", *PROV],
    "timeline": ["person_id", "at", "event", "detail", "grade", *PROV],
    "risk": ["person_id", "indicator", "class", "label", "points", "items", "grade", "where", "snippet", *PROV],
    "links": ["person_id", "link", "other_person", "other_label", "accounts", "method", "kind", "status",
              "messages_sent", "messages_received", "grade"],
    "xref": ["person_id", "other_operation", "reference", "kind", "other_person_id", "grade"],
    "media": ["person_id", "account", "attachment_id", "file_id", "sha256", "bucket", "category", "scheme", "distance",
              "link", "victim_series", "grade"],
    "withdrawn": ["person_id", "note"],
    "annex_other_parties": ["related_person", "person_id", "label", "category", "messages_sent", "messages_received",
                            "first_at", "last_at", "grade", "note"],
    "annex_victim_related": ["related_person", "series_kind", "series_id", "category", "files", "category_led",
                             "note"],
}
DETAIL = ("accounts", "identity", "selectors", "evidence", "timeline", "risk", "links", "xref", "media")
_NO_PROV = [None] * 5


def safe_cell(value: Any) -> Any:
    """Seized text must never become a spreadsheet formula (CSV/formula injection): a string starting with
    = + - @ or a control character is prefixed with an apostrophe."""
    if isinstance(value, str):
        if value[:1] in FORMULA_START:
            return "'" + value
        return value
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return value


def safe_row(row: list[Any]) -> list[Any]:
    """``safe_cell`` of every cell (inlined: this runs for every row of every table)."""
    fs = FORMULA_START
    return [("'" + v if v[:1] in fs else v) if v.__class__ is str
            else (" ".join(str(x) for x in v) if v.__class__ is list else v) for v in row]


def _prov(p: dict[str, Any] | None) -> list[Any]:
    if not p:
        return _NO_PROV
    return [p["source_id"], p["table"], p["key"], p["offset"], p["line"]]


def person_row(r: dict[str, Any], p: dict[str, Any]) -> list[Any]:
    """The row of ``persons``: ``p`` is the report's entry of the priority list."""
    a, risk = r["attribution"], r["risk"]
    return [p["priority"], r["person_id"], r["label"], r["role"], r["category"], a["country"], a["confidence"],
            a["grade"], risk["tier"], risk["score"], risk["rank"], risk["grade"], len(r["identity"]["accounts"]),
            len(r["selectors"]), " ".join(d["country"] for d in r["deconfliction"]), p["change"],
            p["full_report"]]


def report_rows(r: dict[str, Any]) -> Iterator[tuple[str, list[Any]]]:
    """The detail rows of one report: (table, row) in table order."""
    pid = r["person_id"]
    for a in r["identity"]["accounts"]:
        yield "accounts", [pid, a["account"], a["username"], a["registered_at"], a["last_visit_at"], a["posts"],
                           a["group"], a["flags"], a["link_method"], a["grade"], *_prov(a["prov"])]
    ident = r["identity"]
    for what, items in (("name used", ident["names_used"]), ("birth date claimed", ident["birth_dates_claimed"]),
                        ("location claimed", ident["locations_claimed"])):
        for it in items:
            yield "identity", [pid, what, it["value"], it["accounts"], it["grade"]]
    for s in r["selectors"]:
        first = s["seen"][0] if s["seen"] else {}
        net = s.get("network") or {}
        yield "selectors", [pid, s["kind"], s["value"], s["sightings"], s["first_seen"], s["last_seen"],
                            first.get("where"), net.get("country"), net.get("class"), s["grade"],
                            *_prov(first.get("prov"))]
    for e in r["country_evidence"]:
        yield "evidence", [pid, e["evidence_id"], e["country"], e["countries"], e["type"], e["weight"], e["strength"],
                           e["stance"], e["grade"], e["detail"], e["first_seen"], e["last_seen"], *_prov(e["prov"])]
    for t in r["timeline"]:
        yield "timeline", [pid, t["at"], t["event"], t["detail"], t["grade"], *_prov(t["prov"])]
    risk = r["risk"]
    yield "risk", [pid, "tier", None, risk["tier"], risk["score"], None, risk["grade"], None, None, *_NO_PROV]
    for i in risk["indicators"]:
        if not i["evidence"]:
            yield "risk", [pid, i["indicator"], i["class"], i["label"], i["points"], i["items"], i["grade"], None,
                           None, *_NO_PROV]
        for e in i["evidence"]:
            yield "risk", [pid, i["indicator"], i["class"], i["label"], i["points"], i["items"], i["grade"],
                           e["where"], e["snippet"], *_prov(e["prov"])]
    for lk in r["links"]["same_person"]:
        yield "links", [pid, "same person", lk["other_person"], None, lk["accounts"], lk["method"], lk["kind"],
                        lk["status"], None, None, lk["grade"]]
    for c in r["links"]["contacts"]:
        yield "links", [pid, "private messages", c["person_id"], c["label"], None, None,
                        "in this package" if c["in_this_package"] else f"reported to {c['country']}", None,
                        c["messages_sent"], c["messages_received"], c["grade"]]
    for x in r["xref_hits"]:
        yield "xref", [pid, x["other_operation"], x["reference"], x["kind"], x["other_person_id"], x["grade"]]
    for m in r["media_hits"]:
        yield "media", [pid, m["account"], m["attachment_id"], m["file_id"], m["sha256"], m["bucket"], m["category"],
                        m["scheme"], m["distance"], m["link"], m["victim_series"], m["grade"]]


def withdrawn_rows(withdrawn: list[dict[str, Any]]) -> list[list[Any]]:
    return [[w["person_id"], w["note"]] for w in withdrawn]


def party_rows(parties: list[dict[str, Any]]) -> list[list[Any]]:
    return [[p["related_person"], p["person_id"], p["label"], p["category"], p["messages_sent"],
             p["messages_received"], p["first_at"], p["last_at"], p["grade"], p["note"]] for p in parties]


def victim_rows(victims: list[dict[str, Any]]) -> list[list[Any]]:
    return [[v["related_person"], v["series_kind"], v["series_id"], v["category"], v["files"], v["category_led"],
             v["note"]] for v in victims]


def tables(doc: dict[str, Any]) -> dict[str, Table]:
    """Every table of a whole package document (package.json read back): the same rows the writers stream."""
    out: dict[str, Table] = {name: (header, []) for name, header in HEADERS.items()}
    pri = {p["person_id"]: p for p in doc["summary"]["priority"]}
    for r in doc["persons"]:
        out["persons"][1].append(person_row(r, pri[r["person_id"]]))
        for name, row in report_rows(r):
            out[name][1].append(row)
    out["withdrawn"][1].extend(withdrawn_rows(doc["withdrawn"]))
    out["annex_other_parties"][1].extend(party_rows(doc["annex"]["other_parties"]))
    out["annex_victim_related"][1].extend(victim_rows(doc["annex"]["victim_related"]))
    return out
