"""Outcomes: recorded one by one or imported (CSV, XLSX) with an error per bad line; the dashboard counts them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from rescue.web import create_app
from rescue.workflow import audit, open_workflow
from tests.web_fixture import DE1, DE2, FR1, Fixture, login, make_operation


@pytest.fixture()
def fx(tmp_path: Path) -> Fixture:
    return make_operation(tmp_path)


def test_liaison_records_outcomes_and_the_dashboard_counts_them(fx: Fixture) -> None:
    client = TestClient(create_app(fx.root))
    csrf = login(client, "lo_de")
    h = {"X-CSRF-Token": csrf}
    assert client.post("/api/outcomes", json={"person_id": DE1, "outcome": "arrested", "date": "2026-02-01"},
                       headers=h).status_code == 200
    assert client.post("/api/outcomes", json={"person_id": DE1, "outcome": "safeguarded", "date": "2026-02-02",
                                              "children": 3}, headers=h).status_code == 200
    r = client.post("/outcomes", data={"person_id": DE1, "outcome": "charged", "date": "2026-03-01",
                                       "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    # not released to DE: refused like an unknown person; invalid outcomes refused with the reason
    assert client.post("/api/outcomes", json={"person_id": FR1, "outcome": "arrested", "date": "2026-02-01"},
                       headers=h).status_code == 404
    assert client.post("/api/outcomes", json={"person_id": DE2, "outcome": "arrested", "date": "2026-02-01"},
                       headers=h).status_code == 404
    bad = client.post("/api/outcomes", json={"person_id": DE1, "outcome": "not_pursued", "date": "2026-02-01"},
                      headers=h)
    assert bad.status_code == 422 and "reason" in bad.json()["detail"]
    fig = client.get("/api/dashboard").json()
    assert (fig["arrests"], fig["children_safeguarded"], fig["charged"], fig["suspects_identified"]) == (1, 3, 1, 1)
    series = client.get("/api/dashboard/series").json()["outcomes"]
    assert [(m["month"], m["packages_released"], m["arrested"], m["safeguarded"]) for m in series] == [
        ("2026-01", 1, 0, 0), ("2026-02", 0, 1, 3), ("2026-03", 0, 0, 0)]  # DE/1 was released in January
    assert series[-1]["arrested_total"] == 1
    # the list's status filter follows the furthest step
    rows = client.get("/api/suspects?status=charged").json()["rows"]
    assert [r["person_id"] for r in rows] == [DE1]
    # another country's officer sees none of it
    other = TestClient(create_app(fx.root))
    login(other, "lo_fr")
    assert other.get("/api/outcomes").json() == []
    assert other.get("/api/dashboard").json()["arrests"] == 0
    with open_workflow(fx.root).session() as s:
        logged = [e for e in audit.iter_entries(s) if e.action == "collection" and e.object_kind == "outcome"]
    assert len(logged) == 3 and {e.country for e in logged} == {"DE"} and {e.actor for e in logged} == {"lo_de"}


CSV_BAD = f"""person_id,outcome,date,children,reason
{DE1},arrested,2026-02-01,,
{DE1},arested,2026-02-01,,
{DE1},safeguarded,2026-02-03,0,
{FR1},arrested,2026-02-01,,
{DE1},not_pursued,2026-02-01,,
{DE1},searched,01/02/2026,,
{DE1},convicted,2099-01-01,,
"""


def test_import_reports_every_bad_line_and_imports_nothing(fx: Fixture) -> None:
    client = TestClient(create_app(fx.root))
    csrf = login(client, "lo_de")
    r = client.post("/api/outcomes/import", files={"file": ("report.csv", CSV_BAD.encode(), "text/csv")},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert [e.split(":")[1] for e in errors] == ["3", "4", "5", "6", "7", "8"]
    assert "report.csv:3: outcome 'arested' is not one of" in errors[0]
    assert "number of children" in errors[1]
    assert f"person {FR1} is not among the persons released to DE" in errors[2]
    assert "needs the reason" in errors[3] and "not YYYY-MM-DD" in errors[4] and "in the future" in errors[5]
    assert client.get("/api/outcomes").json() == []
    page = client.post("/outcomes/import", data={"csrf_token": csrf},
                       files={"file": ("report.csv", CSV_BAD.encode(), "text/csv")})
    assert page.status_code == 422 and "report.csv:3: outcome" in page.text and "Nothing was imported" in page.text
    hdr = client.post("/api/outcomes/import", files={"file": ("x.csv", b"person,what\nP1,x\n", "text/csv")},
                      headers={"X-CSRF-Token": csrf})
    assert hdr.status_code == 422 and "x.csv:1: unknown column(s) person, what" in hdr.json()["errors"][0]


def test_xlsx_import(fx: Fixture) -> None:
    import datetime as dt

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["person_id", "outcome", "date", "children", "reason", "note"])
    ws.append([DE1, "arrested", dt.datetime(2026, 4, 2), None, None, "dawn raid"])
    ws.append([DE1, "safeguarded", "2026-04-03", 2, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    client = TestClient(create_app(fx.root))
    csrf = login(client, "lo_de")
    r = client.post("/api/outcomes/import", headers={"X-CSRF-Token": csrf},
                    files={"file": ("report.xlsx", buf.getvalue(),
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    assert r.status_code == 200, r.text
    assert r.json()["imported"] == 2
    rows = client.get("/api/outcomes").json()
    assert sorted((o["outcome"], o["date"], o["children"], o["origin"]) for o in rows) == [
        ("arrested", "2026-04-02", 0, "import:report.xlsx:2"), ("safeguarded", "2026-04-03", 2, "import:report.xlsx:3")]
    assert json.dumps(rows)
