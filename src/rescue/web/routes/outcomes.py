"""Outcome tracking: liaison officers record what happened to each person released to them, one by one
or by CSV/XLSX import; the dashboard figures come from these records."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from rescue.web import outcome_import
from rescue.web.deps import need
from rescue.web.permissions import Viewer
from rescue.web.render import page
from rescue.web.state import AppState, get_state
from rescue.workflow import audit, outcomes
from rescue.workflow.outcomes import Outcome, OutcomeInput

router = APIRouter()
Reader = Annotated[Viewer, Depends(need("outcomes.read"))]
Writer = Annotated[Viewer, Depends(need("outcomes.write"))]


def _visible(st: AppState, viewer: Viewer, limit: int = 500) -> list[dict[str, Any]]:
    q = select(Outcome).order_by(Outcome.recorded_at.desc(), Outcome.id.desc()).limit(limit)
    if viewer.scoped:
        q = q.where(Outcome.country == viewer.country)
    with st.read() as s:
        rows = list(s.scalars(q))
    return [{"id": o.id, "person_id": o.person_id, "country": o.country, "outcome": o.kind,
             "date": o.event_date.isoformat(), "children": o.children, "reason": o.reason, "note": o.note,
             "recorded_by": o.recorded_by, "recorded_at": o.recorded_at.isoformat(timespec="seconds"),
             "origin": o.origin} for o in rows if viewer.sees(o.person_id)]


def _why_not(st: AppState, viewer: Viewer, pid: str) -> str | None:
    if not viewer.sees(pid) or not st.store.exists(pid):
        where = f"released to {viewer.country}" if viewer.scoped else "of this operation"
        return f"person {pid} is not among the persons {where}"
    return None


def _country(st: AppState, viewer: Viewer, pid: str, given: str | None) -> str:
    if viewer.scoped:
        return viewer.country or ""
    cc = (given or "").strip().upper()
    if not cc:
        found = st.store.cursor().execute("SELECT country FROM memory.suspects WHERE person_id = ?", [pid]).fetchone()
        cc = str(found[0]) if found and found[0] else ""
    if len(cc) != 2 or not cc.isalpha():
        raise HTTPException(status_code=422, detail="give the reporting country (ISO 3166 alpha-2)")
    return cc


def _record(st: AppState, viewer: Viewer, items: list[tuple[str, OutcomeInput]], country: str | None) -> list[int]:
    ids = []
    with st.workflow.session() as s:
        for origin, item in items:
            cc = _country(st, viewer, item.person_id, country)
            row = outcomes.record(s, item, country=cc, by=viewer.username, origin=origin)
            audit.append(s, actor=viewer.username, action="collection", object_kind="outcome",
                         object_id=item.person_id, country=cc,
                         details={"outcome_id": row.id, "outcome": item.kind, "date": item.event_date.isoformat(),
                                  "children": item.children, "reason": item.reason, "origin": origin})
            ids.append(row.id)
    return ids


def _one(st: AppState, viewer: Viewer, item: OutcomeInput, country: str | None, origin: str) -> int:
    problems = outcomes.validate(item)
    why = _why_not(st, viewer, item.person_id)
    if why:
        raise HTTPException(status_code=404, detail=why)
    if problems:
        raise HTTPException(status_code=422, detail="; ".join(problems))
    return _record(st, viewer, [(origin, item)], country)[0]


@router.get("/outcomes", response_class=HTMLResponse)
def outcomes_page(request: Request, viewer: Reader) -> HTMLResponse:
    st = get_state(request)
    return page(request, "outcomes.html", viewer, rows=_visible(st, viewer), kinds=outcomes.KINDS,
                columns=outcome_import.COLUMNS, errors=[], imported=None, today=dt.date.today().isoformat())


@router.post("/outcomes")
def record_form(request: Request, viewer: Writer, person_id: Annotated[str, Form(max_length=40)],
                outcome: Annotated[str, Form(max_length=20)], date: Annotated[str, Form(max_length=10)],
                children: Annotated[int, Form(ge=0, le=10_000)] = 0,
                reason: Annotated[str, Form(max_length=2000)] = "", note: Annotated[str, Form(max_length=2000)] = "",
                country: Annotated[str, Form(max_length=2)] = "") -> Response:
    st = get_state(request)
    try:
        when = dt.date.fromisoformat(date)
    except ValueError as exc:
        raise HTTPException(status_code=422, detail="date must be YYYY-MM-DD") from exc
    item = OutcomeInput(person_id=person_id.strip(), kind=outcome, event_date=when, children=children,
                        reason=reason, note=note)
    _one(st, viewer, item, country or None, "form")
    back = request.headers.get("referer", "")
    target = f"/suspects/{item.person_id}" if f"/suspects/{item.person_id}" in back else "/outcomes"
    return RedirectResponse(target, status_code=303)


@router.post("/outcomes/import", response_class=HTMLResponse)
async def import_form(request: Request, viewer: Writer, file: Annotated[UploadFile, File()],
                      country: Annotated[str, Form(max_length=2)] = "") -> Response:
    data = await file.read(outcome_import.MAX_BYTES + 1)
    st = get_state(request)
    name = (file.filename or "upload").rsplit("/", 1)[-1][:100]
    result = outcome_import.read(name, data, lambda pid: _why_not(st, viewer, pid))
    imported = None
    if not result.errors:
        imported = len(_record(st, viewer, [(f"import:{name}:{line}", item) for line, item in result.rows],
                               country or None))
    return page(request, "outcomes.html", viewer, status_code=422 if result.errors else 200,
                rows=_visible(st, viewer), kinds=outcomes.KINDS, columns=outcome_import.COLUMNS,
                errors=result.errors, imported=imported, today=dt.date.today().isoformat())


@router.get("/api/outcomes")
def outcomes_api(request: Request, viewer: Reader) -> list[dict[str, Any]]:
    """Recorded outcomes (a liaison officer: their country's), newest first."""
    return _visible(get_state(request), viewer)


class OutcomeBody(BaseModel):
    person_id: str = Field(max_length=40)
    outcome: str = Field(max_length=20)
    date: dt.date
    children: int = Field(default=0, ge=0, le=10_000)
    reason: str = Field(default="", max_length=2000)
    note: str = Field(default="", max_length=2000)
    country: str | None = Field(default=None, max_length=2)


@router.post("/api/outcomes")
def record_api(request: Request, viewer: Writer, body: OutcomeBody) -> dict[str, Any]:
    """Record one outcome for a person released to the liaison officer's country."""
    item = OutcomeInput(person_id=body.person_id.strip(), kind=body.outcome, event_date=body.date,
                        children=body.children, reason=body.reason, note=body.note)
    return {"id": _one(get_state(request), viewer, item, body.country, "api")}


@router.post("/api/outcomes/import")
async def import_api(request: Request, viewer: Writer, file: Annotated[UploadFile, File()],
                     country: Annotated[str, Form(max_length=2)] = "") -> Response:
    """Import a CSV or XLSX file of outcomes: all lines or none; 422 with every bad line."""
    from fastapi.responses import JSONResponse

    data = await file.read(outcome_import.MAX_BYTES + 1)
    st = get_state(request)
    name = (file.filename or "upload").rsplit("/", 1)[-1][:100]
    result = outcome_import.read(name, data, lambda pid: _why_not(st, viewer, pid))
    if result.errors:
        return JSONResponse({"imported": 0, "errors": result.errors}, status_code=422)
    ids = _record(st, viewer, [(f"import:{name}:{line}", item) for line, item in result.rows], country or None)
    return JSONResponse({"imported": len(ids), "errors": []})
