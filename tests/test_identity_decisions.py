"""Analyst decisions: recorded in the operation's workflow file, applied on every run, surviving
re-analysis; "not same" blocks a merge for good (also through a third account), "same" forces one."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from rescue import operation
from rescue.analyse import AnalyseConfig, attribute, run_store
from rescue.analyse.testing import MiniStore
from rescue.errors import OperationError, UsageError
from rescue.identity import DECISIONS_FILE, IdentitySummary, decide, resolve, resolve_operation


def make_op(root: Path) -> Path:
    op = operation.init(root)
    s = MiniStore(op.store_path)
    s.config("server_name", "forum.example.net")
    # 10 and 11 share an e-mail address; 12 shares a phone number with both
    s.account("10", "oak", email="oak.leaf@web.de")
    s.account("11", "elm", email="elm@gmail.com")
    s.post("11", "110", "mail: oak.leaf@web.de")
    s.account("12", "ash", email="ash@gmail.com")
    s.post("12", "120", "call me +49 151 23456789")
    s.post("10", "100", "my number +49 151 23456789")
    # 20 and 21: nothing in common
    s.account("20", "fir", email="fir@gmail.com")
    s.account("21", "yew", email="yew@gmail.com")
    s.account("30", "pine", email="pine@gmail.com")
    s.account("31", "larch", email="larch@gmail.com")
    s.close()
    return op.root


def analyse_and_resolve(root: Path) -> IdentitySummary:
    """A full re-analysis with identity resolution wired in (as `rescue analyse` does it)."""
    op = operation.load(root)
    out: list[IdentitySummary] = []
    run_store(op.store_path, AnalyseConfig(),
              resolve_persons=lambda con: out.append(resolve(con, decisions_path=root / DECISIONS_FILE)))
    return out[0]


def q(root: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(root / "store.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def person(root: Path, account: str) -> str:
    return str(q(root, "SELECT person_id FROM person_accounts WHERE account_id = ?", [account])[0][0])


@pytest.fixture()
def op_dir(tmp_path: Path) -> Path:
    return make_op(tmp_path / "op")


def test_without_decisions_the_evidence_decides(op_dir: Path) -> None:
    analyse_and_resolve(op_dir)
    assert person(op_dir, "10") == person(op_dir, "11") == person(op_dir, "12")
    assert person(op_dir, "20") != person(op_dir, "21")


def test_decisions_survive_reanalysis_and_not_same_blocks(op_dir: Path) -> None:
    analyse_and_resolve(op_dir)
    src = str(q(op_dir, "SELECT source_id FROM accounts LIMIT 1")[0][0])
    d = decide(op_dir, f"{src}:10", f"{src}:11", "not same", "analyst A", "different writing, different country")
    decide(op_dir, (src, "20"), (src, "21"), "same", "analyst A", "same photo in both signatures")
    lines = (op_dir / DECISIONS_FILE).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["verdict"] == "not same" and d.line == 1
    for _ in range(2):   # the decisions are applied again on every re-analysis
        summary = analyse_and_resolve(op_dir)
        assert person(op_dir, "10") != person(op_dir, "11")            # blocked, also through account 12
        assert person(op_dir, "12") in (person(op_dir, "10"), person(op_dir, "11"))
        assert person(op_dir, "20") == person(op_dir, "21")            # forced
        assert summary.decisions == {"applied": 2}
    rows = q(op_dir, "SELECT verdict, who, status, reason FROM analyst_decisions ORDER BY line")
    assert rows == [("not same", "analyst A", "applied", "different writing, different country"),
                    ("same", "analyst A", "applied", "same photo in both signatures")]
    (status,) = q(op_dir, "SELECT status FROM person_links WHERE account_a = '10' AND account_b = '11' "
                          "AND method = 'selector'")[0]
    assert status == "blocked: an analyst decided not same"
    (method,) = q(op_dir, "SELECT method FROM person_accounts WHERE account_id = '21'")[0]
    assert method == "decision"


def test_latest_decision_counts_and_person_ids_are_accepted(op_dir: Path) -> None:
    analyse_and_resolve(op_dir)
    p30, p31 = person(op_dir, "30"), person(op_dir, "31")
    decide(op_dir, p30, p31, "same", "analyst B", "first look")
    decide(op_dir, p31, p30, "unsure", "analyst C", "second look: not convinced")
    analyse_and_resolve(op_dir)
    assert person(op_dir, "30") != person(op_dir, "31")
    assert q(op_dir, "SELECT status FROM analyst_decisions ORDER BY line") == [
        ("superseded by a later decision",), ("recorded (kept in review)",)]
    (reason, decision) = q(op_dir, "SELECT reason, decision FROM identity_review WHERE account_a = '30'")[0]
    assert reason == "an analyst was unsure" and str(decision).startswith("unsure (analyst C")


def test_bad_decisions_are_refused(op_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        decide(op_dir, "s:1", "s:2", "maybe", "analyst", "why")
    with pytest.raises(UsageError):
        decide(op_dir, "s:1", "s:2", "same", " ", "why")
    with pytest.raises(UsageError):
        decide(op_dir, "s:1", "s:2", "same", "analyst", "")
    with pytest.raises(UsageError):
        decide(op_dir, "s:1", "s:1", "same", "analyst", "why")
    with pytest.raises(UsageError):
        decide(op_dir, "no-colon", "s:1", "same", "analyst", "why")
    with pytest.raises(OperationError):
        decide(tmp_path / "nowhere", "s:1", "s:2", "same", "analyst", "why")
    assert not (op_dir / DECISIONS_FILE).exists()


def test_a_broken_decisions_file_is_an_error(op_dir: Path) -> None:
    path = op_dir / DECISIONS_FILE
    path.parent.mkdir(parents=True)
    path.write_text('{"a": "s:1"}\n', encoding="utf-8")
    with pytest.raises(OperationError, match=r"identity\.jsonl:1"):
        analyse_and_resolve(op_dir)


def test_decisions_applied_without_full_reanalysis(op_dir: Path) -> None:
    analyse_and_resolve(op_dir)
    src = str(q(op_dir, "SELECT source_id FROM accounts LIMIT 1")[0][0])
    decide(op_dir, f"{src}:30", f"{src}:31", "same", "analyst D", "same signature picture")
    summary = resolve_operation(op_dir)
    assert summary.decisions == {"applied": 1}
    attribute(operation.load(op_dir))
    p = person(op_dir, "30")
    assert p == person(op_dir, "31")
    assert q(op_dir, "SELECT count(*) FROM attribution WHERE person_id = ?", [p]) == [(1,)]
    with pytest.raises(OperationError, match="analyse"):
        resolve_operation(make_op(op_dir.parent / "fresh"))
