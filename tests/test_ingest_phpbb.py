"""phpBB ingest against the real phpBB 3.0.14 schema dumped by mariadb-dump (hand-checked)."""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
from pathlib import Path

import duckdb
import pytest

from rescue import operation
from rescue.ingest.pipeline import ingest

from .conftest import run_contract_check


@pytest.fixture()
def op(tmp_path: Path) -> operation.Operation:
    return operation.init(tmp_path / "op")


def q(op: operation.Operation, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(op.store_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_phpbb30_fixture_hand_checked(op: operation.Operation, dumps: Path) -> None:
    res = ingest(op, dumps / "phpbb30_default.sql")
    assert (res.software, res.version, res.prefix, res.format) == ("phpbb", "3.0", "phpbb_", "mysqldump")
    assert res.counts.holds() and res.counts.quarantined == 0
    rows = q(op, "select account_id, username, email, registered_at, registration_ip, birth_date, location, "
                 "timezone, signature_text, is_staff, is_banned, is_guest from accounts order by account_id")
    assert rows == [
        ("2", "UserAlpha", "alpha@example.org", dt.datetime(2010, 1, 1), "192.0.2.10", dt.date(1980, 1, 1),
         "Placeville", "UTC+01:00", "sig", True, False, False),
        ("3", "UserBeta", "beta@example.org", dt.datetime(2010, 1, 3), "2001:db8::25", None, None,
         "UTC+00:00", None, False, True, False),
    ]
    assert q(op, "select field, value from profile_fields where account_id = '2' order by field") == [
        ("aim", "aimname"), ("icq", "123456"), ("jabber", "jid@example.org"), ("msnm", "msn@example.org"),
        ("yim", "yimname")]
    posts = q(op, "select post_id, thread_id, account_id, ip, subject, body_text from posts order by post_id")
    assert posts[0][:5] == ("1", "1", "2", "192.0.2.10", 'Placeholder topic with "quotes"')
    assert posts[0][5] == ("First line with bold and café\nSecond line: it's a back\\slash, tab here, "
                           "emoji as NCR \U0001F600")
    assert posts[1][3] == "2001:db8::25" and posts[1][5] == "bold reply in 3.2+ s9e XML form"
    assert q(op, "select message_id, sender_account_id, body_text, to_raw from messages") == [
        ("1", "2", "PM body line1\nline2", "u_3")]
    # the sender's own mailbox copy is not a recipient
    assert q(op, "select message_id, account_id, folder, kind from message_recipients") == [("1", "3", "inbox", "to")]
    assert q(op, "select account_id, folder from mailbox_copies") == [("2", "sent")]
    assert q(op, "select kind, count(*) from ip_events group by kind order by kind") == [
        ("log", 1), ("message", 1), ("post", 2), ("registration", 2), ("session", 1)]
    assert q(op, "select attachment_id, account_id, post_id, filename, filesize from attachments") == [
        ("1", "2", "1", "placeholder.txt", 42)]
    assert q(op, "select title from threads") == [('Placeholder topic with "quotes"',)]


def test_provenance_points_at_the_row(op: operation.Operation, dumps: Path) -> None:
    path = dumps / "phpbb30_default.sql"
    ingest(op, path)
    data = path.read_bytes()
    for table, key, offset, line in q(op, "select prov_table, prov_key, prov_offset, prov_line from posts"):
        assert table == "phpbb_posts"
        assert data[offset:offset + 1] == b"("
        assert data[offset + 1:].startswith(key.encode() + b",")
        assert data[:offset].count(b"\n") + 1 == line


def test_conservation_table_lists_skipped(op: operation.Operation, dumps: Path) -> None:
    res = ingest(op, dumps / "phpbb30_default.sql")
    rows = {r[0]: r[1:] for r in q(op, "select source_table, status, rows_read, rows_mapped, rows_quarantined "
                                       "from ingest_tables")}
    assert rows["phpbb_users"] == ("mapped", 2, 2, 0)
    assert rows["phpbb_privmsgs_to"] == ("mapped", 2, 2, 0)
    assert rows["phpbb_acl_options"][0] == "skipped"
    total = q(op, "select rows_read, rows_mapped, rows_quarantined, rows_skipped from sources")[0]
    assert total[0] == total[1] + total[2] + total[3] == res.counts.read


def test_reingest_same_sha_changes_nothing(op: operation.Operation, dumps: Path, tmp_path: Path) -> None:
    first = ingest(op, dumps / "phpbb30_default.sql")
    before = q(op, "select count(*) from posts")[0]
    gz = tmp_path / "copy.sql"
    shutil.copy(dumps / "phpbb30_default.sql", gz)
    again = ingest(op, gz)
    assert again.already and again.source_id == first.source_id
    assert q(op, "select count(*) from posts")[0] == before
    assert len(operation.read_register(op)) == 1


def test_gzip_source_gives_same_rows(op: operation.Operation, dumps: Path, tmp_path: Path) -> None:
    gz = tmp_path / "dump.bin"
    gz.write_bytes(gzip.compress((dumps / "phpbb30_default.sql").read_bytes()))
    res = ingest(op, gz)
    assert res.software == "phpbb" and res.format == "mysqldump" and res.counts.holds()
    assert q(op, "select count(*) from posts")[0] == (2,)
    reg = operation.read_register(op)[0]
    assert reg["sha256"] == operation.sha256_file(gz) and reg["bytes"] == gz.stat().st_size


def test_contract_holds_after_ingest(op: operation.Operation, dumps: Path) -> None:
    ingest(op, dumps / "phpbb30_default.sql")
    r = run_contract_check(op.root)
    assert r.returncode == 0, r.stdout


def test_bad_rows_are_quarantined_not_lost(op: operation.Operation, dumps: Path, tmp_path: Path) -> None:
    text = (dumps / "phpbb30_default.sql").read_text(encoding="utf-8")
    # a posts row with one value too few, and a row whose id is not a number
    text = text.replace("(2,1,2,3,0,'2001:db8::25',", "(2,1,2,3,'2001:db8::25',", 1)
    text = text.replace("(1,0,2,0,'192.0.2.10',1262739600", "('x',0,2,0,'192.0.2.10',1262739600", 1)
    bad = tmp_path / "bad.sql"
    bad.write_text(text, encoding="utf-8")
    res = ingest(op, bad)
    assert res.counts.holds()
    reasons = q(op, "select source_table, reason, raw from quarantine order by source_table")
    assert [r[0] for r in reasons] == ["phpbb_posts", "phpbb_privmsgs"]
    assert "values" in reasons[0][1] and "integer column" in reasons[1][1]
    assert reasons[1][2].startswith(b"('x',")
    assert q(op, "select count(*) from posts")[0] == (1,)
