"""The canonical evidence model: every table, its columns and types, in one place.

The names and meanings of the key columns are the contract of DESIGN.md; more columns are
welcome. Every evidence row carries its provenance: ``prov_table`` (the source table),
``prov_key`` (the native key there), ``prov_offset`` (byte offset in the decompressed source)
and ``prov_line`` (1-based line).
"""

from __future__ import annotations

PROV: list[tuple[str, str]] = [
    ("prov_table", "VARCHAR"),
    ("prov_key", "VARCHAR"),
    ("prov_offset", "BIGINT"),
    ("prov_line", "BIGINT"),
]

TABLES: dict[str, list[tuple[str, str]]] = {
    "sources": [
        ("source_id", "VARCHAR"), ("sha256", "VARCHAR"), ("software", "VARCHAR"), ("format", "VARCHAR"),
        ("version", "VARCHAR"), ("table_prefix", "VARCHAR"), ("path", "VARCHAR"), ("bytes", "BIGINT"),
        ("charset", "VARCHAR"), ("received_at", "TIMESTAMP"), ("ingested_at", "TIMESTAMP"),
        ("rows_read", "BIGINT"), ("rows_mapped", "BIGINT"), ("rows_quarantined", "BIGINT"),
        ("rows_skipped", "BIGINT"),
    ],
    "accounts": [
        ("source_id", "VARCHAR"), ("account_id", "VARCHAR"), ("username", "VARCHAR"),
        ("username_clean", "VARCHAR"), ("email", "VARCHAR"), ("registered_at", "TIMESTAMP"),
        ("registration_ip", "VARCHAR"), ("last_visit_at", "TIMESTAMP"), ("birthday_raw", "VARCHAR"),
        ("birth_date", "DATE"), ("location", "VARCHAR"), ("timezone", "VARCHAR"),
        ("language", "VARCHAR"), ("occupation", "VARCHAR"), ("interests", "VARCHAR"),
        ("website", "VARCHAR"), ("signature_text", "VARCHAR"), ("group_id", "VARCHAR"),
        ("group_name", "VARCHAR"), ("rank_id", "VARCHAR"), ("rank_title", "VARCHAR"),
        ("post_count", "BIGINT"), ("user_type", "VARCHAR"), ("is_guest", "BOOLEAN"),
        ("is_bot", "BOOLEAN"), ("is_staff", "BOOLEAN"), ("is_banned", "BOOLEAN"),
        ("is_inactive", "BOOLEAN"), ("is_deleted", "BOOLEAN"),
    ],
    "profile_fields": [
        ("source_id", "VARCHAR"), ("account_id", "VARCHAR"), ("field", "VARCHAR"), ("value", "VARCHAR"),
    ],
    "groups": [
        ("source_id", "VARCHAR"), ("group_id", "VARCHAR"), ("name", "VARCHAR"), ("kind", "VARCHAR"),
    ],
    "group_members": [
        ("source_id", "VARCHAR"), ("group_id", "VARCHAR"), ("account_id", "VARCHAR"), ("is_leader", "BOOLEAN"),
        ("is_pending", "BOOLEAN"),
    ],
    "forum_config": [
        ("source_id", "VARCHAR"), ("name", "VARCHAR"), ("value", "VARCHAR"),
    ],
    "ranks": [
        ("source_id", "VARCHAR"), ("rank_id", "VARCHAR"), ("title", "VARCHAR"), ("is_special", "BOOLEAN"),
    ],
    "forums": [
        ("source_id", "VARCHAR"), ("forum_id", "VARCHAR"), ("parent_id", "VARCHAR"), ("name", "VARCHAR"),
        ("description", "VARCHAR"), ("kind", "VARCHAR"),
    ],
    "threads": [
        ("source_id", "VARCHAR"), ("thread_id", "VARCHAR"), ("forum_id", "VARCHAR"), ("title", "VARCHAR"),
        ("account_id", "VARCHAR"), ("created_at", "TIMESTAMP"), ("first_post_id", "VARCHAR"),
        ("is_deleted", "BOOLEAN"), ("kind", "VARCHAR"),
    ],
    "thread_participants": [
        ("source_id", "VARCHAR"), ("thread_id", "VARCHAR"), ("account_id", "VARCHAR"),
    ],
    "posts": [
        ("source_id", "VARCHAR"), ("post_id", "VARCHAR"), ("thread_id", "VARCHAR"), ("forum_id", "VARCHAR"),
        ("account_id", "VARCHAR"), ("guest_name", "VARCHAR"), ("posted_at", "TIMESTAMP"), ("ip", "VARCHAR"),
        ("subject", "VARCHAR"), ("body_raw", "VARCHAR"), ("body_text", "VARCHAR"), ("markup", "VARCHAR"),
        ("is_deleted", "BOOLEAN"),
    ],
    "quotes": [
        ("source_id", "VARCHAR"), ("container", "VARCHAR"), ("container_id", "VARCHAR"), ("seq", "INTEGER"),
        ("quoted_author", "VARCHAR"), ("quoted_account_id", "VARCHAR"), ("quoted_post_id", "VARCHAR"),
        ("depth", "INTEGER"), ("text", "VARCHAR"),
    ],
    "messages": [
        ("source_id", "VARCHAR"), ("message_id", "VARCHAR"), ("sender_account_id", "VARCHAR"),
        ("sent_at", "TIMESTAMP"), ("ip", "VARCHAR"), ("subject", "VARCHAR"), ("body_raw", "VARCHAR"),
        ("body_text", "VARCHAR"), ("markup", "VARCHAR"), ("to_raw", "VARCHAR"), ("bcc_raw", "VARCHAR"),
        ("is_deleted", "BOOLEAN"), ("thread_id", "VARCHAR"),
    ],
    "message_recipients": [
        ("source_id", "VARCHAR"), ("message_id", "VARCHAR"), ("account_id", "VARCHAR"), ("kind", "VARCHAR"),
        ("folder", "VARCHAR"), ("is_deleted", "BOOLEAN"),
    ],
    "mailbox_copies": [
        ("source_id", "VARCHAR"), ("message_id", "VARCHAR"), ("account_id", "VARCHAR"), ("folder", "VARCHAR"),
        ("is_sender_copy", "BOOLEAN"),
    ],
    "ip_events": [
        ("source_id", "VARCHAR"), ("account_id", "VARCHAR"), ("ip", "VARCHAR"), ("seen_at", "TIMESTAMP"),
        ("kind", "VARCHAR"), ("ref_id", "VARCHAR"), ("user_agent", "VARCHAR"),
    ],
    "attachments": [
        ("source_id", "VARCHAR"), ("attachment_id", "VARCHAR"), ("account_id", "VARCHAR"),
        ("post_id", "VARCHAR"), ("message_id", "VARCHAR"), ("filename", "VARCHAR"),
        ("stored_name", "VARCHAR"), ("extension", "VARCHAR"), ("mimetype", "VARCHAR"),
        ("filesize", "BIGINT"), ("created_at", "TIMESTAMP"), ("sha256", "VARCHAR"),
    ],
    "bans": [
        ("source_id", "VARCHAR"), ("ban_id", "VARCHAR"), ("account_id", "VARCHAR"), ("ip", "VARCHAR"),
        ("email", "VARCHAR"), ("reason", "VARCHAR"), ("banned_at", "TIMESTAMP"), ("ends_at", "TIMESTAMP"),
    ],
    "moderation_log": [
        ("source_id", "VARCHAR"), ("log_id", "VARCHAR"), ("account_id", "VARCHAR"), ("kind", "VARCHAR"),
        ("ip", "VARCHAR"), ("logged_at", "TIMESTAMP"), ("operation", "VARCHAR"), ("data", "VARCHAR"),
        ("forum_id", "VARCHAR"), ("thread_id", "VARCHAR"), ("target_account_id", "VARCHAR"),
    ],
    "quarantine": [
        ("source_id", "VARCHAR"), ("source_table", "VARCHAR"), ("location", "VARCHAR"), ("reason", "VARCHAR"),
        ("raw", "BLOB"), ("offset", "BIGINT"), ("line", "BIGINT"),
    ],
    "ingest_tables": [
        ("source_id", "VARCHAR"), ("source_table", "VARCHAR"), ("canonical_table", "VARCHAR"),
        ("status", "VARCHAR"), ("rows_read", "BIGINT"), ("rows_mapped", "BIGINT"),
        ("rows_quarantined", "BIGINT"), ("rows_recoded", "BIGINT"),
    ],
    "mapping_report": [
        ("source_id", "VARCHAR"), ("source_table", "VARCHAR"), ("canonical_table", "VARCHAR"), ("role", "VARCHAR"),
        ("source_column", "VARCHAR"), ("note", "VARCHAR"),
    ],
}

# Tables whose rows carry provenance columns (all evidence derived from a source row).
NO_PROV = {"sources", "quarantine", "ingest_tables", "mapping_report"}


def columns(table: str) -> list[tuple[str, str]]:
    cols = list(TABLES[table])
    if table not in NO_PROV:
        cols += PROV
    return cols


def column_names(table: str) -> list[str]:
    return [c for c, _ in columns(table)]


def ddl(table: str) -> str:
    body = ", ".join(f'"{c}" {t}' for c, t in columns(table))
    return f'CREATE TABLE IF NOT EXISTS "{table}" ({body})'


EVIDENCE_TABLES: tuple[str, ...] = tuple(TABLES)
