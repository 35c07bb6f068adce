"""Position in the private-message network: PageRank and correspondents, per person.

Edges join the person who sent a message to each person who received it (``messages`` →
``message_recipients``, both through ``person_accounts``), weighted by the number of messages, and are
taken in both directions: writing to many and being written to by many both make a person central.
PageRank runs on numpy (power iteration, fixed order, deterministic). Points grow linearly from the
``from_percentile`` of the persons in the network up to the top.
"""

from __future__ import annotations

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from rescue.risk.config import RiskConfig
from rescue.risk.matcher import clean
from rescue.risk.store import Item, tables

_EDGES = """
SELECT ps.person_id AS a, pr.person_id AS b, count(*) AS w
FROM messages m
JOIN message_recipients r ON r.source_id = m.source_id AND r.message_id = m.message_id
JOIN person_accounts ps ON ps.source_id = m.source_id AND ps.account_id = m.sender_account_id
JOIN person_accounts pr ON pr.source_id = r.source_id AND pr.account_id = r.account_id
WHERE ps.person_id <> pr.person_id
GROUP BY ALL ORDER BY 1, 2
"""

# The first message a person sent (or, for one who only received, the first they received): the row
# that shows the person in the network.
_FIRST = """
WITH sent AS (
    SELECT ps.person_id, m.source_id, ps.account_id, 'messages' AS tbl, m.message_id, m.sent_at,
           m.prov_table, m.prov_key, m.prov_offset, m.prov_line, 0 AS pref
    FROM messages m JOIN person_accounts ps ON ps.source_id = m.source_id AND ps.account_id = m.sender_account_id
    WHERE ps.person_id IN (SELECT person_id FROM _risk_central)
    UNION ALL
    SELECT pr.person_id, r.source_id, pr.account_id, 'message_recipients', r.message_id, m.sent_at,
           r.prov_table, r.prov_key, r.prov_offset, r.prov_line, 1
    FROM message_recipients r
    JOIN messages m ON m.source_id = r.source_id AND m.message_id = r.message_id
    JOIN person_accounts pr ON pr.source_id = r.source_id AND pr.account_id = r.account_id
    WHERE pr.person_id IN (SELECT person_id FROM _risk_central))
SELECT person_id, arg_min(struct_pack(source_id, account_id, tbl, message_id, prov_table, prov_key, prov_offset,
                                      prov_line), (pref, sent_at, source_id, message_id)) AS first
FROM sent GROUP BY person_id ORDER BY person_id
"""


def pagerank(n: int, src: npt.NDArray[np.int64], dst: npt.NDArray[np.int64], w: npt.NDArray[np.float64],
             damping: float = 0.85, tol: float = 1e-12, max_iter: int = 200) -> npt.NDArray[np.float64]:
    """PageRank of a weighted directed graph of ``n`` nodes (dangling mass spread evenly)."""
    if n == 0:
        return np.zeros(0)
    out_w = np.bincount(src, weights=w, minlength=n)
    rank = np.full(n, 1.0 / n)
    share = np.divide(w, out_w[src], out=np.zeros_like(w), where=out_w[src] > 0)
    dangling = out_w == 0
    for _ in range(max_iter):
        new = np.bincount(dst, weights=share * rank[src], minlength=n)
        new = damping * (new + rank[dangling].sum() / n) + (1.0 - damping) / n
        done = float(np.abs(new - rank).sum()) < tol
        rank = new
        if done:
            break
    return rank


def centrality(con: duckdb.DuckDBPyConnection, cfg: RiskConfig) -> list[Item]:
    ind = next((i for i in cfg.indicators if i.kind == "centrality"), None)
    if ind is None or not {"messages", "message_recipients"} <= tables(con):
        return []
    edges = con.execute(_EDGES).fetchall()
    if not edges:
        return []
    names = sorted({e[0] for e in edges} | {e[1] for e in edges})
    index = {p: i for i, p in enumerate(names)}
    a = np.array([index[e[0]] for e in edges], dtype=np.int64)
    b = np.array([index[e[1]] for e in edges], dtype=np.int64)
    w = np.array([float(e[2]) for e in edges])
    rank = pagerank(len(names), np.concatenate([a, b]), np.concatenate([b, a]), np.concatenate([w, w]),
                    ind.params.get("damping", 0.85))
    pairs = {(min(x, y), max(x, y)) for x, y in zip(a.tolist(), b.tolist(), strict=True)}
    correspondents = np.zeros(len(names), dtype=np.int64)
    for x, y in pairs:
        correspondents[x] += 1
        correspondents[y] += 1
    order = np.lexsort((np.arange(len(names)), rank))  # ascending; ties by name order
    percentile = np.empty(len(names))
    percentile[order] = (np.arange(len(names)) + 1) / len(names)
    start = min(ind.params.get("from_percentile", 0.9), 0.999)
    points = np.clip((percentile - start) / (1.0 - start), 0.0, 1.0) * ind.points
    chosen = [i for i in range(len(names)) if points[i] > 0]
    if not chosen:
        return []
    con.register("_risk_central", pa.table({"person_id": [names[i] for i in chosen]}))
    try:
        first = {r[0]: r[1] for r in con.execute(_FIRST).fetchall()}
    finally:
        con.unregister("_risk_central")
    out = []
    for i in chosen:
        f = first.get(names[i])
        if f is None:
            continue
        out.append(Item(
            person_id=names[i], indicator=ind.name, key=f"network:{names[i]}", weight=1.0,
            snippet=clean(f"PageRank {rank[i]:.6f} (top {100 * (1 - percentile[i]) + 100 / len(names):.1f} % of "
                          f"{len(names):,} persons in the network), {int(correspondents[i])} correspondents", 200),
            source_table=str(f["tbl"]), origin_id=str(f["message_id"]), field="", source_id=f["source_id"],
            account_id=f["account_id"], prov_table=f["prov_table"], prov_key=f["prov_key"],
            prov_offset=f["prov_offset"], prov_line=f["prov_line"], value=round(float(rank[i]), 9),
            points=round(min(ind.cap, float(points[i])), 6)))
    return out
