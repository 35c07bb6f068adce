"""Risk prioritisation on a hand-made store: tables, evidence with provenance, quotes, negation,
aggregation over person_accounts, protected attributes, determinism, cross-investigation hits.

Content is clinical and non-explicit (DESIGN.md, content rules).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from rescue.analyse import AnalyseConfig, run_store
from rescue.analyse.testing import T0, MiniStore
from rescue.risk import run
from rescue.risk.store import table_digest

TIERS = {"Very High", "High", "Medium", "Low"}


def _build(path: Path) -> Path:
    s = MiniStore(path)
    s.config("server_name", "forum.example.net")
    s.account("1", "Anonymous", is_guest=True)
    s.account("3", "bot", is_bot=True)
    s.account("10", "teacher10", occupation="Primary school teacher", registered_at=T0 - dt.timedelta(days=900),
              location="Leeds", timezone="Europe/London", language="en")
    s.post("10", "100", "We could meet in person when I'm in town.")
    s.post("10", "101", "I uploaded the files to https://mega.nz/folder/abc123 yesterday.")
    s.post("10", "102", "Re-uploaded to https://boxes.example.org/f/xyz since the old link died.")
    s.post("10", "103", "Hello all. I volunteer at the youth club on Fridays.")
    s.message("10", "1000", "Thanks for the reply. Let's continue by e-mail.")
    s.insert("message_recipients", message_id="1000", account_id="11", kind="to", prov_key="1000-11")
    s.insert("attachments", attachment_id="a1", account_id="10", filename="garden.png", filesize=1234,
             created_at=T0, prov_key="a1")
    # 11 quotes 10 (credited to 10, never to 11) and denies being a teacher
    s.account("11", "quoter11", registered_at=T0)
    s.post("11", "110", "I am not a teacher, I repair cars.")
    s.quote("110", 1, "I work as a primary school teacher.", author="teacher10")
    s.message("11", "1100", "Hope you are well.")
    s.insert("message_recipients", message_id="1100", account_id="10", kind="to", prov_key="1100-10")
    # 12 reports what someone else said
    s.account("12", "reporter12", registered_at=T0)
    s.post("12", "120", 'He said "I work as a primary school teacher" and left.')
    # 13 is staff, nothing else
    s.account("13", "admin13", is_staff=True, group_name="ADMINISTRATORS", registered_at=T0)
    s.post("13", "130", "Welcome to the forum by the way.")
    # 14 neutral
    s.account("14", "plain14", registered_at=T0)
    s.post("14", "140", "It has been raining here for three days now.")
    s.quote("140", 1, "I volunteer at the youth club on Fridays.", author="teacher10")
    # 20 and 21: later merged into one person by identity resolution
    s.account("20", "alias20", registered_at=T0)
    s.message("20", "2000", "Better to talk on Telegram, not here.")
    s.insert("message_recipients", message_id="2000", account_id="14", kind="to", prov_key="2000-14")
    s.account("21", "alias21", registered_at=T0)
    s.post("21", "210", "Ich bin nächsten Monat in Köln, wir könnten uns treffen.")
    s.close()
    run_store(s.path, AnalyseConfig())
    return s.path


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("risk") / "store.duckdb")


@pytest.fixture()
def con(store: Path, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    copy = tmp_path / "store.duckdb"
    copy.write_bytes(store.read_bytes())
    c = duckdb.connect(str(copy))
    run(c)
    return c


def by_user(con: duckdb.DuckDBPyConnection, username: str) -> dict[str, float]:
    rows = con.execute("""SELECT i.indicator, i.points FROM risk_indicators i
                          JOIN person_accounts pa ON pa.person_id = i.person_id WHERE pa.username = ?""",
                       [username]).fetchall()
    return {str(k): float(v) for k, v in rows}


def score(con: duckdb.DuckDBPyConnection, username: str) -> tuple[float, str]:
    got = con.execute("""SELECT r.score, r.tier FROM risk r JOIN person_accounts pa ON pa.person_id = r.person_id
                         WHERE pa.username = ?""", [username]).fetchall()
    return float(got[0][0]), str(got[0][1])


def test_tables_follow_the_contract(con: duckdb.DuckDBPyConnection) -> None:
    cols = {t: {str(r[0]) for r in con.execute(f"DESCRIBE {t}").fetchall()}
            for t in ("risk", "risk_indicators", "risk_evidence")}
    assert {"person_id", "score", "tier", "rank", "config_version", "advisory"} <= cols["risk"]
    assert {"person_id", "indicator", "value", "points"} <= cols["risk_indicators"]
    assert {"person_id", "indicator", "snippet", "source_table", "prov_key", "prov_offset", "account_id"} \
        <= cols["risk_evidence"]
    persons = con.execute("SELECT count(*) FROM persons").fetchall()[0][0]
    rows = con.execute("SELECT tier, rank, advisory, config_version FROM risk ORDER BY rank").fetchall()
    assert len(rows) == persons and [r[1] for r in rows] == list(range(1, persons + 1))
    assert {r[0] for r in rows} <= TIERS
    assert all("advises a human decision; it does not replace one" in r[2] for r in rows)
    assert {r[3] for r in rows} == {"risk-2025.1"}


def test_every_point_is_explained_by_evidence_with_provenance(con: duckdb.DuckDBPyConnection) -> None:
    unexplained = con.execute("""
        SELECT i.person_id, i.indicator FROM risk_indicators i WHERE i.points > 0 AND NOT EXISTS (
            SELECT 1 FROM risk_evidence e WHERE e.person_id = i.person_id AND e.indicator = i.indicator
            AND e.prov_table IS NOT NULL AND (e.prov_key IS NOT NULL OR e.prov_offset IS NOT NULL)
            AND e.snippet <> '')""").fetchall()
    assert unexplained == []
    no_indicator = con.execute("""SELECT person_id FROM risk r WHERE score > 0 AND NOT EXISTS (
        SELECT 1 FROM risk_indicators i WHERE i.person_id = r.person_id AND i.points > 0)""").fetchall()
    assert no_indicator == []
    assert con.execute("SELECT count(*) FROM risk WHERE score > 0").fetchall()[0][0] >= 5


def test_indicators_of_the_teacher(con: duckdb.DuckDBPyConnection) -> None:
    got = by_user(con, "teacher10")
    assert {"access_to_children", "private_channel", "meeting", "filehost", "attachments", "tenure"} <= set(got)
    assert score(con, "teacher10")[1] == "Very High"
    ev = con.execute("""SELECT e.indicator, e.snippet, e.source_table, e.detail FROM risk_evidence e
                        JOIN person_accounts pa USING (person_id) WHERE pa.username = 'teacher10'
                        ORDER BY e.indicator, e.seq""").fetchall()
    files = [r for r in ev if r[0] == "filehost"]
    assert {r[2] for r in files} == {"posts"} and len(files) == 2  # a listed host and a sharing phrase
    assert any("listed file host" in r[3] for r in files) and any("uploaded" in r[1] for r in files)


def test_quotes_are_credited_to_the_quoted_author(con: duckdb.DuckDBPyConnection) -> None:
    assert "access_to_children" not in by_user(con, "quoter11")  # quoted text is not the quoter's; own text negated
    quoted = con.execute("""SELECT e.snippet, e.in_quote, e.weight, e.detail FROM risk_evidence e
                            JOIN person_accounts pa USING (person_id)
                            WHERE pa.username = 'teacher10' AND e.source_table = 'quotes'""").fetchall()
    # the quote of 10's words is 10's evidence, at quote_factor; the quote repeating a sentence 10's own post
    # already holds ("youth club") is no new observation
    assert quoted == [("I work as a primary school teacher.", True, 0.5,
                       "occupation (en); in a quote by another member")]


def test_reported_speech_is_weaker(con: duckdb.DuckDBPyConnection) -> None:
    reported = by_user(con, "reporter12")["access_to_children"]
    assert 0 < reported < by_user(con, "teacher10")["access_to_children"]


def test_staff_alone_stays_low(con: duckdb.DuckDBPyConnection) -> None:
    s, tier = score(con, "admin13")
    assert by_user(con, "admin13").get("staff") == 1.0 and 0 < s <= 2.0 and tier == "Low"
    assert score(con, "plain14")[0] < 1.0


def test_scores_aggregate_over_person_accounts(store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "merged.duckdb"
    copy.write_bytes(store.read_bytes())
    c = duckdb.connect(str(copy))
    run(c)
    apart = score(c, "alias20")[0], score(c, "alias21")[0]
    c.execute("UPDATE person_accounts SET person_id = 'P-merged' WHERE username IN ('alias20', 'alias21')")
    c.execute("CREATE OR REPLACE TABLE persons AS SELECT DISTINCT person_id FROM person_accounts ORDER BY 1")
    run(c)
    merged, tier = score(c, "alias20")
    assert merged > sum(apart)  # both behaviours, and the breadth bonus
    assert tier in ("High", "Very High")
    assert set(by_user(c, "alias21")) >= {"private_channel", "meeting"}


def test_country_and_language_do_not_change_scores(con: duckdb.DuckDBPyConnection) -> None:
    before = table_digest(con)
    con.execute("UPDATE accounts SET location = 'Lisbon, Portugal', timezone = 'Asia/Tokyo', language = 'pl'")
    con.execute("UPDATE attribution SET country = 'BR'")
    con.execute("UPDATE account_signals SET language = 'de'")
    run(con)
    assert table_digest(con) == before


def test_two_runs_write_identical_tables(con: duckdb.DuckDBPyConnection) -> None:
    first = table_digest(con)
    run(con)
    assert table_digest(con) == first


def test_hits_in_other_investigations(con: duckdb.DuckDBPyConnection) -> None:
    pid = con.execute("SELECT person_id FROM person_accounts WHERE username = 'plain14'").fetchall()[0][0]
    con.execute("CREATE TABLE xref_hits (person_id VARCHAR, other_operation VARCHAR, other_person_id VARCHAR, "
                "kind VARCHAR, value_hash VARCHAR, reference VARCHAR, other_store VARCHAR)")
    for kind in ("email", "skype"):  # two selectors of one other person: one hit
        con.execute("INSERT INTO xref_hits VALUES (?, 'op-2019', 'P9', ?, 'h', 'REF-1', '/x')", [pid, kind])
    run(con)
    got = con.execute("SELECT value, points FROM risk_indicators WHERE person_id = ? AND indicator = 'xref'",
                      [pid]).fetchall()
    assert got == [(1.0, 5.0)]
    snippet, = con.execute("SELECT snippet FROM risk_evidence WHERE person_id = ? AND indicator = 'xref'",
                           [pid]).fetchall()[0]
    assert "op-2019" in snippet


def test_runs_inside_the_callers_transaction(store: Path, tmp_path: Path) -> None:
    copy = tmp_path / "tx.duckdb"
    copy.write_bytes(store.read_bytes())
    c = duckdb.connect(str(copy))
    for table in ("risk", "risk_indicators", "risk_evidence"):  # the analyse stage already scored this store
        c.execute(f"DROP TABLE IF EXISTS {table}")
    c.execute("BEGIN TRANSACTION")
    run(c)
    c.execute("ROLLBACK")
    have = {r[0] for r in c.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert "risk" not in have  # written as part of the caller's transaction, rolled back with it
    summary = run(c)
    assert summary.persons == c.execute("SELECT count(*) FROM risk").fetchall()[0][0]
    assert sum(summary.tiers.values()) == summary.persons and "Very High" in summary.tiers


def test_no_persons_table_is_a_clear_error(tmp_path: Path) -> None:
    from rescue.errors import OperationError

    s = MiniStore(tmp_path / "bare.duckdb")
    s.close()
    with pytest.raises(OperationError, match="persons"):
        run(duckdb.connect(str(s.path)))
