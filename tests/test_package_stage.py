"""Staging for packages: each selector's sighting time comes from the row it was found in, and DuckDB's
memory for staging scales with the machine within its bounds."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from rescue.package.build import STAGE_CAP_MB, STAGE_FLOOR_MB, stage_memory
from rescue.package.plan import make_plans
from rescue.package.stage import stage
from tests.package_fixtures import fresh_op


@pytest.fixture()
def op(small_world: Path, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return fresh_op(small_world, tmp_path_factory, tmp_path)


def test_selector_sighting_times_are_those_of_their_origin_rows(op: Path, tmp_path: Path) -> None:
    con = duckdb.connect(config={"memory_limit": "256MB", "temp_directory": str(tmp_path / "spill")})
    con.execute(f"attach '{op / 'store.duckdb'}' as store (read_only)")
    con.execute("use store")
    make_plans(con, min_tier=None)
    staged = stage(con, tmp_path / "facts")
    rows = con.execute(f"""
        select f.origin, f.seen_at, coalesce(p.posted_at, m.sent_at, a.registered_at) as expected
        from read_parquet('{staged.path("selectors")}') f
        left join posts p on f.origin = 'posts' and p.source_id = f.source_id and p.post_id = f.origin_id
        left join messages m on f.origin = 'messages' and m.source_id = f.source_id and m.message_id = f.origin_id
        left join accounts a on f.origin = 'accounts' and a.source_id = f.source_id and a.account_id = f.origin_id
        """).fetchall()
    con.close()
    by_origin = {str(r[0]) for r in rows if r[1] is not None}
    assert {"posts", "accounts"} <= by_origin, by_origin          # both kinds of sighting are present
    for origin, seen, expected in rows:
        want = None if expected is None else expected.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert seen == want, (origin, seen, want)


def test_stage_memory_is_a_quarter_of_the_ram_within_bounds() -> None:
    gib = 1 << 30
    assert stage_memory(24 * gib) == f"{STAGE_CAP_MB}MB"       # 6 GB would be a quarter: capped
    assert stage_memory(8 * gib) == "2048MB"
    assert stage_memory(2 * gib) == f"{STAGE_FLOOR_MB}MB"      # 512 MB would be a quarter: the floor
    assert stage_memory(0) == f"{STAGE_FLOOR_MB}MB"            # unknown RAM
