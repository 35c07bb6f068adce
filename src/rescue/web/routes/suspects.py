"""Suspect list and profile. Opening a person asks for the justification first (LED Art. 25): it is
stored in the processing log and held for the session; every later view of the person is logged with it."""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from rescue.web import profile
from rescue.web.deps import need, visible_person
from rescue.web.permissions import Viewer
from rescue.web.processing import log
from rescue.web.render import page
from rescue.web.state import AppState, get_state
from rescue.web.store import SORTS, TIERS, Page
from rescue.workflow import audit, audit_export, outcomes, sessions
from rescue.workflow.sessions import ConsultationGrant

router = APIRouter()
PER_PAGE = 50
MIN_JUSTIFICATION = 10
Person = Annotated[tuple[Viewer, str], Depends(visible_person())]
ListViewer = Annotated[Viewer, Depends(need("suspects"))]


class ListParams(BaseModel):
    country: str | None = Field(default=None, max_length=4)
    tier: str | None = None
    status: str | None = None
    q: str | None = Field(default=None, max_length=100)
    sort: str = "rank"
    desc: bool = False
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=PER_PAGE, ge=1, le=500)


def _list(st: AppState, viewer: Viewer, p: ListParams) -> tuple[Page, dict[str, str]]:
    if p.tier and p.tier not in TIERS:
        raise HTTPException(status_code=422, detail=f"tier must be one of {', '.join(TIERS)}")
    if p.sort not in SORTS:
        raise HTTPException(status_code=422, detail=f"sort must be one of {', '.join(SORTS)}")
    with st.read() as s:
        status = outcomes.status_by_person(s, viewer.country if viewer.scoped else None)
    only: list[str] | None = None
    exclude: list[str] | None = None
    if p.status == "open":
        exclude = list(status)
    elif p.status:
        if p.status not in outcomes.KINDS:
            raise HTTPException(status_code=422, detail="status must be open or one of " + ", ".join(outcomes.KINDS))
        only = [pid for pid, k in status.items() if k == p.status]
    result = st.store.suspects(scope=viewer.persons, country=(p.country or "").upper() or None, tier=p.tier,
                               only=only, exclude=exclude, q=p.q, sort=p.sort, desc=p.desc, limit=p.per_page,
                               offset=(p.page - 1) * p.per_page)
    for row in result.rows:
        row["status"] = status.get(row["person_id"], "open")
    return result, status


def _log_list(st: AppState, viewer: Viewer, p: ListParams, shown: list[dict[str, Any]]) -> None:
    log(st, viewer.username, "consultation", "suspect_list", country=viewer.country,
        details={"filters": p.model_dump(exclude_defaults=True), "persons": [r["person_id"] for r in shown]})


@router.get("/suspects", response_class=HTMLResponse)
def suspects_page(request: Request, p: Annotated[ListParams, Query()],
                  viewer: ListViewer) -> HTMLResponse:
    st = get_state(request)
    result, _status = _list(st, viewer, p)
    _log_list(st, viewer, p, result.rows)
    pages = max(1, -(-result.total // p.per_page))
    base = {k: v for k, v in p.model_dump(exclude_defaults=True).items() if k != "page"}

    def link(n: int) -> str:
        return "/suspects?" + urlencode({**base, "page": n})

    return page(request, "suspects.html", viewer, result=result, params=p, pages=pages, link=link,
                export_link="/suspects/export.csv?" + urlencode(base),
                statuses=("open", *outcomes.KINDS), sorts=list(SORTS),
                countries=[c["country"] for c in st.store.by_country(viewer.persons) if c["country"]])


@router.get("/api/suspects")
def suspects_api(request: Request, p: Annotated[ListParams, Query()],
                 viewer: ListViewer) -> dict[str, Any]:
    """Persons with risk tier, score, rank and attributed country; filter, sort and page."""
    st = get_state(request)
    result, _status = _list(st, viewer, p)
    _log_list(st, viewer, p, result.rows)
    return {"total": result.total, "page": p.page, "per_page": p.per_page, "rows": result.rows}


EXPORT_COLUMNS = ("rank", "person_id", "label", "usernames", "accounts", "tier", "score", "country", "confidence",
                  "status", "last_activity")


@router.get("/suspects/export.csv")
def suspects_export(request: Request, p: Annotated[ListParams, Query()], viewer: ListViewer) -> Response:
    """The filtered list (all pages, at most 100,000 rows) as CSV: a download, logged as a disclosure to the user."""
    st = get_state(request)
    full = ListParams(**{**p.model_dump(), "page": 1, "per_page": 500})
    rows: list[dict[str, Any]] = []
    while len(rows) < 100_000:
        result, _status = _list(st, viewer, full)
        rows += result.rows
        if len(result.rows) < full.per_page:
            break
        full = ListParams(**{**full.model_dump(), "page": full.page + 1})
    log(st, viewer.username, "disclosure", "suspect_list", country=viewer.country, recipients=[viewer.username],
        details={"export": "csv", "filters": p.model_dump(exclude_defaults=True), "persons": len(rows)})
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for r in rows:
        writer.writerow([audit_export.cell(r.get(c)) for c in EXPORT_COLUMNS])
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="suspects.csv"'})


# ---- justification -------------------------------------------------------------------------------------------

def _give(st: AppState, viewer: Viewer, pid: str, justification: str) -> None:
    text = " ".join(justification.split())
    if len(text) < MIN_JUSTIFICATION:
        raise HTTPException(status_code=422, detail=f"give a justification of at least {MIN_JUSTIFICATION} characters "
                                                    "(case, request, reason)")
    seq = log(st, viewer.username, "consultation", "person", pid, country=viewer.country, justification=text,
              details={"view": "opened"})
    with st.workflow.session() as s:
        sessions.grant(s, viewer.session_digest, pid, text, seq)


def _try_consult(st: AppState, viewer: Viewer, pid: str, view: str, **details: Any) -> ConsultationGrant | None:
    """The grant to view this person and, in the same transaction, the processing-log entry of this view;
    None (and nothing logged) without a grant."""
    with st.workflow.session() as s:
        grant = sessions.grant_of(s, viewer.session_digest, pid)
        if grant is None:
            return None
        audit.append(s, actor=viewer.username, action="consultation", object_kind="person", object_id=pid,
                     country=viewer.country, justification=grant.justification,
                     details={"view": view, "opened_at_entry": grant.audit_seq, **details})
        return grant


def _consult(st: AppState, viewer: Viewer, pid: str, view: str, **details: Any) -> ConsultationGrant:
    """As ``_try_consult``; 428 without a grant."""
    grant = _try_consult(st, viewer, pid, view, **details)
    if grant is None:
        raise HTTPException(status_code=428, detail="justification required: POST it to "
                                                    f"/api/suspects/{pid}/justification first")
    return grant


@router.get("/suspects/{pid}/justify", response_class=HTMLResponse)
def justify_form(request: Request, person: Person) -> HTMLResponse:
    viewer, pid = person
    return page(request, "justify.html", viewer, pid=pid, error="")


@router.post("/suspects/{pid}/justify")
def justify(request: Request, person: Person,
            justification: Annotated[str, Form(max_length=2000)] = "") -> Response:
    viewer, pid = person
    try:
        _give(get_state(request), viewer, pid, justification)
    except HTTPException as exc:
        return page(request, "justify.html", viewer, status_code=422, pid=pid, error=str(exc.detail))
    return RedirectResponse(f"/suspects/{pid}", status_code=303)


class Justification(BaseModel):
    justification: str = Field(max_length=2000)


@router.post("/api/suspects/{pid}/justification")
def justify_api(request: Request, person: Person, body: Justification) -> dict[str, str]:
    """Record why this person is opened (required before any view of them)."""
    viewer, pid = person
    _give(get_state(request), viewer, pid, body.justification)
    return {"person_id": pid, "status": "granted"}


# ---- profile ------------------------------------------------------------------------------------------------

def _file(st: AppState, viewer: Viewer, pid: str) -> dict[str, Any]:
    store = st.store
    sels = profile.selectors(store, pid)
    for sel in sels:
        link = profile.source_link(sel["origin"], sel["origin_id"])
        sel["source_url"] = f"/suspects/{pid}/items/{link[0]}/{sel['source_id']}/{link[1]}" if link else None
    ev = profile.evidence(store, pid)
    for e in ev:
        link = profile.source_link(e["origin"], e["origin_id"])
        e["source_url"] = f"/suspects/{pid}/items/{link[0]}/{e['source_id']}/{link[1]}" if link else None
    risk = profile.risk(store, pid)
    for r in risk["evidence"]:
        link = profile.source_link(r["source_table"], r["origin_id"])
        r["source_url"] = f"/suspects/{pid}/items/{link[0]}/{r['source_id']}/{link[1]}" if link else None
    with st.read() as s:
        rows = outcomes.outcomes_of(s, pid, viewer.country if viewer.scoped else None)
        status = outcomes.status_of(rows)
        recorded = [{"id": o.id, "kind": o.kind, "date": o.event_date.isoformat(), "children": o.children,
                     "reason": o.reason, "note": o.note, "country": o.country, "recorded_by": o.recorded_by}
                    for o in rows]
    return {"person": profile.person(store, pid), "accounts": profile.accounts(store, pid), "selectors": sels,
            "evidence": ev, "risk": risk, "timeline": profile.timeline(store, pid, st.search), "outcomes": recorded,
            "status": status, "media_items": profile.media_count(store, pid)}


@router.get("/suspects/{pid}", response_class=HTMLResponse)
def profile_page(request: Request, person: Person) -> Response:
    viewer, pid = person
    st = get_state(request)
    grant = _try_consult(st, viewer, pid, "profile")
    if grant is None:
        return RedirectResponse(f"/suspects/{pid}/justify", status_code=303)
    return page(request, "suspect.html", viewer, pid=pid, grant=grant, kinds=outcomes.KINDS, **_file(st, viewer, pid))


@router.get("/api/suspects/{pid}")
def profile_api(request: Request, person: Person) -> dict[str, Any]:
    """The person's file: accounts, selectors with their source rows, evidence, risk, timeline, outcomes."""
    viewer, pid = person
    st = get_state(request)
    _consult(st, viewer, pid, "profile (API)")
    return _file(st, viewer, pid)


@router.get("/api/suspects/{pid}/graph")
def graph_api(request: Request, person: Person) -> dict[str, Any]:
    """Contacts (private messages) and same-person links as nodes and edges, for the graph view."""
    viewer, pid = person
    st = get_state(request)
    _consult(st, viewer, pid, "contact graph")
    return profile.graph(st.store, pid, viewer.persons)


@router.get("/api/suspects/{pid}/timeline")
def timeline_api(request: Request, person: Person) -> dict[str, Any]:
    """Posts and messages per month and the latest items, for the timeline chart."""
    viewer, pid = person
    st = get_state(request)
    _consult(st, viewer, pid, "timeline")
    return profile.timeline(st.store, pid, st.search)


def _find_item(request: Request, pid: str, origin: str, source_id: str, item_id: str) -> dict[str, Any]:
    found = profile.item(get_state(request).store, pid, origin, source_id, item_id)
    if found is None:
        raise HTTPException(status_code=404, detail="no such item in this person's file")
    return found


def _item(request: Request, viewer: Viewer, pid: str, origin: str, source_id: str, item_id: str) -> dict[str, Any]:
    found = _find_item(request, pid, origin, source_id, item_id)
    _consult(get_state(request), viewer, pid, "source item", origin=origin, source_id=source_id, item_id=item_id)
    return found


@router.get("/suspects/{pid}/items/{origin}/{source_id}/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, person: Person, origin: str, source_id: str, item_id: str) -> Response:
    viewer, pid = person
    found = _find_item(request, pid, origin, source_id, item_id)
    if _try_consult(get_state(request), viewer, pid, "source item", origin=origin, source_id=source_id,
                    item_id=item_id) is None:
        return RedirectResponse(f"/suspects/{pid}/justify", status_code=303)
    return page(request, "item.html", viewer, pid=pid, item=found)


@router.get("/api/suspects/{pid}/items/{origin}/{source_id}/{item_id}")
def item_api(request: Request, person: Person, origin: str, source_id: str, item_id: str) -> dict[str, Any]:
    """A post or message of the person's file (written by or sent to them, or where a finding was read)."""
    viewer, pid = person
    return _item(request, viewer, pid, origin, source_id, item_id)
