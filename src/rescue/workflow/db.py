"""The workflow store: where it lives, its declarative base and how to open it."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from rescue.errors import OperationError

WORKFLOW_FILE = "workflow.sqlite"
URL_ENV = "RESCUE_WORKFLOW_URL"


class Base(DeclarativeBase):
    """Declarative base of every workflow table (users, audit log, releases, outcomes…)."""


def workflow_url(op_root: Path) -> str:
    """The store's SQLAlchemy URL: ``RESCUE_WORKFLOW_URL``, else ``[workflow] url`` in
    ``operation.toml``, else the SQLite file ``workflow.sqlite`` in the operation folder."""
    env = os.environ.get(URL_ENV, "").strip()
    if env:
        return env
    toml_path = op_root / "operation.toml"
    if toml_path.is_file():
        try:
            data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise OperationError(f"{toml_path}: {exc}") from exc
        section = data.get("workflow")
        if isinstance(section, dict) and str(section.get("url", "")).strip():
            return str(section["url"]).strip()
    return f"sqlite:///{(op_root / WORKFLOW_FILE).resolve()}"


def _sqlite_connect(dbapi_conn: Any, _record: object) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    # In WAL mode, NORMAL syncs at checkpoints, not at every commit: a commit survives a crash of
    # Rescue, and the database stays consistent (the log's hash chain included) after a power cut,
    # which can lose only the last commits. Without it, every logged view waits for a disk flush and
    # 50 concurrent analysts queue past the busy timeout. A deployment that needs every entry flushed
    # uses PostgreSQL (docs/workbench.md).
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=60000")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    # BEGIN IMMEDIATE takes the write lock at the start, so two writers queue (busy_timeout) instead
    # of failing when a read transaction later tries to write (SQLITE_BUSY_SNAPSHOT).
    conn.exec_driver_sql("BEGIN IMMEDIATE")


@dataclass
class Workflow:
    """An open workflow store. ``session()`` is a transaction: committed on success, rolled back on error."""

    url: str
    engine: Engine
    factory: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.factory() as s, s.begin():
            yield s

    def close(self) -> None:
        self.engine.dispose()


def open_workflow(op_root: Path, url: str | None = None, *, create: bool = True) -> Workflow:
    """Open (and by default create the tables of) the operation's workflow store."""
    # Import the model modules so that their tables are registered on Base.metadata.
    from rescue.workflow import models  # noqa: F401

    url = url or workflow_url(op_root)
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        engine = create_engine(url, future=True, pool_pre_ping=True)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_connect)
            event.listen(engine, "begin", _sqlite_begin)
        if create:
            Base.metadata.create_all(engine)
    except SQLAlchemyError as exc:
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise OperationError(f"workflow store {shown}: {type(exc).__name__}: {first}") from exc
    return Workflow(url=url, engine=engine, factory=sessionmaker(engine, expire_on_commit=False))
