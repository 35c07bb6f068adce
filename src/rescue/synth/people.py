"""Persons of the world: who they are, where they live, how they write and what they disclose.

The population is columnar (numpy arrays and plain lists) so that a Kidflix-sized world of
more than a million persons fits in memory; nothing here knows about forum software.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from rescue.synth.common import DAY, np_rng, py_rng, unix
from rescue.synth.contacts import MESSENGERS, make_handle, make_phone
from rescue.synth.countries import COUNTRIES, GLOBAL_PROVIDERS, country_weights
from rescue.synth.names import NamePools, email_local
from rescue.synth.phrases_en import CATEGORIES
from rescue.synth.risk import TIER_SHARES, indicators_for_tier
from rescue.synth.style import random_styles

PHRASE_LANGS = ("en", "de", "fr", "es", "nl", "pl", "it", "pt")
SESSION_FROM = unix(2020, 3, 1)  # the Session messenger exists from 2020 on

# Probability that a person has a handle of each messenger (normal, high-risk tier).
HANDLE_RATES: dict[str, tuple[float, float]] = {
    "skype": (0.35, 0.35), "icq": (0.12, 0.15), "telegram": (0.22, 0.6), "kik": (0.08, 0.3),
    "jabber": (0.08, 0.35), "session": (0.05, 0.4),
}


@dataclass
class Population:
    n: int
    country: npt.NDArray[np.int16]
    locale: list[str]
    lang: list[str]  # native language, ISO 639-1
    zone: list[tuple[str, float, bool]]  # IANA zone, standard offset, DST
    given: list[str]
    family: list[str]
    birth: npt.NDArray[np.int64]  # unix time of birth (midnight UTC)
    style: npt.NDArray[np.uint8]
    interests: npt.NDArray[np.uint8]  # three favourite categories
    risk: npt.NDArray[np.int8]  # tier 0..3
    risk_kinds: list[tuple[str, ...]]
    opsec: npt.NDArray[np.bool_]
    chatty: npt.NDArray[np.float32]  # propensity to disclose contacts in public
    emails: list[list[str]]  # the person's mailboxes, primary first (grows as accounts need more)
    phone: list[str]  # E.164 or ""
    handles: dict[str, list[str]]  # kind -> normalised handle per person ("" = none)
    staff: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))
    compartment_mails: set[str] = field(default_factory=set)  # mailboxes of separate accounts
    taken: set[str] = field(default_factory=set)  # every selector value handed out: no two persons share one

    def shared_emails(self, p: int) -> list[str]:
        return [e for e in self.emails[p] if e not in self.compartment_mails]

    def text_lang(self, p: int) -> str:
        lang = self.lang[p]
        return lang if lang in PHRASE_LANGS else "en"

    def name(self, p: int) -> str:
        if self.lang[p] in ("ja", "hu"):
            return f"{self.family[p]} {self.given[p]}"
        return f"{self.given[p]} {self.family[p]}"

    def birth_year(self, p: int) -> int:
        return _year(int(self.birth[p]))

    def messengers(self, p: int) -> list[tuple[str, str]]:
        return [(k, self.handles[k][p]) for k in MESSENGERS if self.handles[k][p]]

    def new_email(self, rng: random.Random, p: int, *, local_provider: bool | None = None) -> str:
        """A further mailbox of person ``p`` (appended to the person's list)."""
        c = COUNTRIES[int(self.country[p])]
        use_local = rng.random() < 0.55 if local_provider is None else local_provider
        domain = rng.choice(c.providers if use_local else GLOBAL_PROVIDERS)
        while True:
            addr = f"{email_local(rng, self.given[p], self.family[p], self.birth_year(p))}@{domain}".lower()
            if addr not in self.taken:
                self.taken.add(addr)
                self.emails[p].append(addr)
                return addr

    def unique(self, make: Callable[..., str], *args: Any) -> str:
        """A selector value no other person has (``make(*args)`` is called until one is free)."""
        while True:
            value = make(*args)
            if value not in self.taken:
                self.taken.add(value)
                return value


@functools.lru_cache(maxsize=1 << 16)
def _year(t: int) -> int:
    """The UTC year of unix time ``t`` (births fall on a few tens of thousands of days: cached)."""
    return datetime.fromtimestamp(t, tz=UTC).year


def _choose(rng: random.Random, options: tuple[tuple[str, str, float], ...]) -> tuple[str, str]:
    x = rng.random() * sum(o[2] for o in options)
    for loc, lang, w in options:
        x -= w
        if x <= 0:
            return loc, lang
    return options[-1][0], options[-1][1]


def build_population(seed: int, n: int, tick: Callable[[int, int], None] | None = None) -> Population:
    """``n`` persons with names, countries, habits and selectors; ``tick(done, n)`` now and then."""
    g = np_rng(seed, "population")
    rng = py_rng(seed, "population")
    w = np.asarray(country_weights())
    country = g.choice(len(COUNTRIES), size=n, p=w / w.sum()).astype(np.int16)
    # Every country appears at least once when the world is big enough to hold them all.
    if n >= 4 * len(COUNTRIES):
        country[g.permutation(n)[: len(COUNTRIES)]] = np.arange(len(COUNTRIES), dtype=np.int16)
    risk = g.choice(4, size=n, p=np.asarray(TIER_SHARES)).astype(np.int8)
    opsec = g.random(n) < np.where(risk == 3, 0.3, 0.07)
    chatty = np.where(g.random(n) < 0.15, 0.03, 0.006).astype(np.float32)
    chatty[risk >= 2] = 0.03
    chatty[opsec] = 0.001
    age_days = (g.gamma(4.0, 5.0, size=n) + 18.0) * 365.2425
    birth = (unix(2018, 1, 1) - age_days * DAY).astype(np.int64) // DAY * DAY
    combos = np.stack([g.permutation(len(CATEGORIES))[:3] for _ in range(min(n, 4096))])
    interests = combos[g.integers(0, len(combos), size=n)].astype(np.uint8)
    pools = NamePools(seed, size=40 + n // 20)
    pop = Population(
        n=n, country=country, locale=[], lang=[], zone=[], given=[], family=[], birth=birth,
        style=random_styles(g, n), interests=interests, risk=risk,
        risk_kinds=[], opsec=opsec.astype(np.bool_), chatty=chatty, emails=[], phone=[],
        handles={k: [] for k in MESSENGERS}, staff=np.zeros(n, dtype=np.bool_),
    )
    zones: dict[str, tuple[str, float, bool]] = {}
    for p in range(n):
        if tick and p % 20000 == 0:
            tick(p, n)
        c = COUNTRIES[int(country[p])]
        loc, lang = _choose(rng, c.variants)
        zx = rng.random() * sum(z[3] for z in c.zones)
        zone = c.zones[-1]
        for z in c.zones:
            zx -= z[3]
            if zx <= 0:
                zone = z
                break
        given, family, _female = pools.person(rng, loc)
        pop.locale.append(loc)
        pop.lang.append(lang)
        pop.zone.append(zones.setdefault(zone[0], (zone[0], zone[1], zone[2])))
        pop.given.append(given)
        pop.family.append(family)
        pop.risk_kinds.append(indicators_for_tier(rng, int(risk[p])))
        pop.emails.append([])
        pop.new_email(rng, p)
        if rng.random() < 0.35:
            pop.new_email(rng, p, local_provider=False)
        pop.phone.append(pop.unique(make_phone, rng, c.code) if rng.random() < 0.35 else "")
        hi = 1 if risk[p] == 3 else 0
        for kind in MESSENGERS:
            ok = rng.random() < HANDLE_RATES[kind][hi]
            by = pop.birth_year(p)
            pop.handles[kind].append(pop.unique(make_handle, rng, kind, given, by) if ok else "")
    return pop


def apply_eras(pop: Population, active_until: npt.NDArray[np.int64]) -> None:
    """Drop Session IDs of persons whose activity ended before the messenger existed."""
    ids = pop.handles["session"]
    for p in range(pop.n):
        if ids[p] and int(active_until[p]) < SESSION_FROM:
            ids[p] = ""
