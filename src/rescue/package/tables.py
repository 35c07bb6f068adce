"""The package as flat tables (CSV files and XLSX sheets): one row per fact, each with its grade and the
seized row behind it. Annex tables (other parties, victim-related) are separate tables, never mixed in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Table = tuple[list[str], list[list[Any]]]
PROV = ["prov_source_id", "prov_table", "prov_key", "prov_offset", "prov_line"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Seized text must never become a spreadsheet formula (CSV/formula injection): a string starting with
    = + - @ or a control character is prefixed with an apostrophe."""
    if isinstance(value, str):
        if value.startswith(FORMULA_START):
            return "'" + value
        return value
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return value


def _prov(p: dict[str, Any] | None) -> list[Any]:
    if not p:
        return [None] * 5
    return [p.get("source_id"), p.get("table"), p.get("key"), p.get("offset"), p.get("line")]


def _leads(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from doc["persons"]


def tables(doc: dict[str, Any]) -> dict[str, Table]:
    cc = doc["country"]
    out: dict[str, Table] = {}
    pri = {p["person_id"]: p for p in doc["summary"]["priority"]}
    rows: list[list[Any]] = []
    for r in _leads(doc):
        p = pri[r["person_id"]]
        a = r["attribution"]
        rows.append([p["priority"], r["person_id"], r["label"], r["role"], r["category"], a["country"],
                     a["confidence"], a["grade"], r["risk"]["tier"], r["risk"]["score"], r["risk"]["rank"],
                     r["risk"]["grade"], len(r["identity"]["accounts"]), len(r["selectors"]),
                     " ".join(d["country"] for d in r["deconfliction"]), p["change"]])
    out["persons"] = (["priority", "person_id", "label", "role", "category", "attributed_country", "confidence",
                       "attribution_grade", "risk_tier", "risk_score", "risk_rank", "risk_grade", "accounts",
                       "selectors", "deconfliction", "change"], rows)
    rows = []
    for r in _leads(doc):
        for a in r["identity"]["accounts"]:
            rows.append([r["person_id"], a["account"], a["username"], a["registered_at"], a["last_visit_at"],
                         a["posts"], a["group"], a["flags"], a["link_method"], a["grade"], *_prov(a["prov"])])
    out["accounts"] = (["person_id", "account", "username", "registered_at", "last_visit_at", "posts", "group",
                        "flags", "link_method", "grade", *PROV], rows)
    rows = []
    for r in _leads(doc):
        ident = r["identity"]
        for what, items in (("name used", ident["names_used"]), ("birth date claimed", ident["birth_dates_claimed"]),
                            ("location claimed", ident["locations_claimed"])):
            for it in items:
                rows.append([r["person_id"], what, it["value"], it["accounts"], it["grade"]])
    out["identity"] = (["person_id", "attribute", "value", "accounts", "grade"], rows)
    rows = []
    for r in _leads(doc):
        for s in r["selectors"]:
            first = s["seen"][0] if s["seen"] else {}
            net = s.get("network") or {}
            rows.append([r["person_id"], s["kind"], s["value"], s["sightings"], s["first_seen"], s["last_seen"],
                         first.get("where"), net.get("country"), net.get("class"), s["grade"],
                         *_prov(first.get("prov"))])
    out["selectors"] = (["person_id", "kind", "value", "sightings", "first_seen", "last_seen", "first_where",
                         "ip_country", "ip_class", "grade", *PROV], rows)
    rows = []
    for r in _leads(doc):
        for e in r["country_evidence"]:
            rows.append([r["person_id"], e["evidence_id"], e["country"], e["countries"], e["type"], e["weight"],
                         e["strength"], e["stance"], e["grade"], e["detail"], e["first_seen"], e["last_seen"],
                         *_prov(e["prov"])])
    out["evidence"] = (["person_id", "evidence_id", "country", "countries", "type", "weight", "strength", "stance",
                        "grade", "detail", "first_seen", "last_seen", *PROV], rows)
    rows = []
    for r in _leads(doc):
        for t in r["timeline"]:
            rows.append([r["person_id"], t["at"], t["event"], t["detail"], t["grade"], *_prov(t["prov"])])
    out["timeline"] = (["person_id", "at", "event", "detail", "grade", *PROV], rows)
    rows = []
    for r in _leads(doc):
        risk = r["risk"]
        rows.append([r["person_id"], "tier", None, risk["tier"], risk["score"], None, risk["grade"], None, None,
                     *_prov(None)])
        for i in risk["indicators"]:
            if not i["evidence"]:
                rows.append([r["person_id"], i["indicator"], i["class"], i["label"], i["points"], i["items"],
                             i["grade"], None, None, *_prov(None)])
            for e in i["evidence"]:
                rows.append([r["person_id"], i["indicator"], i["class"], i["label"], i["points"], i["items"],
                             i["grade"], e["where"], e["snippet"], *_prov(e["prov"])])
    out["risk"] = (["person_id", "indicator", "class", "label", "points", "items", "grade", "where", "snippet",
                    *PROV], rows)
    rows = []
    for r in _leads(doc):
        for lk in r["links"]["same_person"]:
            rows.append([r["person_id"], "same person", lk["other_person"], None, lk["accounts"], lk["method"],
                         lk["kind"], lk["status"], None, None, lk["grade"]])
        for c in r["links"]["contacts"]:
            rows.append([r["person_id"], "private messages", c["person_id"], c["label"], None, None,
                         "in this package" if c["in_this_package"] else f"reported to {c['country']}", None,
                         c["messages_sent"], c["messages_received"], c["grade"]])
    out["links"] = (["person_id", "link", "other_person", "other_label", "accounts", "method", "kind", "status",
                     "messages_sent", "messages_received", "grade"], rows)
    rows = [[r["person_id"], x["other_operation"], x["reference"], x["kind"], x["other_person_id"], x["grade"]]
            for r in _leads(doc) for x in r["xref_hits"]]
    out["xref"] = (["person_id", "other_operation", "reference", "kind", "other_person_id", "grade"], rows)
    rows = [[r["person_id"], m["account"], m["attachment_id"], m["file_id"], m["sha256"], m["bucket"], m["category"],
             m["scheme"], m["distance"], m["link"], m["victim_series"], m["grade"]]
            for r in _leads(doc) for m in r["media_hits"]]
    out["media"] = (["person_id", "account", "attachment_id", "file_id", "sha256", "bucket", "category", "scheme",
                     "distance", "link", "victim_series", "grade"], rows)
    rows = [[w["person_id"], w["note"]] for w in doc["withdrawn"]]
    out["withdrawn"] = (["person_id", "note"], rows)
    rows = [[p["related_person"], p["person_id"], p["label"], p["category"], p["messages_sent"],
             p["messages_received"], p["first_at"], p["last_at"], p["grade"], p["note"]]
            for p in doc["annex"]["other_parties"]]
    out["annex_other_parties"] = (["related_person", "person_id", "label", "category", "messages_sent",
                                   "messages_received", "first_at", "last_at", "grade", "note"], rows)
    rows = [[v["related_person"], v["series_kind"], v["series_id"], v["category"], v["files"], v["category_led"],
             v["note"]] for v in doc["annex"]["victim_related"]]
    out["annex_victim_related"] = (["related_person", "series_kind", "series_id", "category", "files",
                                    "category_led", "note"], rows)
    del cc
    return out
