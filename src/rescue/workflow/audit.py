"""The processing log (LED 2016/680 Art. 25): every collection, alteration, consultation, disclosure,
combination and erasure, with who, when, what, why and — for disclosures — to whom.

Entries are hash-chained: each entry's ``hash`` is SHA-256 over its own fields and the previous
entry's hash, and a one-row head table holds the last sequence number and hash. ``verify`` recomputes
the chain, so an altered, inserted or removed entry (the last one included, through the head) is found.
Appends take a lock on the head row, so concurrent writers get a gapless sequence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from rescue.errors import UsageError
from rescue.operation import utcnow as utcnow  # one clock for every workflow record
from rescue.workflow.db import Base

ACTIONS = ("collection", "alteration", "consultation", "disclosure", "combination", "erasure",
           "logon")  # logon: successful and failed logons and logouts (CJIS), from the workbench
GENESIS = "0" * 64


class AuditEntry(Base):
    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)  # username, or "system" / "cli:<os user>"
    action: Mapped[str] = mapped_column(String(16), index=True)  # one of ACTIONS
    object_kind: Mapped[str] = mapped_column(String(32))  # person, package, source, outcome, user, search…
    object_id: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str | None] = mapped_column(String(2), default=None)
    justification: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[str] = mapped_column(Text, default="[]")  # JSON list, for disclosures
    details: Mapped[str] = mapped_column(Text, default="{}")  # JSON object
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


def _canonical(e: AuditEntry) -> bytes:
    body = {
        "seq": e.seq, "at": e.at.isoformat(timespec="microseconds"), "actor": e.actor, "action": e.action,
        "object_kind": e.object_kind, "object_id": e.object_id, "country": e.country,
        "justification": e.justification, "recipients": e.recipients, "details": e.details,
        "prev_hash": e.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_hash(e: AuditEntry) -> str:
    return hashlib.sha256(_canonical(e)).hexdigest()


def append(s: Session, *, actor: str, action: str, object_kind: str, object_id: str = "",
           country: str | None = None, justification: str = "", recipients: Iterable[str] = (),
           details: dict[str, Any] | None = None, at: dt.datetime | None = None) -> AuditEntry:
    """Append one entry in the caller's transaction (it commits with the change it records)."""
    if action not in ACTIONS:
        raise UsageError(f"processing-log action {action!r} is not one of {', '.join(ACTIONS)}")
    head = s.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_seq=0, last_hash=GENESIS)
        s.add(head)
        s.flush()
    at = at or utcnow()
    entry = AuditEntry(seq=head.last_seq + 1, at=at.replace(microsecond=at.microsecond), actor=actor,
                       action=action, object_kind=object_kind, object_id=object_id, country=country,
                       justification=justification,
                       recipients=json.dumps(sorted(recipients), ensure_ascii=False),
                       details=json.dumps(details or {}, sort_keys=True, ensure_ascii=False, default=str),
                       prev_hash=head.last_hash, hash="")
    entry.hash = entry_hash(entry)
    s.add(entry)
    head.last_seq, head.last_hash = entry.seq, entry.hash
    s.flush()
    return entry


@dataclass
class Verification:
    entries: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def iter_entries(s: Session, batch: int = 5000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = list(s.scalars(select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)))
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify(s: Session) -> Verification:
    """Recompute the chain; every break is reported with its sequence number."""
    v = Verification()
    prev, expected = GENESIS, 1
    for e in iter_entries(s):
        v.entries += 1
        if e.seq != expected:
            v.problems.append(f"entry {expected}: missing (next entry is {e.seq})")
        if e.prev_hash != prev:
            v.problems.append(f"entry {e.seq}: prev_hash does not match entry {e.seq - 1}")
        if entry_hash(e) != e.hash:
            v.problems.append(f"entry {e.seq}: content altered (hash mismatch)")
        prev, expected = e.hash, e.seq + 1
    head = s.get(AuditHead, 1)
    if head is not None:
        v.head_seq, v.head_hash = head.last_seq, head.last_hash
        if head.last_seq != expected - 1 or head.last_hash != prev:
            v.problems.append(f"head says entry {head.last_seq}, the log ends at entry {expected - 1}: "
                              "entries removed or head altered")
    elif v.entries:
        v.problems.append("head row missing")
    return v
