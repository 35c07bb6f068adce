"""The C hot loop of the mysqldump row reader (``rescue.readers._rowscan``) against the Python loop alone.

Every input is read twice, with and without the extension, at several chunk sizes (cut strings,
separators and numbers at buffer ends): the events, the error and the reader's counters must be
the same. The extension is part of the build; in CI (CI_STRICT=1) its absence is a failure.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rescue.errors import DumpSyntaxError
from rescue.readers import mysqldump_rows
from rescue.readers.base import Event
from rescue.readers.mysqldump import MysqldumpStats, iter_mysqldump

FAST = mysqldump_rows.fast_values
if FAST is None and os.environ.get("CI_STRICT"):
    raise RuntimeError("rescue.readers._rowscan was not built (a C compiler and Python headers are needed)")
pytestmark = pytest.mark.skipif(FAST is None, reason="rescue.readers._rowscan was not built")

DUMPS = Path(__file__).parent / "fixtures" / "forum-dumps"
TRICKY = [
    b"INSERT INTO `t` VALUES (1,'a\\'b','c''d',NULL,-0012,'\\\\',''),(2,'x\\0\\n\\r\\t\\Z\\%\\_\\q',nUlL,3);\n",
    b"INSERT INTO `t` VALUES (1 , 'a' ) , ( 2,'b'\n)\n;\n",
    b"INSERT INTO `t` VALUES (123456789012345678901234567890,-98765432109876543210,0x1F,1.5,1e3,-2.5e-3);\n",
    b"INSERT INTO `t` VALUES (_binary 'ab',_utf8mb4'c',N'd',X'0a',b'101',0b11,0x);\n",
    b"INSERT INTO `t` VALUES ('unterminated\\',1),(2,'ok');\n",
    b"INSERT INTO `t` VALUES (NULLX,1),(2,3)x;\nINSERT INTO `t` VALUES (4,'\\\\\\'',''''),(5,'\xff\xfe');\n",
    b"INSERT INTO `t` VALUES ('a'),('b'),(NULL) ,(7);\nINSERT INTO `t` VALUES (8",
    b"INSERT INTO `t` VALUES ('" + b"x" * 300 + b"',1),('y',2);\n",
]
CHUNKS = [1, 2, 3, 5, 13, 64, 4096, 1 << 20]


def read(data: bytes, chunk: int, fast: bool, max_value_bytes: int = 256 << 20) -> tuple[list[Event], str, str]:
    saved = mysqldump_rows.fast_values
    mysqldump_rows.fast_values = FAST if fast else None
    events: list[Event] = []
    stats = MysqldumpStats()
    error = ""
    try:
        for e in iter_mysqldump(io.BytesIO(data), "x.sql", chunk_size=chunk, stats=stats,
                                max_value_bytes=max_value_bytes):
            events.append(e)
    except DumpSyntaxError as exc:
        error = str(exc)
    finally:
        mysqldump_rows.fast_values = saved
    return events, error, repr(stats)


def same(data: bytes, chunk: int, max_value_bytes: int = 256 << 20) -> None:
    assert read(data, chunk, True, max_value_bytes) == read(data, chunk, False, max_value_bytes)


@pytest.mark.parametrize("data", TRICKY)
def test_tricky_rows_read_the_same(data: bytes) -> None:
    for chunk in CHUNKS:
        same(data, chunk)
        same(data, chunk, max_value_bytes=100)  # strings over the cap: quarantined the same way
    events = read(data, 1 << 20, True)[0]
    assert events  # the reader produced rows (or bad rows) from each input


def test_values_are_decoded_as_before() -> None:
    events = read(TRICKY[0], 1 << 20, True)[0]
    rows = [e for e in events if e.__class__.__name__ == "RawRow"]
    assert [r.values for r in rows] == [  # type: ignore[attr-defined]
        (1, b"a'b", b"c'd", None, -12, b"\\", b""),
        (2, b"x\0\n\r\t\x1a\\%\\_q", None, 3),
    ]


def test_fixture_dumps_read_the_same() -> None:
    for path in sorted(DUMPS.glob("*.sql")):
        data = path.read_bytes()
        for chunk in (7, 4096, 1 << 20):
            same(data, chunk)


ALPHABET = [b"'", b"\\", b"''", b"(", b")", b",", b";", b"),(", b");", b" ", b"\n", b"NULL", b"null", b"-",
            b"1", b"12", b"0x1", b"1.5", b"_binary ", b"a", b"\xff", b"N", b"'a'", b"\\'"]
BODIES = st.lists(st.sampled_from(ALPHABET), max_size=60).map(b"".join) | st.binary(max_size=200)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODIES, chunk=st.sampled_from([1, 3, 8, 64, 4096]), cap=st.sampled_from([2, 256 << 20]))
def test_any_row_text_reads_the_same(body: bytes, chunk: int, cap: int) -> None:
    same(b"INSERT INTO `t` VALUES (" + body + b"\nINSERT INTO `t` VALUES (1,'z');\n", chunk, cap)
