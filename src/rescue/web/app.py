"""The app factory: ``create_app(op_dir)`` — no global state, everything hangs off ``app.state.rescue``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from rescue import operation
from rescue.web import search
from rescue.web.deps import NeedLogin
from rescue.web.headers import SecurityHeaders
from rescue.web.routes import audit_log, auth, dashboard, outcomes, packages, suspects
from rescue.web.routes import search as search_routes
from rescue.web.state import HERE, AppState, get_state, make_templates, operation_name, read_sessions
from rescue.web.store import Store
from rescue.workflow import Workflow, open_workflow


def create_app(op_dir: Path, *, workflow: Workflow | None = None, secure_cookies: bool = False) -> FastAPI:
    """The workbench over one operation folder. ``workflow`` overrides the store (tests, PostgreSQL)."""
    op = operation.load(op_dir)
    wf = workflow or open_workflow(op.root)
    st = AppState(op_root=op.root, workflow=wf, store=Store(op.store_path), templates=make_templates(),
                  search=search.open_index(op.root), name=operation_name(op.root), secure_cookies=secure_cookies,
                  readers=read_sessions(wf))
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        st.store.close()
        if st.readers is not None:
            bind = st.readers.kw.get("bind")
            if bind is not None:
                bind.dispose()
        if workflow is None:
            st.workflow.close()

    app = FastAPI(lifespan=lifespan, title=f"Rescue workbench — {st.name}", version="1",
                  description="Analyst workbench: suspects, evidence, packages, outcomes and the processing log. "
                              "Every route needs a session (POST /login) except /login, /healthz and this file.",
                  docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    app.state.rescue = st
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for module in (auth, dashboard, suspects, search_routes, packages, outcomes, audit_log):
        app.include_router(module.router)

    @app.exception_handler(NeedLogin)
    async def need_login(request: Request, _exc: NeedLogin) -> Response:
        if request.url.path.startswith("/api/") or request.method not in ("GET", "HEAD"):
            return JSONResponse({"detail": "not logged in"}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or exc.status_code == 401:
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        viewer = getattr(request.state, "viewer", None)
        return get_state(request).templates.TemplateResponse(
            request, "error.html", {"status": exc.status_code, "detail": str(exc.detail), "viewer": viewer,
                                    "op_name": get_state(request).name},
            status_code=exc.status_code)

    return app
