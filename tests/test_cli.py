"""The command line: help for every verb, one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

VERBS = ("init", "ingest", "synth", "demo", "summary")


def rescue(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rescue.cli", *args], capture_output=True, text=True,
                          cwd=cwd, check=False)


@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_has_help(verb: str) -> None:
    r = rescue(verb, "--help")
    assert r.returncode == 0, r.stderr
    assert "Usage" in r.stdout


def test_errors_are_one_line_with_nonzero_exit(tmp_path: Path) -> None:
    r = rescue("ingest", str(tmp_path / "nope"), str(tmp_path / "x.sql"))
    assert r.returncode == 1
    assert r.stderr.strip().count("\n") == 0
    assert r.stderr.startswith("rescue: error:") and "not an operation folder" in r.stderr
    assert "Traceback" not in r.stderr


def test_usage_error_is_one_line() -> None:
    r = rescue("init")
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "Missing argument" in r.stderr


def test_ingest_of_non_dump_names_file(tmp_path: Path) -> None:
    assert rescue("init", str(tmp_path / "op")).returncode == 0
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 64)
    r = rescue("ingest", str(tmp_path / "op"), str(junk))
    assert r.returncode != 0
    assert str(junk) in r.stderr and r.stderr.strip().count("\n") == 0
    assert "Traceback" not in r.stderr
