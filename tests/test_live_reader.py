"""The live reader on real MariaDB/PostgreSQL servers (``RESCUE_TEST_MYSQL_URL``, ``RESCUE_TEST_PG_URL``
from ``.ci/install-servers.sh``): each test fills its own database with forum tables (MyBB, Discourse);
rows read live must equal what the dump readers read from real ``mariadb-dump`` / ``pg_dump`` output."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from rescue.errors import SourceError
from rescue.readers.base import BadRow, Event, RawRow
from rescue.readers.live import LiveReader
from rescue.readers.pgdump import PgDumpReader

Rows = dict[str, list[tuple[Any, ...]]]


def packed(ip: str) -> bytes:
    return socket.inet_pton(socket.AF_INET6 if ":" in ip else socket.AF_INET, ip)


def by_table(events: Iterable[Event]) -> Rows:
    out: Rows = {}
    for e in events:
        assert not isinstance(e, BadRow), e
        if isinstance(e, RawRow):
            out.setdefault(e.table, []).append(e.values)
    return out


def server_url(var: str) -> sa.URL:
    text = os.environ.get(var)
    if not text:
        pytest.skip(f"{var} is not set: no live server (run .ci/install-servers.sh, export what it prints)")
    return sa.make_url(text)


def sorted_rows(rows: Rows, *unordered: str) -> Rows:
    """Tables without a primary key have no defined row order: compare them as multisets."""
    return {t: sorted(v, key=repr) if t in unordered else v for t, v in rows.items()}


def url_text(url: sa.URL) -> str:
    return url.render_as_string(hide_password=False)


def fill(url: sa.URL, ddl: Iterable[str], data: Rows) -> None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.begin() as con:
        for stmt in ddl:
            con.exec_driver_sql(stmt)
        for table, rows in data.items():
            con.exec_driver_sql(f"INSERT INTO {table} VALUES ({', '.join(['%s'] * len(rows[0]))})", rows)
    engine.dispose()


# -- MariaDB: MyBB 1.8 tables -------------------------------------------------------------------
MYBB_DDL = (
    """CREATE TABLE mybb_users (
  uid int unsigned NOT NULL auto_increment, username varchar(120) NOT NULL default '',
  password varchar(500) NOT NULL default '', email varchar(220) NOT NULL default '',
  postnum int(10) unsigned NOT NULL default '0', regdate int unsigned NOT NULL default '0',
  birthday varchar(15) NOT NULL default '', signature text NOT NULL, timezone varchar(5) NOT NULL default '',
  dst tinyint(1) NOT NULL default '0', regip varbinary(16) NOT NULL default '',
  lastip varbinary(16) NOT NULL default '', PRIMARY KEY (uid), UNIQUE KEY username (username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""",
    """CREATE TABLE mybb_posts (
  pid int unsigned NOT NULL auto_increment, tid int unsigned NOT NULL default '0',
  uid int unsigned NOT NULL default '0', username varchar(80) NOT NULL default '',
  dateline int unsigned NOT NULL default '0', message text NOT NULL,
  ipaddress varbinary(16) NOT NULL default '', visible tinyint(1) NOT NULL default '0', PRIMARY KEY (pid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""",
    """CREATE TABLE mybb_adminlog (
  uid int unsigned NOT NULL default '0', ipaddress varbinary(16) NOT NULL default '',
  dateline int unsigned NOT NULL default '0', module varchar(50) NOT NULL default '',
  action varchar(50) NOT NULL default '', data text NOT NULL, KEY module (module, action)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""",
    """CREATE TABLE rescue_types (
  id int NOT NULL, amount decimal(10,2), ratio double, seen datetime, seen_ts timestamp NULL DEFAULT NULL,
  flags bit(8), kind enum('a','b'), latin varchar(20) CHARACTER SET latin1, raw blob, born date, PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""",
)
SIGNATURE = "Line1\nLine2\twith tab, 'quote', \"double\" and back\\slash"
MYBB_ROWS: dict[str, list[tuple[Any, ...]]] = {
    "mybb_users": [
        (1, "UserAlpha", "", "alpha@example.org", 2, 1262304000, "1-1-1980", SIGNATURE, "0", 0,
         packed("192.0.2.10"), packed("2001:db8::25")),
        (2, "Zoë Łukasz 测试", "", "beta@example.org", 0, 1262390400, "", "café 😀", "+1", 1,
         packed("192.0.2.39"), packed("192.0.2.92")),  # bytes 0x27 (') and 0x5c (\) inside the IPs
        (3, "Gast", "", "", 0, 0, "", "", "", 0, b"", b""),
    ],
    "mybb_posts": [
        (1, 1, 1, "UserAlpha", 1262304001, "Placeholder text\r\nwith CRLF and a NUL \x00 byte", packed("192.0.2.10"),
         1),
        (2, 1, 2, "Zoë Łukasz 测试", 1262304002, "Ünïcödé placeholder", packed("2001:db8::1"), 1),
        (3, 1, 0, "Gast", 1262304003, "", b"", 0),
    ],
    "mybb_adminlog": [(1, packed("192.0.2.10"), 1262304100, "user-users", "edit", "a:0:{}"),
                      (1, packed("192.0.2.10"), 1262304050, "config-settings", "change", "")],
    "rescue_types": [
        (1, "12.50", 0.1, "2010-01-05 10:00:00", "2010-01-05 10:00:00", b"\x05", "a", "café", b"\x00'\\\xff",
         "1980-01-01"),
        (2, None, None, None, None, None, None, None, None, None),
    ],
}


@pytest.fixture()
def mysql_db() -> Iterator[sa.URL]:
    base = server_url("RESCUE_TEST_MYSQL_URL")
    name = "rescue_live_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool)
    with admin.begin() as con:
        con.exec_driver_sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
    url = base.set(database=name)
    try:
        fill(url.update_query_dict({"charset": "utf8mb4"}), MYBB_DDL, MYBB_ROWS)
        yield url
    finally:
        with admin.begin() as con:
            con.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        admin.dispose()


def mariadb_dump(url: sa.URL, out: Path, *options: str) -> Rows:
    exe = shutil.which("mariadb-dump") or shutil.which("mysqldump")
    if exe is None:
        pytest.skip("mariadb-dump / mysqldump is not installed")
    from rescue.readers.mysqldump import iter_mysqldump
    env = {**os.environ, "MYSQL_PWD": str(url.password or "")}
    with out.open("wb") as f:
        subprocess.run([exe, "-h", url.host or "127.0.0.1", "-P", str(url.port or 3306), "-u", url.username or "",
                        *options, url.database or ""], stdout=f, stderr=subprocess.PIPE, env=env, check=True)
    with out.open("rb") as f:
        return by_table(iter_mysqldump(f, str(out)))


def test_mysql_live_equals_mariadb_dumps(mysql_db: sa.URL, tmp_path: Path) -> None:
    reader = LiveReader(url_text(mysql_db))
    assert reader.format == "mysql-live" and "***" in reader.display_name
    s = reader.structure()
    assert sorted(s.defs) == sorted(MYBB_ROWS) and s.insert_tables == set(MYBB_ROWS)
    users = {c.name: c.sql_type for c in s.defs["mybb_users"].columns}
    assert (users["uid"], users["regip"], users["dst"]) == ("int(10) unsigned", "varbinary(16)", "tinyint(1)")
    assert s.defs["mybb_users"].charset == "utf8mb4" and s.defs["rescue_types"].columns[7].sql_type == "varchar(20)"
    events = list(reader.events())
    live = by_table(events)
    assert {t: len(v) for t, v in live.items()} == {t: len(v) for t, v in MYBB_ROWS.items()}
    u1, u2, _ = live["mybb_users"]
    assert u1[0] == 1 and u1[7] == SIGNATURE.encode() and u1[10] == packed("192.0.2.10")
    assert u2[1] == "Zoë Łukasz 测试".encode() and u2[9] == 1 and u2[11] == packed("192.0.2.92")
    assert live["rescue_types"][0] == (1, "12.50", "0.1", b"2010-01-05 10:00:00", b"2010-01-05 10:00:00", b"\x05",
                                       b"a", "café".encode(), b"\x00'\\\xff", b"1980-01-01")
    ordinals = [e.offset for e in events if isinstance(e, RawRow) and e.table == "mybb_posts"]
    assert ordinals == [1, 2, 3]
    live = sorted_rows(live, "mybb_adminlog")
    assert sorted_rows(mariadb_dump(mysql_db, tmp_path / "default.sql"), "mybb_adminlog") == live
    hexed = mariadb_dump(mysql_db, tmp_path / "hex.sql", "--hex-blob", "--complete-insert")
    assert sorted_rows(hexed, "mybb_adminlog") == live


def test_mysql_live_reader_cannot_write(mysql_db: sa.URL) -> None:
    reader = LiveReader(url_text(mysql_db))
    before = by_table(reader.events())
    with pytest.raises(SourceError, match="not read-only"), reader.connection() as con:
        con.exec_driver_sql("INSERT INTO mybb_users (uid, username, signature) VALUES (99, 'x', '')")
    for sql in ("UPDATE mybb_users SET username = 'x'", "CREATE TABLE mybb_extra (a int)", "DROP TABLE mybb_posts"):
        with pytest.raises(Exception, match="READ ONLY"), reader.connection() as con:
            cur = con.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            cur.execute(sql)  # past the statement guard: the server itself refuses
    assert by_table(reader.events()) == before


def test_mysql_password_never_shown(mysql_db: sa.URL) -> None:
    secret = "wrong-" + uuid.uuid4().hex
    reader = LiveReader(url_text(mysql_db.set(password=secret)))
    assert secret not in reader.display_name and "***" in reader.display_name
    with pytest.raises(SourceError) as err:
        reader.structure()
    assert secret not in str(err.value) and "Access denied" in str(err.value)


# -- PostgreSQL: Discourse tables ------------------------------------------------------------------
DISCOURSE_DDL = (
    """CREATE TABLE users (id integer NOT NULL PRIMARY KEY, username character varying(60) NOT NULL,
  username_lower character varying(60) NOT NULL, name character varying,
  created_at timestamp without time zone NOT NULL, ip_address inet, registration_ip_address inet,
  date_of_birth date, trust_level integer NOT NULL, admin boolean DEFAULT false NOT NULL)""",
    """CREATE TABLE posts (id integer NOT NULL PRIMARY KEY, user_id integer, topic_id integer NOT NULL,
  post_number integer NOT NULL, raw text NOT NULL, cooked text NOT NULL,
  created_at timestamp without time zone NOT NULL, deleted_at timestamp without time zone)""",
    """CREATE TABLE user_auth_token_logs (id serial PRIMARY KEY, action character varying NOT NULL,
  user_id integer, client_ip inet, user_agent character varying, created_at timestamp without time zone)""",
    """CREATE TABLE screened_ip_addresses_nokey (ip_address inet NOT NULL, action_type integer NOT NULL)""",
    """CREATE TABLE rescue_types (id integer PRIMARY KEY, amount numeric(10,2), ratio double precision,
  seen timestamp with time zone, raw bytea, tags integer[], net cidr, masked inet, code character(6),
  doc jsonb, ok boolean, big bigint)""",
)
RAW = "Line1 **bold** café 😀\nLine2\twith tab, 'quote' and back\\slash"
DISCOURSE_ROWS: dict[str, list[tuple[Any, ...]]] = {
    "users": [
        (1, "UserAlpha", "useralpha", "Alpha Placeholder", "2010-01-01 00:00:00", "192.0.2.10", "2001:db8::25",
         "1980-01-01", 1, False),
        (2, "Zoë_Łukasz", "zoë_łukasz", "测试 Placeholder", "2010-01-03 00:00:00", "::ffff:192.0.2.7", None, None, 0,
         True),
    ],
    "posts": [
        (1, 1, 1, 1, RAW, "<p>" + RAW + "</p>", "2010-01-05 00:00:00", None),
        (2, 2, 1, 2, "E'' is not special: it''s fine", "<p>x</p>", "2010-01-06 01:00:00", "2010-01-07 00:00:00"),
    ],
    "user_auth_token_logs": [(1, "generate", 1, "192.0.2.10", "PlaceholderAgent/1.0", "2010-01-07 00:00:00"),
                             (2, "suspicious", 2, "2001:db8::1", None, None)],
    "screened_ip_addresses_nokey": [("192.0.2.200", 2), ("192.0.2.0/24", 1)],
    "rescue_types": [
        (1, "12.50", 0.1, "2010-01-05 10:00:00+02", b"\x00'\\\xff", [1, 2], "192.0.2.0/24", "192.0.2.5/24", "ab",
         '{"k": "v", "n": 1}', True, 2**40),
        (2, None, None, None, None, None, None, None, None, None, None, None),
    ],
}


@pytest.fixture()
def pg_db() -> Iterator[sa.URL]:
    base = server_url("RESCUE_TEST_PG_URL")
    name = "rescue_live_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.exec_driver_sql(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
        con.exec_driver_sql(f"ALTER DATABASE {name} SET timezone TO 'UTC'")
    url = base.set(database=name)
    try:
        fill(url, DISCOURSE_DDL, DISCOURSE_ROWS)
        yield url
    finally:
        with admin.connect() as con:
            con.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def pg_dump(url: sa.URL, out: Path, *options: str) -> Rows:
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    env = {**os.environ, "PGHOST": url.host or "127.0.0.1", "PGPORT": str(url.port or 5432),
           "PGUSER": url.username or "", "PGPASSWORD": str(url.password or ""), "PGDATABASE": url.database or ""}
    subprocess.run(["pg_dump", *options, "-f", str(out)], env=env, check=True, capture_output=True)
    return by_table(PgDumpReader(out).events())


def test_postgresql_live_equals_pg_dumps(pg_db: sa.URL, tmp_path: Path) -> None:
    reader = LiveReader(url_text(pg_db))
    assert reader.format == "postgresql-live" and "***" in reader.display_name
    s = reader.structure()
    assert sorted(s.defs) == sorted(DISCOURSE_ROWS) and s.insert_tables == set(DISCOURSE_ROWS)
    users = {c.name: c.sql_type for c in s.defs["users"].columns}
    assert (users["ip_address"], users["username"], users["created_at"]) == (
        "inet", "character varying(60)", "timestamp without time zone")
    live = by_table(reader.events())
    u1, u2 = live["users"]
    assert u1 == (1, b"UserAlpha", b"useralpha", b"Alpha Placeholder", b"2010-01-01 00:00:00", b"192.0.2.10",
                  b"2001:db8::25", b"1980-01-01", 1, 0)
    assert u2[1] == "Zoë_Łukasz".encode() and u2[5] == b"::ffff:192.0.2.7" and u2[9] == 1
    assert live["posts"][0][4] == RAW.encode()
    assert live["rescue_types"][0] == (1, "12.50", "0.1", b"2010-01-05 08:00:00+00", b"\x00'\\\xff", b"{1,2}",
                                       b"192.0.2.0/24", b"192.0.2.5/24", b"ab    ", b'{"k": "v", "n": 1}', 1, 2**40)
    live = sorted_rows(live, "screened_ip_addresses_nokey")
    for label, options in (("plain", ()), ("inserts", ("--inserts",)), ("column-inserts", ("--column-inserts",)),
                           ("custom", ("-Fc",))):
        dumped = pg_dump(pg_db, tmp_path / f"{label}.dump", *options)
        assert sorted_rows(dumped, "screened_ip_addresses_nokey") == live, label


def test_postgresql_live_reader_cannot_write(pg_db: sa.URL) -> None:
    reader = LiveReader(url_text(pg_db))
    before = by_table(reader.events())
    with pytest.raises(SourceError, match="not read-only"), reader.connection() as con:
        con.exec_driver_sql("DELETE FROM users")
    for sql in ("UPDATE users SET name = 'x'", "CREATE TABLE extra (a int)", "SET TRANSACTION READ WRITE"):
        with pytest.raises(Exception, match=r"read-only transaction|before any query"), reader.connection() as con:
            cur = con.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            cur.execute(sql)  # past the statement guard: the server itself refuses
    assert by_table(reader.events()) == before


def test_live_reader_rejects_other_urls() -> None:
    for url in ("sqlite:///x.db", "not a url"):
        with pytest.raises(SourceError):
            LiveReader(url)
