"""Hit/no-hit matching through keyed-hash filters: a shared selector hits with the owner's reference,
nothing else does, and the filter file holds no raw value."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from rescue import operation
from rescue.analyse import AnalyseConfig, run_store
from rescue.analyse.testing import MiniStore
from rescue.errors import UsageError
from rescue.identity import check_filter, export_filter, resolve, xref

KEY = bytes(range(32))


def make_op(root: Path, accounts: list[tuple[str, str, str, str]]) -> Path:
    """An analysed operation with accounts (id, username, e-mail, a post text)."""
    op = operation.init(root, agency="Agency " + root.name)
    s = MiniStore(op.store_path, source_id="src-" + root.name)
    s.config("server_name", "forum.example.net")
    for aid, name, email, text in accounts:
        s.account(aid, name, email=email)
        s.post(aid, f"{aid}0", text)
    s.close()
    run_store(op.store_path, AnalyseConfig())
    con = duckdb.connect(str(op.store_path))
    try:
        resolve(con)
    finally:
        con.close()
    return op.root


@pytest.fixture(scope="module")
def ops(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    base = tmp_path_factory.mktemp("filters")
    owner = make_op(base / "owner", [
        ("2", "harbour", "harbour.light@web.de", "find me on telegram: @harbour_light_77"),
        ("3", "meadow", "meadow@gmail.com", "call +49 151 23456789 after six"),
        ("4", "quiet", "quiet.one@gmx.de", "nothing to see here")])
    other = make_op(base / "other", [
        ("7", "light77", "other.mail@yahoo.com", "my telegram: @harbour_light_77 works best"),
        ("8", "fields", "meadow@gmail.com", "hello"),
        ("9", "stranger", "stranger@gmail.com", "just reading")])
    unrelated = make_op(base / "unrelated", [("5", "nobody", "nobody@gmail.com", "no contact details")])
    return owner, other, unrelated


def test_round_trip_hits_only_shared_selectors(ops: tuple[Path, Path, Path], tmp_path: Path) -> None:
    owner, other, unrelated = ops
    out = tmp_path / "to-other" / "filter.json"
    exported = export_filter(owner, out, KEY)
    assert exported.entries["email"] == 3 and exported.entries["telegram"] == 1 and exported.entries["phone"] == 1
    result = check_filter(other, out, KEY)
    assert result.hit and result.issuer == "Agency owner"
    assert sorted((h.kind, h.accounts) for h in result.hits) == [("email", "src-other:8"),
                                                               ("telegram", "src-other:7")]
    register = json.loads((owner / "xref" / "filters" / f"{exported.filter_id}.json").read_text(encoding="utf-8"))
    back = {h.reference: register[h.reference] for h in result.hits}
    assert sorted(v["value"][0] for v in back.values()) == ["harbour_light_77", "meadow@gmail.com"]
    assert not check_filter(unrelated, out, KEY).hit
    log = (other / "xref" / "checks.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(log[-1])["filter_id"] == exported.filter_id


def test_filter_file_holds_no_raw_values(ops: tuple[Path, Path, Path], tmp_path: Path) -> None:
    owner = ops[0]
    out = tmp_path / "filter.json"
    export_filter(owner, out, KEY)
    text = out.read_text(encoding="utf-8").lower()
    con = duckdb.connect(str(owner / "store.duckdb"), read_only=True)
    try:
        values = [str(v).lower() for (v,) in con.execute("SELECT DISTINCT value FROM selectors").fetchall()]
        values += [str(p).lower() for (p,) in con.execute("SELECT person_id FROM persons").fetchall()]
        values += [str(u).lower() for (u,) in con.execute("SELECT username FROM accounts").fetchall()]
    finally:
        con.close()
    assert values and not [v for v in values if v in text]
    for needle in ("@", "+49", "harbour", "src-owner", "owner"):
        assert needle not in text.replace("agency owner", "")
    doc = json.loads(text)
    assert set(doc["filters"]) == {"email", "phone", "telegram"}
    assert all(set(e) == {"h", "ref"} and len(e["h"]) == 64 for items in doc["filters"].values() for e in items)


def test_wrong_or_weak_key_is_refused(ops: tuple[Path, Path, Path], tmp_path: Path) -> None:
    owner, other, _ = ops
    out = tmp_path / "filter.json"
    export_filter(owner, out, KEY)
    with pytest.raises(UsageError, match="key"):
        check_filter(other, out, bytes(32))
    with pytest.raises(UsageError, match="16"):
        export_filter(owner, out, b"short")
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(UsageError, match="not a"):
        check_filter(other, bad, KEY)


def test_direct_xref_writes_hits_without_values(ops: tuple[Path, Path, Path]) -> None:
    owner, other, unrelated = ops
    summary = xref(owner, [other, unrelated])
    assert summary.per_operation == {"other": 2, "unrelated": 0}
    con = duckdb.connect(str(owner / "store.duckdb"), read_only=True)
    try:
        rows = con.execute("SELECT other_operation, kind, value_hash, reference FROM xref_hits "
                           "ORDER BY kind").fetchall()
    finally:
        con.close()
    assert [(r[0], r[1]) for r in rows] == [("other", "email"), ("other", "telegram")]
    assert all(len(str(r[2])) == 64 and str(r[3]).startswith("X") for r in rows)
    again = xref(owner, [other])   # replaces the hits against the same operation
    assert again.hits == 2
