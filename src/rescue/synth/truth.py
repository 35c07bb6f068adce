"""Ground truth files (``out/truth/``): what the analysis should find, documented in TRUTH.md.

Selectors and risk indicators are streamed to CSV as the writers place them; persons,
accounts, alias pairs, addresses and traps are written once the forums are done.
"""

from __future__ import annotations

import array
import csv
import itertools
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import numpy.typing as npt

from rescue.synth.accounts import FLAG_NAMES, ROLE_NAMES, SEPARATE, ForumAccounts
from rescue.synth.body import Plant
from rescue.synth.common import iso
from rescue.synth.countries import COUNTRIES
from rescue.synth.netplan import NetPlan
from rescue.synth.people import Population
from rescue.synth.risk import TIER_NAMES

SELECTOR_COLUMNS = ("person_id", "forum", "account_id", "username", "kind", "value", "planted_table",
                    "planted_row", "planted_field", "form", "variant", "in_quote_of")
ACCOUNT_COLUMNS = ("forum", "account_id", "person_id", "username", "role", "flags", "registered_at", "last_visit",
                   "email", "posts", "declared_location", "location_truth")
RISK_COLUMNS = ("person_id", "tier", "indicator", "forum", "account_id", "planted_table", "planted_row",
                "planted_field", "phrase", "in_quote_of")


def _writer(path: Path, header: tuple[str, ...]) -> tuple[TextIO, Any]:
    fh = path.open("w", newline="", encoding="utf-8")
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(header)
    return fh, w


class Truth:
    def __init__(self, directory: Path, pop: Population) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.dir = directory
        self.pop = pop
        self._sel_fh, self._sel = _writer(directory / "selectors.csv", SELECTOR_COLUMNS)
        self._risk_fh, self._risk = _writer(directory / "risk.csv", RISK_COLUMNS)
        self._acc_fh, self._acc = _writer(directory / "accounts.csv", ACCOUNT_COLUMNS)
        self._del_fh, self._del = _writer(directory / "deleted_accounts.csv", ACCOUNT_COLUMNS)
        # accounts whose person has other accounts: their selectors and (hashes of) the addresses they used
        # forum -> account -> [values of the selectors planted for it, hashes of up to 32 of its addresses];
        # compact containers made when first used: a world of millions tracks hundreds of thousands of accounts
        self.tracked: dict[str, dict[int, list[Any]]] = {}
        self.counts = {"selectors": 0, "risk": 0, "quoted_selectors": 0}
        self.hostile: list[tuple[str, str, int, str]] = []  # (forum, table, row id, field)

    def track(self, acc: ForumAccounts, elsewhere: npt.NDArray[np.bool_]) -> None:
        """Remember selectors and addresses of accounts whose person has other accounts (here or elsewhere)."""
        counts = np.diff(acc.by_person.offsets)
        several = (counts > 1) | ((counts > 0) & elsewhere)
        self.tracked[acc.spec.key] = {a: [None, None] for a in np.flatnonzero(several[acc.person]).tolist()}

    def seen_ip(self, acc: ForumAccounts, a: int, ip: str) -> None:
        t = self.tracked.get(acc.spec.key, {}).get(a)
        if t is not None:
            seen = t[1]
            if seen is None:
                seen = t[1] = array.array("q")
            h = hash(ip)
            if len(seen) < 32 and h not in seen:
                seen.append(h)

    def plant(self, acc: ForumAccounts, pl: Plant, table: str, row: int | str, field: str) -> None:
        a = pl.owner
        quote = str(acc.user_id[a]) if pl.quoted else ""
        pid = int(acc.person[a]) + 1
        if pl.kind == "risk":
            tier = TIER_NAMES[int(self.pop.risk[pid - 1])]
            self._risk.writerow((pid, tier, pl.value, acc.spec.key, int(acc.user_id[a]), table, row, field,
                                 pl.phrase, quote))
            self.counts["risk"] += 1
            return
        self._sel.writerow((pid, acc.spec.key, int(acc.user_id[a]), acc.username[a], pl.kind, pl.value,
                            table, row, field, pl.form, pl.variant, quote))
        self.counts["selectors"] += 1
        if pl.quoted:
            self.counts["quoted_selectors"] += 1
        else:
            t = self.tracked.get(acc.spec.key, {}).get(a)
            if t is not None:
                if t[0] is None:
                    t[0] = []
                if pl.value not in t[0]:
                    t[0].append(pl.value)

    def close_streams(self) -> None:
        for fh in (self._sel_fh, self._risk_fh, self._acc_fh, self._del_fh):
            fh.close()

    def persons(self, pop: Population, forums: list[ForumAccounts]) -> None:
        counts = [np.diff(acc.by_person.offsets).tolist() for acc in forums]
        fh, w = _writer(self.dir / "persons.csv", (
            "person_id", "country", "name", "birth_date", "timezone", "utc_offset", "dst", "language",
            "risk_tier", "risk_indicators", "is_staff", "opsec", "forums", "n_accounts"))
        with fh:
            for p in range(pop.n):
                zone, off, dst = pop.zone[p]
                w.writerow((p + 1, COUNTRIES[int(pop.country[p])].code, pop.name(p), iso(int(pop.birth[p]))[:10],
                            zone, f"{off:.2f}", int(dst), pop.lang[p], TIER_NAMES[int(pop.risk[p])],
                            " ".join(pop.risk_kinds[p]), int(pop.staff[p]), int(pop.opsec[p]),
                            " ".join(acc.spec.key for acc, c in zip(forums, counts, strict=True) if c[p]),
                            sum(c[p] for c in counts)))

    def account(self, row: tuple[Any, ...]) -> None:
        """A users row of a dump (accounts.csv), or a member whose row is gone (deleted_accounts.csv)."""
        (self._del if "deleted" in str(row[5]).split() else self._acc).writerow(row)

    @staticmethod
    def account_row(acc: ForumAccounts, a: int, location: str, location_truth: str) -> tuple[Any, ...]:
        f = int(acc.flags[a])
        flags = " ".join(name for bit, name in FLAG_NAMES if f & bit)
        if acc.role[a] == 3:
            flags = ("founder " + flags).strip()
        return (acc.spec.key, int(acc.user_id[a]), int(acc.person[a]) + 1, acc.username[a],
                ROLE_NAMES[int(acc.role[a])], flags, iso(int(acc.reg[a])), iso(int(acc.last[a])),
                acc.email[a], int(acc.n_posts[a]), location, location_truth)

    def alias_pairs(self, forums: list[ForumAccounts]) -> int:
        fh, w = _writer(self.dir / "alias_pairs.csv", (
            "forum", "account_a", "account_b", "person_id", "shares_selector", "shares_ip", "separate"))
        n = 0
        with fh:
            for acc in forums:
                for p in acc.by_person.persons().tolist():
                    for a, b in itertools.combinations(acc.by_person[p], 2):
                        w.writerow(self._pair(acc, a, acc, b, p))
                        n += 1
        fh, w = _writer(self.dir / "cross_forum.csv", (
            "forum_a", "account_a", "forum_b", "account_b", "person_id", "shares_selector", "shares_ip",
            "same_username"))
        with fh:
            for fa, fb in itertools.combinations(forums, 2):
                for p in np.flatnonzero(fa.by_person.mask() & fb.by_person.mask()).tolist():
                    for a in fa.by_person[p]:
                        for b in fb.by_person[p]:
                            row = self._pair(fa, a, fb, b, p)
                            w.writerow((fa.spec.key, row[1], fb.spec.key, row[2], row[3], row[4], row[5],
                                        str(fa.username[a].lower() == fb.username[b].lower()).lower()))
        return n

    def _pair(self, fa: ForumAccounts, a: int, fb: ForumAccounts, b: int, p: int) -> tuple[Any, ...]:
        sa, ia = (set(x or ()) for x in self.tracked.get(fa.spec.key, {}).get(a, [None, None]))
        sb, ib = (set(x or ()) for x in self.tracked.get(fb.spec.key, {}).get(b, [None, None]))
        sep = bool((fa.flags[a] | fb.flags[b]) & 8)
        return (fa.spec.key, int(fa.user_id[a]), int(fb.user_id[b]), p + 1, str(bool(sa & sb)).lower(),
                str(bool(ia & ib)).lower(), str(sep).lower())

    def network(self, pop: Population, net: NetPlan) -> None:
        fh, w = _writer(self.dir / "ips.csv", ("person_id", "ip", "kind", "country", "valid_from", "valid_to"))
        with fh:
            for p in range(pop.n):
                cc = COUNTRIES[int(pop.country[p])].code
                lo, hi = int(net.home_off[p]), int(net.home_off[p + 1])
                start, period = int(net.span_start[p]), int(net.period[p])
                for k in range(lo, hi):
                    end = "" if k == hi - 1 else iso(start + (k - lo + 1) * period)
                    w.writerow((p + 1, net.home(k), "home", cc, iso(start + (k - lo) * period), end))
                if not net.cgnat[p]:
                    for ip in net.mobile[p]:
                        w.writerow((p + 1, ip, "mobile", cc, "", ""))
                for trip in net.trips.get(p, ()):
                    for ip in trip.ips:
                        w.writerow((p + 1, ip, "travel", trip.country, iso(trip.start), iso(trip.end)))

    def traps(self, pop: Population, net: NetPlan, forums: list[ForumAccounts]) -> None:
        users: dict[str, list[int]] = {t.ip: [] for t in net.traps}
        vpn_users = np.asarray(net.vpn_share > 0)
        for acc in forums:  # accounts kept apart go out through the person's VPN exits most of the time
            vpn_users[acc.person[(acc.flags & SEPARATE) > 0]] = True
        for p in range(pop.n):
            for ip in net.vpns_of(p) if vpn_users[p] else ():
                users[ip].append(p + 1)
            if net.cgnat[p]:
                for ip in net.mobile[p]:
                    users[ip].append(p + 1)
        tors = [t.ip for t in net.traps if t.kind == "tor"]
        tor_users = [p + 1 for p in range(pop.n) if net.tor_share[p] > 0]
        def accounts(ids: list[int]) -> str:
            return " ".join(f"{acc.spec.key}:{int(acc.user_id[a])}" for p in ids for acc in forums
                            for a in acc.by_person.get(p - 1, ()))

        fh, w = _writer(self.dir / "traps.csv", ("kind", "ip", "country", "operator", "persons", "person_ids",
                                                 "accounts", "valid_from", "valid_to"))
        with fh:
            for t in net.traps:
                ids = tor_users if t.ip in tors else users[t.ip]
                w.writerow((t.kind, t.ip, t.country, t.operator, len(ids), " ".join(map(str, ids)),
                            accounts(ids), "", ""))
            for p, trips in sorted(net.trips.items()):
                for trip in trips:
                    for ip in trip.ips:
                        w.writerow(("travel", ip, trip.country, "", 1, p + 1, accounts([p + 1]), iso(trip.start),
                                    iso(trip.end)))
