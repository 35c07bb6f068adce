"""Shared test input for the identity tests: an in-memory store with the text tables writing style reads."""

from __future__ import annotations

import duckdb

from rescue.identity.model import TEMP


def text_store() -> duckdb.DuckDBPyConnection:
    """Empty ``posts`` and ``messages`` (the columns style reads) and the accounts table ``TEMP`` of a run."""
    con = duckdb.connect()
    con.execute("CREATE TABLE posts (source_id VARCHAR, account_id VARCHAR, post_id VARCHAR, posted_at TIMESTAMP,"
                " body_text VARCHAR)")
    con.execute("CREATE TABLE messages (source_id VARCHAR, sender_account_id VARCHAR, message_id VARCHAR,"
                " sent_at TIMESTAMP, body_text VARCHAR)")
    con.execute(f"CREATE TEMP TABLE {TEMP} (idx BIGINT, source_id VARCHAR, account_id VARCHAR)")
    return con
