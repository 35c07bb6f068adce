"""A generated world: counts equal the ground truth, zero quarantine, idempotence, kill -9 safety."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from rescue import operation
from rescue.ingest.pipeline import ingest
from rescue.store import schema

from .conftest import run_contract_check


def snapshot(op: operation.Operation) -> dict[str, list[tuple[object, ...]]]:
    """Every evidence table, sorted; the intake times of `sources` left out (they differ per run)."""
    con = duckdb.connect(str(op.store_path), read_only=True)
    try:
        out: dict[str, list[tuple[object, ...]]] = {}
        for table in schema.EVIDENCE_TABLES:
            cols = [c for c in schema.column_names(table) if c not in ("received_at", "ingested_at", "path")]
            sel = ", ".join(f'"{c}"' for c in cols)
            out[table] = sorted(con.execute(f'SELECT {sel} FROM "{table}"').fetchall(), key=repr)
        return out
    finally:
        con.close()


def test_world_counts_equal_truth(small_world: Path, tmp_path: Path) -> None:
    op = operation.init(tmp_path / "op")
    dump = small_world / "forum" / "phpbb.sql"
    res = ingest(op, dump)
    assert res.software == "phpbb" and res.counts.holds()
    assert res.counts.quarantined == 0
    manifest = json.loads((small_world / "truth" / "manifest.json").read_text())
    expected = manifest["dumps"]["forum/phpbb.sql"]["rows"] if "dumps" in manifest else manifest["forum"]
    for table, n in expected.items():
        assert res.counts.of(table).read == n, table
    truth_accounts = sum(1 for line in (small_world / "truth" / "accounts.csv").read_text().splitlines()[1:]
                         if line.startswith("forum,"))
    con = duckdb.connect(str(op.store_path), read_only=True)
    try:
        (n_accounts,), = con.execute("select count(*) from accounts").fetchall()
        (guests,), = con.execute("select count(*) from accounts where is_guest").fetchall()
        (orphans,), = con.execute("select count(*) from posts p where not exists (select 1 from accounts a "
                                  "where a.account_id = p.account_id)").fetchall()
    finally:
        con.close()
    assert n_accounts == expected["phpbb_users"]
    assert guests == 1 and orphans == 0
    assert truth_accounts <= n_accounts
    assert run_contract_check(op.root).returncode == 0


def test_second_run_is_identical_and_changes_nothing(small_world: Path, tmp_path: Path) -> None:
    dump = small_world / "forum" / "phpbb.sql"
    a = operation.init(tmp_path / "a")
    b = operation.init(tmp_path / "b")
    ingest(a, dump)
    ingest(b, dump)
    first = snapshot(a)
    assert first == snapshot(b)  # deterministic
    again = ingest(a, dump)
    assert again.already and snapshot(a) == first
    assert len(operation.read_register(a)) == 1


def test_kill_minus_9_then_rerun_equals_clean_run(small_world: Path, tmp_path: Path) -> None:
    dump = small_world / "forum" / "phpbb.sql"
    clean = operation.init(tmp_path / "clean")
    ingest(clean, dump)
    killed = operation.init(tmp_path / "killed")
    for delay in (0.3, 1.0, 2.0):
        proc = subprocess.Popen([sys.executable, "-m", "rescue.cli", "ingest", str(killed.root), str(dump)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    res = subprocess.run([sys.executable, "-m", "rescue.cli", "ingest", str(killed.root), str(dump)],
                         capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    assert snapshot(killed) == snapshot(clean)
    assert len(operation.read_register(killed)) == 1
