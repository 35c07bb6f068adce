"""Writing style: which accounts write alike (a candidate generator and weak evidence, never a merge alone).

Each account with at least ``style_min_chars`` characters of its own text (posts and private messages,
quotes removed) gets a profile (see :mod:`rescue.identity.style_profiles`):

- character 3-grams of the text with **topic words masked** (text distortion, Stamatatos 2017): words
  outside the ``style_words`` most frequent of the corpus become ``*`` per letter and ``#`` per digit, so
  what remains is function words, their misspellings and short forms, punctuation, case, emoticons and
  line breaks — not the subject talked about;
- function-word use and the first and last line of each text (greetings, sign-offs);
- TF-IDF weighted (sublinear), L2-normalised, centred on the corpus mean (so a shared language does not
  look like a shared author) and normalised again; projected on the ``style_dims`` principal directions
  of the profiles, so that memory grows with the number of accounts, not with its square.

Each account ranks the others by the dot product of the projected profiles (its cosine similarity in
those directions): exactly, block by block, up to ``style_exact_max`` profiles; above that from an
inverted-file index (FAISS IVF, single-threaded, fixed seed) that searches the ``style_probe`` nearest of
about 4·√n clusters. A pair is a candidate when, in both directions (Doppelgänger Finder), each account
is among the other's ``style_top_k`` most similar and the score reaches ``style_min_score``; it is weak
evidence (merges only together with another method) when each is the other's most similar and the score
reaches ``style_weak``.
"""

from __future__ import annotations

import math

import duckdb
import numpy as np
import numpy.typing as npt

from rescue.identity import style_profiles, style_scan
from rescue.identity.config import IdentityConfig
from rescue.identity.model import Evidence
from rescue.identity.style_profiles import own_texts

__all__ = ["neighbours", "own_texts", "style_evidence"]

_BLOCK_CELLS = 20_000_000     # scores computed at once (rows × profiles): 80 MB


def _merge(val: npt.NDArray[np.float32], idx: npt.NDArray[np.int64], k: int
           ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Per row the ``k`` best candidates (highest value; ties: the earlier candidate, which has the lower
    row number in every call here)."""
    m = len(val)
    rows = np.arange(m)
    out_i = np.empty((m, k), dtype=np.int64)
    out_v = np.empty((m, k), dtype=np.float32)
    for r in range(k):
        best = np.argmax(val, axis=1)
        out_i[:, r] = idx[rows, best]
        out_v[:, r] = val[rows, best]
        val[rows, best] = -np.inf
    return out_i, out_v


def _exact(y: npt.NDArray[np.float32], k: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Every pair scored once: block ``[s, e)`` of rows against the rows from ``s`` on (the upper triangle);
    the rows of the block take their best columns, the later rows their best among the block's rows
    (a dot product is the same whichever of the two rows comes first)."""
    n = y.shape[0]
    idx = np.full((n, k), -1, dtype=np.int64)
    val = np.full((n, k), -np.inf, dtype=np.float32)
    if k <= 0:
        return idx, val
    chunk = max(1, _BLOCK_CELLS // n)
    for s in range(0, n, chunk):
        e = min(n, s + chunk)
        m = e - s
        sims = y[s:e] @ y[s:].T
        rows = np.arange(m)
        sims[rows, rows] = -np.inf
        ri, rv, ci, cv = style_scan.block_top(sims, k, m)
        del sims
        idx[s:e], val[s:e] = _merge(np.concatenate((val[s:e], rv), axis=1),
                                    np.concatenate((idx[s:e], np.where(ri >= 0, ri + s, -1)), axis=1), k)
        if e < n:
            idx[e:], val[e:] = _merge(np.concatenate((val[e:], cv), axis=1),
                                      np.concatenate((idx[e:], np.where(ci >= 0, ci + s, -1)), axis=1), k)
    return idx, val


def neighbours(y: npt.NDArray[np.float32], k: int, exact_max: int, probe: int, seed: int
               ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """For every row, the ``k`` other rows with the highest dot product (ties: lower row first), and the
    scores; -1 where fewer were found."""
    n = y.shape[0]
    k = min(k, n - 1)
    if n <= exact_max:
        return _exact(y, k)
    import faiss

    faiss.omp_set_num_threads(1)           # deterministic training and search
    nlist = max(1, int(4 * math.sqrt(n)))
    quantizer = faiss.IndexFlatIP(y.shape[1])
    index = faiss.IndexIVFFlat(quantizer, y.shape[1], nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.seed = seed
    train = y[:: max(1, n // (nlist * 64))]
    index.train(np.ascontiguousarray(train))
    index.add(y)
    index.nprobe = probe
    val, idx = index.search(y, k + 1)
    out_i = np.full((n, k), -1, dtype=np.int64)
    out_v = np.full((n, k), -np.inf, dtype=np.float32)
    for r in range(n):
        keep = [(float(v), int(j)) for v, j in zip(val[r], idx[r], strict=True) if j >= 0 and j != r]
        keep.sort(key=lambda t: (-t[0], t[1]))
        for c, (v, j) in enumerate(keep[:k]):
            out_i[r, c], out_v[r, c] = j, v
    return out_i, out_v


def style_evidence(con: duckdb.DuckDBPyConnection, cfg: IdentityConfig) -> tuple[list[Evidence], int]:
    """Candidate pairs by writing style, and the number of accounts with enough text to compare."""
    if not cfg.style:
        return [], 0
    from threadpoolctl import threadpool_limits

    # One BLAS thread: the products are small or blocked, and on a busy machine idle BLAS threads spin
    # (CPU time without progress); a fixed thread count also keeps sums in one order (determinism).
    with threadpool_limits(limits=1, user_api="blas"):
        return _style_evidence(con, cfg)


def _style_evidence(con: duckdb.DuckDBPyConnection, cfg: IdentityConfig) -> tuple[list[Evidence], int]:
    ids, y = style_profiles.build(con, min_chars=cfg.style_min_chars, max_chars=cfg.style_max_chars,
                                  n_words=cfg.style_words, n_features=cfg.style_features, dims=cfg.style_dims,
                                  sample=cfg.style_sample, seed=cfg.splink_seed)
    if len(ids) < 3:
        return [], len(ids)
    near, score = neighbours(y, cfg.style_top_k, cfg.style_exact_max, cfg.style_probe, cfg.splink_seed)
    best: dict[tuple[int, int], tuple[float, int, int]] = {}   # pair -> (score, rank from a, rank from b)
    for i in range(len(ids)):
        for r in range(near.shape[1]):
            j, sc = int(near[i, r]), float(score[i, r])
            if j < 0 or sc < cfg.style_min_score:
                break
            a, b = (ids[i], ids[j]) if ids[i] < ids[j] else (ids[j], ids[i])
            _, ra, rb = best.get((a, b), (sc, 0, 0))
            ra, rb = (r + 1, rb) if ids[i] == a else (ra, r + 1)
            best[(a, b)] = (round(sc, 4), ra, rb)
    out: list[Evidence] = []
    for (a, b), (s, ra, rb) in sorted(best.items()):
        if not (ra and rb):
            continue   # proposed from one side only
        strength = "weak" if s >= cfg.style_weak and ra == rb == 1 else "candidate"
        detail = f"cosine {s:.3f}; rank {ra} of a's most similar accounts, {rb} of b's"
        out.append(Evidence(a, b, "style", "writing style", "", detail, s, strength))
    return out, len(ids)
