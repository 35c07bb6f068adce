"""A real, small operation served by ``rescue serve`` for the browser tests and the screenshots.

``build_operation`` copies an analysed synthetic world (the package tests' shared one: its posts carry the
synthesiser's planted script payloads), plants more payloads where the bundled views draw seized text (a
person's label and user names: the graph), adds one user per role, drafts the packages of the three largest
countries (by the analyst), has two of them approved (a reviewer) and released (an admin), and leaves the
third draft for a reviewer to approve in the browser. ``Server`` runs ``rescue serve`` on a free loopback
port; ``launch`` starts Debian's Chromium. Importable: ``bench/screenshots.py`` uses the same pieces.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# planted where the bundle draws text on a canvas or SVG (graph labels, map titles)
PAYLOAD_LABEL = '<img src=x onerror="window.__pwned=1;alert(7)">'
ROLES: dict[str, tuple[str, str | None]] = {
    "admin": ("admin", None), "analyst": ("analyst", None), "reviewer": ("reviewer", None),
    "reviewer2": ("reviewer", None), "auditor": ("auditor", None),
}


def password(user: str) -> str:
    return f"browser-test-{user}-password"


@dataclass
class BrowserOp:
    root: Path
    home: str  # country released to the liaison officer ``liaison_home``
    other: str  # a second released country (its officer: ``liaison_other``)
    pending: str  # country whose draft waits for approval (drafted by the analyst)
    home_persons: list[str]
    other_persons: list[str]
    pending_persons: list[str]
    planted_person: str  # a person of ``home`` whose label is PAYLOAD_LABEL and who has contacts


def _countries(store: Path) -> list[str]:
    with duckdb.connect(str(store), read_only=True) as con:
        rows = con.execute("SELECT country FROM attribution WHERE country IS NOT NULL GROUP BY 1 "
                           "ORDER BY count(*) DESC, 1").fetchall()
    return [str(r[0]) for r in rows]


def busiest(store: Path, persons: list[str]) -> str:
    """The person among ``persons`` who sent the most private messages (the fullest contact graph)."""
    with duckdb.connect(str(store), read_only=True) as con:
        rows = con.execute("""
            SELECT pa.person_id, count(*) AS n FROM person_accounts pa
            JOIN messages m ON m.source_id = pa.source_id AND m.sender_account_id = pa.account_id
            WHERE pa.person_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1""",
                           [persons]).fetchall()
    return str(rows[0][0]) if rows else persons[0]


def _plant(store: Path, persons: list[str]) -> str:
    """Give PAYLOAD_LABEL to the busiest released person: label, linked user names and seized user names."""
    pid = busiest(store, persons)
    with duckdb.connect(str(store)) as con:
        con.execute("UPDATE persons SET label = ? WHERE person_id = ?", [PAYLOAD_LABEL, pid])
        con.execute("UPDATE person_accounts SET username = ? WHERE person_id = ?", [PAYLOAD_LABEL, pid])
        con.execute("""UPDATE accounts SET username = ? WHERE (source_id, account_id) IN
                       (SELECT (source_id, account_id) FROM person_accounts WHERE person_id = ?)""",
                    [PAYLOAD_LABEL, pid])
    return pid


def build_operation(analysed: Path, base: Path, *, plant: bool = True) -> BrowserOp:
    """A copy of the analysed operation ``analysed`` under ``base``, with users, packages and payloads."""
    from rescue import operation
    from rescue.package import approve, build_drafts, release
    from rescue.web.passwords import hash_password
    from rescue.workflow import open_workflow, users

    shutil.copytree(analysed, base / "op")
    op = operation.load(base / "op")
    home, other, pending = _countries(op.store_path)[:3]
    roles = {**ROLES, "liaison_home": ("liaison", home), "liaison_other": ("liaison", other)}
    wf = open_workflow(op.root)
    try:
        with wf.session() as s:
            for name, (role, cc) in roles.items():
                users.add_user(s, name, role, country=cc, full_name=f"Test {role}",
                               password_hash=hash_password(password(name)))
    finally:
        wf.close()
    build_drafts(op.root, by="analyst", countries=[home, other, pending], formats=("json", "csv"), workers=1)
    for cc in (home, other):
        approve(op.root, cc, 1, "reviewer2")
        release(op.root, cc, 1, "admin", [f"{cc} national contact point"])
    persons = {cc: package_persons(op.root, cc) for cc in (home, other, pending)}
    planted = _plant(op.store_path, persons[home]) if plant else ""
    return BrowserOp(root=op.root, home=home, other=other, pending=pending, home_persons=persons[home],
                     other_persons=persons[other], pending_persons=persons[pending], planted_person=planted)


def package_persons(op_root: Path, country: str, version: int = 1) -> list[str]:
    """The persons of a package version, from its package.json index."""
    doc = json.loads((op_root / "packages" / country / str(version) / "package.json").read_text(encoding="utf-8"))
    return [str(it["person_id"]) for it in doc["index"]]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``rescue serve DIR`` on a free loopback port, as a separate process (as a user would run it)."""

    def __init__(self, op_root: Path, *, workers: int = 1, log: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log or (op_root.parent / f"serve-{self.port}.log")
        self._out = self.log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rescue.cli", "serve", str(op_root), "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(workers)],
            stdout=self._out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self._wait()

    def _wait(self, timeout: float = 180.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"rescue serve exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"rescue serve did not answer within {timeout} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._out.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def chromium_available() -> bool:
    return CHROMIUM.is_file()


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def bundle_built() -> bool:
    from rescue.web.state import HERE

    return (HERE / "static" / "vendor" / "workbench.js").is_file()
