"""The matcher's fast paths give exactly what the plain formulations give (docs/risk.md, "Cost").

Each fast path is compared with the straightforward code it replaced, on the words of every lexicon,
variations of them and hostile Unicode (combining marks, right-to-left and astral characters, NULs).
"""

from __future__ import annotations

import random
import re

import pytest

from rescue.risk.config import load
from rescue.risk.lexicon import TOKEN, Alt, Word, compile_terms, fold
from rescue.risk.matcher import Matcher, TermIndex, Tokens

HOSTILE = ["e\u0301cole", "\u202eteacher", "𝐭𝐞𝐚𝐜𝐡𝐞𝐫", "te\x00acher", "straße", "ﬁle", "İstanbul", "u12", "u-12",
           "under 12s", "o 14", "sub-15", "u1", "u19", "ｕ１２", "٣", "x" * 300, "", "'", '"', "...", "«le»"]
SEPARATORS = [" ", " ", " ", ", ", ". ", " - ", '"', "\n", "; ", "! ", " (", ") ", "-", "'", ": "]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load())


def _indexes(m: Matcher) -> list[TermIndex]:
    return [*m._all, *(ix for c in m.cues.values() for ix in (c.self_, c.negation, c.reported))]


def _vocabulary(m: Matcher) -> list[str]:
    words = {w for ix in _indexes(m) for t in ix.terms for w in TOKEN.findall(fold(t.source))}
    out = set(words)
    for w in words:  # near misses and inflections either side of the suffix tolerance
        out |= {w + "s", w + "es", w + "ing", w + "xxxxx", w[:-1], "x" + w, w.upper(), w.capitalize()}
    return sorted(out | set(HOSTILE) | {"the", "and", "my", "not", "he", "said", "www.example.org"})


def _texts(vocab: list[str], n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rnd.randint(1, 25)):
            parts += [rnd.choice(vocab), rnd.choice(SEPARATORS)]
        out.append("".join(parts))
    return out


def _ok_reference(w: Word, tok: str) -> bool:
    if w.mode == "exact":
        return tok == w.text
    if w.mode == "stem":
        return tok.startswith(w.text) and len(tok) - len(w.text) <= w.suffix
    if w.mode == "prefix":
        return tok.startswith(w.text)
    if w.mode == "infix":
        return w.text in tok
    return any(tok[: len(tok) - k].endswith(w.text) for k in range(w.suffix + 1) if len(tok) - k >= len(w.text))


def test_word_test_equals_plain_formula(matcher: Matcher) -> None:
    vocab = [fold(v) for v in random.Random(3).sample(_vocabulary(matcher), 150)] + [fold(h) for h in HOSTILE]
    words = {w for ix in _indexes(matcher) for t in ix.terms for w in t.first + t.needs}
    words |= {Word("ball", "suffix", k) for k in range(4)} | {Word("ab", "suffix", 3), Word("zz", "infix", 0)}
    modes = {w.mode for w in words}
    assert {"exact", "stem", "suffix"} <= modes
    for w in words:
        for tok in [*vocab, w.text, w.text + "a", w.text + "abcd", "ab" + w.text + "cd", w.text[1:]]:
            assert w.ok(tok) == _ok_reference(w, tok), (w, tok)


EXTRA_TERMS = ["(under|youth group|kids)? coach ... (team|squad|u*)", "(my|our) (club|youth club) ... (kids|children)",
               "(*ball|e-mail|teach*) (me|us)?", "coach (under|youth|junior)"]


def test_first_end_equals_first_of_ends(matcher: Matcher) -> None:
    extra = compile_terms(EXTRA_TERMS, 2, {})
    assert any(isinstance(el, Alt) and el.one_words is not None for t in extra for el in t.elements)
    assert any(isinstance(el, Alt) and el.one_words is None for t in extra for el in t.elements)
    vocab = [*_vocabulary(matcher), "youth", "group", "coach", "team", "squad", "u12", "club", "kids", "football",
             "email", "e", "mail", "teaching", "me", "us", "our"]
    tried = matched = 0
    for text in _texts(vocab, 100, seed=7):
        words = TOKEN.findall(fold(text))
        for terms in [*(ix.terms for ix in _indexes(matcher)), extra]:
            for t in terms:
                if t.raw is not None:
                    continue
                for i in range(len(words) + 1):
                    want = next(t.ends(words, i), -1)
                    assert t.first_end(words, i) == want, (t.source, words, i)
                    tried += 1
                    matched += want >= 0
    assert matched > 100 and tried > matched


def test_lazy_offsets_and_first_start() -> None:
    for text in ["", "   ", "..a", " x y ", "e\u0301cole \u202eab 𝐭𝐞", "\x00\x00ab", "«le» mot"]:
        folded = fold(text)
        found = list(TOKEN.finditer(folded))
        tx = Tokens(folded)
        assert tx.start_of(0) == (found[0].start() if found else len(folded))
        assert tx.words == [m.group() for m in found]
        assert tx.starts == [m.start() for m in found] and tx.ends == [m.end() for m in found]
        assert [tx.start_of(i) for i in range(len(found) + 1)] == [m.start() for m in found] + [len(folded)]


def _candidates_reference(m: Matcher, tx: Tokens) -> dict[int, list[tuple[int, int]]]:
    possible = frozenset().union(*map(m._needs.lookup, tx.unique))
    out: dict[int, list[tuple[int, int]]] = {}
    if possible:
        for i, w in enumerate(tx.words):
            if f := m._first.lookup(w) & possible:
                for code in sorted(f):
                    out.setdefault(code // (1 << 20), []).append((i, code % (1 << 20)))
    return out


def test_scan_equals_plain_paths(matcher: Matcher) -> None:
    plain = Matcher(load())
    for ix in _indexes(plain):
        ix.raw_any = None  # every raw term tried on every text
    assert any(ix.raw_any is not None for ix in _indexes(matcher))
    texts = _texts(_vocabulary(matcher), 800, seed=11) + HOSTILE
    texts += ["I coach the u12s and under-14 team.", "my job: o 12 trainer", "he said he trains the sub-15s"]
    hits = 0
    for text in texts:
        tx = Tokens(fold(text))
        assert matcher._candidates(tx) == _candidates_reference(plain, tx)
        for profile in (None, "occupation"):
            got = matcher.scan(text, profile)
            assert got == plain.scan(text, profile), text
            hits += len(got)
    assert hits > 50


def test_union_of_raw_terms_is_refused_when_it_could_differ() -> None:
    from rescue.risk.matcher import _union

    assert _union([re.compile(r"\bu1[0-8]\b"), re.compile(r"\bo1\d")]) is not None
    assert _union([re.compile(r"(a)\1"), re.compile("b")]) is None  # a back-reference would be renumbered
    assert _union([re.compile("a", re.I), re.compile("b")]) is None
    assert _union([re.compile("a")]) is None
