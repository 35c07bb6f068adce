"""Where each person connects from, and the traps that make IP evidence ambiguous.

Per person: a line of home addresses inside the person's country (a new address every few
months unless the line is static), sometimes IPv6; mobile addresses; VPN and Tor habits; and
holidays abroad (a few days of addresses in another country). Shared across unrelated persons:
VPN exits and Tor exits on hosting networks, and the carrier-grade NAT exits of one mobile
carrier per large country.
"""

from __future__ import annotations

import array
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from rescue.synth.common import DAY, py_rng
from rescue.synth.countries import COUNTRIES, HOSTING_ASNS, TRAVEL_DESTINATIONS
from rescue.synth.geo import GeoIndex, v4int, v4str


@dataclass(frozen=True, slots=True)
class Trap:
    kind: str  # vpn, tor, cgnat
    ip: str
    country: str
    operator: str


@dataclass(frozen=True, slots=True)
class Trip:
    start: int
    end: int
    country: str
    ips: tuple[str, ...]


@dataclass
class NetPlan:
    span_start: npt.NDArray[np.int64]
    period: npt.NDArray[np.int64]
    home_off: npt.NDArray[np.int64]  # CSR offsets into the home addresses
    home_v4: array.array[int]  # IPv4 as integers (0: IPv6, see home_v6) — compact for millions of persons
    home_v6: dict[int, str]
    mobile_share: npt.NDArray[np.float32]
    mobile: list[tuple[str, ...]]
    cgnat: npt.NDArray[np.bool_]
    vpn_share: npt.NDArray[np.float32]
    tor_share: npt.NDArray[np.float32]
    vpn_pick: npt.NDArray[np.int8]  # (n, 2): the person's favourite VPN exits (index into vpn_ips, -1 none)
    trips: dict[int, tuple[Trip, ...]] = field(default_factory=dict)
    traps: list[Trap] = field(default_factory=list)
    tor_ips: tuple[str, ...] = ()
    vpn_ips: tuple[str, ...] = ()

    def home(self, k: int) -> str:
        x = self.home_v4[k]
        return v4str(x) if x else self.home_v6[k]

    def home_at(self, p: int, t: int) -> str:
        lo, hi = int(self.home_off[p]), int(self.home_off[p + 1])
        k = max(0, (t - int(self.span_start[p])) // max(1, int(self.period[p])))
        return self.home(lo + min(k, hi - lo - 1))

    def vpns_of(self, p: int) -> tuple[str, ...]:
        return tuple(self.vpn_ips[i] for i in self.vpn_pick[p].tolist() if i >= 0)

    def ip_at(self, p: int, t: int, u: float, vpn_floor: float = 0.0) -> str:
        """The address person ``p`` uses at time ``t``; ``u`` is a uniform draw for this event."""
        trips = self.trips.get(p)
        if trips:
            for trip in trips:
                if trip.start <= t < trip.end:
                    return trip.ips[int(u * len(trip.ips)) % len(trip.ips)]
        vpn = max(float(self.vpn_share[p]), vpn_floor)
        if u < vpn:
            a, b = int(self.vpn_pick[p, 0]), int(self.vpn_pick[p, 1])
            return self.vpn_ips[a if b < 0 or (t // DAY) % 2 == 0 else b]
        u -= vpn
        tor = float(self.tor_share[p])
        if u < tor:
            return self.tor_ips[(t // 3600) % len(self.tor_ips)]
        u -= tor
        if u < float(self.mobile_share[p]) and self.mobile[p]:
            mob = self.mobile[p]
            return mob[int(u * 7919) % len(mob)]
        return self.home_at(p, t)


def _traps(rng: random.Random, geo: GeoIndex) -> list[Trap]:
    out: list[Trap] = []
    for kind, count in (("vpn", 16), ("tor", 12)):
        for _ in range(count):
            asn = rng.choice(HOSTING_ASNS)
            ip, cc = geo.draw_asn(rng, asn)
            out.append(Trap(kind, ip, cc, asn))
    for c in COUNTRIES:
        if c.carrier:
            for _ in range(4):
                ip, cc = geo.draw_asn(rng, c.carrier, c.code)
                out.append(Trap("cgnat", ip, cc, c.carrier))
    return out


def build_netplan(seed: int, geo: GeoIndex, country: npt.NDArray[np.int16], opsec: npt.NDArray[np.bool_],
                  span_start: npt.NDArray[np.int64], span_end: npt.NDArray[np.int64],
                  tick: Callable[[int, int], None] | None = None) -> NetPlan:
    rng = py_rng(seed, "netplan")
    n = len(country)
    traps = _traps(rng, geo)
    vpns = [t.ip for t in traps if t.kind == "vpn"]
    cgnat_by_cc: dict[str, tuple[str, ...]] = {}
    for t in traps:
        if t.kind == "cgnat":
            cgnat_by_cc[t.country] = (*cgnat_by_cc.get(t.country, ()), t.ip)
    dest_codes = [d for d, _ in TRAVEL_DESTINATIONS]
    dest_w = [w for _, w in TRAVEL_DESTINATIONS]
    plan = NetPlan(span_start=span_start.copy(), period=np.zeros(n, dtype=np.int64),
                   home_off=np.zeros(n + 1, dtype=np.int64), home_v4=array.array("L"), home_v6={},
                   mobile_share=np.zeros(n, dtype=np.float32), mobile=[], cgnat=np.zeros(n, dtype=np.bool_),
                   vpn_share=np.zeros(n, dtype=np.float32), tor_share=np.zeros(n, dtype=np.float32),
                   vpn_pick=np.full((n, 2), -1, dtype=np.int8), traps=traps,
                   tor_ips=tuple(t.ip for t in traps if t.kind == "tor"), vpn_ips=tuple(vpns))
    home = plan.home_v4
    for p in range(n):
        if tick and p % 20000 == 0:
            tick(p, n)
        cc = COUNTRIES[int(country[p])].code
        span = max(DAY, int(span_end[p] - span_start[p]))
        period = span + 1 if rng.random() < 0.2 else rng.randrange(60, 400) * DAY
        n_home = min(12, 1 + span // period)
        v6 = rng.random() < 0.12
        plan.period[p] = period
        for _ in range(n_home):
            if v6:
                ip = geo.draw_v6(rng, cc, access=True)
                if ":" in ip:
                    plan.home_v6[len(home)] = ip
                    home.append(0)
                    continue
                home.append(v4int(ip))
            else:
                home.append(v4int(geo.draw_v4(rng, cc, access=True)))
        plan.home_off[p + 1] = len(home)
        mobile: tuple[str, ...] = ()
        if rng.random() < 0.55:
            plan.mobile_share[p] = 0.05 + 0.3 * rng.random()
            if cc in cgnat_by_cc and rng.random() < 0.7:
                mobile = cgnat_by_cc[cc]
                plan.cgnat[p] = True
            else:
                mobile = tuple(geo.draw_v4(rng, cc, access=True) for _ in range(rng.randrange(1, 3)))
        plan.mobile.append(mobile)
        if opsec[p]:
            plan.vpn_share[p] = 0.6
            plan.tor_share[p] = 0.3
        elif rng.random() < 0.1:
            plan.vpn_share[p] = 0.2 + 0.5 * rng.random()
        elif rng.random() < 0.01:
            plan.tor_share[p] = 0.2
        picks = rng.sample(range(len(vpns)), rng.randrange(1, 3))
        plan.vpn_pick[p, : len(picks)] = picks
        if rng.random() < 0.08 and span > 30 * DAY:
            trips = []
            for _ in range(rng.randrange(1, 3)):
                dest = cc
                while dest == cc:
                    dest = rng.choices(dest_codes, dest_w)[0]
                start = int(span_start[p]) + rng.randrange(0, span - 12 * DAY)
                ips = tuple(geo.draw_v4(rng, dest, access=True) for _ in range(rng.randrange(1, 3)))
                trips.append(Trip(start, start + rng.randrange(3, 11) * DAY, dest, ips))
            plan.trips[p] = tuple(sorted(trips, key=lambda tr: tr.start))
    return plan

