"""Writing-style profiles in bounded memory: texts streamed from DuckDB, features chosen on a sample,
every profile reduced to a short vector.

1. One query streams the texts of the accounts with at least ``style_min_chars`` of own text (each text
   read once), the texts of a deterministic sample of at most ``style_sample`` of them (every k-th in
   account order) first. The sample fixes the vocabulary: the corpus's most
   frequent words (kept when masking topic words), the ``style_features`` features found in most sampled
   accounts, their IDF, the mean profile and the principal directions of the centred profiles (randomised
   SVD, ``style_dims`` of them).
2. The other accounts' texts then follow in account order (never all at once), and each profile —
   sublinear TF-IDF over the chosen features, L2-normalised, centred on the mean and normalised again —
   is projected on those directions. Only ``n × style_dims`` float32 are kept: at 490,000 profiles and
   128 dimensions 250 MB, where the full profiles would take 9.8 GB.

The dot product of two projected profiles is their cosine similarity restricted to the principal
directions (the rest of the 5,000-dimensional profile is mostly what each account wrote by chance).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from rescue.identity import style_batch as sb
from rescue.identity import style_scan as ss
from rescue.identity.model import TEMP

_WORD_SAMPLE = 4000
_FETCH = 20_000          # text rows per fetch from DuckDB
_ROWS = 4096             # text rows per Arrow batch from DuckDB
_BATCH_CHARS = 2_000_000  # characters featurised at once (a batch of whole accounts)
_CANDIDATES = 8          # 3-grams considered: the n_features × this most frequent in the sample
_PCA_ROWS = 5000         # sampled profiles the principal directions are computed from (every k-th)
T = TypeVar("T")
R = TypeVar("R")

def _texts_sql(where: str = "", wrap: bool = False, sampled: bool = False) -> str:
    # The cut at ``max_chars`` is made inside DuckDB (a running sum of the lengths up to each text), so
    # only the texts that are read reach Python: a text is kept while the texts before it are shorter
    # than ``max_chars`` in total (the one that crosses the limit is kept whole).
    # ``sampled``: two more parameters, the sample size twice; a third column says whether the account is
    # in the sample (every k-th profiled account in account order, k = ceil(accounts / sample)), and the
    # sample's texts come first, so that one query reads every text once.
    pick = """, acc AS (SELECT idx, (row_number() OVER (ORDER BY idx) - 1)
                                % greatest(1, (count(*) OVER () + ? - 1) // ?) = 0 AS sampled
                         FROM (SELECT DISTINCT idx FROM k))
        SELECT idx, body, sampled FROM k JOIN acc USING (idx) ORDER BY sampled DESC, idx, ts, rid""" \
        if sampled else "SELECT idx, body FROM k ORDER BY idx, ts, rid"
    return f"""
        WITH t AS (SELECT a.idx, p.body_text AS body, length(p.body_text) AS len, p.posted_at AS ts,
                          p.post_id AS rid FROM posts p
                   JOIN {TEMP} a USING (source_id, account_id) WHERE p.body_text IS NOT NULL {where}
                   UNION ALL
                   SELECT a.idx, m.body_text, length(m.body_text), m.sent_at, m.message_id FROM messages m
                   JOIN {TEMP} a ON a.source_id = m.source_id AND a.account_id = m.sender_account_id
                   WHERE m.body_text IS NOT NULL {where}),
        c AS (SELECT idx, body, ts, rid, sum(len) OVER (PARTITION BY idx) AS total,
                     sum(len) OVER (PARTITION BY idx ORDER BY ts, rid
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - len AS before
              FROM t),
        k AS (SELECT idx, {"chr(2) || body || chr(3) AS body" if wrap else "body"}, ts, rid FROM c
              WHERE total >= ? AND before < ?)
        {pick}"""


def _account_filter(con: duckdb.DuckDBPyConnection, subset: list[int] | None, exclude: bool = False) -> str:
    """The WHERE clause of :func:`_texts_sql` keeping only (or, with ``exclude``, leaving out) the accounts of
    ``subset`` (account indexes, put in a temporary table); empty when ``subset`` is None."""
    if subset is None:
        return ""
    con.register("_id_style_only_view", pa.table({"idx": pa.array(subset, pa.int64())}))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _id_style_only AS SELECT idx FROM _id_style_only_view")
    finally:
        con.unregister("_id_style_only_view")
    return f"AND a.idx {'NOT ' if exclude else ''}IN (SELECT idx FROM _id_style_only)"


def text_stream(con: duckdb.DuckDBPyConnection, min_chars: int, max_chars: int = 1 << 62,
                only: list[int] | None = None) -> Iterator[tuple[int, list[str]]]:
    """(account index, texts in time order, up to about ``max_chars``) for accounts with at least
    ``min_chars`` of own text, in account order, streamed (``only``: just these accounts)."""
    where = _account_filter(con, only)
    # The result is streamed from the caller's connection (its temporary tables are not visible from a
    # cursor): no other statement may run on it until the stream is consumed.
    try:
        cur = con.execute(_texts_sql(where), [min_chars, min(max_chars, 1 << 62)])
        current, bodies = -1, list[str]()
        while rows := cur.fetchmany(_FETCH):
            for idx, body in rows:
                if idx != current:
                    if bodies:
                        yield current, bodies
                    current, bodies = int(idx), list[str]()
                bodies.append(str(body))
        if bodies:
            yield current, bodies
    finally:
        if where:
            con.execute("DROP TABLE IF EXISTS _id_style_only")


def own_texts(con: duckdb.DuckDBPyConnection, min_chars: int, max_chars: int = 1 << 62
              ) -> list[tuple[int, list[str]]]:
    """All of :func:`text_stream` as a list (small operations and tests)."""
    return list(text_stream(con, min_chars, max_chars))


@dataclass
class TextBatch:
    """The texts of whole accounts, each wrapped in ``\\x02 … \\x03``: UTF-8 (a quarter of the code points'
    memory while the sample waits to be fitted), code points on demand."""

    accounts: npt.NDArray[np.int64]          # account index of each row
    utf8: bytes
    bounds: npt.NDArray[np.int64]            # account r is cp[bounds[r]:bounds[r + 1]]
    text_bounds: npt.NDArray[np.int64]       # text k is cp[text_bounds[k]:text_bounds[k + 1]]
    acct_of_text: npt.NDArray[np.int64]

    @property
    def cp(self) -> npt.NDArray[np.uint32]:
        return ss.codepoints(self.utf8)


def _text_batch(t: pa.Table) -> TextBatch:
    idx = np.asarray(t.column("idx").to_numpy(), dtype=np.int64)
    body = t.column("body").combine_chunks().cast(pa.large_string())
    offsets = np.frombuffer(body.buffers()[1], dtype=np.int64)[body.offset: body.offset + len(body) + 1]
    raw = memoryview(body.buffers()[2])[int(offsets[0]):int(offsets[-1])] if len(body) else memoryview(b"")
    lengths = np.asarray(pc.utf8_length(body).to_numpy(), dtype=np.int64)
    text_bounds = np.concatenate(([0], np.cumsum(lengths)))
    new = np.ones(len(idx), dtype=bool)
    new[1:] = idx[1:] != idx[:-1]
    acct_of_text = np.cumsum(new) - 1
    bounds = np.concatenate((text_bounds[:-1][new], [text_bounds[-1]]))
    return TextBatch(idx[new], bytes(raw), bounds, text_bounds, acct_of_text)


def _rebatch(batches: Iterator[pa.RecordBatch]) -> Iterator[TextBatch]:
    """Arrow batches of (idx, wrapped text) rows in account order as batches of whole accounts of about
    ``_BATCH_CHARS`` characters."""
    pending: list[pa.RecordBatch] = []
    chars = 0
    for rb in batches:
        if not rb.num_rows:
            continue
        pending.append(rb)
        chars += int(pc.sum(pc.utf8_length(rb.column(1))).as_py() or 0)
        if chars < _BATCH_CHARS:
            continue
        t = pa.Table.from_batches(pending)
        ids = t.column("idx").to_numpy()
        cut = int(np.searchsorted(ids, ids[-1]))          # the last account may go on in the next rows
        if cut == 0:
            continue
        yield _text_batch(t.slice(0, cut))
        rest = t.slice(cut)
        pending = rest.to_batches()
        chars = int(pc.sum(pc.utf8_length(rest.column("body"))).as_py() or 0) if rest.num_rows else 0
    if pending:
        t = pa.Table.from_batches(pending)
        if t.num_rows:
            yield _text_batch(t)


def text_batches(con: duckdb.DuckDBPyConnection, min_chars: int, max_chars: int, only: list[int] | None = None,
                 exclude: list[int] | None = None) -> Iterator[TextBatch]:
    """The texts of :func:`text_stream` (``only`` these accounts, or all but ``exclude``) as batches of whole
    accounts of about ``_BATCH_CHARS`` characters, streamed."""
    where = _account_filter(con, only) if only is not None else _account_filter(con, exclude, exclude=True)
    try:
        sql = _texts_sql(where, wrap=True)
        yield from _rebatch(iter(con.sql(sql, params=[min_chars, min(max_chars, 1 << 62)]).to_arrow_reader(_ROWS)))
    finally:
        if where:
            con.execute("DROP TABLE IF EXISTS _id_style_only")


class _Phases:
    """Splits a stream of (idx, text, sampled) Arrow batches, sampled rows first, into the sampled rows and
    the rest (each as (idx, text) batches)."""

    def __init__(self, reader: pa.RecordBatchReader) -> None:
        self._reader = iter(reader)
        self._carry: pa.RecordBatch | None = None

    def sampled(self) -> Iterator[pa.RecordBatch]:
        for rb in self._reader:
            flag = rb.column(2).to_numpy(zero_copy_only=False)
            cut = int(np.argmin(flag)) if not flag.all() else rb.num_rows
            if cut < rb.num_rows:
                yield rb.slice(0, cut).select([0, 1])
                self._carry = rb.slice(cut).select([0, 1])
                return
            yield rb.select([0, 1])

    def rest(self) -> Iterator[pa.RecordBatch]:
        if self._carry is not None:
            yield self._carry
        for rb in self._reader:
            yield rb.select([0, 1])


class ProfileSpace:
    """Kept words, alphabet, vocabulary, IDF, mean and principal directions fitted on a sample of accounts."""

    def __init__(self, sample: list[TextBatch], n_words: int, n_features: int, dims: int, seed: int) -> None:
        regions = [ss.keep_region(b.cp, b.bounds, b.text_bounds, b.acct_of_text, _WORD_SAMPLE) for b in sample]
        self._choose_words(regions, n_words)
        chars = np.zeros(0x110000, dtype=np.int64)
        for region in regions:
            ss.char_counts(region, self.keep, chars)
        chars[[2, 3]] = chars.max() + 1                 # the text wrappers: always in the alphabet
        self.ranks = sb.alphabet_ranks(chars)
        del regions, chars
        ranked = np.flatnonzero(self.ranks)
        self.alphabet = np.concatenate(([0], ranked[ranked != 9])).astype(np.int64)   # rank -> code point
        a = self.a = len(self.alphabet) if len(self.alphabet) > 1 else 2
        def batches() -> Iterator[TextBatch]:
            while sample:                               # the caller's list empties as the batches are masked
                b = sample.pop(0)
                self._sample_accounts.append(b.accounts)    # here, in order (the masking runs in threads)
                yield b

        masked: list[sb.Masked] = list(in_order(self._mask, batches()))
        total = np.zeros(a ** 3, dtype=np.int64)
        for m in masked:
            total += ss.gram_totals(m, a)
        cand = np.lexsort((np.arange(len(total)), -total))[: _CANDIDATES * n_features]
        cand = np.sort(cand[total[cand] > 0])
        del total
        lookup = np.full(a ** 3, len(cand), dtype=np.int32)
        lookup[cand] = np.arange(len(cand), dtype=np.int32)
        df_gram = np.zeros(len(cand) + 1, dtype=np.int64)
        nk = len(self.keep)
        df_words = np.zeros(nk, dtype=np.int64)
        named_pairs: list[npt.NDArray[np.int64]] = []
        n_acc = 0
        for m in masked:
            nb = len(m.bounds) - 1
            df_gram[:-1] += ss.gram_df(m, a, lookup, len(cand))
            df_words += np.count_nonzero(np.bincount(m.kept_acct * nk + m.kept_word, minlength=nb * nk)
                                         .reshape(nb, nk), axis=0)
            uid, inv = np.unique(m.named_ids, return_inverse=True)
            pairs = np.unique(m.named_acct * max(len(uid), 1) + inv)
            named_pairs.append(uid[pairs % max(len(uid), 1)])
            n_acc += nb
        named_ids, df_named = np.unique(np.concatenate(named_pairs) if named_pairs else np.zeros(0, np.int64),
                                        return_counts=True)
        ids = np.concatenate((sb.code_ids(cand.astype(np.int64), self.alphabet, a), self.word_ids[:nk], named_ids))
        df = np.concatenate((df_gram[:-1], df_words, df_named))
        order = np.lexsort((ids, -df))[:n_features]
        order = order[df[order] >= 2]
        by_id = order[np.argsort(ids[order])]
        self.keep_ids = ids[by_id]
        n_f = len(self.keep_ids)
        self.idf = (np.log((1 + n_acc) / (1 + df[by_id])) + 1.0).astype(np.float32)
        is_gram = by_id < len(cand)
        self.gram_col = np.full(a ** 3, n_f, dtype=np.int32)        # n_f: not a chosen feature
        self.gram_col[cand[by_id[is_gram]]] = np.flatnonzero(is_gram).astype(np.int32)
        is_word = (by_id >= len(cand)) & (by_id < len(cand) + nk)
        self.word_col = np.full(max(nk, 1), n_f, dtype=np.int64)
        self.word_col[by_id[is_word] - len(cand)] = np.flatnonzero(is_word)
        is_named = ~is_gram & ~is_word
        self.named_ids = self.keep_ids[is_named]
        self.named_cols = np.flatnonzero(is_named).astype(np.int64)
        del lookup
        z = np.zeros((sum(len(m.bounds) - 1 for m in masked), n_f), dtype=np.float32)
        at = 0
        for m, rows in zip(masked, in_order(self._rows, iter(masked)), strict=True):
            z[at:at + len(m.bounds) - 1] = rows
            at += len(m.bounds) - 1
        self.sample_ids = np.concatenate([b for b in self._sample_accounts]) if masked else np.zeros(0, np.int64)
        del masked
        self.mean = z.mean(axis=0, keepdims=True).astype(np.float32)
        z -= self.mean
        z /= np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
        self.basis = _principal_directions(z[:: max(1, len(z) // _PCA_ROWS)], dims, seed)   # features × dims
        self.sample_rows = z @ self.basis

    def _choose_words(self, regions: list[npt.NDArray[np.uint32]], n_words: int) -> None:
        """The corpus's ``n_words`` most frequent words (lower case), counted on each account's start."""
        # per region: its distinct words (hashes) and their counts
        per: list[tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]] = []
        for r in regions:
            u, c = np.unique(ss.words(r)[2], return_counts=True)
            per.append((u, c))
        all_u = np.concatenate([p[0] for p in per]) if per else np.zeros(0, np.uint64)
        uniq, inv = np.unique(all_u, return_inverse=True)
        counts = np.bincount(inv, weights=np.concatenate([p[1] for p in per]) if per else None,
                             minlength=len(uniq)).astype(np.int64)
        del per, all_u, inv
        sel = np.flatnonzero(counts >= np.sort(counts)[-n_words]) if len(uniq) > n_words else np.arange(len(uniq))
        words: dict[int, str] = {}                      # hash -> the word (lower case), from any occurrence
        for r in regions:
            if len(words) == len(sel):
                break
            starts, ends, hashes = ss.words(r)
            found = np.flatnonzero(np.isin(hashes, uniq[sel]))
            for k in found[np.unique(hashes[found], return_index=True)[1]]:
                h = int(hashes[k])
                if h not in words:
                    words[h] = "".join(map(chr, sb.chars().props(r[starts[k]:ends[k]])[1].tolist()))
        text = [(words[int(h)], int(c), int(h)) for h, c in zip(uniq[sel], counts[sel], strict=True)]
        text.sort(key=lambda t: (-t[1], t[0]))
        chosen = sorted(text[:n_words], key=lambda t: t[2])
        self.keep = np.array([t[2] for t in chosen], dtype=np.uint64)
        self.keep_words = [t[0] for t in chosen]
        self.word_ids = np.array([sb.name_id("w:" + t) for t in self.keep_words] or [0], dtype=np.int64)
        self._sample_accounts: list[npt.NDArray[np.int64]] = []

    @property
    def dims(self) -> int:
        return int(self.basis.shape[1])

    def _mask(self, b: TextBatch) -> sb.Masked:
        return ss.mask(b.cp, b.bounds, b.text_bounds, b.acct_of_text, self.keep, self.ranks)

    def _rows(self, m: sb.Masked) -> npt.NDArray[np.float32]:
        """Sublinear TF-IDF rows over the chosen features, L2-normalised (not yet centred)."""
        n_f = len(self.keep_ids)
        counts = ss.gram_counts(m, self.a, self.gram_col, n_f)
        pos = np.searchsorted(self.named_ids, m.named_ids)
        ok = pos < len(self.named_ids)
        ok[ok] = self.named_ids[pos[ok]] == m.named_ids[ok]
        rows = np.concatenate((m.named_acct[ok], m.kept_acct))
        cols = np.concatenate((self.named_cols[pos[ok]], self.word_col[m.kept_word]))
        ss.add_pairs(counts, rows, cols)
        top = int(counts.max()) if counts.size else 0
        sublinear = np.zeros(top + 1, dtype=np.float32)   # count -> 1 + log(count), 0 -> 0
        sublinear[1:] = (1.0 + np.log(np.arange(1, top + 1, dtype=np.float64))).astype(np.float32)
        z = sublinear[counts]
        z *= self.idf
        z /= np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
        return z

    def project(self, b: TextBatch) -> npt.NDArray[np.float32]:
        """Projected, centred profiles of the accounts of this batch (one row each)."""
        m = ss.mask(b.cp, b.bounds, b.text_bounds, b.acct_of_text, self.keep, self.ranks)
        z = self._rows(m)
        z -= self.mean
        z /= np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
        out: npt.NDArray[np.float32] = z @ self.basis
        return out


def in_order(fn: Callable[[T], R], items: Iterator[T], workers: int = 2) -> Iterator[R]:
    """``fn`` of each item, in the items' order, computed by ``workers`` threads with at most ``workers + 1``
    items taken at once (memory stays bounded). Each item is computed whole by one thread (the C code
    and numpy release the GIL), so the results are those of a plain loop, bit for bit."""
    with ThreadPoolExecutor(workers) as pool:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _principal_directions(z: npt.NDArray[np.float32], dims: int, seed: int) -> npt.NDArray[np.float32]:
    """The ``dims`` leading right singular vectors of ``z`` (randomised SVD, Halko et al.; fixed seed)."""
    dims = max(1, min(dims, *z.shape))
    extra = min(z.shape[1], dims + 20)
    omega = np.random.default_rng(seed).standard_normal((z.shape[1], extra)).astype(np.float32)
    q, _ = np.linalg.qr(z @ omega)
    for _ in range(2):   # power iterations: the spectrum of text features decays slowly
        q, _ = np.linalg.qr(z.T @ q)
        q, _ = np.linalg.qr(z @ q)
    _, _, vt = np.linalg.svd(q.T @ z, full_matrices=False)
    basis: npt.NDArray[np.float32] = np.ascontiguousarray(vt[:dims].T, dtype=np.float32)
    return basis


def build(con: duckdb.DuckDBPyConnection, *, min_chars: int, max_chars: int, n_words: int, n_features: int,
          dims: int, sample: int, seed: int) -> tuple[list[int], npt.NDArray[np.float32]]:
    """Account indexes with a profile and their projected profiles (``len × dims`` float32), in account order."""
    sql = _texts_sql(wrap=True, sampled=True)
    reader = con.sql(sql, params=[min_chars, min(max_chars, 1 << 62), max(sample, 3), max(sample, 3)]
                     ).to_arrow_reader(_ROWS)
    phases = _Phases(reader)
    sampled = list(_rebatch(phases.sampled()))
    rest: Iterator[TextBatch] = _rebatch(phases.rest())
    if sum(len(b.accounts) for b in sampled) < 3:                 # a tiny sample: are there 3 accounts at all?
        others = list(rest)
        accounts = sorted(int(i) for b in sampled + others for i in b.accounts)
        if len(accounts) < 3:
            return accounts, np.zeros((len(accounts), 0), dtype=np.float32)
        rest = iter(others)
    space = ProfileSpace(sampled, n_words, n_features, dims, seed)
    ids, rows = [space.sample_ids], [space.sample_rows]

    def projected(b: TextBatch) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        return b.accounts, space.project(b)
    for accounts_b, rows_b in in_order(projected, rest):
        ids.append(accounts_b)
        rows.append(rows_b)
    all_ids = np.concatenate(ids)
    order = np.argsort(all_ids, kind="stable")
    y: npt.NDArray[np.float32] = np.ascontiguousarray(np.concatenate(rows)[order], dtype=np.float32)
    return [int(i) for i in all_ids[order]], y
