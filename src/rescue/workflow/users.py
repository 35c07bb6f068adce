"""Users and roles. Password hashing and sessions belong to the workbench (rescue.web)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from rescue.errors import UsageError
from rescue.operation import utcnow
from rescue.workflow.db import Base

ROLES = ("admin", "analyst", "reviewer", "liaison", "auditor")


class User(Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    country: Mapped[str | None] = mapped_column(String(2), default=None)  # liaison officers: ISO alpha-2
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255), default="")  # argon2id; empty = cannot log in
    totp_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


def check_role(role: str, country: str | None) -> None:
    if role not in ROLES:
        raise UsageError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if role == "liaison" and not (country and len(country) == 2 and country.isalpha() and country.isupper()):
        raise UsageError("a liaison officer is bound to one country: give its ISO 3166 alpha-2 code (e.g. DE)")
    if role != "liaison" and country:
        raise UsageError(f"only liaison officers are bound to a country, not role {role!r}")


def add_user(s: Session, username: str, role: str, *, country: str | None = None, full_name: str = "",
             password_hash: str = "") -> User:
    check_role(role, country)
    if s.get(User, username) is not None:
        raise UsageError(f"user {username!r} already exists")
    user = User(username=username, role=role, country=country, full_name=full_name, password_hash=password_hash,
                active=True, created_at=utcnow())
    s.add(user)
    s.flush()
    return user


def get_user(s: Session, username: str) -> User:
    user = s.get(User, username)
    if user is None or not user.active:
        raise UsageError(f"no active user {username!r} in the workflow store")
    return user


def list_users(s: Session) -> list[User]:
    return list(s.scalars(select(User).order_by(User.username)))
