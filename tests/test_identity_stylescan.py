"""The C style features (rescue.identity._stylescan) against the numpy path: identical bit for bit, on
ordinary synthetic text and on hostile text (combining marks, astral characters, NULs, right-to-left text,
the wrapper characters inside a text, very long words, odd white space)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from rescue.identity import style_batch as sb
from rescue.identity import style_profiles as sp
from rescue.identity import style_scan as ss
from rescue.identity.model import TEMP
from tests.identity_fixtures import text_store

_PLAIN = [
    "Hello all,\nThe weather is fine today and the 3 of us went out to the market.\n\nCheers\nBob",
    "  \t  Leading spaces and\ttabs\t\tand  double  spaces.  \n\nSecond para with 42x and the rest.\n  ",
    "one\ntwo\nthree\n\nfour and the five six seven eight nine ten eleven twelve thirteen fourteen",
    "I think the train was late again, so we took the bus and it was fine.",
    "THE END of the story!!! and then the usual: see you next week :-)",
]
_ODD = [
    "cafe\u0301 re\u0301sume\u0301 na\u0308ive \u0627\u0644\u0633\u0644\u0627\u0645 \u05e9\u05dc\u05d5\u05dd \u200f!",
    "emoji \U0001F600\U0001F600 and \U0001D400\U0001D401 bold, \U00020000\U0002A6D6 ideographs, \U0001F1E9\U0001F1EA",
    "nul\x00inside\x00\x00words and a \x02 fake wrapper \x03 in the middle \x03\x02",
    "x" * 5000 + "7" * 300 + "\u0661\u0662\u0663 \u00b2\u00b3 \u2460 digits",
    "\u0130stanbul \u00df \u03a3\u03a3 \ufb01ne \u1e9e \u2126 \u212a \u0149 \u1f88 lower cases",
    "lines\u2028sep\u2029para\x1c\x1d\x1e\x1f\x85 \u00a0nbsp\u2003em\u3000ideo\r\n\r\nCRLF\n\n\n\n\n",
    "   \n\t\n  ",
    "",
    "\n",
    "a",
    "\u202etxet desrever\u202c mixed \u0645\u0631\u062d\u0628\u0627 123 \u05d0\u05d1 abc",
    "zero\u200dwidth\u200cjoin\ufeffbom \ufffd\ufffe replacement",
]


def _texts(rng: np.random.Generator, n: int) -> list[list[str]]:
    pool = _PLAIN * 3 + _ODD
    out = []
    for _ in range(n):
        texts = []
        for _ in range(int(rng.integers(1, 7))):
            t = pool[int(rng.integers(len(pool)))]
            if rng.random() < 0.3:
                t = t.upper()
            if rng.random() < 0.3:
                t = t.replace("the", "teh").replace(" ", "  ")
            texts.append(t)
        out.append(texts)
    return out


def _store(accounts: list[list[str]]) -> object:
    con = text_store()
    for i, texts in enumerate(accounts):
        con.execute(f"INSERT INTO {TEMP} VALUES (?, 's', ?)", [i, str(i)])
        for k, body in enumerate(texts):
            con.execute("INSERT INTO posts VALUES ('s', ?, ?, TIMESTAMP '2024-01-01' + INTERVAL (?) HOUR, ?)",
                        [str(i), f"{i}-{k}", k, body])
    return con


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def test_the_c_extension_is_built() -> None:
    assert ss._c is not None, "the C extension rescue.identity._stylescan was not built (pip install -e .)"
    assert ss.IMPL == "C"


@pytest.mark.parametrize("seed", [1, 2])
def test_batch_operations_are_identical(seed: int) -> None:
    rng = np.random.default_rng(seed)
    con = _store(_texts(rng, 60))
    batches = list(sp.text_batches(con, 1, 1 << 40))
    assert batches
    keep_words = ["the", "and", "a", "of", "\u0131stanbul", "x" * 5000, "caf\u00e9", "teh", "\U0001d400\U0001d401"]
    keep = np.sort(sb.word_hashes(keep_words))
    for b in batches:
        cp = b.cp
        assert int(cp.max()) >= 0x10000 and (cp == 0).any()
        for fast in (True, False):   # the tables are filled for astral characters on first use either way
            ss.words(cp, fast=fast)
        s_c, s_n = ss.words(cp, fast=True), ss.words(cp, fast=False)
        assert all(_same(x, y) for x, y in zip(s_c, s_n, strict=True))
        for limit in (0, 7, 4000, 1 << 30):
            assert _same(ss.keep_region(cp, b.bounds, b.text_bounds, b.acct_of_text, limit, fast=True),
                         ss.keep_region(cp, b.bounds, b.text_bounds, b.acct_of_text, limit, fast=False))
        region = ss.keep_region(cp, b.bounds, b.text_bounds, b.acct_of_text, 4000)
        counts = [np.zeros(ss.NCP, dtype=np.int64) for _ in range(2)]
        ss.char_counts(region, keep, counts[0], fast=True)
        ss.char_counts(region, keep, counts[1], fast=False)
        assert _same(counts[0], counts[1]) and counts[0].sum() == len(region)
        all_chars = np.bincount(cp, minlength=ss.NCP).astype(np.int64)
        for size, no_space in ((127, False), (40, False), (40, True), (3, False)):
            c = all_chars.copy()
            if no_space:
                c[[9, 32]] = 0
            ranks = sb.alphabet_ranks(c, size)
            assert (ranks[32] == 0) == no_space
            a = int(ranks.max()) + 1
            m_c = ss.mask(cp, b.bounds, b.text_bounds, b.acct_of_text, keep, ranks, fast=True)
            m_n = ss.mask(cp, b.bounds, b.text_bounds, b.acct_of_text, keep, ranks, fast=False)
            for field in ("r", "bounds", "named_acct", "named_ids", "kept_acct", "kept_word"):
                assert _same(getattr(m_c, field), getattr(m_n, field)), field
            assert len(m_c.kept_word) > 0
            assert _same(ss.gram_totals(m_c, a, fast=True), ss.gram_totals(m_c, a, fast=False))
            table = rng.integers(0, 50, a ** 3).astype(np.int32)
            assert _same(ss.gram_counts(m_c, a, table, 40, fast=True), ss.gram_counts(m_c, a, table, 40, fast=False))
            assert _same(ss.gram_df(m_c, a, table, 40, fast=True), ss.gram_df(m_c, a, table, 40, fast=False))
            nb = len(m_c.bounds) - 1
            rows = rng.integers(0, nb, 500).astype(np.int64)
            cols = rng.integers(0, 45, 500).astype(np.int64)
            got = [np.zeros((nb, 40), dtype=np.int64) for _ in range(2)]
            ss.add_pairs(got[0], rows, cols, fast=True)
            ss.add_pairs(got[1], rows, cols, fast=False)
            assert _same(got[0], got[1])


def test_profiles_are_identical(monkeypatch: pytest.MonkeyPatch) -> None:
    con = _store(_texts(np.random.default_rng(5), 150))
    args = {"min_chars": 50, "max_chars": 3000, "n_words": 20, "n_features": 600, "dims": 16, "seed": 3}
    ids_c, y_c = sp.build(con, sample=60, **args)
    monkeypatch.setattr(ss, "PREFER_C", False)
    ids_n, y_n = sp.build(con, sample=60, **args)
    assert ids_c == ids_n and len(ids_c) > 100
    assert _same(y_c, y_n) and y_c.shape[1] == 16


def test_the_c_code_refuses_bad_input() -> None:
    assert ss._c is not None
    flags, lower = ss._tables(np.zeros(1, np.uint32))
    ranks = np.zeros(ss.NCP, dtype=np.uint8)
    cp = np.array([2, 0x110000, 3], dtype=np.uint32)
    with pytest.raises(ValueError, match="not Unicode"):
        ss._c.words(cp, flags, lower, *(np.empty(2, t) for t in (np.int64, np.int64, np.uint64)))
    cp = np.array([2, 97, 3], dtype=np.uint32)
    b = np.array([0, 3], dtype=np.int64)
    outs = [np.empty(3, np.uint8), np.empty(2, np.int64), np.empty(2, np.int64), np.empty(2, np.int64)]
    per_text = [np.empty(1, np.int64), np.empty(1, np.int64), np.empty(1, np.uint8), np.empty(1, np.int64)]
    keep = np.zeros(0, np.uint64)
    assert ss._c.mask(cp, b, b, flags, lower, keep, ranks, *outs, *per_text) == (3, 0)
    with pytest.raises(ValueError, match="too small"):
        ss._c.mask(cp, b, b, flags, lower, keep, ranks, np.empty(2, np.uint8), *outs[1:], *per_text)
    with pytest.raises(ValueError, match="bounds"):
        ss._c.mask(cp, np.array([0, 2], np.int64), b, flags, lower, keep, ranks, *outs, *per_text)
    with pytest.raises(ValueError, match="every code point"):
        ss._c.mask(cp, b, b, flags[:100], lower, keep, ranks, *outs, *per_text)
    with pytest.raises(ValueError, match="rank outside"):
        ss._c.grams(np.array([0, 1, 9], np.uint8), b, 3, None, np.zeros(27, np.int64), 27, False)


def _brute_neighbours(y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Every row's k best other rows by a full sort (score descending, then row ascending)."""
    sims = y @ y.T
    idx = np.empty((len(y), k), dtype=np.int64)
    val = np.empty((len(y), k), dtype=np.float32)
    for i in range(len(y)):
        order = sorted((j for j in range(len(y)) if j != i), key=lambda j: (-float(sims[i, j]), j))[:k]
        idx[i], val[i] = order, sims[i, order]
    return idx, val


@pytest.mark.parametrize("fast", [True, False])
def test_exact_neighbours_score_each_pair_once_and_keep_the_tie_rule(fast: bool, monkeypatch: pytest.MonkeyPatch
                                                                     ) -> None:
    from rescue.identity import style

    monkeypatch.setattr(ss, "PREFER_C", fast)
    rng = np.random.default_rng(11)
    for trial in range(12):
        n = int(rng.integers(3, 120))
        # small integer vectors: many exact ties, and dot products exact in float32 whatever the order
        y = rng.integers(-2, 3, (n, int(rng.integers(1, 6)))).astype(np.float32)
        monkeypatch.setattr(style, "_BLOCK_CELLS", int(rng.integers(1, 3 * n * n)))
        for k in (1, 2, 3):
            got_i, got_v = style.neighbours(y, k, exact_max=10 ** 6, probe=4, seed=1)
            want_i, want_v = _brute_neighbours(y, min(k, n - 1))
            assert _same(got_i, want_i) and _same(got_v, want_v), (trial, k)


def test_utf8_decoding_is_identical_and_strict() -> None:
    rng = np.random.default_rng(4)
    cps = rng.integers(0, 0x110000, 20000)
    cps = cps[(cps < 0xD800) | (cps > 0xDFFF)]
    samples = [*_PLAIN, *_ODD, "".join(map(chr, cps.tolist())), "a" * 17 + "\u00e9" + "b" * 9, ""]
    for text in samples:
        data = text.encode("utf-8")
        assert _same(ss.codepoints(data, fast=True), sb.codepoints(text))
        assert _same(ss.codepoints(data, fast=True), ss.codepoints(data, fast=False))
    bad = [b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"ok\x80",
           b"abcdefgh\xe2\x82", b"\xc3", b"\xff", b"x" * 20 + b"\xc3\x28"]
    for data in bad:
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        with pytest.raises(UnicodeDecodeError):
            ss.codepoints(data, fast=True)


def test_batches_in_threads_come_back_in_order_with_bounded_intake() -> None:
    import threading
    import time

    taken, done, most = [0], [0], [0]
    lock = threading.Lock()

    def items() -> Iterator[int]:
        for i in range(40):
            with lock:
                taken[0] += 1
                most[0] = max(most[0], taken[0] - done[0])
            yield i

    def slow(i: int) -> int:
        time.sleep(0.001 * ((i * 7) % 5))
        with lock:
            done[0] += 1
        return i * i

    assert list(sp.in_order(slow, items(), workers=2)) == [i * i for i in range(40)]
    assert most[0] <= 3
