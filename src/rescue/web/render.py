"""Rendering pages: every template gets the viewer, its CSRF token and the operation's name."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from rescue.web.permissions import Viewer
from rescue.web.state import get_state


def page(request: Request, template: str, viewer: Viewer | None, status_code: int = 200,
         **context: Any) -> HTMLResponse:
    st = get_state(request)
    ctx = {"viewer": viewer, "csrf_token": viewer.csrf_token if viewer else "", "op_name": st.name, **context}
    return st.templates.TemplateResponse(request, template, ctx, status_code=status_code)
