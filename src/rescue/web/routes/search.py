"""Full-text search over posts and private messages (analysts and administrators; every search is logged)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from rescue.web.deps import need
from rescue.web.permissions import Viewer
from rescue.web.processing import log
from rescue.web.render import page
from rescue.web.search import Hit
from rescue.web.state import get_state
from rescue.web.store import persons_of_accounts

router = APIRouter()
Searcher = Annotated[Viewer, Depends(need("search"))]


def _run(request: Request, viewer: Viewer, q: str, origin: str | None, page_no: int) -> tuple[int, list[Hit]]:
    st = get_state(request)
    if st.search is None:
        raise HTTPException(status_code=503, detail="no search index: run `rescue index DIR`")
    total, hits = st.search.search(q, origin=origin, limit=50, offset=(page_no - 1) * 50)
    log(st, viewer.username, "consultation", "search", q[:200],
        details={"query": q, "origin": origin or "all", "page": page_no, "hits": total})
    return total, hits


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, viewer: Searcher, q: Annotated[str, Query(max_length=500)] = "",
                origin: str | None = None, page_no: Annotated[int, Query(alias="page", ge=1, le=1000)] = 1
                ) -> HTMLResponse:
    total, hits = _run(request, viewer, q, origin, page_no) if q.strip() else (0, [])
    owners = persons_of_accounts(get_state(request).store, [(h.source_id, h.account_id) for h in hits])
    return page(request, "search.html", viewer, q=q, origin=origin or "", total=total, hits=hits, page_no=page_no,
                owners=owners)


@router.get("/api/search")
def search_api(request: Request, viewer: Searcher, q: Annotated[str, Query(min_length=1, max_length=500)],
               origin: str | None = None,
               page_no: Annotated[int, Query(alias="page", ge=1, le=1000)] = 1) -> dict[str, Any]:
    """Search posts and messages (tantivy query syntax); excerpts as plain-text segments."""
    total, hits = _run(request, viewer, q, origin, page_no)
    owners = persons_of_accounts(get_state(request).store, [(h.source_id, h.account_id) for h in hits])
    return {"total": total, "page": page_no,
            "hits": [{**dataclasses.asdict(h), "person_id": owners.get((h.source_id, h.account_id))} for h in hits]}
