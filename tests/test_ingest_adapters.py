"""MyBB, SMF and Discourse ingest from real-schema dumps (hand-checked), data-only dumps, generic mode."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from rescue import operation
from rescue.errors import AdapterError
from rescue.ingest.pipeline import ingest


@pytest.fixture()
def op(tmp_path: Path) -> operation.Operation:
    return operation.init(tmp_path / "op")


def q(op: operation.Operation, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(op.store_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("name", ["mybb18_latin1.sql", "mybb18_default_utf8mb4.sql"])
def test_mybb_both_charsets_give_the_same_text(op: operation.Operation, dumps: Path, name: str) -> None:
    res = ingest(op, dumps / name)
    assert (res.software, res.version, res.prefix) == ("mybb", "1.8", "mybb_")
    assert res.counts.holds() and res.counts.quarantined == 0
    assert q(op, "select account_id, username, registration_ip, birth_date, location, is_banned, is_staff "
                 "from accounts order by account_id") == [
        ("1", "UserAlpha", "192.0.2.10", dt.date(1980, 1, 1), "Placeville", False, True),
        ("2", "UserBeta", "198.51.100.7", None, None, True, False)]
    assert q(op, "select body_text, ip from posts") == [
        ("Line1 bold café\nLine2 with 'quote' and back\\slash", "192.0.2.10")]
    assert q(op, "select signature_text from accounts where account_id = '1'") == [("sig café",)]
    assert q(op, "select field, value from profile_fields where account_id = '1' order by field") == [
        ("bio", "placeholder bio"), ("gender", "Undisclosed"), ("icq", "123456"), ("location", "Placeville"),
        ("skype", "skypename")]


def test_mybb_mailbox_copies_become_one_message(op: operation.Operation, dumps: Path) -> None:
    ingest(op, dumps / "mybb18_latin1.sql")
    assert q(op, "select message_id, sender_account_id, subject, ip from messages") == [
        ("1", "1", "Placeholder PM", "192.0.2.10")]
    assert q(op, "select message_id, account_id, folder from message_recipients") == [("1", "2", "inbox")]
    assert q(op, "select message_id, account_id, folder, is_sender_copy from mailbox_copies order by account_id"
             ) == [("1", "1", "sent", True), ("1", "2", "inbox", False)]
    assert q(op, "select count(*) from ip_events where kind = 'message'") == [(1,)]


def test_mybb_hexblob_matches_raw(op: operation.Operation, dumps: Path, tmp_path: Path) -> None:
    ingest(op, dumps / "mybb18_hexblob_subset.sql", software="mybb")
    hexed = q(op, "select account_id, registration_ip from accounts order by account_id")
    op2 = operation.init(tmp_path / "op2")
    ingest(op2, dumps / "mybb18_latin1.sql")
    assert hexed == q(op2, "select account_id, registration_ip from accounts order by account_id")


def test_smf21_hand_checked(op: operation.Operation, dumps: Path) -> None:
    res = ingest(op, dumps / "smf21_default.sql")
    assert (res.software, res.version, res.prefix) == ("smf", "2.1", "smf_")
    assert res.counts.holds() and res.counts.quarantined == 0
    assert q(op, "select account_id, username, email, registration_ip, birth_date, birthday_raw, timezone, location, "
                 "is_staff from accounts order by account_id") == [
        ("1", "UserAlpha", "alpha@example.org", "192.0.2.10", dt.date(1980, 1, 1), "1980-01-01", "Europe/Berlin",
         "Placeville", True),
        ("2", "UserBeta", "beta@example.org", "198.51.100.7", None, "1004-01-01", "UTC+00:00", None, False)]
    (body,), = q(op, "select body_text from posts")
    assert body == "Line1 bold café \U0001F600\nLine2 it's \"quoted\"\u00a0 spaced" or body.startswith(
        "Line1 bold café \U0001F600\nLine2 it's \"quoted\"")
    assert q(op, "select title from threads") == [("Placeholder topic",)]
    assert q(op, "select message_id, sender_account_id, body_text from messages") == [("1", "1", "PM body\nline2")]
    assert q(op, "select message_id, account_id, kind from message_recipients") == [("1", "2", "to")]
    assert q(op, "select ip from bans") == [("203.0.113.0-203.0.113.255",)]
    assert q(op, "select kind, ip from ip_events where kind in ('login', 'log') order by kind") == [
        ("log", "192.0.2.10"), ("login", "192.0.2.10")]


def test_smf_complete_insert_hexblob_equals_default(op: operation.Operation, dumps: Path, tmp_path: Path) -> None:
    ingest(op, dumps / "smf21_default.sql")
    op2 = operation.init(tmp_path / "op2")
    ingest(op2, dumps / "smf21_complete_insert_hexblob.sql")
    for sql in ("select account_id, username, registration_ip, email from accounts order by 1",
                "select post_id, body_text, ip from posts order by 1",
                "select kind, ip, seen_at from ip_events order by 1, 2, 3"):
        assert q(op, sql) == q(op2, sql)


def test_smf_data_only_dump_uses_shipped_schema(op: operation.Operation, dumps: Path) -> None:
    res = ingest(op, dumps / "smf21_data_only.sql")
    assert res.software == "smf" and res.counts.holds() and res.counts.quarantined == 0
    assert q(op, "select account_id, username from accounts order by 1") == [("1", "UserAlpha"), ("2", "UserBeta")]
    assert q(op, "select count(*) from posts") == [(1,)]


@pytest.mark.parametrize("name", ["discourse_mini_pg_dump_plain.sql", "discourse_mini_pg_dump_inserts.sql"])
def test_discourse_pg_dump(op: operation.Operation, dumps: Path, name: str) -> None:
    res = ingest(op, dumps / name)
    assert res.software == "discourse" and res.format == "pgdump"
    assert res.counts.holds() and res.counts.quarantined == 0
    assert q(op, "select account_id, username, email, registration_ip, registered_at, location, is_banned "
                 "from accounts order by 1") == [
        ("1", "UserAlpha", "alpha@example.org", "2001:db8::25", dt.datetime(2010, 1, 1), "Placeville", False),
        ("2", "UserBeta", "beta@example.org", "198.51.100.7", dt.datetime(2010, 1, 3), None, True)]
    assert q(op, "select post_id, body_text from posts") == [
        ("1", "Line1 bold café \U0001F600\nLine2 with tab and back\\slash")]
    # the PM topic's post became a message, to the other participant
    assert q(op, "select message_id, sender_account_id, subject, body_text from messages") == [
        ("2", "1", "Placeholder PM", "PM body")]
    assert q(op, "select message_id, account_id from message_recipients") == [("2", "2")]
    assert q(op, "select kind, ip from ip_events where kind like 'auth:%'") == [("auth:generate", "192.0.2.10")]


def test_generic_mode_reports_what_it_mapped(op: operation.Operation, dumps: Path) -> None:
    res = ingest(op, dumps / "phpbb30_default.sql", software="generic")
    assert res.software == "generic" and res.counts.holds()
    report = q(op, "select source_table, canonical_table, role, source_column from mapping_report "
                   "where canonical_table is not null order by 1, 3")
    assert ("phpbb_users", "accounts", "email", "user_email") in report
    assert ("phpbb_posts", "posts", "body", "post_text") in report
    left = q(op, "select source_table, note from mapping_report where canonical_table is null")
    assert any(t == "phpbb_config" and "left unmapped" in str(n) for t, n in left)
    assert q(op, "select count(*) from accounts") == [(2,)]


def test_unknown_structure_is_a_clear_error(op: operation.Operation, dumps: Path) -> None:
    with pytest.raises(AdapterError, match="--software generic"):
        ingest(op, dumps / "escape_rules_demo.sql")


def test_vbulletin4_subset(op: operation.Operation) -> None:
    path = Path(__file__).parent / "fixtures" / "handmade" / "vbulletin4_subset.sql"
    res = ingest(op, path)
    assert (res.software, res.version, res.prefix) == ("vbulletin", "4.x", "vb_")
    assert res.counts.holds() and res.counts.quarantined == 0
    assert q(op, "select account_id, username, birth_date, timezone, location, occupation, signature_text, "
                 "group_name, is_staff, is_banned from accounts order by 1") == [
        ("1", "UserAlpha", dt.date(1980, 1, 31), "UTC+01:00", "Placeville", "librarian", "sig line",
         "Administrators", True, False),
        ("2", "UserBeta", None, "UTC-05:00", None, None, None, "Registered Users", False, False),
        ("3", "UserGamma", None, "UTC+00:00", None, None, None, "Banned Users", False, True)]
    assert q(op, "select post_id, account_id, guest_name, forum_id, is_deleted, body_text from posts order by 1") == [
        ("1", "1", None, "2", False, "Hello all, write to me at alpha at example dot org"),
        ("2", "2", None, "2", False, "Thanks, see you"),
        ("3", "0", "Guesty", "2", True, "A guest reply")]
    assert q(op, "select container_id, quoted_author, quoted_post_id, text from quotes") == [
        ("2", "UserAlpha", "1", "Hello all")]
    assert q(op, "select account_id, kind from message_recipients order by 1") == [("2", "to"), ("3", "bcc")]
    assert q(op, "select account_id, folder from mailbox_copies") == [("1", "sent")]
    assert q(op, "select name from forums order by forum_id") == [("Main Category",), ("Example & forum",)]
    assert q(op, "select kind, ip from ip_events where kind = 'login_attempt'") == [("login_attempt", "192.0.2.77")]


def test_xenforo2_subset_resolves_ip_ids(op: operation.Operation) -> None:
    path = Path(__file__).parent / "fixtures" / "handmade" / "xenforo2_subset.sql"
    res = ingest(op, path)
    assert (res.software, res.prefix) == ("xenforo", "xf_")
    assert res.counts.holds() and res.counts.quarantined == 0
    assert q(op, "select account_id, username, registration_ip, birth_date, birthday_raw, location, group_name, "
                 "is_staff, is_banned from accounts order by 1") == [
        ("1", "UserAlpha", "192.0.2.10", dt.date(1980, 1, 31), "1980-01-31", "Placeville", "Administrative", True,
         False),
        ("2", "UserBeta", None, None, "0000-06-05", None, "Registered", False, True)]
    assert q(op, "select post_id, ip, forum_id, is_deleted, body_text from posts order by 1") == [
        ("1", "192.0.2.10", "2", False, "Hello all"), ("2", "2001:db8::25", "2", True, "Thanks")]
    assert q(op, "select quoted_author, quoted_post_id, text from quotes") == [("UserAlpha", "1", "Hello all")]
    assert q(op, "select message_id, sender_account_id, subject, ip from messages") == [
        ("1", "1", "Placeholder conversation", "192.0.2.11")]
    assert q(op, "select message_id, account_id from message_recipients") == [("1", "2")]
    assert q(op, "select field, value from profile_fields where account_id = '1' and field = 'skype'") == [
        ("skype", "skypename")]


def test_invision4_subset_names_from_language_strings(op: operation.Operation) -> None:
    path = Path(__file__).parent / "fixtures" / "handmade" / "invision4_subset.sql"
    res = ingest(op, path)
    assert (res.software, res.prefix) == ("invision", "")
    assert res.counts.holds() and res.counts.quarantined == 0
    assert q(op, "select account_id, username, registration_ip, birth_date, location, group_name, is_staff, "
                 "is_banned, signature_text from accounts order by 1") == [
        ("1", "UserAlpha", "192.0.2.10", dt.date(1980, 1, 31), "Placeville", "Administrators", True, False, "sig"),
        ("2", "UserBeta", "2001:db8::25", None, None, "Members", False, True, None)]
    assert q(op, "select field, value from profile_fields where account_id = '1' order by 1") == [
        ("location", "Placeville"), ("skype", "skypename")]
    assert q(op, "select post_id, forum_id, body_text from posts order by 1") == [
        ("1", "2", "Hello all"), ("2", "2", "Thanks")]
    assert q(op, "select quoted_author, text from quotes") == [("UserAlpha", "Hello all")]
    assert q(op, "select message_id, subject, body_text from messages") == [("1", "Placeholder PM", "PM body")]
    assert q(op, "select account_id from message_recipients") == [("2",)]
    assert q(op, "select name from forums where forum_id = '2'") == [("Main forum",)]
