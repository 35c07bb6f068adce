"""Properties of the mysqldump reader: any input terminates cleanly; values survive a round trip.

Every parse runs under a SIGALRM watchdog, so a hang fails the example instead of the run;
hypothesis' own deadline catches anything merely much slower than linear.
"""

from __future__ import annotations

import io
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import FrameType

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rescue.errors import DumpSyntaxError
from rescue.readers.base import BadRow, ConnectionCharset, Event, RawRow, TableDef, Value
from rescue.readers.mysqldump import MysqldumpStats, iter_mysqldump

DUMPS = Path(__file__).parent / "fixtures" / "forum-dumps"
FIXTURES = [p.read_bytes() for p in sorted(DUMPS.glob("*.sql")) if "discourse" not in p.name]
CHUNKS = st.sampled_from([1, 2, 3, 7, 64, 4096, 1 << 20])
SETTINGS = settings(max_examples=3000, deadline=timedelta(seconds=5), suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def watchdog(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"reader did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def outcome(data: bytes, chunk: int = 1 << 20, max_value_bytes: int = 256 << 20) -> tuple[list[Event], str]:
    """Events, and the DumpSyntaxError message if reading stopped with one (no other exception)."""
    events: list[Event] = []
    stats = MysqldumpStats()
    with watchdog(20):
        try:
            for e in iter_mysqldump(io.BytesIO(data), "prop.sql", chunk_size=chunk, stats=stats,
                                    max_value_bytes=max_value_bytes):
                assert isinstance(e, (TableDef, RawRow, BadRow, ConnectionCharset))
                events.append(e)
        except DumpSyntaxError as exc:
            assert "prop.sql" in str(exc) and "\n" not in exc.one_line()
            return events, str(exc)
    assert stats.bytes_read == len(data)
    for e in events:
        if isinstance(e, BadRow):
            assert len(e.raw) <= 4096 and 0 <= e.offset <= len(data)
        elif isinstance(e, RawRow):
            assert data[e.offset:e.offset + 1] == b"(" and e.line == data.count(b"\n", 0, e.offset) + 1
    return events, ""


SQLISH = st.binary(max_size=600) | st.lists(st.sampled_from(
    [b"'", b'"', b"`", b"\\", b"(", b")", b",", b";", b";;", b"\n", b" ", b"--", b"-- ", b"#", b"/*", b"*/",
     b"/*!40101", b"/*M!999999\\- x */", b"0x", b"0b1", b"x'", b"b'", b"_binary ", b"NULL", b"1", b"-2.5e3",
     b"INSERT INTO `t` VALUES ", b"CREATE TABLE `t` (", b"`a` int", b"DELIMITER ;;\n", b"DELIMITER ;\n",
     b"SET NAMES utf8mb4;", b"),(", b"),\n(", b");", b"\0", b"\xff\xfe", b"abc"]), max_size=80).map(b"".join)
PREFIXES = st.sampled_from([b"", b"INSERT INTO `t` VALUES (", b"-- MySQL dump\n/*!40101 SET NAMES utf8 */;\n",
                            b"CREATE TABLE `t` (\n  `a` int,\n", b"INSERT INTO `t` VALUES (1,'a'),\n("])


@SETTINGS
@given(prefix=PREFIXES, body=SQLISH, chunk=CHUNKS)
def test_any_bytes_end_in_events_or_a_syntax_error(prefix: bytes, body: bytes, chunk: int) -> None:
    data = prefix + body
    assert outcome(data, chunk) == outcome(data)


@st.composite
def mutated_fixture(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(FIXTURES)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["cut", "flip", "insert", "delete"]))
        if kind == "cut":
            del data[at:]
        elif kind == "flip" and at < len(data):
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=40) | SQLISH)
        else:
            del data[at:at + draw(st.integers(1, 200))]
    return bytes(data)


@settings(SETTINGS, max_examples=15000)
@given(data=mutated_fixture(), chunk=st.sampled_from([7, 61, 4096]))
def test_mutated_dumps_never_crash_and_do_not_depend_on_chunking(data: bytes, chunk: int) -> None:
    assert outcome(data, chunk) == outcome(data)


# --- round trip -------------------------------------------------------------------------------

def mysqldump_escape(raw: bytes) -> bytes:
    return (raw.replace(b"\\", b"\\\\").replace(b"\0", b"\\0").replace(b"\n", b"\\n").replace(b"\r", b"\\r")
            .replace(b"\x1a", b"\\Z").replace(b"'", b"\\'").replace(b'"', b'\\"'))


def other_escape(raw: bytes) -> bytes:
    """A different but valid writer: doubled quotes, \\t and \\b escapes."""
    return (raw.replace(b"\\", b"\\\\").replace(b"'", b"''").replace(b"\t", b"\\t").replace(b"\b", b"\\b")
            .replace(b"\n", b"\\n"))


NUMBER_TEXT = st.from_regex(r"\A-?(?:[0-9]{1,12}\.[0-9]{1,8}|[0-9]\.[0-9]{1,6}e[-+][0-9]{1,3})\Z")
VALUES = st.one_of(st.none(), st.integers(-(2 ** 70), 2 ** 70), st.binary(max_size=60), NUMBER_TEXT,
                   st.binary(min_size=1, max_size=3).map(lambda b: b * 40))


def encode(value: Value, style: int) -> bytes:
    if value is None:
        return b"NULL"
    if isinstance(value, int):
        return b"%d" % value
    if isinstance(value, str):
        return value.encode()
    if style == 1 and value:
        return b"0x" + value.hex().upper().encode()
    if style == 2:
        return b"_binary '" + mysqldump_escape(value) + b"'"
    if style == 3:
        return b"'" + other_escape(value) + b"'"
    return b"'" + mysqldump_escape(value) + b"'"


@settings(SETTINGS, max_examples=1500)
@given(rows=st.lists(st.lists(VALUES, min_size=1, max_size=8), min_size=1, max_size=20),
       style=st.integers(0, 3), mariadb=st.booleans(), per_statement=st.integers(1, 7), chunk=CHUNKS,
       complete=st.booleans())
def test_values_round_trip(rows: list[list[Value]], style: int, mariadb: bool, per_statement: int, chunk: int,
                           complete: bool) -> None:
    out = [b"/*M!999999\\- enable the sandbox mode */ \n/*!40101 SET NAMES utf8mb4 */;\n"]
    expected: list[tuple[str, tuple[Value, ...], tuple[str, ...] | None]] = []
    for start in range(0, len(rows), per_statement):
        group = rows[start:start + per_statement]
        table = f"t{start}"
        width = len(group[0])
        group = [(r * width)[:width] for r in group]
        cols = tuple(f"c{i}" for i in range(width)) if complete else None
        names = b" (" + b", ".join(b"`%s`" % c.encode() for c in cols) + b")" if cols else b""
        tuples = [b"(" + b",".join(encode(v, style) for v in r) + b")" for r in group]
        out.append(b"INSERT INTO `%s`%s VALUES%s%s;\n" % (table.encode(), names, b"\n" if mariadb else b" ",
                                                           (b",\n" if mariadb else b",").join(tuples)))
        expected += [(table, tuple(r), cols) for r in group]
    data = b"".join(out)
    events, error = outcome(data, chunk)
    assert error == ""
    assert [(r.table, r.values, r.columns) for r in events if isinstance(r, RawRow)] == expected
    assert not any(isinstance(e, BadRow) for e in events)
