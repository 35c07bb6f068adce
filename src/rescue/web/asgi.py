"""The ASGI entry point for ``rescue serve`` (uvicorn factory; one app per worker process)."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from rescue.web.app import create_app


def app() -> FastAPI:
    return create_app(Path(os.environ["RESCUE_SERVE_DIR"]), secure_cookies=bool(os.environ.get("RESCUE_SERVE_SECURE")))
