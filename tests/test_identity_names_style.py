"""Real names in user names and e-mail names; writing-style profiles in bounded memory and their neighbours."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from rescue.identity.config import IdentityConfig
from rescue.identity.model import TEMP
from rescue.identity.realnames import name_evidence, raw_tokens, years
from rescue.identity.style import neighbours
from rescue.identity.style_profiles import build, own_texts, text_stream
from tests.identity_fixtures import text_store


def test_tokens_and_years() -> None:
    assert raw_tokens("MargheritaLigorio85") == ["margherita", "ligorio"]
    assert raw_tokens("margherita.ligorio_85") == ["margherita", "ligorio"]
    assert raw_tokens("Jürgen-Öz") == ["jurgen"]          # folded; two letters are no token
    assert years("anna.kowalska1984 ak84", "1984-03-02") == ({"84"}, {"84"})
    assert years("x123", None) == (set(), set())


def _name_store(rows: list[tuple[int, str, str, str]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE TABLE accounts (source_id VARCHAR, account_id VARCHAR, username VARCHAR, email VARCHAR,"
                " timezone VARCHAR)")
    con.execute(f"CREATE TEMP TABLE {TEMP} (idx BIGINT, source_id VARCHAR, account_id VARCHAR)")
    for i, user, mail, tz in rows:
        con.execute("INSERT INTO accounts VALUES ('s', ?, ?, ?, ?)", [str(i), user, mail, tz])
        con.execute(f"INSERT INTO {TEMP} VALUES (?, 's', ?)", [i, str(i)])
    return con


def test_name_evidence_strong_weak_and_refused() -> None:
    rows = [(0, "margheritaligorio", "m.ligorio@example.org", "UTC+1"),     # born 1985 (birth date)
            (1, "Ligorio190", "margherita.ligorio85@example.net", "UTC+1"),  # same name and year: strong
            (2, "MargheritaL", "margherita_ligorio@example.com", "UTC+1"),   # no year: weak with 1 and 0
            (3, "ligorio_margherita1990", "lm@example.com", "UTC+1"),        # 1990 against 1985: conflict
            (4, "margherita.ligorio", "ml@example.com", "UTC-5"),            # other time zone: nothing
            (5, "silver_fox", "silver.fox85@example.com", "UTC+1"),          # no rare name in common
            (6, "margherita_rossi", "rossi85@example.com", "UTC+1")]         # one name token only
    con = _name_store(rows)
    birth = pa.table({"birth_date": pa.array(["1985-02-03", None, None, None, None, None, None], pa.string())})
    got = {(e.a, e.b): e.strength for e in name_evidence(con, birth, IdentityConfig())}
    assert got[(0, 1)] == "strong"
    assert got[(0, 2)] == got[(1, 2)] == "weak"
    assert (0, 3) not in got and got[(1, 3)] == "weak"   # a two-digit 85 is no sure year: unknown
    assert not any(4 in p or 5 in p or 6 in p for p in got)
    assert name_evidence(con, birth, IdentityConfig(names=False)) == []
    # a name carried by more accounts than the cap identifies no one
    assert name_evidence(con, birth, IdentityConfig(name_token_cap=3)) == []


def _text_store(n: int) -> duckdb.DuckDBPyConnection:
    rng = np.random.default_rng(3)
    words = ["the", "and", "of", "to", "a", "in", "weather", "garden", "football", "kitchen", "music", "travel"]
    con = text_store()
    for i in range(n):
        con.execute(f"INSERT INTO {TEMP} VALUES (?, 's', ?)", [i, str(i)])
        habit = "!!" if i % 2 else " ..."    # two writing habits
        for k in range(3):
            body = " ".join(rng.choice(words, 60)) + habit + ("\n\nbye" if i % 3 else "\ncheers")
            con.execute("INSERT INTO posts VALUES ('s', ?, ?, TIMESTAMP '2024-01-01' + INTERVAL (?) HOUR, ?)",
                        [str(i), f"{i}-{k}", k, body])
    return con


def test_text_stream_and_profiles_from_a_sample() -> None:
    con = _text_store(12)
    assert list(text_stream(con, 100)) == own_texts(con, 100)
    assert [i for i, _ in text_stream(con, 100, only=[3, 5])] == [3, 5]
    ids, y = build(con, min_chars=100, max_chars=10_000, n_words=6, n_features=500, dims=3, sample=4, seed=7)
    assert ids == list(range(12)) and y.shape == (12, 3)
    again = build(con, min_chars=100, max_chars=10_000, n_words=6, n_features=500, dims=3, sample=4, seed=7)[1]
    assert np.array_equal(y, again)                     # deterministic
    assert np.all(np.linalg.norm(y, axis=1) <= 1.0 + 1e-5)


def test_neighbours_exact_and_inverted_file_agree_on_clear_twins() -> None:
    rng = np.random.default_rng(1)
    base = rng.standard_normal((600, 16)).astype(np.float32)
    y = np.concatenate([base, base + 0.05 * rng.standard_normal(base.shape).astype(np.float32)])
    y /= np.linalg.norm(y, axis=1, keepdims=True)
    twin = np.concatenate([np.arange(600, 1200), np.arange(600)])
    exact_i, exact_v = neighbours(y, 2, exact_max=10_000, probe=8, seed=7)
    assert (exact_i[:, 0] == twin).all() and (exact_v[:, 0] >= exact_v[:, 1]).all()
    ivf_i, _ = neighbours(y, 2, exact_max=100, probe=8, seed=7)
    assert (ivf_i[:, 0] == twin).mean() > 0.95
    assert np.array_equal(ivf_i, neighbours(y, 2, exact_max=100, probe=8, seed=7)[0])
