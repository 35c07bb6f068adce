"""The workflow store and its hash-chained processing log."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from rescue.errors import UsageError
from rescue.workflow import audit, open_workflow, users


def test_concurrent_appends_form_one_gapless_chain(tmp_path: Path) -> None:
    wf = open_workflow(tmp_path)

    def writer(i: int) -> None:
        for k in range(15):
            with wf.session() as s:
                audit.append(s, actor=f"user{i}", action="consultation", object_kind="person", object_id=str(k),
                             justification="case review")

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with wf.session() as s:
        v = audit.verify(s)
    assert (v.entries, v.head_seq, v.ok) == (90, 90, True)


@pytest.mark.parametrize("tamper, expected", [
    ("UPDATE audit_log SET justification = 'other' WHERE seq = 3", "entry 3: content altered"),
    ("DELETE FROM audit_log WHERE seq = 4", "entry 4: missing"),
    ("DELETE FROM audit_log WHERE seq = 10", "entries removed or head altered"),
    ("UPDATE audit_log SET actor = 'mallory', hash = 'f' || substr(hash, 2) WHERE seq = 7", "entry 7"),
])
def test_verify_finds_altered_or_removed_entries(tmp_path: Path, tamper: str, expected: str) -> None:
    wf = open_workflow(tmp_path)
    with wf.session() as s:
        for k in range(10):
            audit.append(s, actor="alice", action="disclosure", object_kind="package", object_id=f"DE/{k}",
                         country="DE", recipients=["BKA"], details={"n": k})
    wf.close()
    con = sqlite3.connect(tmp_path / "workflow.sqlite")
    con.execute(tamper)
    con.commit()
    con.close()
    with open_workflow(tmp_path).session() as s:
        v = audit.verify(s)
    assert not v.ok
    assert any(expected in p for p in v.problems), v.problems


def test_roles_and_liaison_country(tmp_path: Path) -> None:
    wf = open_workflow(tmp_path)
    with wf.session() as s:
        users.add_user(s, "lo_fr", "liaison", country="FR")
        with pytest.raises(UsageError, match="bound to one country"):
            users.add_user(s, "lo_x", "liaison")
        with pytest.raises(UsageError, match="not one of"):
            users.add_user(s, "bob", "superuser")
    with wf.session() as s:
        assert [u.username for u in users.list_users(s)] == ["lo_fr"]
    with wf.session() as s, pytest.raises(UsageError, match="not one of"):
        audit.append(s, actor="a", action="peek", object_kind="person")
