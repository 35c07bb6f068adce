"""Against real servers: load a forum into MariaDB / PostgreSQL, then ingest the live database and
dumps made by the real mariadb-dump and pg_dump in several option sets — all must give the same
evidence. Skipped (with the reason) when .ci/install-servers.sh has not exported the server URLs."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from sqlalchemy.engine import make_url

from rescue import operation
from rescue.ingest.pipeline import ingest
from rescue.store import schema

MYSQL_URL = os.environ.get("RESCUE_TEST_MYSQL_URL")
PG_URL = os.environ.get("RESCUE_TEST_PG_URL")
SKIP_COLS = {"prov_offset", "prov_line", "source_id"}


def evidence(op: operation.Operation) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(op.store_path), read_only=True)
    try:
        out = {}
        for table in schema.EVIDENCE_TABLES:
            if table in ("sources", "ingest_tables", "quarantine", "mapping_report"):
                continue
            cols = ", ".join(f'"{c}"' for c in schema.column_names(table) if c not in SKIP_COLS)
            out[table] = sorted(con.execute(f'SELECT {cols} FROM "{table}"').fetchall(), key=repr)
        return out
    finally:
        con.close()


def run(cmd: list[str], *, stdin: Path | None = None, stdout: Path | None = None, env: dict[str, str] | None = None
        ) -> None:
    with (stdin.open("rb") if stdin else open(os.devnull, "rb")) as i, \
            (stdout.open("wb") if stdout else open(os.devnull, "wb")) as o:
        r = subprocess.run(cmd, stdin=i, stdout=o, stderr=subprocess.PIPE, env={**os.environ, **(env or {})},
                           check=False)
    assert r.returncode == 0, f"{cmd[0]} failed: {r.stderr.decode(errors='replace')[-500:]}"


@pytest.fixture()
def mysql_db(request: pytest.FixtureRequest) -> Iterator[tuple[str, list[str]]]:
    if not MYSQL_URL or not shutil.which("mariadb"):
        pytest.skip("no MariaDB server: run `eval \"$(bash .ci/install-servers.sh)\"` (CI does)")
    url = make_url(MYSQL_URL)
    name = "rescue_t_" + request.node.name.split("[")[-1].strip("]").replace(".", "_").replace("-", "_")[:40]
    args = [f"-h{url.host}", f"-P{url.port or 3306}", f"-u{url.username}", f"-p{url.password}"]
    run(["mariadb", *args, "-e", f"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name} CHARACTER SET utf8mb4"])
    yield url.set(database=name).render_as_string(hide_password=False), [*args, name]
    run(["mariadb", *args, "-e", f"DROP DATABASE IF EXISTS {name}"])


@pytest.mark.parametrize("fixture", ["phpbb30_default.sql", "mybb18_latin1.sql", "smf21_default.sql", "world"])
def test_mariadb_live_and_real_dumps_agree(fixture: str, mysql_db: tuple[str, list[str]], dumps: Path,
                                           small_world: Path, tmp_path: Path) -> None:
    url, args = mysql_db
    source = small_world / "forum" / "phpbb.sql" if fixture == "world" else dumps / fixture
    charset = ["--default-character-set=latin1"] if "latin1" in fixture else []
    run(["mariadb", *charset, *args], stdin=source)
    reference = operation.init(tmp_path / "reference")
    base = ingest(reference, source)
    assert base.counts.holds() and base.counts.quarantined == 0
    expected = evidence(reference)
    live = operation.init(tmp_path / "live")
    res = ingest(live, url)
    assert res.format == "mysql-live" and res.software == base.software and res.counts.quarantined == 0
    assert "rescue:***@" in res.path or "***" in res.path  # the password never reaches the register
    assert evidence(live) == expected
    option_sets = {"default": [], "hexblob-complete": ["--hex-blob", "--complete-insert"],
                   "single-row": ["--skip-extended-insert"]}
    for label, opts in option_sets.items():
        out = tmp_path / f"{label}.sql"
        run(["mariadb-dump", *charset, *opts, *args], stdout=out)
        op = operation.init(tmp_path / label)
        got = ingest(op, out)
        assert got.counts.holds() and got.counts.quarantined == 0, label
        assert evidence(op) == expected, label


def test_postgresql_live_and_custom_dump_agree(dumps: Path, tmp_path: Path) -> None:
    if not PG_URL or not shutil.which("psql"):
        pytest.skip("no PostgreSQL server: run `eval \"$(bash .ci/install-servers.sh)\"` (CI does)")
    url = make_url(PG_URL)
    env = {"PGPASSWORD": str(url.password)}
    conn = ["-h", str(url.host), "-p", str(url.port or 5432), "-U", str(url.username)]
    name = "rescue_t_discourse"
    run(["psql", *conn, "-d", str(url.database), "-c", f"DROP DATABASE IF EXISTS {name}"], env=env)
    run(["psql", *conn, "-d", str(url.database), "-c", f"CREATE DATABASE {name}"], env=env)
    try:
        plain = tmp_path / "load.sql"  # the fixture's tables belong to role postgres: load them as ours
        plain.write_text("".join(line for line in (dumps / "discourse_mini_pg_dump_plain.sql").read_text()
                                 .splitlines(keepends=True) if "OWNER TO" not in line))
        run(["psql", "-q", "-v", "ON_ERROR_STOP=1", *conn, "-d", name, "-f", str(plain)], env=env)
        reference = operation.init(tmp_path / "reference")
        ingest(reference, dumps / "discourse_mini_pg_dump_plain.sql")
        expected = evidence(reference)
        live = operation.init(tmp_path / "live")
        res = ingest(live, url.set(database=name).render_as_string(hide_password=False))
        assert res.software == "discourse" and res.format == "postgresql-live"
        assert evidence(live) == expected
        custom = tmp_path / "discourse.dump"
        run(["pg_dump", "-Fc", *conn, "-d", name, "-f", str(custom)], env=env)
        op = operation.init(tmp_path / "custom")
        assert ingest(op, custom).format == "pgdump"
        assert evidence(op) == expected
    finally:
        run(["psql", *conn, "-d", str(url.database), "-c", f"DROP DATABASE IF EXISTS {name}"], env=env)
