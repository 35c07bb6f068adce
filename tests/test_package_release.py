"""Release workflow: four eyes, order of steps, manifest integrity, register, processing log, supplements."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from sqlalchemy import select

from rescue.package import ReleaseError, approve, build_drafts, list_releases, register, release
from rescue.workflow import open_workflow
from rescue.workflow.audit import AuditEntry, verify
from rescue.workflow.releases import Release, ReleasePerson, released_person_ids
from tests.package_fixtures import fresh_op, load, top_country, validator


@pytest.fixture()
def op(small_world: Path, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return fresh_op(small_world, tmp_path_factory, tmp_path)



def test_four_eyes_order_of_steps_register_and_log(op: Path) -> None:
    cc = top_country(op)
    result = build_drafts(op, by="adam", countries=[cc], formats=("json", "csv"))
    (draft,) = result.drafts
    assert draft.kind == "full"
    with pytest.raises(ReleaseError, match="four eyes"):
        approve(op, cc, 1, "adam")  # the drafter
    with pytest.raises(ReleaseError, match="role reviewer"):
        approve(op, cc, 1, "ann")  # an analyst
    with pytest.raises(ReleaseError, match="must be approved"):
        release(op, cc, 1, "rita", ["BKA liaison desk"])
    info = approve(op, cc, 1, "rita")
    assert (info.status, info.approved_by, info.drafted_by) == ("approved", "rita", "adam")
    with pytest.raises(ReleaseError, match="only a draft"):
        approve(op, cc, 1, "rob")
    info = release(op, cc, 1, "ann", ["National desk", "Liaison officer at Europol"], justification="case referral")
    assert info.status == "released" and info.recipients == ["National desk", "Liaison officer at Europol"]
    assert [r.status for r in list_releases(op, cc)] == ["released"]
    # register: the store and register.jsonl agree, one line per recipient, valid against the schema
    lines = [json.loads(x) for x in (op / "packages" / "register.jsonl").read_text().splitlines()]
    assert lines == register(op)
    assert [x["recipient"] for x in lines] == ["National desk", "Liaison officer at Europol"]
    assert all(x["approved_by"] == "rita" and x["released_by"] == "ann" and x["drafted_by"] == "adam" for x in lines)
    reg = validator("register")
    assert all(not list(reg.iter_errors(x)) for x in lines)
    # the persons disclosed, for the workbench
    doc = load(op / "packages" / cc / "1" / "package.json")
    wf = open_workflow(op)
    try:
        with wf.session() as s:
            assert released_person_ids(s, cc) == {r["person_id"] for r in doc["persons"]}
            rows = list(s.scalars(select(ReleasePerson).where(ReleasePerson.country == cc)))
            assert {r.report_sha256 for r in rows} == {i["report_sha256"] for i in doc["index"]}
            log = list(s.scalars(select(AuditEntry).where(AuditEntry.object_kind == "package")
                                 .order_by(AuditEntry.seq)))
            assert [e.action for e in log] == ["combination", "alteration", "disclosure"]
            disclosure = log[-1]
            assert json.loads(disclosure.recipients) == sorted(["National desk", "Liaison officer at Europol"])
            assert disclosure.actor == "ann" and disclosure.country == cc
            assert disclosure.justification == "case referral"
            assert verify(s).ok
    finally:
        wf.close()


def test_altered_file_is_refused(op: Path) -> None:
    cc = top_country(op)
    build_drafts(op, by="ann", countries=[cc], formats=("json", "csv"))
    target = op / "packages" / cc / "1" / "csv" / "persons.csv"
    target.write_text(target.read_text() + "tampered\n")
    with pytest.raises(ReleaseError, match="altered"):
        approve(op, cc, 1, "rita")


def test_supplement_carries_only_changes(op: Path) -> None:
    con = duckdb.connect(str(op / "store.duckdb"), read_only=True)
    try:
        rows = con.execute("select country, count(*) from attribution where country is not null group by 1 "
                           "having count(*) >= 3 order by 2 desc, 1").fetchall()
    finally:
        con.close()
    cc, other = str(rows[0][0]), str(rows[1][0])
    build_drafts(op, by="ann", countries=[cc, other], formats=("json",))
    for c in (cc, other):
        approve(op, c, 1, "rita")
        release(op, c, 1, "ann", [f"desk {c}"])
    first = load(op / "packages" / cc / "1" / "package.json")
    leads = [r["person_id"] for r in first["persons"] if r["role"] == "lead"]
    changed, gone = leads[0], leads[1]
    con = duckdb.connect(str(op / "store.duckdb"))
    try:
        con.execute("update risk set score = score + 1 where person_id = ?", [changed])
        con.execute("update attribution set country = null where person_id = ?", [gone])
    finally:
        con.close()
    result = build_drafts(op, by="ann", countries=[cc, other], formats=("json",))
    assert f"{cc}/2" in [d.ref for d in result.drafts]
    # the other country gets a supplement only for reports that refer to the two persons (as contacts or
    # deconfliction notices), else nothing
    if other in result.unchanged:
        assert f"{other}/2" not in [d.ref for d in result.drafts]
    else:
        osup = load(op / "packages" / other / "2" / "package.json")
        old = load(op / "packages" / other / "1" / "package.json")
        before = {r["person_id"]: json.dumps(r) for r in old["persons"]}
        assert osup["persons"] and not osup["withdrawn"]
        for r in osup["persons"]:
            assert changed in before[r["person_id"]] or gone in before[r["person_id"]]
    sup = load(op / "packages" / cc / "2" / "package.json")
    assert sup["kind"] == "supplement" and sup["base_version"] == 1
    # the changed person, and the reports that named the withdrawn one as a contact (now an other party)
    before_cc = {r["person_id"]: json.dumps(r) for r in first["persons"]}
    expected = {changed} | {p for p, text in before_cc.items() if gone in text and p != gone}
    assert {r["person_id"] for r in sup["persons"]} == expected
    assert {p["change"] for p in sup["summary"]["priority"]} == {"changed"}
    assert [w["person_id"] for w in sup["withdrawn"]] == [gone]
    assert not list(validator("package").iter_errors(sup))
    approve(op, cc, 2, "rob")
    release(op, cc, 2, "ann", [f"desk {cc}"])
    wf = open_workflow(op)
    try:
        with wf.session() as s:
            rows2 = {r.person_id: r.change for r in s.scalars(select(ReleasePerson).where(
                ReleasePerson.country == cc, ReleasePerson.version == 2))}
            assert rows2 == {**{p: "changed" for p in expected}, gone: "withdrawn"}
            assert s.get(Release, (cc, 2)).base_version == 1  # type: ignore[union-attr]
    finally:
        wf.close()
    # nothing changed since: no third draft
    again = build_drafts(op, by="ann", countries=[cc], formats=("json",))
    assert not again.drafts and again.unchanged == [cc]


def test_new_draft_supersedes_an_unreleased_one(op: Path) -> None:
    cc = top_country(op)
    build_drafts(op, by="ann", countries=[cc], formats=("json",))
    result = build_drafts(op, by="ann", countries=[cc], formats=("json",))
    assert result.superseded == [f"{cc}/1"] and result.drafts[0].version == 2
    assert not (op / "packages" / cc / "1").exists()
    assert [(r.version, r.status) for r in list_releases(op, cc)] == [(1, "superseded"), (2, "draft")]


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rescue.cli", *args], capture_output=True, text=True, check=False,
                          input=stdin)


def test_cli_default_build_four_eyes_and_release(op: Path) -> None:
    from typer.testing import CliRunner

    from rescue.cli import app

    runner = CliRunner()
    cc = top_country(op)

    def cli(*args: str, stdin: str = "") -> Any:
        return runner.invoke(app, list(args), input=stdin)

    r = cli("users", "add", str(op), "cleo", "--role", "analyst", "--password-stdin", stdin="a long passphrase\n")
    assert r.exit_code == 0, r.output
    r = cli("package", str(op), "--by", "cleo", "--country", cc, "--formats", "json")  # `build` by default
    assert r.exit_code == 0, r.output
    assert f"{cc}/1" in r.output
    r = cli("package", str(op), "--release", f"{cc}/1", "--by", "cleo", "--to", "desk")
    assert isinstance(r.exception, ReleaseError) and "approved" in str(r.exception)
    r = cli("package", str(op), "--approve", f"{cc}/1", "--by", "rita")
    assert r.exit_code == 0, r.output
    r = cli("package", "release", str(op), f"{cc}/1", "--by", "cleo", "--to", "desk A", "--to", "desk B")
    assert r.exit_code == 0, r.output
    r = cli("package", "list", str(op), "--json")
    rows = json.loads(r.output)
    assert rows[0]["status"] == "released" and rows[0]["recipients"] == ["desk A", "desk B"]
    r = cli("package", "register", str(op), "--json")
    assert len(r.output.splitlines()) == 2
    # a refusal through the real entry point: one line on stderr, exit code != 0
    build_drafts(op, by="ann", countries=[cc], formats=("json",), full=True)
    p = run_cli("package", "approve", str(op), f"{cc}/2", "--by", "ann")
    assert p.returncode != 0 and p.stderr.startswith("rescue: error:") and len(p.stderr.splitlines()) == 1
    assert "role reviewer" in p.stderr
