"""Ingest under a DuckDB memory limit: the limit is in force inside the transaction, the store is the same."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rescue import operation
from rescue.errors import OperationError
from rescue.ingest import pipeline
from rescue.store import duck
from tests.test_ingest_parallel import physical


def _settings_seen(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """What DuckDB's memory settings are while the ingest transaction is open (just before COMMIT)."""
    seen: list[tuple[Any, ...]] = []
    write = pipeline._write_summary

    def spy(con: Any, sid: str, counts: Any) -> None:
        row = con.execute("SELECT current_setting('memory_limit'), current_setting('temp_directory')").fetchone()
        seen.append(tuple(row))
        write(con, sid, counts)

    monkeypatch.setattr(pipeline, "_write_summary", spy)
    return seen


def test_small_memory_limit_gives_the_same_store(small_world: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    dump = small_world / "forum" / "phpbb.sql"
    seen = _settings_seen(monkeypatch)
    free_op, tight_op = operation.init(tmp_path / "free"), operation.init(tmp_path / "tight")
    free = ingest_with(free_op, dump, "4GB")
    tight = ingest_with(tight_op, dump, "24MB")
    assert physical(tight_op) == physical(free_op)
    assert tight.counts == free.counts and tight.counts.holds()
    assert tight.mode.startswith("parallel")
    assert seen[0][0].startswith("3.7") and seen[1][0].startswith("22.8")  # DuckDB shows GiB / MiB
    assert seen[1][1] == str(tight_op.root / ".ingest-tmp" / "spill")
    assert not (tight_op.root / ".ingest-tmp").exists()


def ingest_with(op: operation.Operation, dump: Path, limit: str) -> pipeline.IngestResult:
    return pipeline.ingest(op, dump, workers=2, memory_limit=limit)


def test_default_limit_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RESCUE_INGEST_MEMORY", raising=False)
    assert duck.ingest_memory(None) == duck.INGEST_MEMORY
    monkeypatch.setenv("RESCUE_INGEST_MEMORY", "3GB")
    assert duck.ingest_memory(None) == "3GB"
    assert duck.ingest_memory("512MB") == "512MB"
    for bad in ("lots", "1GB'; DROP TABLE posts; --", "-1GB", "12"):
        with pytest.raises(OperationError, match="memory limit"):
            duck.ingest_memory(bad)


def test_cli_rejects_a_bad_limit_in_one_line(small_world: Path, tmp_path: Path) -> None:
    op = operation.init(tmp_path / "op")
    result = subprocess.run([sys.executable, "-m", "rescue.cli", "ingest", str(op.root),
                             str(small_world / "forum" / "phpbb.sql"), "--memory-limit", "much"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "rescue: error: memory limit 'much': give a size such as 512MB, 1GB or 4GiB"]
    assert not any(entry.get("source_id") for entry in operation.read_register(op))
