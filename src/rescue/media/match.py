"""`rescue media match`: exact and near-duplicate matches against the enabled sets, then triage buckets.

Exact matching is a hash join in DuckDB (MD5, SHA-1, SHA-256 of every file against every enabled
set). Near-duplicates: the 8 dihedral PDQ hashes of each image (and each video segment's hash) are
searched in a FAISS binary index of each enabled set's PDQ hashes, within the set's threshold.
Buckets, in order: known-notable (exact), known (NSRL or a negative set, exact), near-duplicate of
known (with the distance), unseen (clustered into series), not-media.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from rescue.media import links, near, series, tables
from rescue.media.pdq import MIN_QUALITY, hex_to_bytes
from rescue.media.store import replace

BUCKETS = ("known-notable", "known", "near-duplicate", "unseen", "not-media")


@dataclass
class MatchResult:
    files: int = 0
    matches: int = 0
    buckets: dict[str, int] = field(default_factory=dict)
    series: int = 0
    links: int = 0
    suppressed: int = 0

    def lines(self) -> list[str]:
        out = [f"{self.files} files, {self.matches} matches ({self.suppressed} suppressed by feedback)"]
        out += [f"  {b}: {self.buckets.get(b, 0)}" for b in BUCKETS]
        out.append(f"  unseen series: {self.series}; links to forum attachments: {self.links}")
        return out


_EXACT = """
INSERT INTO media_matches
SELECT f.file_id, h.set_id, '{kind}', 0, NULL, h.row_index, s.role, h.category, h.scheme, h.series
FROM media_files f JOIN media_set_hashes h ON f.{kind} = h.{kind}
JOIN media_sets s ON s.set_id = h.set_id AND s.enabled
"""


def _near(con: duckdb.DuckDBPyConnection) -> int:
    sets = con.execute("SELECT set_id, role, pdq_threshold FROM media_sets WHERE enabled").fetchall()
    files = con.execute(f"""SELECT file_id, pdq, pdq_variants FROM media_files
                            WHERE pdq IS NOT NULL AND pdq_quality >= {MIN_QUALITY} ORDER BY file_id""").fetchall()
    segs = con.execute(f"""SELECT file_id, pdq FROM media_video_segments
                           WHERE pdq IS NOT NULL AND pdq_quality >= {MIN_QUALITY}""").fetchall()
    ids = [r[0] for r in files] + [r[0] for r in segs]
    query_rows: list[tuple[int, str, str | None]] = [(i, r[1], r[2]) for i, r in enumerate(files)]
    query_rows += [(len(files) + i, r[1], None) for i, r in enumerate(segs)]
    codes, owners, variants = near.variant_queries(query_rows)
    total = 0
    for set_id, role, threshold in sets:
        got = con.execute("""SELECT row_index, pdq, category, scheme, series FROM media_set_hashes
                             WHERE set_id = ? AND pdq IS NOT NULL ORDER BY row_index""", [set_id]).fetchall()
        if not got or not len(codes):
            continue
        index = near.set_index(hex_to_bytes([g[1] for g in got]), int(threshold))
        q, t, d = near.range_pairs(index, codes, int(threshold))
        best: dict[tuple[str, int], tuple[int, int]] = {}
        for owner, target, dist, var in near.best_per_query(owners[q], t, d, variants[q]):
            key = (ids[owner], target)
            if key not in best or dist < best[key][0]:
                best[key] = (dist, var)
        rows = []
        for (file_id, target), (dist, var) in best.items():
            row_index, _, category, scheme, ser = got[target]
            rows.append((file_id, set_id, "pdq", dist, var, row_index, role, category, scheme, ser))
        con.executemany("INSERT INTO media_matches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        total += len(rows)
    return total


_TRIAGE = """
WITH fb AS (
  SELECT f.file_id,
         bool_or(b.verdict = 'false-positive') AS fp,
         arg_max(b.category, b.at) FILTER (WHERE b.verdict = 'recategorise') AS re_cat,
         arg_max(b.scheme, b.at) FILTER (WHERE b.verdict = 'recategorise') AS re_scheme,
         bool_or(b.verdict = 'not-pertinent') AS np,
         string_agg(DISTINCT b.verdict, ',') AS verdicts
  FROM media_files f JOIN media_feedback b
    ON (b.hash_kind = 'md5' AND b.hash_value = f.md5) OR (b.hash_kind = 'sha1' AND b.hash_value = f.sha1)
    OR (b.hash_kind = 'sha256' AND b.hash_value = f.sha256) OR (b.hash_kind = 'pdq' AND b.hash_value = f.pdq)
  GROUP BY f.file_id
), m AS (
  SELECT m.*, CASE
      WHEN m.method <> 'pdq' AND m.role = 'notable' THEN 1
      WHEN m.method <> 'pdq' THEN 2
      WHEN m.role = 'notable' THEN 3
      ELSE 9 END AS rank
  FROM media_matches m LEFT JOIN fb USING (file_id)
  WHERE NOT coalesce(fb.fp, false) OR m.role <> 'notable'
), best AS (
  SELECT * FROM m WHERE rank < 9
  QUALIFY row_number() OVER (PARTITION BY file_id ORDER BY rank, distance, set_id, set_row) = 1
)
SELECT f.file_id, f.sha256,
  CASE WHEN coalesce(fb.np, false) THEN 'known'
       WHEN b.rank = 1 THEN 'known-notable' WHEN b.rank = 2 THEN 'known' WHEN b.rank = 3 THEN 'near-duplicate'
       WHEN f.kind IN ('image', 'video') THEN 'unseen' ELSE 'not-media' END AS bucket,
  b.set_id, b.method, b.distance,
  coalesce(fb.re_cat, b.category) AS category, CASE WHEN fb.re_cat IS NOT NULL THEN fb.re_scheme ELSE b.scheme END,
  b.series AS known_series, NULL::VARCHAR AS series_id, fb.verdicts
FROM media_files f LEFT JOIN best b USING (file_id) LEFT JOIN fb USING (file_id)
ORDER BY f.file_id
"""


def run_match(con: duckdb.DuckDBPyConnection, *, series_threshold: int = 31) -> MatchResult:
    tables.ensure(con)
    con.execute("DELETE FROM media_matches")
    for kind in ("md5", "sha1", "sha256"):
        con.execute(_EXACT.format(kind=kind))
    _near(con)
    result = MatchResult()
    [(result.matches,)] = con.execute("SELECT count(*) FROM media_matches").fetchall()
    triage = con.sql(_TRIAGE).to_arrow_table()
    replace(con, "media_triage", triage)
    [(result.suppressed,)] = con.execute("""SELECT count(*) FROM media_matches m JOIN media_triage t USING (file_id)
        WHERE m.role = 'notable' AND t.feedback LIKE '%false-positive%'""").fetchall()
    result.series = series.cluster_unseen(con, series_threshold)
    result.links = links.write_links(con)
    result.files = triage.num_rows
    for bucket, n in con.execute("SELECT bucket, count(*) FROM media_triage GROUP BY ALL").fetchall():
        result.buckets[str(bucket)] = int(n)
    return result


def as_rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


