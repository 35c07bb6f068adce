"""Four eyes and release: approve a draft (a reviewer who is not its drafter), release an approved version to
named recipients, keep the dissemination register (workflow store and ``packages/register.jsonl``) and log
every step in the processing log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from rescue import operation
from rescue.errors import RescueError, UsageError
from rescue.package.render import read_parts, verify_folder
from rescue.workflow import audit, open_workflow
from rescue.workflow.releases import Dissemination, Release, ReleasePerson, releases_of
from rescue.workflow.users import get_user

APPROVER_ROLES = ("reviewer", "admin")
RELEASER_ROLES = ("reviewer", "admin", "analyst")
REGISTER = "register.jsonl"


class ReleaseError(RescueError):
    """A release step was refused (four eyes, order of steps, altered files)."""


@dataclass(frozen=True)
class ReleaseInfo:
    """One package version as the workbench lists it (stable contract, docs/package.md)."""

    country: str
    version: int
    status: str
    kind: str
    base_version: int | None
    persons: int
    handling_code: str
    tlp: str
    path: str
    manifest_sha256: str
    drafted_by: str
    drafted_at: str
    approved_by: str | None
    approved_at: str | None
    released_by: str | None
    released_at: str | None
    recipients: list[str]

    @property
    def ref(self) -> str:
        return f"{self.country}/{self.version}"

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "ref": self.ref}


def _iso(v: Any) -> str | None:
    return None if v is None else v.replace(microsecond=0).isoformat() + "Z"


def _info(r: Release) -> ReleaseInfo:
    return ReleaseInfo(r.country, r.version, r.status, r.kind, r.base_version, r.persons, r.handling_code, r.tlp,
                       r.path, r.manifest_sha256, r.drafted_by, _iso(r.drafted_at) or "", r.approved_by,
                       _iso(r.approved_at), r.released_by, _iso(r.released_at), r.recipient_list)


def parse_ref(ref: str) -> tuple[str, int]:
    """``DE/3`` → (``DE``, 3)."""
    cc, _, v = ref.partition("/")
    if len(cc) != 2 or not cc.isalpha() or not v.isdigit():
        raise UsageError(f"package reference {ref!r}: expected COUNTRY/VERSION, e.g. DE/1")
    return cc.upper(), int(v)


def _get(s: Session, country: str, version: int) -> Release:
    r = s.get(Release, (country, version))
    if r is None:
        raise UsageError(f"no package {country}/{version} in the workflow store")
    return r


def _verify(op_root: Path, r: Release) -> None:
    problems = verify_folder(op_root / r.path, r.manifest_sha256)
    if problems:
        more = f" (+{len(problems) - 1} more)" if problems[1:] else ""
        raise ReleaseError(f"package {r.ref}: {problems[0]}{more}")


def list_releases(op_root: Path, country: str | None = None) -> list[ReleaseInfo]:
    wf = open_workflow(operation.load(op_root).root)
    try:
        with wf.session() as s:
            return [_info(r) for r in releases_of(s, country.upper() if country else None)]
    finally:
        wf.close()


def approve(op_root: Path, country: str, version: int, by: str, *, note: str = "") -> ReleaseInfo:
    """Approve a draft. Refused unless ``by`` is an active reviewer (or admin) other than the drafter, and the
    files are exactly those drafted (manifest hashes)."""
    op = operation.load(op_root)
    wf = open_workflow(op.root)
    try:
        with wf.session() as s:
            r = _get(s, country.upper(), version)
            user = get_user(s, by)
            if r.status != "draft":
                raise ReleaseError(f"package {r.ref} is {r.status}: only a draft can be approved")
            if user.role not in APPROVER_ROLES:
                raise ReleaseError(f"user {by!r} ({user.role}) may not approve packages: role reviewer needed")
            if user.username == r.drafted_by:
                raise ReleaseError(f"four eyes: {by!r} drafted {r.ref} and cannot approve it; another reviewer must")
            _verify(op.root, r)
            r.status, r.approved_by, r.approved_at = "approved", user.username, audit.utcnow()
            audit.append(s, actor=by, action="alteration", object_kind="package", object_id=r.ref, country=r.country,
                         justification=note or "four-eyes review: approved for release",
                         details={"status": "approved", "drafted_by": r.drafted_by,
                                  "manifest_sha256": r.manifest_sha256})
            return _info(r)
    finally:
        wf.close()


def release(op_root: Path, country: str, version: int, by: str, recipients: list[str], *,
            justification: str = "") -> ReleaseInfo:
    """Release an approved version to ``recipients``: register (store + register.jsonl), the persons it
    disclosed (``release_persons``), one ``disclosure`` entry in the processing log."""
    recipients = [r.strip() for r in recipients if r.strip()]
    if not recipients:
        raise UsageError("a release needs at least one recipient (--to)")
    op = operation.load(op_root)
    wf = open_workflow(op.root)
    try:
        with wf.session() as s:
            r = _get(s, country.upper(), version)
            user = get_user(s, by)
            if r.status != "approved":
                raise ReleaseError(f"package {r.ref} is {r.status}: it must be approved by a second person before "
                                   "release")
            if user.role not in RELEASER_ROLES:
                raise ReleaseError(f"user {by!r} ({user.role}) may not release packages")
            _verify(op.root, r)
            doc = read_parts(op.root / r.path / "package.json", ("index", "withdrawn"))
            now = audit.utcnow()
            r.status, r.released_by, r.released_at = "released", user.username, now
            r.recipients = json.dumps(recipients, ensure_ascii=False)
            for it in doc["index"]:
                s.add(ReleasePerson(country=r.country, version=r.version, person_id=it["person_id"], role=it["role"],
                                    category=it["category"], change=it["change"], report_sha256=it["report_sha256"]))
            for w in doc["withdrawn"]:
                s.add(ReleasePerson(country=r.country, version=r.version, person_id=w["person_id"], role="lead",
                                    category="suspect", change="withdrawn", report_sha256=""))
            why = justification or f"intelligence package {r.ref} for the competent authorities of {r.country}"
            lines = []
            for rec in recipients:
                d = Dissemination(at=now, country=r.country, version=r.version, kind=r.kind, recipient=rec,
                                  released_by=user.username, approved_by=r.approved_by or "", drafted_by=r.drafted_by,
                                  handling_code=r.handling_code, tlp=r.tlp, persons=r.persons, path=r.path,
                                  manifest_sha256=r.manifest_sha256, justification=why)
                s.add(d)
                lines.append(register_line(d))
            audit.append(s, actor=by, action="disclosure", object_kind="package", object_id=r.ref, country=r.country,
                         recipients=recipients, justification=why,
                         details={"kind": r.kind, "persons": r.persons, "approved_by": r.approved_by,
                                  "drafted_by": r.drafted_by, "manifest_sha256": r.manifest_sha256, "path": r.path,
                                  "person_ids": [it["person_id"] for it in doc["index"]],
                                  "withdrawn": [w["person_id"] for w in doc["withdrawn"]]})
            s.flush()
            info = _info(r)
    finally:
        wf.close()
    # after the commit: a line in the file always has its row in the store (the store is the reference;
    # `register()` reads it back)
    reg = op.packages_dir / REGISTER
    reg.parent.mkdir(parents=True, exist_ok=True)
    with reg.open("a", encoding="utf-8") as fh:
        for line in lines:
            fh.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
    return info


def register_line(d: Dissemination) -> dict[str, Any]:
    return {"at": _iso(d.at), "package": f"{d.country}/{d.version}", "country": d.country, "version": d.version,
            "kind": d.kind, "recipient": d.recipient, "released_by": d.released_by, "approved_by": d.approved_by,
            "drafted_by": d.drafted_by, "handling_code": d.handling_code, "tlp": d.tlp, "persons": d.persons,
            "path": d.path, "manifest_sha256": d.manifest_sha256, "justification": d.justification}


def register(op_root: Path) -> list[dict[str, Any]]:
    """The dissemination register from the workflow store, oldest first."""
    from sqlalchemy import select

    wf = open_workflow(operation.load(op_root).root)
    try:
        with wf.session() as s:
            return [register_line(d) for d in s.scalars(select(Dissemination).order_by(Dissemination.id))]
    finally:
        wf.close()
