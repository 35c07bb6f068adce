"""The SQLite reader: read-only access, declared types, row order, values as the dump readers give them."""

from __future__ import annotations

import hashlib
import socket
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from rescue.errors import SourceError
from rescue.readers.base import BadRow, ConnectionCharset, Event, RawRow, TableDef
from rescue.readers.sqlite import SqliteReader, looks_like_sqlite


def packed(ip: str) -> bytes:
    return socket.inet_pton(socket.AF_INET6 if ":" in ip else socket.AF_INET, ip)


@pytest.fixture()
def forum_db(tmp_path: Path) -> Path:
    path = tmp_path / "evidence" / "forum.db"
    path.parent.mkdir()
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE mybb_users (uid INTEGER PRIMARY KEY, username VARCHAR(120) NOT NULL, email TEXT,
                                 regdate INT, regip BLOB, reputation REAL);
        CREATE TABLE mybb_posts (pid INTEGER PRIMARY KEY, tid INTEGER, uid INTEGER, message TEXT, ipaddress BLOB);
        CREATE TABLE mybb_settings (name TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
        CREATE TABLE empty_log (id INTEGER PRIMARY KEY, note TEXT);
    """)
    con.executemany("INSERT INTO mybb_users VALUES (?,?,?,?,?,?)", [
        (3, "Zoë Placeholder", "zoe@example.org", 1262304000, packed("2001:db8::25"), 1.5),
        (1, "UserAlpha", "alpha@example.org", 1262304000, packed("192.0.2.10"), 0.0),
        (2, "Łukasz 测试", None, 0, None, -2.25),
    ])
    con.executemany("INSERT INTO mybb_posts VALUES (?,?,?,?,?)", [
        (10, 1, 1, "Line1\nLine2\twith tab, 'quote' and back\\slash", packed("192.0.2.10")),
        (11, 1, 2, "café 😀", packed("2001:db8::1")),
    ])
    con.executemany("INSERT INTO mybb_settings VALUES (?,?)", [("version", "1.8.37"), ("bbname", "Placeholder")])
    con.commit()
    con.close()
    return path


def read(path: Path) -> list[Event]:
    return list(SqliteReader(path).events())


def test_structure(forum_db: Path) -> None:
    reader = SqliteReader(forum_db)
    assert reader.format == "sqlite" and reader.total is None
    s = reader.structure()
    assert sorted(s.defs) == ["empty_log", "mybb_posts", "mybb_settings", "mybb_users"]
    assert s.insert_tables == {"mybb_posts", "mybb_settings", "mybb_users"}
    assert reader.total == 7 and s.charset == "utf8mb4"
    users = s.defs["mybb_users"]
    assert [(c.name, c.sql_type) for c in users.columns] == [
        ("uid", "integer"), ("username", "varchar(120)"), ("email", "text"), ("regdate", "int"), ("regip", "blob"),
        ("reputation", "real")]
    assert [c.name for c in users.columns if c.is_binary] == ["regip"]


def test_rows_types_and_order(forum_db: Path) -> None:
    evs = read(forum_db)
    assert evs[0] == ConnectionCharset("utf8mb4")
    assert not [e for e in evs if isinstance(e, BadRow)]
    assert [e.name for e in evs if isinstance(e, TableDef)] == ["empty_log", "mybb_posts", "mybb_settings",
                                                                  "mybb_users"]
    rows = [e for e in evs if isinstance(e, RawRow)]
    users = [r for r in rows if r.table == "mybb_users"]
    assert [r.values for r in users] == [
        (1, b"UserAlpha", b"alpha@example.org", 1262304000, packed("192.0.2.10"), "0.0"),
        (2, "Łukasz 测试".encode(), None, 0, None, "-2.25"),
        (3, "Zoë Placeholder".encode(), b"zoe@example.org", 1262304000, packed("2001:db8::25"), "1.5"),
    ]
    assert [(r.offset, r.line) for r in users] == [(1, 0), (2, 0), (3, 0)]
    assert users[0].columns == ("uid", "username", "email", "regdate", "regip", "reputation")
    posts = [r.values for r in rows if r.table == "mybb_posts"]
    assert posts[0][3] == b"Line1\nLine2\twith tab, 'quote' and back\\slash"
    assert posts[1][3:] == ("café 😀".encode(), packed("2001:db8::1"))
    settings = [r.values for r in rows if r.table == "mybb_settings"]
    assert settings == [(b"bbname", b"Placeholder"), (b"version", b"1.8.37")]  # primary-key order


def test_evidence_file_is_never_modified(forum_db: Path) -> None:
    forum_db.chmod(0o444)
    before = (hashlib.sha256(forum_db.read_bytes()).hexdigest(), forum_db.stat().st_mtime_ns,
              sorted(p.name for p in forum_db.parent.iterdir()))
    reader = SqliteReader(forum_db)
    reader.structure()
    assert len(list(reader.events())) > 0
    with closing(reader.connect()) as con, pytest.raises(sqlite3.OperationalError, match="readonly"):
        con.execute("INSERT INTO empty_log VALUES (1, 'x')")
    after = (hashlib.sha256(forum_db.read_bytes()).hexdigest(), forum_db.stat().st_mtime_ns,
             sorted(p.name for p in forum_db.parent.iterdir()))
    assert after == before  # same bytes, same mtime, no journal/-wal/-shm left beside it


def test_progress_counts_rows(forum_db: Path) -> None:
    seen: list[int] = []
    list(SqliteReader(forum_db).events(seen.append))
    assert seen and seen[-1] == 7


def test_not_sqlite(tmp_path: Path) -> None:
    other = tmp_path / "x.db"
    other.write_bytes(b"-- MySQL dump\n")
    assert not looks_like_sqlite(other.read_bytes())
    assert looks_like_sqlite(b"SQLite format 3\x00rest")
    with pytest.raises(SourceError, match="not a SQLite"):
        SqliteReader(other)


def test_corrupt_sqlite_is_a_source_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    with pytest.raises(SourceError, match="SQLite"):
        SqliteReader(bad).structure()


def test_rows_committed_only_in_the_wal_are_read_and_the_evidence_is_untouched(tmp_path: Path) -> None:
    """A database seized while its application had it open: recent commits sit in ``-wal`` only."""
    from rescue import operation
    from rescue.ingest.pipeline import ingest

    live = tmp_path / "server" / "forum.db"
    live.parent.mkdir()
    con = sqlite3.connect(live)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA wal_autocheckpoint=0")  # nothing reaches the main file until a checkpoint
    con.execute("CREATE TABLE mybb_users (uid INTEGER PRIMARY KEY, username TEXT, email TEXT, regdate INT, "
                "usergroup INT, regip BLOB)")
    con.executemany("INSERT INTO mybb_users VALUES (?,?,?,?,?,?)",
                    [(i, f"User{i}", f"user{i}@example.org", 1262304000 + i, 2, packed("192.0.2.10"))
                     for i in range(1, 6)])
    con.commit()
    con.execute("INSERT INTO mybb_users VALUES (6, 'Latecomer', 'late@example.org', 1262400000, 2, NULL)")
    con.commit()
    seized = tmp_path / "evidence"
    seized.mkdir()
    for name in ("forum.db", "forum.db-wal"):  # copied while the application still has the database open
        (seized / name).write_bytes((live.parent / name).read_bytes())
    con.close()
    db, wal = seized / "forum.db", seized / "forum.db-wal"
    assert wal.stat().st_size > 0
    with (closing(sqlite3.connect(db.as_uri() + "?mode=ro&immutable=1", uri=True)) as plain,
          pytest.raises(sqlite3.OperationalError, match="no such table")):
        plain.execute("SELECT count(*) FROM mybb_users")  # without the WAL every row would be lost
    for f in (db, wal):
        f.chmod(0o444)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in seized.iterdir()}

    reader = SqliteReader(db)
    assert reader.structure().defs["mybb_users"].column_names[:2] == ("uid", "username")
    names = [r.values[1] for r in reader.events() if isinstance(r, RawRow)]
    assert names == [b"User1", b"User2", b"User3", b"User4", b"User5", b"Latecomer"]
    assert reader.sha256 == hashlib.sha256(db.read_bytes() + wal.read_bytes()).hexdigest()
    files = reader.provenance["sqlite_files"]
    assert files["wal"]["sha256"] == hashlib.sha256(wal.read_bytes()).hexdigest()
    assert files["database"]["bytes"] == db.stat().st_size and reader.provenance["sqlite_wal_applied"]

    op = operation.init(tmp_path / "op")
    res = ingest(op, db, software="mybb")
    assert res.sha256 == reader.sha256 and res.counts.of("mybb_users").read == 6
    entry = operation.read_register(op)[0]
    assert entry["sha256"] == reader.sha256 and entry["sqlite_wal_applied"] is True
    assert entry["sqlite_files"]["wal"]["bytes"] == wal.stat().st_size
    del reader
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in seized.iterdir()}
    assert after == before  # same bytes, same times, no -shm or journal beside the evidence
