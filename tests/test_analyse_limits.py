"""The analysis under a memory limit: DuckDB is bounded and spills, the findings do not change.

The session's 400-member ``small_world`` is ingested once and copied twice; one copy is analysed with the
defaults, the other with a tight ``memory_limit`` and one thread. Every findings table must be identical,
row for row *in stored order* (the same content hash and the same ordered hash that
``bench/analyse_steps.py hash`` compares at 70,000 members).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from rescue import operation
from rescue.analyse import limits
from rescue.analyse.store import FINDINGS_TABLES
from rescue.errors import OperationError
from rescue.flow import analyse_operation
from rescue.ingest.pipeline import ingest


@pytest.fixture(scope="module")
def ingested(small_world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("limits") / "ingested"
    ingest(operation.init(root, name="limits"), small_world / "forum" / "phpbb.sql")
    return root


@pytest.fixture(scope="module")
def analysed(ingested: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of ``ingested`` analysed with the defaults (do not modify: copy it)."""
    root = tmp_path_factory.mktemp("limits") / "analysed"
    shutil.copytree(ingested, root)
    analyse_operation(operation.load(root))
    return root


def _tables(store: Path) -> dict[str, tuple[int, str]]:
    """Per findings table: rows and a hash of every row in stored order."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        out = {}
        for t in FINDINGS_TABLES:
            if t in have:
                rows = con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()
                out[t] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return out
    finally:
        con.close()


def _counts(store: Path) -> dict[str, int]:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return dict(json.loads(con.execute("SELECT counts FROM analyse_runs ORDER BY started_at DESC LIMIT 1"
                                           ).fetchall()[0][0]))
    finally:
        con.close()


def test_tight_memory_limit_gives_identical_findings(ingested: Path, analysed: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    free = analysed
    tight = tmp_path / "tight"
    shutil.copytree(ingested, tight)
    # identity's Splink database is bounded too (half the limit, spilling under the run's temp directory)
    from rescue.identity import attributes

    side: list[tuple[str, str]] = []

    def recorded(store: duckdb.DuckDBPyConnection, name: str = "side") -> duckdb.DuckDBPyConnection:
        con = limits.side_connection(store, name)
        side.append(con.execute("SELECT current_setting('memory_limit'), current_setting('temp_directory')"
                                ).fetchall()[0])
        return con

    monkeypatch.setattr(attributes, "side_connection", recorded)
    b = analyse_operation(operation.load(tight), memory_limit="80MB", threads=1)
    assert len(side) == 1 and side[0][1] == str(tight / limits.TEMP_DIR / "splink")
    assert abs(limits.size_bytes(side[0][0]) - (limits.SIDE_FLOOR_MB << 20)) < 8 << 20   # half of 80MB: below the floor
    assert _counts(free / "store.duckdb") == b.counts
    assert b.counts["selectors"] > 500 and b.counts["attribution_evidence"] > 500
    ta, tb = _tables(free / "store.duckdb"), _tables(tight / "store.duckdb")
    assert set(ta) >= {"persons", "selectors", "account_signals", "attribution_evidence", "attribution", "risk"}
    assert ta == tb
    # the limit reached the run record, and the spill folder is gone afterwards
    con = duckdb.connect(str(tight / "store.duckdb"), read_only=True)
    try:
        config = con.execute("SELECT config FROM analyse_runs ORDER BY started_at DESC LIMIT 1").fetchall()[0][0]
    finally:
        con.close()
    assert '"memory_limit": "80MB"' in config and '"threads": 1' in config
    assert not (tight / limits.TEMP_DIR).exists()


def test_limits_are_set_on_the_connection(tmp_path: Path) -> None:
    lim = limits.resolve(tmp_path / "store.duckdb", "300MB", 1)
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    try:
        lim.apply(con)
        mem = con.execute("SELECT current_setting('memory_limit'), current_setting('threads'), "
                          "current_setting('temp_directory'), current_setting('preserve_insertion_order')"
                          ).fetchall()[0]
    finally:
        con.close()
    assert mem[0].replace(" ", "") in ("286.1MiB", "300.0MB", "300MB")
    assert int(mem[1]) == 1 and mem[2] == str(tmp_path / limits.TEMP_DIR) and mem[3] is False


def test_side_connection_is_bounded_like_the_store(tmp_path: Path) -> None:
    lim = limits.resolve(tmp_path / "store.duckdb", "400MB", 1)
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    try:
        lim.apply(con)
        side = limits.side_connection(con, "splink")
        mem, threads, temp = side.execute("SELECT current_setting('memory_limit'), current_setting('threads'), "
                                          "current_setting('temp_directory')").fetchall()[0]
        # the store connection gives up as much while the side database is open: one budget for both
        lowered = limits.size_bytes(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])
        # it spills rather than fail: a sort of ~200 MB of rows under a 200 MB limit
        got = side.execute("SELECT count(*), max(s) FROM (SELECT i, repeat('x', 80) || i AS s FROM range(2000000) "
                           "t(i) ORDER BY s DESC)").fetchall()[0]
        limits.release_side(con, side)
        restored = limits.size_bytes(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])
        plain = limits.side_connection(duckdb.connect())   # no limits applied: half of DuckDB's default
        assert limits.size_bytes(plain.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]) > 0
        plain.close()
    finally:
        con.close()
        lim.cleanup()
    assert 0.45 * 400e6 <= limits.size_bytes(mem) <= 0.55 * 400e6
    assert 0.45 * 400e6 <= lowered <= 0.55 * 400e6 and 0.95 * 400e6 <= restored <= 1.05 * 400e6
    assert int(threads) == 1 and temp == str(tmp_path / limits.TEMP_DIR / "splink")
    assert got == (2000000, "x" * 80 + "999999")


def test_lowered_evicts_cached_pages_and_gives_the_limit_back(tmp_path: Path) -> None:
    lim = limits.resolve(tmp_path / "store.duckdb", "600MB", 1)
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    setting = "SELECT current_setting('memory_limit')"
    used = "SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()"
    try:
        lim.apply(con)
        con.execute("CREATE TABLE t AS SELECT i, md5(i::VARCHAR) || md5((-i)::VARCHAR) || md5((i + 7)::VARCHAR) AS s "
                    "FROM range(5000000) t(i)")
        con.execute("CHECKPOINT")
        con.execute("SELECT sum(length(s)), max(s) FROM t").fetchall()   # the table's pages are now cached
        before = limits.size_bytes(con.execute(setting).fetchall()[0][0])
        cached = int(con.execute(used).fetchall()[0][0])
        with limits.lowered(con):
            inside = limits.size_bytes(con.execute(setting).fetchall()[0][0])
            evicted = int(con.execute(used).fetchall()[0][0])
        after = limits.size_bytes(con.execute(setting).fetchall()[0][0])
        # DuckDB can still read what it evicted
        assert con.execute("SELECT count(*) FROM t").fetchall()[0][0] == 5000000
    finally:
        con.close()
        lim.cleanup()
    assert 0.2 * before <= inside <= 0.3 * before                 # a quarter of the limit meanwhile
    assert abs(after - before) <= 0.001 * before                   # and the whole limit afterwards
    assert cached > 1.2 * inside and evicted <= inside           # the cached pages beyond it were given back


def test_default_and_bad_limits(tmp_path: Path) -> None:
    gib = 1 << 30
    assert limits.default_memory_limit(8 * gib) == "4096MB"          # half of a small machine
    assert limits.default_memory_limit(64 * gib) == "8192MB"        # capped on a large one
    assert limits.size_bytes("1.5GB") == 1_500_000_000 and limits.size_bytes("2GiB") == 2 * gib
    auto = limits.resolve(tmp_path / "store.duckdb")
    assert auto.threads >= 1 and limits.size_bytes(auto.memory_limit) > 0
    with pytest.raises(OperationError, match="memory limit 'lots'"):
        limits.resolve(tmp_path / "store.duckdb", "lots")
    with pytest.raises(OperationError, match="threads"):
        limits.resolve(tmp_path / "store.duckdb", "1GB", -2)


def _rescue(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rescue.cli", *args], capture_output=True, text=True, check=False)


def test_cli_rejects_a_bad_memory_limit(ingested: Path, tmp_path: Path) -> None:
    op = tmp_path / "op"
    shutil.copytree(ingested, op)
    result = _rescue("analyse", str(op), "--memory-limit", "lots")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "rescue: error: memory limit 'lots': give a size such as 512MB, 1GB or 4GiB"]
    (op / "operation.toml").write_text((op / "operation.toml").read_text(encoding="utf-8")
                                       + '\n[analyse]\nmemory_limit = "12 parsecs"\n', encoding="utf-8")
    result = _rescue("analyse", str(op))
    assert result.returncode != 0 and "memory limit '12 parsecs'" in result.stderr


def test_risk_prescan_gives_the_same_risk_tables(analysed: Path, tmp_path: Path) -> None:
    """risk's lexicon scan, started ahead in a child process, gives the same items as scanning in place; when
    the accounts change after it started, it is not used."""
    from rescue import risk
    from rescue.risk import prescan

    op = tmp_path / "op"
    shutil.copytree(analysed, op)
    con = duckdb.connect(str(op / "store.duckdb"))
    try:
        job = prescan.start(con, tmp_path / "work")
        hits = job.result(con)
        assert hits is not None and len(hits) > 50
        assert all(k[1] in ("posts", "messages", "quotes", "accounts", "profile_fields") for k in hits)
        in_place = risk.run(con)   # scanning the texts itself
        before = {t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall()
                  for t in ("risk", "risk_indicators", "risk_evidence")}
        ahead = risk.run(con, prescanned=prescan.start(con, tmp_path / "work2"))
        after = {t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in before}
        assert after == before and ahead.hits == in_place.hits > 0 and ahead.texts_read == in_place.texts_read
        # persons regrouped after the scan started (same accounts): its rows are credited to the persons of now
        moved = prescan.start(con, tmp_path / "work4")
        con.execute("""UPDATE person_accounts SET person_id = (SELECT min(person_id) FROM person_accounts)
                       WHERE account_id = (SELECT min(account_id) FROM risk_evidence WHERE source_table = 'posts')""")
        regrouped = risk.run(con, prescanned=moved)
        ahead_tables = {t: con.execute(f'SELECT * FROM "{t}"').fetchall() for t in before}
        risk.run(con)
        assert ahead_tables == {t: con.execute(f'SELECT * FROM "{t}"').fetchall() for t in before} != after
        assert regrouped.hits == in_place.hits
        stale = prescan.start(con, tmp_path / "work3")
        con.execute("DELETE FROM person_accounts WHERE rowid = (SELECT min(rowid) FROM person_accounts)")
        assert stale.result(con) is None
    finally:
        con.close()
