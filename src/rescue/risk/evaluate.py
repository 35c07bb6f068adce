"""How good is the ranking? Figures against the truth of a synthetic world (``rescue synth``).

Each analysed person stands for the truth person behind most of its accounts. Figures:

- ``precision_at``: of the first k persons of the ranking (k = 50 and 1 %, 5 %, 10 % of the persons),
  the share whose truth person is of the planted high tier (and, ``precision_any_at``, of any planted
  tier);
- ``recall_high_at``: of the planted high-tier persons (a row of ``risk.csv`` in a forum the store
  holds), the share with an account among the first 5 % / 10 %; ``recall_all_high_at`` counts every
  high-tier person the store holds, also those whose indicators were never written anywhere;
- ``indicators``: per text indicator, the persons it fired for against the persons it was planted for;
- ``stability``: two further runs write identical tables (content hashes);
- ``ablation``: recall at 10 % when one indicator is left out (scores recomputed from
  ``risk_indicators``).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import duckdb

from rescue.errors import UsageError
from rescue.evaluate.truth import forum_of_sha
from rescue.risk import config as config_mod
from rescue.risk.scoring import combine

PLANTED_KINDS = {"occupation": "access_to_children", "private_channel": "private_channel", "meeting": "meeting",
                 "filehost": "filehost"}


def _csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise UsageError(f"{path}: missing (not a truth folder of `rescue synth`)")
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _truth_of_persons(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> tuple[dict[str, str], set[str]]:
    """Analysed person → truth person (majority of its accounts); the truth forums the store holds."""
    by_sha = forum_of_sha(truth_dir)
    forum_of = {str(sid): by_sha[sha] for sid, sha in con.execute("SELECT source_id, sha256 FROM sources").fetchall()
                if sha in by_sha}
    if not forum_of:
        raise UsageError(f"{truth_dir}: the truth describes none of the store's sources (sha256 differ)")
    owner = {(r["forum"], r["account_id"]): r["person_id"] for r in _csv(truth_dir / "accounts.csv") if r["person_id"]}
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for pid, sid, aid in con.execute("SELECT person_id, source_id, account_id FROM person_accounts").fetchall():
        truth = owner.get((forum_of.get(str(sid), ""), str(aid)))
        if truth:
            votes[str(pid)][truth] += 1
    best = {p: min(c.items(), key=lambda kv: (-kv[1], int(kv[0]) if kv[0].isdigit() else 0, kv[0]))[0]
            for p, c in votes.items()}
    return best, set(forum_of.values())


def _recall(order: list[str], truth_of: dict[str, str], targets: set[str], k: int) -> float | None:
    if not targets:
        return None
    found = {truth_of.get(p) for p in order[:k]} & targets
    return round(len(found) / len(targets), 4)


def _ablation(con: duckdb.DuckDBPyConnection, cfg: config_mod.RiskConfig, truth_of: dict[str, str],
              targets: set[str], k: int) -> list[dict[str, Any]]:
    points: dict[str, dict[str, tuple[float, str]]] = defaultdict(dict)
    for pid, ind, cls, pts in con.execute("SELECT person_id, indicator, class, points FROM risk_indicators").fetchall():
        points[str(pid)][str(ind)] = (float(pts), str(cls))
    persons = [str(r[0]) for r in con.execute("SELECT person_id FROM risk").fetchall()]

    def order(without: str | None) -> list[str]:
        keyed = []
        for p in persons:
            got = {i: v for i, v in points.get(p, {}).items() if i != without}
            behaviour = [v for v, c in got.values() if c == "behaviour"]
            score, _, _ = combine(cfg, behaviour, sum(v for v, c in got.values() if c == "context"))
            keyed.append((-score, -sum(behaviour), -len(behaviour), p))
        return [k_[-1] for k_ in sorted(keyed)]

    rows = [{"without": "(none)", "recall_high_at_10pct": _recall(order(None), truth_of, targets, k)}]
    rows += [{"without": ind.name, "recall_high_at_10pct": _recall(order(ind.name), truth_of, targets, k)}
             for ind in cfg.indicators]
    return rows


def evaluate(con: duckdb.DuckDBPyConnection, truth_dir: Path, *, config_path: Path | None = None,
             reruns: bool = True) -> dict[str, Any]:
    """Figures of the ranking in ``risk`` against ``truth_dir`` (see the module docstring)."""
    from rescue.risk import run
    from rescue.risk.store import table_digest

    truth_dir = Path(truth_dir)
    cfg = config_mod.load(config_path)
    truth_of, forums = _truth_of_persons(con, truth_dir)
    tier = {r["person_id"]: r["risk_tier"] for r in _csv(truth_dir / "persons.csv")}
    planted = [r for r in _csv(truth_dir / "risk.csv") if r["forum"] in forums]
    held = set(truth_of.values())
    planted_high = {r["person_id"] for r in planted if r["tier"] == "high"} & held
    all_high = {p for p in held if tier.get(p) == "high"}
    order = [str(r[0]) for r in con.execute("SELECT person_id FROM risk ORDER BY rank").fetchall()]
    n = len(order)
    ks = {"50": 50, "1pct": max(1, n // 100), "5pct": max(1, n * 5 // 100), "10pct": max(1, n // 10)}

    def precision(k: int, good: set[str]) -> float | None:
        top = order[:k]
        return round(sum(1 for p in top if tier.get(truth_of.get(p, ""), "") in good) / len(top), 4) if top else None

    out: dict[str, Any] = {
        "persons": n, "truth_persons_held": len(held), "planted_high": len(planted_high), "all_high": len(all_high),
        "k": ks,
        "precision_at": {name: precision(k, {"high"}) for name, k in ks.items()},
        "precision_any_at": {name: precision(k, {"high", "medium", "low"}) for name, k in ks.items()},
        "recall_high_at": {name: _recall(order, truth_of, planted_high, ks[name]) for name in ("5pct", "10pct")},
        "recall_all_high_at": {name: _recall(order, truth_of, all_high, ks[name]) for name in ("5pct", "10pct")},
        "tiers": dict(con.execute("SELECT tier, count(*) FROM risk GROUP BY 1 ORDER BY 1").fetchall()),
    }
    fired: dict[str, set[str]] = defaultdict(set)
    for pid, ind in con.execute("SELECT person_id, indicator FROM risk_indicators").fetchall():
        if (t := truth_of.get(str(pid))) is not None:
            fired[str(ind)].add(t)
    wanted: dict[str, set[str]] = defaultdict(set)
    for r in planted:
        if r["indicator"] in PLANTED_KINDS and r["person_id"] in held:
            wanted[PLANTED_KINDS[r["indicator"]]].add(r["person_id"])
    out["indicators"] = []
    for ind in PLANTED_KINDS.values():
        both = len(fired[ind] & wanted[ind])
        out["indicators"].append({
            "indicator": ind, "planted_persons": len(wanted[ind]), "fired_persons": len(fired[ind]),
            "recall": round(both / len(wanted[ind]), 4) if wanted[ind] else None,
            "precision": round(both / len(fired[ind]), 4) if fired[ind] else None})
    out["ablation"] = _ablation(con, cfg, truth_of, planted_high, ks["10pct"])
    if reruns:
        before = table_digest(con)
        run(con, config_path=config_path)
        first = table_digest(con)
        run(con, config_path=config_path)
        second = table_digest(con)
        out["stability"] = {"identical": before == first == second, "digests": second}
    return out
