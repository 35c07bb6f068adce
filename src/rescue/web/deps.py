"""The permission layer: every route gets its viewer from ``need(area)``, and every person or package
it names through ``visible_person`` / ``visible_release``. Need-to-know is enforced here and nowhere else.

- not logged in: HTML pages redirect to /login, the API answers 401;
- a role outside the area: 403;
- a person or package outside the viewer's scope: 404, exactly as for one that does not exist;
- a state-changing request (POST, PUT, PATCH, DELETE) without the session's CSRF token (form field
  ``csrf_token`` or header ``X-CSRF-Token``): 403.
"""

# No `from __future__ import annotations` here: FastAPI must evaluate the closures' Annotated[..., Depends(base)].

import hmac
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from rescue.web import releases
from rescue.web.permissions import AREAS, Viewer
from rescue.web.state import get_state
from rescue.workflow import sessions
from rescue.workflow.users import User

COOKIE = "rescue_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class NeedLogin(Exception):
    """No valid session: redirect (pages) or 401 (API)."""


async def submitted_csrf(request: Request) -> str | None:
    """The CSRF token a state-changing request carries (None for safe methods)."""
    if request.method in SAFE_METHODS:
        return None
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else ""
    return ""


def viewer_of(request: Request, submitted: str | None) -> Viewer:
    st = get_state(request)
    token = request.cookies.get(COOKIE)
    if not token:
        raise NeedLogin()
    with st.read() as s:
        row, state = sessions.peek(s, token)
        if row is None or state == "expired" or not row.mfa_passed:
            digest = row.token_sha256 if row is not None and state == "expired" else None
            user = None
        else:
            digest = None
            user = s.get(User, row.username)
        if user is not None and user.active and row is not None:
            if request.method not in SAFE_METHODS and not (
                    submitted and hmac.compare_digest(submitted.encode(), row.csrf_token.encode())):
                raise HTTPException(status_code=403, detail="missing or wrong CSRF token")
            scope = releases.released_persons(s, user.country) if user.role == "liaison" else None
            viewer = Viewer(username=user.username, role=user.role, country=user.country,
                            session_digest=row.token_sha256, csrf_token=row.csrf_token, persons=scope)
        else:
            viewer = None
    if digest is not None:
        with st.workflow.session() as w:
            sessions.end(w, digest)
    if viewer is None:
        raise NeedLogin()
    if state == "touch":
        with st.workflow.session() as w:
            sessions.touch(w, viewer.session_digest)
    request.state.viewer = viewer
    return viewer


def need(area: str) -> Callable[..., Viewer]:
    """The dependency of a route in ``area``: a logged-in viewer whose role the area admits."""
    if area not in AREAS:
        raise KeyError(area)

    def dependency(request: Request, submitted: Annotated[str | None, Depends(submitted_csrf)]) -> Viewer:
        viewer = viewer_of(request, submitted)
        if not viewer.may(area):
            raise HTTPException(status_code=403, detail=f"role {viewer.role} may not use {area}")
        return viewer

    dependency.rescue_area = area  # type: ignore[attr-defined]  # read by the route × role matrix test
    return dependency


def public(area: str = "public") -> Callable[..., Coroutine[Any, Any, None]]:
    """Marks a route that needs no login (login form, static assets, health)."""

    async def dependency() -> None:
        return None

    dependency.rescue_area = area  # type: ignore[attr-defined]
    return dependency


def visible_person(area: str = "suspects") -> Callable[..., tuple[Viewer, str]]:
    """The viewer and the ``pid`` path parameter, when that person exists and is in the viewer's scope."""
    base = need(area)

    def dependency(pid: str, request: Request, viewer: Annotated[Viewer, Depends(base)]) -> tuple[Viewer, str]:
        st = get_state(request)
        if not viewer.sees(pid) or not st.store.exists(pid):
            raise HTTPException(status_code=404, detail="no such person")
        return viewer, pid

    dependency.rescue_area = area  # type: ignore[attr-defined]
    return dependency


def visible_release(area: str = "packages.read") -> Callable[..., tuple[Viewer, releases.ReleaseView]]:
    """The viewer and the release ``{country}/{version}``, when the viewer may see it (a liaison officer:
    only their own country's released versions)."""
    base = need(area)

    def dependency(country: str, version: int, request: Request,
                   viewer: Annotated[Viewer, Depends(base)]) -> tuple[Viewer, releases.ReleaseView]:
        st = get_state(request)
        with st.read() as s:
            found = [r for r in releases.list_releases(s, viewer.countries(), released_only=viewer.scoped)
                     if r.country == country and r.version == version]
        if not found:
            raise HTTPException(status_code=404, detail="no such package")
        return viewer, found[0]

    dependency.rescue_area = area  # type: ignore[attr-defined]
    return dependency
