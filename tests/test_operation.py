from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from rescue import operation
from rescue.errors import OperationError

from .conftest import run_contract_check


def test_init_creates_the_contract_folder(tmp_path: Path) -> None:
    op = operation.init(tmp_path / "op", name="Rescue-2", agency="EUROPOL", handling_code="H2")
    data = tomllib.loads((tmp_path / "op" / "operation.toml").read_text())
    assert data["name"] == "Rescue-2"
    assert data["agency"] == "EUROPOL"
    assert data["default_handling_code"] == "H2"
    assert data["retention_review_date"] > operation.utcnow().date()
    assert op.store_path.is_file() and op.register_path.is_file() and op.packages_dir.is_dir()
    result = run_contract_check(tmp_path / "op")
    assert result.returncode == 0, result.stdout
    assert "contract holds" in result.stdout


def test_init_refuses_existing_operation_and_bad_code(tmp_path: Path) -> None:
    operation.init(tmp_path / "op")
    with pytest.raises(OperationError, match="already an operation"):
        operation.init(tmp_path / "op")
    with pytest.raises(OperationError, match="handling code"):
        operation.init(tmp_path / "op2", handling_code="H7")


def test_load_rejects_non_operation(tmp_path: Path) -> None:
    with pytest.raises(OperationError, match="not an operation folder"):
        operation.load(tmp_path)
    (tmp_path / "operation.toml").write_text("name = [unclosed")
    with pytest.raises(OperationError, match=r"operation\.toml"):
        operation.load(tmp_path)


def test_register_round_trip(tmp_path: Path) -> None:
    op = operation.init(tmp_path / "op")
    operation.append_register(op, {"sha256": "a" * 64, "path": "/x"})
    assert operation.read_register(op) == [{"sha256": "a" * 64, "path": "/x"}]
    op.register_path.write_text(op.register_path.read_text() + "{broken\n")
    with pytest.raises(OperationError, match=r"register.jsonl:2"):
        operation.read_register(op)
    assert json.loads(op.register_path.read_text().splitlines()[0])["path"] == "/x"
