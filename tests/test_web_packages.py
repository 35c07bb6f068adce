"""Package review in the workbench with the real package workflow: a drafted package is approved by a second
person and released to recipients through the web; the liaison officer of that country then sees exactly the
persons it disclosed."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from rescue.package import build_drafts
from rescue.web import create_app
from rescue.workflow import audit, open_workflow
from rescue.workflow.releases import released_person_ids
from rescue.workflow.users import User, add_user
from tests.package_fixtures import fresh_op
from tests.web_fixture import login, password_hash


@pytest.fixture()
def op(small_world: Path, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return fresh_op(small_world, tmp_path_factory, tmp_path)


def countries(op: Path) -> list[str]:
    con = duckdb.connect(str(op / "store.duckdb"), read_only=True)
    try:
        rows = con.execute("select country from attribution where country is not null group by 1 "
                           "order by count(*) desc, 1 limit 2").fetchall()
    finally:
        con.close()
    return [str(r[0]) for r in rows]


def test_approve_and_release_through_the_workbench(op: Path) -> None:
    cc, other = countries(op)
    wf = open_workflow(op)
    with wf.session() as s:
        for name in ("ann", "adam", "rita"):
            user = s.get(User, name)
            assert user is not None
            user.password_hash = password_hash(name)
        add_user(s, "lo_cc", "liaison", country=cc, password_hash=password_hash("lo_cc"))
        add_user(s, "lo_other", "liaison", country=other, password_hash=password_hash("lo_other"))
    build_drafts(op, by="adam", countries=[cc, other], formats=("json", "csv"))
    app = create_app(op)

    liaison = TestClient(app)
    login(liaison, "lo_cc", "correct horse battery lo_cc")
    assert liaison.get("/api/packages").json() == []  # nothing released yet
    assert liaison.get(f"/api/packages/{cc}/1").status_code == 404
    assert liaison.get("/api/suspects").json()["total"] == 0

    adam = TestClient(app)  # the drafter (an administrator) may approve packages, but not his own
    dcsrf = login(adam, "adam", "correct horse battery adam")
    refused = adam.post(f"/api/packages/{cc}/1/approve", headers={"X-CSRF-Token": dcsrf})
    assert refused.status_code == 409 and "four eyes" in refused.json()["detail"]
    ann = TestClient(app)
    acsrf = login(ann, "ann", "correct horse battery ann")
    assert ann.post(f"/api/packages/{cc}/1/approve", headers={"X-CSRF-Token": acsrf}).status_code == 403

    rita = TestClient(app)
    csrf = login(rita, "rita", "correct horse battery rita")
    page = rita.get(f"/packages/{cc}/1")
    assert page.status_code == 200 and 'id="approve-form"' in page.text
    early = rita.post(f"/api/packages/{cc}/1/release", json={"recipients": ["unit"]}, headers={"X-CSRF-Token": csrf})
    assert early.status_code == 409 and "approved" in early.json()["detail"]
    r = rita.post(f"/packages/{cc}/1/approve", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    page = rita.get(f"/packages/{cc}/1").text
    assert re.search(r'id="package-status">approved<', page) and 'id="release-form"' in page
    r = rita.post(f"/packages/{cc}/1/release", data={"csrf_token": csrf, "recipients": f"{cc} national unit, SIENA"},
                  follow_redirects=False)
    assert r.status_code == 303
    info = rita.get(f"/api/packages/{cc}/1").json()
    assert info["release"]["status"] == "released" and info["release"]["recipients"] == [f"{cc} national unit", "SIENA"]

    with wf.session() as s:
        disclosed = released_person_ids(s, cc)
        log = [e for e in audit.iter_entries(s) if e.object_kind == "package" and e.object_id == f"{cc}/1"]
    assert disclosed and len(disclosed) == info["release"]["persons"]
    assert [e.action for e in log if e.action != "consultation"] == ["combination", "alteration", "disclosure"]
    wf.close()

    # the liaison officer of that country now sees exactly those persons; the other country's sees none
    rows = liaison.get("/api/suspects?per_page=500").json()["rows"]
    assert {r["person_id"] for r in rows} == disclosed
    assert [p["country"] for p in liaison.get("/api/packages").json()] == [cc]
    other_lo = TestClient(app)
    login(other_lo, "lo_other", "correct horse battery lo_other")
    assert other_lo.get("/api/suspects").json()["total"] == 0
    assert other_lo.get(f"/api/packages/{cc}/1").status_code == 404
    pid = sorted(disclosed)[0]
    assert other_lo.get(f"/api/suspects/{pid}").status_code == 404
