"""`rescue media summary`: what was taken in, what was quarantined, and the triage buckets."""

from __future__ import annotations

import duckdb

from rescue.media import tables


def summary_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    tables.ensure(con)
    out: list[str] = []
    for iid, path, kind, files, nbytes, quarantined in con.execute(
            "SELECT intake_id, path, kind, files, bytes, quarantined FROM media_intakes ORDER BY intake_id").fetchall():
        out.append(f"intake {iid} ({kind}) {path}: {files} files, {nbytes} bytes, {quarantined} quarantined")
    for kind, n, errors in con.execute(
            "SELECT kind, count(*), count(error) FROM media_files GROUP BY kind ORDER BY kind").fetchall():
        out.append(f"  {kind}: {n} files ({errors} not decodable)")
    for set_id, name, fmt, role, enabled, entries in con.execute(
            "SELECT set_id, name, format, role, enabled, entries FROM media_sets ORDER BY set_id").fetchall():
        out.append(f"set {set_id} {name} ({fmt}, {role}, {'enabled' if enabled else 'disabled'}): {entries} hashes")
    buckets = con.execute("SELECT bucket, count(*) FROM media_triage GROUP BY bucket ORDER BY bucket").fetchall()
    if buckets:
        out.append("triage: " + ", ".join(f"{b} {n}" for b, n in buckets))
        [(series, multi)] = con.execute(
            "SELECT count(DISTINCT series_id), count(DISTINCT series_id) FILTER (WHERE size > 1) "
            "FROM media_series").fetchall()
        out.append(f"unseen series: {series} ({multi} with more than one file)")
    [(links, persons)] = con.execute(
        "SELECT count(*), count(DISTINCT person_id) FROM media_person_links").fetchall()
    out.append(f"links to forum attachments: {links} ({persons} persons)")
    return out
