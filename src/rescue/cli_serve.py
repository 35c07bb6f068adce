"""`rescue serve DIR` (the workbench) and `rescue index DIR` (its full-text index)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from rescue import operation
from rescue.console import stage_progress

out = Console()


def index_cmd(directory: Annotated[Path, typer.Argument(help="The operation folder.")]) -> None:
    """Build (or rebuild) the full-text index of posts and private messages (index/search/)."""
    from rescue.web import search

    op = operation.load(directory)
    with stage_progress(out) as report:
        result = search.build(op.root, progress=report)
    out.print(f"indexed {result.posts:,} posts and {result.messages:,} messages in {result.seconds:.1f} s "
              f"into {result.path}")


def serve_cmd(
    directory: Annotated[Path, typer.Argument(help="The operation folder.")],
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (each keeps its own read-only store).")] = 1,
    secure_cookies: Annotated[bool, typer.Option(
        help="Mark cookies Secure (behind an HTTPS reverse proxy).")] = False,
    no_index: Annotated[bool, typer.Option(
        "--no-index", help="Do not build a missing or outdated search index.")] = False,
) -> None:
    """Run the analyst workbench (web UI and JSON API under /api) over one operation."""
    import os

    import uvicorn

    from rescue.web import search

    op = operation.load(directory)
    if not no_index and not search.is_current(op.root):
        index_cmd(op.root)
    os.environ["RESCUE_SERVE_DIR"] = str(op.root)
    os.environ["RESCUE_SERVE_SECURE"] = "1" if secure_cookies else ""
    out.print(f"workbench for {op.root} on http://{host}:{port}/  (Ctrl-C to stop)")
    uvicorn.run("rescue.web.asgi:app", host=host, port=port, workers=workers, factory=True,
                log_level="warning", access_log=False, proxy_headers=False)
