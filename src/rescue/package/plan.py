"""Who each country receives, decided once in SQL over the whole store (no per-person queries).

A country's package holds every person attributed to it (``lead``, ordered by priority: risk rank, then
score, then id) and a deconfliction notice for every person attributed elsewhere whose strong evidence also
points to it. Which of them get a *full report* in the PDF and the detail sheets of the XLSX is the
:class:`Selection` (docs/package.md, "Who gets a full report"); everyone is in package.json, the CSV files,
FollowTheMoney and i2 with all their evidence.

The plan is also a temporary table ``pkg_plan`` of the connection: ``g`` numbers the planned persons in
package order (country, priority), so that the staged facts (``stage.py``) are sorted by ``g`` and a
worker reads one country's chunk of persons as a range of ``g``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from rescue.errors import UsageError

TIERS = ("Very High", "High", "Medium", "Low")
TIER_ORDER = {t: i for i, t in enumerate(TIERS)}
DECONFLICT_MIN_WEIGHT = 1.0  # strong evidence weight that makes a second country concerned
DEFAULT_REPORT_TIER = "High"
DEFAULT_REPORT_TOP = 10


def tier_order(tier: object) -> int:
    return TIER_ORDER.get(str(tier or "Low"), TIER_ORDER["Low"])


def check_tier(tier: str | None, option: str) -> str | None:
    if tier is None:
        return None
    for t in TIERS:
        if t.lower() == tier.strip().lower():
            return t
    raise UsageError(f"{option} {tier!r}: choose one of {', '.join(TIERS)}")


@dataclass(frozen=True)
class Selection:
    """Who gets a full report in the PDF (and rows in the XLSX detail sheets): persons of risk tier ``tier``
    or higher, and in any case the ``top`` highest-priority persons of each country. Deconfliction notices
    follow the tier of the person. ``tier="Low"`` selects everyone."""

    tier: str = DEFAULT_REPORT_TIER
    top: int = DEFAULT_REPORT_TOP

    def lead(self, tier: object, priority: int) -> bool:
        return tier_order(tier) <= TIER_ORDER[self.tier] or priority <= self.top

    def notice(self, tier: object) -> bool:
        return tier_order(tier) <= TIER_ORDER[self.tier]

    def to_json(self) -> dict[str, object]:
        return {"tier": self.tier, "top": self.top}


@dataclass
class CountryPlan:
    """A country's persons: leads in priority order as a range of ``g`` and deconfliction notices by id."""

    country: str
    g_first: int = 0
    g_last: int = -1
    deconfliction: list[str] = field(default_factory=list)

    @property
    def leads(self) -> int:
        return self.g_last - self.g_first + 1


PLAN_SQL = """
create or replace temp table pkg_plan as
with others as (
  select person_id, list(country order by country) as others from (
    select e.person_id, e.country, sum(e.weight) as w
    from attribution_evidence e join attribution a using (person_id)
    where a.country is not null and e.country is not null and e.country <> a.country
      and e.strength = 'strong' and e.weight > 0
    group by all)
  where w >= {min_weight}
  group by 1)
select p.person_id, a.country,
       row_number() over (order by a.country, coalesce(r.rank, 1000000000), -coalesce(r.score, 0), p.person_id) as g,
       coalesce(r.tier, 'Low') as tier, r.rank, r.score, coalesce(o.others, []) as others
from persons p join attribution a using (person_id) left join risk r using (person_id)
left join others o using (person_id)
where a.country is not null and coalesce(r.tier, 'Low') in ({tiers})
"""


def make_plans(con: duckdb.DuckDBPyConnection, *, min_tier: str | None = None) -> dict[str, CountryPlan]:
    """Plan every country (creates ``pkg_plan`` in ``con``); countries in alphabetical order."""
    limit = TIER_ORDER[min_tier or "Low"]
    tiers = ", ".join(f"'{t}'" for t in TIERS[: limit + 1])
    con.execute(PLAN_SQL.format(min_weight=DECONFLICT_MIN_WEIGHT, tiers=tiers))
    plans: dict[str, CountryPlan] = {}
    for country, first, last in con.execute(
            "select country, min(g), max(g) from pkg_plan group by 1 order by 1").fetchall():
        plans[str(country)] = CountryPlan(str(country), int(first), int(last))
    # a notice goes to each other country the evidence points to, in the lead's priority order
    for pid, other in con.execute(
            "select person_id, unnest(others) from pkg_plan "
            "order by coalesce(rank, 1000000000), -coalesce(score, 0), person_id").fetchall():
        plans.setdefault(str(other), CountryPlan(str(other))).deconfliction.append(str(pid))
    return dict(sorted(plans.items()))
