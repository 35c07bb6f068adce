"""What the workbench holds for its lifetime: the operation, the stores, the templates, the index."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request

from rescue.web.search import SearchIndex
from rescue.web.store import Store
from rescue.workflow import Workflow

HERE = Path(__file__).parent


@dataclass
class AppState:
    op_root: Path
    workflow: Workflow
    store: Store
    templates: Jinja2Templates
    search: SearchIndex | None
    name: str = "operation"
    secure_cookies: bool = False
    readers: sessionmaker[Session] | None = None

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction. On SQLite it does not take the write lock (``workflow.session()`` begins
        IMMEDIATE, so that writers queue): many requests read the store side by side, one writes at a time."""
        factory = self.readers or self.workflow.factory
        with factory() as s, s.begin():
            yield s


def read_sessions(workflow: Workflow) -> sessionmaker[Session] | None:
    """A second engine on the same SQLite file whose transactions begin DEFERRED (WAL: readers never wait)."""
    if not workflow.is_sqlite:
        return None
    engine = create_engine(workflow.url, future=True)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: object) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA query_only=1")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return sessionmaker(engine, expire_on_commit=False)


def operation_name(op_root: Path) -> str:
    try:
        data = tomllib.loads((op_root / "operation.toml").read_text(encoding="utf-8"))
        return str(data.get("name") or op_root.name)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return op_root.name


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.autoescape = True  # every value is escaped; seized text is never marked safe
    env.globals["tiers"] = ("Very High", "High", "Medium", "Low")
    env.globals["vendor_bundle"] = (HERE / "static" / "vendor" / "workbench.js").is_file()
    env.filters["dt"] = lambda v: "" if v is None else str(v)[:19].replace("T", " ")
    env.filters["num"] = lambda v: "" if v is None else f"{v:,}" if isinstance(v, int) else f"{v:,.2f}"
    return templates


def get_state(request: Request) -> AppState:
    st: AppState = request.app.state.rescue
    return st
