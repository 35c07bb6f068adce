"""Accounts of one forum: who holds them, when they were active, roles, flags and usernames.

Independent of forum software: ``user_id`` is the forum's own numeric id, roles and flags are
generic; a writer maps them to its groups, user types and ban tables.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import cast

import numpy as np
import numpy.typing as npt

from rescue.synth.common import DAY, ForumSpec, np_rng, py_rng
from rescue.synth.contacts import make_handle
from rescue.synth.names import username
from rescue.synth.people import Population

MEMBER, ADMIN, MODERATOR, FOUNDER = 0, 1, 2, 3
# phpBB 3.0 keys posts with mediumint(8) unsigned (max 16,777,215): huge worlds post less per member.
POST_ID_LIMIT = 16_000_000
ROLE_NAMES = ("member", "admin", "moderator", "admin")
INACTIVE, BANNED, DELETED, SEPARATE, NEWLY = 1, 2, 4, 8, 16
FLAG_NAMES = ((INACTIVE, "inactive"), (BANNED, "banned"), (DELETED, "deleted"), (SEPARATE, "separate"),
              (NEWLY, "newly_registered"))


@dataclass(frozen=True, slots=True)
class Membership:
    main_persons: npt.NDArray[np.int32]  # person index per main-forum account (primary first)
    other_persons: npt.NDArray[np.int32]
    n_persons: int


def _counts(g: np.random.Generator, total: int, p: tuple[float, float, float]) -> list[int]:
    out: list[int] = []
    while sum(out) < total:
        out.extend(int(x) for x in g.choice((1, 2, 3), size=max(16, total // 2), p=p))
    acc, res = 0, []
    for c in out:
        if acc >= total:
            break
        res.append(min(c, total - acc))
        acc += res[-1]
    return res


def plan_membership(seed: int, main_total: int, other_total: int) -> Membership:
    g = np_rng(seed, "membership")
    main_counts = _counts(g, main_total, (0.84, 0.12, 0.04))
    k = len(main_counts)
    main = np.repeat(np.arange(k, dtype=np.int32), main_counts)
    n_overlap = min(max(2, round(k * 0.07)), other_total // 2)
    overlap = np.sort(g.choice(np.arange(1, k), size=min(n_overlap, k - 1), replace=False))
    other: list[int] = []
    for p in overlap:
        other.extend([int(p)] * (2 if g.random() < 0.12 else 1))
    other = other[: other_total]
    nxt = k
    for c in _counts(g, other_total - len(other), (0.88, 0.12, 0.0)):
        other.extend([nxt] * c)
        nxt += 1
    return Membership(main, np.asarray(other, dtype=np.int32), nxt)


class PersonIndex:
    """The accounts of each person on one forum (compressed rows over the account → person array)."""

    def __init__(self, person: npt.NDArray[np.int32], n_persons: int) -> None:
        self.order = np.argsort(person, kind="stable").astype(np.int32)  # accounts grouped by person
        self.offsets = np.zeros(n_persons + 1, dtype=np.int64)
        np.cumsum(np.bincount(person, minlength=n_persons), out=self.offsets[1:])
        self.rank = np.empty(len(person), dtype=np.int32)  # ordinal of each account among its person's
        self.rank[self.order] = np.arange(len(person)) - self.offsets[person[self.order]]

    def get(self, p: int, default: tuple[int, ...] = ()) -> list[int] | tuple[int, ...]:
        lo, hi = int(self.offsets[p]), int(self.offsets[p + 1])
        return self.order[lo:hi].tolist() if hi > lo else default

    def __getitem__(self, p: int) -> list[int]:
        return cast(list[int], self.order[int(self.offsets[p]):int(self.offsets[p + 1])].tolist())

    def count(self, p: int) -> int:
        return int(self.offsets[p + 1] - self.offsets[p])

    def persons(self) -> npt.NDArray[np.int64]:
        """Persons holding at least one account, ascending."""
        return np.flatnonzero(np.diff(self.offsets) > 0)

    def mask(self) -> npt.NDArray[np.bool_]:
        return np.asarray(np.diff(self.offsets) > 0, dtype=np.bool_)


@dataclass
class ForumAccounts:
    spec: ForumSpec
    user_id: npt.NDArray[np.int64]
    person: npt.NDArray[np.int32]
    role: npt.NDArray[np.int8]
    flags: npt.NDArray[np.uint8]
    reg: npt.NDArray[np.int64]
    last: npt.NDArray[np.int64]
    weight: npt.NDArray[np.float64]
    n_posts: npt.NDArray[np.int64]
    username: list[str]
    email: list[str]
    own: dict[int, tuple[str, str]] = field(default_factory=dict)  # separate account -> own handle
    first_member_id: int = 0
    by_person: PersonIndex = field(default_factory=lambda: PersonIndex(np.zeros(0, dtype=np.int32), 0))

    @property
    def n(self) -> int:
        return len(self.user_id)

    def active(self) -> npt.NDArray[np.bool_]:
        return np.asarray((self.flags & (INACTIVE | DELETED)) == 0, dtype=np.bool_)


def _reg_times(g: np.random.Generator, spec: ForumSpec, persons: npt.NDArray[np.int32]) -> npt.NDArray[np.int64]:
    span = spec.end - spec.start
    reg = np.empty(len(persons), dtype=np.int64)
    first: dict[int, int] = {}
    u = g.random(len(persons))
    for i, p in enumerate(persons.tolist()):
        if p not in first:
            reg[i] = spec.start + int(span * (u[i] ** 0.8) * 0.985)
            first[p] = int(reg[i])
        else:
            reg[i] = first[p] + int((spec.end - first[p]) * (0.05 + 0.9 * u[i]) * 0.97)
    return reg


def build_accounts(seed: int, spec: ForumSpec, pop: Population, persons: npt.NDArray[np.int32],
                   n_deleted: int, first_member_id: int, reuse: dict[int, tuple[str, str]] | None = None,
                   ) -> ForumAccounts:
    """Accounts of ``spec`` held by ``persons`` (one entry per account, primary account first)."""
    g = np_rng(seed, "accounts", spec.key)
    rng = py_rng(seed, "accounts", spec.key)
    n = len(persons)
    reg = _reg_times(g, spec, persons)
    role = np.zeros(n, dtype=np.int8)
    n_mods = max(1, min(25, n // 4000 + 1))
    n_admins = 2 if n < 5000 else 3
    primaries = [i for i in range(n) if i == 0 or persons[i] != persons[i - 1]]
    # Staff of a forum are its own people, not visitors from the other forum.
    candidates = [i for i in primaries if int(persons[i]) not in (reuse or {})] or primaries
    staff = candidates[: 1 + n_admins + n_mods]
    role[staff[0]] = FOUNDER
    role[staff[1:1 + n_admins]] = ADMIN
    role[staff[1 + n_admins:]] = MODERATOR
    span = spec.end - spec.start
    for j, i in enumerate(staff):
        reg[i] = spec.start + (0 if j == 0 else int(span * 0.06 * g.random()) + 3600)
        pop.staff[persons[i]] = True
        pop.risk[persons[i]] = 0
        pop.risk_kinds[int(persons[i])] = ()
    life = (g.exponential(700.0, size=n) + 7.0) * DAY
    last = np.minimum(spec.end - 60, reg + life.astype(np.int64))
    recent = g.random(n) < 0.25
    last[recent] = spec.end - (g.random(int(recent.sum())) * 30 * DAY).astype(np.int64)
    last[role > 0] = spec.end - (g.random(int((role > 0).sum())) * 2 * DAY).astype(np.int64) - 60
    last = np.maximum(last, reg + 600)
    flags = np.zeros(n, dtype=np.uint8)
    plain = np.flatnonzero(role == 0)
    pick = g.permutation(plain)
    n_inactive, n_banned = max(1, n // 20), max(1, n // 100)
    flags[pick[:n_inactive]] |= INACTIVE
    flags[pick[n_inactive:n_inactive + n_banned]] |= BANNED
    flags[pick[n_inactive + n_banned:n_inactive + n_banned + n_deleted]] |= DELETED
    last[flags & INACTIVE > 0] = reg[flags & INACTIVE > 0]
    weight = np.exp(g.normal(0.0, 1.35, size=n)) * np.clip((last - reg) / (365.0 * DAY), 0.05, 3.0)
    weight[g.random(n) < 0.3] = 0.0
    weight[flags & INACTIVE > 0] = 0.0
    weight[flags & DELETED > 0] = np.maximum(weight[flags & DELETED > 0], 0.3)
    weight[role > 0] = np.maximum(weight[role > 0], 1.0) * 3.0
    total = min(round(spec.posts_per_account * n), POST_ID_LIMIT)
    n_posts = g.multinomial(total, weight / weight.sum()).astype(np.int64)
    order = np.argsort(reg, kind="stable")
    founder = staff[0]
    order = order[order != founder]
    user_id = np.zeros(n, dtype=np.int64)
    user_id[founder] = 2
    user_id[order] = np.arange(first_member_id, first_member_id + len(order))
    acc = ForumAccounts(spec=spec, user_id=user_id, person=persons, role=role, flags=flags, reg=reg,
                        last=last, weight=weight, n_posts=n_posts, username=[], email=[],
                        first_member_id=first_member_id, by_person=PersonIndex(persons, pop.n))
    _identities(rng, acc, pop, reuse or {})
    return acc


def _identities(rng: random.Random, acc: ForumAccounts, pop: Population,
                reuse: dict[int, tuple[str, str]]) -> None:
    """Usernames, registration e-mails and compartments (unique per forum, as phpBB requires)."""
    names: set[str] = set()
    mails: set[str] = set()
    ranks = acc.by_person.rank.tolist()
    for i, p in enumerate(acc.person.tolist()):
        k = ranks[i]
        by = pop.birth_year(p)
        name = ""
        if k == 0 and p in reuse:
            prev = reuse[p][0]
            r = rng.random()
            name = prev if r < 0.5 else (prev + str(rng.randrange(2, 99)) if r < 0.7 else "")
        while not name or name.lower() in names or name.lower() == "anonymous":
            name = username(rng, pop.given[p], pop.family[p], by)
        names.add(name.lower())
        acc.username.append(name)
        separate = k > 0 and (bool(pop.opsec[p]) or rng.random() < 0.25)
        if separate:
            acc.flags[i] |= SEPARATE
            kind = rng.choice(("telegram", "session", "kik", "jabber", "skype"))
            acc.own[i] = (kind, pop.unique(make_handle, rng, kind, pop.given[p], by))
            mail = pop.new_email(rng, p, local_provider=False)
        elif k == 0 and p in reuse and rng.random() < 0.5:
            mail = reuse[p][1]
        elif k < len(pop.emails[p]):
            mail = pop.emails[p][k]
        else:
            mail = pop.new_email(rng, p)
        while mail in mails:
            mail = pop.new_email(rng, p)
        if separate:
            pop.compartment_mails.add(mail)
        mails.add(mail)
        acc.email.append(mail)
