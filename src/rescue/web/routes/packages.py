"""Package review, four-eyes approval and release (through the package workflow's API)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from rescue.errors import RescueError
from rescue.web import releases
from rescue.web.deps import need, visible_release
from rescue.web.permissions import Viewer
from rescue.web.processing import log
from rescue.web.render import page
from rescue.web.state import get_state

router = APIRouter()
Reader = Annotated[Viewer, Depends(need("packages.read"))]
Package = Annotated[tuple[Viewer, releases.ReleaseView], Depends(visible_release())]
ToApprove = Annotated[tuple[Viewer, releases.ReleaseView], Depends(visible_release("packages.approve"))]
ToRelease = Annotated[tuple[Viewer, releases.ReleaseView], Depends(visible_release("packages.release"))]


def _list(request: Request, viewer: Viewer) -> list[releases.ReleaseView]:
    with get_state(request).read() as s:
        return releases.list_releases(s, viewer.countries(), released_only=viewer.scoped)


def _detail(request: Request, viewer: Viewer, r: releases.ReleaseView) -> dict[str, Any]:
    st = get_state(request)
    with st.read() as s:
        persons = releases.persons_of(s, r.country, r.version)
    if not persons and r.status != "released":
        persons = releases.draft_persons(st.op_root, r.path)
    persons = [p for p in persons if viewer.sees(p)]
    log(st, viewer.username, "consultation", "package", r.ref, country=r.country, details={"persons": len(persons)})
    return {"release": dataclasses.asdict(r), "persons": persons}


@router.get("/packages", response_class=HTMLResponse)
def packages_page(request: Request, viewer: Reader) -> HTMLResponse:
    return page(request, "packages.html", viewer, packages=_list(request, viewer))


@router.get("/api/packages")
def packages_api(request: Request, viewer: Reader) -> list[dict[str, Any]]:
    """Package versions per country with status, who drafted, approved and released them, the recipients."""
    return [dataclasses.asdict(r) for r in _list(request, viewer)]


@router.get("/packages/{country}/{version}", response_class=HTMLResponse)
def package_page(request: Request, package: Package) -> HTMLResponse:
    viewer, r = package
    return page(request, "package.html", viewer, r=r, **_detail(request, viewer, r))


@router.get("/api/packages/{country}/{version}")
def package_api(request: Request, package: Package) -> dict[str, Any]:
    """One package version and the persons it disclosed."""
    viewer, r = package
    return _detail(request, viewer, r)


def _do(request: Request, viewer: Viewer, r: releases.ReleaseView, what: str, recipients: list[str]) -> None:
    st = get_state(request)
    try:
        if what == "approve":
            if r.drafted_by == viewer.username:
                raise HTTPException(status_code=409, detail="four eyes: the drafter cannot approve their own package")
            releases.approve(st.op_root, r.country, r.version, viewer.username)
        else:
            if not recipients:
                raise HTTPException(status_code=422, detail="name at least one recipient")
            releases.release(st.op_root, r.country, r.version, viewer.username, recipients)
    except releases.ActionUnavailable as exc:
        raise HTTPException(status_code=501, detail="the package workflow is not available in this build") from exc
    except RescueError as exc:
        raise HTTPException(status_code=409, detail=exc.one_line()) from exc


def _recipients(text: str) -> list[str]:
    return [x.strip() for x in text.replace("\n", ",").split(",") if x.strip()]


@router.post("/packages/{country}/{version}/approve")
def approve_form(request: Request, package: ToApprove) -> Response:
    viewer, r = package
    _do(request, viewer, r, "approve", [])
    return RedirectResponse(f"/packages/{r.country}/{r.version}", status_code=303)


@router.post("/packages/{country}/{version}/release")
def release_form(request: Request, package: ToRelease,
                 recipients: Annotated[str, Form(max_length=2000)] = "") -> Response:
    viewer, r = package
    _do(request, viewer, r, "release", _recipients(recipients))
    return RedirectResponse(f"/packages/{r.country}/{r.version}", status_code=303)


class Recipients(BaseModel):
    recipients: list[str] = Field(default_factory=list, max_length=50)


@router.post("/api/packages/{country}/{version}/approve")
def approve_api(request: Request, package: ToApprove) -> dict[str, str]:
    """Approve a draft (four eyes: not by its drafter)."""
    viewer, r = package
    _do(request, viewer, r, "approve", [])
    return {"package": r.ref, "status": "approved"}


@router.post("/api/packages/{country}/{version}/release")
def release_api(request: Request, package: ToRelease, body: Recipients) -> dict[str, str]:
    """Release an approved package to its recipients (a disclosure, logged with them)."""
    viewer, r = package
    _do(request, viewer, r, "release", [x.strip() for x in body.recipients if x.strip()])
    return {"package": r.ref, "status": "released"}
