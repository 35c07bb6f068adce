"""Workbench latency: suspect list and profile on a real server on loopback, p50 / p95 / max.

    python bench/workbench_latency.py OP_DIR [--requests 300] [--port 8765]

Starts `rescue serve OP_DIR` (a temporary workflow store with one analyst, so the operation's own store
is not touched), logs in over HTTP and times, one request after another:

- list: `/api/suspects` and the `/suspects` page with random filters (country, tier), sorts and pages;
- profile: `/api/suspects/{pid}` and the `/suspects/{pid}` page of random persons (after their
  justification), plus the contact graph;
- search: `/api/search` for common words.

Peer: the same list query straight on the store file (persons ⋈ risk ⋈ attribution, filtered, sorted,
paged, counted) in DuckDB, without the server's in-memory table, in the same run; the ratio is ours / peer.
Writes bench/results/<date>-workbench-<persons>.json and .md (docs/workbench.md explains them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import httpx

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
WORDS = ("weekend", "holiday", "camera", "thanks", "music", "football", "recipe", "garden")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def summary(ms: list[float]) -> dict[str, float]:
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 1), "p95_ms": round(pct(ms, 95), 1),
            "max_ms": round(max(ms), 1)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("op_dir", type=Path)
    ap.add_argument("--requests", type=int, default=300, help="requests per kind")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    op = args.op_dir.resolve()
    tmp = Path(tempfile.mkdtemp(prefix="rescue-bench-web-"))
    url = f"sqlite:///{tmp / 'workflow.sqlite'}"
    sys.path.insert(0, str(HERE.parent / "src"))
    from rescue.web.passwords import hash_password
    from rescue.workflow import open_workflow, users

    wf = open_workflow(op, url)
    with wf.session() as s:
        users.add_user(s, "bench", "analyst", password_hash=hash_password("bench password 1234"))
    wf.close()
    port = args.port or free_port()
    env = {**os.environ, "RESCUE_WORKFLOW_URL": url}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "rescue.cli", "serve", str(op), "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    client = httpx.Client(base_url=base, timeout=60)
    try:
        while True:
            try:
                if client.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                if proc.poll() is not None:
                    raise SystemExit(proc.stderr.read() if proc.stderr else "server died") from None
                time.sleep(0.2)
        startup = time.perf_counter() - started
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
        assert token
        client.post("/login", data={"username": "bench", "password": "bench password 1234", "csrf_token": token[1]})
        csrf = client.get("/api/me").json()["csrf_token"]
        countries = [c["country"] for c in client.get("/api/suspects/by-country").json() if c["country"]]
        total = client.get("/api/suspects?per_page=1").json()["total"]
        sorts = ["rank", "score", "label", "country", "last_activity", "confidence"]
        times: dict[str, list[float]] = {"list_api": [], "list_page": [], "profile_api": [], "profile_page": [],
                                         "graph_api": [], "search_api": []}

        def timed(kind: str, path: str) -> httpx.Response:
            t0 = time.perf_counter()
            r = client.get(path)
            times[kind].append((time.perf_counter() - t0) * 1000)
            if r.status_code != 200:
                raise SystemExit(f"{path}: {r.status_code} {r.text[:200]}")
            return r

        pids: list[str] = []
        for i in range(args.requests):
            q: dict[str, Any] = {"sort": rng.choice(sorts), "desc": rng.choice(["true", "false"]),
                                 "page": rng.randint(1, 20)}
            if rng.random() < 0.5:
                q["country"] = rng.choice(countries)
            if rng.random() < 0.3:
                q["tier"] = rng.choice(["Very High", "High", "Medium", "Low"])
            qs = "&".join(f"{k}={v}" for k, v in q.items()).replace(" ", "%20")
            r = timed("list_api", f"/api/suspects?{qs}")
            pids += [row["person_id"] for row in r.json()["rows"][:3]]
            timed("list_page", f"/suspects?{qs}")
            if i % 5 == 0:
                timed("search_api", f"/api/search?q={rng.choice(WORDS)}")
        chosen = rng.sample(sorted(set(pids)), min(args.requests, len(set(pids))))
        for pid in chosen:
            client.post(f"/api/suspects/{pid}/justification", json={"justification": "latency benchmark run"},
                        headers={"X-CSRF-Token": csrf})
            timed("profile_api", f"/api/suspects/{pid}")
            timed("profile_page", f"/suspects/{pid}")
            timed("graph_api", f"/api/suspects/{pid}/graph")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    peer = peer_list(op, rng, countries, args.requests)
    ours = summary(times["list_api"])
    result = {"date": dt.date.today().isoformat(), "operation": str(op), "persons": total,
              "cpus": os.cpu_count(), "load_average_1m_at_end": round(os.getloadavg()[0], 1),
              "server_startup_s": round(startup, 1), "sequential": True,
              **{k: summary(v) for k, v in times.items() if v}, "peer_list_direct_duckdb": peer,
              "ratio_list_p95_ours_over_peer": round(ours["p95_ms"] / peer["p95_ms"], 2) if peer["p95_ms"] else None}
    RESULTS.mkdir(exist_ok=True)
    stem = RESULTS / f"{result['date']}-workbench-{total}"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    lines = [f"# Workbench latency, {total:,} persons ({result['date']})", "",
             f"Server start (incl. in-memory tables): {result['server_startup_s']} s. Sequential requests "
             f"over HTTP on loopback; {result['cpus']} CPUs, load average {result['load_average_1m_at_end']} "
             "(shared machine).", "", "| request | n | p50 ms | p95 ms | max ms |", "|---|---|---|---|---|"]
    for k in times:
        if times[k]:
            m = result[k]
            lines.append(f"| {k} | {m['n']} | {m['p50_ms']} | {m['p95_ms']} | {m['max_ms']} |")
    lines += [f"| peer: list query on the store file | {peer['n']} | {peer['p50_ms']} | {peer['p95_ms']} | "
              f"{peer['max_ms']} |", "", f"List p95 ratio ours / peer: {result['ratio_list_p95_ours_over_peer']}"]
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def peer_list(op: Path, rng: random.Random, countries: list[str], n: int) -> dict[str, float]:
    con = duckdb.connect(str(op / "store.duckdb"), read_only=True)
    ms = []
    try:
        for _ in range(n):
            where, params = "", []
            if rng.random() < 0.5:
                where, params = "WHERE a.country = ?", [rng.choice(countries)]
            sql_from = ("FROM persons p LEFT JOIN risk r USING (person_id) LEFT JOIN attribution a USING (person_id) "
                        + where)
            t0 = time.perf_counter()
            con.execute(f"SELECT count(*) {sql_from}", params).fetchall()
            con.execute(f"SELECT p.person_id, p.label, p.accounts, p.usernames, p.last_activity, r.score, r.tier, "
                        f"r.rank, a.country, a.confidence {sql_from} ORDER BY r.score DESC NULLS LAST, p.person_id "
                        f"LIMIT 50 OFFSET ?", [*params, rng.randint(0, 19) * 50]).fetchall()
            ms.append((time.perf_counter() - t0) * 1000)
    finally:
        con.close()
    return summary(ms)


if __name__ == "__main__":
    main()
