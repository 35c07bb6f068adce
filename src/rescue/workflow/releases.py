"""Package releases: drafts, four-eyes approval, release, the dissemination register and which persons
each release disclosed.

Tables (stable contract, read by the workbench; see docs/package.md):

- ``releases`` — one row per package version of a country: ``status`` ``draft`` → ``approved`` →
  ``released`` (or ``superseded`` when a newer draft of the country replaced an unreleased one),
  ``kind`` ``full`` / ``supplement``, who drafted, approved and released it and when, the recipients,
  the sha256 of its manifest.
- ``release_persons`` — ``(country, version, person_id)`` for every person a **released** version
  disclosed (rows are written at release, never for drafts), with the data-subject category, the change
  against the previous release (``new``, ``changed``, ``withdrawn``, ``unchanged``) and the sha256 of the
  person's report (what the next supplement compares against).
- ``disseminations`` — the dissemination register: one row per release to one recipient (what, to whom,
  by whom, approved by whom, when, the manifest hash). ``packages/register.jsonl`` holds the same lines.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from rescue.workflow.db import Base

STATUSES = ("draft", "approved", "released", "superseded")
KINDS = ("full", "supplement")


class Release(Base):
    __tablename__ = "releases"

    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    base_version: Mapped[int | None] = mapped_column(Integer, default=None)  # a supplement: the release it follows
    handling_code: Mapped[str] = mapped_column(String(2))
    tlp: Mapped[str] = mapped_column(String(32))
    persons: Mapped[int] = mapped_column(Integer, default=0)
    path: Mapped[str] = mapped_column(Text)  # relative to the operation folder
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    drafted_by: Mapped[str] = mapped_column(String(64))
    drafted_at: Mapped[dt.datetime] = mapped_column(DateTime)
    approved_by: Mapped[str | None] = mapped_column(String(64), default=None)
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    released_by: Mapped[str | None] = mapped_column(String(64), default=None)
    released_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    recipients: Mapped[str] = mapped_column(Text, default="[]")  # JSON list

    @property
    def ref(self) -> str:
        return f"{self.country}/{self.version}"

    @property
    def recipient_list(self) -> list[str]:
        value = json.loads(self.recipients or "[]")
        return [str(v) for v in value]


class ReleasePerson(Base):
    __tablename__ = "release_persons"

    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    person_id: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(16), default="lead")  # lead | deconfliction
    category: Mapped[str] = mapped_column(String(32), default="suspect")  # LED Art. 6 category
    change: Mapped[str] = mapped_column(String(16), default="new")  # new | changed | withdrawn | unchanged
    report_sha256: Mapped[str] = mapped_column(String(64), default="")


class Dissemination(Base):
    __tablename__ = "disseminations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(Text)
    released_by: Mapped[str] = mapped_column(String(64))
    approved_by: Mapped[str] = mapped_column(String(64))
    drafted_by: Mapped[str] = mapped_column(String(64))
    handling_code: Mapped[str] = mapped_column(String(2))
    tlp: Mapped[str] = mapped_column(String(32))
    persons: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(Text)
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    justification: Mapped[str] = mapped_column(Text, default="")


def releases_of(s: Session, country: str | None = None) -> list[Release]:
    q = select(Release).order_by(Release.country, Release.version)
    if country:
        q = q.where(Release.country == country)
    return list(s.scalars(q))


def released_person_ids(s: Session, country: str) -> set[str]:
    """Every person ever disclosed to ``country`` by a released version (withdrawn ones included: they
    were disclosed once)."""
    q = select(ReleasePerson.person_id).join(
        Release, (Release.country == ReleasePerson.country) & (Release.version == ReleasePerson.version)
    ).where(ReleasePerson.country == country, Release.status == "released")
    return set(s.scalars(q))
