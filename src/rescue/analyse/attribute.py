"""Country attribution from evidence items: per person (over ``person_accounts``) and per account.

For a group of items (a person's, or one account's):

- ``strong[c]`` sums the weights of strong items pointing to country ``c`` (an item pointing to several
  countries adds its weight to each); ``weak[c]`` the same for weak items (time zone, language);
- a country's support is ``strong[c]``, plus ``weak[c]`` only when ``strong[c] > 0``: weak evidence
  corroborates, it never decides; with no strong item the attribution abstains;
- the top country has the highest support (a tie abstains); every item that does not point to it
  counts against it, once, with its weight (a time zone with ``timezone_against``):
  ``share = support / (support + against)``;
- ``confidence = share × (1 − exp(−support / strength_scale))``;
- it abstains (country NULL, confidence 0) when the top country's strong weight is below
  ``min_strong_weight``, its share below ``min_share``, or the confidence below ``min_confidence``.

Each evidence item is then graded in the 4x4 system: the source reliability comes with the item (B for
what the server recorded itself: its IP log, the registration e-mail; X for what a member wrote:
posts, profile fields, settings); the accuracy is 2 for the server's IP log, else 3 when another
kind of evidence of the same person points to the same country (corroborated) and 4 when not.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rescue.analyse.config import WEAK_TYPES, AnalyseConfig


@dataclass(frozen=True, slots=True)
class Item:
    evidence_type: str
    countries: tuple[str, ...]
    weight: float


@dataclass(frozen=True, slots=True)
class Decision:
    country: str | None
    confidence: float
    candidate: str | None
    support: float
    against: float
    share: float
    items: int
    types: str  # evidence types that support the candidate, sorted, comma-separated
    reason: str


_FAMILIES: dict[str, str] = {}


def family(evidence_type: str) -> str:
    got = _FAMILIES.get(evidence_type)
    if got is None:
        got = _FAMILIES[evidence_type] = _family(evidence_type)
    return got


def _family(evidence_type: str) -> str:
    if evidence_type.startswith("ip_"):
        return "ip"
    if evidence_type.startswith("phone"):
        return "phone"
    if evidence_type.startswith("email"):
        return "email"
    return evidence_type


def decide(items: Iterable[Item], cfg: AnalyseConfig) -> Decision:
    counted = [it for it in items if it.weight > 0 and it.countries]
    strong: dict[str, float] = defaultdict(float)
    weak: dict[str, float] = defaultdict(float)
    for it in counted:
        target = weak if it.evidence_type in WEAK_TYPES else strong
        for c in it.countries:
            target[c] += it.weight
    if not strong:
        why = "weak evidence only (time zone, language)" if counted else "no evidence"
        return Decision(None, 0.0, None, 0.0, 0.0, 0.0, len(counted), "", why)
    support = {c: s + weak.get(c, 0.0) for c, s in strong.items()}
    ranking = sorted(support.items(), key=lambda kv: (-kv[1], kv[0]))
    top, s_top = ranking[0]
    against = sum(cfg.timezone_against if it.evidence_type == "timezone" else it.weight
                  for it in counted if top not in it.countries)
    share = s_top / (s_top + against) if s_top + against > 0 else 0.0
    strength = 1.0 - math.exp(-s_top / cfg.strength_scale)
    confidence = round(share * strength, 4)
    types = ",".join(sorted({it.evidence_type for it in counted if top in it.countries}))
    def abstain(reason: str) -> Decision:
        return Decision(None, 0.0, top, round(s_top, 4), round(against, 4), round(share, 4), len(counted), types,
                        reason)

    if len(ranking) > 1 and math.isclose(ranking[1][1], s_top, rel_tol=1e-9):
        return abstain(f"tie between {top} and {ranking[1][0]}")
    if strong[top] < cfg.min_strong_weight:
        return abstain(f"strong evidence for {top} ({strong[top]:.2f}) below {cfg.min_strong_weight:g}")
    if share < cfg.min_share:
        return abstain(f"conflicting evidence: {share:.0%} for {top}")
    if confidence < cfg.min_confidence:
        return abstain(f"confidence {confidence:.2f} for {top} below {cfg.min_confidence:g}")
    others = sorted((c for c in support if c != top), key=lambda c: (-support[c], c))[:3]
    note = f"; also {', '.join(others)}" if others else ""
    return Decision(top, confidence, top, round(s_top, 4), round(against, 4), round(share, 4), len(counted), types,
                    f"{types}{note}")


def grade(evidence_type: str, reliability: str, corroborated: bool) -> tuple[str, int]:
    """(grade such as 'B2', accuracy 1–4) of one item."""
    accuracy = 2 if evidence_type.startswith("ip_") else 3 if corroborated else 4
    return f"{reliability}{accuracy}", accuracy


def corroboration(rows: list[tuple[str, tuple[str, ...], float]], attributed: str | None) -> list[bool]:
    """For one person's items (type, countries, weight): is each one corroborated by another kind of evidence?"""
    fams: dict[str, set[str]] = defaultdict(set)
    kinds = [family(etype) for etype, _, _ in rows]
    for (_etype, ccs, w), fam in zip(rows, kinds, strict=True):
        if w > 0:
            for c in ccs:
                fams[c].add(fam)
    out: list[bool] = []
    for (_etype, ccs, _w), fam in zip(rows, kinds, strict=True):
        focus = ccs[0] if len(ccs) == 1 else (attributed if attributed in ccs else None)
        got = fams.get(focus) if focus is not None else None
        out.append(got is not None and (len(got) > 1 or fam not in got))
    return out
