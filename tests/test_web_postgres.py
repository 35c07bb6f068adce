"""The workbench on a PostgreSQL workflow store (a real server: RESCUE_TEST_PG_URL; a fresh database per run)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from rescue.web import create_app
from rescue.workflow import audit, open_workflow
from tests.web_fixture import DE1, FR1, login, make_operation


@pytest.fixture()
def pg_url() -> Iterator[str]:
    text = os.environ.get("RESCUE_TEST_PG_URL")
    if not text:
        if os.environ.get("CI_STRICT"):
            pytest.fail("RESCUE_TEST_PG_URL is not set in CI (.ci/install-servers.sh exports it)")
        pytest.skip("RESCUE_TEST_PG_URL is not set: no PostgreSQL server (run .ci/install-servers.sh)")
    base = sa.make_url(text)
    if base.drivername == "postgresql":
        base = base.set(drivername="postgresql+psycopg")
    name = "rescue_web_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.exec_driver_sql(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as con:
            con.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def test_workbench_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    fx = make_operation(tmp_path, workflow_url=pg_url)
    wf = open_workflow(fx.root, pg_url)
    assert wf.engine.dialect.name == "postgresql"
    try:
        app = create_app(fx.root, workflow=wf)
        analyst = TestClient(app)
        csrf = login(analyst, "analyst")
        r = analyst.post(f"/api/suspects/{DE1}/justification", json={"justification": "postgres store test"},
                         headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200
        assert analyst.get(f"/api/suspects/{DE1}").json()["person"]["label"] == "anna_de"
        liaison = TestClient(app)
        lcsrf = login(liaison, "lo_de")
        assert {r["person_id"] for r in liaison.get("/api/suspects").json()["rows"]} == {DE1}
        assert liaison.post("/api/outcomes", json={"person_id": DE1, "outcome": "arrested", "date": "2026-01-05"},
                            headers={"X-CSRF-Token": lcsrf}).status_code == 200
        assert liaison.post("/api/outcomes", json={"person_id": FR1, "outcome": "arrested", "date": "2026-01-05"},
                            headers={"X-CSRF-Token": lcsrf}).status_code == 404
        assert analyst.get("/api/dashboard").json()["arrests"] == 1
        with wf.session() as s:
            v = audit.verify(s)
            kinds = {(e.action, e.object_kind) for e in audit.iter_entries(s)}
        assert v.ok and v.entries >= 5
        assert {("logon", "session"), ("consultation", "person"), ("collection", "outcome")} <= kinds
    finally:
        wf.close()
