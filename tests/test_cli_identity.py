"""`rescue identity`: decisions taken on the command line are recorded with who, when and why, entered in the
processing log, applied at once (--apply) or by the next analysis, and survive every re-analysis."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import duckdb

from rescue.analyse.testing import MiniStore
from rescue.identity import DECISIONS_FILE
from rescue.workflow import open_workflow
from rescue.workflow.audit import AuditEntry, verify
from tests.test_identity_decisions import make_op


def rescue(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rescue.cli", *args], capture_output=True, text=True, check=False)


def person(op_dir: Path, account: str) -> str:
    con = duckdb.connect(str(op_dir / "store.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT person_id FROM person_accounts WHERE account_id = ?", [account]).fetchall()
        return str(rows[0][0])
    finally:
        con.close()


def test_decisions_round_trip_through_reanalysis(tmp_path: Path) -> None:
    op_dir = make_op(tmp_path / "op")
    s = MiniStore(op_dir / "store.duckdb")   # and a pair held for review: one home line, 17 months apart
    s.account("40", "kestrel", email="kestrel@gmail.com")
    s.account("41", "merlin", email="merlin@gmail.com")
    s.ips("40", "91.64.1.2", days=3)
    s.ips("41", "91.64.1.2", days=3, start=dt.datetime(2021, 6, 1))
    s.close()
    d = str(op_dir)
    assert rescue("analyse", d).returncode == 0
    assert person(op_dir, "10") == person(op_dir, "11") == person(op_dir, "12")   # e-mail and phone
    con = duckdb.connect(str(op_dir / "store.duckdb"), read_only=True)
    src = str(con.execute("SELECT source_id FROM accounts LIMIT 1").fetchall()[0][0])
    con.close()

    r = rescue("identity", "decide", d, f"{src}:10", f"{src}:11", "--not-same", "--by", "analyst A",
               "--reason", "different writing, different country")
    assert r.returncode == 0, r.stderr
    assert "not same" in r.stdout and "next `rescue analyse`" in r.stdout
    r = rescue("identity", "decide", d, f"{src}:20", f"{src}:21", "--same", "--by", "analyst B",
               "--reason", "same photo in both signatures", "--apply")
    assert r.returncode == 0, r.stderr
    assert person(op_dir, "20") == person(op_dir, "21")              # applied at once
    assert person(op_dir, "10") != person(op_dir, "11")              # blocked, also through account 12

    lines = [json.loads(x) for x in (op_dir / DECISIONS_FILE).read_text(encoding="utf-8").splitlines()]
    assert [(x["verdict"], x["who"]) for x in lines] == [("not same", "analyst A"), ("same", "analyst B")]
    assert all(x["at"].endswith("Z") for x in lines)

    # a held pair from the review list, decided by its review id
    r = rescue("identity", "review", d, "--json")
    assert r.returncode == 0, r.stderr
    held = [json.loads(x) for x in r.stdout.splitlines()]
    assert [(x["account_a"], x["account_b"], x["reason"]) for x in held] == [("40", "41", "weak evidence only (ip)")]
    r = rescue("identity", "decide", d, held[0]["review_id"], "--unsure", "--by", "analyst C", "--reason", "look again")
    assert r.returncode == 0, r.stderr
    r = rescue("identity", "decisions", d)
    assert "not yet applied" in r.stdout.splitlines()[2] and "analyst C" in r.stdout

    assert rescue("analyse", d).returncode == 0   # a full re-analysis keeps every decision
    assert person(op_dir, "20") == person(op_dir, "21")
    assert person(op_dir, "10") != person(op_dir, "11")
    assert person(op_dir, "12") in (person(op_dir, "10"), person(op_dir, "11"))
    assert person(op_dir, "40") != person(op_dir, "41")
    out = rescue("identity", "decisions", d).stdout.splitlines()
    assert [("applied" in x, "recorded (kept in review)" in x) for x in out] == [(True, False), (True, False),
                                                                                (False, True)]

    wf = open_workflow(op_dir)
    try:
        with wf.session() as s:
            entries = s.query(AuditEntry).order_by(AuditEntry.seq).all()
            assert [(e.actor, e.object_kind) for e in entries] == [
                ("analyst A", "identity decision"), ("analyst B", "identity decision"),
                ("analyst C", "identity decision")]
            assert verify(s).ok
    finally:
        wf.close()


def test_bad_decisions_are_one_line_errors(tmp_path: Path) -> None:
    op_dir = make_op(tmp_path / "op")
    d = str(op_dir)
    for args, needle in (
            (("s1:10", "s1:11", "--by", "a", "--reason", "r"), "exactly one of --same"),
            (("s1:10", "s1:11", "--same", "--not-same", "--by", "a", "--reason", "r"), "exactly one of --same"),
            (("s1:10", "s1:11", "--same", "--reason", "r"), "name of who"),
            (("s1:10", "s1:11", "--same", "--by", "a"), "needs a reason"),
            (("s1:10", "--same", "--by", "a", "--reason", "r"), "give two accounts"),
            (("Rdeadbeefdeadbeef", "--same", "--by", "a", "--reason", "r"), "no review list")):
        r = rescue("identity", "decide", d, *args)
        assert r.returncode != 0 and r.stderr.startswith("rescue: error:") and needle in r.stderr, (args, r.stderr)
        assert r.stderr.strip().count("\n") == 0
    assert not (op_dir / DECISIONS_FILE).exists()
