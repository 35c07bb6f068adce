"""Workbench sessions (server-side) and the justifications given to open a person.

The browser holds only a random token (HttpOnly, SameSite=Strict cookie); the store keeps its SHA-256,
the user, the CSRF token, whether the second factor was passed, and the times that end it.
A grant records the justification a user gave, within one session, to consult one person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import Boolean, DateTime, ForeignKey, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from rescue.operation import utcnow
from rescue.workflow.db import Base

IDLE = dt.timedelta(minutes=30)
ABSOLUTE = dt.timedelta(hours=12)
TOUCH_EVERY = dt.timedelta(seconds=60)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class WebSession(Base):
    __tablename__ = "web_sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("users.username"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    mfa_passed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime)
    client: Mapped[str] = mapped_column(String(100), default="")


class ConsultationGrant(Base):
    __tablename__ = "consultation_grants"

    token_sha256: Mapped[str] = mapped_column(ForeignKey("web_sessions.token_sha256", ondelete="CASCADE"),
                                              primary_key=True)
    person_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    justification: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[dt.datetime] = mapped_column(DateTime)
    audit_seq: Mapped[int] = mapped_column(default=0)  # the processing-log entry that recorded it


def create(s: Session, username: str, *, mfa_passed: bool, client: str = "") -> tuple[str, WebSession]:
    """A new session; returns the token for the cookie (never stored) and the row."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = WebSession(token_sha256=token_digest(token), username=username, csrf_token=secrets.token_urlsafe(32),
                     mfa_passed=mfa_passed, created_at=now, last_seen=now, client=client[:100])
    s.add(row)
    s.flush()
    return token, row


def lookup(s: Session, token: str, now: dt.datetime | None = None) -> WebSession | None:
    """The live session of a token, touched; None (and deleted) when idle or too old."""
    row = s.get(WebSession, token_digest(token))
    if row is None:
        return None
    now = now or utcnow()
    if now - row.last_seen > IDLE or now - row.created_at > ABSOLUTE:
        end(s, row.token_sha256)
        return None
    if now - row.last_seen > TOUCH_EVERY:
        row.last_seen = now
    return row


def peek(s: Session, token: str, now: dt.datetime | None = None) -> tuple[WebSession | None, str]:
    """Read-only lookup: the row and what the caller must still do — "ok", "touch" (update last_seen in a
    write transaction), "expired" (end it) or "missing"."""
    row = s.get(WebSession, token_digest(token))
    if row is None:
        return None, "missing"
    now = now or utcnow()
    if now - row.last_seen > IDLE or now - row.created_at > ABSOLUTE:
        return row, "expired"
    return row, "touch" if now - row.last_seen > TOUCH_EVERY else "ok"


def touch(s: Session, token_sha256: str) -> None:
    row = s.get(WebSession, token_sha256)
    if row is not None:
        row.last_seen = utcnow()


def end(s: Session, token_sha256: str) -> None:
    s.execute(delete(ConsultationGrant).where(ConsultationGrant.token_sha256 == token_sha256))
    s.execute(delete(WebSession).where(WebSession.token_sha256 == token_sha256))


def end_all(s: Session, username: str) -> None:
    for digest in list(s.scalars(select(WebSession.token_sha256).where(WebSession.username == username))):
        end(s, digest)


def grant(s: Session, token_sha256: str, person_id: str, justification: str, audit_seq: int) -> ConsultationGrant:
    row = s.get(ConsultationGrant, (token_sha256, person_id))
    if row is None:
        row = ConsultationGrant(token_sha256=token_sha256, person_id=person_id)
        s.add(row)
    row.justification, row.granted_at, row.audit_seq = justification, utcnow(), audit_seq
    s.flush()
    return row


def grant_of(s: Session, token_sha256: str, person_id: str) -> ConsultationGrant | None:
    return s.get(ConsultationGrant, (token_sha256, person_id))
