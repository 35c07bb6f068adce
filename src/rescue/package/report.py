"""One person's report: identity, selectors, country evidence, timeline, risk, links, hits — every fact graded.

A report is a plain JSON-ready dict (the package's JSON Schema describes it). Two shapes:

- ``lead``: the country the person is attributed to receives everything about the person;
- ``deconfliction``: another country the evidence also points to receives a notice — who (accounts),
  the evidence pointing to *its* territory, the risk tier and the lead country — and nothing else
  (need to know).
"""

from __future__ import annotations

import hashlib
import html
from collections import defaultdict
from typing import Any

import orjson

from rescue.package import grading
from rescue.package.collect import Facts, Row, iso, prov

MAX_SIGHTINGS = 10  # sightings listed per selector (the count covers all)
STRONG_TYPES_FOR_B3 = 2


def canonical(obj: object) -> bytes:
    """Sorted keys, no spaces, UTF-8, anything else as ``str``: byte for byte what
    ``json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)`` gives for a
    report (so hashes of earlier releases still compare), ten times faster."""
    return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME, default=str)


def report_hash(report: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(report)).hexdigest()


def other_countries(facts: Facts, person_id: str) -> list[str]:
    """Countries other than the attributed one that strong evidence points to (deconfliction; plan.py)."""
    return [str(c) for c in facts.persons[person_id].get("others") or []]


def _accounts(facts: Facts, pid: str) -> tuple[list[Row], list[Row], list[Row], list[Row]]:
    accounts, names, births, places = [], [], [], []
    seen_names: dict[str, list[str]] = defaultdict(list)
    seen_births: dict[str, list[str]] = defaultdict(list)
    seen_places: dict[str, list[str]] = defaultdict(list)
    for a in facts.accounts.get(pid, []):
        key = f"{a['source_id']}:{a['account_id']}"
        flags = [n for n in ("is_staff", "is_banned", "is_deleted", "is_inactive") if a.get(n)]
        accounts.append({
            "account": key, "source_id": a["source_id"], "account_id": a["account_id"], "username": a["username"],
            "registered_at": iso(a["registered_at"]), "last_visit_at": iso(a["last_visit_at"]),
            "posts": a["post_count"], "group": a["group_name"], "flags": [f[3:] for f in flags],
            "link_method": a["link_method"], "link_confidence": a["link_confidence"], "grade": grading.RECORD,
            "prov": prov(a["source_id"], a["prov_table"], a["prov_key"], a["prov_offset"], a["prov_line"]),
        })
        if a["username"]:
            seen_names[str(a["username"])].append(key)
        birth = iso(a["birth_date"]) or (str(a["birthday_raw"]).strip() if a["birthday_raw"] else "")
        if birth:
            seen_births[birth].append(key)
        if a["location"]:
            seen_places[str(a["location"]).strip()].append(key)
    for value, keys in seen_names.items():
        names.append({"value": value, "accounts": keys, "grade": grading.RECORD})
    for value, keys in seen_births.items():
        births.append({"value": value, "accounts": keys, "grade": grading.claim(len(keys) > 1)})
    for value, keys in seen_places.items():
        places.append({"value": value, "accounts": keys, "grade": grading.claim(len(keys) > 1)})
    return accounts, names, births, places


def _selectors(facts: Facts, pid: str) -> list[Row]:
    grouped: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for s in facts.selectors.get(pid, []):
        grouped[(str(s["kind"]), str(s["value"]))].append(s)
    out: list[Row] = []
    for (kind, value), rows in grouped.items():
        accounts = sorted({f"{r['source_id']}:{r['account_id']}" for r in rows})
        corroborated = len(rows) > 1
        reg = any(r["origin"] == "accounts" and r["field"] == "email" for r in rows)
        grade = grading.registration_email(corroborated) if reg else grading.claim(corroborated)
        times = [r["seen_at"] for r in rows if r["seen_at"] is not None]
        out.append({
            "kind": kind, "value": value, "sightings": len(rows), "accounts": accounts,
            "first_seen": iso(min(times)) if times else None, "last_seen": iso(max(times)) if times else None,
            "grade": grade,
            "seen": [{"where": f"{r['origin']} {r['origin_id']}" + (f" ({r['field']})" if r["field"] else ""),
                      "at": iso(r["seen_at"]), "in_quote": bool(r["in_quote"]), "obfuscated": bool(r["obfuscated"]),
                      "prov": prov(r["source_id"], r["prov_table"], r["prov_key"], r["prov_offset"],
                                   r["prov_line"])} for r in rows[:MAX_SIGHTINGS]],
        })
    for r in facts.ips.get(pid, []):
        out.append({
            "kind": "ip", "value": r["ip"], "sightings": int(r["events"]), "accounts": [],
            "first_seen": iso(r["first_seen"]), "last_seen": iso(r["last_seen"]), "grade": grading.SERVER_LOG,
            "network": {"country": r["country"], "class": r["class"], "operator": r["operator"]},
            "seen": [{"where": f"server IP log ({r['kinds']})", "at": iso(r["first_seen"]), "in_quote": False,
                      "obfuscated": False,
                      "prov": prov(r["source_id"], r["prov_table"], r["prov_key"], r["prov_offset"], r["prov_line"])}],
        })
    return out


def _evidence(facts: Facts, pid: str, only_country: str | None = None) -> list[Row]:
    out = []
    for e in facts.evidence.get(pid, []):
        if only_country is not None and e.get("country") != only_country:
            continue
        out.append({
            "evidence_id": e["evidence_id"], "country": e["country"], "countries": e["countries"],
            "type": e["evidence_type"], "weight": e["weight"], "strength": e["strength"], "stance": e["stance"],
            "grade": e["grade"], "detail": e["detail"], "events": e["events"],
            "first_seen": iso(e["first_seen"]), "last_seen": iso(e["last_seen"]),
            "prov": prov(e["source_id"], e["prov_table"], e["prov_key"], e["prov_offset"], e["prov_line"]),
        })
    return out


def _timeline(facts: Facts, pid: str, accounts: list[Row]) -> list[Row]:
    events: list[Row] = []
    for a in accounts:
        if a["registered_at"]:
            events.append({"at": a["registered_at"], "event": "registered", "detail": f"account {a['username']}",
                           "grade": grading.RECORD, "prov": a["prov"]})
        if a["last_visit_at"]:
            events.append({"at": a["last_visit_at"], "event": "last visit", "detail": f"account {a['username']}",
                           "grade": grading.RECORD, "prov": a["prov"]})
    for r in facts.activity.get(pid, []):
        events.append({"at": iso(r["first_at"]), "event": f"{r['what']}s in {r['year']}",
                       "detail": f"{r['n']} {r['what']}s, {iso(r['first_at'])} .. {iso(r['last_at'])}",
                       "grade": grading.RECORD, "prov": None})
    events.sort(key=lambda e: (e["at"] or "", e["event"]))
    return events


def _risk(facts: Facts, pid: str, *, with_evidence: bool) -> Row:
    p = facts.persons[pid]
    indicators = []
    for i in facts.indicators.get(pid, []):
        ev = facts.risk_evidence.get((pid, i["indicator"]), []) if with_evidence else []
        indicators.append({
            "indicator": i["indicator"], "class": i["class"], "label": i["label"], "points": i["points"],
            "items": i["items"], "grade": grading.indicator_grade(str(i["class"]), int(i["items"] or 0)),
            "evidence": [{"snippet": html.unescape(str(e["snippet"] or "")), "detail": e["detail"],
                          "where": f"{e['source_table']} {e['origin_id']}" + (f" ({e['field']})" if e["field"] else ""),
                          "reported": bool(e["reported"]), "in_quote": bool(e["in_quote"]),
                          "prov": prov(e["source_id"], e["prov_table"], e["prov_key"], e["prov_offset"],
                                       e["prov_line"])} for e in ev],
        })
    return {"tier": p.get("tier") or "Low", "score": p.get("score") or 0.0, "rank": p.get("rank"),
            "advisory": p.get("advisory") or "This score advises a human decision; it does not replace one.",
            "config_version": p.get("config_version"), "grade": grading.ASSESSMENT,
            "indicators": indicators if with_evidence else []}


def _links(facts: Facts, pid: str, country: str) -> tuple[list[Row], list[Row], list[Row]]:
    """Same-person links (evidence joining this person's accounts, and held candidates), PM contacts, and
    contacts who are no suspect of any package (other parties, kept apart). A contact is *in this package*
    when ``country``'s plan holds it as a lead."""
    same: list[Row] = []
    for lk in facts.links.get(pid, []):
        inside = lk["person_a"] == lk["person_b"]
        other = None if inside else (lk["person_b"] if lk["person_a"] == pid else lk["person_a"])
        same.append({
            "accounts": [f"{lk['source_a']}:{lk['account_a']}", f"{lk['source_b']}:{lk['account_b']}"]
            if inside else [f"{lk['source_a']}:{lk['account_a']}" if lk["person_a"] == pid
                            else f"{lk['source_b']}:{lk['account_b']}"],
            "other_person": other, "method": lk["method"], "kind": lk["kind"], "status": lk["status"],
            "detail": lk["detail"] if inside else None, "score": lk["score"], "grade": grading.link_grade(lk["method"]),
        })
    contacts: list[Row] = []
    parties: list[Row] = []
    merged: dict[str, Row] = {}
    for c in facts.contacts.get(pid, []):
        m = merged.setdefault(c["other"], {"sent": 0, "received": 0, "first_at": c["first_at"],
                                           "last_at": c["last_at"], "label": c["other_label"],
                                           "country": c["other_country"], "planned": c["other_planned"]})
        m["sent" if c["direction"] == "sent" else "received"] += int(c["messages"])
        m["first_at"] = min(m["first_at"], c["first_at"])
        m["last_at"] = max(m["last_at"], c["last_at"])
    for other, m in sorted(merged.items()):
        row = {"person_id": other, "messages_sent": m["sent"], "messages_received": m["received"],
               "first_at": iso(m["first_at"]), "last_at": iso(m["last_at"]), "grade": grading.RECORD}
        if m["planned"] == country:
            contacts.append({**row, "label": m["label"], "in_this_package": True, "country": m["country"]})
        elif m["country"]:
            # a suspect reported to another country: a reference only (deconfliction through the lead country)
            contacts.append({**row, "label": None, "in_this_package": False, "country": m["country"]})
        else:
            parties.append({**row, "label": m["label"], "category": "other party",
                            "note": "private-message correspondent not attributed to any country"})
    return same, contacts, parties


def lead_report(facts: Facts, pid: str) -> tuple[Row, list[Row], list[Row]]:
    """The full report for the country the person is attributed to, plus the annex rows it refers to
    (other parties, victim-related media series)."""
    p = facts.persons[pid]
    others = other_countries(facts, pid)
    accounts, names, births, places = _accounts(facts, pid)
    evidence = _evidence(facts, pid)
    strong_types = {e["type"] for e in evidence if e["strength"] == "strong" and e["stance"] == "supports"}
    same, contacts, parties = _links(facts, pid, str(p["country"]))
    media, victims = _media(facts, pid)
    report = {
        "person_id": pid, "label": p["label"], "role": "lead", "category": "suspect",
        "attribution": {"country": p["country"], "confidence": p["confidence"], "reason": p["reason"],
                        "evidence_types": p["evidence_types"], "grade": grading.attribution_grade(len(strong_types))},
        "deconfliction": [{"country": c, "note": f"evidence also points to {c}; {c} receives a deconfliction "
                           f"notice naming this country as lead"} for c in others],
        "identity": {"accounts": accounts, "names_used": names, "birth_dates_claimed": births,
                     "locations_claimed": places},
        "selectors": _selectors(facts, pid),
        "country_evidence": evidence,
        "timeline": _timeline(facts, pid, accounts),
        "risk": _risk(facts, pid, with_evidence=True),
        "links": {"same_person": same, "contacts": contacts},
        "xref_hits": [{"other_operation": x.get("other_operation"), "reference": x.get("reference"),
                       "kind": x.get("kind"), "other_person_id": x.get("other_person_id"),
                       "grade": grading.XREF} for x in facts.xref.get(pid, [])],
        "media_hits": media,
    }
    for party in parties:
        party["related_person"] = pid
    for v in victims:
        v["related_person"] = pid
    return report, parties, victims


def _media(facts: Facts, pid: str) -> tuple[list[Row], list[Row]]:
    """Media hits of the person (files it uploaded, by hash) and, apart, the series they belong to: a known
    series (a notable hash set's victim series) or an unseen series (the priority for victim identification)."""
    hits: list[Row] = []
    series: dict[tuple[str, str, str], int] = defaultdict(int)
    for m in facts.media.get(pid, []):
        in_series = bool(m["known_series"] or m["series_id"])
        hits.append({"source_id": m["source_id"], "account": f"{m['source_id']}:{m['account_id']}",
                     "attachment_id": m["attachment_id"], "file_id": m["file_id"], "sha256": m["sha256"],
                     "bucket": m["bucket"], "category": m["category"], "scheme": m["scheme"],
                     "distance": m["distance"], "link": m["link"], "victim_series": in_series,
                     "grade": grading.media_grade(m["bucket"], m["distance"])})
        if m["known_series"]:
            series[("known series", str(m["known_series"]), str(m["category"] or ""))] += 1
        if m["series_id"]:
            series[("unseen series", str(m["series_id"]), str(m["category"] or ""))] += 1
    victims = [{"series_id": s, "series_kind": kind, "category": c or None, "files": n, "category_led": "victim",
                "note": "data concerning a victim: for victim identification only"}
               for (kind, s, c), n in sorted(series.items())]
    return hits, victims


def deconfliction_report(facts: Facts, pid: str, country: str) -> Row:
    """What a second country receives: who, the evidence pointing to it, the tier and the lead country."""
    p = facts.persons[pid]
    accounts, names, _, _ = _accounts(facts, pid)
    return {
        "person_id": pid, "label": p["label"], "role": "deconfliction", "category": "suspect",
        "attribution": {"country": p["country"], "confidence": p["confidence"], "reason": p["reason"],
                        "evidence_types": p["evidence_types"], "grade": grading.INFERENCE_WEAK},
        "deconfliction": [{"country": p["country"], "note": f"lead country {p['country']}: the full report went "
                           f"there; coordinate before acting. This notice carries only the evidence pointing "
                           f"to {country}."}],
        "identity": {"accounts": accounts, "names_used": names, "birth_dates_claimed": [], "locations_claimed": []},
        "selectors": [], "country_evidence": _evidence(facts, pid, only_country=country), "timeline": [],
        "risk": _risk(facts, pid, with_evidence=False),
        "links": {"same_person": [], "contacts": []}, "xref_hits": [], "media_hits": [],
    }
