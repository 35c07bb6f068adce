"""The operation folder: operation.toml, store.duckdb, evidence/register.jsonl, packages/."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rescue.errors import OperationError
from rescue.store import duck

HANDLING_CODES = ("H0", "H1", "H2", "H3")


@dataclass(frozen=True)
class Operation:
    root: Path
    name: str
    agency: str
    handling_code: str
    retention_review: dt.date

    @property
    def store_path(self) -> Path:
        return self.root / "store.duckdb"

    @property
    def register_path(self) -> Path:
        return self.root / "evidence" / "register.jsonl"

    @property
    def packages_dir(self) -> Path:
        return self.root / "packages"


def _toml_text(name: str, agency: str, handling: str, review: dt.date) -> str:
    def q(s: str) -> str:
        return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string

    return (
        "# Rescue operation. Edit with care: the processing log records changes.\n"
        f"name = {q(name)}\n"
        f"agency = {q(agency)}\n"
        f"default_handling_code = {q(handling)}\n"
        f"retention_review_date = {review.isoformat()}\n"
        f"created_at = {q(utcnow().isoformat(timespec='seconds') + 'Z')}\n"
    )


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def init(root: Path, *, name: str | None = None, agency: str = "UNSPECIFIED", handling_code: str = "H0",
         retention_years: int = 3) -> Operation:
    if handling_code not in HANDLING_CODES:
        raise OperationError(f"handling code {handling_code!r} is not one of {', '.join(HANDLING_CODES)}")
    if (root / "operation.toml").exists():
        raise OperationError(f"{root}: already an operation folder (operation.toml exists)")
    if root.exists() and not root.is_dir():
        raise OperationError(f"{root}: exists and is not a folder")
    root.mkdir(parents=True, exist_ok=True)
    (root / "evidence").mkdir(exist_ok=True)
    (root / "packages").mkdir(exist_ok=True)
    today = utcnow().date()
    review = today.replace(year=today.year + retention_years) if not (today.month == 2 and today.day == 29) \
        else today.replace(year=today.year + retention_years, day=28)
    (root / "operation.toml").write_text(
        _toml_text(name or root.resolve().name, agency, handling_code, review), encoding="utf-8")
    (root / "evidence" / "register.jsonl").touch()
    con = duck.connect(root / "store.duckdb")
    try:
        duck.ensure_schema(con)
    finally:
        con.close()
    return load(root)


def load(root: Path) -> Operation:
    toml_path = root / "operation.toml"
    if not toml_path.is_file():
        raise OperationError(f"{root}: not an operation folder (no operation.toml; run `rescue init {root}`)")
    try:
        data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise OperationError(f"{toml_path}: {exc}") from exc
    try:
        review = data["retention_review_date"]
        if not isinstance(review, dt.date):
            review = dt.date.fromisoformat(str(review))
        op = Operation(root=root, name=str(data["name"]), agency=str(data["agency"]),
                       handling_code=str(data["default_handling_code"]), retention_review=review)
    except (KeyError, ValueError) as exc:
        raise OperationError(f"{toml_path}: missing or bad setting {exc}") from exc
    if not op.store_path.exists() or not op.register_path.parent.is_dir():
        raise OperationError(f"{root}: incomplete operation folder (store.duckdb or evidence/ missing)")
    return op


def sha256_file(path: Path, chunk: int = 4 << 20) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def read_register(op: Operation) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n, line in enumerate(op.register_path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise OperationError(f"{op.register_path}:{n}: not JSON ({exc.msg})") from exc
    return out


def append_register(op: Operation, entry: dict[str, Any]) -> None:
    with op.register_path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
