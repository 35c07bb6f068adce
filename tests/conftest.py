"""Shared test fixtures: paths to the real-schema dumps, the contract checker, small worlds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
DUMPS = HERE / "fixtures" / "forum-dumps"
CONTRACT_CHECK = HERE / "fixtures" / "tools" / "contract_check.py"


def run_contract_check(op_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(CONTRACT_CHECK), str(op_dir), *extra],
                          capture_output=True, text=True, check=False)


@pytest.fixture(scope="session")
def dumps() -> Path:
    return DUMPS


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 400-member synthetic world (dumps + truth), generated once per test session."""
    from rescue.synth import generate

    out = tmp_path_factory.mktemp("world")
    generate(out, members=400, seed=11)
    return out
