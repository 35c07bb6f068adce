"""The pg_dump reader on the real Discourse dumps (plain COPY and --inserts) and on edge cases."""

from __future__ import annotations

import gzip
import io
import os
import random
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from rescue.errors import SourceError
from rescue.readers.base import BadRow, ConnectionCharset, Event, RawRow, TableDef
from rescue.readers.pgdump import PgDumpReader, iter_pgdump, looks_like_pgdump
from rescue.readers.pgparse import PgDumpParser
from rescue.readers.pgtext import parse_copy_line

DUMPS = Path(__file__).parent / "fixtures" / "forum-dumps"
PLAIN = DUMPS / "discourse_mini_pg_dump_plain.sql"
INSERTS = DUMPS / "discourse_mini_pg_dump_inserts.sql"
COUNTS = {"posts": 2, "topic_allowed_users": 2, "topics": 2, "user_auth_token_logs": 1, "user_emails": 2,
          "user_profiles": 1, "users": 2}


def events(path: Path) -> list[Event]:
    return list(PgDumpReader(path).events())


def rows(evs: list[Event]) -> list[RawRow]:
    return [e for e in evs if isinstance(e, RawRow)]


def by_table(evs: list[Event]) -> dict[str, list[tuple[object, ...]]]:
    out: dict[str, list[tuple[object, ...]]] = {}
    for r in rows(evs):
        out.setdefault(r.table, []).append(r.values)
    return out


def parse(text: bytes, cap: int = 256 << 20) -> list[Event]:
    return list(iter_pgdump(io.BytesIO(text), "<test>", cap=cap))


@pytest.mark.parametrize("path", [PLAIN, INSERTS], ids=["plain", "inserts"])
def test_discourse_row_counts_and_definitions(path: Path) -> None:
    evs = events(path)
    assert not [e for e in evs if isinstance(e, BadRow)]
    assert {t: len(v) for t, v in by_table(evs).items()} == COUNTS
    assert [e for e in evs if isinstance(e, ConnectionCharset)] == [ConnectionCharset("utf8mb4")]
    defs = {e.name: e for e in evs if isinstance(e, TableDef)}
    assert sorted(defs) == sorted(COUNTS)  # schema "public." stripped
    users = dict((c.name, c.sql_type) for c in defs["users"].columns)
    assert users["ip_address"] == "inet"
    assert users["username"] == "character varying(60)"
    assert users["created_at"] == "timestamp without time zone"
    assert defs["user_emails"].column_names[3] == "primary"  # quoted identifier
    assert len(defs["users"].columns) == 14


def test_values_nulls_escapes_inet() -> None:
    t = by_table(events(PLAIN))
    assert by_table(events(INSERTS)) == t  # --inserts holds the very same values
    u1, u2 = t["users"]
    assert u1[:4] == (1, b"UserAlpha", b"useralpha", b"Alpha Placeholder")
    assert (u1[7], u1[8]) == (b"192.0.2.10", b"2001:db8::25")  # inet as its text
    assert u1[10] == b"1980-01-01" and u1[11] == 1 and u1[12] == 0  # date, integer, boolean f → 0
    assert u2[3] is None and u2[6] is None and u2[9] is None and u2[10] is None  # \N
    assert u2[13] == b"2030-01-01 00:00:00"
    raw = t["posts"][0][4]
    assert raw == "Line1 **bold** café 😀\nLine2\twith tab and back\\slash".encode()
    assert t["topics"][1] == (2, b"Placeholder PM", 1, None, b"private_message", b"2010-01-06 01:00:00",
                              b"2010-01-06 01:00:00", None)
    assert t["user_emails"][0][3] == 1  # boolean t → 1
    assert t["user_profiles"][0][3] == b"bio line1\nline2"
    assert t["user_auth_token_logs"][0][4] == b"192.0.2.10"


def test_offsets_and_lines_plain() -> None:
    data = PLAIN.read_bytes()
    rs = rows(events(PLAIN))
    for r in rs:
        assert r.offset == 0 or data[r.offset - 1:r.offset] == b"\n"
        assert data.count(b"\n", 0, r.offset) + 1 == r.line
        assert r.columns is not None and len(r.columns) == len(r.values)
    first = {r.table: r for r in reversed(rs)}
    assert (first["posts"].line, first["users"].line) == (331, 389)
    assert data[first["users"].offset:].startswith(b"1\tUserAlpha\t")


def test_offsets_and_lines_inserts() -> None:
    data = INSERTS.read_bytes()
    rs = rows(events(INSERTS))
    for r in rs:
        assert data[r.offset:r.offset + 1] == b"("
        assert data.count(b"\n", 0, r.offset) + 1 == r.line
        assert r.columns is None
    assert [(r.table, r.line) for r in rs[:2]] == [("posts", 330), ("posts", 333)]  # row 1 spans 3 lines
    assert [r.line for r in rs if r.table == "users"] == [380, 381]


def test_structure_and_total() -> None:
    reader = PgDumpReader(PLAIN)
    assert reader.format == "pgdump" and reader.total == PLAIN.stat().st_size
    s = reader.structure()
    assert sorted(s.defs) == sorted(COUNTS) and s.insert_tables == set(COUNTS)
    assert s.charset == "utf8mb4" and s.bytes_scanned == PLAIN.stat().st_size


def test_gzip_wrapped_dump(tmp_path: Path) -> None:
    gz = tmp_path / "dump.bin"
    gz.write_bytes(gzip.compress(PLAIN.read_bytes()))
    reader = PgDumpReader(gz)
    assert reader.total is None
    assert reader.structure().insert_tables == set(COUNTS)
    assert reader.total == PLAIN.stat().st_size
    assert [(r.offset, r.line, r.values) for r in rows(events(gz))] == \
        [(r.offset, r.line, r.values) for r in rows(events(PLAIN))]


def test_looks_like_pgdump() -> None:
    assert looks_like_pgdump(PLAIN.read_bytes()[:4096]) and looks_like_pgdump(INSERTS.read_bytes()[:4096])
    assert looks_like_pgdump(b"PGDMP\x01\x0f\x00")
    assert not looks_like_pgdump((DUMPS / "phpbb30_default.sql").read_bytes()[:65536])
    assert not looks_like_pgdump(b"hello world\n")


HEAD = b"SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n"
DDL = b"CREATE TABLE public.t (\n    id integer NOT NULL,\n    body text,\n    raw bytea,\n    n numeric(6,2)\n);\n"


def test_copy_escapes_bytea_numeric_and_literal_backslash_n() -> None:
    data = HEAD + DDL + (b"COPY public.t (id, body, raw, n) FROM stdin;\n"
                         b"1\ta\\\\Nb\\101\\x42\\b\\f\\v\\r\t\\\\x00ff10\t-1.50\n"
                         b"2\t\\\\N\t\\N\t\\N\n\\.\n")
    r1, r2 = rows(parse(data))
    assert r1.values == (1, b"a\\NbAB\b\f\v\r", b"\x00\xff\x10", "-1.50")
    assert r2.values == (2, b"\\N", None, None)  # an escaped \N is text, not NULL


def test_insert_forms() -> None:
    data = HEAD + DDL + (
        b"INSERT INTO public.t VALUES (1, E'it''s\\na \\\\ \\x41', '\\x0001', 2.50);\n"
        b"INSERT INTO public.t (id, body) VALUES\n\t(2, 'two; ''quoted''\n-- not a comment'),\n\t(3, NULL)"
        b" ON CONFLICT DO NOTHING;\n"
        b"SET standard_conforming_strings = off;\n"
        b"INSERT INTO public.t VALUES (4, 'back\\\\slash\\'s', NULL, NULL);\n")
    rs = rows(parse(data))
    assert [r.values for r in rs] == [
        (1, b"it's\na \\ A", b"\x00\x01", "2.50"), (2, b"two; 'quoted'\n-- not a comment"), (3, None),
        (4, b"back\\slash's", None, None)]
    assert rs[1].columns == ("id", "body") and rs[1].line == rs[0].line + 2 and rs[2].line == rs[1].line + 2
    assert data[rs[2].offset:rs[2].offset + 3] == b"(3,"


def test_dollar_quoted_function_and_meta_commands_are_skipped() -> None:
    data = (b"\\restrict abc\n" + HEAD + b"CREATE FUNCTION public.f() RETURNS trigger\n    AS $_$\nBEGIN\n"
            b"  INSERT INTO t VALUES (9);\n  RETURN NEW;\nEND;\n$_$;\n" + DDL +
            b"COPY public.t (id, body, raw, n) FROM stdin;\n5\tfive\t\\N\t\\N\n\\.\n\\unrestrict abc\n")
    evs = parse(data)
    assert [r.values for r in rows(evs)] == [(5, b"five", None, None)]
    assert not [e for e in evs if isinstance(e, BadRow)]


def test_data_only_dump_infers_columns() -> None:
    evs = parse(b"COPY public.users (id, name) FROM stdin;\n1\tx\n\\.\n")
    assert [(e.name, e.column_names) for e in evs if isinstance(e, TableDef)] == [("users", ("id", "name"))]
    assert rows(evs)[0].values == (b"1", b"x")  # no declared type: the text as written
    crlf = parse(b"COPY public.t (a, b) FROM stdin;\r\n1\tx\r\n\\.\r\n")
    assert [r.values for r in rows(crlf)] == [(b"1", b"x")]


BAD_DUMP = HEAD + DDL + (b"COPY public.t (id, body, raw, n) FROM stdin;\n1\tonly two\n"
                        b"2\t" + b"x" * 5000 + b"\t\\N\t\\N\n" b"x\tnot int\t\\N\t\\N\n3\tok\t\\N\t\\N\n\\.\n"
                        b"INSERT INTO public.t VALUES (4, '" + b"x" * 5000 + b"', NULL, NULL);\n"
                        b"INSERT INTO public.t VALUES (5, 'fine', NULL, NULL);\nINSERT INTO public.t VALUES (6, 'cut")


def test_bad_rows_and_caps() -> None:
    data = BAD_DUMP
    evs = parse(data, cap=1000)
    bad = [e for e in evs if isinstance(e, BadRow)]
    assert [b.reason.split(",")[0].split(" ")[0:3] for b in bad] == [
        ["row", "has", "2"], ["row", "longer", "than"], ["column", "id:", "invalid"], ["statement", "longer", "than"],
        ["truncated", "statement"]]
    assert all(b.table == "t" and data.count(b"\n", 0, b.offset) + 1 == b.line for b in bad)
    assert len(bad[1].raw) <= 64 << 10
    assert [r.values[0] for r in rows(evs)] == [3, 5]


# -- the COPY line parser against pg_dump's own escaping --------------------------------------
def pg_escape(value: bytes) -> bytes:
    """COPY TO's text format, as pg_dump writes it (CopyAttributeOutText)."""
    table = {0x08: b"\\b", 0x0C: b"\\f", 0x0A: b"\\n", 0x0D: b"\\r", 0x09: b"\\t", 0x0B: b"\\v", 0x5C: b"\\\\"}
    return b"".join(table.get(c, bytes([c])) for c in value)


def copy_line(row: list[str | None]) -> bytes:
    return b"\t".join(b"\\N" if v is None else pg_escape(v.encode()) for v in row)


# any text PostgreSQL can store: no NUL, no lone surrogates
pg_text = st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=30)
text_rows = st.lists(st.one_of(st.none(), pg_text), min_size=1, max_size=8)


@given(text_rows)
@settings(max_examples=300, deadline=None)
def test_copy_line_roundtrip(row: list[str | None]) -> None:
    assert parse_copy_line(copy_line(row)) == [None if v is None else v.encode() for v in row]


@given(st.lists(text_rows, min_size=1, max_size=5))
@settings(max_examples=100, deadline=None)
def test_copy_block_roundtrip_with_offsets(table: list[list[str | None]]) -> None:
    width = max(len(r) for r in table)
    padded = [r + [None] * (width - len(r)) for r in table]
    cols = ", ".join(f"c{i}" for i in range(width)).encode()
    data = b"COPY public.x (" + cols + b") FROM stdin;\n" + b"".join(copy_line(r) + b"\n" for r in padded) + b"\\.\n"
    got = rows(parse(data))
    assert [r.values for r in got] == [tuple(None if v is None else v.encode() for v in r) for r in padded]
    assert [r.line for r in got] == list(range(2, 2 + len(padded)))
    assert all(data[r.offset - 1:r.offset] == b"\n" for r in got)


@given(st.binary(max_size=40), st.randoms())
def test_octal_and_hex_escapes(value: bytes, rnd: random.Random) -> None:
    parts = []
    for c in value:
        style = rnd.randrange(3)
        parts.append(b"\\%03o" % c if style == 0 else b"\\x%02x" % c if style == 1 else pg_escape(bytes([c])))
    assert parse_copy_line(b"".join(parts)) == [value]


# -- custom format, made by the real pg_dump -----------------------------------------------------
@pytest.fixture()
def pg_database() -> Iterator[dict[str, str]]:
    url_text = os.environ.get("RESCUE_TEST_PG_URL")
    if not url_text:
        pytest.skip("RESCUE_TEST_PG_URL is not set: no PostgreSQL server to make a custom-format dump "
                    "(run .ci/install-servers.sh)")
    if not (shutil.which("psql") and shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("PostgreSQL client tools (psql, pg_dump, pg_restore) are not installed")
    url = sa.make_url(url_text)
    env = {**os.environ, "PGHOST": url.host or "127.0.0.1", "PGPORT": str(url.port or 5432),
           "PGUSER": url.username or "", "PGPASSWORD": str(url.password or ""), "PGDATABASE": url.database or ""}
    if subprocess.run(["psql", "-qtAc", "SELECT 1"], env=env, capture_output=True).returncode != 0:
        pytest.skip(f"no PostgreSQL server answers at {url.render_as_string(hide_password=True)}")
    name = "rescue_fc_" + uuid.uuid4().hex[:8]
    subprocess.run(["psql", "-qc", f"CREATE DATABASE {name}"], env=env, check=True, capture_output=True)
    try:
        yield {**env, "PGDATABASE": name}
    finally:
        subprocess.run(["psql", "-qc", f"DROP DATABASE IF EXISTS {name}"], env=env, capture_output=True)


def test_custom_format_equals_plain(pg_database: dict[str, str], tmp_path: Path) -> None:
    script = b"\n".join(ln for ln in PLAIN.read_bytes().split(b"\n") if b" OWNER TO " not in ln)
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1"], input=script, env=pg_database, check=True,
                   capture_output=True)
    archive = tmp_path / "discourse.dump"
    subprocess.run(["pg_dump", "-Fc", "-f", str(archive)], env=pg_database, check=True, capture_output=True)
    assert archive.read_bytes().startswith(b"PGDMP")
    reader = PgDumpReader(archive)
    s = reader.structure()
    assert sorted(s.defs) == sorted(COUNTS) and s.insert_tables == set(COUNTS)
    evs = list(reader.events())
    assert not [e for e in evs if isinstance(e, BadRow)]
    assert by_table(evs) == by_table(events(PLAIN))


def test_custom_archive_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "x.dump"
    archive.write_bytes(b"PGDMP\x01\x0f\x00" + b"\x07" * 64)
    if shutil.which("pg_restore") is not None:
        with pytest.raises(SourceError, match="pg_restore could not convert"):
            list(PgDumpReader(archive).events())
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(SourceError, match="needs pg_restore"):
        list(PgDumpReader(archive).events())


def test_long_comment_line_does_not_swallow_the_next_statement() -> None:
    data = b"-- " + b"c" * 5000 + b"\nCOPY public.t (a) FROM stdin;\n1\n\\.\n"
    assert [r.values for r in rows(parse(data, cap=100))] == [(b"1",)]


@pytest.mark.parametrize("path", [PLAIN, INSERTS], ids=["plain", "inserts"])
def test_tiny_chunks_and_split_lines_change_nothing(path: Path) -> None:
    """Lines cut into pieces (and reads of 7 bytes) give the very same events, offsets and all."""
    for data in (path.read_bytes(), BAD_DUMP):
        want = PgDumpParser(cap=1000).events(io.BytesIO(data))
        assert list(PgDumpParser(cap=1000, chunk=7, window=16).events(io.BytesIO(data))) == list(want)
