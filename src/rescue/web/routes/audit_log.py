"""The auditor's view of the processing log: browse, verify the chain, export. Reading the log is logged."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from sqlalchemy import func, select

from rescue.web.deps import need
from rescue.web.permissions import Viewer
from rescue.web.processing import log
from rescue.web.render import page
from rescue.web.state import get_state
from rescue.workflow import audit, audit_export
from rescue.workflow.audit import AuditEntry

router = APIRouter()
Auditor = Annotated[Viewer, Depends(need("audit"))]
PER_PAGE = 100


def _entries(request: Request, actor: str | None, action: str | None, object_id: str | None,
             page_no: int) -> tuple[int, list[dict[str, Any]]]:
    q = select(AuditEntry)
    qc = select(func.count()).select_from(AuditEntry)
    for col, val in ((AuditEntry.actor, actor), (AuditEntry.action, action), (AuditEntry.object_id, object_id)):
        if val:
            q, qc = q.where(col == val), qc.where(col == val)
    with get_state(request).read() as s:
        total = int(s.scalar(qc) or 0)
        rows = [audit_export.as_dict(e) for e in
                s.scalars(q.order_by(AuditEntry.seq.desc()).limit(PER_PAGE).offset((page_no - 1) * PER_PAGE))]
    return total, rows


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, viewer: Auditor, actor: str | None = None, action: str | None = None,
               object_id: str | None = None, page_no: Annotated[int, Query(alias="page", ge=1)] = 1) -> HTMLResponse:
    total, rows = _entries(request, actor, action, object_id, page_no)
    log(get_state(request), viewer.username, "consultation", "audit_log",
        details={"actor": actor, "action": action, "object_id": object_id, "page": page_no})
    return page(request, "audit.html", viewer, rows=rows, total=total, page_no=page_no, actions=audit.ACTIONS,
                filters={"actor": actor or "", "action": action or "", "object_id": object_id or ""},
                pages=max(1, -(-total // PER_PAGE)))


@router.get("/api/audit")
def audit_api(request: Request, viewer: Auditor, actor: str | None = None, action: str | None = None,
              object_id: str | None = None, page_no: Annotated[int, Query(alias="page", ge=1)] = 1) -> dict[str, Any]:
    """Processing-log entries, newest first, 100 a page; filter by actor, action, object id."""
    total, rows = _entries(request, actor, action, object_id, page_no)
    log(get_state(request), viewer.username, "consultation", "audit_log",
        details={"actor": actor, "action": action, "object_id": object_id, "page": page_no, "via": "api"})
    return {"total": total, "page": page_no, "entries": rows}


@router.get("/api/audit/verify")
def audit_verify(request: Request, viewer: Auditor) -> dict[str, Any]:
    """Recompute the hash chain: every altered, inserted or removed entry is a problem."""
    st = get_state(request)
    with st.read() as s:
        v = audit.verify(s)
    log(st, viewer.username, "consultation", "audit_log", details={"verify": v.ok, "problems": len(v.problems)})
    return {"ok": v.ok, "entries": v.entries, "head_seq": v.head_seq, "problems": v.problems}


@router.get("/audit/export")
def audit_export_route(request: Request, viewer: Auditor,
                       fmt: Annotated[str, Query(alias="format")] = "jsonl") -> StreamingResponse:
    """The whole log as CSV or JSON Lines (a download, never shown inline)."""
    if fmt not in audit_export.FORMATS:
        raise HTTPException(status_code=422, detail="format must be csv or jsonl")
    st = get_state(request)
    log(st, viewer.username, "disclosure", "audit_log", details={"export": fmt}, recipients=[viewer.username])
    with st.read() as s:
        body = list(audit_export.lines(s, fmt))
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    media = "text/csv" if fmt == "csv" else "application/x-ndjson"
    return StreamingResponse(iter(body), media_type=f"{media}; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="processing-log-{stamp}.{fmt}"'})
