"""The per-character work of writing-style profiles: in C when the extension is built, else numpy.

``rescue.identity._stylescan`` (src/rescue/identity/_stylescan.c, built at ``pip install``; optional) does in
one loop per character what :mod:`rescue.identity.style_batch` does in about twenty numpy passes: masking,
word hashing, collapsing spaces, the named features of each text, and counting 3-grams. Both give the same
results bit for bit (tests/test_identity_stylescan.py); each function here takes ``fast`` (default: the C
path when it is there) so that the tests can run both.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np
import numpy.typing as npt

from rescue.identity import style_batch as sb

_c: ModuleType | None
try:
    from rescue.identity import _stylescan as _c
except ImportError:  # no C compiler at install: the numpy path (same features, slower)
    _c = None

IMPL = "C" if _c is not None else "numpy"
PREFER_C = True          # the default of ``fast``: the C path when it is built (tests switch it off)
NCP = 0x110000
_WORD, _DIGIT, _SPACE = 1, 2, 4
_DF_ROWS = 256           # accounts per presence count (numpy path)

I64 = npt.NDArray[np.int64]
U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]


class _Tables:
    """Character properties over all code points for the C code: flags (word, digit, space) and lower
    case, from :class:`style_batch._Chars` (the Basic Multilingual Plane), other planes filled on demand."""

    def __init__(self) -> None:
        c = sb.chars()
        self.flags = np.zeros(NCP, dtype=np.uint8)
        self.lower = np.arange(NCP, dtype=np.uint32)
        self.known = np.zeros(NCP, dtype=bool)
        self._fill(np.arange(0x10000, dtype=np.int64), c.word, c.lower, c.mask, c.space)

    def _fill(self, at: I64, word: npt.NDArray[np.bool_], lower: U64, mask: U32,
              space: npt.NDArray[np.bool_]) -> None:
        self.flags[at] = (word * _WORD) | ((mask == ord("#")) * _DIGIT) | (space * _SPACE)
        self.lower[at] = lower.astype(np.uint32)
        self.known[at] = True

    def ready(self, cp: U32) -> tuple[npt.NDArray[np.uint8], U32]:
        if len(cp) and int(cp.max()) >= 0x10000:
            high = np.unique(cp[cp >= 0x10000]).astype(np.int64)
            new = high[~self.known[np.minimum(high, NCP - 1)]]
            if len(new):
                if int(new.max()) >= NCP:
                    raise ValueError(f"code point {int(new.max()):#x} is not Unicode")
                self._fill(new, *sb._props([chr(int(x)) for x in new]))
        return self.flags, self.lower


_TABLES: list[_Tables] = []


def _tables(cp: U32) -> tuple[npt.NDArray[np.uint8], U32]:
    if not _TABLES:
        _TABLES.append(_Tables())
    return _TABLES[0].ready(cp)


def _use_c(fast: bool | None) -> bool:
    if fast and _c is None:
        raise RuntimeError("the C extension rescue.identity._stylescan is not built")
    return (PREFER_C and _c is not None) if fast is None else fast


def mask(cp: U32, bounds: I64, text_bounds: I64, acct_of_text: I64, keep: U64, ranks: npt.NDArray[np.uint8],
         fast: bool | None = None) -> sb.Masked:
    """:func:`style_batch.mask`."""
    if not _use_c(fast):
        return sb.mask(cp, bounds, text_bounds, acct_of_text, keep, ranks)
    assert _c is not None
    flags, lower = _tables(cp)
    n, nt = len(cp), len(text_bounds) - 1
    r = np.empty(n, dtype=np.uint8)
    new_bounds = np.empty(len(bounds), dtype=np.int64)
    kept_acct = np.empty(n // 2 + 1, dtype=np.int64)
    kept_word = np.empty(n // 2 + 1, dtype=np.int64)
    first, last, para = (np.empty(nt, dtype=np.int64) for _ in range(3))
    has = np.empty(nt, dtype=np.uint8)
    n_r, n_kept = _c.mask(np.ascontiguousarray(cp, dtype=np.uint32), np.ascontiguousarray(bounds, dtype=np.int64),
                          np.ascontiguousarray(text_bounds, dtype=np.int64), flags, lower,
                          np.ascontiguousarray(keep, dtype=np.uint64), np.ascontiguousarray(ranks, dtype=np.uint8),
                          r, new_bounds, kept_acct, kept_word, first, last, has, para)
    h = has.view(bool)
    named_acct = np.concatenate((acct_of_text[h], acct_of_text[h], acct_of_text)).astype(np.int64)
    named_ids = np.concatenate((first[h], last[h], sb.PARAGRAPHS[np.minimum(para, 3)]))
    return sb.Masked(r[:n_r], new_bounds, named_acct, named_ids, kept_acct[:n_kept].copy(), kept_word[:n_kept].copy())


def words(cp: U32, fast: bool | None = None) -> tuple[I64, I64, U64]:
    """Starts, ends and hashes of the words of ``cp`` (:func:`style_batch.scan`)."""
    if not _use_c(fast):
        s = sb.scan(cp)
        return s.starts, s.ends, s.hashes
    assert _c is not None
    flags, lower = _tables(cp)
    m = len(cp) // 2 + 1
    starts, ends = np.empty(m, dtype=np.int64), np.empty(m, dtype=np.int64)
    hashes = np.empty(m, dtype=np.uint64)
    nw = _c.words(np.ascontiguousarray(cp, dtype=np.uint32), flags, lower, starts, ends, hashes)
    return starts[:nw], ends[:nw], hashes[:nw]


def char_counts(cp: U32, keep: U64, counts: I64, fast: bool | None = None) -> None:
    """Adds the masked characters of ``cp`` to ``counts`` (one per code point), as counting
    :func:`style_batch.masked_codepoints`."""
    if not _use_c(fast):
        counts += np.bincount(sb.masked_codepoints(cp, keep), minlength=NCP)
        return
    assert _c is not None
    flags, lower = _tables(cp)
    _c.char_counts(np.ascontiguousarray(cp, dtype=np.uint32), flags, lower, np.ascontiguousarray(keep, np.uint64),
                   counts)


def keep_region(cp: U32, bounds: I64, text_bounds: I64, acct_of_text: I64, limit: int,
                fast: bool | None = None) -> U32:
    """:func:`style_batch.keep_region`."""
    if not _use_c(fast):
        return sb.keep_region(cp, bounds, text_bounds, acct_of_text, limit)
    assert _c is not None
    out = np.empty(len(cp), dtype=np.uint32)
    n = _c.keep_region(np.ascontiguousarray(cp, dtype=np.uint32), np.ascontiguousarray(bounds, dtype=np.int64),
                       np.ascontiguousarray(text_bounds, dtype=np.int64), limit, out)
    return out[:n]


def gram_totals(m: sb.Masked, a: int, fast: bool | None = None) -> I64:
    """How often each 3-gram code occurs inside an account (code 0 not counted)."""
    if not _use_c(fast):
        total: I64 = np.bincount(sb.gram_codes(m.r, m.bounds, a), minlength=a ** 3).astype(np.int64)
    else:
        assert _c is not None
        total = np.zeros(a ** 3, dtype=np.int64)
        _c.grams(m.r, m.bounds, a, None, total, a ** 3, False)
    total[0] = 0
    return total


def gram_counts(m: sb.Masked, a: int, table: npt.NDArray[np.int32], width: int, fast: bool | None = None) -> I64:
    """Per account row, how often each column ``table[code]`` (< ``width``) of its 3-grams occurs."""
    nb = len(m.bounds) - 1
    if not _use_c(fast):
        col = table[sb.gram_codes(m.r, m.bounds, a)].astype(np.int64)
        keys = sb.gram_rows(m.bounds, len(col)).astype(np.int64) * (width + 1) + np.minimum(col, width)
        out: I64 = np.bincount(keys, minlength=nb * (width + 1)).reshape(nb, width + 1)[:, :width]
        return np.ascontiguousarray(out)
    assert _c is not None
    counts = np.zeros((nb, width), dtype=np.int64)
    _c.grams(m.r, m.bounds, a, np.ascontiguousarray(table, dtype=np.int32), counts, width, True)
    return counts


def gram_df(m: sb.Masked, a: int, table: npt.NDArray[np.int32], width: int, fast: bool | None = None) -> I64:
    """In how many accounts each column ``table[code]`` (< ``width``) of a 3-gram occurs."""
    nb = len(m.bounds) - 1
    if not _use_c(fast):
        col = table[sb.gram_codes(m.r, m.bounds, a)]
        rows = sb.gram_rows(m.bounds, len(col))
        df: I64 = np.zeros(width + 1, dtype=np.int64)
        seen = np.zeros((_DF_ROWS, width + 1), dtype=bool)      # which columns each account has
        for s in range(0, nb, _DF_ROWS):
            lo, hi = m.bounds[s], m.bounds[min(s + _DF_ROWS, nb)]
            seen[:] = False
            seen[rows[lo:hi] - s, np.minimum(col[lo:hi], width)] = True
            df += seen.sum(axis=0)
        return df[:width].copy()
    assert _c is not None
    out = np.zeros(width, dtype=np.int64)
    _c.gram_df(m.r, m.bounds, a, np.ascontiguousarray(table, dtype=np.int32), out)
    return out


def add_pairs(counts: I64, rows: I64, cols: I64, fast: bool | None = None) -> None:
    """``counts[rows[i], cols[i]] += 1`` where ``cols[i]`` is a column of ``counts`` (int64, C order)."""
    if not _use_c(fast):
        ok = cols < counts.shape[1]
        np.add.at(counts, (rows[ok], cols[ok]), 1)
        return
    assert _c is not None
    _c.add_pairs(np.ascontiguousarray(rows, dtype=np.int64), np.ascontiguousarray(cols, dtype=np.int64), counts,
                 counts.shape[1])


def block_top(sims: npt.NDArray[np.float32], k: int, col_from: int, fast: bool | None = None
              ) -> tuple[I64, npt.NDArray[np.float32], I64, npt.NDArray[np.float32]]:
    """Of a block of scores (rows × columns): per row its ``k`` highest scores and their columns, and per
    column from ``col_from`` on its ``k`` highest scores and their rows (ties: the lower index; -inf does
    not count: index -1). ``sims`` may be changed."""
    m, w = sims.shape
    if not _use_c(fast):
        rows = np.arange(m)
        ri, rv = np.empty((m, k), dtype=np.int64), np.empty((m, k), dtype=np.float32)
        picked = []
        for r in range(k):     # one argmax per rank (ties: the lower column, as argmax returns)
            best = np.argmax(sims, axis=1) if w else np.zeros(m, dtype=np.int64)
            ri[:, r], rv[:, r] = best, sims[rows, best] if w else -np.inf
            picked.append(best)
            if w:
                sims[rows, best] = -np.inf
        for r, best in enumerate(picked):
            if w:
                sims[rows, best] = rv[:, r]
        later = np.ascontiguousarray(sims[:, col_from:].T)     # the columns as rows
        cols = np.arange(later.shape[0])
        ci, cv = np.empty((len(cols), k), dtype=np.int64), np.empty((len(cols), k), dtype=np.float32)
        for r in range(k):
            best = np.argmax(later, axis=1) if m else np.zeros(len(cols), dtype=np.int64)
            ci[:, r], cv[:, r] = best, later[cols, best] if m else -np.inf
            if m:
                later[cols, best] = -np.inf
        ri[~(rv > -np.inf)] = -1
        ci[~(cv > -np.inf)] = -1
        return ri, rv, ci, cv
    assert _c is not None
    sims = np.ascontiguousarray(sims, dtype=np.float32)
    ri, rv = np.empty((m, k), dtype=np.int64), np.empty((m, k), dtype=np.float32)
    ci, cv = np.empty((w - col_from, k), dtype=np.int64), np.empty((w - col_from, k), dtype=np.float32)
    _c.block_top(sims, m, w, k, col_from, ri, rv, ci, cv)
    return ri, rv, ci, cv


def codepoints(utf8: bytes, fast: bool | None = None) -> U32:
    """The code points of UTF-8 text (:func:`style_batch.codepoints` of its decoding); invalid UTF-8 raises
    as ``bytes.decode`` does."""
    if _use_c(fast):
        assert _c is not None
        out = np.empty(len(utf8), dtype=np.uint32)
        try:
            n = _c.utf8(utf8, out)
        except ValueError:
            pass             # let Python's decoder say what is wrong
        else:
            return out[:n]
    return sb.codepoints(utf8.decode("utf-8"))
