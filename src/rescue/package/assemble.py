"""Assemble one country's package document from the collected facts (the JSON every format renders)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from rescue.package import grading
from rescue.package.collect import Facts, Row
from rescue.package.marking import Marking
from rescue.package.report import deconfliction_report, lead_report, other_countries, report_hash

FORMAT = "rescue-package"
FORMAT_VERSION = 1
TIERS = ("Very High", "High", "Medium", "Low")
TIER_ORDER = {t: i for i, t in enumerate(TIERS)}
LED_NOTE = ("Data subjects are kept apart by category (Directive (EU) 2016/680 Art. 6): the person reports "
            "concern suspects; this annex holds data concerning other parties (correspondents not attributed to "
            "any country) and victims (known media series). Use it only for the purpose stated with it.")


@dataclass
class CountryPlan:
    """Who a country receives: persons attributed to it (lead) and persons whose evidence also points to it."""

    country: str
    lead: list[str] = field(default_factory=list)
    deconfliction: list[str] = field(default_factory=list)


def plan(facts: Facts, *, min_tier: str | None = None) -> dict[str, CountryPlan]:
    plans: dict[str, CountryPlan] = {}
    limit = TIER_ORDER.get(min_tier or "Low", len(TIERS))
    for pid, p in facts.persons.items():
        country = p.get("country")
        if not country or TIER_ORDER.get(str(p.get("tier") or "Low"), 3) > limit:
            continue
        plans.setdefault(country, CountryPlan(country)).lead.append(pid)
        for other in other_countries(facts, pid):
            plans.setdefault(other, CountryPlan(other)).deconfliction.append(pid)
    return dict(sorted(plans.items()))


def _priority_key(facts: Facts, pid: str) -> tuple[int, float, str]:
    p = facts.persons[pid]
    rank = p.get("rank")
    return (int(rank) if rank is not None else 10**9, -float(p.get("score") or 0.0), pid)


def person_reports(facts: Facts, cp: CountryPlan) -> tuple[list[Row], list[Row], list[Row]]:
    """Every report of the country (lead first by priority, then deconfliction notices) and the annex rows."""
    in_package = set(cp.lead)
    reports: list[Row] = []
    parties: list[Row] = []
    victims: list[Row] = []
    for pid in sorted(cp.lead, key=lambda x: _priority_key(facts, x)):
        r, ps, vs = lead_report(facts, pid, in_package, other_countries(facts, pid))
        reports.append(r)
        parties.extend(ps)
        victims.extend(vs)
    for pid in sorted(cp.deconfliction, key=lambda x: _priority_key(facts, x)):
        reports.append(deconfliction_report(facts, pid, cp.country))
    return reports, parties, victims


def document(*, facts: Facts, country: str, version: int, kind: str, base_version: int | None,
             reports: list[Row], changes: dict[str, str], withdrawn: list[str], parties: list[Row],
             victims: list[Row], marking: Marking, operation: dict[str, str], drafted_by: str,
             generated_at: dt.datetime) -> dict[str, Any]:
    """The package document. ``changes``: person id → new / changed / unchanged against the last release."""
    tiers: Counter[str] = Counter()
    priority = []
    index = []
    for i, r in enumerate(reports, start=1):
        if r["role"] == "lead":
            tiers[r["risk"]["tier"]] += 1
        h = report_hash(r)
        priority.append({"priority": i, "person_id": r["person_id"], "label": r["label"], "role": r["role"],
                         "tier": r["risk"]["tier"], "score": r["risk"]["score"],
                         "accounts": len(r["identity"]["accounts"]), "change": changes.get(r["person_id"], "new"),
                         "deconfliction": [d["country"] for d in r["deconfliction"]]})
        index.append({"person_id": r["person_id"], "role": r["role"], "category": r["category"],
                      "change": changes.get(r["person_id"], "new"), "report_sha256": h})
    used_sources = sorted({a["source_id"] for r in reports for a in r["identity"]["accounts"]})
    by_category = {"other party": len(parties), "victim": len(victims)}
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "country": country, "version": version, "kind": kind, "base_version": base_version,
        "operation": operation, "generated_at": generated_at.replace(microsecond=0).isoformat() + "Z",
        "drafted_by": drafted_by, "marking": marking.to_json(),
        "sources": [{"source_id": s, "sha256": facts.sources.get(s, {}).get("sha256"),
                     "software": facts.sources.get(s, {}).get("software")} for s in used_sources],
        "grading": {"system": "4x4 (Europol Regulation Art. 29)",
                    "reliability": grading.RELIABILITY, "accuracy": grading.ACCURACY,
                    "rules": [{"fact": f, "grade": g, "why": w} for f, g, w in grading.GRADE_RULES]},
        "summary": {
            "persons": len(reports), "lead": sum(1 for r in reports if r["role"] == "lead"),
            "deconfliction": sum(1 for r in reports if r["role"] == "deconfliction"),
            "withdrawn": len(withdrawn), "tiers": {t: tiers.get(t, 0) for t in TIERS},
            "selectors": sum(len(r["selectors"]) for r in reports),
            "evidence_items": sum(len(r["country_evidence"]) for r in reports),
            "xref_hits": sum(len(r["xref_hits"]) for r in reports),
            "media_hits": sum(len(r["media_hits"]) for r in reports),
            "media_checked": facts.has_media, "xref_checked": facts.has_xref,
            "annex": dict(by_category), "priority": priority,
        },
        "index": index,
        "persons": reports,
        "withdrawn": [{"person_id": pid, "note": "no longer reported to this country: disregard the earlier report "
                       "and update your records"} for pid in withdrawn],
        "annex": {"note": LED_NOTE, "other_parties": parties, "victim_related": victims},
    }
