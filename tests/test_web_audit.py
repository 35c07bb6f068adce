"""The processing log through the workbench: consultations carry the justification asked for when a person
is opened; searches, list views, exports and logons are logged; `rescue audit verify|export`."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from rescue.cli import app
from rescue.web import create_app, search
from rescue.workflow import audit, open_workflow
from tests.web_fixture import DE1, Fixture, login, make_operation


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    f = make_operation(tmp_path_factory.mktemp("web-audit"))
    search.build(f.root)
    return f


def rescue(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def test_consultation_asks_for_and_logs_the_justification(fx: Fixture) -> None:
    client = TestClient(create_app(fx.root))
    csrf = login(client, "analyst")
    assert client.get(f"/suspects/{DE1}", follow_redirects=False).headers["location"] == f"/suspects/{DE1}/justify"
    assert client.get(f"/api/suspects/{DE1}").status_code == 428
    short = client.post(f"/suspects/{DE1}/justify", data={"justification": "because", "csrf_token": csrf})
    assert short.status_code == 422
    why = "Request 2026/0042 from the DE unit: confirm identity"
    r = client.post(f"/suspects/{DE1}/justify", data={"justification": why, "csrf_token": csrf},
                    follow_redirects=False)
    assert r.status_code == 303
    assert why in client.get(f"/suspects/{DE1}").text
    assert client.get(f"/api/suspects/{DE1}/graph").status_code == 200
    client.get("/search?q=weekend")
    client.get("/suspects?tier=High")
    with open_workflow(fx.root).session() as s:
        entries = [e for e in audit.iter_entries(s) if e.actor == "analyst"]
        v = audit.verify(s)
    assert v.ok
    person = [e for e in entries if e.object_kind == "person" and e.object_id == DE1]
    views = [json.loads(e.details)["view"] for e in person]
    assert views == ["opened", "profile", "contact graph"]
    assert all(e.action == "consultation" and e.justification == why for e in person)
    opened = person[0].seq
    assert all(json.loads(e.details)["opened_at_entry"] == opened for e in person[1:])
    kinds = [(e.action, e.object_kind) for e in entries]
    assert ("consultation", "search") in kinds and ("consultation", "suspect_list") in kinds
    assert kinds[0] == ("logon", "session")
    searched = next(e for e in entries if e.object_kind == "search")
    assert json.loads(searched.details)["query"] == "weekend"


def test_auditor_view_verify_and_export(fx: Fixture) -> None:
    client = TestClient(create_app(fx.root))
    login(client, "auditor")
    page = client.get("/audit")
    assert page.status_code == 200 and "Processing log" in page.text
    assert client.get("/api/audit/verify").json()["ok"] is True
    exported = client.get("/audit/export?format=csv")
    assert exported.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert rows and rows[0]["seq"] == "1" and {"hash", "prev_hash", "justification"} <= set(rows[0])
    entries = client.get("/api/audit?actor=auditor").json()["entries"]
    assert {e["object_kind"] for e in entries} == {"audit_log", "session"}  # reading the log is itself logged
    assert any(e["action"] == "disclosure" for e in entries)  # the export


def test_cli_verify_and_export_and_tampering(tmp_path: Path) -> None:
    f = make_operation(tmp_path)
    client = TestClient(create_app(f.root))
    csrf = login(client, "analyst")
    client.post(f"/suspects/{DE1}/justify", data={"justification": "cli audit test case", "csrf_token": csrf})
    ok = rescue("audit", "verify", str(f.root))
    assert ok.exit_code == 0 and "processing log intact" in ok.stdout
    out = rescue("audit", "export", str(f.root), "--format", "jsonl")
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert [x["seq"] for x in lines] == list(range(1, len(lines) + 1))
    assert any(x["justification"] == "cli audit test case" for x in lines)
    con = sqlite3.connect(f.root / "workflow.sqlite")
    con.execute("UPDATE audit_log SET justification = 'something else' WHERE justification = 'cli audit test case'")
    con.execute("DELETE FROM audit_log WHERE seq = 1")
    con.commit()
    con.close()
    bad = rescue("audit", "verify", str(f.root))
    assert bad.exit_code == 1
    problems = bad.stdout.splitlines()
    assert any("entry 1: missing" in p for p in problems) and any("content altered" in p for p in problems)
    assert rescue("audit", "export", str(f.root), "--format", "xml").exit_code != 0
