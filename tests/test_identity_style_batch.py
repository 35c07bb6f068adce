"""The vectorised writing-style features equal a per-account reference computation, and profiles are
deterministic and independent of how accounts are batched."""

from __future__ import annotations

import re
from collections import Counter

import duckdb
import numpy as np
import pytest

from rescue.identity import style_batch as sb
from rescue.identity import style_profiles as sp
from rescue.identity.model import TEMP
from tests.identity_fixtures import text_store

_WORD = re.compile(r"\w+")
_SPLIT = re.compile(r"(\w+)")

_TEXTS = [
    "Hello all,\nThe weather is fine today and the 3 of us went out.\n\nCheers\nBob",
    "  \t  Leading spaces and\ttabs\t\tand  double  spaces.  \n\nSecond para with ünïcödé Äpfel 42x.\n  ",
    "THE END of the story!!! 😀 emoji 𝐀𝐁 and more 😀😀 text\r\nWith CRLF\r\nlines\r\n",
    "   \n\t\n  ",                                          # only white space: no first/last line
    "İstanbul trip was the best, and the food\u00a0was great\u2003indeed\n\n\n\nbye bye",
    "short",
    "one\ntwo\nthree\n\nfour and the five six seven eight nine ten eleven twelve thirteen fourteen",
]


def _reference(texts: list[str], keep: set[str]) -> Counter[int]:
    """Features of one account, computed on its own text with plain Python (the former implementation)."""
    out: Counter[int] = Counter()
    for body in texts:
        first = body.lstrip().split("\n", 1)[0].strip()
        if first:
            out[sb.line_key_id("first", first[:20])] += 1
            out[sb.line_key_id("last", body.rstrip().rsplit("\n", 1)[-1].strip()[-20:])] += 1
        out[sb.name_id(f"paragraphs:{min(body.count(chr(10) + chr(10)), 3)}")] += 1
    parts = _SPLIT.split("\x02" + "\x03\x02".join(texts) + "\x03")
    for k in range(1, len(parts), 2):
        w = parts[k]
        if w.lower() in keep:
            out[sb.name_id("w:" + w.lower())] += 1
        else:
            parts[k] = "".join("#" if c.isdigit() else "*" for c in w)
    text = re.sub(r"[ \t]+", " ", "".join(parts))
    for i in range(len(text) - 2):
        out[(ord(text[i]) << 42) | (ord(text[i + 1]) << 21) | ord(text[i + 2])] += 1
    return out


def _store(n: int, seed: int = 3) -> duckdb.DuckDBPyConnection:
    rng = np.random.default_rng(seed)
    con = text_store()
    for i in range(n):
        con.execute(f"INSERT INTO {TEMP} VALUES (?, 's', ?)", [i, str(i)])
        for k in range(4):
            body = str(_TEXTS[int(rng.integers(len(_TEXTS)))])
            if rng.random() < 0.5:
                body = body.upper() if rng.random() < 0.3 else body.replace("the", "teh")
            con.execute("INSERT INTO posts VALUES ('s', ?, ?, TIMESTAMP '2024-01-01' + INTERVAL (?) HOUR, ?)",
                        [str(i), f"{i}-{k}", k, body])
    return con


def _batch_features(space: sp.ProfileSpace, b: sp.TextBatch) -> list[Counter[int]]:
    m = sb.mask(b.cp, b.bounds, b.text_bounds, b.acct_of_text, space.keep, space.ranks)
    code = sb.gram_codes(m.r, m.bounds, space.a).astype(np.int64)
    rows = sb.gram_rows(m.bounds, len(code))
    a = space.a
    ok = ((code // (a * a)) > 0) & (((code // a) % a) > 0) & ((code % a) > 0)
    ids = sb.code_ids(code[ok], space.alphabet, a)
    rows = rows[ok]
    return [Counter(ids[rows == r].tolist()) + Counter(m.named_ids[m.named_acct == r].tolist())
            + Counter(space.word_ids[m.kept_word[m.kept_acct == r]].tolist()) for r in range(len(b.accounts))]


def test_batch_features_equal_the_per_account_reference() -> None:
    con = _store(30)
    texts = dict(sp.text_stream(con, 1))
    batches = list(sp.text_batches(con, 1, 1 << 40))
    space = sp.ProfileSpace(list(batches), n_words=12, n_features=400, dims=4, seed=7)
    words: Counter[str] = Counter()
    for t in texts.values():
        words.update(map(str.lower, _WORD.findall("\n".join(t)[:4000])))
    keep = {w for w, _ in sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))[:12]}
    assert set(space.keep_words) == keep
    assert "the" in keep and "İstanbul".lower() not in keep
    compared = 0
    for b in batches:
        for r, feats in enumerate(_batch_features(space, b)):
            ref = _reference(texts[int(b.accounts[r])], keep)
            # every character of these texts is in the alphabet (fewer than ALPHABET distinct ones)
            assert feats == ref, int(b.accounts[r])
            compared += 1
    assert compared == 30


def test_line_keys_and_words_hash_apart() -> None:
    assert sb.line_key_id("last", "sday, not bad at all") != sb.line_key_id("last", "rday, not bad at all")
    assert sb.line_key_id("first", "Hello") == sb.line_key_id("first", "hello")
    assert sb.line_key_id("first", "hello") != sb.line_key_id("last", "hello")
    h = sb.word_hashes(["The", "the", "thE", "then", "he"])
    assert h[0] == h[1] == h[2] and len(set(h.tolist())) == 3


def test_profiles_deterministic_and_independent_of_batching(monkeypatch: pytest.MonkeyPatch) -> None:
    con = _store(40, seed=5)
    args = dict(min_chars=1, max_chars=10_000, n_words=12, n_features=400, dims=6, sample=15, seed=7)
    ids, y = sp.build(con, **args)  # type: ignore[arg-type]
    ids2, y2 = sp.build(con, **args)  # type: ignore[arg-type]
    assert ids == ids2 == list(range(40)) and np.array_equal(y, y2)
    monkeypatch.setattr(sp, "_BATCH_CHARS", 500)        # many small batches instead of one
    monkeypatch.setattr(sp, "_ROWS", 7)
    ids3, y3 = sp.build(con, **args)  # type: ignore[arg-type]
    assert ids3 == ids
    np.testing.assert_allclose(y3, y, atol=1e-5)
