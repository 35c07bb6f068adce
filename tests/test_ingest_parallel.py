"""Parallel ingest of a plain mysqldump: the same store as a sequential read, or a sequential read."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from rescue import operation
from rescue.ingest import partition, scan
from rescue.ingest.pipeline import IngestResult, ingest
from rescue.store import schema


def physical(op: operation.Operation) -> dict[str, list[tuple[object, ...]]]:
    """Every evidence table in stored order (intake times and path left out)."""
    con = duckdb.connect(str(op.store_path), read_only=True)
    try:
        out: dict[str, list[tuple[object, ...]]] = {}
        for table in schema.EVIDENCE_TABLES:
            cols = [c for c in schema.column_names(table) if c not in ("received_at", "ingested_at", "path")]
            out[table] = con.execute(f'SELECT {", ".join(repr(c).replace(chr(39), chr(34)) for c in cols)} '
                                     f'FROM "{table}"').fetchall()
        return out
    finally:
        con.close()


@pytest.fixture()
def tiny_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cut even a small fixture at every INSERT statement."""
    monkeypatch.setattr(scan, "SPACING", 1)
    monkeypatch.setattr(partition, "MIN_PART", 1)
    monkeypatch.setattr(partition, "PARTS_PER_WORKER", 10_000)


def both(tmp_path: Path, dump: Path) -> tuple[IngestResult, IngestResult]:
    """Sequential and parallel ingest of ``dump``; the stores must be identical, row order included."""
    seq_op, par_op = operation.init(tmp_path / "seq"), operation.init(tmp_path / "par")
    seq = ingest(seq_op, dump, workers=1)
    par = ingest(par_op, dump, workers=2)
    assert seq.mode == "sequential"
    assert physical(par_op) == physical(seq_op)
    assert par.counts == seq.counts and par.counts.holds()
    assert par.canonical_rows == {t: n for t, n in seq.canonical_rows.items() if n}
    assert not (par_op.root / ".ingest-tmp").exists()
    return seq, par


def test_layout_points_at_statement_starts(tiny_parts: None, dumps: Path) -> None:
    path = dumps / "phpbb30_default.sql"
    data = path.read_bytes()
    structure, layout = scan.scan_layout(path)
    assert structure == scan.scan_mysqldump(path) and layout.size == len(data)
    assert len(layout.inserts) == data.count(b"\nINSERT INTO")
    for offset, line, table in layout.inserts:
        assert data.startswith(b"INSERT INTO `" + table.encode() + b"`", offset)
        assert data[:offset].count(b"\n") + 1 == line
    assert [t.name for _, t in layout.creates] == list(structure.defs)
    assert layout.charsets == [(data.index(b"/*!40101 SET NAMES"), "utf8mb4")]
    parts = partition.plan_parts(layout, "utf8mb4", 2)
    assert parts[0].start == 0 and parts[-1].end == len(data) and [p.final for p in parts].count(True) == 1
    assert all(a.end == b.start for a, b in itertools.pairwise(parts))
    for part in parts[1:]:  # every table created before a part is declared in its predicted state
        assert {n for n, _, _ in part.state.declared} == {t.name for at, t in layout.creates if at < part.start}


def test_world_in_parts_equals_sequential(small_world: Path, tmp_path: Path) -> None:
    _, par = both(tmp_path, small_world / "forum" / "phpbb.sql")
    assert par.mode.startswith("parallel: 2 workers")


def test_fixtures_in_parts_equal_sequential(tiny_parts: None, dumps: Path, tmp_path: Path) -> None:
    for name in ("phpbb30_default.sql", "mybb18_latin1.sql", "smf21_data_only.sql"):
        _, par = both(tmp_path / name, dumps / name)
        assert par.mode.startswith("parallel"), (name, par.mode)


def test_charset_switch_and_delimiter_are_carried_into_later_parts(tiny_parts: None, dumps: Path,
                                                                   tmp_path: Path) -> None:
    data = (dumps / "phpbb30_default.sql").read_bytes()
    posts = b"INSERT INTO `phpbb_posts` VALUES"
    trigger = (b"DELIMITER ;;\nCREATE TRIGGER t1 AFTER INSERT ON phpbb_users FOR EACH ROW BEGIN\n"
               b"INSERT INTO `phpbb_log` VALUES (1,0,2,0,0,0,'192.0.2.1',1,'x','');\nEND ;;\nDELIMITER ;\n")
    data = data.replace(posts, trigger + b"/*!40101 SET NAMES latin1 */;\n" + posts, 1)
    data = data.replace("and café<br />".encode(), b"and caf\xe9<br />", 1)
    dump = tmp_path / "switch.sql"
    dump.write_bytes(data)
    seq, par = both(tmp_path, dump)
    assert par.mode.startswith("parallel")
    assert seq.counts.of("phpbb_posts").recoded == 0  # latin1 declared, so é is not a recoding


def test_line_start_inside_a_value_falls_back_to_sequential(tiny_parts: None, dumps: Path, tmp_path: Path) -> None:
    data = (dumps / "phpbb30_default.sql").read_bytes()
    fake = b"a line break\nINSERT INTO `phpbb_posts` VALUES (9,9,9);\nin a post"
    data = data.replace(b"reply in 3.2+ s9e XML form", fake, 1)
    dump = tmp_path / "newline.sql"
    dump.write_bytes(data)
    _, par = both(tmp_path, dump)
    assert par.mode.startswith("sequential, parallel read abandoned")


def test_truncated_dump_in_parts(tiny_parts: None, dumps: Path, tmp_path: Path) -> None:
    data = (dumps / "phpbb30_default.sql").read_bytes()
    dump = tmp_path / "cut.sql"
    dump.write_bytes(data[:data.index(b"reply in 3.2+ s9e XML form")])
    seq, par = both(tmp_path, dump)
    assert par.mode.startswith("parallel") and seq.counts.of("phpbb_posts").quarantined == 1


def test_kill_minus_9_with_workers_then_rerun_equals_clean_run(small_world: Path, tmp_path: Path) -> None:
    dump = small_world / "forum" / "phpbb.sql"
    clean = operation.init(tmp_path / "clean")
    ingest(clean, dump, workers=1)
    killed = operation.init(tmp_path / "killed")
    env = {**os.environ, "RESCUE_INGEST_WORKERS": "2"}
    cmd = [sys.executable, "-m", "rescue.cli", "ingest", str(killed.root), str(dump)]
    for delay in (1.0, 2.0, 3.0):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while _workers_of(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _workers_of(proc.pid), "a worker outlived its parent"
    res = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    assert res.returncode == 0, res.stderr
    assert physical(killed) == physical(clean)
    assert len(operation.read_register(killed)) == 1
    assert not (killed.root / ".ingest-tmp").exists()


def _workers_of(pid: int) -> list[int]:
    """Live worker processes whose command line names parent ``pid``."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if any(b"from rescue.ingest.worker import main" in c for c in cmd) and str(pid).encode() in cmd:
                out.append(int(entry.name))
    return out
