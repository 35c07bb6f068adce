"""Logging in (password, then the TOTP code when the user has one), logging out, who am I."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rescue.web import passwords
from rescue.web.deps import COOKIE, need, public
from rescue.web.permissions import Viewer
from rescue.web.render import page
from rescue.web.state import AppState, get_state
from rescue.workflow import audit, sessions
from rescue.workflow.audit import AuditEntry
from rescue.workflow.users import User

router = APIRouter()
LOGIN_COOKIE = "rescue_login"  # double-submit token of the login form (no session exists yet)
MAX_FAILURES = 5  # failed log-ins of one user name within LOCKOUT refuse further attempts until it has passed
LOCKOUT = dt.timedelta(minutes=15)


def _locked_out(s: Session, username: str) -> bool:
    since = audit.utcnow() - LOCKOUT
    q = select(func.count()).select_from(AuditEntry).where(
        AuditEntry.actor == username, AuditEntry.action == "logon", AuditEntry.at >= since,
        AuditEntry.details.like('%"result": "failed%'))
    return int(s.scalar(q) or 0) >= MAX_FAILURES


def _set_cookie(st: AppState, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(name, value, httponly=True, samesite="strict", secure=st.secure_cookies, path="/",
                        max_age=max_age)


def _login_form(request: Request, error: str = "", status_code: int = 200) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html", None, status_code=status_code, login_token=token, error=error)
    _set_cookie(get_state(request), response, LOGIN_COOKIE, token, max_age=3600)
    return response


@router.get("/login", response_class=HTMLResponse, dependencies=[Depends(public())])
def login_form(request: Request) -> HTMLResponse:
    return _login_form(request)


@router.post("/login", dependencies=[Depends(public())])
def login(request: Request, username: Annotated[str, Form(max_length=64)],
          password: Annotated[str, Form(max_length=1024)], csrf_token: Annotated[str, Form()] = "") -> Response:
    st = get_state(request)
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), csrf_token.encode()):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token")
    client = request.client.host if request.client else ""
    with st.read() as s:
        user = s.get(User, username)
        locked = _locked_out(s, username[:64])
        stored = user.password_hash if user and user.active else None
        name = user.username if user else None
        mfa = user is None or user.totp_secret is None
    # Argon2 costs 0.1-0.5 s by design: verified outside any transaction, so that log-ins do not hold the
    # workflow store's write lock (50 clients logging in at once queued every writer past the busy timeout)
    ok = passwords.verify_password(stored, password) and not locked and name is not None
    rehashed = passwords.hash_password(password) if ok and stored and passwords.needs_rehash(stored) else None
    with st.workflow.session() as s:
        if not ok or name is None:
            audit.append(s, actor=username[:64] or "-", action="logon", object_kind="session",
                         details={"result": "failed (locked out)" if locked else "failed", "client": client})
        else:
            if rehashed:
                row = s.get(User, name)
                if row is not None:
                    row.password_hash = rehashed
            token, _row = sessions.create(s, name, mfa_passed=mfa, client=client)
            audit.append(s, actor=name, action="logon", object_kind="session",
                         details={"result": "password ok" if not mfa else "logged in", "client": client})
    if not ok or name is None:
        if locked:
            return _login_form(request, f"Too many failed log-ins: try again in {LOCKOUT.seconds // 60} minutes.",
                               status_code=429)
        return _login_form(request, "Wrong user name or password.", status_code=401)
    response = RedirectResponse("/" if mfa else "/login/totp", status_code=303)
    _set_cookie(st, response, COOKIE, token)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


def _pending(request: Request) -> tuple[str, str, str]:
    """(username, session digest, csrf) of a session that passed the password but not yet the code."""
    st = get_state(request)
    token = request.cookies.get(COOKIE, "")
    with st.workflow.session() as s:
        row = sessions.lookup(s, token) if token else None
        if row is None:
            raise HTTPException(status_code=401, detail="log in first")
        return row.username, row.token_sha256, row.csrf_token


@router.get("/login/totp", response_class=HTMLResponse, dependencies=[Depends(public())])
def totp_form(request: Request) -> Response:
    try:
        _user, _digest, csrf = _pending(request)
    except HTTPException:
        return RedirectResponse("/login", status_code=303)
    return page(request, "totp.html", None, csrf_token=csrf, error="")


@router.post("/login/totp", dependencies=[Depends(public())])
def totp(request: Request, code: Annotated[str, Form(max_length=16)],
         csrf_token: Annotated[str, Form()] = "") -> Response:
    st = get_state(request)
    username, digest, csrf = _pending(request)
    if not hmac.compare_digest(csrf.encode(), csrf_token.encode()):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token")
    client = request.client.host if request.client else ""
    with st.workflow.session() as s:
        user = s.get(User, username)
        ok = bool(user and user.active and user.totp_secret and passwords.verify_totp(user.totp_secret, code))
        sessions.end(s, digest)  # a new session either way: the half-open one never becomes a full one
        token = ""
        if ok:
            token, _row = sessions.create(s, username, mfa_passed=True, client=client)
        audit.append(s, actor=username, action="logon", object_kind="session",
                     details={"result": "logged in (second factor)" if ok else "failed (second factor)",
                              "client": client})
    if not ok:
        failed = _login_form(request, "Wrong code: log in again.", status_code=401)
        failed.delete_cookie(COOKIE, path="/")
        return failed
    response = RedirectResponse("/", status_code=303)
    _set_cookie(st, response, COOKIE, token)
    return response


@router.post("/logout")
def logout(request: Request, viewer: Annotated[Viewer, Depends(need("account"))]) -> Response:
    st = get_state(request)
    with st.workflow.session() as s:
        sessions.end(s, viewer.session_digest)
        audit.append(s, actor=viewer.username, action="logon", object_kind="session", details={"result": "logged out"})
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/api/me")
def me(viewer: Annotated[Viewer, Depends(need("account"))]) -> dict[str, Any]:
    """The logged-in user, their role and country, and the CSRF token to send as ``X-CSRF-Token``."""
    return {"username": viewer.username, "role": viewer.role, "country": viewer.country,
            "csrf_token": viewer.csrf_token, "scoped": viewer.scoped}


@router.get("/healthz", dependencies=[Depends(public())])
def healthz() -> dict[str, bool]:
    return {"ok": True}

