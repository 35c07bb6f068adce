"""The media tables in the operation's store.duckdb (documented in docs/media.md)."""

from __future__ import annotations

import duckdb

TABLES: dict[str, list[tuple[str, str]]] = {
    "media_intakes": [
        ("intake_id", "VARCHAR"), ("path", "VARCHAR"), ("kind", "VARCHAR"), ("label", "VARCHAR"),
        ("started_at", "TIMESTAMP"), ("finished_at", "TIMESTAMP"), ("files", "BIGINT"), ("bytes", "BIGINT"),
        ("quarantined", "BIGINT"), ("attachments_source_id", "VARCHAR"),
    ],
    "media_files": [
        ("file_id", "VARCHAR"), ("intake_id", "VARCHAR"), ("container", "VARCHAR"), ("container_kind", "VARCHAR"),
        ("inner_path", "VARCHAR"), ("size", "BIGINT"), ("mtime", "TIMESTAMP"), ("atime", "TIMESTAMP"),
        ("ctime", "TIMESTAMP"), ("crtime", "TIMESTAMP"), ("deleted", "BOOLEAN"),
        ("md5", "VARCHAR"), ("sha1", "VARCHAR"), ("sha256", "VARCHAR"), ("kind", "VARCHAR"), ("mime", "VARCHAR"),
        ("width", "INTEGER"), ("height", "INTEGER"), ("pdq", "VARCHAR"), ("pdq_quality", "INTEGER"),
        ("pdq_impl", "VARCHAR"), ("pdq_variants", "VARCHAR"), ("frames", "INTEGER"), ("duration_s", "DOUBLE"),
        ("exif_make", "VARCHAR"), ("exif_model", "VARCHAR"), ("exif_serial", "VARCHAR"),
        ("exif_datetime", "VARCHAR"), ("gps_lat", "DOUBLE"), ("gps_lon", "DOUBLE"), ("error", "VARCHAR"),
    ],
    "media_video_segments": [
        ("file_id", "VARCHAR"), ("segment_index", "INTEGER"), ("start_s", "DOUBLE"), ("end_s", "DOUBLE"),
        ("frames", "INTEGER"), ("pdq", "VARCHAR"), ("pdq_quality", "INTEGER"),
    ],
    "media_quarantine": [
        ("intake_id", "VARCHAR"), ("container", "VARCHAR"), ("inner_path", "VARCHAR"), ("reason", "VARCHAR"),
    ],
    "media_sets": [
        ("set_id", "VARCHAR"), ("name", "VARCHAR"), ("format", "VARCHAR"), ("role", "VARCHAR"),
        ("enabled", "BOOLEAN"), ("pdq_threshold", "INTEGER"), ("scheme", "VARCHAR"), ("source_path", "VARCHAR"),
        ("source_sha256", "VARCHAR"), ("imported_at", "TIMESTAMP"), ("entries", "BIGINT"), ("header_json", "VARCHAR"),
    ],
    "media_set_hashes": [
        ("set_id", "VARCHAR"), ("row_index", "BIGINT"), ("md5", "VARCHAR"), ("sha1", "VARCHAR"),
        ("sha256", "VARCHAR"), ("pdq", "VARCHAR"), ("category", "VARCHAR"), ("scheme", "VARCHAR"),
        ("series", "VARCHAR"), ("victim_identified", "BOOLEAN"), ("offender_identified", "BOOLEAN"),
        ("is_distributed", "BOOLEAN"), ("record_json", "VARCHAR"),
    ],
    "media_feedback": [
        ("hash_kind", "VARCHAR"), ("hash_value", "VARCHAR"), ("verdict", "VARCHAR"), ("category", "VARCHAR"),
        ("scheme", "VARCHAR"), ("note", "VARCHAR"), ("analyst", "VARCHAR"), ("at", "TIMESTAMP"),
    ],
    "media_matches": [
        ("file_id", "VARCHAR"), ("set_id", "VARCHAR"), ("method", "VARCHAR"), ("distance", "INTEGER"),
        ("variant", "INTEGER"), ("set_row", "BIGINT"), ("role", "VARCHAR"), ("category", "VARCHAR"),
        ("scheme", "VARCHAR"), ("series", "VARCHAR"),
    ],
    "media_triage": [
        ("file_id", "VARCHAR"), ("sha256", "VARCHAR"), ("bucket", "VARCHAR"), ("set_id", "VARCHAR"),
        ("method", "VARCHAR"), ("distance", "INTEGER"), ("category", "VARCHAR"), ("scheme", "VARCHAR"),
        ("known_series", "VARCHAR"), ("series_id", "VARCHAR"), ("feedback", "VARCHAR"),
    ],
    "media_series": [
        ("series_id", "VARCHAR"), ("file_id", "VARCHAR"), ("seed_file_id", "VARCHAR"), ("distance", "INTEGER"),
        ("size", "INTEGER"),
    ],
    "media_attachment_files": [
        ("source_id", "VARCHAR"), ("attachment_id", "VARCHAR"), ("file_id", "VARCHAR"), ("sha256", "VARCHAR"),
    ],
    "media_person_links": [
        ("person_id", "VARCHAR"), ("source_id", "VARCHAR"), ("account_id", "VARCHAR"), ("attachment_id", "VARCHAR"),
        ("file_id", "VARCHAR"), ("sha256", "VARCHAR"), ("bucket", "VARCHAR"), ("series_id", "VARCHAR"),
        ("known_series", "VARCHAR"), ("unseen_series_id", "VARCHAR"), ("category", "VARCHAR"), ("scheme", "VARCHAR"),
        ("method", "VARCHAR"), ("distance", "INTEGER"), ("link", "VARCHAR"),
    ],
}


def ddl(table: str) -> str:
    cols = ", ".join(f'"{name}" {kind}' for name, kind in TABLES[table])
    return f"CREATE TABLE IF NOT EXISTS {table} ({cols})"


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    for table in TABLES:
        con.execute(ddl(table))


def columns(table: str) -> list[str]:
    return [name for name, _ in TABLES[table]]
