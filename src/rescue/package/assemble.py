"""The parts of one country's package document (the JSON every format renders) that are not person reports:
the head (identity, marking, grading rules), the summary with the priority list, the index, the annex.

The reports themselves stream through the writers (render.py); this module keeps the running totals."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from rescue.package import grading
from rescue.package.collect import Row
from rescue.package.marking import Marking
from rescue.package.plan import TIERS, Selection

FORMAT = "rescue-package"
FORMAT_VERSION = 1
LED_NOTE = ("Data subjects are kept apart by category (Directive (EU) 2016/680 Art. 6): the person reports "
            "concern suspects; this annex holds data concerning other parties (correspondents not attributed to "
            "any country) and victims (known media series). Use it only for the purpose stated with it.")
WITHDRAWN_NOTE = "no longer reported to this country: disregard the earlier report and update your records"


def head(*, country: str, version: int, kind: str, base_version: int | None, marking: Marking,
         operation: dict[str, str], drafted_by: str, generated_at: dt.datetime) -> dict[str, Any]:
    """What a package says about itself (everything but sources, summary, index, persons, withdrawn, annex)."""
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "country": country, "version": version, "kind": kind, "base_version": base_version,
        "operation": operation, "generated_at": generated_at.replace(microsecond=0).isoformat() + "Z",
        "drafted_by": drafted_by, "marking": marking.to_json(),
        "grading": {"system": "4x4 (Europol Regulation Art. 29)",
                    "reliability": grading.RELIABILITY, "accuracy": grading.ACCURACY,
                    "rules": [{"fact": f, "grade": g, "why": w} for f, g, w in grading.GRADE_RULES]},
    }


class Totals:
    """The summary, priority list and index of a package, kept as its reports go by."""

    def __init__(self, selection: Selection) -> None:
        self.selection = selection
        self.priority: list[Row] = []
        self.index: list[Row] = []
        self.tiers: Counter[str] = Counter()
        self.counts: Counter[str] = Counter()
        self.sources: set[str] = set()
        self.parties: list[Row] = []
        self.victims: list[Row] = []

    def add(self, r: Row, report_sha256: str, change: str, full: bool, parties: list[Row],
            victims: list[Row]) -> Row:
        """Count one report; returns its entry of the priority list."""
        lead = r["role"] == "lead"
        if lead:
            self.tiers[r["risk"]["tier"]] += 1
        self.counts["lead" if lead else "deconfliction"] += 1
        self.counts["selectors"] += len(r["selectors"])
        self.counts["evidence_items"] += len(r["country_evidence"])
        self.counts["xref_hits"] += len(r["xref_hits"])
        self.counts["media_hits"] += len(r["media_hits"])
        self.counts["full_reports"] += full
        self.sources.update(a["source_id"] for a in r["identity"]["accounts"])
        p = {"priority": len(self.priority) + 1, "person_id": r["person_id"], "label": r["label"], "role": r["role"],
             "tier": r["risk"]["tier"], "score": r["risk"]["score"], "accounts": len(r["identity"]["accounts"]),
             "change": change, "deconfliction": [d["country"] for d in r["deconfliction"]], "full_report": full}
        self.priority.append(p)
        self.index.append({"person_id": r["person_id"], "role": r["role"], "category": r["category"],
                           "change": change, "report_sha256": report_sha256})
        self.parties.extend(parties)
        self.victims.extend(victims)
        return p

    @property
    def persons(self) -> int:
        return len(self.priority)

    def summary(self, *, withdrawn: int, media_checked: bool, xref_checked: bool) -> dict[str, Any]:
        c = self.counts
        return {
            "persons": self.persons, "lead": c["lead"], "deconfliction": c["deconfliction"], "withdrawn": withdrawn,
            "tiers": {t: self.tiers.get(t, 0) for t in TIERS}, "selectors": c["selectors"],
            "evidence_items": c["evidence_items"], "xref_hits": c["xref_hits"], "media_hits": c["media_hits"],
            "media_checked": media_checked, "xref_checked": xref_checked,
            "annex": {"other party": len(self.parties), "victim": len(self.victims)},
            "full_reports": c["full_reports"], "report_selection": self.selection.to_json(),
            "priority": self.priority,
        }

    def sources_used(self, sources: dict[str, dict[str, Any]]) -> list[Row]:
        return [{"source_id": s, "sha256": sources.get(s, {}).get("sha256"),
                 "software": sources.get(s, {}).get("software")} for s in sorted(self.sources)]


def withdrawn_entries(withdrawn: list[str]) -> list[Row]:
    return [{"person_id": pid, "note": WITHDRAWN_NOTE} for pid in withdrawn]


def annex(parties: list[Row], victims: list[Row]) -> dict[str, Any]:
    return {"note": LED_NOTE, "other_parties": parties, "victim_related": victims}
