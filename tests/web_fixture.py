"""A small operation for the workbench tests: evidence rows written directly (with hostile payloads planted
in user names, posts, messages, thread titles and selectors), findings tables with the documented columns,
releases of two countries, and one user per role. Importable: ``make_operation(tmp_path)``."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import text

from rescue import operation
from rescue.web import passwords
from rescue.web.passwords import hash_password
from rescue.workflow import Workflow, open_workflow, users

SRC = "src-000000000001"
PAYLOADS = (
    "<script>alert('x1')</script>",
    '<img src=x onerror="alert(2)">',
    '<a href="javascript:alert(3)">click</a>',
    "\"><svg onload=alert(4)>",
)
# person id → (label, country, tier, score, account ids)
PERSONS: dict[str, tuple[str, str | None, str, float, tuple[str, ...]]] = {
    "PDE1000000000001": ("anna_de", "DE", "Very High", 20.0, ("1", "2")),
    "PDE2000000000002": ("bernd_de", "DE", "High", 12.0, ("3",)),
    "PFR1000000000003": ("claire_fr", "FR", "Medium", 6.0, ("4",)),
    "PXX1000000000004": (PAYLOADS[1], None, "Low", 1.0, ("5",)),
}
DE1, DE2, FR1, XX1 = list(PERSONS)
ROLES = {"admin": None, "analyst": None, "reviewer": None, "reviewer2": None, "lo_de": "DE", "lo_fr": "FR",
         "auditor": None}


def password(user: str) -> str:
    return f"correct horse battery {user}"


# Argon2id at its production cost takes ~0.1-0.5 s per hash and per log-in, by design. The workbench tests
# log in hundreds of times, so they use the same algorithm (argon2id) at its lowest cost.
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
passwords._DUMMY = passwords._hasher.hash("no user has this password")


@functools.cache
def password_hash(user: str) -> str:
    """Argon2id takes ~0.1-0.5 s by design: hash each test password once per test run."""
    return hash_password(password(user))


@dataclass
class Fixture:
    root: Path
    items: dict[str, tuple[str, str, str]]  # person → (origin, source_id, item_id) of one of their posts


def _release_tables(wf: Workflow) -> None:
    """Create ``releases`` / ``release_persons`` with the package workflow's documented columns when the
    package code (rescue.workflow.releases) has not created them."""
    with wf.session() as s:
        s.execute(text("""CREATE TABLE IF NOT EXISTS releases (
            country VARCHAR(2) NOT NULL, version INTEGER NOT NULL, status VARCHAR(16) NOT NULL,
            kind VARCHAR(16) NOT NULL, base_version INTEGER, handling_code VARCHAR(2) NOT NULL,
            tlp VARCHAR(32) NOT NULL, persons INTEGER, path TEXT NOT NULL, manifest_sha256 VARCHAR(64) NOT NULL,
            drafted_by VARCHAR(64) NOT NULL, drafted_at TIMESTAMP NOT NULL, approved_by VARCHAR(64),
            approved_at TIMESTAMP, released_by VARCHAR(64), released_at TIMESTAMP, recipients TEXT,
            PRIMARY KEY (country, version))"""))
        s.execute(text("""CREATE TABLE IF NOT EXISTS release_persons (
            country VARCHAR(2) NOT NULL, version INTEGER NOT NULL, person_id VARCHAR(40) NOT NULL,
            role VARCHAR(16), category VARCHAR(32), change VARCHAR(16), report_sha256 VARCHAR(64),
            PRIMARY KEY (country, version, person_id))"""))


def add_release(wf: Workflow, country: str, version: int, status: str, persons: list[str],
                drafted_by: str = "analyst") -> None:
    _release_tables(wf)
    now = dt.datetime(2026, 1, 10, 9, 0)
    released = status == "released"
    with wf.session() as s:
        s.execute(text("""INSERT INTO releases (country, version, status, kind, handling_code, tlp, persons, path,
                              manifest_sha256, drafted_by, drafted_at, approved_by, approved_at, released_by,
                              released_at, recipients)
                          VALUES (:cc, :v, :st, 'full', 'H0', 'TLP:AMBER', :n, :path, :sha, :by, :at, :ab, :aat,
                                  :rb, :rat, :rec)"""),
                  {"cc": country, "v": version, "st": status, "n": len(persons),
                   "path": f"packages/{country}/{version}",
                   "sha": "0" * 64, "by": drafted_by, "at": now,
                   "ab": "reviewer" if status in ("approved", "released") else None,
                   "aat": now if status in ("approved", "released") else None,
                   "rb": "reviewer" if released else None, "rat": now if released else None,
                   "rec": '["' + country + ' national unit"]' if released else "[]"})
        if released:
            for pid in persons:
                s.execute(text("INSERT INTO release_persons (country, version, person_id, role, category, change, "
                               "report_sha256) VALUES (:cc, :v, :p, 'lead', 'suspect', 'new', '')"),
                          {"cc": country, "v": version, "p": pid})


def make_operation(tmp: Path, workflow_url: str | None = None) -> Fixture:
    op = operation.init(tmp / "op", name="webtest", agency="TEST")
    con = duckdb.connect(str(op.store_path))
    t0 = dt.datetime(2020, 3, 1, 12, 0)
    items: dict[str, tuple[str, str, str]] = {}
    try:
        con.execute("""CREATE TABLE selectors (source_id VARCHAR, account_id VARCHAR, kind VARCHAR, value VARCHAR,
                       origin VARCHAR, origin_id VARCHAR, field VARCHAR, in_quote BOOLEAN, obfuscated BOOLEAN,
                       detail VARCHAR, prov_table VARCHAR, prov_key VARCHAR, prov_offset BIGINT, prov_line BIGINT)""")
        con.execute("INSERT INTO sources (source_id, sha256, software, format) VALUES (?, ?, 'phpbb', 'mysqldump')",
                    [SRC, "a" * 64])
        con.execute("INSERT INTO threads (source_id, thread_id, title, prov_table, prov_key) VALUES (?, '1', ?, "
                    "'phpbb_topics', '1')", [SRC, "Weekend plans " + PAYLOADS[3]])
        post_id = 100
        for pid, (label, _cc, _tier, _score, accs) in PERSONS.items():
            for i, acc in enumerate(accs):
                name = label if i == 0 else f"{label}_alt"
                con.execute("""INSERT INTO accounts (source_id, account_id, username, email, registered_at, location,
                                   occupation, post_count, is_guest, is_bot, prov_table, prov_key)
                               VALUES (?, ?, ?, ?, ?, ?, ?, 3, false, false, 'phpbb_users', ?)""",
                            [SRC, acc, name, f"user{acc}@example.org", t0, PAYLOADS[0], PAYLOADS[2], acc])
                for k in range(2):
                    post_id += 1
                    body = (f"Post {post_id} about the weekend. {PAYLOADS[k % 2]} mail me at user{acc}@example.org "
                            f"{PAYLOADS[2]}")
                    con.execute("""INSERT INTO posts (source_id, post_id, thread_id, account_id, posted_at, ip,
                                       subject, body_text, prov_table, prov_key, prov_offset, prov_line)
                                   VALUES (?, ?, '1', ?, ?, '192.0.2.1', ?, ?, 'phpbb_posts', ?, 10, 2)""",
                                [SRC, str(post_id), acc, t0 + dt.timedelta(days=post_id), "Re: " + PAYLOADS[0], body,
                                 str(post_id)])
                    items.setdefault(pid, ("posts", SRC, str(post_id)))
                    con.execute("""INSERT INTO selectors (source_id, account_id, kind, value, origin, origin_id, field,
                                       in_quote, obfuscated, detail, prov_table, prov_key, prov_offset, prov_line)
                                   VALUES (?, ?, 'email', ?, 'posts', ?, 'body_text', false, false, ?, 'phpbb_posts',
                                           ?, 10, 2)""",
                                [SRC, acc, f"user{acc}@example.org", str(post_id), PAYLOADS[3], str(post_id)])
        # private messages: DE1 → FR1 and DE1 → DE2
        for mid, (sender, recipient) in enumerate((("1", "4"), ("1", "3"), ("4", "1")), start=1):
            con.execute("""INSERT INTO messages (source_id, message_id, sender_account_id, sent_at, subject,
                               body_text, prov_table, prov_key) VALUES (?, ?, ?, ?, ?, ?, 'phpbb_privmsgs', ?)""",
                        [SRC, str(mid), sender, t0 + dt.timedelta(days=mid), PAYLOADS[1],
                         f"Message {mid}: see you {PAYLOADS[0]}", str(mid)])
            con.execute("INSERT INTO message_recipients (source_id, message_id, account_id, kind) "
                        "VALUES (?, ?, ?, 'to')", [SRC, str(mid), recipient])
        _findings(con)
    finally:
        con.close()
    wf = open_workflow(op.root, workflow_url)
    try:
        with wf.session() as s:
            for name, cc in ROLES.items():
                role = "liaison" if name.startswith("lo_") else ("reviewer" if name.startswith("reviewer") else name)
                users.add_user(s, name, role, country=cc, password_hash=password_hash(name))
        add_release(wf, "DE", 1, "released", [DE1])
        add_release(wf, "DE", 2, "draft", [DE2])
        add_release(wf, "FR", 1, "released", [FR1])
    finally:
        wf.close()
    return Fixture(root=op.root, items=items)


def _findings(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""CREATE TABLE persons (person_id VARCHAR, label VARCHAR, accounts BIGINT, account_keys VARCHAR,
                   method VARCHAR, usernames VARCHAR, sources BIGINT, selector_count BIGINT, selectors VARCHAR,
                   countries_seen VARCHAR, first_activity TIMESTAMP, last_activity TIMESTAMP)""")
    con.execute("CREATE TABLE person_accounts (person_id VARCHAR, source_id VARCHAR, account_id VARCHAR, "
                "username VARCHAR, method VARCHAR, link_confidence DOUBLE)")
    con.execute("""CREATE TABLE attribution (person_id VARCHAR, country VARCHAR, confidence DOUBLE, candidate VARCHAR,
                   support DOUBLE, against DOUBLE, share DOUBLE, evidence_items BIGINT, evidence_types VARCHAR,
                   reason VARCHAR)""")
    con.execute("""CREATE TABLE risk (person_id VARCHAR, score DOUBLE, tier VARCHAR, rank BIGINT,
                   indicators VARCHAR)""")
    con.execute("""CREATE TABLE risk_evidence (person_id VARCHAR, indicator VARCHAR, seq BIGINT, weight DOUBLE,
                   snippet VARCHAR, detail VARCHAR, source_table VARCHAR, origin_id VARCHAR, field VARCHAR,
                   source_id VARCHAR, account_id VARCHAR, prov_table VARCHAR, prov_key VARCHAR)""")
    con.execute("""CREATE TABLE person_links (source_a VARCHAR, account_a VARCHAR, username_a VARCHAR, person_a VARCHAR,
                   source_b VARCHAR, account_b VARCHAR, username_b VARCHAR, person_b VARCHAR, method VARCHAR,
                   kind VARCHAR, value VARCHAR, detail VARCHAR, score DOUBLE, strength VARCHAR, status VARCHAR,
                   review_id VARCHAR)""")
    for rank, (pid, (label, cc, tier, score, accs)) in enumerate(PERSONS.items(), start=1):
        con.execute("INSERT INTO persons VALUES (?, ?, ?, '', 'one account', ?, 1, 1, '', ?, ?, ?)",
                    [pid, label, len(accs), label, cc, dt.datetime(2020, 3, 1), dt.datetime(2020, 9, 1)])
        for acc in accs:
            con.execute("INSERT INTO person_accounts VALUES (?, ?, ?, ?, 'selector', 0.99)", [pid, SRC, acc, label])
        con.execute("INSERT INTO attribution VALUES (?, ?, ?, ?, 3, 0, 1, 2, 'ip_residential', ?)",
                    [pid, cc, 0.8 if cc else 0.0, cc, "residential addresses " + PAYLOADS[2]])
        con.execute("INSERT INTO risk VALUES (?, ?, ?, ?, 'meeting 4')", [pid, score, tier, rank])
        con.execute("INSERT INTO risk_evidence VALUES (?, 'meeting', 1, 1, ?, 'en', 'posts', ?, 'body_text', ?, ?, "
                    "'phpbb_posts', '1')",
                    [pid, "let us meet &lt;script&gt;alert(5)&lt;/script&gt;", "101", SRC, accs[0]])
    # DE1's two accounts: a merged same-person link; DE1 and FR1: a held candidate link
    con.execute("INSERT INTO person_links VALUES (?, '1', 'anna_de', ?, ?, '2', 'anna_de_alt', ?, 'selector', "
                "'email', 'x', ?, 0.99, 'strong', 'merged', NULL)", [SRC, DE1, SRC, DE1, PAYLOADS[0]])
    con.execute("INSERT INTO person_links VALUES (?, '1', 'anna_de', ?, ?, '4', 'claire_fr', ?, 'style', "
                "'writing style', '', '', 0.7, 'candidate', 'held: writing style only', NULL)", [SRC, DE1, SRC, FR1])


def login(client: TestClient, user: str, pw: str | None = None) -> str:
    """Log in through the form; returns the session's CSRF token."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text
    r = client.post("/login", data={"username": user, "password": pw or password(user), "csrf_token": token[1]},
                    follow_redirects=False)
    assert r.status_code == 303, (r.status_code, r.text[:300])
    me = client.get("/api/me")
    assert me.status_code == 200, me.text
    csrf: Any = me.json()["csrf_token"]
    return str(csrf)
