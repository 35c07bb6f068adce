"""From evidence items to points per indicator, a score, a tier and a rank per person.

Per indicator, items with the same key are one observation (the strongest counts); a quote that
repeats what the person's own text already says is dropped. The strongest item gives ``points`` ×
its weight, each of the next ``repeats`` items ``repeat`` × its weight, and the indicator gives at
most ``cap``.
Indicators measured as a whole (tenure, activity, network, role, attachments) carry their points.
An indicator without an evidence item that has provenance gives no points.

score = behaviour points + breadth bonus + context points: every behavioural indicator beyond the
first that gives at least ``breadth.min_points`` adds ``breadth.bonus`` (different behaviours together
weigh more than one repeated), and context points count at most ``alone_cap`` for a person without
any behavioural indicator. Tiers come from the thresholds of the configuration.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from rescue.risk.config import Indicator, RiskConfig
from rescue.risk.store import Item


@dataclass(slots=True)   # one per person and indicator: millions at 1.8M members
class IndicatorResult:
    person_id: str
    indicator: Indicator
    value: float
    points: float
    items: int
    evidence: list[Item]


@dataclass(slots=True)
class PersonScore:
    person_id: str
    score: float = 0.0
    behaviour: float = 0.0
    breadth: float = 0.0
    context: float = 0.0
    context_counted: float = 0.0
    tier: str = "Low"
    rank: int = 0
    indicators: list[IndicatorResult] = field(default_factory=list)



def _best_per_key(items: list[Item]) -> list[Item]:
    """One item per observation (the strongest, its detail noting what else saw it), quotes of own words out."""
    best: dict[str, Item] = {}
    for it in sorted(items, key=lambda i: (-i.weight, i.in_quote, i.key, i.snippet, i.detail)):
        have = best.get(it.key)
        if have is None:
            best[it.key] = it
        elif it.detail and it.detail not in have.detail:
            best[it.key] = replace(have, detail=f"{have.detail}; {it.detail}" if have.detail else it.detail)
    own = {it.sentence for it in best.values() if not it.in_quote and it.sentence}
    kept = [it for it in best.values() if not (it.in_quote and it.sentence in own)]
    return sorted(kept, key=lambda i: (-i.weight, i.in_quote, i.reported, i.key))


def indicator_result(ind: Indicator, person_id: str, items: list[Item], max_evidence: int) -> IndicatorResult:
    kept = _best_per_key(items)
    evidence = [it for it in kept if it.has_provenance()][:max_evidence]
    if not evidence:
        return IndicatorResult(person_id, ind, 0.0, 0.0, 0, [])
    if kept[0].points is not None:  # measured as a whole: every item carries the indicator's points
        value, points = kept[0].value, kept[0].points
    else:
        raw = ind.points * kept[0].weight + ind.repeat * sum(it.weight for it in kept[1:1 + ind.repeats])
        value, points = float(len(kept)), min(ind.cap, raw)
    return IndicatorResult(person_id, ind, round(value, 6), round(points, 4), len(kept), evidence)


def tier_of(score: float, cfg: RiskConfig) -> str:
    for name, threshold in cfg.tiers:
        if score >= threshold:
            return name
    return "Low"


def combine(cfg: RiskConfig, behaviour: list[float], context: float) -> tuple[float, float, float]:
    """(score, breadth bonus, context points counted) of a person with these behavioural indicator points."""
    total = sum(behaviour)
    breadth = cfg.breadth_bonus * max(0, sum(1 for p in behaviour if p >= cfg.breadth_min) - 1)
    counted = context if total > 0 else min(context, cfg.alone_cap)
    return round(total + breadth + counted, 4), round(breadth, 4), round(counted, 4)


def score_persons(person_ids: Iterable[str], items: list[Item], cfg: RiskConfig) -> list[PersonScore]:
    """Scores of every person (those without items score 0), ranked: rank 1 first."""
    by: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for it in items:
        by[(it.person_id, it.indicator)].append(it)
    max_evidence = int(cfg.text["max_evidence"])
    order = {ind.name: i for i, ind in enumerate(cfg.indicators)}
    people = {p: PersonScore(p) for p in person_ids}
    for (person, name), group in sorted(by.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], -1))):
        if name not in order or person not in people:
            continue
        res = indicator_result(cfg.indicators[order[name]], person, group, max_evidence)
        if res.points > 0:
            people[person].indicators.append(res)
    return rank(list(people.values()), cfg)


def rank(people: list[PersonScore], cfg: RiskConfig, without: str | None = None) -> list[PersonScore]:
    """Compute score, tier and rank in place (``without``: leave one indicator out, for ablation)."""
    for ps in people:
        counted = [r for r in ps.indicators if r.indicator.name != without]
        behaviour = [r.points for r in counted if r.indicator.cls == "behaviour"]
        ps.behaviour = round(sum(behaviour), 4)
        ps.context = round(sum(r.points for r in counted if r.indicator.cls == "context"), 4)
        ps.score, ps.breadth, ps.context_counted = combine(cfg, behaviour, ps.context)
        ps.tier = tier_of(ps.score, cfg)
    def key(ps: PersonScore) -> tuple[float, float, int, int, str]:
        counted = [r for r in ps.indicators if r.indicator.name != without]
        n_behaviour = sum(1 for r in counted if r.indicator.cls == "behaviour")
        return -ps.score, -ps.behaviour, -n_behaviour, -sum(len(r.evidence) for r in counted), ps.person_id

    people.sort(key=key)
    for i, ps in enumerate(people, 1):
        ps.rank = i
    return people
