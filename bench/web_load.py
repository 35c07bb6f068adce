"""Workbench latency and load: suspect list and profile p95, then N concurrent clients for a while.

    python bench/web_load.py OP_DIR [--workers 2] [--samples 200] [--clients 50] [--duration 120]

OP_DIR is an analysed operation (e.g. the 70k-member world: ``rescue ingest`` + ``rescue analyse``).
The script adds a benchmark user (role analyst) to its workflow store when missing, starts
``rescue serve`` on a free loopback port, and measures over real HTTP (httpx):

1. latency, one request at a time: the suspect list (page and API, with varied filters, sorts and pages)
   and a person's profile (page and API; the justification is given once per person first, as an
   analyst would) — p50 / p95 / p99 against the 200 ms target;
2. load: ``--clients`` concurrent clients, each with its own session, for ``--duration`` seconds, on a
   mix of dashboard, list, profile, graph, timeline and map requests — requests/s, p50/p95/p99, errors
   (any status but 200, or a transport error).

Results: bench/results/<date>-web-load-<persons>.json and .md; docs/performance.md explains them.
Traffic goes to 127.0.0.1 only, bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from tests.browser_fixture import Server  # noqa: E402

RESULTS = HERE / "results"
USER = "bench_analyst"
PASSWORD = "bench-analyst-password-not-secret"
TARGET_MS = 200.0
WHY = "Benchmark of the workbench on a synthetic operation (no real data)"


def ensure_user(op_root: Path) -> None:
    from rescue.web.passwords import hash_password
    from rescue.workflow import open_workflow, users

    wf = open_workflow(op_root)
    try:
        with wf.session() as s:
            if s.get(users.User, USER) is None:
                users.add_user(s, USER, "analyst", full_name="Benchmark", password_hash=hash_password(PASSWORD))
    finally:
        wf.close()


def sample_persons(store: Path, n: int, seed: int) -> tuple[list[str], list[str], int]:
    """``n`` persons spread over the ranking (top, middle, tail), the countries, and the person count."""
    with duckdb.connect(str(store), read_only=True) as con:
        pids = [str(r[0]) for r in con.execute("SELECT person_id FROM risk ORDER BY rank").fetchall()]
        countries = [str(r[0]) for r in con.execute(
            "SELECT country FROM attribution WHERE country IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC").fetchall()]
    rng = random.Random(seed)
    top = pids[: n // 4]
    rest = rng.sample(pids[n // 4:], min(len(pids) - n // 4, n - len(top)))
    return top + rest, countries, len(pids)


def list_urls(countries: list[str], rng: random.Random, n: int) -> list[str]:
    sorts = ["rank", "score", "label", "country", "accounts", "last_activity", "confidence"]
    tiers = ["", "Very High", "High", "Medium", "Low"]
    out = []
    for i in range(n):
        params = {"sort": rng.choice(sorts), "page": str(rng.choice([1, 1, 1, 2, 3, 10, 50]))}
        if i % 3 == 0:
            params["country"] = rng.choice(countries[:20])
        if i % 4 == 1:
            params["tier"] = rng.choice(tiers)
        if i % 5 == 2:
            params["desc"] = "true"
        out.append("/suspects?" + "&".join(f"{k}={v}" for k, v in params.items() if v))
    return out


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * (len(s) - 1))))
    return s[k]


def summary(ms: list[float]) -> dict[str, float]:
    return {"n": len(ms), "p50_ms": round(pct(ms, 50), 1), "p95_ms": round(pct(ms, 95), 1),
            "p99_ms": round(pct(ms, 99), 1), "max_ms": round(max(ms), 1) if ms else float("nan"),
            "mean_ms": round(statistics.fmean(ms), 1) if ms else float("nan")}


async def login(client: httpx.AsyncClient) -> str:
    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if not token:
        raise RuntimeError("no log-in form")
    r = await client.post("/login", data={"username": USER, "password": PASSWORD, "csrf_token": token[1]})
    if r.status_code != 303:
        raise RuntimeError(f"log-in failed: {r.status_code}")
    me = await client.get("/api/me")
    return str(me.json()["csrf_token"])


async def justify(client: httpx.AsyncClient, csrf: str, pid: str) -> None:
    r = await client.post(f"/api/suspects/{pid}/justification", json={"justification": WHY},
                          headers={"X-CSRF-Token": csrf})
    if r.status_code not in (200, 201, 204):
        raise RuntimeError(f"justification for {pid}: {r.status_code} {r.text[:200]}")


async def timed_get(client: httpx.AsyncClient, url: str) -> tuple[float, int]:
    t0 = time.perf_counter()
    r = await client.get(url)
    await r.aread()
    return (time.perf_counter() - t0) * 1000, r.status_code


async def latency(base: str, persons: list[str], countries: list[str], samples: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    out: dict[str, Any] = {}
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        csrf = await login(client)
        bad: list[str] = []
        for name, urls in (("suspect list (page)", list_urls(countries, rng, samples)),
                           ("suspect list (API)", [u.replace("/suspects?", "/api/suspects?")
                                                   for u in list_urls(countries, rng, samples)])):
            ms = []
            for u in urls:
                t, status = await timed_get(client, u)
                ms.append(t)
                if status != 200:
                    bad.append(f"{u}: {status}")
            out[name] = summary(ms)
        page_ms, api_ms, justify_ms = [], [], []
        for pid in persons[:samples]:
            t0 = time.perf_counter()
            await justify(client, csrf, pid)
            justify_ms.append((time.perf_counter() - t0) * 1000)
            t, status = await timed_get(client, f"/suspects/{pid}")
            page_ms.append(t)
            if status != 200:
                bad.append(f"/suspects/{pid}: {status}")
            t, status = await timed_get(client, f"/api/suspects/{pid}")
            api_ms.append(t)
            if status != 200:
                bad.append(f"/api/suspects/{pid}: {status}")
        out["profile (page)"] = summary(page_ms)
        out["profile (API)"] = summary(api_ms)
        out["justification (POST, logged)"] = summary(justify_ms)
        out["errors"] = bad[:20]
        out["error_count"] = len(bad)
    return out


@dataclass
class LoadStats:
    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    requests: int = 0


async def client_loop(base: str, persons: list[str], countries: list[str], stop_at: float, seed: int,
                      stats: LoadStats) -> None:
    rng = random.Random(seed)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        try:
            csrf = await login(client)
        except Exception as exc:  # counted, not raised: the run goes on
            stats.errors.append(f"login: {exc!r}")
            return
        justified: set[str] = set()
        lists = list_urls(countries, rng, 50)
        while time.monotonic() < stop_at:
            roll = rng.random()
            pid = rng.choice(persons)
            if roll < 0.30:
                kind, url = "suspect list", rng.choice(lists)
            elif roll < 0.55:
                kind, url = "profile", f"/suspects/{pid}"
            elif roll < 0.70:
                kind, url = "graph", f"/api/suspects/{pid}/graph"
            elif roll < 0.80:
                kind, url = "timeline", f"/api/suspects/{pid}/timeline"
            elif roll < 0.90:
                kind, url = "dashboard", "/"
            else:
                kind, url = "map", "/api/suspects/by-country"
            try:
                if kind in ("profile", "graph", "timeline") and pid not in justified:
                    await justify(client, csrf, pid)
                    justified.add(pid)
                    stats.requests += 1
                t, status = await timed_get(client, url)
            except Exception as exc:
                stats.errors.append(f"{url}: {exc!r}")
                stats.requests += 1
                continue
            stats.requests += 1
            stats.ms[kind].append(t)
            if status != 200:
                stats.errors.append(f"{url}: {status}")


async def load(base: str, persons: list[str], countries: list[str], clients: int, duration: float,
               seed: int) -> dict[str, Any]:
    stats = LoadStats()
    t0 = time.monotonic()
    stop_at = t0 + duration
    await asyncio.gather(*(client_loop(base, persons, countries, stop_at, seed + i, stats) for i in range(clients)))
    wall = time.monotonic() - t0
    every = [t for v in stats.ms.values() for t in v]
    return {"clients": clients, "duration_s": round(wall, 1), "requests": stats.requests,
            "requests_per_s": round(stats.requests / wall, 1), "errors": len(stats.errors),
            "error_examples": stats.errors[:20], "all": summary(every),
            "per_kind": {k: summary(v) for k, v in sorted(stats.ms.items())}}


def markdown(res: dict[str, Any]) -> str:
    lines = [f"# Workbench load — {res['date']} — {res['persons']:,} persons", "",
             f"Machine: {res['machine']}; `rescue serve --workers {res['workers']}`; load average at start "
             f"{res['loadavg']}.", "", "## Latency, one request at a time", "",
             "| request | n | p50 ms | p95 ms | p99 ms | max ms | target p95 |", "|---|---|---|---|---|---|---|"]
    for name, s in res["latency"].items():
        if isinstance(s, dict):
            target = f"≤ {TARGET_MS:.0f} ms: {'met' if s['p95_ms'] <= TARGET_MS else 'MISSED'}" \
                if name.startswith(("suspect list", "profile")) else "—"
            lines.append(f"| {name} | {s['n']} | {s['p50_ms']} | {s['p95_ms']} | {s['p99_ms']} | {s['max_ms']} | "
                         f"{target} |")
    ld = res["load"]
    lines += ["", f"## {ld['clients']} concurrent clients for {ld['duration_s']} s", "",
              f"{ld['requests']:,} requests, **{ld['requests_per_s']} requests/s**, **{ld['errors']} errors**; "
              f"all requests: p50 {ld['all']['p50_ms']} ms, p95 {ld['all']['p95_ms']} ms, "
              f"p99 {ld['all']['p99_ms']} ms.",
              "", "| request | n | p50 ms | p95 ms | p99 ms |", "|---|---|---|---|---|"]
    for k, s in ld["per_kind"].items():
        lines.append(f"| {k} | {s['n']} | {s['p50_ms']} | {s['p95_ms']} | {s['p99_ms']} |")
    if ld["error_examples"]:
        lines += ["", "Errors (first 20):", ""] + [f"- `{e}`" for e in ld["error_examples"]]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("op", type=Path)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=120.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    if args.duration > 900 or args.clients > 200:
        ap.error("bounded: at most 900 s and 200 clients")
    from rescue import operation

    op = operation.load(args.op)
    ensure_user(op.root)
    persons, countries, total = sample_persons(op.store_path, max(args.samples, 200), args.seed)
    started = time.monotonic()
    with Server(op.root, workers=args.workers) as srv:
        print(f"serving {op.root} on {srv.url} ({args.workers} workers), ready in {time.monotonic() - started:.1f} s",
              flush=True)
        lat = asyncio.run(latency(srv.url, persons, countries, args.samples, args.seed))
        print(json.dumps(lat, indent=1), flush=True)
        ld = asyncio.run(load(srv.url, persons, countries, args.clients, args.duration, args.seed))
        print(json.dumps({k: v for k, v in ld.items() if k != "error_examples"}, indent=1), flush=True)
    res = {"date": dt.date.today().isoformat(), "op": str(op.root), "persons": total, "workers": args.workers,
           "machine": f"{platform.machine()}, {os.cpu_count()} cores", "loadavg": " ".join(
               f"{x:.1f}" for x in os.getloadavg()), "latency": lat, "load": ld}
    RESULTS.mkdir(exist_ok=True)
    stem = f"{res['date']}-web-load-{total}{'-' + args.label if args.label else ''}"
    (RESULTS / f"{stem}.json").write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    (RESULTS / f"{stem}.md").write_text(markdown(res), encoding="utf-8")
    print(markdown(res))
    ok = lat["error_count"] == 0 and ld["errors"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
