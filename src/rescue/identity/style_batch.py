"""Writing-style features of many accounts at once: numpy over the code points of a batch of texts.

A batch is the texts of many accounts as one code-point array, each text wrapped in ``\\x02 … \\x03``, the
accounts one after the other. On it, with no Python loop per account, text or word:

- **words** are the runs of word characters (``\\w``); a word is *kept* when its lower case (code point by
  code point) is one of the corpus's most frequent words — a 64-bit polynomial hash of the lower-cased code
  points (prefix sums over the batch) against the kept words' hashes; every other word is **masked**: its
  digits become ``#``, its other characters ``*`` (Stamatatos' text distortion);
- runs of spaces and tabs become one space;
- **character 3-grams** never cross from one account to the next; each is coded over a small *alphabet*
  (the ``ALPHABET`` most frequent characters of the masked sample; a 3-gram with any other character is
  no feature), so counting and looking up features are ``np.bincount`` and a table lookup, not sorting;
- **named features**: each kept word (``w:the``); per text its first and its last line (stripped; their
  first / last 20 characters, lower case; only when the text has any non-space character) and its number
  of blank lines (``paragraphs:`` 0–3, non-overlapping ``\\n\\n``). Their ids are negative 62-bit hashes,
  independent of the order accounts are read in.

This is the feature definition of profiling each account alone (the tests keep that reference and compare
on real text), except that lower case is taken per code point (a character whose lower case is two
characters, such as ``İ``, is kept as it is) and that 3-grams with a character outside the alphabet are
left out.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

ALPHABET = 127            # characters of the 3-gram alphabet (rank 0: any other character)
_W = re.compile(r"\w")
_MUL = np.uint64(0x9E3779B97F4A7C15)   # odd: invertible mod 2**64
_INV = np.uint64(pow(0x9E3779B97F4A7C15, -1, 1 << 64))
_FIRST, _LAST = np.uint64(0x243F6A8885A308D3), np.uint64(0x13198A2E03707344)
_STAR, _HASH, _SPACE, _TAB, _NL = 42, 35, 32, 9, 10

I64 = npt.NDArray[np.int64]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
Bool = npt.NDArray[np.bool_]


def _props(cs: list[str]) -> tuple[Bool, U64, U32, Bool]:
    text = "".join(cs)
    word = np.zeros(len(cs), dtype=bool)
    word[[m.start() for m in re.finditer(r"\w", text)]] = True
    lower = np.array([ord(lc) if len(lc := c.lower()) == 1 else ord(c) for c in cs], dtype=np.uint64)
    mask = np.where(np.array([c.isdigit() for c in cs], dtype=bool), _HASH, _STAR).astype(np.uint32)
    space = np.array([c.isspace() for c in cs], dtype=bool)
    return word, lower, mask, space


class _Chars:
    """Per code point of the Basic Multilingual Plane: word character (``\\w``), lower case, the character
    it is masked to (``#`` for a digit, ``*``), white space (``str.isspace``); other planes on demand."""

    def __init__(self) -> None:
        self.word, self.lower, self.mask, self.space = _props([chr(c) for c in range(0x10000)])

    def props(self, cp: U32) -> tuple[Bool, U64, U32, Bool]:
        if not len(cp) or int(cp.max()) < 0x10000:
            return self.word[cp], self.lower[cp], self.mask[cp], self.space[cp]
        high = cp >= 0x10000
        small = np.where(high, 0, cp)
        word, lower, mask, space = self.word[small], self.lower[small], self.mask[small], self.space[small]
        uniq, inv = np.unique(cp[high], return_inverse=True)
        hw, hl, hm, hs = _props([chr(int(c)) for c in uniq])
        word[high], lower[high], mask[high], space[high] = hw[inv], hl[inv], hm[inv], hs[inv]
        return word, lower, mask, space


_CHARS: list[_Chars] = []
_POW: list[U64] = [np.ones(1, np.uint64), np.ones(1, np.uint64)]


def chars() -> _Chars:
    if not _CHARS:
        _CHARS.append(_Chars())
    return _CHARS[0]


def _powers(n: int) -> tuple[U64, U64]:
    """MUL**i and MUL**-i mod 2**64 for i < n (cached, grown by doubling)."""
    if len(_POW[0]) < n:
        m = max(n, 2 * len(_POW[0]))
        _POW[0] = np.cumprod(np.concatenate((np.ones(1, np.uint64), np.full(m - 1, _MUL, np.uint64))),
                             dtype=np.uint64)
        _POW[1] = np.cumprod(np.concatenate((np.ones(1, np.uint64), np.full(m - 1, _INV, np.uint64))),
                             dtype=np.uint64)
    return _POW[0][:n], _POW[1][:n]


def span_hashes(lower: U64, starts: I64, ends: I64) -> U64:
    """Hash of each span ``lower[s:e]`` (polynomial in MUL, mixed with the length); equal spans, equal hashes."""
    pw, inv = _powers(len(lower) + 1)
    q = np.zeros(len(lower) + 1, dtype=np.uint64)
    np.cumsum(lower * pw[: len(lower)], out=q[1:])
    h = ((q[ends] - q[starts]) * inv[starts]) ^ ((ends - starts).astype(np.uint64) * _MUL)
    # splitmix64's finaliser: every bit of the result depends on every character (the low bits of a
    # polynomial hash mod 2**64 depend only on the low bits of the characters)
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    out: U64 = h ^ (h >> np.uint64(31))
    return out


def codepoints(text: str) -> U32:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)


def name_id(key: str) -> int:
    """A named feature's id from its key: negative, a hash (independent of reading order)."""
    return -1 - (int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little") >> 2)


def _neg(h: U64) -> I64:
    out: I64 = -1 - (h >> np.uint64(2)).astype(np.int64)
    return out


def line_key_id(kind: str, line: str) -> int:
    """The id of a ``first:`` / ``last:`` key (``line``: its characters, before lower case)."""
    cp = codepoints(line)
    h = span_hashes(chars().props(cp)[1], np.zeros(1, np.int64), np.full(1, len(cp), np.int64))
    return int(_neg(h ^ (_FIRST if kind == "first" else _LAST))[0])


def word_hashes(ws: list[str]) -> U64:
    """Hashes of these words' lower case, as :func:`scan` computes them."""
    cp = codepoints("\x00".join(ws))
    word, lower, _, _ = chars().props(cp)
    starts, ends = _runs(word)
    return span_hashes(lower, starts, ends)


def _runs(flag: Bool) -> tuple[I64, I64]:
    """Starts and ends of the runs of True."""
    edge = np.flatnonzero(flag[1:] != flag[:-1]) + 1
    if len(flag) and flag[0]:
        edge = np.concatenate(([0], edge))
    if len(flag) and flag[-1]:
        edge = np.concatenate((edge, [len(flag)]))
    return edge[0::2].astype(np.int64), edge[1::2].astype(np.int64)


@dataclass
class Scan:
    """A batch's words and per-character properties."""

    starts: I64
    ends: I64
    hashes: U64
    lower: U64
    mask: U32
    space: Bool


def scan(cp: U32) -> Scan:
    word, lower, mask, space = chars().props(cp)
    starts, ends = _runs(word)
    return Scan(starts, ends, span_hashes(lower, starts, ends), lower, mask, space)


def _masked_flag(n: int, s: Scan, kept: Bool) -> Bool:
    flag = np.zeros(n + 1, dtype=np.int8)              # 1 from a masked word's start to its end
    flag[s.starts[~kept]] = 1
    flag[s.ends[~kept]] = -1
    out: Bool = np.cumsum(flag[:-1], dtype=np.int8).view(bool)
    return out


def _kept(s: Scan, keep: U64) -> tuple[Bool, I64]:
    """Which words are kept, and the index of each in ``keep`` (sorted hashes): a direct table on the top
    16 bits of the hash, then an exact comparison."""
    slot = (keep >> np.uint64(48)).astype(np.int64)
    if len(np.unique(slot)) < len(slot):                # two kept words share a slot: search instead
        pos = np.searchsorted(keep, s.hashes)
        kept = pos < len(keep)
        kept[kept] = keep[pos[kept]] == s.hashes[kept]
        return kept, pos
    table = np.full(1 << 16, -1, dtype=np.int64)
    table[slot] = np.arange(len(keep))
    pos = table[(s.hashes >> np.uint64(48)).astype(np.int64)]
    kept = pos >= 0
    kept[kept] = keep[pos[kept]] == s.hashes[kept]
    return kept, pos


def masked_codepoints(cp: U32, keep: U64) -> U32:
    """``cp`` with every word not in ``keep`` masked (spaces not collapsed): to count the alphabet on."""
    s = scan(cp)
    kept, _ = _kept(s, keep)
    out: U32 = np.where(_masked_flag(len(cp), s, kept), s.mask, cp).astype(np.uint32)
    return out


@dataclass
class Masked:
    """A batch after masking and collapsing spaces, as alphabet ranks, with its named features."""

    r: npt.NDArray[np.uint8]
    bounds: I64                   # account row k is r[bounds[k]:bounds[k + 1]]
    named_acct: I64               # per first line, last line, paragraphs of a text: account row …
    named_ids: I64                # … and feature id
    kept_acct: I64                # per kept word: account row …
    kept_word: I64                # … and which (index into the sorted hashes of the kept words)


def mask(cp: U32, bounds: I64, text_bounds: I64, acct_of_text: I64, keep: U64,
         ranks: npt.NDArray[np.uint8]) -> Masked:
    """Mask, collapse spaces and tabs, rank over the alphabet (``ranks``: code point -> rank, tab as
    space), and collect the named features of the texts and the kept words."""
    s = scan(cp)
    kept, pos = _kept(s, keep)
    r = ranks[cp]
    flag = _masked_flag(len(cp), s, kept)
    r = np.where(flag, ranks[s.mask], r)
    sp = ranks[_SPACE]
    dup = np.flatnonzero((r[1:] == sp) & (r[:-1] == sp)) + 1 if sp else np.zeros(0, np.int64)
    if sp == 0:   # no space in the alphabet: collapse on the code points
        c = np.where(cp == _TAB, _SPACE, cp)
        dup = np.flatnonzero((c[1:] == _SPACE) & (c[:-1] == _SPACE)) + 1
    if len(dup):
        r = np.delete(r, dup)
        new_bounds = bounds - np.searchsorted(dup, bounds)
    else:
        new_bounds = bounds
    kept_acct = np.searchsorted(bounds, s.starts[kept], side="right") - 1
    n_acct, n_ids = _named(cp, s, text_bounds, acct_of_text)
    return Masked(r, new_bounds.astype(np.int64), n_acct, n_ids, kept_acct.astype(np.int64),
                  pos[kept].astype(np.int64))


PARAGRAPHS = np.array([name_id(f"paragraphs:{k}") for k in range(4)], dtype=np.int64)


def _named(cp: U32, s: Scan, tb: I64, acct_of_text: I64) -> tuple[I64, I64]:
    """Per text (``cp[tb[k]:tb[k + 1]]``, wrapped in \\x02 … \\x03): first line, last line, paragraphs."""
    lo, hi = tb[:-1] + 1, tb[1:] - 1                  # the text without its wrapper
    ns = np.flatnonzero(~s.space)                     # non-space positions (the wrappers are among them)
    nl = np.flatnonzero(cp == _NL)
    i = np.searchsorted(ns, lo)
    f0 = ns[np.minimum(i, len(ns) - 1)]               # first non-space character
    has = f0 < hi
    j = np.searchsorted(nl, f0)
    e1 = np.where(j < len(nl), nl[np.minimum(j, len(nl) - 1)] if len(nl) else hi, hi)
    e1 = np.minimum(e1, hi)
    e1 = ns[np.searchsorted(ns, e1) - 1] + 1          # first line without trailing space
    q = ns[np.searchsorted(ns, hi) - 1]               # last non-space character
    k = np.searchsorted(nl, q) - 1
    ls = np.where(k >= 0, nl[np.maximum(k, 0)] + 1 if len(nl) else lo, lo)
    ls = np.maximum(ls, lo)
    ls = ns[np.minimum(np.searchsorted(ns, ls), len(ns) - 1)]   # last line without leading space
    f0, e1, q, ls = f0[has], e1[has], q[has], ls[has]
    first = span_hashes(s.lower, f0, np.minimum(f0 + 20, e1)) ^ _FIRST
    last = span_hashes(s.lower, np.maximum(ls, q + 1 - 20), q + 1) ^ _LAST
    # blank lines: runs of line breaks, each run of m counting m // 2 (non-overlapping "\n\n")
    if len(nl):
        run = np.ones(len(nl), dtype=bool)
        run[1:] = nl[1:] != nl[:-1] + 1
        starts = np.flatnonzero(run)
        lengths = np.diff(np.concatenate((starts, [len(nl)])))
        text = np.searchsorted(tb, nl[starts], side="right") - 1
        para = np.bincount(text, weights=lengths // 2, minlength=len(lo)).astype(np.int64)
    else:
        para = np.zeros(len(lo), dtype=np.int64)
    acct = np.concatenate((acct_of_text[has], acct_of_text[has], acct_of_text))
    ids = np.concatenate((_neg(first), _neg(last), PARAGRAPHS[np.minimum(para, 3)]))
    return acct, ids


def alphabet_ranks(counts: I64, size: int = ALPHABET) -> npt.NDArray[np.uint8]:
    """Code point -> rank 1..size of the ``size`` most frequent characters (ties: lower code point), 0 else;
    a tab has the rank of the space (tabs become spaces)."""
    counts = counts.copy()
    counts[_SPACE] += counts[_TAB]
    counts[_TAB] = 0
    order = np.lexsort((np.arange(len(counts)), -counts))[:size]
    order = np.sort(order[counts[order] > 0])
    ranks = np.zeros(len(counts), dtype=np.uint8)
    ranks[order] = np.arange(1, len(order) + 1, dtype=np.uint8)
    ranks[_TAB] = ranks[_SPACE]
    return ranks


def gram_codes(r: npt.NDArray[np.uint8], bounds: I64, a: int) -> npt.NDArray[np.int32]:
    """The code of every 3-gram of a masked batch given as alphabet ranks: r0·a² + r1·a + r2, 0 for a
    3-gram that crosses from one account to the next (a code with a 0 digit is no feature)."""
    if len(r) < 3:
        return np.zeros(0, np.int32)
    x = r.astype(np.int32)
    code: npt.NDArray[np.int32] = (x[:-2] * a + x[1:-1]) * a + x[2:]
    bad = np.concatenate((bounds[1:] - 2, bounds[1:] - 1))
    code[bad[(bad >= 0) & (bad < len(code))]] = 0
    return code


def code_ids(codes: I64, alphabet: I64, a: int) -> I64:
    """The feature id of a 3-gram code: its three code points packed in 63 bits (as profiling one account)."""
    c0, c1, c2 = alphabet[codes // (a * a)], alphabet[(codes // a) % a], alphabet[codes % a]
    out: I64 = (c0 << 42) | (c1 << 21) | c2
    return out


def gram_rows(bounds: I64, n: int) -> npt.NDArray[np.int32]:
    """The account row of each 3-gram position."""
    out: npt.NDArray[np.int32] = np.repeat(np.arange(len(bounds) - 1, dtype=np.int32), np.diff(bounds))[:max(n, 0)]
    return out


def keep_region(cp: U32, bounds: I64, text_bounds: I64, acct_of_text: I64, limit: int) -> U32:
    """Per account the first ``limit`` characters of its texts joined by line breaks, accounts separated by
    a NUL (the text the corpus's most frequent words are counted on)."""
    cp = cp.copy()
    starts, ends = text_bounds[:-1], text_bounds[1:] - 1
    cp[ends] = 10
    last = np.ones(len(ends), dtype=bool)
    last[:-1] = acct_of_text[1:] != acct_of_text[:-1]
    keep = np.ones(len(cp), dtype=bool)
    keep[starts] = False
    rank = np.cumsum(keep) - 1                         # position in the joined text, counted over the batch
    base = rank[bounds[:-1]] + 1                     # an account starts with a dropped \x02
    acct = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))
    keep &= (rank - base[acct]) < limit
    cp[ends[last]] = 0
    keep[ends[last]] = True
    return cp[keep]
