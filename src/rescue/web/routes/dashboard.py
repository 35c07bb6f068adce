"""The operation dashboard: figures, series over time (charts) and suspects per country (world map)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from rescue.web import releases
from rescue.web.deps import need
from rescue.web.permissions import Viewer
from rescue.web.render import page
from rescue.web.state import get_state
from rescue.workflow import outcomes

router = APIRouter()


def figures(request: Request, viewer: Viewer) -> dict[str, Any]:
    st = get_state(request)
    counts = st.store.counts(viewer.persons)
    with st.read() as s:
        fig = outcomes.figures(s, viewer.persons, viewer.country if viewer.scoped else None)
        released = releases.count_released(s, viewer.countries())
    return {"members": counts["members"], "persons": counts["persons"], "high_tier": counts["high_tier"],
            "countries": counts["countries"], "packages_released": released,
            "suspects_identified": fig.identified, "searched": fig.searched, "arrests": fig.arrested,
            "charged": fig.charged, "convicted": fig.convicted, "children_safeguarded": fig.children_safeguarded,
            "not_pursued": fig.not_pursued, "scope": viewer.country if viewer.scoped else "all"}


def series(request: Request, viewer: Viewer) -> dict[str, Any]:
    st = get_state(request)
    country = viewer.country if viewer.scoped else None
    with st.read() as s:
        monthly = outcomes.monthly_series(s, viewer.persons, country)
        released_months: dict[str, int] = {}
        for r in releases.list_releases(s, viewer.countries(), released_only=True):
            if r.released_at is not None:
                m = r.released_at.strftime("%Y-%m")
                released_months[m] = released_months.get(m, 0) + 1
    months = sorted(set(monthly) | set(released_months))
    rows = [{"month": m, "packages_released": released_months.get(m, 0),
             **{k: monthly.get(m, {}).get(k, 0) for k in outcomes.KINDS}} for m in months]
    cumulative: dict[str, int] = {}
    for row in rows:
        for k in ("arrested", "safeguarded", "identified", "packages_released"):
            cumulative[k] = cumulative.get(k, 0) + int(str(row[k]))
            row[f"{k}_total"] = cumulative[k]
    return {"outcomes": rows, "activity": st.store.activity_series(viewer.persons)}


@router.get("/", response_class=HTMLResponse)
def dashboard_page(request: Request, viewer: Annotated[Viewer, Depends(need("dashboard"))]) -> HTMLResponse:
    return page(request, "dashboard.html", viewer, figures=figures(request, viewer),
                countries=by_country(request, viewer)[:15] if viewer.may("suspects") else [])


@router.get("/api/dashboard")
def dashboard_api(request: Request, viewer: Annotated[Viewer, Depends(need("dashboard"))]) -> dict[str, Any]:
    """Counts: members, persons, countries, packages released, outcomes (from the outcome records)."""
    return figures(request, viewer)


@router.get("/api/dashboard/series")
def dashboard_series(request: Request, viewer: Annotated[Viewer, Depends(need("dashboard"))]) -> dict[str, Any]:
    """Per month: outcome events and cumulative totals, packages released; forum activity."""
    return series(request, viewer)


def by_country(request: Request, viewer: Viewer) -> list[dict[str, Any]]:
    return get_state(request).store.by_country(viewer.persons)


@router.get("/api/suspects/by-country")
def suspects_by_country(request: Request,
                        viewer: Annotated[Viewer, Depends(need("suspects"))]) -> list[dict[str, Any]]:
    """Persons per attributed country (ISO alpha-2; "" = abstained), with the high-tier count: the world map."""
    return by_country(request, viewer)


