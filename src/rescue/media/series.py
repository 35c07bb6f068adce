"""Unseen media clustered into series: connected components of PDQ distance ≤ threshold (any dihedral variant).

Every unseen image or video with a usable PDQ hash gets a series (a singleton when nothing is near);
the seed of a series is its first file, and each member's distance to its nearest neighbour in the
series is kept. Series ids are stable for the same files: ``U`` + the seed's file id.
"""

from __future__ import annotations

import duckdb
import numpy as np

from rescue.media import near
from rescue.media.pdq import MIN_QUALITY, hex_to_bytes


def _find(parent: np.ndarray, i: int) -> int:
    root = i
    while parent[root] != root:
        root = parent[root]
    while parent[i] != root:
        parent[i], i = root, parent[i]
    return root


def cluster_unseen(con: duckdb.DuckDBPyConnection, threshold: int = 31) -> int:
    rows = con.execute(f"""
        SELECT f.file_id, f.pdq, f.pdq_variants FROM media_files f JOIN media_triage t USING (file_id)
        WHERE t.bucket = 'unseen' AND f.pdq IS NOT NULL AND f.pdq_quality >= {MIN_QUALITY}
        ORDER BY f.file_id""").fetchall()
    con.execute("DELETE FROM media_series")
    if not rows:
        return 0
    n = len(rows)
    index = near.flat_index(hex_to_bytes([r[1] for r in rows]))
    codes, owners, _ = near.variant_queries([(i, r[1], r[2]) for i, r in enumerate(rows)])
    q, t, d = near.range_pairs(index, codes, threshold)
    parent = np.arange(n)
    nearest = np.full(n, -1, dtype=np.int64)
    src = owners[q]
    for a, b, dist in zip(src.tolist(), t.tolist(), d.tolist(), strict=True):
        if a == b:
            continue
        if nearest[a] < 0 or dist < nearest[a]:
            nearest[a] = dist
        ra, rb = _find(parent, a), _find(parent, b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    roots = np.array([_find(parent, i) for i in range(n)])
    sizes = np.bincount(roots, minlength=n)
    out = [(f"U{rows[int(roots[i])][0]}", rows[i][0], rows[int(roots[i])][0],
            int(nearest[i]) if nearest[i] >= 0 else 0, int(sizes[roots[i]])) for i in range(n)]
    con.executemany("INSERT INTO media_series VALUES (?, ?, ?, ?, ?)", out)
    con.execute("""UPDATE media_triage SET series_id = s.series_id FROM media_series s
                   WHERE media_triage.file_id = s.file_id""")
    return len(set(roots.tolist()))
