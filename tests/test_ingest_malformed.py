"""Hostile and broken sources: a clear one-line error or quarantined rows, never a silent loss."""

from __future__ import annotations

import resource
from pathlib import Path

import duckdb
import pytest

from rescue import operation
from rescue.errors import SourceError
from rescue.ingest.pipeline import ingest


@pytest.fixture()
def op(tmp_path: Path) -> operation.Operation:
    return operation.init(tmp_path / "op")


def rows(op: operation.Operation, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(op.store_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_truncated_dump_quarantines_the_partial_row(op: operation.Operation, dumps: Path, tmp_path: Path) -> None:
    data = (dumps / "phpbb30_default.sql").read_bytes()
    cut = data.index(b"reply in 3.2+ s9e XML form")  # inside the second posts row
    bad = tmp_path / "truncated.sql"
    bad.write_bytes(data[:cut])
    res = ingest(op, bad)
    assert res.counts.holds()
    assert res.counts.of("phpbb_posts").mapped == 1
    assert res.counts.of("phpbb_posts").quarantined == 1
    (table, reason, raw), = rows(op, "select source_table, reason, raw from quarantine")
    assert table == "phpbb_posts" and raw.startswith(b"(2,1,2,3")
    assert "end" in reason.lower()
    # nothing after the cut exists; everything before it does
    assert rows(op, "select count(*) from accounts") == [(0,)]
    assert rows(op, "select count(*) from forums") == [(2,)]


def test_garbage_bytes_are_a_one_line_error(op: operation.Operation, tmp_path: Path) -> None:
    junk = tmp_path / "junk.sql"
    junk.write_bytes(bytes((i * 7919) % 256 for i in range(200_000)))
    with pytest.raises(SourceError) as info:
        ingest(op, junk)
    msg = info.value.one_line()
    assert str(junk) in msg and "\n" not in msg
    assert rows(op, "select count(*) from sources") == [(0,)]


def test_garbage_inside_a_statement_is_quarantined(op: operation.Operation, dumps: Path, tmp_path: Path) -> None:
    data = (dumps / "phpbb30_default.sql").read_bytes()
    anchor = b"INSERT INTO `phpbb_forums` VALUES\n"
    data = data.replace(anchor, anchor + b"(\x00\xff garbage ]]] ),\n", 1)
    bad = tmp_path / "garbage.sql"
    bad.write_bytes(data)
    res = ingest(op, bad)
    assert res.counts.holds()
    forums = res.counts.of("phpbb_forums")
    assert forums.quarantined >= 1 and forums.mapped == 2
    assert rows(op, "select count(*) from forums") == [(2,)]
    assert rows(op, "select count(*) from posts") == [(2,)]


def test_wrong_charset_is_decoded_losslessly_and_counted(op: operation.Operation, dumps: Path,
                                                        tmp_path: Path) -> None:
    data = (dumps / "phpbb30_default.sql").read_bytes()
    data = data.replace("and café<br />".encode(), b"and caf\xe9<br />", 1)  # latin1 byte in a utf8 dump
    bad = tmp_path / "latin1.sql"
    bad.write_bytes(data)
    res = ingest(op, bad)
    assert res.counts.of("phpbb_posts").recoded == 1
    body = rows(op, "select body_text from posts where post_id = '1'")[0][0]
    assert isinstance(body, str) and "and café\n" in body
    assert rows(op, "select rows_recoded from ingest_tables where source_table = 'phpbb_posts'") == [(1,)]


def test_huge_single_line_value_is_quarantined_in_bounded_memory(op: operation.Operation, dumps: Path,
                                                                 tmp_path: Path) -> None:
    """A single line of ~300 MB (one post body larger than the 256 MiB value cap), made on the fly."""
    data = (dumps / "phpbb30_default.sql").read_bytes()
    anchor = b"INSERT INTO `phpbb_posts` VALUES\n"
    head, tail = data.split(anchor, 1)
    big = tmp_path / "huge.sql"
    with big.open("wb") as out:
        out.write(head + anchor)
        out.write(b"(3,1,2,2,0,'192.0.2.10',1262649600,1,0,1,1,1,1,'','huge','")
        block = b"0123456789abcdef" * 65536  # 1 MiB
        for _ in range(300):
            out.write(block)
        out.write(b"','',0,'','',1,0,'',0,0,0),")
        out.write(tail)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    res = ingest(op, big)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert res.counts.holds()
    assert res.counts.of("phpbb_posts").quarantined == 1 and res.counts.of("phpbb_posts").mapped == 2
    reason = rows(op, "select reason from quarantine")[0][0]
    assert "MiB" in str(reason) or "bytes" in str(reason)
    assert grown_mb < 200, f"peak RSS grew by {grown_mb:.0f} MB"
