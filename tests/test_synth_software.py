"""`rescue synth --software X`: the same world written for each forum software ingests losslessly, auto-detected,
and the analysis measures against the truth about as well as on phpBB."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from rescue import analyse, evaluate, operation
from rescue.ingest.pipeline import ingest
from rescue.synth import generate

MEMBERS, SEED = 160, 5
# (software, format ingest must recognise, version it must report)
SOFTWARE = [("mybb", "mysqldump", "1.8"), ("smf", "mysqldump", "2.1"), ("discourse", "pgdump", "current"),
            ("xenforo", "mysqldump", "2.x"), ("vbulletin", "mysqldump", "4.x"), ("invision", "mysqldump", "4.x")]
SLOW = {"xenforo", "vbulletin", "invision"}  # evaluated in the slow run; the default run ingests a tiny world of each
# Measured on this world (160 members, seed 5), accuracy / coverage / selector precision / recall:
# phpBB 1.000 / 0.969 / 1.000 / 1.000, MyBB 1.000 / 0.974 / 1.000 / 1.000, SMF 1.000 / 0.969 / 1.000 / 1.000,
# Discourse 1.000 / 0.948 / 1.000 / 1.000, XenForo 1.000 / 0.969 / 1.000 / 1.000,
# vBulletin 4 1.000 / 0.969 / 1.000 / 1.000, Invision 4 1.000 / 0.969 / 1.000 / 1.000.
# The floors leave room for fields a software lacks, not for bugs.
FLOORS = {"accuracy": 0.97, "coverage": 0.85, "precision": 0.97, "recall": 0.95}


@pytest.fixture(scope="module", params=[pytest.param(s, id=s[0], marks=[pytest.mark.slow] if s[0] in SLOW else [])
                                        for s in SOFTWARE])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, str, Path]:
    software, fmt, version = request.param
    return software, fmt, version, _generate(tmp_path_factory.mktemp(f"world-{software}"), software, MEMBERS)


def _generate(out: Path, software: str, members: int) -> Path:
    summary = generate(out, members=members, seed=SEED, software=software)
    assert [p.relative_to(out).as_posix() for p in summary.dump_paths] == [
        f"forum/{software}.sql", f"other/{software}.sql"]
    return out


def _ingest_all(op: operation.Operation, out: Path, software: str, fmt: str, version: str) -> None:
    manifest = json.loads((out / "truth" / "manifest.json").read_text())
    for dump in (out / "forum" / f"{software}.sql", out / "other" / f"{software}.sql"):
        res = ingest(op, dump)  # format and software recognised from the content
        assert (res.software, res.format, res.version) == (software, fmt, version)
        assert res.counts.holds() and res.counts.quarantined == 0
        info = manifest["dumps"][f"{dump.parent.name}/{dump.name}"]
        assert info["software"] == software and info["table_prefix"] == res.prefix
        for table, n in info["rows"].items():
            assert res.counts.of(table).read == n, table


@pytest.mark.parametrize(("software", "fmt", "version"), [s for s in SOFTWARE if s[0] in SLOW],
                         ids=[s[0] for s in SOFTWARE if s[0] in SLOW])
def test_a_tiny_world_ingests_losslessly(software: str, fmt: str, version: str, tmp_path: Path) -> None:
    out = _generate(tmp_path / "w", software, 40)
    _ingest_all(operation.init(tmp_path / "op"), out, software, fmt, version)


@pytest.fixture(scope="module")
def ingested(world: tuple[str, str, str, Path], tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[operation.Operation, Path]:
    software, fmt, version, out = world
    op = operation.init(tmp_path_factory.mktemp(f"op-{software}") / "op")
    _ingest_all(op, out, software, fmt, version)
    return op, out / "truth"


def test_accounts_posts_and_messages_are_all_there(ingested: tuple[operation.Operation, Path]) -> None:
    op, truth = ingested
    manifest = json.loads((truth / "manifest.json").read_text())
    truth_accounts = [ln.split(",", 3) for ln in (truth / "accounts.csv").read_text().splitlines()[1:]]
    con = duckdb.connect(str(op.store_path), read_only=True)
    try:
        per_source = dict(con.execute(
            "SELECT s.path, count(*) FROM accounts a JOIN sources s USING (source_id) GROUP BY 1").fetchall())
        (posts,), = con.execute("SELECT count(*) FROM posts").fetchall()
        (messages,), = con.execute("SELECT count(*) FROM messages").fetchall()
        (recipients,), = con.execute("SELECT count(*) FROM message_recipients").fetchall()
        (ips,), = con.execute("SELECT count(DISTINCT ip) FROM ip_events").fetchall()
    finally:
        con.close()
    for forum in ("forum", "other"):
        n = sum(1 for row in truth_accounts if row[0] == forum)
        assert [c for p, c in per_source.items() if f"/{forum}/" in p] == [n]
    assert posts > 15 * MEMBERS and messages > MEMBERS and recipients >= messages and ips > MEMBERS
    assert manifest["selectors_planted"] > MEMBERS


@pytest.fixture(scope="module")
def report(ingested: tuple[operation.Operation, Path]) -> evaluate.EvaluationReport:
    op, truth = ingested
    analyse.run(op)
    return evaluate.run(op, truth)


def test_attribution_and_selectors_measure_like_phpbb(report: evaluate.EvaluationReport) -> None:
    assert report.attribution["evaluated"] > MEMBERS
    assert report.accuracy is not None and report.accuracy >= FLOORS["accuracy"]
    assert report.coverage is not None and report.coverage >= FLOORS["coverage"]
    totals = report.selectors["totals"]
    assert totals["precision"] >= FLOORS["precision"] and totals["recall"] >= FLOORS["recall"]
    kinds = {k["kind"]: k for k in report.selectors["per_kind"]}
    assert kinds["email"]["recall"] >= 0.95


@pytest.mark.parametrize("software", [s[0] for s in SOFTWARE])
def test_same_seed_gives_the_same_bytes_whatever_the_workers(software: str, tmp_path: Path) -> None:
    a = generate(tmp_path / "a", members=20, seed=SEED, software=software, workers=1)
    b = generate(tmp_path / "b", members=20, seed=SEED, software=software, workers=2)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    for f in files:
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    assert a.row_counts == b.row_counts and sum(a.row_counts[f"forum/{software}.sql"].values()) > 500
