"""Determinism: the same findings and the same clock give the same bytes, whatever the number of render
processes — every file of every package, hence every manifest hash recorded in the workflow store."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import pytest

from rescue.package import build_drafts
from rescue.workflow import audit
from tests.package_fixtures import fresh_op

AT = dt.datetime(2026, 11, 29, 9, 30, 0)


def largest_countries(op: Path, n: int) -> list[str]:
    con = duckdb.connect(str(op / "store.duckdb"), read_only=True)
    try:
        rows = con.execute("select country from attribution where country is not null group by 1 "
                           "order by count(*) desc, 1 limit ?", [n]).fetchall()
    finally:
        con.close()
    return [str(r[0]) for r in rows]


def file_hashes(op: Path) -> dict[str, str]:
    return {p.relative_to(op).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((op / "packages").rglob("*")) if p.is_file()}


def test_one_and_two_workers_give_byte_identical_packages(small_world: Path, tmp_path_factory: pytest.TempPathFactory,
                                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "utcnow", lambda: AT)  # the drafts' time (the head is made in the parent)
    ops = [fresh_op(small_world, tmp_path_factory, tmp_path / name) for name in ("one", "two")]
    cc = largest_countries(ops[0], 4)
    one = build_drafts(ops[0], by="ann", countries=cc, workers=1)
    two = build_drafts(ops[1], by="ann", countries=cc, workers=2)
    assert len(one.drafts) == 4 and sum(d.full_reports for d in one.drafts) > 0
    assert [(d.ref, d.persons, d.manifest_sha256) for d in one.drafts] == \
        [(d.ref, d.persons, d.manifest_sha256) for d in two.drafts]
    a, b = file_hashes(ops[0]), file_hashes(ops[1])
    kinds = {Path(p).suffix for p in a}
    assert {".json", ".pdf", ".csv", ".xlsx"} <= kinds
    assert len(a) == len(b) > 10 * len(one.drafts)
    assert a == b
