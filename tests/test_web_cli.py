"""`rescue serve`, `rescue index`, `rescue users`, `rescue audit`: help, adding users, a real server on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner, Result

from rescue.cli import app
from rescue.errors import UsageError
from rescue.web import search
from rescue.workflow import open_workflow
from rescue.workflow.users import User
from tests.web_fixture import make_operation


def rescue(*args: str, stdin: str = "") -> Result:
    """The CLI in-process (a subprocess costs seconds of imports); errors stay exceptions in ``.exception``."""
    return CliRunner().invoke(app, list(args), input=stdin)


@pytest.mark.parametrize("verb", [("serve",), ("index",), ("users",), ("users", "add"), ("audit",),
                                  ("audit", "verify"), ("audit", "export")])
def test_help(verb: tuple[str, ...]) -> None:
    r = rescue(*verb, "--help")
    assert r.exit_code == 0 and "Usage" in r.stdout, r.output


def test_users_add_hashes_with_argon2_and_checks_roles(tmp_path: Path) -> None:
    op = tmp_path / "op"
    assert rescue("init", str(op)).exit_code == 0
    r = rescue("users", "add", str(op), "lo_it", "--role", "liaison", "--country", "it", "--password-stdin",
               stdin="a long enough password\n")
    assert r.exit_code == 0, r.output
    with open_workflow(op).session() as s:
        user = s.get(User, "lo_it")
        assert user is not None and user.country == "IT" and user.password_hash.startswith("$argon2id$")
    short = rescue("users", "add", str(op), "bob", "--role", "analyst", "--password-stdin", stdin="short\n")
    assert isinstance(short.exception, UsageError) and "at least 12 characters" in str(short.exception)
    nocc = rescue("users", "add", str(op), "lo_x", "--role", "liaison", "--password-stdin",
                  stdin="a long enough password\n")
    assert isinstance(nocc.exception, UsageError) and "bound to one country" in str(nocc.exception)
    totp = rescue("users", "add", str(op), "rev", "--role", "reviewer", "--totp", "--password-stdin",
                  stdin="a long enough password\n")
    assert totp.exit_code == 0 and "otpauth://totp/" in totp.stdout
    listed = rescue("users", "list", str(op)).stdout
    assert "lo_it\tliaison\tIT" in listed and "rev\treviewer\t\tactive\ttotp" in listed
    old = open_workflow(op).session
    with old() as s:
        before = s.get(User, "lo_it")
        assert before is not None
        first_hash = before.password_hash
    changed = rescue("users", "passwd", str(op), "lo_it", "--password-stdin", stdin="another long password\n")
    assert changed.exit_code == 0
    assert rescue("users", "totp", str(op), "rev", "--off").exit_code == 0
    with old() as s:
        after, rev = s.get(User, "lo_it"), s.get(User, "rev")
        assert after is not None and rev is not None
        assert after.password_hash != first_hash and rev.totp_secret is None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_builds_the_index_and_answers_on_loopback(tmp_path: Path) -> None:
    fx = make_operation(tmp_path)
    assert not search.exists(fx.root)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "rescue.cli", "serve", str(fx.root), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "RESCUE_WORKFLOW_URL": ""})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as res:
                    assert res.status == 200 and b'"ok":true' in res.read()
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(proc.stderr.read() if proc.stderr else "server did not start") from None
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as res:
            assert "frame-ancestors 'none'" in res.headers["Content-Security-Policy"]
        assert search.is_current(fx.root)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    con = duckdb.connect(str(fx.root / "store.duckdb"))  # a new post after the index was built: outdated
    con.execute("INSERT INTO posts (source_id, post_id, body_text) VALUES ('src-x', '1', 'late')")
    con.close()
    assert search.exists(fx.root) and not search.is_current(fx.root)
