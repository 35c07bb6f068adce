"""Writing-style inputs: which texts of which accounts are read (the cut is made inside DuckDB)."""

from __future__ import annotations

import duckdb

from rescue.identity.model import TEMP
from rescue.identity.style import own_texts
from tests.identity_fixtures import text_store


def _store() -> duckdb.DuckDBPyConnection:
    con = text_store()
    con.execute(f"INSERT INTO {TEMP} VALUES (0, 's', 'a'), (1, 's', 'b'), (2, 's', 'c')")
    # a: three posts and a message interleaved in time; b: too little text; c: none at all
    con.execute("""INSERT INTO posts VALUES
        ('s', 'a', 'p2', '2024-01-03', 'third text, thirty characters'),
        ('s', 'a', 'p1', '2024-01-01', 'first text, ten'),
        ('s', 'a', 'p3', '2024-01-01', 'same time, later id'),
        ('s', 'a', 'p4', '2024-01-05', NULL),
        ('s', 'b', 'p9', '2024-01-01', 'short')""")
    con.execute("INSERT INTO messages VALUES ('s', 'a', 'm1', '2024-01-02', 'a private message')")
    return con


def test_own_texts_in_time_order_and_minimum() -> None:
    con = _store()
    got = own_texts(con, min_chars=20)
    assert got == [(0, ["first text, ten", "same time, later id", "a private message",
                        "third text, thirty characters"])]
    assert own_texts(con, min_chars=1) == [got[0], (1, ["short"])]
    total = sum(len(t) for t in got[0][1])
    assert own_texts(con, min_chars=total + 1) == []


def test_own_texts_cut_keeps_the_text_that_crosses_the_limit() -> None:
    con = _store()
    # 15 characters before the second text: the second is read whole, nothing after it
    assert own_texts(con, min_chars=20, max_chars=16) == [(0, ["first text, ten", "same time, later id"])]
    assert own_texts(con, min_chars=20, max_chars=15) == [(0, ["first text, ten"])]
    assert own_texts(con, min_chars=20, max_chars=1) == [(0, ["first text, ten"])]
    # the minimum counts all of an account's text, not only what is read
    assert own_texts(con, min_chars=60, max_chars=1) == [(0, ["first text, ten"])]
