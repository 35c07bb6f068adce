"""What the workbench holds for its lifetime: the operation, the stores, the templates, the index."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
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
    extra: dict[str, Any] = field(default_factory=dict)


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
