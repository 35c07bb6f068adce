"""The command line: help for every verb, one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

VERBS = ("init", "ingest", "analyse", "xref", "evaluate", "synth", "demo", "summary", "package")


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


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    r = rescue("demo", str(tmp_path / "demo"), "--members", "300", "--seed", "3")
    assert r.returncode == 0, r.stderr[-2000:]
    assert "conservation holds" in " ".join(r.stdout.split())
    assert "attribution accuracy" in r.stdout
    op = tmp_path / "demo" / "operation"
    from .conftest import run_contract_check

    assert run_contract_check(op, "--findings").returncode == 0
    assert (tmp_path / "demo" / "evaluation.md").read_text().strip()
    again = rescue("demo", str(tmp_path / "demo"), "--members", "300", "--seed", "3")  # re-runnable
    assert again.returncode == 0, again.stderr[-2000:]


def test_demo_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "keep.txt").write_text("x")
    r = rescue("demo", str(tmp_path / "mine"))
    assert r.returncode != 0 and "not a demo folder" in r.stderr
    assert (tmp_path / "mine" / "keep.txt").exists()
