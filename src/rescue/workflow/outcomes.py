"""Outcomes: what the receiving countries report back, per person (DESIGN.md, outcomes).

One row per reported event: a person was identified, searched, arrested, charged, convicted, children
were safeguarded (with a count), or the lead was not pursued (with the reason). The operation's figures
(suspects identified, arrests, children safeguarded) are computed from these rows and nothing else.
Rows are only appended (each also goes to the processing log); a reported step implies identification.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Date, DateTime, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from rescue.errors import UsageError
from rescue.operation import utcnow
from rescue.workflow.db import Base

KINDS = ("identified", "searched", "arrested", "charged", "convicted", "safeguarded", "not_pursued")
# The order of progress of a case; "not_pursued" closes it. Used to name a person's current status.
PROGRESS = {k: i for i, k in enumerate(KINDS)}


class Outcome(Base):
    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(String(40), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)  # the reporting country
    kind: Mapped[str] = mapped_column(String(16), index=True)  # one of KINDS
    event_date: Mapped[dt.date] = mapped_column(Date, index=True)
    children: Mapped[int] = mapped_column(Integer, default=0)  # children safeguarded (kind "safeguarded")
    reason: Mapped[str] = mapped_column(Text, default="")  # required for "not_pursued"
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    origin: Mapped[str] = mapped_column(String(300), default="form")  # "form", "api" or "import:FILE:LINE"


@dataclass(frozen=True)
class OutcomeInput:
    person_id: str
    kind: str
    event_date: dt.date
    children: int = 0
    reason: str = ""
    note: str = ""


def validate(o: OutcomeInput, today: dt.date | None = None) -> list[str]:
    """Every problem of one outcome, in words (empty when it is valid)."""
    problems: list[str] = []
    if not o.person_id.strip():
        problems.append("person_id is empty")
    if o.kind not in KINDS:
        problems.append(f"outcome {o.kind!r} is not one of {', '.join(KINDS)}")
    if o.event_date > (today or dt.date.today()) + dt.timedelta(days=1):
        problems.append(f"date {o.event_date.isoformat()} is in the future")
    if o.children < 0:
        problems.append("children safeguarded cannot be negative")
    if o.kind == "safeguarded" and o.children < 1:
        problems.append("a safeguarding outcome needs the number of children (at least 1)")
    if o.kind != "safeguarded" and o.children:
        problems.append(f"children are counted on a 'safeguarded' outcome, not on {o.kind!r}")
    if o.kind == "not_pursued" and not o.reason.strip():
        problems.append("'not_pursued' needs the reason")
    return problems


def record(s: Session, o: OutcomeInput, *, country: str, by: str, origin: str = "form") -> Outcome:
    problems = validate(o)
    if problems:
        raise UsageError("; ".join(problems))
    row = Outcome(person_id=o.person_id.strip(), country=country, kind=o.kind, event_date=o.event_date,
                  children=o.children, reason=o.reason.strip(), note=o.note.strip(), recorded_by=by,
                  recorded_at=utcnow(), origin=origin[:300])
    s.add(row)
    s.flush()
    return row


def outcomes_of(s: Session, person_id: str, country: str | None = None) -> list[Outcome]:
    q = select(Outcome).where(Outcome.person_id == person_id)
    if country:
        q = q.where(Outcome.country == country)
    return list(s.scalars(q.order_by(Outcome.event_date, Outcome.id)))


def _fold(status: tuple[int, str] | None, kind: str) -> tuple[int, str]:
    """The status after one more event (events in date order)."""
    if kind == "not_pursued":
        return (len(KINDS), kind)
    if kind == "safeguarded":
        return status or (-1, "identified")
    if status is None or status[1] == "not_pursued" or PROGRESS[kind] >= status[0]:
        return (PROGRESS[kind], kind)
    return status


def status_by_person(s: Session, country: str | None = None) -> dict[str, str]:
    """Each person's current status: the furthest step reported ("not_pursued" when that was reported last)."""
    status: dict[str, tuple[int, str]] = {}
    q = select(Outcome.person_id, Outcome.kind)
    if country:
        q = q.where(Outcome.country == country)
    for pid, kind in s.execute(q.order_by(Outcome.event_date, Outcome.id)):
        status[pid] = _fold(status.get(pid), kind)
    return {pid: k for pid, (_p, k) in status.items()}


def status_of(rows: list[Outcome]) -> str:
    """One person's status from their outcomes (in date order); "open" when none."""
    status: tuple[int, str] | None = None
    for o in rows:
        status = _fold(status, o.kind)
    return status[1] if status else "open"


@dataclass(frozen=True)
class Figures:
    identified: int
    searched: int
    arrested: int
    charged: int
    convicted: int
    children_safeguarded: int
    not_pursued: int


def figures(s: Session, persons: frozenset[str] | None = None, country: str | None = None) -> Figures:
    """The operation's outcome figures; ``persons`` and ``country`` restrict them (a liaison officer's view)."""
    def distinct(*kinds: str) -> int:
        q = select(func.count(func.distinct(Outcome.person_id))).where(Outcome.kind.in_(kinds))
        if persons is not None:
            q = q.where(Outcome.person_id.in_(persons))
        if country:
            q = q.where(Outcome.country == country)
        return int(s.scalar(q) or 0)

    qc = select(func.coalesce(func.sum(Outcome.children), 0)).where(Outcome.kind == "safeguarded")
    if persons is not None:
        qc = qc.where(Outcome.person_id.in_(persons))
    if country:
        qc = qc.where(Outcome.country == country)
    return Figures(identified=distinct(*[k for k in KINDS if k != "not_pursued"]), searched=distinct("searched"),
                   arrested=distinct("arrested"),
                   charged=distinct("charged"), convicted=distinct("convicted"),
                   children_safeguarded=int(s.scalar(qc) or 0), not_pursued=distinct("not_pursued"))


def monthly_series(s: Session, persons: frozenset[str] | None = None,
                   country: str | None = None) -> dict[str, dict[str, int]]:
    """``{month: {kind: count}}`` — events per month (children safeguarded: the number of children)."""
    q = select(Outcome.event_date, Outcome.kind, Outcome.children)
    if persons is not None:
        q = q.where(Outcome.person_id.in_(persons))
    if country:
        q = q.where(Outcome.country == country)
    out: dict[str, dict[str, int]] = {}
    for d, kind, children in s.execute(q):
        month = f"{d.year:04d}-{d.month:02d}"
        bucket = out.setdefault(month, {})
        bucket[kind] = bucket.get(kind, 0) + (children if kind == "safeguarded" else 1)
    return dict(sorted(out.items()))
