"""Writing-style profiles in bounded memory: texts streamed from DuckDB, features chosen on a sample,
every profile reduced to a short vector.

1. The accounts with at least ``style_min_chars`` of own text are listed; a deterministic sample of at
   most ``style_sample`` of them (every k-th in account order) fixes the vocabulary: the corpus's most
   frequent words (kept when masking topic words), the ``style_features`` features found in most sampled
   accounts, their IDF, the mean profile and the principal directions of the centred profiles (randomised
   SVD, ``style_dims`` of them).
2. Every account's texts are then streamed in account order (never all at once) and its profile —
   sublinear TF-IDF over the chosen features, L2-normalised, centred on the mean and normalised again —
   is projected on those directions. Only ``n × style_dims`` float32 are kept: at 490,000 profiles and
   128 dimensions 250 MB, where the full profiles would take 9.8 GB.

The dot product of two projected profiles is their cosine similarity restricted to the principal
directions (the rest of the 5,000-dimensional profile is mostly what each account wrote by chance).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from rescue.identity.model import TEMP

_WORD = re.compile(r"\w+")
_SPLIT = re.compile(r"(\w+)")
_WORD_SAMPLE = 4000
_FETCH = 20_000          # text rows per fetch from DuckDB
_BATCH = 1000            # profiles filled and projected at once
_PCA_ROWS = 5000         # sampled profiles the principal directions are computed from (every k-th)

Features = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]


def _texts_sql(where: str = "") -> str:
    # The cut at ``max_chars`` is made inside DuckDB (a running sum of the lengths before each text), so
    # only the texts that are read reach Python: a text is kept while the texts before it are shorter
    # than ``max_chars`` in total (the one that crosses the limit is kept whole).
    return f"""
        WITH t AS (SELECT a.idx, p.body_text AS body, p.posted_at AS ts, p.post_id AS rid FROM posts p
                   JOIN {TEMP} a USING (source_id, account_id) WHERE p.body_text IS NOT NULL {where}
                   UNION ALL
                   SELECT a.idx, m.body_text, m.sent_at, m.message_id FROM messages m
                   JOIN {TEMP} a ON a.source_id = m.source_id AND a.account_id = m.sender_account_id
                   WHERE m.body_text IS NOT NULL {where}),
        c AS (SELECT idx, body, ts, rid, sum(length(body)) OVER (PARTITION BY idx) AS total,
                     coalesce(sum(length(body)) OVER (PARTITION BY idx ORDER BY ts, rid
                                                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
              FROM t)
        SELECT idx, body FROM c WHERE total >= ? AND before < ? ORDER BY idx, ts, rid"""


def text_stream(con: duckdb.DuckDBPyConnection, min_chars: int, max_chars: int = 1 << 62,
                only: list[int] | None = None) -> Iterator[tuple[int, list[str]]]:
    """(account index, texts in time order, up to about ``max_chars``) for accounts with at least
    ``min_chars`` of own text, in account order, streamed (``only``: just these accounts)."""
    where = ""
    if only is not None:
        con.register("_id_style_only_view", pa.table({"idx": pa.array(only, pa.int64())}))
        try:
            con.execute("CREATE OR REPLACE TEMP TABLE _id_style_only AS SELECT idx FROM _id_style_only_view")
        finally:
            con.unregister("_id_style_only_view")
        where = "AND a.idx IN (SELECT idx FROM _id_style_only)"
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
        if only is not None:
            con.execute("DROP TABLE IF EXISTS _id_style_only")


def own_texts(con: duckdb.DuckDBPyConnection, min_chars: int, max_chars: int = 1 << 62
              ) -> list[tuple[int, list[str]]]:
    """All of :func:`text_stream` as a list (small operations and tests)."""
    return list(text_stream(con, min_chars, max_chars))


def profiled_accounts(con: duckdb.DuckDBPyConnection, min_chars: int) -> list[int]:
    """Indexes of the accounts with at least ``min_chars`` characters of own text, in order."""
    rows = con.execute(f"""
        SELECT idx FROM (SELECT a.idx, length(p.body_text) AS n FROM posts p JOIN {TEMP} a USING (source_id, account_id)
                         WHERE p.body_text IS NOT NULL
                         UNION ALL
                         SELECT a.idx, length(m.body_text) FROM messages m JOIN {TEMP} a
                         ON a.source_id = m.source_id AND a.account_id = m.sender_account_id
                         WHERE m.body_text IS NOT NULL)
        GROUP BY idx HAVING sum(n) >= ? ORDER BY idx""", [min_chars]).fetchall()
    return [int(r[0]) for r in rows]


class _Masks(dict[str, str]):
    """Word -> its masked form (a topic word's letters become ``*``, digits ``#``; kept words stay), filled
    on first use so that masking a text is one C-level ``map``; ``kept`` holds the word forms kept."""

    def __init__(self, keep: set[str]) -> None:
        super().__init__()
        self.keep = keep
        self.kept: set[str] = set()

    def __missing__(self, w: str) -> str:
        if w.lower() in self.keep:
            self.kept.add(w)
            out = w
        else:
            out = "".join("#" if c.isdigit() else "*" for c in w)
        self[w] = out
        return out


def _collapse_spaces(text: str) -> str:
    """Runs of spaces and tabs as one space (as ``re.sub(r"[ \t]+", " ", text)``, at C speed)."""
    text = text.replace("\t", " ")
    while "  " in text:
        text = text.replace("    ", " ").replace("  ", " ")
    return text


def account_features(texts: list[str], masks: _Masks, names: dict[str, int]) -> Features:
    """Feature ids and counts of one account: character 3-grams of the masked text (id = the three code
    points packed in 63 bits, >= 0) and named features (negative ids from ``names``)."""
    keys: list[str] = []
    for body in texts:
        first = body.lstrip().split("\n", 1)[0].strip()
        if first:
            keys.append("first:" + first[:20].lower())
            keys.append("last:" + body.rstrip().rsplit("\n", 1)[-1].strip()[-20:].lower())
        keys.append(f"paragraphs:{min(body.count(chr(10) + chr(10)), 3)}")
    parts = _SPLIT.split("\x02" + "\x03\x02".join(texts) + "\x03")
    words = parts[1::2]
    parts[1::2] = map(masks.__getitem__, words)
    named = Counter(keys)
    for w, n in Counter(filter(masks.kept.__contains__, words)).items():   # kept words only
        named["w:" + w.lower()] += n
    text = _collapse_spaces("".join(parts))
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    grams = (cp[:-2] << 42) | (cp[1:-1] << 21) | cp[2:]
    grams.sort()
    edges = np.flatnonzero(np.diff(grams)) + 1
    starts = np.concatenate(([0], edges)) if len(grams) else edges
    ids = grams[starts]
    counts = np.diff(np.concatenate((starts, [len(grams)])))
    extra = sorted(named.items())
    name_ids = np.array([-1 - names.setdefault(k, len(names)) for k, _ in extra], dtype=np.int64)
    return (np.concatenate([name_ids, ids]),
            np.concatenate([np.array([n for _, n in extra], dtype=np.int64), counts.astype(np.int64)]))


class ProfileSpace:
    """Vocabulary, IDF, mean and principal directions fitted on a sample of accounts' texts."""

    def __init__(self, sample: list[list[str]], n_words: int, n_features: int, dims: int, seed: int) -> None:
        words: Counter[str] = Counter()   # the corpus's most frequent words, counted on each account's start
        for texts in sample:
            words.update(map(str.lower, _WORD.findall("\n".join(texts)[:_WORD_SAMPLE])))
        self.keep = {w for w, _ in sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))[:n_words]}
        self.names: dict[str, int] = {}
        self.masks = _Masks(self.keep)
        per = [account_features(texts, self.masks, self.names) for texts in sample]
        all_ids = np.concatenate([ids for ids, _ in per]) if per else np.zeros(0, np.int64)
        vocab, df = np.unique(all_ids, return_counts=True)
        del all_ids
        order = np.lexsort((np.arange(len(df)), -df))            # most frequent first, ties by id
        chosen = np.sort(order[:n_features][df[order[:n_features]] >= 2])
        self.keep_ids = vocab[chosen]
        self.idf = (np.log((1 + len(per)) / (1 + df[chosen])) + 1.0).astype(np.float32)
        z = self._rows(per)
        self.mean = z.mean(axis=0, keepdims=True).astype(np.float32)
        z -= self.mean
        z /= np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
        self.basis = _principal_directions(z[:: max(1, len(z) // _PCA_ROWS)], dims, seed)   # features × dims
        self.sample_rows = z @ self.basis

    @property
    def dims(self) -> int:
        return int(self.basis.shape[1])

    def _rows(self, per: list[Features]) -> npt.NDArray[np.float32]:
        """Sublinear TF-IDF rows over the chosen features, L2-normalised (not yet centred)."""
        z = np.zeros((len(per), len(self.keep_ids)), dtype=np.float32)
        for r, (ids, counts) in enumerate(per):
            pos = np.searchsorted(self.keep_ids, ids)
            hit = pos < len(self.keep_ids)
            hit[hit] = self.keep_ids[pos[hit]] == ids[hit]
            z[r, pos[hit]] = (1.0 + np.log(counts[hit].astype(np.float64))).astype(np.float32)
        z *= self.idf
        z /= np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
        return z

    def project(self, docs: list[list[str]]) -> npt.NDArray[np.float32]:
        """Projected, centred profiles of these accounts (one row each)."""
        z = self._rows([account_features(t, self.masks, self.names) for t in docs])
        z -= self.mean
        z /= np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-12)
        out: npt.NDArray[np.float32] = z @ self.basis
        return out


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
    """Account indexes with a profile and their projected profiles (``len × dims`` float32)."""
    accounts = profiled_accounts(con, min_chars)
    if len(accounts) < 3:
        return accounts, np.zeros((len(accounts), 0), dtype=np.float32)
    step = max(1, -(-len(accounts) // max(sample, 3)))
    chosen = accounts[::step]
    got = dict(text_stream(con, min_chars, max_chars, only=chosen))
    space = ProfileSpace([got[i] for i in chosen if i in got], n_words, n_features, dims, seed)
    done = {i: r for r, i in enumerate(i for i in chosen if i in got)}
    del got
    ids: list[int] = []
    y = np.zeros((len(accounts), space.dims), dtype=np.float32)
    batch: list[tuple[int, list[str]]] = []

    def flush() -> None:
        rows = space.project([t for _, t in batch])
        for (i, _), row in zip(batch, rows, strict=True):
            y[len(ids)] = row
            ids.append(i)
        batch.clear()

    for i, texts in text_stream(con, min_chars, max_chars):
        if i in done:
            if batch:
                flush()
            y[len(ids)] = space.sample_rows[done[i]]
            ids.append(i)
            continue
        batch.append((i, texts))
        if len(batch) >= _BATCH:
            flush()
    if batch:
        flush()
    return ids, y[: len(ids)]
