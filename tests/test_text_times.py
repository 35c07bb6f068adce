"""rescue.text.times: unix times, birthdays, PHP-serialised data, phpBB address lists."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rescue.text.times import (
    birthday_from_parts,
    parse_birthday,
    php_unserialize,
    phpbb_address_list,
    unix_to_ts,
)

# -- unix_to_ts ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (1262649600, 1262649600),
    ("1262649600", 1262649600),
    (" 1262649600 ", 1262649600),
    (b"1262649600", 1262649600),
    (1262649600.9, 1262649600),
    ("1262649600.5", 1262649600),
    (Decimal("1262649600"), 1262649600),
    (1, 1),
    (4_133_980_799, 4_133_980_799),  # last second of 2100
    (dt.datetime(2010, 1, 5), 1262649600),  # naive = UTC
    (dt.datetime(2010, 1, 5, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))), 1262649600),
    ("2010-01-05 00:00:00", 1262649600),  # PostgreSQL timestamp text
    ("2010-01-05T00:00:00+00:00", 1262649600),
    (0, None),  # "never"
    ("0", None),
    (-1, None),
    (-1262649600, None),
    (4_133_980_800, None),  # 2101
    (1262649600000, None),  # milliseconds: absurd as seconds
    (None, None),
    ("", None),
    ("never", None),
    ("0000-00-00 00:00:00", None),
    (True, None),
    (float("nan"), None),
    (float("inf"), None),
    (object(), None),
])
def test_unix_to_ts(value: object, expected: int | None) -> None:
    assert unix_to_ts(value) == expected


@given(st.one_of(st.integers(), st.floats(), st.text(max_size=30), st.binary(max_size=30), st.none()))
def test_unix_to_ts_never_raises(value: object) -> None:
    out = unix_to_ts(value)
    assert out is None or 0 < out <= 4_133_980_799


# -- birthdays ----------------------------------------------------------------------------------

D = dt.date


@pytest.mark.parametrize(("raw", "style", "expected"), [
    (" 1- 1-1980", "phpbb", (D(1980, 1, 1), 1, 1, 1980)),
    ("15- 3-1975", "phpbb", (D(1975, 3, 15), 15, 3, 1975)),
    ("15- 3-   0", "phpbb", (None, 15, 3, None)),  # year not given
    (" 0- 0-   0", "phpbb", (None, None, None, None)),
    ("", "phpbb", (None, None, None, None)),
    ("1980-01-01", "smf", (D(1980, 1, 1), 1, 1, 1980)),
    ("1004-01-01", "smf", (None, None, None, None)),  # SMF 2.1 default: unset
    ("0001-01-01", "smf", (None, None, None, None)),  # SMF 2.0 default: unset
    ("0000-00-00", "smf", (None, None, None, None)),
    ("1004-03-15", "smf", (None, 15, 3, None)),  # year hidden
    ("0004-03-15", "smf", (None, 15, 3, None)),
    ("03-15-1980", "vbulletin", (D(1980, 3, 15), 15, 3, 1980)),
    ("03-15-0000", "vbulletin", (None, 15, 3, None)),
    ("00-00-0000", "vbulletin", (None, None, None, None)),
    ("1-1-1980", "mybb", (D(1980, 1, 1), 1, 1, 1980)),  # the MyBB fixture row
    ("15-3-", "mybb", (None, 15, 3, None)),
    ("15-3", "mybb", (None, 15, 3, None)),
    ("15/03/1980", "mybb", (D(1980, 3, 15), 15, 3, 1980)),
    ("31-4-1980", "mybb", (None, 31, 4, 1980)),  # no such day: parts kept, no date
    ("29-2-1980", "mybb", (D(1980, 2, 29), 29, 2, 1980)),
    ("29-2-1981", "mybb", (None, 29, 2, 1981)),
    ("32-1-1980", "mybb", (None, None, None, 1980)),
    ("1-13-1980", "mybb", (None, None, None, 1980)),
    ("some day", "mybb", (None, None, None, None)),
    ("1980-01-01", "iso", (D(1980, 1, 1), 1, 1, 1980)),
    ("1980-01-01 00:00:00", "iso", (D(1980, 1, 1), 1, 1, 1980)),
    ("1904-05-06", "discourse", (None, 6, 5, None)),
    ("1980-05-06", "discourse", (D(1980, 5, 6), 6, 5, 1980)),
    ("1500-05-06", "iso", (None, 6, 5, None)),
    (None, "iso", (None, None, None, None)),
])
def test_parse_birthday(raw: str | None, style: str, expected: tuple[object, ...]) -> None:
    assert parse_birthday(raw, style) == expected


def test_parse_birthday_unknown_style() -> None:
    with pytest.raises(ValueError, match="unknown birthday style"):
        parse_birthday("1-1-1980", "bogus")


def test_birthday_from_parts() -> None:
    assert birthday_from_parts(15, 3, 1980) == (D(1980, 3, 15), 15, 3, 1980)
    assert birthday_from_parts("15", "3", None) == (None, 15, 3, None)
    assert birthday_from_parts(0, 0, 0) == (None, None, None, None)
    assert birthday_from_parts(None, None, 1980) == (None, None, None, 1980)


@given(st.text(max_size=20), st.sampled_from(["phpbb", "smf", "vbulletin", "mybb", "iso", "discourse"]))
def test_parse_birthday_never_raises(raw: str, style: str) -> None:
    date, day, month, year = parse_birthday(raw, style)
    assert day is None or 1 <= day <= 31
    assert month is None or 1 <= month <= 12
    if date is not None:
        assert (date.day, date.month, date.year) == (day, month, year)


# -- phpbb_address_list -------------------------------------------------------------------------

@pytest.mark.parametrize(("raw", "expected"), [
    ("u_3:u_5:g_2", [("u", "3"), ("u", "5"), ("g", "2")]),
    ("u_3", [("u", "3")]),  # the phpBB fixture PM
    ("", []),
    (None, []),
    ("u_3::x:g_", [("u", "3")]),
    (" u_3 : U_4 ", [("u", "3"), ("u", "4")]),
])
def test_phpbb_address_list(raw: str | None, expected: list[tuple[str, str]]) -> None:
    assert phpbb_address_list(raw) == expected


# -- php_unserialize ------------------------------------------------------------------------------

def php_serialize(value: object) -> bytes:
    """A small PHP serialize() for the round-trip test (PHP's own number formats)."""
    if value is None:
        return b"N;"
    if isinstance(value, bool):
        return b"b:1;" if value else b"b:0;"
    if isinstance(value, int):
        return b"i:%d;" % value
    if isinstance(value, float):
        if math.isinf(value):
            return b"d:INF;" if value > 0 else b"d:-INF;"
        return b"d:" + repr(value).upper().encode() + b";"
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return b's:%d:"%s";' % (len(raw), raw)
    if isinstance(value, dict):
        body = b"".join(php_serialize(k) + php_serialize(v) for k, v in value.items())
        return b"a:%d:{%s}" % (len(value), body)
    raise TypeError(value)


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1),
                     st.floats(allow_nan=False), st.text(max_size=20))
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.dictionaries(st.one_of(st.integers(-1000, 1000), st.text(max_size=8)), inner,
                                  max_size=5),
    max_leaves=30)


@settings(max_examples=500)
@given(_VALUES)
def test_php_unserialize_round_trips(value: object) -> None:
    data = php_serialize(value)
    assert php_unserialize(data) == value
    assert php_unserialize(data.decode("utf-8")) == value
    assert php_unserialize(data, lenient=True) == value


@pytest.mark.parametrize(("data", "expected"), [
    (b"N;", None),
    (b"b:0;", False),
    (b"b:1;", True),
    (b"i:-42;", -42),
    (b"i:+7;", 7),
    (b"d:0.5;", 0.5),
    (b"d:1.0E+25;", 1e25),
    (b"d:-INF;", float("-inf")),
    (b's:0:"";', ""),
    ('s:5:"café";'.encode(), "café"),  # 5 bytes, 4 characters
    (b's:4:"a"b;";', 'a"b;'),
    (b's:3:"\x00*\x00";', "\x00*\x00"),
    (b'S:3:"\\61bc";', "abc"),
    (b"a:0:{}", {}),
    (b'a:2:{i:0;s:1:"x";i:1;s:1:"y";}', {0: "x", 1: "y"}),
    (b'a:1:{s:2:"to";a:1:{i:0;s:1:"2";}}', {"to": {0: "2"}}),  # MyBB recipients
    (b'O:8:"stdClass":3:{s:1:"a";i:1;s:4:"\x00*\x00b";b:1;s:6:"\x00Cls\x00c";N;}',
     {"__class__": "stdClass", "a": 1, "b": True, "c": None}),
    (b'C:11:"ArrayObject":21:{x:i:0;a:0:{};m:a:0:{}}',
     {"__class__": "ArrayObject", "__data__": "x:i:0;a:0:{};m:a:0:{}"}),
    (b'a:2:{i:0;s:1:"x";i:1;r:2;}', {0: "x", 1: "x"}),
    (b'a:2:{i:0;s:1:"x";i:1;R:2;}', {0: "x", 1: "x"}),
    (b"a:1:{i:0;R:1;}", {0: None}),  # a reference to the array being built
    (b'E:11:"Suit:Hearts";', "Suit:Hearts"),
    (b"i:5; \n", 5),
])
def test_php_unserialize_values(data: bytes, expected: object) -> None:
    assert php_unserialize(data) == expected


@pytest.mark.parametrize("data", [
    b"", b"x", b"N", b"i:;", b"i:1", b"i:1;junk", b"i:12a;", b"b:2;", b"d:abc;", b"d:;",
    b's:5:"abc";', b's:-1:"";', b's:2:"abc";', b"s:3:abc;", b'a:2:{i:0;N;}', b"a:1:{i:0;N;",
    b"a:1:{d:1.5;N;}", b"a:1:{N;N;}", b"a:-1:{}", b"a:999999999:{}", b's:99999999:"x";',
    b'O:1:"X":1:{N;N;}', b'O:1:"X"1:{}', b"C:1:\"X\":5:{ab}", b"z:1;", b"i:" + b"9" * 100 + b";",
    b"a:1:{i:0;" * 1000 + b"N;" + b"}" * 1000,  # nesting bomb
    b'S:3:"\\6";', b'S:1:"\\zz";',
])
def test_php_unserialize_rejects_malformed(data: bytes) -> None:
    with pytest.raises(ValueError, match="php_unserialize"):
        php_unserialize(data)


def test_php_unserialize_bounds() -> None:
    deep = b"a:1:{i:0;" * 10 + b"N;" + b"}" * 10
    assert php_unserialize(deep, max_depth=10) is not None
    with pytest.raises(ValueError, match="too deep"):
        php_unserialize(deep, max_depth=9)
    with pytest.raises(ValueError, match="limit"):
        php_unserialize(b"s:3:\"abc\";", max_size=5)


def test_php_unserialize_broken_lengths() -> None:
    # a serialised latin-1 string later converted to UTF-8: the byte count no longer fits
    broken = 'a:2:{i:0;s:4:"café";i:1;s:2:"ok";}'.encode()
    with pytest.raises(ValueError):
        php_unserialize(broken)
    assert php_unserialize(broken, lenient=True) == {0: "café", 1: "ok"}
    # text read from a latin1 column: its characters are its bytes
    assert php_unserialize('s:4:"café";') == "café"


@given(st.binary(max_size=80))
def test_php_unserialize_only_raises_value_error(data: bytes) -> None:
    with contextlib.suppress(ValueError):
        php_unserialize(data)
    with contextlib.suppress(ValueError):
        php_unserialize(data, lenient=True)


@given(st.lists(st.sampled_from([b"a:1:{", b"a:2:{", b"i:0;", b"i:1;", b's:1:"x";', b"N;", b"}",
                                 b"b:1;", b"d:1.5;", b"r:1;", b"R:2;", b'O:1:"X":1:{', b"s:", b'"']),
                max_size=30).map(b"".join))
def test_php_unserialize_soup(data: bytes) -> None:
    with contextlib.suppress(ValueError):
        php_unserialize(data, lenient=True)


def test_fixture_serialised_columns(dumps: Path) -> None:
    d = dumps  # tests/fixtures/forum-dumps (conftest)
    phpbb = (d / "phpbb30_default.sql").read_bytes()
    assert b"'a:1:{i:0;s:15:\\\"Placeholder top\\\";}'" in phpbb
    assert php_unserialize(b'a:1:{i:0;s:15:"Placeholder top";}') == {0: "Placeholder top"}
    mybb = (d / "mybb18_default_utf8mb4.sql").read_bytes()
    assert b"'a:1:{s:2:\\\"to\\\";a:1:{i:0;s:1:\\\"2\\\";}}'" in mybb
    assert b"' 1- 1-1980'" in phpbb
    assert b"'1004-01-01'" in (d / "smf21_default.sql").read_bytes()
