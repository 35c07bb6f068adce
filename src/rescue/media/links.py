"""Links: seized media ↔ forum attachments (by SHA-256) ↔ accounts ↔ persons, in media_person_links.

An attachment's SHA-256 is the one the ingest stored, or, when the forum's files folder was taken in
with ``rescue media intake DIR FILES --attachments SOURCE_ID``, the hash of its stored file
(``media_attachment_files``). Each attachment is linked to every media file with the same SHA-256:
its own stored file (link ``attachment-file``) and copies found elsewhere (link ``same-sha256``).
``series_id`` is the known series (from the hash set) of a known file, else the unseen series id;
``method`` says how the file was classified (md5, sha1, sha256: exact; pdq: near-duplicate).
"""

from __future__ import annotations

import duckdb

from rescue.media.store import replace


def _has(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    got = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchall()
    return bool(got[0][0])


def map_attachment_files(con: duckdb.DuckDBPyConnection, intake_id: str, source_id: str) -> int:
    """Attachment ↔ stored file by the physical file name, for an intake of a forum's files folder."""
    if not _has(con, "attachments"):
        return 0
    con.execute("DELETE FROM media_attachment_files WHERE file_id IN "
                "(SELECT file_id FROM media_files WHERE intake_id = ?)", [intake_id])
    con.execute("""
        INSERT INTO media_attachment_files
        SELECT a.source_id, a.attachment_id, f.file_id, f.sha256
        FROM attachments a JOIN media_files f
          ON f.intake_id = ? AND f.container_kind = 'folder'
         AND regexp_extract(f.inner_path, '[^/]+$') = a.stored_name
        WHERE a.source_id = ?""", [intake_id, source_id])
    [(n,)] = con.execute("SELECT count(*) FROM media_attachment_files WHERE file_id IN "
                         "(SELECT file_id FROM media_files WHERE intake_id = ?)", [intake_id]).fetchall()
    return int(n)


def write_links(con: duckdb.DuckDBPyConnection) -> int:
    if not _has(con, "attachments"):
        replace(con, "media_person_links", [])
        return 0
    persons = _has(con, "person_accounts")
    person_join = ("LEFT JOIN person_accounts p ON p.source_id = a.source_id AND p.account_id = a.account_id"
                   if persons else "")
    person_col = "p.person_id" if persons else "NULL::VARCHAR"
    table = con.sql(f"""
        WITH ah AS (
          SELECT a.source_id, a.attachment_id, a.account_id,
                 coalesce(lower(a.sha256), m.sha256) AS sha256, m.file_id AS own_file
          FROM attachments a LEFT JOIN media_attachment_files m
            ON m.source_id = a.source_id AND m.attachment_id = a.attachment_id
        )
        SELECT {person_col} AS person_id, a.source_id, a.account_id, a.attachment_id, f.file_id, f.sha256,
               t.bucket, coalesce(t.known_series, t.series_id) AS series_id, t.known_series,
               t.series_id AS unseen_series_id, t.category, t.scheme, t.method, t.distance,
               CASE WHEN f.file_id = a.own_file THEN 'attachment-file' ELSE 'same-sha256' END AS link
        FROM ah a JOIN media_files f ON f.sha256 = a.sha256
        LEFT JOIN media_triage t ON t.file_id = f.file_id
        {person_join}
        WHERE a.sha256 IS NOT NULL
        ORDER BY person_id NULLS LAST, a.source_id, a.attachment_id, f.file_id""").to_arrow_table()
    replace(con, "media_person_links", table)
    return int(table.num_rows)
