"""The synthetic world: persons, their accounts on two forums, their networks and text pools.

Nothing here depends on a forum software; a writer (:mod:`rescue.synth.writers`) turns a world
and one of its forums into a dump.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rescue.synth.accounts import ForumAccounts, build_accounts, plan_membership
from rescue.synth.body import TextPools
from rescue.synth.common import MAIN_FORUM, OTHER_FORUM
from rescue.synth.countries import COUNTRIES, HOSTING_ASNS
from rescue.synth.geo import GeoIndex, geo_index
from rescue.synth.netplan import NetPlan, build_netplan
from rescue.synth.people import Population, apply_eras, build_population

# Reserved account ids of every forum: 1 = guest, 2 = founder, then the search-engine bots.
BOTS: tuple[tuple[str, str, str], ...] = (
    ("AdsBot [Google]", "AdsBot-Google", "66.249.66.13"),
    ("Alexa [Bot]", "ia_archiver", "204.236.235.245"),
    ("Ask Jeeves [Bot]", "Ask Jeeves", "66.235.124.3"),
    ("Baidu [Spider]", "Baiduspider", "180.76.15.20"),
    ("Bing [Bot]", "bingbot/", "157.55.39.210"),
    ("Exabot [Bot]", "Exabot", "178.255.215.90"),
    ("Google Adsense [Bot]", "Mediapartners-Google", "66.249.66.94"),
    ("Google [Bot]", "Googlebot", "66.249.66.1"),
    ("MSN [Bot]", "msnbot/", "157.55.39.12"),
    ("Yahoo [Bot]", "Yahoo! Slurp", "74.6.168.140"),
    ("YandexBot [Bot]", "YandexBot/", "5.255.253.22"),
)
FIRST_MEMBER_ID = 3 + len(BOTS)

Progress = Callable[[str, int, int], None]


@dataclass
class World:
    seed: int
    members: int
    pop: Population
    forums: list[ForumAccounts]  # [seized forum, other investigation]
    net: NetPlan
    pools: TextPools
    geo: GeoIndex


def deleted_count(members: int) -> int:
    return max(2, members // 150)


def other_members(members: int) -> int:
    return max(10, round(members * 0.2))


def build_world(seed: int, members: int, progress: Progress | None = None) -> World:
    def stage(name: str) -> Callable[[int, int], None]:
        def tick(done: int, total: int) -> None:
            if progress:
                progress(name, done, total)
        return tick

    n_other = other_members(members)
    plan = plan_membership(seed, members + deleted_count(members), n_other + deleted_count(n_other) // 2)
    persons = stage("persons")
    pop = build_population(seed, plan.n_persons, persons)
    persons(plan.n_persons, plan.n_persons)
    stage("accounts")(0, 2)
    main = build_accounts(seed, MAIN_FORUM, pop, plan.main_persons, deleted_count(members), FIRST_MEMBER_ID)
    reuse = {p: (main.username[main.by_person[p][0]], main.email[main.by_person[p][0]])
             for p in set(plan.other_persons.tolist()) if main.by_person.count(p)}
    other = build_accounts(seed, OTHER_FORUM, pop, plan.other_persons, deleted_count(n_other) // 2,
                           FIRST_MEMBER_ID, reuse)
    stage("accounts")(2, 2)
    span_start = np.full(pop.n, np.iinfo(np.int64).max, dtype=np.int64)
    span_end = np.zeros(pop.n, dtype=np.int64)
    for acc in (main, other):
        np.minimum.at(span_start, acc.person, acc.reg)
        np.maximum.at(span_end, acc.person, acc.last)
    apply_eras(pop, span_end)
    asns = tuple(sorted(set(HOSTING_ASNS) | {c.carrier for c in COUNTRIES if c.carrier}))
    networks = stage("networks")
    networks(0, pop.n)
    geo = geo_index(asns)
    net = build_netplan(seed, geo, pop.country, pop.opsec, span_start, span_end, networks)
    networks(pop.n, pop.n)
    pools = TextPools(seed)
    return World(seed=seed, members=members, pop=pop, forums=[main, other], net=net, pools=pools, geo=geo)
