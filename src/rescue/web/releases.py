"""The package register as the workbench sees it (``rescue.workflow.releases``, written by ``rescue package``).

Read through the tables' documented contract (``releases``, ``release_persons``; docs/package.md), so
that the workbench needs nothing of the package code to enforce need-to-know; actions (approve, release)
go through the package workflow's functions. No tables yet: no releases, and a liaison officer sees nothing.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session


def _has_tables(s: Session) -> bool:
    names = set(inspect(s.connection()).get_table_names())
    return {"releases", "release_persons"} <= names


def released_persons(s: Session, country: str | None) -> frozenset[str]:
    """Persons disclosed to ``country`` by a released version: a liaison officer's whole scope."""
    if not country or not _has_tables(s):
        return frozenset()
    rows = s.execute(text("""SELECT DISTINCT rp.person_id FROM release_persons rp
                             JOIN releases r ON r.country = rp.country AND r.version = rp.version
                             WHERE rp.country = :cc AND r.status = 'released'"""), {"cc": country})
    return frozenset(str(r[0]) for r in rows)


@dataclass(frozen=True)
class ReleaseView:
    country: str
    version: int
    status: str
    kind: str
    persons: int
    handling_code: str
    tlp: str
    drafted_by: str
    drafted_at: Any
    approved_by: str | None
    approved_at: Any
    released_by: str | None
    released_at: Any
    recipients: list[str]
    path: str
    manifest_sha256: str

    @property
    def ref(self) -> str:
        return f"{self.country}/{self.version}"


def list_releases(s: Session, countries: frozenset[str] | None, *, released_only: bool = False) -> list[ReleaseView]:
    if not _has_tables(s):
        return []
    out = []
    for r in s.execute(text("SELECT * FROM releases ORDER BY country, version")).mappings():
        if countries is not None and r["country"] not in countries:
            continue
        if released_only and r["status"] != "released":
            continue
        out.append(ReleaseView(country=r["country"], version=int(r["version"]), status=r["status"], kind=r["kind"],
                               persons=int(r["persons"] or 0), handling_code=r["handling_code"], tlp=r["tlp"],
                               drafted_by=r["drafted_by"], drafted_at=r["drafted_at"], approved_by=r["approved_by"],
                               approved_at=r["approved_at"], released_by=r["released_by"],
                               released_at=_when(r["released_at"]), recipients=_recipients(r["recipients"]),
                               path=r["path"], manifest_sha256=r["manifest_sha256"]))
    return out


def _when(v: Any) -> dt.datetime | None:
    if v is None or isinstance(v, dt.datetime):
        return v
    return dt.datetime.fromisoformat(str(v))


def _recipients(v: Any) -> list[str]:
    try:
        value = json.loads(v or "[]")
    except ValueError:
        return [str(v)]
    return [str(x) for x in value] if isinstance(value, list) else [str(value)]


def persons_of(s: Session, country: str, version: int) -> list[str]:
    if not _has_tables(s):
        return []
    rows = s.execute(text("SELECT person_id FROM release_persons WHERE country = :cc AND version = :v "
                          "ORDER BY person_id"), {"cc": country, "v": version})
    return [str(r[0]) for r in rows]


def draft_persons(op_root: Path, path: str) -> list[str]:
    """The persons of a version not released yet (``release_persons`` is written at release): its package.json
    index, so that a reviewer sees whom a draft names before approving it."""
    folder = (op_root / path).resolve()
    if not folder.is_relative_to(op_root.resolve()):
        return []
    try:
        doc = json.loads((folder / "package.json").read_text(encoding="utf-8"))
        return sorted({str(it["person_id"]) for it in doc.get("index", [])})
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return []


def count_released(s: Session, countries: frozenset[str] | None) -> int:
    return len(list_releases(s, countries, released_only=True))


class ActionUnavailable(Exception):
    """The package workflow (``rescue package``) is not installed in this build."""


def _action(name: str) -> Any:
    for module in ("rescue.package", "rescue.package.workflow", "rescue.workflow.releases"):
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        fn = getattr(mod, name, None)
        if callable(fn):
            return fn
    raise ActionUnavailable(name)


def approve(op_root: Any, country: str, version: int, by: str) -> None:
    _action("approve")(op_root, country, version, by)


def release(op_root: Any, country: str, version: int, by: str, recipients: list[str]) -> None:
    _action("release")(op_root, country, version, by, recipients)
