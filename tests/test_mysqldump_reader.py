"""The streaming mysqldump / mariadb-dump reader and the container opener, on real dumps."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import importlib
import io
import lzma
import random
import resource
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from rescue.errors import DumpSyntaxError, SourceError
from rescue.readers import containers
from rescue.readers.base import BadRow, ConnectionCharset, Event, RawRow, TableDef
from rescue.readers.containers import open_source, sniff
from rescue.readers.mysqldump import MysqldumpStats, iter_mysqldump, looks_like_mysqldump

DUMPS = Path(__file__).parent / "fixtures" / "forum-dumps"
PHPBB_ROWS = {"phpbb_attachments": 1, "phpbb_banlist": 1, "phpbb_forums": 2, "phpbb_log": 1, "phpbb_posts": 2,
              "phpbb_privmsgs": 1, "phpbb_privmsgs_to": 2, "phpbb_sessions": 1, "phpbb_topics": 1, "phpbb_users": 2}
MYBB_ROWS = {"mybb_attachments": 1, "mybb_banned": 1, "mybb_forums": 2, "mybb_moderatorlog": 1, "mybb_posts": 1,
             "mybb_privatemessages": 2, "mybb_sessions": 1, "mybb_threads": 1, "mybb_userfields": 2, "mybb_users": 2}
SMF_ROWS = {"smf_attachments": 1, "smf_ban_groups": 1, "smf_ban_items": 1, "smf_boards": 1, "smf_categories": 1,
            "smf_log_actions": 1, "smf_member_logins": 1, "smf_members": 2, "smf_messages": 1,
            "smf_personal_messages": 1, "smf_pm_recipients": 1, "smf_themes": 3, "smf_topics": 1}
# file: (CREATE TABLE count, SET NAMES charset, rows per table) — counted by hand in the files
EXPECTED: dict[str, tuple[int, str | None, dict[str, int]]] = {
    "phpbb30_default.sql": (63, "utf8mb4", PHPBB_ROWS),
    "mybb18_default_utf8mb4.sql": (75, "utf8mb4", MYBB_ROWS),
    "mybb18_latin1.sql": (75, "latin1", MYBB_ROWS),
    "mybb18_hexblob_subset.sql": (4, "utf8mb4", {"mybb_users": 2, "mybb_posts": 1, "mybb_privatemessages": 2,
                                                 "mybb_sessions": 1}),
    "smf21_default.sql": (73, "utf8mb4", SMF_ROWS),
    "smf21_complete_insert_hexblob.sql": (73, "utf8mb4", SMF_ROWS),
    "smf21_data_only.sql": (0, "utf8mb4", {"smf_messages": 1, "smf_members": 2}),
    "escape_rules_demo.sql": (1, None, {"esc": 1}),
    "escape_rules_demo_hexblob_complete.sql": (0, None, {"esc": 1}),
}
ESC_VALUES = (1, b"nul[\0] ctrlz[\x1a] dq[\"] sq['] bs[\\] tab[\t] cr[\r] lf[\n]", b"\0'\n\\",
              b"2010-01-05 00:00:00", None)


def parse(data: bytes, **kw: Any) -> tuple[list[Event], MysqldumpStats]:
    stats = MysqldumpStats()
    return list(iter_mysqldump(io.BytesIO(data), "dump.sql", stats=stats, **kw)), stats


def rows_of(events: list[Event], table: str | None = None) -> list[RawRow]:
    return [e for e in events if isinstance(e, RawRow) and (table is None or e.table == table)]


def bad_of(events: list[Event]) -> list[BadRow]:
    return [e for e in events if isinstance(e, BadRow)]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_counts_and_positions(name: str) -> None:
    data = (DUMPS / name).read_bytes()
    assert looks_like_mysqldump(data[:65536])
    events, stats = parse(data)
    tables, charset, counts = EXPECTED[name]
    assert bad_of(events) == []
    assert Counter(r.table for r in rows_of(events)) == counts
    assert sum(isinstance(e, TableDef) for e in events) == tables == stats.tables
    assert [e.charset for e in events if isinstance(e, ConnectionCharset)] == ([charset] if charset else [])
    assert stats.rows == sum(counts.values()) and not stats.truncated and stats.bytes_read == len(data)
    for e in events:
        if isinstance(e, RawRow):
            assert data[e.offset:e.offset + 1] == b"("
            assert e.line == data.count(b"\n", 0, e.offset) + 1
        elif isinstance(e, TableDef):
            assert data[e.offset:].startswith(b"CREATE TABLE `" + e.name.encode() + b"`")
            assert e.line == data.count(b"\n", 0, e.offset) + 1


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_chunk_boundaries_change_nothing(name: str) -> None:
    data = (DUMPS / name).read_bytes()
    reference, _ = parse(data)
    for chunk in (1, 2, 3, 7, 61, 4096):
        assert parse(data, chunk_size=chunk)[0] == reference, chunk


def test_pg_dumps_are_not_taken_for_mysql() -> None:
    for name in ("discourse_mini_pg_dump_plain.sql", "discourse_mini_pg_dump_inserts.sql"):
        assert not looks_like_mysqldump((DUMPS / name).read_bytes())
    assert not looks_like_mysqldump(b"PRAGMA foreign_keys=OFF;\nCREATE TABLE users(id integer);\n")
    assert looks_like_mysqldump(b"INSERT INTO `t` VALUES (1);\n")


def test_escape_rules_decode_exactly() -> None:
    events, _ = parse((DUMPS / "escape_rules_demo.sql").read_bytes())
    (table,) = [e for e in events if isinstance(e, TableDef)]
    assert table.name == "esc" and table.charset == "utf8mb4" and (table.offset, table.line) == (152, 4)
    assert [(c.name, c.sql_type) for c in table.columns] == [
        ("id", "int(11)"), ("t", "text"), ("b", "varbinary(16)"), ("d", "datetime"), ("n", "int(11)")]
    (row,) = rows_of(events)
    assert row.values == ESC_VALUES and row.columns is None and (row.offset, row.line) == (485, 14)
    hexed, _ = parse((DUMPS / "escape_rules_demo_hexblob_complete.sql").read_bytes())
    (row2,) = rows_of(hexed)
    assert row2.values == ESC_VALUES and row2.columns == ("id", "t", "b", "d", "n") and row2.line == 2


def _rows_by_table(name: str) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    for r in rows_of(parse((DUMPS / name).read_bytes())[0]):
        out.setdefault(r.table, []).append(r.values)
    return out


def test_hex_blob_dumps_give_the_same_values_as_raw_ones() -> None:
    assert _rows_by_table("smf21_complete_insert_hexblob.sql") == _rows_by_table("smf21_default.sql")
    hexed, raw = _rows_by_table("mybb18_hexblob_subset.sql"), _rows_by_table("mybb18_default_utf8mb4.sql")
    assert hexed == {t: raw[t] for t in hexed}
    complete = rows_of(parse((DUMPS / "smf21_complete_insert_hexblob.sql").read_bytes())[0], "smf_members")
    defs = {e.name: e for e in parse((DUMPS / "smf21_default.sql").read_bytes())[0] if isinstance(e, TableDef)}
    assert complete[0].columns == defs["smf_members"].column_names


def test_packed_ip_columns_are_exact_bytes() -> None:
    v4, v6, beta = b"\xc0\x00\x02\x0a", bytes.fromhex("20010db8000000000000000000000025"), b"\xc6\x33\x64\x07"
    for name in ("mybb18_default_utf8mb4.sql", "mybb18_latin1.sql", "mybb18_hexblob_subset.sql"):
        events, _ = parse((DUMPS / name).read_bytes())
        (users,) = [e for e in events if isinstance(e, TableDef) and e.name == "mybb_users"]
        regip, lastip = users.column_names.index("regip"), users.column_names.index("lastip")
        assert users.columns[regip].sql_type == "varbinary(16)" and users.charset == "latin1"
        alpha, b = rows_of(events, "mybb_users")
        assert (alpha.values[regip], alpha.values[lastip], b.values[regip], b.values[lastip]) == (v4, v6, beta, beta)
    smf = rows_of(parse((DUMPS / "smf21_data_only.sql").read_bytes())[0], "smf_members")
    assert smf[0].values[28:30] == (v4, v6)


def test_mojibake_and_raw_binary_bytes_are_kept() -> None:
    utf8mb4 = _rows_by_table("mybb18_default_utf8mb4.sql")["mybb_posts"][0]
    latin1 = _rows_by_table("mybb18_latin1.sql")["mybb_posts"][0]
    assert b"caf\xc3\x83\xc2\xa9\r\nLine2 with 'quote' and back\\slash" in utf8mb4[9]
    assert b"caf\xc3\xa9\r\n" in latin1[9]


SYNTAX = b"""-- MySQL dump 10.13
/*!40101 SET NAMES utf8 */;
SET NAMES latin1;
/*!50503 SET NAMES utf8mb4 */;
cReAte/**/taBLe IF NOT EXISTS `db`.`T1` (
  `id` int(10) UNSIGNED NOT NULL AUTO_INCREMENT,
  `price` decimal(10,2) DEFAULT '0.00',
  `kind` enum('a,b','c)d') NOT NULL DEFAULT 'a,b' COMMENT 'x;y',
  `z` tinyint(3) unsigned zerofill,
  name varchar(20) CHARACTER SET latin1 COLLATE latin1_bin,
  `we``ird` longblob,
  PRIMARY KEY (`id`),
  UNIQUE KEY `u` (`name`),
  KEY `k` (`price`,`kind`),
  CONSTRAINT `fk` FOREIGN KEY (`id`) REFERENCES `t2` (`id`),
  FULLTEXT KEY `ft` (`name`)
) ENGINE=InnoDB DEFAULT CHARACTER SET = latin1;
insert ignore into `T1` values (1,'1.50','a,b',7,'x',_binary 'a\\0b'),
 (2,-3.5e-3,'c)d',NULL,_utf8mb4'caf\xc3\xa9',X'DEADbeef');
REPLACE INTO T1 (`id`, name) VALUES (3, 'y'), (4 , 'z' ) ;
INSERT /* hint */ INTO `T1` VALUES (5,0x0aff,b'101',0b11,.5,+7,-12,'it''s');
DELIMITER ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `trg` BEFORE INSERT ON `T1` FOR EACH ROW
BEGIN SET NEW.name = 'a;b'; INSERT INTO log VALUES (1); END */;;
DELIMITER ;
/*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50013 DEFINER=`root`@`localhost` SQL SECURITY DEFINER */
/*!50001 VIEW `v` AS select 1 AS `a` */;
DELIMITER $$
CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END $$
DELIMITER ;
CREATE DATABASE /*!32312 IF NOT EXISTS*/ `forum` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;
USE `forum`;
# a hash comment; with a semicolon
LOCK TABLES `T1` WRITE;
UNLOCK TABLES;
"""


def test_statement_and_value_syntax() -> None:
    events, stats = parse(SYNTAX)
    assert [e.charset for e in events if isinstance(e, ConnectionCharset)] == ["utf8", "latin1", "utf8mb4"]
    (t1,) = [e for e in events if isinstance(e, TableDef)]
    assert t1.name == "T1" and t1.charset == "latin1"
    assert [(c.name, c.sql_type) for c in t1.columns] == [
        ("id", "int(10) unsigned"), ("price", "decimal(10,2)"), ("kind", "enum('a,b','c)d')"),
        ("z", "tinyint(3) unsigned zerofill"), ("name", "varchar(20)"), ("we`ird", "longblob")]
    assert [(r.values, r.columns) for r in rows_of(events)] == [
        ((1, b"1.50", b"a,b", 7, b"x", b"a\0b"), None),
        ((2, "-3.5e-3", b"c)d", None, b"caf\xc3\xa9", b"\xde\xad\xbe\xef"), None),
        ((3, b"y"), ("id", "name")), ((4, b"z"), ("id", "name")),
        ((5, b"\x0a\xff", 5, 3, ".5", "+7", -12, b"it's"), None)]
    assert bad_of(events) == [] and stats.insert_statements == 3
    assert stats.skipped_statements == {"CREATE TRIGGER": 1, "CREATE VIEW": 1, "CREATE PROCEDURE": 1,
                                        "CREATE DATABASE": 1, "DELIMITER": 4, "USE": 1, "LOCK": 1, "UNLOCK": 1}


def test_data_only_rows_without_create_table() -> None:
    events, _ = parse(b"INSERT INTO `t` VALUES (1,'a');\nINSERT INTO `u` (`x`,`y`) VALUES (2,NULL);\n")
    assert [(r.table, r.values, r.columns) for r in rows_of(events)] == [
        ("t", (1, b"a"), None), ("u", (2, None), ("x", "y"))]
    assert not any(isinstance(e, TableDef) for e in events)


def _cut_cases() -> tuple[bytes, int, int]:
    data = (DUMPS / "phpbb30_default.sql").read_bytes()
    row2 = data.index(b"(2,1,2,3,0,'2001:db8::25'")
    return data, row2, data.index(b";", data.index(b"reply in 3.2+ s9e XML form"))


def test_truncated_dump_ends_with_a_bad_row_for_the_partial_row() -> None:
    data, row2, _ = _cut_cases()
    full, _ = parse(data)
    events, stats = parse(data[:data.index(b"reply in 3.2+ s9e XML form")])
    *before, last = [e for e in events if isinstance(e, (RawRow, BadRow))]
    assert isinstance(last, BadRow) and last.table == "phpbb_posts" and (last.offset, last.line) == (row2, 955)
    assert last.raw.startswith(b"(2,1,2,3") and "end of file" in last.reason and stats.truncated
    assert before == [e for e in full if isinstance(e, RawRow)][:len(before)] and len(before) == 6
    create = data.index(b"CREATE TABLE `phpbb_users`")
    events, stats = parse(data[:create + 200])
    assert bad_of(events)[-1].table == "phpbb_users" and "CREATE TABLE" in bad_of(events)[-1].reason


def test_every_cut_inside_a_row_is_safe() -> None:
    data, row2, end = _cut_cases()
    full_rows = rows_of(parse(data)[0])
    for cut in range(row2 - 2, end + 2):
        events, stats = parse(data[:cut], chunk_size=1024)
        rows, bad = rows_of(events), bad_of(events)
        assert rows == full_rows[:len(rows)] and len(bad) <= 1, cut
        assert stats.truncated == (cut <= end), cut
        if bad:
            assert data[row2:cut].startswith(bad[0].raw) and bad[0].offset == row2 and bad[0].raw, cut


def test_malformed_rows_are_quarantined_and_reading_resumes() -> None:
    head = b"CREATE TABLE `t` (`a` int, `b` text);\n"
    events, stats = parse(head + b"INSERT INTO `t` VALUES (1,'a'),(2,garbage ]]] here),\n(3,'c');\n"
                          b"INSERT INTO `t` VALUES (4,'d') (5,'e');\nINSERT INTO `t` VALUES (6,'f');\n")
    assert [r.values for r in rows_of(events)] == [(1, b"a"), (3, b"c"), (4, b"d"), (6, b"f")]
    bad = bad_of(events)
    assert [b.table for b in bad] == ["t", "t"] and "garbage" in bad[0].reason
    assert bad[0].raw.startswith(b"(2,garbage") and "after a row" in bad[1].reason
    assert stats.bad_rows == 2 and not stats.truncated
    events, _ = parse(head + b"INSERT INTO `t` VALUES (1,'a');\nthis is no SQL\nINSERT INTO `t` VALUES (2,'b');\n")
    assert [r.values for r in rows_of(events)] == [(1, b"a"), (2, b"b")]
    assert [(b.table, b.raw, b.line) for b in bad_of(events)] == [("", b"this is no SQL", 3)]


@pytest.mark.parametrize("junk", [
    bytes((i * 7919) % 256 for i in range(200_000)), random.Random(5).randbytes(1 << 20),
    b"\x89PNG\r\n\x1a\n" + bytes(1000), b"id,name\n1,alpha\n", b"SET \x00\x01\x02;"])
def test_not_a_dump_is_a_syntax_error(junk: bytes) -> None:
    with pytest.raises(DumpSyntaxError) as info:
        parse(junk)
    assert "dump.sql" in str(info.value) and info.value.offset is not None and info.value.offset < 1000


def test_values_over_the_limit_are_skipped_not_buffered() -> None:
    data = (b"INSERT INTO `t` VALUES (1,'short'),(2,'" + b"x" * 1000 + b"'),(3,0x" + b"ab" * 1000
            + b"),\n(4,'ok',_binary '" + b"y" * 700 + b"');\n")
    for chunk in (7, 100, 1 << 20):
        events, stats = parse(data, max_value_bytes=500, chunk_size=chunk)
        assert [r.values for r in rows_of(events)] == [(1, b"short")]
        assert [(b.offset, b.reason) for b in bad_of(events)] == [
            (data.index(b"(2,"), "string value of 1000 bytes exceeds max_value_bytes=500"),
            (data.index(b"(3,"), "hex literal of 1000 bytes exceeds max_value_bytes=500"),
            (data.index(b"(4,"), "string value of 700 bytes exceeds max_value_bytes=500")], chunk
        assert stats.bad_rows == 3 and not stats.truncated


def test_max_statement_bytes() -> None:
    data = b"INSERT INTO `t` VALUES " + b",".join(b"(%d)" % i for i in range(1000)) + b";"
    assert len(rows_of(parse(data, max_statement_bytes=10_000)[0])) == 1000
    with pytest.raises(DumpSyntaxError, match="max_statement_bytes"):
        parse(data, max_statement_bytes=1000)
    with pytest.raises(DumpSyntaxError, match="CREATE TABLE statement longer than max_statement_bytes"):
        parse(b"CREATE TABLE `t` (`a` int, `b` text, `c` text);", max_statement_bytes=20)


def test_one_giant_line_streams_in_bounded_memory(tmp_path: Path) -> None:
    """~300 MB on one line (MySQL without MariaDB's line breaks), one 40 MB value inside."""
    path = tmp_path / "giant.sql"
    body = b"Forum text with it\\'s escapes\\r\\n and caf\xc3\xa9 " * 60
    big = hashlib.sha256()
    with path.open("wb") as f:
        f.write(b"CREATE TABLE `p` (`id` int, `t` text, `n` int);\nINSERT INTO `p` VALUES ")
        for block in range(100):
            f.write(b"".join(b"(%d,'%s',NULL)," % (block * 1000 + i, body) for i in range(1000)))
            if block == 50:
                chunk = b"0123456789abcdef" * 65536
                f.write(b"(-1,'")
                for _ in range(40):
                    f.write(chunk)
                    big.update(chunk)
                f.write(b"',0),")
        f.write(b"(-2,'end',0);\n")
    assert path.stat().st_size > 290_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    n, last, giant = 0, None, b""
    with path.open("rb") as f:
        for e in iter_mysqldump(f, str(path)):
            assert not isinstance(e, BadRow)
            if isinstance(e, RawRow):
                n += 1
                last = e
                if e.values[0] == -1:
                    giant = e.values[1]  # type: ignore[assignment]
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert n == 100_002 and last is not None and last.values == (-2, b"end", 0) and last.line == 2
    assert hashlib.sha256(giant).digest() == big.digest()
    assert grown_mb < 200, f"peak RSS grew by {grown_mb:.0f} MB"


# --- containers ---------------------------------------------------------------------------------

def _events_of(path: Path) -> list[Event]:
    with open_source(path) as f:
        return list(iter_mysqldump(f, str(path)))


def test_compressed_sources_give_identical_events(tmp_path: Path) -> None:
    src = DUMPS / "phpbb30_default.sql"
    data = src.read_bytes()
    reference = _events_of(src)
    variants = {"a.bin": gzip.compress(data), "b.bin": bz2.compress(data), "c.bin": lzma.compress(data)}
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("../../etc/dump.sql", data)  # a hostile member name is never used as a path
    variants["d.bin"] = zipped.getvalue()
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w") as z:
        z.writestr("dir/", b"")
        z.writestr("dir/dump.sql.xz", lzma.compress(gzip.compress(data)))
    variants["e.sql"] = nested.getvalue()
    for name, blob in variants.items():
        (tmp_path / name).write_bytes(blob)
        assert _events_of(tmp_path / name) == reference, name
        assert sniff(tmp_path / name) == data[:65536]


def test_container_errors_are_source_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = (DUMPS / "escape_rules_demo.sql").read_bytes()
    two = io.BytesIO()
    with zipfile.ZipFile(two, "w") as z:
        z.writestr("a.sql", data)
        z.writestr("b.sql", data)
    cases = {"two.zip": (two.getvalue(), "2 files"), "missing.sql": (None, "cannot open"),
             "bad.gz": (gzip.compress(data)[:30] + b"\xff" * 40, "gzip"),
             "cut.bz2": (bz2.compress(data * 50)[:300], "truncated")}
    for name, (blob, message) in cases.items():
        if blob is not None:
            (tmp_path / name).write_bytes(blob)
        with pytest.raises(SourceError, match=message), open_source(tmp_path / name) as f:
            f.read()
    seven = tmp_path / "x.7z"
    seven.write_bytes(b"7z\xbc\xaf\x27\x1c" + bytes(64))
    real_import = importlib.import_module

    def no_py7zr(name: str, package: str | None = None) -> Any:
        if name.startswith("py7zr"):
            raise ImportError(name)
        return real_import(name, package)

    monkeypatch.setattr(containers.importlib, "import_module", no_py7zr)
    with pytest.raises(SourceError, match="py7zr"), open_source(seven):
        pass


def test_truncated_gzip_can_be_read_up_to_the_cut(tmp_path: Path) -> None:
    data = (DUMPS / "phpbb30_default.sql").read_bytes()
    path = tmp_path / "cut.gz"
    path.write_bytes(gzip.compress(data)[:-2000])
    with open_source(path, tolerate_truncation=True) as f:
        events = list(iter_mysqldump(f, str(path)))
    assert len(rows_of(events)) >= 6 and len(bad_of(events)) <= 1


def test_7z_single_member(tmp_path: Path) -> None:
    py7zr = pytest.importorskip("py7zr")
    src = DUMPS / "smf21_default.sql"
    path = tmp_path / "dump.7z"
    with py7zr.SevenZipFile(path, "w") as archive:
        archive.write(src, "inner/dump.sql")
    assert _events_of(path) == _events_of(src)
    assert sniff(path) == src.read_bytes()[:65536]
