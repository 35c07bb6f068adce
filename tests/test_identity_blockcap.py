"""Splink's blocking rules leave out keys shared by too many accounts (``splink_block_cap``)."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from rescue.errors import OperationError
from rescue.identity import attributes as at
from rescue.identity.config import from_mapping


def _features() -> pa.Table:
    # accounts 0-4 share a birth date (5 > cap 3); 5-6 share another; 7 has none
    births = ["1980-01-01"] * 5 + ["1990-02-02"] * 2 + [None]
    n = len(births)
    return pa.table({
        "unique_id": pa.array(range(n), pa.int64()),
        "username_lc": [f"user{i}" for i in range(n)],
        "username_norm": ["user"] * 3 + [f"solo{i}" for i in range(3, n)],
        "username_digits": [None] * n,
        "birth_date": births,
        "location": ["europe"] * 4 + ["leeds"] * 4,
        "timezone": ["UTC+01:00"] * 3 + ["UTC+02:00"] + ["UTC+00:00"] * 4,
    })


def test_keys_shared_by_more_than_the_cap_propose_no_pairs() -> None:
    con = duckdb.connect()
    out, left_out, _ = at.capped_blocks(con, _features(), cap=3, budget=10**7)
    assert out.column("unique_id").to_pylist() == list(range(8))
    birth = out.column("blk_birth_date").to_pylist()
    assert birth[:5] == [False] * 5 and birth[5:7] == [True, True]
    assert left_out["blk_birth_date"] == 5
    # the rule keeps its compared columns (so EM knows what the block used up) and needs both flags
    rule = at._rule(("location", "timezone"))
    assert rule == ("l.location = r.location AND l.timezone = r.timezone AND l.blk_location_timezone AND "
                    "r.blk_location_timezone")
    con.register("f", out)
    pairs = con.execute(f"SELECT l.unique_id, r.unique_id FROM f l JOIN f r ON {at._rule(('birth_date',))} "
                        "AND l.unique_id < r.unique_id ORDER BY 1, 2").fetchall()
    assert pairs == [(5, 6)]   # the five who share 1980-01-01 are not paired by it; the null is not either


def test_the_cap_counts_the_whole_key() -> None:
    con = duckdb.connect()
    out, left_out, _ = at.capped_blocks(con, _features(), cap=3, budget=10**7)
    flags = out.column("blk_location_timezone").to_pylist()
    # europe/+01:00 is 3 accounts (kept), europe/+02:00 is 1 (kept), leeds/+00:00 is 4 (left out)
    assert flags == [True] * 4 + [False] * 4
    assert left_out["blk_location_timezone"] == 4
    assert left_out["blk_username_norm"] == 0


def test_a_pairs_budget_lowers_a_rules_cap_smallest_keys_first() -> None:
    con = duckdb.connect()
    # birth dates: keys of 5 (10 pairs) and 2 (1 pair); budget 1 keeps only the key of 2
    out, left_out, caps = at.capped_blocks(con, _features(), cap=500, budget=1)
    assert caps["blk_birth_date"] == 2
    assert out.column("blk_birth_date").to_pylist()[:7] == [False] * 5 + [True] * 2
    # location + time zone: keys of 3 (3 pairs), 1 (0) and 4 (6): budget 1 keeps the key of 1 only
    assert caps["blk_location_timezone"] == 1
    assert left_out["blk_location_timezone"] == 7
    # a budget that covers everything changes nothing
    _, left2, caps2 = at.capped_blocks(con, _features(), cap=500, budget=10**7)
    assert all(v == 0 for v in left2.values())
    assert caps2["blk_birth_date"] == 5 and caps2["blk_location_timezone"] == 4


def test_the_cap_is_a_setting() -> None:
    assert from_mapping({}).splink_block_cap == 500
    assert from_mapping({"splink_block_cap": 50}).splink_block_cap == 50
    with pytest.raises(OperationError, match="splink_block_cap"):
        from_mapping({"splink_block_cap": 1})
    assert from_mapping({}).splink_block_pairs == 10_000_000
    with pytest.raises(OperationError, match="splink_block_pairs"):
        from_mapping({"splink_block_pairs": 0})
