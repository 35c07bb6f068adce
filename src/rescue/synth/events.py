"""Private messages, visits (sessions, failed logins) and logged actions of one forum.

Software-neutral events in the order a forum would number them; the writer turns them into
its own tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from rescue.synth.accounts import ADMIN, BANNED, DELETED, FOUNDER, INACTIVE, SEPARATE, ForumAccounts
from rescue.synth.common import DAY, np_rng, py_rng
from rescue.synth.compose import F_RISK, F_SELECTOR
from rescue.synth.netplan import NetPlan
from rescue.synth.people import Population
from rescue.synth.phrases_en import PM_SUBJECTS

RISK_PM_RATE = (0.0, 0.03, 0.08, 0.15)
BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/90.0.4430.93 "
    "Safari/537.36",
    "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:52.0) Gecko/20100101 Firefox/52.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.2 "
    "Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 12_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/12.1.2 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 9; SM-G960F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.136 "
    "Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 "
    "Safari/537.36 Edge/18.18362",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:78.0) Gecko/20100101 Firefox/78.0",
    "Mozilla/5.0 (Windows NT 6.3; Win64; x64; rv:60.0) Gecko/20100101 Firefox/60.0",
)
TOR_BROWSER = "Mozilla/5.0 (Windows NT 10.0; rv:78.0) Gecko/20100101 Firefox/78.0"


@dataclass(frozen=True, slots=True)
class Pm:
    msg_id: int
    author: int
    time: int
    to: tuple[int, ...]
    root: int  # conversation root message id, 0 for a new conversation
    subject: str
    flags: int


@dataclass(frozen=True, slots=True)
class Visit:
    account: int
    start: int
    end: int
    previous: int  # previous visit (session_last_visit)
    ip: str
    browser: str
    failed_login: bool


@dataclass(frozen=True, slots=True)
class LogEvent:
    time: int
    kind: str  # admin_auth, user_active, ban_user, email_change, new_password, lock, move, edit, error_email
    actor: int  # account index (-1: system)
    target: int  # account index or -1
    topic: int  # topic index or -1
    old_email: str = ""


def plan_pms(seed: int, acc: ForumAccounts, pop: Population) -> Iterator[Pm]:
    g = np_rng(seed, "pms", acc.spec.key)
    rng = py_rng(seed, "pms", acc.spec.key)
    idx = np.flatnonzero(acc.active())
    if len(idx) < 2:
        return
    count = round(acc.spec.pms_per_account * len(idx))
    risky = pop.risk[acc.person[idx]] >= 2
    w = (acc.n_posts[idx] + 1.0) ** 0.6 * np.where(risky, 3.0, 1.0)
    sender_all = g.choice(idx, size=count, p=w / w.sum())
    t_all = acc.reg[sender_all] + (g.random(count) * (acc.last - acc.reg)[sender_all]).astype(np.int64)
    order = np.argsort(t_all, kind="stable")
    sender_all, t_all = sender_all[order], t_all[order]
    cw = (acc.n_posts[idx] + 1.0) ** 0.5
    cw /= cw.sum()
    cands: list[int] = []
    ci = 0
    inbox: dict[int, tuple[int, int, int, str]] = {}
    reg, last, person = acc.reg, acc.last, acc.person
    for msg_id in range(1, count + 1):
        if (msg_id - 1) % 65536 == 0:  # draw senders and candidate recipients block by block
            lo = msg_id - 1
            sender, t = sender_all[lo:lo + 65536].tolist(), t_all[lo:lo + 65536].tolist()
        s, ts = sender[(msg_id - 1) % 65536], t[(msg_id - 1) % 65536]
        got = inbox.get(s)
        if got is not None and rng.random() < 0.45 and reg[got[1]] <= ts <= last[got[1]]:
            to: tuple[int, ...] = (got[1],)
            root, subject = got[2], got[3] if got[3].startswith("Re: ") else "Re: " + got[3]
            del inbox[s]
        else:
            want = 1 if rng.random() < 0.85 else rng.randrange(2, 4)
            picked: list[int] = []
            for _ in range(want * 6):
                if ci >= len(cands):
                    cands, ci = g.choice(idx, size=4 * 65536, p=cw).tolist(), 0
                c = cands[ci]
                ci += 1
                if c != s and person[c] != person[s] and reg[c] <= ts and c not in picked:
                    picked.append(c)
                    if len(picked) == want:
                        break
            if not picked:
                continue
            to, root, subject = tuple(picked), 0, PM_SUBJECTS[int(rng.random() * len(PM_SUBJECTS))]
        p = int(person[s])
        flags = F_SELECTOR if rng.random() < 0.06 + 2 * float(pop.chatty[p]) else 0
        if rng.random() < RISK_PM_RATE[int(pop.risk[p])]:
            flags |= F_RISK
        for r in to:
            inbox[r] = (msg_id, s, root or msg_id, subject)
        yield Pm(msg_id, s, ts, to, root, subject, flags)


def visits(seed: int, acc: ForumAccounts, pop: Population, net: NetPlan) -> Iterator[Visit]:
    """Sessions of every account, account by account, in time order per account."""
    g = np_rng(seed, "visits", acc.spec.key)
    rng = py_rng(seed, "visits", acc.spec.key)
    base = acc.spec.sessions_base + 4.0
    counts = g.poisson(base + 0.45 * acc.n_posts)
    tor = {t.ip for t in net.traps if t.kind == "tor"}
    for a in range(acc.n):
        if acc.flags[a] & (INACTIVE | DELETED):
            continue
        p = int(acc.person[a])
        reg, last = int(acc.reg[a]), int(acc.last[a])
        n = min(800, int(counts[a]) + 1)
        times = sorted(int(x) for x in g.integers(reg, last, size=n - 1)) if last > reg else []
        for trip in net.trips.get(p, ()):
            if reg < trip.start and trip.end < last:
                times.extend(trip.start + rng.randrange(trip.end - trip.start) for _ in range(rng.randrange(2, 5)))
        times.sort()
        times.append(last)
        vpn_floor = 0.7 if acc.flags[a] & SEPARATE else 0.0
        browsers = (BROWSERS[p % len(BROWSERS)], BROWSERS[(p * 7 + a) % len(BROWSERS)])
        prev = 0
        for ts in times:
            ip = net.ip_at(p, ts, rng.random(), vpn_floor)
            ua = TOR_BROWSER if ip in tor else browsers[0 if rng.random() < 0.8 else 1]
            yield Visit(a, ts, ts + rng.randrange(30, 5400), prev, ip, ua, rng.random() < 0.02)
            prev = ts


def log_events(seed: int, acc: ForumAccounts, pop: Population, n_topics: int,
               topic_time: list[int]) -> list[LogEvent]:
    """Logged actions sorted by time (log ids follow time, as in a real board)."""
    rng = py_rng(seed, "log", acc.spec.key)
    spec = acc.spec
    out: list[LogEvent] = []
    staff = [a for a in range(acc.n) if acc.role[a] > 0]
    admins = [a for a in staff if acc.role[a] in (ADMIN, FOUNDER)] or staff
    for a in admins:
        for _ in range(rng.randrange(5, 40)):
            out.append(LogEvent(rng.randrange(int(acc.reg[a]), int(acc.last[a])), "admin_auth", a, -1, -1))
    for a in range(acc.n):
        f, reg, last = int(acc.flags[a]), int(acc.reg[a]), int(acc.last[a])
        if f & DELETED:
            continue
        if f & BANNED:
            out.append(LogEvent(last + 60, "ban_user", rng.choice(admins), a, -1))
        if not f & INACTIVE and rng.random() < 0.08:
            out.append(LogEvent(reg + rng.randrange(600, 2 * DAY), "user_active", rng.choice(admins), a, -1))
        if not f & INACTIVE and rng.random() < 0.04 and last - reg > DAY:
            p = int(acc.person[a])
            if f & SEPARATE:
                old = pop.new_email(rng, p, local_provider=False)
                pop.compartment_mails.add(old)
            else:
                others = [e for e in pop.shared_emails(p) if e != acc.email[a]]
                old = others[0] if others else pop.new_email(rng, p)
            out.append(LogEvent(rng.randrange(reg, last), "email_change", a, a, -1, old))
        if not f & INACTIVE and rng.random() < 0.03 and last > reg:
            out.append(LogEvent(rng.randrange(reg, last), "new_password", a, a, -1))
    for x in range(n_topics):
        r = rng.random()
        if r < 0.025:
            kind = "lock" if r < 0.012 else ("move" if r < 0.018 else "edit")
            out.append(LogEvent(min(spec.end - 1, topic_time[x] + rng.randrange(3600, 30 * DAY)), kind,
                                rng.choice(staff), -1, x))
    for _ in range(max(1, acc.n // 2000)):
        out.append(LogEvent(rng.randrange(spec.start, spec.end), "error_email", -1, -1, -1))
    out.sort(key=lambda e: (e.time, e.kind, e.actor, e.target, e.topic))
    return out
