"""The evidence ceiling of recall: each true pair by the strongest evidence the store holds for it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from rescue.identity.ceiling import evidence_ceiling

SRC = "src-1"

# account: (username, email, birth date, location, time zone, text characters, true person, predicted person)
ACCOUNTS = {
    "1": ("anna_k", "anna@a.example", None, "", "1", 0, "p1", "P1"),
    "2": ("quiet_owl", "other1@b.example", None, "", "1", 0, "p1", "P1"),       # 1–2: same e-mail
    "3": ("solar_pilot", "other2@b.example", None, "", "1", 0, "p1", "P3"),     # 2–3: same phone; 1–3 through 2
    "4": ("tiny_comet", "x1@c.example", None, "", "1", 0, "p2", "P4"),
    "5": ("lazy_heron", "x2@c.example", None, "", "1", 0, "p2", "P5"),          # 4–5: only a VPN exit
    "6": ("green_maple", "y1@c.example", None, "", "1", 0, "p3", "P6"),
    "7": ("misty_robin", "y2@c.example", None, "", "1", 0, "p3", "P6"),         # 6–7: a home line
    "8": ("brave_lynx", "z1@c.example", "1980-02-03", "", "1", 0, "p4", "P8"),
    "9": ("rusty_bean", "z2@c.example", "1980-02-03", "", "1", 0, "p4", "P9"),  # 8–9: birth date
    "10": ("old_spoon", "w1@c.example", None, "", "1", 3000, "p5", "P10"),
    "11": ("cosmic_rider", "w2@c.example", None, "", "1", 2500, "p5", "P11"),   # 10–11: enough text
    "12": ("Margherita85", "q1@c.example", None, "", "1", 0, "p6", "P12"),
    "13": ("margherita.ligorio", "q2@c.example", None, "", "1", 0, "p6", "P13"),  # one rare token
    "14": ("ligorio_margherita", "q3@c.example", None, "", "1", 0, "p7", "P14"),
    "15": ("MargheritaLigorio", "margherita.ligorio@d.example", None, "", "1", 0, "p7", "P15"),  # full name
    "16": ("happy_fox", "r1@c.example", None, "", "1", 0, "p8", "P16"),
    "17": ("wild_fox", "r2@c.example", None, "", "1", 0, "p8", "P17"),         # "fox" on 3 accounts
    "18": ("fox_pilot", "r3@c.example", None, "", "1", 0, "p9", "P18"),
    "19": ("sunny_harbor", "s1@c.example", None, "", "1", 0, "p10", "P19"),
    "20": ("late_walker", "s2@c.example", None, "", "1", 0, "p10", "P20"),     # nothing at all
}


@pytest.fixture()
def store(tmp_path: Path) -> tuple[duckdb.DuckDBPyConnection, Path]:
    truth = tmp_path / "truth"
    truth.mkdir()
    lines = ["forum,account_id,person_id"] + [f"forum,{a},{v[6]}" for a, v in ACCOUNTS.items()]
    lines.append("forum,21,")  # a guest row of the truth: no person
    (truth / "accounts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (truth / "traps.csv").write_text("kind,ip,country,operator,persons,person_ids,accounts,valid_from,valid_to\n"
                                     "vpn,198.51.100.7,NL,X,9,,,,\n", encoding="utf-8")
    con = duckdb.connect()
    con.execute("""CREATE TABLE accounts (source_id VARCHAR, account_id VARCHAR, username VARCHAR, email VARCHAR,
                   birth_date DATE, location VARCHAR, timezone VARCHAR, is_guest BOOLEAN, is_bot BOOLEAN)""")
    con.execute("CREATE TABLE person_accounts (person_id VARCHAR, source_id VARCHAR, account_id VARCHAR)")
    con.execute("CREATE TABLE posts (source_id VARCHAR, account_id VARCHAR, body_text VARCHAR)")
    con.execute("CREATE TABLE messages (source_id VARCHAR, sender_account_id VARCHAR, body_text VARCHAR)")
    for a, (user, mail, birth, loc, tz, chars, _p, pred) in ACCOUNTS.items():
        con.execute("INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?, ?, false, false)",
                    [SRC, a, user, mail, birth, loc, tz])
        con.execute("INSERT INTO person_accounts VALUES (?, ?, ?)", [pred, SRC, a])
        if chars:
            con.execute("INSERT INTO posts VALUES (?, ?, ?)", [SRC, a, "x" * (chars - 100)])
            con.execute("INSERT INTO messages VALUES (?, ?, ?)", [SRC, a, "y" * 100])
    con.execute("CREATE TABLE selectors (source_id VARCHAR, account_id VARCHAR, kind VARCHAR, value VARCHAR)")
    con.executemany("INSERT INTO selectors VALUES (?, ?, ?, ?)", [
        (SRC, "1", "email", "anna@a.example"), (SRC, "2", "email", "anna@a.example"),
        (SRC, "2", "phone", "+3912345"), (SRC, "3", "phone", "+3912345"),
        (SRC, "19", "url", "https://x.example"), (SRC, "20", "url", "https://x.example")])  # no identifying kind
    con.execute("CREATE TABLE ip_events (source_id VARCHAR, account_id VARCHAR, ip VARCHAR, kind VARCHAR)")
    con.executemany("INSERT INTO ip_events VALUES (?, ?, ?, ?)", [
        (SRC, "4", "198.51.100.7", "session"), (SRC, "5", "198.51.100.7", "post"),
        (SRC, "6", "203.0.113.9", "session"), (SRC, "7", "203.0.113.9", "post"),
        (SRC, "19", "192.0.2.1", "login_attempt"), (SRC, "20", "192.0.2.1", "session")])  # a failed login
    return con, truth


def test_each_true_pair_gets_its_strongest_evidence(store: tuple[duckdb.DuckDBPyConnection, Path]) -> None:
    con, truth = store
    got = evidence_ceiling(con, truth, {SRC: "forum"}, ("email", "phone"), min_chars=2000, token_cap=4)
    assert got["true_pairs"] == 11
    assert got["by_class"] == {
        "selector": 2,      # 1–2 e-mail, 2–3 phone (1–3 shares nothing directly)
        "address": 1,       # the home line of 6–7; the VPN exit of 4–5 does not count
        "birth date": 1, "location": 0, "text": 1, "user name": 0,
        "full name": 1,     # 14–15: margherita (4 accounts) and ligorio (3)
        "rare name": 2,     # 12–13: margherita only; 16–17: fox
        "common name": 0,
        "nothing": 3,       # 1–3, 4–5, 19–20 (a URL and a failed login from one address are no evidence)
    }
    assert got["merged"]["selector"] == 1 and got["merged"]["address"] == 1 and got["merged"]["nothing"] == 0
    # usable: 1–2, 2–3 and through them 1–3; 6–7; 8–9; 10–11; 14–15
    assert got["ceiling"] == round(7 / 11, 4)
    stricter = evidence_ceiling(con, truth, {SRC: "forum"}, ("email", "phone"), min_chars=2000, token_cap=2)
    assert stricter["by_class"]["full name"] == 0 and stricter["by_class"]["common name"] == 3
    assert stricter["ceiling"] == round(6 / 11, 4)


def test_name_token_precision_counts_pairs_of_one_person(store: tuple[duckdb.DuckDBPyConnection, Path]) -> None:
    con, truth = store
    got = evidence_ceiling(con, truth, {SRC: "forum"}, ("email",), min_chars=2000, token_cap=30)
    rows = {r["max_accounts"]: (r["pairs"], r["one_person"]) for r in got["name_token_precision"]}
    # ≤ 2 accounts: "other" (2, 3: one person), "pilot" (3, 18: two persons)
    # ≤ 5: also margherita (12–15: 6 pairs, 2 of one person), ligorio (inside those), fox (16–18: 3 pairs, 1)
    assert rows == {2: (2, 1), 5: (11, 4), 30: (11, 4)}
